//! `olvm-dr demo`: the whole DR cycle on an embedded two-site lab, with no Engine anywhere.
//!
//! Two simulated Engines are served on loopback ports and everything below goes through their
//! REST API, exactly as against real sites: generate the mapping from the primary (pre-filled
//! from the secondary), complete it as an administrator would, validate it offline and
//! online, declare a disaster of the primary, fail over, bring the primary back, and fail back
//! through the storage gate. Each step prints what it did; the exit code is 0 only when every
//! step succeeded.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use olvm_dr_core::engine::rest::RestEngine;
use olvm_dr_core::engine::{Engine, VmSearch, VmStatus};
use olvm_dr_core::execute::{StepContext, StepFailure, StorageGate};
use olvm_dr_core::fake::World;
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore, file_sha256};
use olvm_dr_core::generate::{ConnectionKeys, GenerateOptions, complete_for_world, generate};
use olvm_dr_core::mapping::{Mapping, MappingSecrets};
use olvm_dr_core::plan::{FailoverOptions, ReturnOptions};
use olvm_dr_core::report::{Report, Verdict};
use olvm_dr_core::validate::{OfflineOptions, OnlineOptions, validate_offline, validate_online};
use olvm_dr_core::{Diagnostic, Severity, Site};
use olvm_dr_sim::{Lab, LabOptions};

use crate::cli::DemoArgs;
use crate::exit::Exit;
use crate::flow::progress::{CliReporter, ProgressMode};
use crate::output;

/// The sanlock lease timeout in the demo: 80 s is what a real site waits after a disaster; the
/// demo keeps the wait but shortens it so the whole cycle takes seconds.
const DEMO_LEASE_TIMEOUT: Duration = Duration::from_secs(5);

/// Prints one step's header and keeps the clock.
struct Steps {
    start: Instant,
    n: usize,
}

impl Steps {
    fn next(&mut self, title: &str) {
        self.n += 1;
        output::out(&format!(
            "\n[{:>5.1} s] {}. {title}\n",
            self.start.elapsed().as_secs_f64(),
            self.n
        ));
    }
}

fn line(text: &str) {
    output::out(&format!("    {text}\n"));
}

/// The storage administrator of the demo: makes the returning site's copies writable.
struct DemoGate(World);

#[async_trait]
impl StorageGate for DemoGate {
    async fn wait_ready(
        &self,
        description: &str,
        _ctx: &StepContext,
    ) -> Result<String, StepFailure> {
        line(&format!("storage gate: {description}"));
        line(
            "(in a real site: the storage arrays; here the lab's replication is stopped toward the primary)",
        );
        self.0.stop_all_replication();
        Ok("the demo promoted the returning site's copies".into())
    }
}

async fn up_on(engine: &dyn Engine) -> Result<Vec<String>, String> {
    let vms = engine
        .vms(&VmSearch {
            status: Some(VmStatus::Up),
            ..VmSearch::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut names: Vec<String> = vms
        .into_iter()
        .filter(|v| !v.is_hosted_engine())
        .map(|v| v.name)
        .collect();
    names.sort();
    Ok(names)
}

fn show_report(report: &Report) {
    for l in report.render_summary().lines() {
        line(l);
    }
}

fn count(diags: &[Diagnostic], s: Severity) -> usize {
    diags.iter().filter(|d| d.severity == s).count()
}

pub(crate) fn run(args: &DemoArgs) -> Exit {
    let rt = match crate::connect::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            output::error_line(&e);
            return Exit::Failure;
        }
    };
    let (dir, _temp) = match &args.dir {
        Some(d) => (d.clone(), None),
        None => match tempfile::Builder::new().prefix("olvm-dr-demo-").tempdir() {
            Ok(t) => (
                t.path().to_path_buf(),
                if args.keep { None } else { Some(t) },
            ),
            Err(e) => {
                output::error_line(&format!("cannot create a directory for the demo: {e}"));
                return Exit::Failure;
            }
        },
    };
    match rt.block_on(demo(args, &dir)) {
        Ok(()) => {
            output::out(
                "\nThe whole cycle succeeded: every VM that ran before the disaster runs again where it started.\n",
            );
            if args.dir.is_some() || args.keep {
                output::out(&format!(
                    "Files, journals and reports are in {} (olvm-dr report list --state-dir {}).\n",
                    dir.display(),
                    dir.join("state").display()
                ));
            }
            Exit::Success
        }
        Err(message) => {
            output::error_line(&message);
            Exit::Failure
        }
    }
}

