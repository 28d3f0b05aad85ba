//! Arguments of the flows (`plan`, `failover`, and later `cleanup`, `failback`, `switchover`).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use olvm_dr_core::Site;
use olvm_dr_core::engine::DEFAULT_CONCURRENCY;

use crate::cli::OutputFormat;

fn parse_site(s: &str) -> Result<Site, String> {
    s.parse()
        .map_err(|e: olvm_dr_core::site::UnknownSite| e.to_string())
}

/// Where a flow's inputs and state come from; every flow takes these.
#[derive(Debug, Clone, Args)]
pub struct FlowInputs {
    /// The mapping file. Default: `[failover_failback] var_file` of dr.conf.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The passwords file (plain or ansible-vault). Default: `[failover_failback] vault` of
    /// dr.conf.
    #[arg(long, value_name = "FILE")]
    pub passwords: Option<PathBuf>,
    /// File holding the ansible-vault password (else OLVM_DR_VAULT_PASSWORD, else a prompt on
    /// a terminal).
    #[arg(long, value_name = "FILE")]
    pub vault_password_file: Option<PathBuf>,
    /// Where runs keep their plan, journal and report. Default: OLVM_DR_STATE_DIR, else
    /// ~/.local/share/olvm-dr.
    #[arg(long, value_name = "DIR", conflicts_with = "state")]
    pub state_dir: Option<PathBuf>,
    /// Result format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// Where runs and their lock are kept: a directory, or etcd (a quorum across both sites
    /// and a witness), `etcd://host1:2379,host2:2379,host3:2379/PREFIX[?lease_ttl=SECONDS]`
    /// (`etcds://` for TLS; files, user and password in dr.conf's [state]). Default:
    /// OLVM_DR_STATE, else as --state-dir, else [state] url of dr.conf.
    #[arg(long, value_name = "URL")]
    pub state: Option<String>,
}

impl FlowInputs {
    /// `--state`, else `--state-dir`.
    pub(crate) fn state_option(&self) -> Option<String> {
        state_option(self.state.as_deref(), self.state_dir.as_deref())
    }
}

/// `--state`, else `--state-dir` as text.
pub(crate) fn state_option(
    state: Option<&str>,
    state_dir: Option<&std::path::Path>,
) -> Option<String> {
    state
        .map(str::to_owned)
        .or_else(|| state_dir.map(|d| d.to_string_lossy().into_owned()))
}

/// What to do when a step fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OnErrorArg {
    /// Go on with everything that does not depend on the failed step; report the failure.
    #[default]
    Continue,
    /// Start nothing new after the first failure.
    Stop,
}

/// How a flow runs; `failover`, `failback`, `cleanup` and `switchover` take these.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Engine calls in flight per site.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// What to do when a step fails.
    #[arg(long, value_enum, default_value_t = OnErrorArg::Continue)]
    pub on_error: OnErrorArg,
    /// Do not ask before running the plan. Required when stdin is not a terminal.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Make and print the plan, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Continue this interrupted run, or the last run if a recovery plan's hook or manual step
    /// stopped it (by default, rerunning the same command continues the newest such run of the
    /// same flow, target and mapping).
    #[arg(long, value_name = "RUN", conflicts_with = "new_run")]
    pub resume: Option<String>,
    /// Plan a new run even if an interrupted one could be continued.
    #[arg(long)]
    pub new_run: bool,
    /// No progress display; plain log lines instead.
    #[arg(long)]
    pub no_progress: bool,
    /// Take the run lock on the target Engine (its tag `olvm-dr-lock`) even though another run
    /// holds it: only when that run is dead (its machine lost, its process killed). Journaled.
    #[arg(long)]
    pub break_lock: bool,
    /// How the recovery plan's manual steps and its `ask`s are answered.
    #[command(flatten)]
    pub answer: AnswerArgs,
}

/// How a recovery plan's manual steps and `ask`s (a group whose wait did not pass, a failed
/// hook) are answered when nobody sits at a terminal: as the storage gate is passed, by a
/// command or a file.
#[derive(Debug, Clone, Args)]
pub struct AnswerArgs {
    /// Answer each manual step and `ask` of the recovery plan by running this command (`sh
    /// -c`; exit 0 confirms, anything else fails the step); it finds the step id in
    /// OLVM_DR_GATE (e.g. `manual/group/web`) and the question in OLVM_DR_GATE_DESCRIPTION.
    /// Default: `[failover_failback] answer_command` of dr.conf.
    #[arg(long, value_name = "CMD", conflicts_with = "answer_file")]
    pub answer_command: Option<String>,
    /// Answer each manual step and `ask` once this file exists; `{gate}` in it becomes the step
    /// id (`/run/dr/{gate}.ok` waits for `/run/dr/manual/run.ok`), needed when the plan may ask
    /// more than once. Default: `[failover_failback] answer_file` of dr.conf.
    #[arg(long, value_name = "PATH")]
    pub answer_file: Option<PathBuf>,
    /// How long each answer may take, in minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 240)]
    pub answer_timeout: u64,
}

