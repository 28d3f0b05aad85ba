//! The choices of a drill: where the drill VMs' NICs go, which domains, starting the VMs; and
//! of a full drill's legs. Records with the command line's defaults.

use olvm_dr_core::plan;

use crate::error::DrError;

/// Where the NICs of the VMs a drill registers go, as `olvm-dr drill start --isolate` says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DrillIsolation {
    /// On the mapped production networks. The plan warns: drill VMs would answer on the
    /// production addresses while the production VMs still run.
    None,
    /// Every NIC unplugged (`plugged=false`) on the profile its network mapping gives it (the
    /// default): the guest sees no NIC until one is plugged.
    Unplugged,
    /// Every NIC on this vNIC profile of the drill site: `NAME`, or `NAME/NETWORK` when the
    /// profile name is on several networks (a test network).
    Profile {
        /// The profile.
        name: String,
    },
}

impl TryFrom<DrillIsolation> for plan::NicIsolation {
    type Error = DrError;

    fn try_from(i: DrillIsolation) -> Result<Self, DrError> {
        match i {
            DrillIsolation::None => Ok(Self::None),
            DrillIsolation::Unplugged => Ok(Self::Unplugged),
            DrillIsolation::Profile { name }
                if !name.trim().is_empty() && !name.starts_with('/') && !name.ends_with('/') =>
            {
                Ok(Self::Profile(name))
            }
            DrillIsolation::Profile { name } => Err(DrError::Config {
                reason: format!(
                    "the isolation profile '{name}' is not NAME or NAME/NETWORK (a vNIC profile of the drill site)"
                ),
            }),
        }
    }
}

/// Choices of a drill's start (the discreet failover test).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DrillOptions {
    /// Where the drill VMs' NICs go. Default `Unplugged`: a drill never puts a second copy of
    /// a production VM on a production network unless asked to.
    #[uniffi(default = None)]
    pub isolation: Option<DrillIsolation>,
    /// Only these mapped domains (by their name on either site): dedicated test domains, which
    /// `drill_failback` can then return home. Default: every mapped domain.
    #[uniffi(default = None)]
    pub domains: Option<Vec<String>>,
    /// Start the VMs that were up (their OVF status says so). Default `true`.
    #[uniffi(default = true)]
    pub start_vms: bool,
    /// Wait for started VMs to be up and report those that are not. Default `true`.
    #[uniffi(default = true)]
    pub wait_for_up: bool,
}

impl Default for DrillOptions {
    fn default() -> Self {
        Self {
            isolation: None,
            domains: None,
            start_vms: true,
            wait_for_up: true,
        }
    }
}

/// `None` for no selection: every mapped domain.
pub(crate) fn selection(domains: Option<Vec<String>>) -> Option<Vec<String>> {
    domains.filter(|d| !d.is_empty())
}

impl DrillOptions {
    /// The core options of the drill-mode failover.
    ///
    /// # Errors
    /// `Config` for an isolation profile that cannot name one.
    pub(crate) fn core(self) -> Result<plan::FailoverOptions, DrError> {
        Ok(plan::FailoverOptions {
            start_vms: self.start_vms,
            wait_for_up: self.wait_for_up,
            drill: true,
            isolation: self
                .isolation
                .unwrap_or(DrillIsolation::Unplugged)
                .try_into()?,
            domains: selection(self.domains),
            ..plan::FailoverOptions::default()
        })
    }
}

/// Choices of a full drill (a planned switchover out and a failback home, both as a drill).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct DrillFullOptions {
    /// Stop after the move out: the workload stays on the drill site, and the next
    /// `drill_full` with the same state directory returns it home. Default `false`.
    #[uniffi(default = false)]
    pub stay: bool,
    /// On the move out, power off the VMs still up at the shutdown deadline instead of failing
    /// their step (the switchover default never pulls the plug). Default `false`.
    #[uniffi(default = false)]
    pub power_off_after_timeout: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolation_defaults_to_unplugged_and_profiles_must_name_one() {
        let o = DrillOptions::default().core().unwrap();
        assert!(o.drill);
        assert_eq!(o.isolation, plan::NicIsolation::Unplugged);
        let o = DrillOptions {
            isolation: Some(DrillIsolation::Profile {
                name: "lab/test-net".into(),
            }),
            domains: Some(vec![]),
            ..DrillOptions::default()
        }
        .core()
        .unwrap();
        assert_eq!(
            o.isolation,
            plan::NicIsolation::Profile("lab/test-net".into())
        );
        assert_eq!(o.domains, None, "an empty selection is every domain");
        for bad in ["", " ", "/x", "x/"] {
            let r = DrillOptions {
                isolation: Some(DrillIsolation::Profile { name: bad.into() }),
                ..DrillOptions::default()
            }
            .core();
            assert!(matches!(r, Err(DrError::Config { .. })), "{bad:?}: {r:?}");
        }
    }
}
