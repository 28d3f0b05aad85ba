//! The HTML page of one report.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::{esc, key_values, page, timeline::timeline};
use crate::plan::StepId;
use crate::report::words::{outcome_word, secs, verdict_word};
use crate::report::{EntityOutcome, Report, StepKind, StepOutcome, StepResult, VmOutcome};

impl Report {
    /// The report as one self-contained HTML page (inline style and script, nothing fetched):
    /// the verdict and recovery time at the top, the timeline (one row per storage domain,
    /// template and VM, the critical path marked), the VMs in a table that sorts and filters
    /// (cluster, outcome, time to up, MAC reassigned), a recovery plan's groups (time to up,
    /// changed addresses) and hooks and manual steps (how each ended, the end of its output),
    /// the failures, the split-brain guard's
    /// evidence and any forcing, every recorded fact, the verification (and a drill's
    /// isolation), and the plan hash and inputs. Prints as it reads.
    pub fn render_html(&self) -> String {
        let title = format!(
            "{}: {}",
            self.kind.title(self.drill, self.target),
            verdict_word(self.verdict)
        );
        let results: HashMap<&StepId, &StepResult> =
            self.steps.iter().map(|r| (&r.id, r)).collect();
        let mut body = String::new();
        body += &self.html_header(&title);
        body += &timeline(self);
        body += &vm_table(&self.vms, &results);
        body += &entity_table("storage-domains", "Storage domains", &self.storage_domains);
        body += &entity_table("templates", "Templates", &self.templates);
        body += &super::recovery::groups(&self.recovery_groups);
        body += &super::recovery::hooks(&self.recovery_hooks);
        body += &self.html_failures();
        body += &self.html_guard();
        body += &self.html_verification();
        body += &self.html_inputs();
        page(&format!("olvm-dr {title} ({})", self.run_id), &body)
    }

    fn html_header(&self, title: &str) -> String {
        let verdict = verdict_word(self.verdict);
        let r = &self.rto;
        let mut out = format!(
            "<header>\n<h1>{}</h1>\n<p class=\"verdict v-{}\" id=\"verdict\">{verdict}</p>\n\
             <p class=\"rto\" id=\"rto\">recovery time <b>{}</b></p>\n",
            esc(title),
            verdict.to_lowercase(),
            secs(r.total_ms)
        );
        let parts = [
            ("lease wait", r.lease_wait_ms),
            ("storage", r.storage_ms),
            ("registration", r.registration_ms),
            ("start", r.start_ms),
            ("VMs up", r.vms_up_ms),
        ];
        out += "<table class=\"rto-parts\"><tr>";
        for (label, _) in parts {
            let _ = write!(out, "<th>{label}</th>");
        }
        out += "</tr><tr>";
        for (_, ms) in parts {
            let _ = write!(out, "<td>{}</td>", secs(ms));
        }
        out += "</tr></table>\n";
        out += &key_values(
            "run",
            &[
                ("run", self.run_id.clone()),
                ("sites", format!("from {} to {}", self.source, self.target)),
                ("started", self.started_at.clone()),
                ("finished", self.finished_at.clone()),
                ("outcome", self.outcome_counts()),
            ],
        );
        out += "</header>\n";
        out
    }

    /// The counts of the text summary's first lines, on one line.
    fn outcome_counts(&self) -> String {
        let ok = |o: Option<StepOutcome>| o.is_some_and(StepOutcome::is_success);
        let with = |f: fn(&VmOutcome) -> Option<StepOutcome>| {
            let all = self.vms.iter().filter(|v| f(v).is_some()).count();
            let good = self.vms.iter().filter(|v| ok(f(v))).count();
            (good, all)
        };
        let good_domains = self
            .storage_domains
            .iter()
            .filter(|d| d.outcome.is_success())
            .count();
        let mut parts = vec![format!(
            "storage domains {good_domains} of {}",
            self.storage_domains.len()
        )];
        for (what, f) in [
            (
                "stopped",
                (|v| v.stopped) as fn(&VmOutcome) -> Option<StepOutcome>,
            ),
            ("registered", |v| v.registered),
            ("started", |v| v.started),
            ("up", |v| v.up),
        ] {
            let (good, all) = with(f);
            if all > 0 {
                parts.push(format!("VMs {what} {good} of {all}"));
            }
        }
        let c = &self.counts;
        parts.push(format!(
            "steps: {} done, {} already done, {} failed, {} blocked, {} not run",
            c.done, c.already_done, c.failed, c.blocked, c.not_run
        ));
        parts.join("; ")
    }

