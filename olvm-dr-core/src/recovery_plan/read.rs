//! Reading a recovery plan from YAML, with a diagnostic at the line and column of every
//! problem. Unknown keys are errors: a misspelt `on_timout` would silently change what a
//! failover does.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

use super::{
    DEFAULT_GROUP, Glob, Group, OnTimeout, RecoveryPlan, Reip, Selector, StartPolicy, Subnet,
    SubnetTranslation, VmRule, Wait, WaitFor,
};
use crate::mapping::read::yaml_error;
use crate::mapping::yaml::{self, Budget, Key, Node, Pos, Resolved, resolve};
use crate::validate::codes;
use crate::validate::findings::Findings;
use crate::validate::suggest::closest;

mod addresses;
mod hooks;

/// Reads `text`; the plan is `None` only when the text is not a YAML mapping.
pub(super) fn read(
    text: &str,
    file: Option<&Path>,
    budget: Budget,
) -> (Option<RecoveryPlan>, Findings) {
    let mut f = Findings::new(file);
    let doc = match yaml::parse(text, budget) {
        Ok(doc) => doc,
        Err(e) => {
            yaml_error(&mut f, text, &e);
            return (None, f);
        }
    };
    for d in &doc.duplicates {
        f.error(
            codes::YAML_DUPLICATE_KEY,
            Some(d.pos),
            d.key.clone(),
            format!(
                "'{}' is written twice (first at line {}): which one applies would be a guess",
                d.key, d.first.line
            ),
        )
        .hint = Some("remove one of them".into());
    }
    let Some(root) = doc.root else {
        f.error(
            codes::YAML_EMPTY,
            Some(Pos::new(1, 1)),
            None,
            "the recovery plan holds no YAML document",
        )
        .hint = Some("start from the example in the README's recovery plan section".into());
        return (None, f);
    };
    let mut r = Reader { f };
    let plan = r.plan(&root);
    (plan, r.f)
}

struct Reader {
    f: Findings,
}

impl Reader {
    fn plan(&mut self, root: &Node) -> Option<RecoveryPlan> {
        let entries = self.map(root, "")?;
        self.known_keys(entries, "", &["groups", "vms", "reip", "hooks", "manual"]);
        let mut plan = RecoveryPlan::default();
        if let Some(groups) = get(entries, "groups") {
            for (i, g) in self.seq(groups, "groups").iter().enumerate() {
                if let Some(group) = self.group(g, &format!("groups[{i}]")) {
                    plan.groups.push(group);
                }
            }
        }
        if let Some(vms) = get(entries, "vms") {
            for (k, v) in self.map(vms, "vms").unwrap_or_default() {
                let rule = self.vm_rule(v, &format!("vms.{}", k.text));
                plan.vms.insert(k.text.clone(), rule);
            }
        }
        if let Some(reip) = get(entries, "reip") {
            plan.reip = self.reip(reip);
        }
        plan.hooks = self.plan_hooks(entries);
        self.check_groups(entries, &plan);
        self.check_cycles(entries, &plan);
        Some(plan)
    }

    fn group(&mut self, node: &Node, path: &str) -> Option<Group> {
        let entries = self.map(node, path)?;
        self.known_keys(
            entries,
            path,
            &[
                "name",
                "select",
                "wait",
                "delay_after",
                "start",
                "hooks",
                "manual",
            ],
        );
        let Some(name) = get(entries, "name").and_then(|n| self.text(n, &format!("{path}.name")))
        else {
            self.f
                .error(
                    codes::MISSING_KEY,
                    Some(node.pos),
                    path.to_owned(),
                    "a group needs a 'name'",
                )
                .hint = Some("name it after what it holds, e.g. 'databases'".into());
            return None;
        };
        let select = match get(entries, "select") {
            Some(s) => self.selector(s, &format!("{path}.select")),
            None => Selector::default(),
        };
        if select.is_empty() {
            self.f
                .warning(
                    codes::MISSING_KEY,
                    Some(node.pos),
                    path.to_owned(),
                    format!("group '{name}' selects no VM"),
                )
                .hint = Some("add 'select' with names, clusters, affinity_labels or tags".into());
        }
        let wait = match get(entries, "wait") {
            Some(w) => self.wait(w, &format!("{path}.wait")),
            None => Wait::default(),
        };
        let delay_after = get(entries, "delay_after")
            .and_then(|d| self.duration(d, &format!("{path}.delay_after")))
            .unwrap_or_default();
        let start = get(entries, "start")
            .and_then(|s| {
                self.choice(
                    s,
                    &format!("{path}.start"),
                    &[
                        ("recorded", StartPolicy::Recorded),
                        ("all", StartPolicy::All),
                        ("none", StartPolicy::None),
                    ],
                )
            })
            .unwrap_or_default();
        let hooks = self.group_hooks(entries, path);
        Some(Group {
            name,
            select,
            wait,
            delay_after,
            start,
            hooks,
        })
    }

