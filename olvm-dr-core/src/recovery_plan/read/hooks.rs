//! Reading the hooks and manual steps of a recovery plan (see [`crate::recovery_plan::hooks`]).
//! A hook is a command line, or a mapping with `command`, `timeout` and `on_failure`; every
//! problem is a `DR1308` at its line and column, since a hook that cannot run as written would
//! only fail in the middle of a failover.

use std::time::Duration;

use super::{Reader, get};
use crate::mapping::yaml::{Key, Node};
use crate::recovery_plan::{DEFAULT_HOOK_TIMEOUT, GroupHooks, Hook, OnFailure, PlanHooks, VmHooks};
use crate::validate::codes;

/// The failure policies, as the plan file writes them.
const POLICIES: [(&str, OnFailure); 3] = [
    ("continue", OnFailure::Continue),
    ("stop", OnFailure::Stop),
    ("ask", OnFailure::Ask),
];

impl Reader {
    /// The plan's `hooks` (`before_run`, `after_run`) and `manual`.
    pub(super) fn plan_hooks(&mut self, entries: &[(Key, Node)]) -> PlanHooks {
        let mut hooks = PlanHooks {
            manual: self.manual(entries, "manual"),
            ..PlanHooks::default()
        };
        if let Some(node) = get(entries, "hooks")
            && let Some(h) = self.map(node, "hooks")
        {
            self.known_keys(h, "hooks", &["before_run", "after_run"]);
            hooks.before_run = self.hook_at(h, "hooks", "before_run");
            hooks.after_run = self.hook_at(h, "hooks", "after_run");
        }
        hooks
    }

    /// A group's `hooks` (`before`, `after`) and `manual`; `path` is the group's.
    pub(super) fn group_hooks(&mut self, entries: &[(Key, Node)], path: &str) -> GroupHooks {
        let mut hooks = GroupHooks {
            manual: self.manual(entries, &format!("{path}.manual")),
            ..GroupHooks::default()
        };
        let at = format!("{path}.hooks");
        if let Some(node) = get(entries, "hooks")
            && let Some(h) = self.map(node, &at)
        {
            self.known_keys(h, &at, &["before", "after"]);
            hooks.before = self.hook_at(h, &at, "before");
            hooks.after = self.hook_at(h, &at, "after");
        }
        hooks
    }

    /// A VM rule's `hooks` (`before_start`, `after_ready`); `path` is the rule's.
    pub(super) fn vm_hooks(&mut self, entries: &[(Key, Node)], path: &str) -> VmHooks {
        let mut hooks = VmHooks::default();
        let at = format!("{path}.hooks");
        if let Some(node) = get(entries, "hooks")
            && let Some(h) = self.map(node, &at)
        {
            self.known_keys(h, &at, &["before_start", "after_ready"]);
            hooks.before_start = self.hook_at(h, &at, "before_start");
            hooks.after_ready = self.hook_at(h, &at, "after_ready");
        }
        hooks
    }

    /// The manual step under key `manual` of `entries` (`path` names it): a non-empty text.
    fn manual(&mut self, entries: &[(Key, Node)], path: &str) -> Option<String> {
        let node = get(entries, "manual")?;
        let text = self.hook_text(node, path, "a manual step needs the question to ask")?;
        Some(text)
    }

    fn hook_at(&mut self, entries: &[(Key, Node)], parent: &str, key: &str) -> Option<Hook> {
        get(entries, key).and_then(|n| self.hook(n, &format!("{parent}.{key}")))
    }

    /// One hook: a command line, or `{command, timeout, on_failure}`.
    fn hook(&mut self, node: &Node, path: &str) -> Option<Hook> {
        if node.as_scalar().is_some() {
            let command = self.hook_text(node, path, "a hook needs a command")?;
            return Some(Hook::new(command));
        }
        let entries = self.map(node, path)?;
        self.known_keys(entries, path, &["command", "timeout", "on_failure"]);
        let command = match get(entries, "command") {
            Some(c) => self.hook_text(c, &format!("{path}.command"), "a hook needs a command"),
            None => {
                self.f
                    .error(
                        codes::RECOVERY_HOOK,
                        Some(node.pos),
                        path.to_owned(),
                        "a hook needs a 'command'",
                    )
                    .hint = Some("write the command line to run (it is run by sh -c)".into());
                None
            }
        };
        let timeout = match get(entries, "timeout") {
            Some(t) => self.hook_timeout(t, &format!("{path}.timeout")),
            None => Some(DEFAULT_HOOK_TIMEOUT),
        };
        let on_failure = match get(entries, "on_failure") {
            Some(p) => self.hook_policy(p, &format!("{path}.on_failure")),
            None => Some(OnFailure::default()),
        };
        Some(Hook {
            command: command?,
            timeout: timeout?,
            on_failure: on_failure?,
        })
    }

    /// A text that is not blank; `missing` says what is needed otherwise.
    fn hook_text(&mut self, node: &Node, path: &str, missing: &str) -> Option<String> {
        let blank = node
            .as_scalar()
            .is_some_and(|s| s.text.trim().is_empty() || super::is_null(node));
        if blank {
            self.f
                .error(
                    codes::RECOVERY_HOOK,
                    Some(node.pos),
                    path.to_owned(),
                    format!("'{}' is empty: {missing}", super::leaf(path)),
                )
                .hint = Some("write it, or remove the key".into());
            return None;
        }
        self.text(node, path)
    }