/// `olvm-dr failover` (and `plan failover`).
#[derive(Debug, Clone, Args)]
pub struct FailoverChoices {
    /// The site to fail over to. Default: `[failover_failback] dr_target_host` of dr.conf, else
    /// secondary.
    #[arg(long, value_parser = parse_site)]
    pub target: Option<Site>,
    /// Do not start the VMs that were running.
    #[arg(long)]
    pub no_start: bool,
    /// Start VMs but do not wait for them to be up.
    #[arg(long)]
    pub no_wait_vms: bool,
    /// Also register what every other active domain of the target holds (the role's behaviour).
    #[arg(long)]
    pub all_active_domains: bool,
    /// Do not register VMs and templates whose disks are not all on the imported domains.
    #[arg(long)]
    pub no_partial_import: bool,
    /// Keep MACs that are out of the target pool's range or taken (the Engine then refuses
    /// duplicates) instead of reassigning them.
    #[arg(long)]
    pub keep_bad_macs: bool,
    /// Proceed although the source site still has the domains active (split brain!). Needs
    /// --reason, which is journaled.
    #[arg(long, requires = "reason")]
    pub force: bool,
    /// Why --force is safe (for the journal and the report).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Only these mapped domains (names of either site, comma-separated).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub domains: Vec<String>,
    /// Start the VMs as this recovery plan says (groups in order, their waits, dependencies,
    /// re-IP). Default: `[failover_failback] recovery_plan` of dr.conf, when set.
    #[arg(long, value_name = "FILE")]
    pub recovery_plan: Option<PathBuf>,
}