    fn html_failures(&self) -> String {
        let failed: Vec<&StepResult> = self
            .steps
            .iter()
            .filter(|s| s.outcome == StepOutcome::Failed)
            .collect();
        let not_run = self
            .steps
            .iter()
            .filter(|s| matches!(s.outcome, StepOutcome::Blocked | StepOutcome::NotRun))
            .count();
        let mut out = String::from("<section id=\"failures\">\n<h2>Failures</h2>\n");
        if failed.is_empty() {
            out += "<p>No step failed.</p>\n";
        } else {
            out += "<ul class=\"failures\">\n";
            for s in failed {
                out += &failure(s);
            }
            out += "</ul>\n";
        }
        if not_run > 0 {
            let _ = writeln!(
                out,
                "<p>{not_run} steps did not run (blocked by a failure, or the run stopped \
                 before them); the report's JSON gives each one's reason.</p>"
            );
        }
        out += "</section>\n";
        out
    }

    fn html_guard(&self) -> String {
        let fact = |k: &str| self.facts.get(k).cloned();
        let mut out =
            String::from("<section id=\"evidence\">\n<h2>Split-brain guard and evidence</h2>\n");
        match fact("split_brain.decision") {
            Some(decision) => {
                if decision == "proceed-forced" {
                    let _ = writeln!(
                        out,
                        "<p class=\"forced\" id=\"forced\">FORCED past the split-brain guard by {} \
                         at {}: {}</p>",
                        esc(&fact("split_brain.forced_by").unwrap_or_default()),
                        esc(&fact("split_brain.forced_at").unwrap_or_default()),
                        esc(&fact("split_brain.force_reason").unwrap_or_default())
                    );
                }
                out += &key_values(
                    "guard",
                    &[
                        ("decision", decision),
                        (
                            "what it saw",
                            fact("split_brain.evidence").unwrap_or_else(|| "not recorded".into()),
                        ),
                    ],
                );
            }
            None => out += "<p>This run had no split-brain guard.</p>\n",
        }
        if !self.facts.is_empty() {
            out += "<h3>Every fact the run recorded</h3>\n";
            let rows: Vec<(&str, String)> = self
                .facts
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            out += &key_values("facts", &rows);
        }
        out += "</section>\n";
        out
    }

    fn html_verification(&self) -> String {
        let mut out = String::new();
        if self.drill {
            out += "<section id=\"drill\">\n<h2>Drill</h2>\n";
            let isolation = self
                .facts
                .get("drill.isolation")
                .cloned()
                .unwrap_or_else(|| "not recorded".into());
            out += &key_values("drill", &[("isolation of the drill's VMs", isolation)]);
            out += "</section>\n";
        }
        let Some(v) = &self.verification else {
            if let Some(e) = self.facts.get("verification_error") {
                let _ = writeln!(
                    out,
                    "<section id=\"verification\">\n<h2>Verification</h2>\n<p class=\"bad\">the \
                     check of the target could not run: {}</p>\n</section>",
                    esc(e)
                );
            }
            return out;
        };
        let _ = writeln!(
            out,
            "<section id=\"verification\">\n<h2>Verification of the {} site</h2>\n<p>{} \
             domains and {} VMs checked: {}</p>",
            v.site,
            v.domains,
            v.vms,
            if v.is_clean() {
                "no differences".to_owned()
            } else {
                format!("{} differences", v.differences.len())
            }
        );
        if !v.differences.is_empty() {
            out += "<ul class=\"differences\">\n";
            for d in &v.differences {
                let _ = writeln!(
                    out,
                    "<li><b>{}</b>: {}</li>",
                    esc(&d.entity),
                    esc(&d.problem)
                );
            }
            out += "</ul>\n";
        }
        out += "</section>\n";
        out
    }

    fn html_inputs(&self) -> String {
        let mut out = String::from("<section id=\"inputs\">\n<h2>Plan and inputs</h2>\n");
        out += &key_values(
            "inputs",
            &[
                ("flow", self.kind.title(self.drill, self.target)),
                ("plan hash", self.inputs.plan_hash.clone()),
                ("mapping file SHA-256", self.inputs.mapping_sha256.clone()),
                ("olvm-dr version", self.inputs.tool_version.clone()),
                ("report schema", self.schema.to_string()),
            ],
        );
        out += "</section>\n";
        out
    }
}

/// One failed step: what it did, where, the error kind and the Engine's text.
fn failure(s: &StepResult) -> String {
    let kind = s
        .error_kind
        .as_deref()
        .map(|k| format!(" <span class=\"kind\">{}</span>", esc(k)))
        .unwrap_or_default();
    let hint = s
        .hint
        .as_deref()
        .map(|h| format!("<p class=\"hint\">What to do: {}</p>", esc(h)))
        .unwrap_or_default();
    format!(
        "<li class=\"failure\"><b>{}</b> on the {} site, after {} attempt(s){kind}\
         <pre>{}</pre>{hint}</li>\n",
        esc(&s.summary),
        s.site,
        s.attempts,
        esc(s.error.as_deref().unwrap_or("no reason recorded"))
    )
}