async fn demo(args: &DemoArgs, dir: &Path) -> Result<(), String> {
    let mut steps = Steps {
        start: Instant::now(),
        n: 0,
    };
    steps.next("Start a simulated two-site lab (two Engines on loopback ports)");
    let mut options = LabOptions::new(dir.join("lab"));
    options.seed = args.seed;
    options.vms = args.vms;
    if args.realistic {
        options.latency = olvm_dr_sim::Latency::Realistic;
    }
    let lab = Lab::start(options).await.map_err(|e| e.to_string())?;
    let world = lab.world().clone();
    world.set_lease_timeout(DEMO_LEASE_TIMEOUT);
    line(&format!("primary   {}", lab.api_url(Site::Primary)));
    line(&format!("secondary {}", lab.api_url(Site::Secondary)));
    let connect = |site: Site| -> Result<Arc<dyn Engine>, String> {
        RestEngine::connect(&lab.site_connection(site))
            .map(|e| Arc::new(e) as Arc<dyn Engine>)
            .map_err(|e| e.to_string())
    };
    let primary = connect(Site::Primary)?;
    let secondary = connect(Site::Secondary)?;
    let result = cycle(args, dir, &lab, &world, &primary, &secondary, &mut steps).await;
    for e in [&primary, &secondary] {
        let _ = e.close().await;
    }
    lab.shutdown().await;
    result
}

