//! The HTML page of a comparison of two runs.

use std::fmt::Write;

use super::{esc, page};
use crate::report::ReportDiff;
use crate::report::words::{secs, signed_secs, verdict_word};

impl ReportDiff {
    /// The comparison as one self-contained HTML page: both runs, the recovery time per part
    /// (before, after, change), and every VM whose outcome changed, in a sortable table.
    pub fn render_html(&self) -> String {
        let mut body = String::from("<header>\n<h1>Comparison of two runs</h1>\n");
        body += "<table class=\"kv runs\"><tr><th></th><th>run</th><th>flow</th><th>verdict</th>\
                 <th>started</th><th>plan hash</th></tr>\n";
        for (label, r) in [("before", &self.before), ("after", &self.after)] {
            let verdict = verdict_word(r.verdict);
            let _ = writeln!(
                body,
                "<tr><th>{label}</th><td>{}</td><td>{}</td><td class=\"v-{}\">{verdict}</td>\
                 <td>{}</td><td>{}</td></tr>",
                esc(&r.run_id),
                esc(&r.kind.title(r.drill, r.target)),
                verdict.to_lowercase(),
                esc(&r.started_at),
                esc(&r.plan_hash)
            );
        }
        body += "</table>\n</header>\n<section id=\"rto-diff\">\n<h2>Recovery time</h2>\n\
                 <table id=\"rto-table\"><thead><tr><th>part</th><th>before</th><th>after</th>\
                 <th>change</th></tr></thead>\n<tbody>\n";
        for p in &self.rto {
            let class = match p.delta_ms {
                d if d > 0 => "slower",
                d if d < 0 => "faster",
                _ => "",
            };
            let _ = writeln!(
                body,
                "<tr><th>{}</th><td>{}</td><td>{}</td><td class=\"{class}\">{}</td></tr>",
                esc(&p.phase.replace('_', " ")),
                secs(p.before_ms),
                secs(p.after_ms),
                signed_secs(p.delta_ms)
            );
        }
        body += "</tbody></table>\n</section>\n<section id=\"vm-changes\">\n\
                 <h2>VMs that changed outcome</h2>\n";
        let _ = writeln!(
            body,
            "<p>{} changed, {} the same.</p>",
            self.vms_changed.len(),
            self.vms_unchanged
        );
        if !self.vms_changed.is_empty() {
            body += "<table class=\"sortable\" id=\"vm-change-table\"><thead><tr>\
                     <th data-sort=\"text\">VM</th><th data-sort=\"text\">site</th>\
                     <th data-sort=\"text\">before</th><th data-sort=\"text\">after</th>\
                     <th data-sort=\"text\">error (after)</th></tr></thead>\n<tbody>\n";
            for c in &self.vms_changed {
                let _ = writeln!(
                    body,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&c.name),
                    c.site,
                    esc(&c.before),
                    esc(&c.after),
                    esc(c.error.as_deref().unwrap_or(""))
                );
            }
            body += "</tbody></table>\n";
        }
        body += "</section>\n";
        page(
            &format!(
                "olvm-dr comparison: {} and {}",
                self.before.run_id, self.after.run_id
            ),
            &body,
        )
    }
}