    /// A timeout above zero (`90s`, `10m`, or a number of seconds).
    fn hook_timeout(&mut self, node: &Node, path: &str) -> Option<Duration> {
        let text = self.text(node, path)?;
        let parsed = match text.trim().parse::<u64>() {
            Ok(secs) => Ok(Duration::from_secs(secs)),
            Err(_) => humantime::parse_duration(text.trim()).map_err(|e| e.to_string()),
        };
        let problem = match parsed {
            Ok(d) if !d.is_zero() => return Some(d),
            Ok(_) => "a hook given no time would always fail".to_owned(),
            Err(e) => format!("it is not a duration: {e}"),
        };
        self.f
            .error(
                codes::RECOVERY_HOOK,
                Some(node.pos),
                path.to_owned(),
                format!("the hook timeout '{text}' is not valid: {problem}"),
            )
            .hint = Some("write e.g. 90s, 10m or 1h 30m".into());
        None
    }

    fn hook_policy(&mut self, node: &Node, path: &str) -> Option<OnFailure> {
        let text = self.text(node, path)?;
        if let Some((_, p)) = POLICIES.iter().find(|(name, _)| *name == text.trim()) {
            return Some(*p);
        }
        let names: Vec<&str> = POLICIES.iter().map(|(n, _)| *n).collect();
        self.f
            .error(
                codes::RECOVERY_HOOK,
                Some(node.pos),
                path.to_owned(),
                format!("'{text}' is not a failure policy"),
            )
            .hint = Some(format!("use one of: {}", names.join(", ")));
        None
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::recovery_plan::{Hook, OnFailure, RecoveryPlan};

    const PLAN: &str = r#"
hooks:
  before_run: "echo start"
  after_run:
    command: "echo end"
    timeout: 2m
    on_failure: continue
manual: "confirm the firewall"
groups:
  - name: db
    select:
      names: ["db*"]
    hooks:
      before: "echo before db"
      after:
        command: "echo after db"
        on_failure: ask
    manual: "confirm the DNS change"
vms:
  db1:
    hooks:
      before_start: "echo $OLVM_DR_VM_NAME"
      after_ready:
        command: "echo ready"
        timeout: 30
"#;

    #[test]
    fn every_hook_point_and_manual_step_is_read_with_its_defaults() {
        let loaded = RecoveryPlan::from_str(PLAN, None);
        let plan = loaded
            .plan
            .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics));
        assert_eq!(plan.hooks.before_run, Some(Hook::new("echo start")));
        let after = plan.hooks.after_run.as_ref().unwrap();
        assert_eq!(after.timeout, Duration::from_secs(120));
        assert_eq!(after.on_failure, OnFailure::Continue);
        assert_eq!(plan.hooks.manual.as_deref(), Some("confirm the firewall"));
        let g = &plan.groups[0].hooks;
        assert_eq!(g.before.as_ref().unwrap().on_failure, OnFailure::Stop);
        assert_eq!(g.after.as_ref().unwrap().on_failure, OnFailure::Ask);
        assert_eq!(g.manual.as_deref(), Some("confirm the DNS change"));
        let v = &plan.vms["db1"].hooks;
        assert_eq!(
            v.before_start.as_ref().unwrap().command,
            "echo $OLVM_DR_VM_NAME"
        );
        assert_eq!(
            v.after_ready.as_ref().unwrap().timeout,
            Duration::from_secs(30)
        );
        assert!(plan.has_hooks() && plan.needs_operator());
    }

    /// The diagnostics of `text` as `code line:column`.
    fn problems(text: &str) -> Vec<String> {
        RecoveryPlan::from_str(text, None)
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{} {}:{}",
                    d.code,
                    d.location.line.unwrap_or_default(),
                    d.location.column.unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn bad_hooks_are_dr1308_at_their_line_and_column() {
        let text = "hooks:\n  before_run: \"  \"\n  after_run:\n    command: echo\n    timeout: 0s\n    on_failure: retry\nmanual: \"\"\ngroups:\n  - name: g\n    select:\n      names: [a]\n    hooks:\n      after:\n        timeout: soon\n";
        assert_eq!(
            problems(text),
            [
                "DR1308 2:15",
                "DR1308 5:14",
                "DR1308 6:17",
                "DR1308 7:9",
                "DR1308 14:9",
                "DR1308 14:18",
            ]
        );
        assert!(RecoveryPlan::from_str(text, None).plan.is_none());
    }

    #[test]
    fn the_example_plan_reads_with_its_hooks_and_manual_step() {
        let text = include_str!("../../../../examples/recovery_plan.yml");
        let loaded = RecoveryPlan::from_str(text, None);
        let plan = loaded
            .plan
            .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics));
        assert!(plan.has_hooks() && plan.needs_operator());
    }

    #[test]
    fn a_misspelt_hook_key_is_unknown_with_a_suggestion() {
        let text = "vms:\n  a:\n    hooks:\n      before_strat: x\n";
        let d = &RecoveryPlan::from_str(text, None).diagnostics[0];
        assert_eq!(d.code, crate::validate::codes::UNKNOWN_KEY);
        assert!(
            d.hint
                .as_deref()
                .unwrap_or_default()
                .contains("before_start"),
            "{d:?}"
        );
    }
}