#[allow(clippy::too_many_arguments)]
async fn cycle(
    args: &DemoArgs,
    dir: &Path,
    lab: &Lab,
    world: &World,
    primary: &Arc<dyn Engine>,
    secondary: &Arc<dyn Engine>,
    steps: &mut Steps,
) -> Result<(), String> {
    steps.next("Generate the mapping file from the primary, pre-filled from the secondary (olvm-dr generate)");
    let keys = |site: Site| {
        let connection = lab.site_connection(site);
        let ca_file = connection.ca_file.map(|p| p.display().to_string());
        ConnectionKeys::new(lab.api_url(site), connection.username, ca_file)
    };
    let mut gen_options = GenerateOptions::new(keys(Site::Primary));
    gen_options.secondary = Some(keys(Site::Secondary));
    let generated = generate(primary.as_ref(), Some(secondary.as_ref()), &gen_options)
        .await
        .map_err(|e| e.to_string())?;
    let generated_path = dir.join("generated_vars.yml");
    std::fs::write(&generated_path, generated.to_yaml()).map_err(|e| e.to_string())?;
    let summary = &generated.summary;
    line(&format!(
        "{} storage domains, {} clusters, {} vNIC profiles; {} values to fill in -> {}",
        summary.storage_domains,
        summary.clusters,
        summary.vnic_profiles,
        summary.to_fill,
        generated_path.display()
    ));

    steps.next(
        "Complete it as the administrator would (the values that really differ between the sites)",
    );
    let mut mapping = generated.mapping.clone();
    let filled = complete_for_world(&mut mapping, world)
        .await
        .map_err(|e| e.to_string())?;
    for site in Site::BOTH {
        mapping.sites.get_mut(site).url =
            olvm_dr_core::mapping::Field::set(lab.api_url(site), Default::default());
    }
    let mapping_path = dir.join("disaster_recovery_vars.yml");
    let yaml = mapping.to_yaml();
    std::fs::write(&mapping_path, &yaml).map_err(|e| e.to_string())?;
    line(&format!(
        "{filled} values filled in -> {}",
        mapping_path.display()
    ));
    let loaded = Mapping::load(&mapping_path).map_err(|e| e.to_string())?;
    let mapping = loaded
        .mapping
        .ok_or("the completed mapping cannot be read back")?;

    steps.next("Validate it offline and against both Engines (olvm-dr validate)");
    let mut findings = validate_offline(
        &mapping,
        Some(&mapping_path),
        &OfflineOptions {
            check_ca_files: true,
            base_dir: None,
        },
    );
    let engines = olvm_dr_core::mapping::PerSite {
        primary: Some(primary.as_ref()),
        secondary: Some(secondary.as_ref()),
    };
    findings.extend(
        validate_online(
            &mapping,
            Some(&mapping_path),
            engines,
            &OnlineOptions::default(),
        )
        .await,
    );
    line(&format!(
        "{} errors, {} warnings, {} notes",
        count(&findings, Severity::Error),
        count(&findings, Severity::Warning),
        count(&findings, Severity::Info)
    ));
    if let Some(e) = findings.iter().find(|d| d.is_error()) {
        return Err(format!("validation found errors, e.g. {e}"));
    }

    let was_running = up_on(primary.as_ref()).await?;
    steps.next("Disaster: the primary site goes dark; the arrays promote the secondary's replicas");
    world.disaster(Site::Primary);
    world.stop_all_replication();
    line(&format!(
        "{} VMs were running on the primary",
        was_running.len()
    ));

    let store = RunStore::open(&dir.join("state")).map_err(|e| e.to_string())?;
    let ctx = FlowContext {
        secrets: Arc::new(MappingSecrets::new(mapping.clone(), None)),
        mapping_sha256: file_sha256(yaml.as_bytes()),
        mapping,
        mapping_file: Some(mapping_path),
        engines: [
            (Site::Primary, primary.clone()),
            (Site::Secondary, secondary.clone()),
        ]
        .into(),
    };
    let reporter = Arc::new(CliReporter::new(if args.steps {
        ProgressMode::Steps
    } else {
        ProgressMode::Silent
    }));
    let run_options = RunOptions {
        reporter: reporter.clone(),
        ..RunOptions::default()
    };

    steps.next("Fail over to the secondary (olvm-dr failover)");
    let prepared = ctx
        .prepare_failover(
            Site::Secondary,
            &FailoverOptions::default(),
            &store,
            &Resume::Never,
        )
        .await
        .map_err(|e| e.to_string())?;
    line(
        prepared
            .plan
            .render(olvm_dr_core::plan::RenderOptions {
                max_steps_per_phase: Some(0),
            })
            .lines()
            .next()
            .unwrap_or_default(),
    );
    let report = prepared
        .execute(&ctx, &store, &run_options)
        .await
        .map_err(|e| e.to_string())?;
    show_report(&report);
    if report.verdict != Verdict::Success {
        return Err("the failover did not fully succeed".into());
    }
    let running = up_on(secondary.as_ref()).await?;
    line(&format!("{} VMs now run on the secondary", running.len()));

    // The storage first: a site that comes back to copies it can write takes them over (its
    // SPM, its host-id leases, its highly available VMs) while the secondary runs there.
    steps
        .next("Replication now runs from the secondary toward the primary; the primary comes back");
    world.reverse_all_replication();
    world.recover(Site::Primary);

    steps.next("Fail back to the primary (olvm-dr failback): clean it, release the secondary, storage gate, fail over");
    let gate = Arc::new(DemoGate(world.clone()));
    let prepared = ctx
        .prepare_failback(
            Site::Primary,
            &ReturnOptions::failback(),
            &store,
            &Resume::Never,
        )
        .await
        .map_err(|e| e.to_string())?;
    line(
        prepared
            .plan
            .render(olvm_dr_core::plan::RenderOptions {
                max_steps_per_phase: Some(0),
            })
            .lines()
            .next()
            .unwrap_or_default(),
    );
    let report = prepared
        .execute(
            &ctx,
            &store,
            &RunOptions {
                gate: Some(gate),
                ..run_options
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    show_report(&report);
    reporter.finish();
    if report.verdict != Verdict::Success {
        return Err("the failback did not fully succeed".into());
    }
    let back = up_on(primary.as_ref()).await?;
    line(&format!("{} VMs run on the primary again", back.len()));
    if back != running {
        return Err(
            "the VMs running on the primary are not the ones that ran on the secondary".into(),
        );
    }
    Ok(())
}
