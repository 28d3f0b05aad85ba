//! `olvm-dr lab`: a simulated two-site lab on loopback ports (`olvm-dr-sim`), its files, and
//! commands that talk to the running lab through its control endpoint.

use std::path::Path;

use olvm_dr_core::Site;
use olvm_dr_sim::{ControlClient, Lab, LabOptions, LabState, Latency, WorldSize};
use serde_json::Value;

use crate::cli::{
    LabLatency, LabOvfAgeArgs, LabReplicationArgs, LabSiteArgs, LabSize, LabStatusArgs, LabUpArgs,
    OutputFormat, ReplicationAction,
};
use crate::exit::Exit;
use crate::output;

fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            output::error_line(&format!("cannot start the async runtime: {e}"));
            Exit::Failure
        })
}

/// `olvm-dr lab up`.
pub(crate) fn up(args: &LabUpArgs) -> Exit {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return e,
    };
    let dir = &args.dir.dir;
    if let Ok(state) = LabState::load(dir)
        && rt
            .block_on(ControlClient::new(state.control_urls.primary.clone()).status())
            .is_ok()
    {
        output::error_line(&format!(
            "a lab is already running in {} (process {}); stop it first",
            dir.display(),
            state.pid
        ));
        return Exit::Usage;
    }
    let options = LabOptions {
        size: match args.size {
            LabSize::Small => WorldSize::Small,
            LabSize::Medium => WorldSize::Medium,
            LabSize::Large => WorldSize::Large,
        },
        vms: args.vms,
        seed: args.seed,
        latency: match args.latency {
            LabLatency::Instant => Latency::Instant,
            LabLatency::Realistic => Latency::Realistic,
        },
        plain_http: args.plain_http,
        ..LabOptions::new(dir)
    };
    rt.block_on(async {
        let lab = match Lab::start(options).await {
            Ok(lab) => lab,
            Err(e) => {
                output::error_line(&e.to_string());
                return Exit::Failure;
            }
        };
        lab.world()
            .set_lease_timeout(std::time::Duration::from_secs(args.lease_timeout));
        output::out(&banner(&lab, args.lease_timeout));
        wait_for_stop().await;
        lab.shutdown().await;
        output::out("olvm-dr lab: stopped\n");
        Exit::Success
    })
}

/// What `lab up` prints once both sites answer.
fn banner(lab: &Lab, lease_timeout: u64) -> String {
    let s = lab.state();
    let f = lab.files();
    let dir = f.dir.display();
    let mut t = format!(
        "olvm-dr lab: two simulated Engines are running ({} world, {} VMs, seed {}, {} latency, {lease_timeout} s lease timeout)\n",
        format!("{:?}", s.size).to_lowercase(),
        s.vms,
        s.seed,
        s.latency.as_str()
    );
    for site in Site::BOTH {
        t.push_str(&format!(
            "  {:<10} {}   (control: {})\n",
            site.as_str(),
            lab.api_url(site),
            lab.control_url(site)
        ));
    }
    t.push_str(&format!(
        "  user       {} (password in {})\n\nFiles:\n  mapping    {}\n  passwords  {}\n  dr.conf    {}\n",
        olvm_dr_sim::DEFAULT_USERNAME,
        f.passwords.display(),
        f.mapping.display(),
        f.passwords.display(),
        f.dr_conf.display()
    ));
    match &s.ca_file {
        Some(ca) => t.push_str(&format!("  CA         {}\n\n", ca.display())),
        None => t.push_str("  (plain HTTP: no CA)\n\n"),
    }
    t.push_str(&format!(
        "Try, in another terminal:\n  olvm-dr -f {conf} validate\n  olvm-dr lab ovf-age {domain} --minutes 120 --dir {dir}\n  olvm-dr lab status --dir {dir}\n  olvm-dr lab disaster primary --dir {dir}\n  olvm-dr lab replication stop --dir {dir}\n  olvm-dr -f {conf} failover --yes\n  olvm-dr lab replication reverse --dir {dir}\n  olvm-dr lab recover primary --dir {dir}\n\nPress Ctrl-C to stop the lab.\n",
        conf = f.dr_conf.display(),
        domain = lab
            .world()
            .facts()
            .domains
            .first()
            .map_or("DOMAIN", |d| d.name.as_str()),
    ));
    t
}

/// Ctrl-C, or SIGTERM on Unix.
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The running lab's control endpoint (the primary's; either acts on the whole world).
fn control(dir: &Path) -> Result<(LabState, ControlClient), Exit> {
    match LabState::load(dir) {
        Ok(state) => {
            let client = ControlClient::new(state.control_urls.primary.clone());
            Ok((state, client))
        }
        Err(e) => {
            output::error_line(&format!(
                "{e}; start one with `olvm-dr lab up --dir {}`",
                dir.display()
            ));
            Err(Exit::Usage)
        }
    }
}

/// Runs one control request and reports a failure.
fn ask<F, Fut>(dir: &Path, f: F) -> Result<(LabState, Value), Exit>
where
    F: FnOnce(ControlClient) -> Fut,
    Fut: Future<Output = Result<Value, olvm_dr_sim::ControlError>>,
{
    let (state, client) = control(dir)?;
    let rt = runtime()?;
    match rt.block_on(f(client)) {
        Ok(v) => Ok((state, v)),
        Err(e) => {
            output::error_line(&e.to_string());
            Err(Exit::Failure)
        }
    }
}

