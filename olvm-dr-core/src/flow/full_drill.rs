//! The full failover and failback test as two legs — a planned switchover to the drill site,
//! then a failback home, both marked as drills — and which leg comes next, from the runs in
//! the state directory. Every front end (CLI, Python, bindings) runs the legs the same way.

use crate::Site;
use crate::plan::{PlanKind, ReturnOptions, StopMode};

use super::RunStore;

/// One leg of a full drill to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FullDrillLeg {
    /// Move the workload to the drill site: a planned switchover marked as a drill.
    Out,
    /// Return it home: a failback marked as a drill that restores replication at the end.
    Home,
}

impl FullDrillLeg {
    /// The plan kind the leg runs ([`PlanKind::Switchover`] out, [`PlanKind::Failback`] home).
    pub fn kind(self) -> PlanKind {
        match self {
            FullDrillLeg::Out => PlanKind::Switchover,
            FullDrillLeg::Home => PlanKind::Failback,
        }
    }

    /// The site the leg brings the workload to, in a full drill to `drill_site`.
    pub fn target(self, drill_site: Site) -> Site {
        match self {
            FullDrillLeg::Out => drill_site,
            FullDrillLeg::Home => drill_site.other(),
        }
    }

    /// The leg's options. `power_off_after_timeout` lets the move out power off a VM whose
    /// guest does not shut down in time (by default the switchover stops instead).
    pub fn options(self, power_off_after_timeout: bool) -> ReturnOptions {
        match self {
            FullDrillLeg::Out => {
                let mut o = ReturnOptions::switchover();
                o.drill = true;
                if power_off_after_timeout {
                    o.cleanup.stop = StopMode::GracefulThenPowerOff;
                }
                o
            }
            FullDrillLeg::Home => ReturnOptions {
                drill: true,
                restore_replication: true,
                ..ReturnOptions::failback()
            },
        }
    }
}

impl RunStore {
    /// The leg a full drill to `drill_site` continues with, decided by the newest leg of such a
    /// drill in the state directory: after a move out, or during an interrupted return, the
    /// return home; otherwise (no full drill yet, or one that came home) the move out.
    pub fn next_full_drill_leg(&self, drill_site: Site) -> FullDrillLeg {
        let last = self.runs().into_iter().rev().find_map(|r| {
            let s = r.state()?;
            let out = s.kind == PlanKind::Switchover && s.target == drill_site;
            let home = s.kind == PlanKind::Failback && s.target == drill_site.other();
            (s.drill && (out || home)).then_some((out, s.finished.is_some()))
        });
        match last {
            Some((true, _) | (false, false)) => FullDrillLeg::Home,
            _ => FullDrillLeg::Out,
        }
    }
}
