//! The full failover and failback test as two legs — a planned switchover to the drill site,
//! then a failback home, both marked as drills — and which leg comes next, from the runs in
//! the state directory. Every front end (CLI, Python, bindings) runs the legs the same way.

use crate::Site;
use crate::plan::{PlanKind, ReturnOptions, StopMode};
use crate::report::Verdict;

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
    /// The leg a full drill to `drill_site` goes on with, from the newest leg of such a drill
    /// in the state directory: see [`FullDrillLeg::after`].
    pub fn next_full_drill_leg(&self, drill_site: Site) -> FullDrillLeg {
        let last = self.runs().into_iter().rev().find_map(|r| {
            let s = r.state()?;
            if !s.drill {
                return None;
            }
            let leg = if s.kind == FullDrillLeg::Out.kind() && s.target == drill_site {
                FullDrillLeg::Out
            } else if s.kind == FullDrillLeg::Home.kind() && s.target == drill_site.other() {
                FullDrillLeg::Home
            } else {
                return None;
            };
            Some((leg, s.finished))
        });
        FullDrillLeg::after(last)
    }
}

impl FullDrillLeg {
    /// The leg after `last` (the newest leg run and its verdict, `None` while it was
    /// interrupted): a leg that succeeded is followed by the other one; a leg that did not
    /// succeed runs again — continued when interrupted, else planned anew so that what it left
    /// undone is done (the home site is never cleaned for the return while the move out is
    /// incomplete, and a failed return is not followed by another move out). No leg yet: out.
    pub fn after(last: Option<(FullDrillLeg, Option<Verdict>)>) -> FullDrillLeg {
        match last {
            None => FullDrillLeg::Out,
            Some((FullDrillLeg::Out, Some(Verdict::Success))) => FullDrillLeg::Home,
            Some((FullDrillLeg::Home, Some(Verdict::Success))) => FullDrillLeg::Out,
            Some((leg, _)) => leg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leg_that_succeeded_is_followed_by_the_other_and_any_other_runs_again() {
        use FullDrillLeg::{Home, Out};
        assert_eq!(FullDrillLeg::after(None), Out);
        assert_eq!(
            FullDrillLeg::after(Some((Out, Some(Verdict::Success)))),
            Home
        );
        assert_eq!(
            FullDrillLeg::after(Some((Out, None))),
            Out,
            "interrupted: continue"
        );
        assert_eq!(
            FullDrillLeg::after(Some((Out, Some(Verdict::Partial)))),
            Out
        );
        assert_eq!(FullDrillLeg::after(Some((Out, Some(Verdict::Failed)))), Out);
        assert_eq!(FullDrillLeg::after(Some((Home, None))), Home);
        assert_eq!(
            FullDrillLeg::after(Some((Home, Some(Verdict::Partial)))),
            Home
        );
        assert_eq!(
            FullDrillLeg::after(Some((Home, Some(Verdict::Success)))),
            Out,
            "a new drill"
        );
    }

    #[test]
    fn legs_move_the_workload_out_and_back() {
        assert_eq!(FullDrillLeg::Out.target(Site::Secondary), Site::Secondary);
        assert_eq!(FullDrillLeg::Home.target(Site::Secondary), Site::Primary);
        let out = FullDrillLeg::Out.options(true);
        assert!(out.drill && !out.restore_replication);
        assert_eq!(out.cleanup.stop, StopMode::GracefulThenPowerOff);
        assert_ne!(
            FullDrillLeg::Out.options(false).cleanup.stop,
            StopMode::GracefulThenPowerOff
        );
        let home = FullDrillLeg::Home.options(false);
        assert!(home.drill && home.restore_replication);
    }
}
