//! The step scheduler: runs a graph of steps concurrently, in dependency and priority order,
//! journaling every result, growing the graph when a step discovers work, and resuming from a
//! journal.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::stream::{FuturesOrdered, FuturesUnordered};
use futures_util::{FutureExt, StreamExt};
use serde::{Deserialize, Serialize};

use super::clock::{RunClock, millis, wall_clock};
use crate::engine::ErrorKind;
use crate::journal::{Journal, JournalState, Record};
use crate::plan::{Phase, Planned, Step, StepId, check_graph};
use crate::progress::{CounterTracker, Event, Reporter};
use crate::report::{StepOutcome, StepResult};

/// What to do when a step fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    /// Keep going with everything that does not depend on the failed step (the role's default,
    /// except that failures are reported as failures).
    #[default]
    Continue,
    /// Start nothing new after the first failure; let running steps end.
    Stop,
}

/// How the scheduler runs steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulerOptions {
    /// Failure policy.
    pub on_error: OnError,
    /// Steps running at the same time. Engine calls are limited separately per Engine; this only
    /// bounds the number of steps in flight (most of which are waiting). Default 256: enough to
    /// keep any Engine busy, small enough to keep memory and progress output modest.
    pub max_in_flight: usize,
    /// A step that has not ended after this long fails with a timeout, whatever it is waiting
    /// for. Default 30 minutes: longer than any single wait the flows do (their own deadlines
    /// are minutes), so it only catches a step that hangs.
    pub step_deadline: Duration,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        Self {
            on_error: OnError::Continue,
            max_in_flight: 256,
            step_deadline: Duration::from_secs(30 * 60),
        }
    }
}

/// How a step that did not fail ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Completion {
    /// It did its work.
    Done {
        /// Data for later steps.
        output: Option<serde_json::Value>,
    },
    /// The effect was already in place.
    AlreadyDone {
        /// Data for later steps.
        output: Option<serde_json::Value>,
    },
    /// It did its work and found more: these steps join the run. Steps that depend on this one
    /// wait for them too. They must not depend on this step (they start after it anyway).
    Added {
        /// The new steps.
        steps: Vec<Step>,
        /// Data for later steps.
        output: Option<serde_json::Value>,
    },
}

/// Why a step failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure {
    /// What went wrong, for humans (with the Engine's fault text).
    pub message: String,
    /// The Engine error kind, when an Engine call failed.
    pub kind: Option<ErrorKind>,
}

impl StepFailure {
    /// A failure with a message and no Engine error kind.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            kind: None,
        }
    }
}

impl From<crate::EngineError> for StepFailure {
    fn from(e: crate::EngineError) -> Self {
        Self {
            message: e.to_string(),
            kind: Some(e.kind),
        }
    }
}

/// What running a step produced.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRun {
    /// The result.
    pub result: Result<Completion, StepFailure>,
    /// Attempts made (1 when no retry was needed).
    pub attempts: u32,
    /// Time spent waiting for another site's storage lease.
    pub lease_wait: Duration,
}

impl StepRun {
    /// A result after one attempt with no lease wait.
    pub fn once(result: Result<Completion, StepFailure>) -> Self {
        Self {
            result,
            attempts: 1,
            lease_wait: Duration::ZERO,
        }
    }
}

/// Runs steps. Implementations make every step an *ensure*: check first, act only if needed.
#[async_trait]
pub trait StepRunner: Send + Sync {
    /// Runs one step.
    async fn run(&self, step: &Step, ctx: &StepContext) -> StepRun;
}

/// What a running step can use besides its own data.
pub struct StepContext {
    step: StepId,
    run_id: String,
    site: crate::Site,
    clock: RunClock,
    started_ms: u64,
    reporter: Arc<dyn Reporter>,
    journal: Arc<Journal>,
    outputs: Arc<Mutex<HashMap<StepId, serde_json::Value>>>,
}

impl std::fmt::Debug for StepContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepContext")
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

impl StepContext {
    /// The step being run.
    pub fn step(&self) -> &StepId {
        &self.step
    }