/// `olvm-dr failover`.
#[derive(Debug, Clone, Args)]
pub struct FailoverArgs {
    /// Inputs.
    #[command(flatten)]
    pub inputs: FlowInputs,
    /// Failover choices.
    #[command(flatten)]
    pub choices: FailoverChoices,
    /// Run options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// How the storage gate of a failback or switchover is passed: the moment between "the old site
/// released the domains" and "import on the new site", when replication is reversed and the new
/// site's storage made writable outside olvm-dr.
#[derive(Debug, Clone, Args)]
pub struct GateArgs {
    /// Run this command (e.g. the storage array's CLI) and continue when it exits with 0; its
    /// output goes to the journal.
    #[arg(long, value_name = "CMD", conflicts_with = "storage_ready_file")]
    pub storage_ready_command: Option<String>,
    /// Continue once this file exists.
    #[arg(long, value_name = "PATH")]
    pub storage_ready_file: Option<PathBuf>,
    /// Ask on the terminal (the default on a terminal when no command or file is given).
    #[arg(long, conflicts_with_all = ["storage_ready_command", "storage_ready_file"])]
    pub storage_ready_prompt: bool,
    /// How long to wait at the gate, in minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 240)]
    pub storage_ready_timeout: u64,
}

/// `olvm-dr cleanup` choices (and `plan cleanup`).
#[derive(Debug, Clone, Args)]
pub struct CleanupChoices {
    /// The site to clean. Default: `[failover_failback] dr_source_map` of dr.conf, else primary.
    #[arg(long, value_parser = parse_site)]
    pub site: Option<Site>,
    /// Power VMs off at once (the role's way) instead of a guest shutdown first.
    #[arg(long)]
    pub power_off: bool,
    /// Also remove the VMs the removed domains leave without disks, and their direct LUNs.
    #[arg(long)]
    pub remove_orphans: bool,
    /// Remove domains whose detach is blocked (delete-protected or previewing VMs) from the
    /// Engine's database only.
    #[arg(long)]
    pub force_remove: bool,
    /// Only these mapped domains (names of either site, comma-separated).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub domains: Vec<String>,
}

/// `olvm-dr cleanup`.
#[derive(Debug, Clone, Args)]
pub struct CleanupArgs {
    /// Inputs.
    #[command(flatten)]
    pub inputs: FlowInputs,
    /// Cleanup choices.
    #[command(flatten)]
    pub choices: CleanupChoices,
    /// Run options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// What failback and switchover choose besides their failover part.
#[derive(Debug, Clone, Args)]
pub struct ReturnChoices {
    /// Failback: do not clean the returning site first (it was cleaned already).
    #[arg(long)]
    pub no_clean_returning_site: bool,
    /// Switchover: power VMs off when their guest does not shut down in time (by default the
    /// switchover stops instead).
    #[arg(long)]
    pub power_off_after_timeout: bool,
    /// Remove domains whose detach is blocked from the Engine's database only.
    #[arg(long)]
    pub force_remove: bool,
}

/// `olvm-dr failback` / `olvm-dr switchover`.
#[derive(Debug, Clone, Args)]
pub struct ReturnArgs {
    /// Inputs.
    #[command(flatten)]
    pub inputs: FlowInputs,
    /// Failover choices (`--target` is the site to go to).
    #[command(flatten)]
    pub choices: FailoverChoices,
    /// Failback and switchover choices.
    #[command(flatten)]
    pub returning: ReturnChoices,
    /// The storage gate.
    #[command(flatten)]
    pub gate: GateArgs,
    /// Run options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `olvm-dr plan ...`: make and print a plan without running it.
#[derive(Debug, Clone, Subcommand)]
pub enum PlanCommand {
    /// The plan of a failover.
    Failover {
        /// Inputs.
        #[command(flatten)]
        inputs: FlowInputs,
        /// Failover choices.
        #[command(flatten)]
        choices: FailoverChoices,
        /// Print every step (by default at most 25 per phase).
        #[arg(long)]
        all_steps: bool,
    },
    /// The plan of a cleanup.
    Cleanup {
        /// Inputs.
        #[command(flatten)]
        inputs: FlowInputs,
        /// Cleanup choices.
        #[command(flatten)]
        choices: CleanupChoices,
        /// Print every step.
        #[arg(long)]
        all_steps: bool,
    },
    /// The plan of a failback.
    Failback {
        /// Inputs.
        #[command(flatten)]
        inputs: FlowInputs,
        /// Failover choices.
        #[command(flatten)]
        choices: FailoverChoices,
        /// Failback choices.
        #[command(flatten)]
        returning: ReturnChoices,
        /// Print every step.
        #[arg(long)]
        all_steps: bool,
    },
    /// The plan of a planned switchover.
    Switchover {
        /// Inputs.
        #[command(flatten)]
        inputs: FlowInputs,
        /// Failover choices.
        #[command(flatten)]
        choices: FailoverChoices,
        /// Switchover choices.
        #[command(flatten)]
        returning: ReturnChoices,
        /// Print every step.
        #[arg(long)]
        all_steps: bool,
    },
}

/// `olvm-dr report ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum ReportCommand {
    /// Print a run's report.
    Show {
        /// The run id (see `olvm-dr report list`); default: the newest run.
        run: Option<String>,
        /// Where runs are kept. Default: OLVM_DR_STATE_DIR, else ~/.local/share/olvm-dr.
        #[arg(long, value_name = "DIR", conflicts_with = "state")]
        state_dir: Option<PathBuf>,
        /// Result format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output: OutputFormat,
        /// Write the report as one self-contained HTML page to FILE (`-`: stdout) instead of
        /// printing it: timeline, VM table, failures, evidence, inputs; it opens offline and
        /// prints. Every run also writes it as report.html next to its report.json.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Where runs are kept: a directory or `etcd://...` (as for the flows).
        #[arg(long, value_name = "URL")]
        state: Option<String>,
    },
    /// List the runs in the state directory.
    List {
        /// Where runs are kept.
        #[arg(long, value_name = "DIR", conflicts_with = "state")]
        state_dir: Option<PathBuf>,
        /// Where runs are kept: a directory or `etcd://...` (as for the flows).
        #[arg(long, value_name = "URL")]
        state: Option<String>,
    },
    /// Compare two runs: the recovery time per part, and the VMs whose outcome changed.
    Diff {
        /// The first run (the "before").
        before: String,
        /// The second run (the "after").
        after: String,
        /// Where runs are kept. Default: OLVM_DR_STATE_DIR, else ~/.local/share/olvm-dr.
        #[arg(long, value_name = "DIR", conflicts_with = "state")]
        state_dir: Option<PathBuf>,
        /// Where runs are kept: a directory or `etcd://...` (as for the flows).
        #[arg(long, value_name = "URL")]
        state: Option<String>,
        /// Result format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output: OutputFormat,
        /// Write the comparison as one self-contained HTML page to FILE (`-`: stdout) instead
        /// of printing it.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
}