    fn selector(&mut self, node: &Node, path: &str) -> Selector {
        let Some(entries) = self.map(node, path) else {
            return Selector::default();
        };
        self.known_keys(
            entries,
            path,
            &["names", "clusters", "affinity_labels", "tags"],
        );
        let mut list = |key: &str| {
            get(entries, key)
                .map(|n| self.texts(n, &format!("{path}.{key}")))
                .unwrap_or_default()
                .into_iter()
                .map(|(t, _)| t)
                .collect::<Vec<_>>()
        };
        Selector {
            names: list("names").into_iter().map(Glob::new).collect(),
            clusters: list("clusters"),
            affinity_labels: list("affinity_labels"),
            tags: list("tags"),
        }
    }

    fn wait(&mut self, node: &Node, path: &str) -> Wait {
        let mut wait = Wait::default();
        let Some(entries) = self.map(node, path) else {
            return wait;
        };
        self.known_keys(entries, path, &["for", "command", "timeout", "on_timeout"]);
        let kind = get(entries, "for").and_then(|n| {
            self.choice(
                n,
                &format!("{path}.for"),
                &[("up", 0), ("ip", 1), ("check", 2)],
            )
        });
        let command =
            get(entries, "command").and_then(|n| self.text(n, &format!("{path}.command")));
        wait.until = match (kind, command) {
            (Some(2), Some(command)) => WaitFor::Check { command },
            (Some(2), None) => {
                self.f
                    .error(
                        codes::RECOVERY_WAIT,
                        Some(node.pos),
                        path.to_owned(),
                        "'for: check' needs a 'command'",
                    )
                    .hint = Some(
                    "e.g. command: \"nc -z {address} 5432\" ({address} and {name} are filled in)"
                        .into(),
                );
                WaitFor::Up
            }
            (None, Some(command)) => WaitFor::Check { command },
            (Some(k), Some(_)) => {
                let at = get(entries, "command").map(|n| n.pos);
                self.f
                    .error(
                        codes::RECOVERY_WAIT,
                        at,
                        format!("{path}.command"),
                        format!(
                            "a 'command' is only run with 'for: check', not 'for: {}'",
                            if k == 0 { "up" } else { "ip" }
                        ),
                    )
                    .hint = Some("write 'for: check', or remove the command".into());
                WaitFor::Up
            }
            (Some(1), None) => WaitFor::Ip,
            _ => WaitFor::Up,
        };
        if let Some(t) =
            get(entries, "timeout").and_then(|n| self.duration(n, &format!("{path}.timeout")))
        {
            wait.timeout = t;
        }
        if let Some(o) = get(entries, "on_timeout").and_then(|n| {
            self.choice(
                n,
                &format!("{path}.on_timeout"),
                &[
                    ("continue", OnTimeout::Continue),
                    ("stop", OnTimeout::Stop),
                    ("ask", OnTimeout::Ask),
                ],
            )
        }) {
            wait.on_timeout = o;
        }
        wait
    }

    fn vm_rule(&mut self, node: &Node, path: &str) -> VmRule {
        let Some(entries) = self.map(node, path) else {
            return VmRule::default();
        };
        self.known_keys(entries, path, &["after", "start", "hooks", "addresses"]);
        VmRule {
            hooks: self.vm_hooks(entries, path),
            after: get(entries, "after")
                .map(|n| self.texts(n, &format!("{path}.after")))
                .unwrap_or_default()
                .into_iter()
                .map(|(t, _)| t)
                .collect(),
            start: get(entries, "start").and_then(|n| self.boolean(n, &format!("{path}.start"))),
            addresses: get(entries, "addresses")
                .map(|n| self.vm_addresses(n, &format!("{path}.addresses")))
                .unwrap_or_default(),
        }
    }