    /// The id of the run the step belongs to.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The site the step acts on.
    pub fn site(&self) -> crate::Site {
        self.site
    }

    /// Reports how a long step is doing.
    pub fn progress(&self, message: impl Into<String>) {
        self.reporter.event(&Event::StepProgress {
            step: self.step.clone(),
            message: message.into(),
            elapsed: Duration::from_millis(self.clock.now_ms().saturating_sub(self.started_ms)),
        });
    }

    /// The output an earlier step produced.
    pub fn output_of(&self, step: &StepId) -> Option<serde_json::Value> {
        self.outputs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(step)
            .cloned()
    }

    /// Every output produced so far, by step.
    pub fn outputs(&self) -> HashMap<StepId, serde_json::Value> {
        self.outputs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Records a named fact in the journal (durably).
    pub fn fact(&self, name: impl Into<String>, value: impl Into<String>) -> std::io::Result<()> {
        self.journal.append(
            &Record::Fact {
                name: name.into(),
                value: value.into(),
                at: wall_clock(),
                t_ms: self.clock.now_ms(),
            },
            true,
        )
    }
}

/// Everything the scheduler did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    /// Every step of the run: the initial ones, then those added while running.
    pub steps: Vec<Step>,
    /// One result per step, in the same order.
    pub results: Vec<StepResult>,
    /// Outputs of the steps.
    pub outputs: HashMap<StepId, serde_json::Value>,
    /// Milliseconds on the run clock when the scheduler finished.
    pub finished_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeState {
    Waiting,
    Ready,
    Running,
    /// The step's own run ended (its children may still be running).
    Ran,
    Finished,
}

#[derive(Debug)]
struct Node {
    step: Step,
    state: NodeState,
    pending_deps: usize,
    dependents: Vec<usize>,
    /// Steps that only wait for this one to end (`waits_for`).
    followers: Vec<usize>,
    parent: Option<usize>,
    open_children: usize,
    subtree_failed: bool,
    result: Option<StepResult>,
    /// Its records were appended without waiting for them to be durable: nothing in the run
    /// relied on it when it ended (see [`relied_on`]).
    deferred: bool,
}

/// The run's shared pieces.
pub struct RunContext {
    /// Run id, for events.
    pub run_id: String,
    /// The journal.
    pub journal: Arc<Journal>,
    /// Where events go.
    pub reporter: Arc<dyn Reporter>,
    /// The run clock.
    pub clock: RunClock,
}

struct Graph {
    nodes: Vec<Node>,
    index: HashMap<StepId, usize>,
    ready: BinaryHeap<(Reverse<u32>, Reverse<usize>, usize)>,
    stopping: Option<String>,
    phases_seen: HashSet<Phase>,
    counters: CounterTracker,
    /// Steps added by steps whose records are not yet durable (not in the graph yet).
    journaled: HashSet<StepId>,
    /// Outputs of steps whose records were deferred: visible once the journal is flushed at
    /// the run's end (no step depends on those steps, so none may rely on them before).
    deferred_outputs: Vec<(StepId, serde_json::Value)>,
}

impl Graph {
    fn new() -> Self {
        Self {
            nodes: Vec::new(),
            index: HashMap::new(),
            ready: BinaryHeap::new(),
            stopping: None,
            phases_seen: HashSet::new(),
            counters: CounterTracker::default(),
            journaled: HashSet::new(),
            deferred_outputs: Vec::new(),
        }
    }

    fn is_success(&self, i: usize) -> bool {
        let n = &self.nodes[i];
        n.state == NodeState::Finished
            && !n.subtree_failed
            && n.result.as_ref().is_some_and(|r| r.outcome.is_success())
    }

    /// Inserts steps (skipping ids already present) under `parent`, wiring dependencies.
    fn insert(&mut self, steps: Vec<Step>, parent: Option<usize>) -> Vec<usize> {
        let added = self.add_nodes(steps, parent);
        self.wire(&added);
        added
    }