/// `olvm-dr lab status`.
pub(crate) fn status(args: &LabStatusArgs) -> Exit {
    let (state, v) = match ask(&args.dir.dir, |c| async move { c.status().await }) {
        Ok(x) => x,
        Err(e) => return e,
    };
    match args.output {
        OutputFormat::Json => {
            output::out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ));
        }
        OutputFormat::Text => output::out(&status_text(&state, &v)),
    }
    Exit::Success
}

fn status_text(state: &LabState, v: &Value) -> String {
    let mut t = String::new();
    for site in Site::BOTH {
        let s = &v["sites"][site.as_str()];
        let up = if s["up"] == true { "up" } else { "DOWN" };
        t.push_str(&format!(
            "{:<10} {up:<5} {}  ({} Engine calls)\n",
            site.as_str(),
            state.api_urls.get(site),
            s["calls"]
        ));
    }
    t.push_str("replication:\n");
    for p in v["replication"].as_array().into_iter().flatten() {
        let volumes: Vec<&str> = p["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let running = if p["running"] == true {
            "running"
        } else {
            "stopped"
        };
        t.push_str(&format!(
            "  {:<40} {:<22} {running}\n",
            volumes.join(", "),
            p["direction"].as_str().unwrap_or_default()
        ));
    }
    t
}

/// `olvm-dr lab disaster|recover SITE` (`action`: `disaster`, `engine-outage` or `recover`).
pub(crate) fn site(args: &LabSiteArgs, action: &'static str) -> Exit {
    let site = args.site;
    match ask(&args.dir.dir, |c| async move {
        c.site_action(site, action).await
    }) {
        Ok((_, answer)) => {
            let what = match action {
                "disaster" => "is down (Engine and hosts dark)",
                "engine-outage" => "has lost its Engine (its hosts still run)",
                "expire-leases" => "holds no sanlock lease any more (if its hosts were dark)",
                _ => "is back",
            };
            output::out(&format!("{site} {what}\n"));
            if let Some(warning) = split_brain_warning(site, &answer) {
                output::warning_line(&warning);
            }
            Exit::Success
        }
        Err(e) => e,
    }
}

/// What `lab recover` says when the site came back to writable copies of domains the other site
/// uses (the control answer's `split_brain_risk`): its Engine takes their leases over after the
/// lease time and restarts its HA VMs on them while the other site runs them too.
fn split_brain_warning(site: impl std::fmt::Display, answer: &serde_json::Value) -> Option<String> {
    let names: Vec<&str> = answer["split_brain_risk"]
        .as_array()?
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    if names.is_empty() {
        return None;
    }
    Some(format!(
        "the {site} site came back to copies it can write of {} that the other site uses: its \
         Engine takes their leases over after the lease time and restarts its highly available \
         VMs there, a split brain (reverse the replication before a site returns: olvm-dr lab \
         replication reverse)",
        names
            .iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// `olvm-dr lab replication ACTION [TARGET]`.
pub(crate) fn replication(args: &LabReplicationArgs) -> Exit {
    let action = match args.action {
        ReplicationAction::Stop => "stop",
        ReplicationAction::Reverse => "reverse",
        ReplicationAction::Resync => "resync",
        ReplicationAction::Split => "split",
    };
    let target = args.target.clone();
    match ask(&args.dir.dir, |c| async move {
        c.replication(action, &target).await
    }) {
        Ok((state, v)) => {
            output::out(&status_text(&state, &v));
            Exit::Success
        }
        Err(e) => e,
    }
}

/// `olvm-dr lab ovf-age DOMAIN --minutes N [--site SITE]`.
pub(crate) fn ovf_age(args: &LabOvfAgeArgs) -> Exit {
    let site = Site::from(args.site);
    let (domain, minutes) = (args.domain.clone(), args.minutes);
    match ask(&args.dir.dir, |c| async move {
        c.age_ovf_store(site, &domain, minutes as f64).await
    }) {
        Ok((_, v)) => {
            output::out(&format!(
                "the OVF store of storage domain '{}' on the {site} site now shows its last update {minutes} minute(s) earlier ({})\n",
                v["domain"].as_str().unwrap_or(&args.domain),
                v["last_updated"].as_str().unwrap_or("never written")
            ));
            Exit::Success
        }
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::split_brain_warning;

    #[test]
    fn recover_warns_only_when_the_site_came_back_to_copies_the_other_site_uses() {
        let none = serde_json::json!({"site": "primary", "split_brain_risk": []});
        assert_eq!(split_brain_warning("primary", &none), None);
        assert_eq!(split_brain_warning("primary", &serde_json::json!({})), None);
        let two = serde_json::json!({"split_brain_risk": ["fcp-data1", "nfs-data1"]});
        let w = split_brain_warning("primary", &two).unwrap();
        assert!(w.contains("'fcp-data1', 'nfs-data1'"), "{w}");
        assert!(
            w.contains("split brain") && w.contains("lab replication reverse"),
            "{w}"
        );
    }
}