    fn reip(&mut self, node: &Node) -> Reip {
        let mut reip = Reip::default();
        let Some(entries) = self.map(node, "reip") else {
            return reip;
        };
        self.known_keys(entries, "reip", &["networks", "in_drills"]);
        reip.in_drills = get(entries, "in_drills")
            .and_then(|n| self.boolean(n, "reip.in_drills"))
            .unwrap_or(false);
        let Some(networks) = get(entries, "networks") else {
            return reip;
        };
        let mut seen: Vec<(String, Subnet, Pos)> = Vec::new();
        for (i, n) in self.seq(networks, "reip.networks").iter().enumerate() {
            let path = format!("reip.networks[{i}]");
            if let Some(t) = self.translation(n, &path) {
                if let Some((_, _, first)) = seen
                    .iter()
                    .find(|(net, from, _)| *net == t.network && from.overlaps(&t.from))
                {
                    self.f
                        .error(
                            codes::RECOVERY_REIP,
                            Some(n.pos),
                            path.clone(),
                            format!(
                                "{} on network '{}' overlaps the rule at line {}: which one applies would be a guess",
                                t.from, t.network, first.line
                            ),
                        )
                        .hint = Some("keep one rule per source subnet".into());
                }
                seen.push((t.network.clone(), t.from, n.pos));
                reip.networks.push(t);
            }
        }
        reip
    }

    fn translation(&mut self, node: &Node, path: &str) -> Option<SubnetTranslation> {
        let entries = self.map(node, path)?;
        self.known_keys(entries, path, &["network", "from", "to", "gateway", "dns"]);
        let mut required = |key: &str| {
            let value = get(entries, key).and_then(|n| self.text(n, &format!("{path}.{key}")));
            if value.is_none() && get(entries, key).is_none() {
                self.f.error(
                    codes::MISSING_KEY,
                    Some(node.pos),
                    path.to_owned(),
                    format!("a re-IP rule needs '{key}'"),
                );
            }
            value
        };
        let (network, from, to) = (required("network"), required("from"), required("to"));
        let from =
            from.and_then(|t| self.subnet(&t, get(entries, "from")?, &format!("{path}.from")));
        let to = to.and_then(|t| self.subnet(&t, get(entries, "to")?, &format!("{path}.to")));
        let gateway = get(entries, "gateway")
            .and_then(|n| self.ip(n, &format!("{path}.gateway")).map(|ip| (ip, n.pos)));
        let dns: Vec<std::net::IpAddr> = get(entries, "dns")
            .map(|n| {
                let items = self.texts(n, &format!("{path}.dns"));
                items
                    .into_iter()
                    .filter_map(|(t, pos)| self.parse_ip(&t, pos, &format!("{path}.dns")))
                    .collect()
            })
            .unwrap_or_default();
        let (network, from, to) = (network?, from?, to?);
        if !from.same_shape(&to) {
            self.f
                .error(
                    codes::RECOVERY_REIP,
                    get(entries, "to").map(|n| n.pos),
                    format!("{path}.to"),
                    format!("{from} and {to} differ in family or prefix length: the host part cannot be kept"),
                )
                .hint = Some("translate between subnets of the same size".into());
            return None;
        }
        if let Some((gw, pos)) = gateway
            && !to.contains(gw)
        {
            self.f.error(
                codes::RECOVERY_REIP,
                Some(pos),
                format!("{path}.gateway"),
                format!("the gateway {gw} is not in {to}"),
            );
        }
        Some(SubnetTranslation {
            network,
            from,
            to,
            gateway: gateway.map(|(g, _)| g),
            dns,
        })
    }

    fn subnet(&mut self, text: &str, node: &Node, path: &str) -> Option<Subnet> {
        match text.parse::<Subnet>() {
            Ok(s) => Some(s),
            Err(e) => {
                self.f.error(
                    codes::RECOVERY_REIP,
                    Some(node.pos),
                    path.to_owned(),
                    e.to_string(),
                );
                None
            }
        }
    }

