//! Latency profiles: how long each Engine call takes and how long the state changes it starts
//! last, on tokio's clock.
//!
//! A call takes effect when the Engine accepts it; its answer arrives after the operation's
//! request latency. Synchronous commands that hold a status while they run (attach keeps the
//! domain `locked`, activate shows `activating`, detach `detaching`, registration keeps the VM
//! `image_locked`) hold it for exactly that request latency, so a poller sees it while the caller
//! waits.

use std::collections::HashMap;
use std::time::Duration;

use super::ops::Operation;
use super::rng::stable_hash;

/// How long the state changes started by a call last after it returned.
///
/// [`realistic`](TransitionTimes::realistic) takes the midpoints of the API reference's
/// suggested durations (§6.7); every one is configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransitionTimes {
    /// After attach returns: `activating` before `active` (pollers must wait for it).
    pub attach_activation: Duration,
    /// Deactivate: `locked` while the OVF store is written.
    pub deactivate_locked: Duration,
    /// Deactivate: `preparing_for_maintenance` before `maintenance`.
    pub deactivate_preparing: Duration,
    /// A newly elected master shows `locked` this long, then `active`.
    pub master_election: Duration,
    /// `update_ovf_store`: the job writing the OVF store runs this long.
    pub ovf_update: Duration,
    /// Start: `wait_for_launch`.
    pub vm_wait_for_launch: Duration,
    /// Start: `powering_up` before `up`.
    pub vm_powering_up: Duration,
    /// Resume from suspension: `restoring_state` before `up`.
    pub vm_restoring: Duration,
    /// Stop (power off): `powering_down` before `down`.
    pub vm_stop: Duration,
    /// Graceful shutdown: `powering_down` before `down`.
    pub vm_shutdown: Duration,
    /// Remove: `image_locked` before the VM is gone.
    pub vm_remove: Duration,
    /// The first attach to an uninitialized data center: after the call returns, the new pool
    /// elects its SPM (the data center `contend`, the master domain `locked`) before the master
    /// is `active` (`AddStoragePoolWithStoragesCommand`, VDSM `spmStart`).
    pub spm_election: Duration,
    /// After a VM is `up`: until its guest agent reported the guest's addresses.
    pub guest_agent: Duration,
    /// A site back from a disaster: from the Engine's start to the first cycle of its
    /// storage-pool timer that hears from the hosts (`IrsProxyImpl.updatingTimerElapsed`, every
    /// `StoragePoolRefreshTimeInSeconds`). Until then the domains are `unknown` and the VMs
    /// that ran `unknown`. The fake keeps the cycle after the instant of the recovery even when
    /// this is zero (see `state::recovery`).
    pub pool_refresh: Duration,
    /// The Engine's `StorageDomainFailureTimeoutInMinutes`: how long after the first host
    /// reported a domain in problem (an iSCSI path lost, a recovered site's read-only copy) the
    /// Engine acts on the reports (`IrsProxyImpl.addDomainInProblemData`,
    /// `processDomainRecovery`): the reporting hosts non-operational when other UP hosts use
    /// the domain, else the domain `inactive`, or for a master a reconstruction (see
    /// `state::domain_monitoring`). Zero in the `instant` profile: the Engine acts on the
    /// first report. [`World::set_domain_failure_timeout`](crate::fake::World::set_domain_failure_timeout)
    /// changes it on a running world.
    pub domain_failure: Duration,
}

impl TransitionTimes {
    /// Midpoints of the reference's suggested durations (activate 2–10 s, deactivate 5–30 s,
    /// VM start 5–20 s, stop 2–5 s); the rest are our estimates, documented per field below.
    pub fn realistic() -> Self {
        Self {
            attach_activation: Duration::from_secs(6),
            deactivate_locked: Duration::from_secs(5),
            deactivate_preparing: Duration::from_millis(12_500),
            // Our estimate: one SPM-side metadata update.
            master_election: Duration::from_secs(2),
            // Our estimate: two OVF_STORE disk uploads.
            ovf_update: Duration::from_secs(2),
            vm_wait_for_launch: Duration::from_secs(2),
            vm_powering_up: Duration::from_millis(10_500),
            // Our estimate: memory restore of a mid-sized VM.
            vm_restoring: Duration::from_secs(5),
            vm_stop: Duration::from_millis(3_500),
            // Our estimate: an ACPI shutdown of a cooperative guest.
            vm_shutdown: Duration::from_secs(10),
            // Our estimate: removing the records and images of a VM.
            vm_remove: Duration::from_secs(2),
            // Our estimate: `spmStart` takes the SDM lease on the master domain (a sanlock
            // paxos lease, free on a fresh pool) and the Engine's SPM status poll sees it.
            spm_election: Duration::from_secs(10),
            // Our estimate: the guest finishes booting and qemu-guest-agent answers VDSM's
            // next guest-info poll.
            guest_agent: Duration::from_secs(15),
            // `StoragePoolRefreshTimeInSeconds`, 10 in the Engine's configuration
            // (ovirt-engine `0000_config.sql`).
            pool_refresh: Duration::from_secs(10),
            // `StorageDomainFailureTimeoutInMinutes`, 5 in the Engine's configuration.
            domain_failure: Duration::from_secs(5 * 60),
        }
    }
}