    /// Adds steps (skipping ids already present) under `parent` without wiring their
    /// dependencies: a batch is wired once all of it is in, so a step may depend on one that
    /// comes after it.
    fn add_nodes(&mut self, steps: Vec<Step>, parent: Option<usize>) -> Vec<usize> {
        let mut added = Vec::new();
        for step in steps {
            if self.index.contains_key(&step.id) {
                continue;
            }
            let i = self.nodes.len();
            self.index.insert(step.id.clone(), i);
            self.counters.planned(&step);
            self.nodes.push(Node {
                step,
                state: NodeState::Waiting,
                pending_deps: 0,
                dependents: Vec::new(),
                followers: Vec::new(),
                parent,
                open_children: 0,
                subtree_failed: false,
                result: None,
                deferred: false,
            });
            if let Some(p) = parent {
                self.nodes[p].open_children += 1;
            }
            added.push(i);
        }
        added
    }

    /// Wires the dependencies of the nodes `added`.
    fn wire(&mut self, added: &[usize]) {
        for &i in added {
            let deps = self.nodes[i].step.depends_on.clone();
            for d in deps {
                // A dependency that already ended is settled by `settle` (blocked if it failed).
                if let Some(&j) = self.index.get(&d)
                    && self.nodes[j].state != NodeState::Finished
                {
                    self.nodes[j].dependents.push(i);
                    self.nodes[i].pending_deps += 1;
                }
            }
            let waits = self.nodes[i].step.waits_for.clone();
            for d in waits {
                if let Some(&j) = self.index.get(&d)
                    && self.nodes[j].state != NodeState::Finished
                {
                    self.nodes[j].followers.push(i);
                    self.nodes[i].pending_deps += 1;
                }
            }
        }
    }
}

/// Runs `steps` (a sealed plan's steps) to the end and returns every step's result.
///
/// With `previous` (the journal of an interrupted run), steps that already succeeded are not run
/// again and the steps added back then are restored; everything else runs (as an ensure, so work
/// that was done before the interruption is found done, not done twice).
pub async fn run_steps(
    steps: Vec<Step>,
    runner: &dyn StepRunner,
    ctx: &RunContext,
    options: SchedulerOptions,
    previous: Option<&JournalState>,
) -> RunOutcome {
    let mut g = Graph::new();
    let outputs: Arc<Mutex<HashMap<StepId, serde_json::Value>>> =
        Arc::new(Mutex::new(HashMap::new()));
    g.insert(steps, None);
    if let Some(prev) = previous {
        // All restored before any is wired: an added step may depend on one journaled after
        // it (a template version listed before its base).
        let mut restored = Vec::new();
        for (by, step) in &prev.added {
            let parent = g.index.get(by).copied();
            restored.extend(g.add_nodes(vec![step.clone()], parent));
        }
        g.wire(&restored);
        outputs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(prev.outputs.clone());
    }
    ctx.reporter.event(&Event::RunStarted {
        run_id: ctx.run_id.clone(),
        total: g.nodes.len(),
    });

    // Restore what the journal says succeeded, then seed the ready queue.
    if let Some(prev) = previous {
        for i in 0..g.nodes.len() {
            if let Some(r) = prev.results.get(&g.nodes[i].step.id)
                && r.outcome.is_success()
            {
                g.counters.ended(&r.id, r.outcome, None, 0);
                g.nodes[i].result = Some(r.clone());
                g.nodes[i].state = NodeState::Ran;
            }
        }
        // Finish restored nodes bottom-up: children were inserted after their parents.
        for i in (0..g.nodes.len()).rev() {
            if g.nodes[i].state == NodeState::Ran && g.nodes[i].open_children == 0 {
                finish(&mut g, i, ctx);
            }
        }
    }
    for i in 0..g.nodes.len() {
        settle(&mut g, i, ctx);
    }

    let mut running = FuturesUnordered::new();
    // Steps that ended, waiting (in the order they ended) for their records to be durable.
    let mut committing: Pending = FuturesOrdered::new();
    loop {
        while g.stopping.is_none() && running.len() < options.max_in_flight.max(1) {
            // A controller that lost its run lock starts nothing more (its Engine calls are
            // fenced too); the run stays resumable.
            if let Some(lost) = ctx.journal.lock_lost() {
                g.stopping = Some(lost);
                break;
            }
            let Some((_, _, i)) = g.ready.pop() else {
                break;
            };
            if g.nodes[i].state != NodeState::Ready {
                continue;
            }
            g.nodes[i].state = NodeState::Running;
            let step = g.nodes[i].step.clone();
            if g.phases_seen.insert(step.phase) {
                ctx.reporter
                    .event(&Event::PhaseStarted { phase: step.phase });
            }
            let started_ms = ctx.clock.now_ms();
            let _ = ctx.journal.append(
                &Record::StepStarted {
                    step: step.id.clone(),
                    at: wall_clock(),
                    t_ms: started_ms,
                },
                false,
            );
            ctx.reporter.event(&Event::StepStarted {
                step: step.id.clone(),
                phase: step.phase,
                summary: step.summary.clone(),
            });
            let step_ctx = StepContext {
                step: step.id.clone(),
                run_id: ctx.run_id.clone(),
                site: step.site,
                clock: ctx.clock,
                started_ms,
                reporter: Arc::clone(&ctx.reporter),
                journal: Arc::clone(&ctx.journal),
                outputs: Arc::clone(&outputs),
            };
            let deadline = options.step_deadline;
            // The step's Engine requests carry its correlation id, so that its jobs and events
            // can be found on the Engine.
            let correlation = crate::engine::correlation::for_step(&ctx.run_id, &step.id.0);
            tracing::debug!(step = %step.id.0, correlation_id = %correlation, "step started");
            running.push(async move {
                let work =
                    crate::engine::correlation::scope(&correlation, runner.run(&step, &step_ctx));
                let run = match tokio::time::timeout(deadline, work).await {
                    Ok(run) => run,
                    Err(_) => StepRun::once(Err(StepFailure {
                        message: format!("the step did not end within {} s", deadline.as_secs()),
                        kind: Some(ErrorKind::Timeout),
                    })),
                };
                (i, started_ms, run)
            });
        }
        // Steps whose records are durable first: their dependents may start.
        let next = if committing.is_empty() {
            match running.next().await {
                Some(ran) => Next::Ran(ran),
                None => break,
            }
        } else {
            tokio::select! {
                biased;
                Some(done) = committing.next() => Next::Committed(done),
                Some(ran) = running.next() => Next::Ran(ran),
            }
        };
        match next {
            Next::Ran((i, started_ms, run)) => {
                let defer = !relied_on(&g, i);
                let mut c = complete(&mut g, i, started_ms, run, ctx, defer);
                // A step nothing relies on finishes at once: its records were handed over
                // without a commit to wait for. A journal that wrote the records already (a
                // file, memory) finishes the step at once, in order; else (etcd) it finishes
                // once their commit is acknowledged, and the steps that end meanwhile share the
                // next commit. On a current-thread runtime the commit is waited for here (see
                // `wait_commit`).
                let now = if c.deferred {
                    (&mut c.commit).now_or_never()
                } else if !committing.is_empty() {
                    None
                } else if crate::journal::commit_blocks() {
                    Some(crate::journal::block_on(&mut c.commit))
                } else {
                    (&mut c.commit).now_or_never()
                };
                match now {
                    Some(unjournaled) => {
                        durable(
                            &mut g,
                            c,
                            unjournaled,
                            ctx,
                            &outputs,
                            options,
                            &mut committing,
                        );
                    }
                    None => committing.push_back(Box::pin(commit_of(c))),
                }
            }
            Next::Committed((c, unjournaled)) => {
                durable(
                    &mut g,
                    c,
                    unjournaled,
                    ctx,
                    &outputs,
                    options,
                    &mut committing,
                );
            }
        }
    }

    // The run's end: the records appended without waiting (steps nothing relied on, skipped
    // and blocked steps) are durable before the run returns, as every other one is.
    let flush = ctx.journal.flush();
    let flushed = if crate::journal::commit_blocks() {
        crate::journal::block_on(flush)
    } else {
        flush.await
    };
    if let Err(e) = flushed
        && g.stopping.is_none()
    {
        g.stopping = Some(format!(
            "the run stopped: the journal could not be written ({e})"
        ));
    }
    outputs
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .extend(std::mem::take(&mut g.deferred_outputs));

    // Whatever never ran: stopped, or (a planner bug) waiting on something that cannot happen.
    let reason = g
        .stopping
        .clone()
        .unwrap_or_else(|| "its dependencies were never satisfied".to_owned());
    for i in 0..g.nodes.len() {
        if g.nodes[i].result.is_none() {
            let r = synthetic_result(&g.nodes[i].step, StepOutcome::NotRun, &reason);
            g.nodes[i].result = Some(r);
            g.nodes[i].state = NodeState::Finished;
        }
    }

    let finished_ms = ctx.clock.now_ms();
    if let Some(counters) = g.counters.due(finished_ms, true) {
        ctx.reporter.event(&Event::Counters(counters));
    }
    let outputs = outputs
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let mut out_steps = Vec::with_capacity(g.nodes.len());
    let mut results = Vec::with_capacity(g.nodes.len());
    for n in g.nodes {
        out_steps.push(n.step);
        results.push(n.result.expect("every node has a result"));
    }
    RunOutcome {
        steps: out_steps,
        results,
        outputs,
        finished_ms,
    }
}

/// Moves a waiting node forward if it can: skipped steps finish at once, steps with a failed
/// dependency are blocked, steps with all dependencies done become ready.
fn settle(g: &mut Graph, i: usize, ctx: &RunContext) {
    if g.nodes[i].state != NodeState::Waiting {
        return;
    }
    let failed_dep = g.nodes[i].step.depends_on.iter().find_map(|d| {
        let j = *g.index.get(d)?;
        (g.nodes[j].state == NodeState::Finished && !g.is_success(j)).then(|| d.clone())
    });
    if let Some(dep) = failed_dep {
        block(g, i, &dep, ctx);
        return;
    }
    if g.nodes[i].pending_deps > 0 {
        return;
    }
    if let Planned::Skipped { reason } = &g.nodes[i].step.planned {
        let r = synthetic_result(&g.nodes[i].step, StepOutcome::Skipped, &reason.clone());
        record_result(ctx, &mut g.counters, &r);
        g.nodes[i].result = Some(r);
        g.nodes[i].state = NodeState::Ran;
        finish(g, i, ctx);
        return;
    }
    g.nodes[i].state = NodeState::Ready;
    let prio = g.nodes[i].step.priority();
    g.ready.push((Reverse(prio), Reverse(i), i));
}

fn block(g: &mut Graph, i: usize, dep: &StepId, ctx: &RunContext) {
    let r = synthetic_result(
        &g.nodes[i].step,
        StepOutcome::Blocked,
        &format!("it depends on '{dep}', which did not succeed"),
    );
    record_result(ctx, &mut g.counters, &r);
    g.nodes[i].result = Some(r);
    g.nodes[i].state = NodeState::Ran;
    finish(g, i, ctx);
}

/// A node's own run is over and so are its children's: release or block its dependents and tell
/// its parent.
fn finish(g: &mut Graph, i: usize, ctx: &RunContext) {
    if g.nodes[i].state == NodeState::Finished {
        return;
    }
    g.nodes[i].state = NodeState::Finished;
    let success = g.is_success(i);
    let dependents = g.nodes[i].dependents.clone();
    for d in dependents {
        if success {
            g.nodes[d].pending_deps = g.nodes[d].pending_deps.saturating_sub(1);
        }
        settle(g, d, ctx);
    }
    let followers = g.nodes[i].followers.clone();
    for d in followers {
        g.nodes[d].pending_deps = g.nodes[d].pending_deps.saturating_sub(1);
        settle(g, d, ctx);
    }
    if let Some(p) = g.nodes[i].parent {
        g.nodes[p].open_children -= 1;
        if !success {
            g.nodes[p].subtree_failed = true;
        }
        if g.nodes[p].state == NodeState::Ran && g.nodes[p].open_children == 0 {
            finish(g, p, ctx);
        }
    }
}

/// A step's run ended: validates what it added and hands its records to the journal. The rest
/// of its completion is [`committed`], once they are durable.
fn complete(
    g: &mut Graph,
    i: usize,
    started_ms: u64,
    run: StepRun,
    ctx: &RunContext,
    defer: bool,
) -> Committing {
    let step = g.nodes[i].step.clone();
    let now = ctx.clock.now_ms();
    let (outcome, error, error_kind, output, added) = match run.result {
        Ok(Completion::Done { output }) => (StepOutcome::Done, None, None, output, Vec::new()),
        Ok(Completion::AlreadyDone { output }) => {
            (StepOutcome::AlreadyDone, None, None, output, Vec::new())
        }
        Ok(Completion::Added { steps, output }) => (StepOutcome::Done, None, None, output, steps),
        Err(f) => (
            StepOutcome::Failed,
            Some(f.message),
            f.kind.map(|k| k.as_str().to_owned()),
            None,
            Vec::new(),
        ),
    };

    // Validate additions before anything is recorded, so a bad expansion fails its step cleanly.
    let mut failure = (outcome, error, error_kind);
    let mut new_steps: Vec<Step> = Vec::new();
    if !added.is_empty() {
        let fresh: Vec<Step> = added
            .into_iter()
            .filter(|s| !g.index.contains_key(&s.id) && !g.journaled.contains(&s.id))
            .collect();
        let known: HashSet<StepId> = g.index.keys().chain(&g.journaled).cloned().collect();
        let ancestors = ancestors_of(g, i);
        if let Err(e) = check_graph(&fresh, &known) {
            failure = (
                StepOutcome::Failed,
                Some(format!("the steps it discovered are inconsistent: {e}")),
                None,
            );
        } else if let Some(s) = fresh
            .iter()
            .find(|s| s.depends_on.iter().any(|d| ancestors.contains(d)))
        {
            failure = (
                StepOutcome::Failed,
                Some(format!(
                    "discovered step '{}' depends on the step that discovered it",
                    s.id
                )),
                None,
            );
        } else {
            new_steps = fresh;
        }
    }
    let (outcome, error, error_kind) = failure;
    let result = StepResult {
        id: step.id.clone(),
        phase: step.phase,
        site: step.site,
        summary: step.summary.clone(),
        outcome,
        error,
        error_kind,
        started_ms: Some(started_ms),
        duration_ms: now.saturating_sub(started_ms),
        attempts: run.attempts,
        lease_wait_ms: millis(run.lease_wait),
        hint: None,
    };

    // Nothing in the run relies on a step that nothing depends on or waits for (and whose
    // parent, if any, releases nothing either): its records are appended without waiting and
    // made durable by the next commit anything waits for, or by the flush at the run's end. A
    // record lost before then (the controller killed) costs what a kill between the step's
    // Engine call and its record always costs: the resumed run does the step again as an ensure
    // and finds it done. A step that added steps always waits (they are its children).
    if defer && new_steps.is_empty() {
        let mut unjournaled = None;
        if let Some(output) = &output
            && let Err(e) = ctx.journal.append(
                &Record::StepOutput {
                    step: step.id.clone(),
                    output: output.clone(),
                    at: wall_clock(),
                    t_ms: now,
                },
                false,
            )
        {
            tracing::debug!(error = %e, "a step's output could not be journaled");
        }
        if let Err(e) = ctx.journal.append(&result_record(ctx, &result), false) {
            unjournaled = Some(e);
        }
        g.nodes[i].deferred = true;
        return Committing {
            i,
            result,
            output,
            new_steps,
            deferred: true,
            flushed: false,
            commit: Box::pin(std::future::ready(unjournaled)),
        };
    }

    // The step's records go to the journal now; the rest (its dependents released, its
    // output visible) waits until they are durable.
    let output_commit = output.as_ref().map(|output| {
        ctx.journal.submit(&Record::StepOutput {
            step: step.id.clone(),
            output: output.clone(),
            at: wall_clock(),
            t_ms: now,
        })
    });
    let added_commit = (!new_steps.is_empty()).then(|| {
        ctx.journal.submit(&Record::StepsAdded {
            by: step.id.clone(),
            steps: new_steps.clone(),
            at: wall_clock(),
            t_ms: now,
        })
    });
    for s in &new_steps {
        g.journaled.insert(s.id.clone());
    }
    let result_commit = ctx.journal.submit(&result_record(ctx, &result));
    let commit = async move {
        // A lost output only costs the report its data; lost added steps or a lost result
        // stop the run.
        if let Some(c) = output_commit {
            let _ = c.await;
        }
        let mut unjournaled = None;
        if let Some(c) = added_commit
            && let Err(e) = c.await
        {
            unjournaled = Some(e);
        }
        if let Err(e) = result_commit.await {
            unjournaled.get_or_insert(e);
        }
        unjournaled
    };
    Committing {
        i,
        result,
        output,
        new_steps,
        deferred: false,
        flushed: false,
        commit: Box::pin(commit),
    }
}

/// What the scheduler's loop woke up for.
enum Next {
    /// A step's run ended.
    Ran((usize, u64, StepRun)),
    /// A step's records are durable (or could not be made so).
    Committed((Committing, Option<std::io::Error>)),
}

/// A step that ended, its records on their way to the journal.
struct Committing {
    i: usize,
    result: StepResult,
    output: Option<serde_json::Value>,
    new_steps: Vec<Step>,
    /// Its records were appended without a commit to wait for (see [`complete`]).
    deferred: bool,
    /// The journal was flushed for the steps it adds (see [`durable`]).
    flushed: bool,
    /// Ends once the records are durable: with the error when one that matters is not.
    commit: std::pin::Pin<Box<dyn std::future::Future<Output = Option<std::io::Error>> + Send>>,
}

/// Waits for `c`'s commit.
async fn commit_of(mut c: Committing) -> (Committing, Option<std::io::Error>) {
    let unjournaled = (&mut c.commit).await;
    (c, unjournaled)
}

/// Steps whose records are on their way to the journal, in the order they ended.
type Pending = FuturesOrdered<
    std::pin::Pin<
        Box<dyn std::future::Future<Output = (Committing, Option<std::io::Error>)> + Send>,
    >,
>;

/// Whether anything in the run relies on step `i`'s effect once it ends: a step depends on it
/// or waits for it, or it is a child and its parent's end does (the parent's dependents wait
/// for its children). Steps added later that depend on it are seen to in [`durable`].
fn relied_on(g: &Graph, i: usize) -> bool {
    let mut at = Some(i);
    while let Some(n) = at.map(|a| &g.nodes[a]) {
        if !n.dependents.is_empty() || !n.followers.is_empty() {
            return true;
        }
        at = n.parent;
    }
    false
}

/// `c`'s records are durable (or could not be made so): finishes the step, unless it adds steps
/// that depend on (or wait for) a step whose records were deferred. Those records may still be
/// waiting for a commit (the step may have ended after `c`'s records were handed over), so the
/// journal is flushed first and the step finishes once the flush is acknowledged: no step starts
/// before the records of the steps it relies on are durable.
fn durable(
    g: &mut Graph,
    mut c: Committing,
    unjournaled: Option<std::io::Error>,
    ctx: &RunContext,
    outputs: &Mutex<HashMap<StepId, serde_json::Value>>,
    options: SchedulerOptions,
    committing: &mut Pending,
) {
    let relies_on_deferred = |s: &Step| {
        s.depends_on
            .iter()
            .chain(&s.waits_for)
            .any(|d| g.index.get(d).is_some_and(|&j| g.nodes[j].deferred))
    };
    if !c.flushed && c.new_steps.iter().any(relies_on_deferred) {
        c.flushed = true;
        let flush = ctx.journal.flush();
        if crate::journal::commit_blocks() {
            let flushed = crate::journal::block_on(flush).err();
            committed(g, c, unjournaled.or(flushed), ctx, outputs, options);
        } else {
            c.commit = Box::pin(async move { unjournaled.or(flush.await.err()) });
            committing.push_back(Box::pin(commit_of(c)));
        }
        return;
    }
    committed(g, c, unjournaled, ctx, outputs, options);
}

/// The end of a step's completion, once its records are durable (or could not be): its output
/// becomes visible, its result counts, the steps it added join the graph and its dependents
/// move on. Nothing that relies on the step's effect happens before its result is durable.
fn committed(
    g: &mut Graph,
    c: Committing,
    unjournaled: Option<std::io::Error>,
    ctx: &RunContext,
    outputs: &Mutex<HashMap<StepId, serde_json::Value>>,
    options: SchedulerOptions,
) {
    let Committing {
        i,
        result,
        output,
        new_steps,
        deferred,
        ..
    } = c;
    let step_id = result.id.clone();
    match output {
        Some(output) if deferred => g.deferred_outputs.push((step_id.clone(), output)),
        Some(output) => {
            outputs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(step_id.clone(), output);
        }
        None => {}
    }
    if !new_steps.is_empty() {
        for s in &new_steps {
            g.journaled.remove(&s.id);
        }
        ctx.reporter.event(&Event::StepsAdded {
            by: step_id.clone(),
            added: new_steps.len(),
        });
    }
    report_result(ctx, &mut g.counters, &result);
    // Nothing goes on that the journal does not hold: a resume must find it.
    if let Some(e) = unjournaled
        && g.stopping.is_none()
    {
        g.stopping = Some(format!(
            "the run stopped: the journal could not be written ({e})"
        ));
    }
    if result.outcome == StepOutcome::Failed
        && options.on_error == OnError::Stop
        && g.stopping.is_none()
    {
        g.stopping = Some(format!(
            "the run stopped after '{step_id}' failed (--on-error stop)"
        ));
    }
    g.nodes[i].result = Some(result);
    g.nodes[i].state = NodeState::Ran;
    let children = g.insert(new_steps, Some(i));
    for c in children {
        settle(g, c, ctx);
    }
    if g.nodes[i].open_children == 0 {
        finish(g, i, ctx);
    }
}

fn ancestors_of(g: &Graph, i: usize) -> HashSet<StepId> {
    let mut out = HashSet::new();
    let mut cur = Some(i);
    while let Some(c) = cur {
        out.insert(g.nodes[c].step.id.clone());
        cur = g.nodes[c].parent;
    }
    out
}

/// A step's result as a journal record.
fn result_record(ctx: &RunContext, r: &StepResult) -> Record {
    Record::StepFinished {
        result: r.clone(),
        at: wall_clock(),
        t_ms: ctx.clock.now_ms(),
    }
}

/// Journals the result of a step that did nothing (skipped, blocked) and reports it. Nothing
/// was done, so a record that is lost costs nothing: the journal takes it without a commit of
/// its own (the next commit, or the flush at the run's end, makes it durable; a resume finds
/// the step skipped or blocked again).
fn record_result(ctx: &RunContext, counters: &mut CounterTracker, r: &StepResult) {
    let _ = ctx.journal.append(&result_record(ctx, r), false);
    report_result(ctx, counters, r);
}

/// Reports a step's result and counts it.
fn report_result(ctx: &RunContext, counters: &mut CounterTracker, r: &StepResult) {
    ctx.reporter.event(&Event::StepFinished {
        step: r.id.clone(),
        phase: r.phase,
        summary: r.summary.clone(),
        outcome: r.outcome,
        error: r.error.clone(),
        duration: Duration::from_millis(r.duration_ms),
    });
    let now = ctx.clock.now_ms();
    counters.ended(&r.id, r.outcome, r.started_ms, now);
    if let Some(c) = counters.due(now, false) {
        ctx.reporter.event(&Event::Counters(c));
    }
}

fn synthetic_result(step: &Step, outcome: StepOutcome, reason: &str) -> StepResult {
    StepResult {
        id: step.id.clone(),
        phase: step.phase,
        site: step.site,
        summary: step.summary.clone(),
        outcome,
        error: Some(reason.to_owned()),
        error_kind: None,
        started_ms: None,
        duration_ms: 0,
        attempts: 0,
        lease_wait_ms: 0,
        hint: None,
    }
}