/// When the VM was up, in milliseconds since the run started: the end of its wait for `up`.
fn time_to_up(v: &VmOutcome, results: &HashMap<&StepId, &StepResult>) -> Option<u64> {
    let step = v.steps.iter().find(|s| s.kind == StepKind::Up)?;
    let r = results.get(&step.id)?;
    r.outcome
        .is_success()
        .then_some(r.started_ms? + r.duration_ms)
}

fn vm_table(vms: &[VmOutcome], results: &HashMap<&StepId, &StepResult>) -> String {
    let mut out = String::from("<section id=\"vms\">\n<h2>VMs</h2>\n");
    if vms.is_empty() {
        out += "<p>This run had no VMs to register, start or stop.</p>\n</section>\n";
        return out;
    }
    let clusters: BTreeSet<&str> = vms.iter().filter_map(|v| v.cluster.as_deref()).collect();
    let outcomes: BTreeSet<String> = vms.iter().map(VmOutcome::state).collect();
    let options = |values: &mut dyn Iterator<Item = &str>| {
        values
            .map(|c| format!("<option value=\"{0}\">{0}</option>", esc(c)))
            .collect::<String>()
    };
    let _ = writeln!(
        out,
        "<div class=\"filters\" data-table=\"vm-table\">\
         <label>cluster <select data-filter=\"cluster\"><option value=\"\">all</option>{}</select></label> \
         <label>outcome <select data-filter=\"outcome\"><option value=\"\">all</option>{}</select></label> \
         <label>up after at least <input type=\"number\" data-filter=\"min-up\" min=\"0\" step=\"any\"> s</label> \
         <label>MAC reassigned <select data-filter=\"mac\"><option value=\"\">either</option>\
         <option value=\"yes\">yes</option><option value=\"no\">no</option></select></label> \
         <label>name <input type=\"search\" data-filter=\"name\"></label> \
         <span class=\"shown\"></span></div>",
        options(&mut clusters.iter().copied()),
        options(&mut outcomes.iter().map(String::as_str)),
    );
    out += "<table class=\"sortable\" id=\"vm-table\">\n<thead><tr>\
            <th data-sort=\"text\">VM</th><th data-sort=\"text\">site</th>\
            <th data-sort=\"text\">cluster</th><th data-sort=\"text\">outcome</th>\
            <th data-sort=\"num\">up after (s)</th><th data-sort=\"text\">MAC reassigned</th>\
            <th data-sort=\"text\">error</th></tr></thead>\n<tbody>\n";
    for v in vms {
        let up = time_to_up(v, results);
        let cluster = v.cluster.as_deref().unwrap_or("");
        let state = v.state();
        let mac = if v.macs_reassigned.is_empty() {
            "no"
        } else {
            "yes"
        };
        let macs: Vec<String> = v
            .macs_reassigned
            .iter()
            .map(|m| format!("{} {} \u{2192} {}", m.nic, m.from, m.to))
            .collect();
        let _ = writeln!(
            out,
            "<tr data-name=\"{name}\" data-cluster=\"{c}\" data-outcome=\"{o}\" data-up-ms=\"{up_ms}\" \
             data-mac=\"{mac}\" class=\"{class}\"><td>{name}</td><td>{site}</td><td>{c}</td>\
             <td>{o}</td><td data-value=\"{up_ms}\">{up_s}</td><td>{mac_text}</td><td>{err}</td></tr>",
            name = esc(&v.name),
            c = esc(cluster),
            o = esc(&state),
            up_ms = up.map(|u| u.to_string()).unwrap_or_default(),
            class = if v.error.is_some() { "bad" } else { "" },
            site = v.site,
            up_s = up
                .map(|u| format!("{:.1}", u as f64 / 1000.0))
                .unwrap_or_default(),
            mac_text = if macs.is_empty() {
                "no".to_owned()
            } else {
                esc(&macs.join(", "))
            },
            err = esc(v.error.as_deref().unwrap_or("")),
        );
    }
    out += "</tbody>\n</table>\n</section>\n";
    out
}

fn entity_table(id: &str, title: &str, list: &[EntityOutcome]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<section id=\"{id}\">\n<h2>{title}</h2>\n<table class=\"sortable\">\n<thead><tr>\
         <th data-sort=\"text\">name</th><th data-sort=\"text\">site</th>\
         <th data-sort=\"text\">outcome</th><th data-sort=\"num\">time (s)</th>\
         <th data-sort=\"text\">error</th></tr></thead>\n<tbody>\n"
    );
    for e in list {
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td data-value=\"{}\">{:.1}</td><td>{}</td></tr>",
            if e.outcome.is_success() { "" } else { "bad" },
            esc(&e.name),
            e.site,
            outcome_word(e.outcome),
            e.duration_ms,
            e.duration_ms as f64 / 1000.0,
            esc(e.error.as_deref().unwrap_or(""))
        );
    }
    out += "</tbody>\n</table>\n</section>\n";
    out
}