/// Per-operation request latency and transition durations of one site's Engine.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyProfile {
    default_request: Duration,
    request: HashMap<Operation, Duration>,
    transitions: TransitionTimes,
    jitter: Option<(u64, f64)>,
}

impl Default for LatencyProfile {
    fn default() -> Self {
        Self::instant()
    }
}

impl LatencyProfile {
    /// Everything takes no time: every status jumps straight to its end state. For unit tests.
    pub fn instant() -> Self {
        Self {
            default_request: Duration::ZERO,
            request: HashMap::new(),
            transitions: TransitionTimes::default(),
            jitter: None,
        }
    }

    /// Durations of a real Engine under light load: the API reference's suggestions (§6.7) where
    /// it gives them (import 1–3 s, attach 10–40 s, activate 2–10 s, detach 5–15 s, register
    /// 1–5 s), as midpoints so the profile is deterministic; 50 ms for reads and 500 ms for other
    /// actions (our estimates).
    pub fn realistic() -> Self {
        let secs = Duration::from_secs;
        let ms = Duration::from_millis;
        let mut request = HashMap::new();
        for op in Operation::ALL {
            let d = match op {
                Operation::ImportStorageDomain => secs(2),
                Operation::AttachStorageDomain => secs(25),
                Operation::ActivateStorageDomain => secs(6),
                Operation::DetachStorageDomain => secs(10),
                Operation::RemoveStorageDomain => secs(3),
                Operation::RegisterVm | Operation::RegisterTemplate => secs(3),
                Operation::IscsiDiscover | Operation::IscsiLogin => secs(1),
                Operation::DeactivateStorageDomain
                | Operation::UpdateOvfStore
                | Operation::StartVm
                | Operation::ShutdownVm
                | Operation::StopVm
                | Operation::RemoveVm
                | Operation::RemoveDisk
                | Operation::Close => ms(500),
                _ => ms(50),
            };
            request.insert(*op, d);
        }
        Self {
            default_request: ms(50),
            request,
            transitions: TransitionTimes::realistic(),
            jitter: None,
        }
    }

    /// Sets one operation's request latency.
    #[must_use]
    pub fn with_request(mut self, op: Operation, latency: Duration) -> Self {
        self.request.insert(op, latency);
        self
    }

    /// Sets the transition durations.
    #[must_use]
    pub fn with_transitions(mut self, transitions: TransitionTimes) -> Self {
        self.transitions = transitions;
        self
    }

    /// Varies each request latency by up to ±`spread` (0.0–1.0) of itself, deterministically:
    /// the factor is a hash of `seed`, the operation and the entity the call is about, so it does
    /// not depend on the order in which concurrent calls arrive.
    #[must_use]
    pub fn with_jitter(mut self, seed: u64, spread: f64) -> Self {
        self.jitter = Some((seed, spread.clamp(0.0, 1.0)));
        self
    }

    /// The request latency of `op` for the entity identified by `key`.
    pub fn request(&self, op: Operation, key: u128) -> Duration {
        let base = self
            .request
            .get(&op)
            .copied()
            .unwrap_or(self.default_request);
        match self.jitter {
            Some((seed, spread)) if !base.is_zero() && spread > 0.0 => {
                let h = stable_hash(&[
                    &seed.to_le_bytes(),
                    op.as_str().as_bytes(),
                    &key.to_le_bytes(),
                ]);
                let u = (h >> 11) as f64 / (1u64 << 53) as f64; // [0, 1)
                base.mul_f64(1.0 + spread * (2.0 * u - 1.0))
            }
            _ => base,
        }
    }

    /// The transition durations.
    pub fn transitions(&self) -> &TransitionTimes {
        &self.transitions
    }

    /// The transition durations, to change one.
    pub(crate) fn transitions_mut(&mut self) -> &mut TransitionTimes {
        &mut self.transitions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instant_is_zero_and_realistic_follows_the_reference() {
        let i = LatencyProfile::instant();
        assert_eq!(i.request(Operation::AttachStorageDomain, 1), Duration::ZERO);
        let r = LatencyProfile::realistic();
        assert_eq!(
            r.request(Operation::AttachStorageDomain, 1),
            Duration::from_secs(25)
        );
        assert_eq!(r.request(Operation::Vms, 1), Duration::from_millis(50));
    }

    #[test]
    fn jitter_is_keyed_and_bounded() {
        let p = LatencyProfile::realistic().with_jitter(9, 0.2);
        let a = p.request(Operation::RegisterVm, 42);
        assert_eq!(a, p.request(Operation::RegisterVm, 42));
        assert!(a >= Duration::from_millis(2400) && a <= Duration::from_millis(3600));
        let others: Vec<_> = (0..20)
            .map(|k| p.request(Operation::RegisterVm, k))
            .collect();
        assert!(others.iter().any(|d| *d != a));
    }
}