    fn ip(&mut self, node: &Node, path: &str) -> Option<std::net::IpAddr> {
        let text = self.text(node, path)?;
        self.parse_ip(&text, node.pos, path)
    }

    fn parse_ip(&mut self, text: &str, pos: Pos, path: &str) -> Option<std::net::IpAddr> {
        match text.trim().parse() {
            Ok(ip) => Some(ip),
            Err(_) => {
                self.f.error(
                    codes::RECOVERY_REIP,
                    Some(pos),
                    path.to_owned(),
                    format!("'{text}' is not an IP address"),
                );
                None
            }
        }
    }

    /// Group names are unique, and a VM named literally in two groups is an error already.
    fn check_groups(&mut self, entries: &[(Key, Node)], plan: &RecoveryPlan) {
        let nodes: Vec<&Node> = get(entries, "groups")
            .and_then(Node::as_seq)
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        let pos_of = |i: usize| nodes.get(i).map(|n| n.pos);
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut literal: HashMap<&str, &str> = HashMap::new();
        for (i, g) in plan.groups.iter().enumerate() {
            if g.name == DEFAULT_GROUP {
                self.f
                    .error(
                        codes::RECOVERY_DUPLICATE_GROUP,
                        pos_of(i),
                        format!("groups[{i}].name"),
                        format!("'{DEFAULT_GROUP}' is the group of the VMs no group selects"),
                    )
                    .hint = Some("choose another name".into());
            } else if let Some(j) = first.insert(&g.name, i) {
                self.f
                    .error(
                        codes::RECOVERY_DUPLICATE_GROUP,
                        pos_of(i),
                        format!("groups[{i}].name"),
                        format!(
                            "two groups are named '{}' (groups[{j}] and groups[{i}])",
                            g.name
                        ),
                    )
                    .hint = Some("give each group its own name".into());
            }
            for name in g.select.names.iter().filter(|n| n.is_literal()) {
                if let Some(other) = literal.insert(name.as_str(), &g.name)
                    && other != g.name
                {
                    self.f
                        .error(
                            codes::RECOVERY_VM_IN_TWO_GROUPS,
                            pos_of(i),
                            format!("groups[{i}].select.names"),
                            format!(
                                "VM '{}' is named in groups '{other}' and '{}'",
                                name.as_str(),
                                g.name
                            ),
                        )
                        .hint = Some("keep it in one group".into());
                }
            }
        }
    }

    /// The `after` dependencies form no cycle.
    fn check_cycles(&mut self, entries: &[(Key, Node)], plan: &RecoveryPlan) {
        let Some(cycle) = find_cycle(&plan.vms) else {
            return;
        };
        let pos = get(entries, "vms")
            .and_then(Node::as_map)
            .and_then(|m| m.iter().find(|(k, _)| k.text == cycle[0]))
            .map(|(k, _)| k.pos);
        self.f
            .error(
                codes::RECOVERY_DEPENDENCY_CYCLE,
                pos,
                format!("vms.{}.after", cycle[0]),
                format!(
                    "the 'after' dependencies form a cycle: {}",
                    cycle.join(" -> ")
                ),
            )
            .hint = Some("remove one of these dependencies".into());
    }

    // --- typed reading of nodes ---

    fn map<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n [(Key, Node)]> {
        if let Some(m) = node.as_map() {
            return Some(m);
        }
        if is_null(node) {
            return Some(&[]);
        }
        self.wrong_type(node, path, "a mapping of keys");
        None
    }

