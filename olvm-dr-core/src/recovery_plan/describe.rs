//! A recovery plan in words, for printed plans and step summaries.

use super::{OnTimeout, Selector, Wait, WaitFor};

impl Wait {
    /// What the wait waits for and how long, e.g. `check \`nc -z {address} 53\` passes, within
    /// 300 s, else ask`.
    pub fn describe(&self) -> String {
        let what = match &self.until {
            WaitFor::Up => "up".to_owned(),
            WaitFor::Ip => "its guest reports an address".to_owned(),
            WaitFor::Check { command } => format!("check `{command}` passes"),
        };
        format!(
            "{what}, within {} s, else {}",
            self.timeout.as_secs(),
            self.on_timeout.as_str()
        )
    }
}

impl OnTimeout {
    /// The plan file's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            OnTimeout::Continue => "continue",
            OnTimeout::Stop => "stop",
            OnTimeout::Ask => "ask",
        }
    }
}

impl Selector {
    /// What it selects, e.g. `names dns*, ad0?; tags infra`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let names: Vec<&str> = self.names.iter().map(super::Glob::as_str).collect();
        for (kind, list) in [
            ("names", names),
            (
                "clusters",
                self.clusters.iter().map(String::as_str).collect(),
            ),
            (
                "affinity labels",
                self.affinity_labels.iter().map(String::as_str).collect(),
            ),
            ("tags", self.tags.iter().map(String::as_str).collect()),
        ] {
            if !list.is_empty() {
                parts.push(format!("{kind} {}", list.join(", ")));
            }
        }
        if parts.is_empty() {
            "the VMs no other group selects".to_owned()
        } else {
            parts.join("; ")
        }
    }
}