    fn seq<'n>(&mut self, node: &'n Node, path: &str) -> &'n [Node] {
        if let Some(s) = node.as_seq() {
            return s;
        }
        if !is_null(node) {
            self.wrong_type(node, path, "a list ('- ' items)");
        }
        &[]
    }

    fn text(&mut self, node: &Node, path: &str) -> Option<String> {
        match node.as_scalar() {
            Some(s) if !matches!(resolve(s), Resolved::Null) => Some(s.text.clone()),
            Some(_) => {
                self.f.error(
                    codes::MISSING_KEY,
                    Some(node.pos),
                    path.to_owned(),
                    format!("'{}' is empty", leaf(path)),
                );
                None
            }
            None => {
                self.wrong_type(node, path, "text");
                None
            }
        }
    }

    /// A list of texts; one text stands for a list of one.
    fn texts(&mut self, node: &Node, path: &str) -> Vec<(String, Pos)> {
        if node.as_scalar().is_some() {
            return self
                .text(node, path)
                .map(|t| vec![(t, node.pos)])
                .unwrap_or_default();
        }
        let mut out = Vec::new();
        for (i, item) in self.seq(node, path).iter().enumerate() {
            if let Some(t) = self.text(item, &format!("{path}[{i}]")) {
                out.push((t, item.pos));
            }
        }
        out
    }

    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.as_scalar().map(resolve) {
            Some(Resolved::Bool(b)) => Some(b),
            _ => {
                self.wrong_type(node, path, "true or false");
                None
            }
        }
    }

    fn duration(&mut self, node: &Node, path: &str) -> Option<Duration> {
        let text = self.text(node, path)?;
        // A bare number is seconds.
        if let Ok(secs) = text.trim().parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        match humantime::parse_duration(text.trim()) {
            Ok(d) => Some(d),
            Err(e) => {
                self.f
                    .error(
                        codes::RECOVERY_DURATION,
                        Some(node.pos),
                        path.to_owned(),
                        format!("'{text}' is not a duration: {e}"),
                    )
                    .hint = Some("write e.g. 90s, 10m or 1h 30m".into());
                None
            }
        }
    }

    fn choice<T: Copy>(&mut self, node: &Node, path: &str, values: &[(&str, T)]) -> Option<T> {
        let text = self.text(node, path)?;
        if let Some((_, v)) = values.iter().find(|(name, _)| *name == text.trim()) {
            return Some(*v);
        }
        let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
        self.f
            .error(
                codes::INVALID_VALUE,
                Some(node.pos),
                path.to_owned(),
                format!("'{text}' is not a valid value for '{}'", leaf(path)),
            )
            .hint = Some(format!("use one of: {}", names.join(", ")));
        None
    }

    fn known_keys(&mut self, entries: &[(Key, Node)], path: &str, known: &[&str]) {
        for (k, _) in entries {
            if known.contains(&k.text.as_str()) {
                continue;
            }
            let key = if path.is_empty() {
                k.text.clone()
            } else {
                format!("{path}.{}", k.text)
            };
            let d = self.f.error(
                codes::UNKNOWN_KEY,
                Some(k.pos),
                key,
                format!("unknown key '{}'", k.text),
            );
            d.hint = Some(match closest(&k.text, known) {
                Some(near) => format!("did you mean '{near}'?"),
                None => format!("the keys here are: {}", known.join(", ")),
            });
        }
    }

    fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        self.f.error(
            codes::WRONG_TYPE,
            Some(node.pos),
            path.to_owned(),
            format!(
                "'{}' must be {expected}, found {}",
                leaf(path),
                node.describe()
            ),
        );
    }
}

fn get<'n>(entries: &'n [(Key, Node)], key: &str) -> Option<&'n Node> {
    entries
        .iter()
        .rev()
        .find(|(k, _)| k.text == key)
        .map(|(_, v)| v)
}

fn is_null(node: &Node) -> bool {
    node.as_scalar()
        .is_some_and(|s| matches!(resolve(s), Resolved::Null))
}

fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// A cycle among the `after` dependencies, as the names along it (the first repeated at the
/// end); `None` when there is none. Names without a rule have no dependencies.
pub(super) fn find_cycle(vms: &BTreeMap<String, VmRule>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit<'a>(
        name: &'a str,
        vms: &'a BTreeMap<String, VmRule>,
        marks: &mut HashMap<&'a str, Mark>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match marks.get(name) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|n| *n == name).unwrap_or(0);
                let mut cycle: Vec<String> =
                    path[start..].iter().map(|s| (*s).to_owned()).collect();
                cycle.push(name.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(name, Mark::Open);
        path.push(name);
        if let Some(rule) = vms.get(name) {
            for dep in &rule.after {
                if let Some(c) = visit(dep, vms, marks, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        marks.insert(name, Mark::Done);
        None
    }
    let mut marks = HashMap::new();
    for name in vms.keys() {
        let mut path = Vec::new();
        if let Some(c) = visit(name, vms, &mut marks, &mut path) {
            return Some(c);
        }
    }
    None
}
