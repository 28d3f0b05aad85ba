//! VM leases: the sanlock lease an HA VM's host must hold to run it, kept on a storage domain.
//!
//! * Registration (`ImportVmCommandBase.handleVmLease`, `addVmLeaseIfNeeded`): the OVF's lease
//!   domain (`LeaseDomainId`) is kept for an HA VM when that domain is an active data domain of
//!   the target data center (`VmCommand.validateLeaseStorageDomain`); otherwise the lease goes
//!   to the first such domain of the data center, or the VM gets none. A VM that is not highly
//!   available loses its lease. `AddVmLeaseCommand` (an SPM task) first asks for the lease on
//!   that domain and reuses it when it is there: a replicated domain brings the lease record
//!   the other site wrote; a lease created on another domain is a new, free record.
//! * Start: RunVm does not refuse a VM whose lease domain is not active
//!   (`RunVmCommand.checkVmLeaseStorageDomain` only logs), but the VM cannot run unless its host
//!   acquires the lease: the VM stays `wait_for_launch` while sanlock's `paxos_lease_acquire`
//!   watches a record another site's host wrote for the lease time (that host's renewals
//!   never reach this copy of the volume, dead or alive), then takes it over; a lease on a
//!   domain that is not active in the VM's data center cannot be acquired, and the VM goes back
//!   `down`.
//! * Stop and shutdown release it when the VM is down.
//!
//! The records are shared by both copies of a domain, like the domains' own leases
//! (`fabric::lease`), and kept by VM id.

use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{Id, VmStatus};

use super::super::clock::Transition;
use super::WorldState;

/// What starting a VM does with its lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeaseAtStart {
    /// No lease, or its record was free or this site's: no wait.
    Acquired,
    /// Acquired after sanlock watched another site's record for this long.
    AcquiredAfter(Duration),
    /// Its domain is not active in the VM's data center: the VM cannot run.
    Unreachable,
}

impl WorldState {
    /// The lease domain a VM registered into data center `dc` gets from its OVF lease
    /// `imported` (`ImportVmCommandBase.handleVmLease`).
    pub(crate) fn lease_domain_at_import(
        &self,
        site: Site,
        dc: Id,
        imported: Option<Id>,
        highly_available: bool,
        now: Instant,
    ) -> Option<Id> {
        let imported = imported?;
        if !highly_available {
            return None;
        }
        let s = self.site(site);
        let usable = |sd: Id| {
            s.domains
                .get(&sd)
                .is_some_and(|d| d.is_data() && d.active_in(Some(dc), now))
        };
        if usable(imported) {
            return Some(imported);
        }
        s.domains_in(dc).map(|d| d.id).find(|sd| usable(*sd))
    }

    /// `AddVmLeaseCommand` for VM `vm` on `domain` after an import of a VM whose OVF named
    /// `imported`: a lease on another domain is a new record, free.
    pub(crate) fn add_vm_lease(&mut self, vm: Id, domain: Option<Id>, imported: Option<Id>) {
        if domain.is_some() && domain != imported {
            self.vm_leases.forget(vm);
        }
    }

    /// What starting VM `vm` (lease domain `lease`, data center `dc`) on `site` at `now` meets
    /// at its lease; takes the lease when it can.
    pub(crate) fn acquire_vm_lease(
        &mut self,
        site: Site,
        vm: Id,
        lease: Option<Id>,
        dc: Id,
        now: Instant,
    ) -> LeaseAtStart {
        let Some(sd) = lease else {
            return LeaseAtStart::Acquired;
        };
        let Some(volume) = self
            .site(site)
            .domains
            .get(&sd)
            .filter(|d| d.active_in(Some(dc), now))
            .map(|d| d.volume)
        else {
            return LeaseAtStart::Unreachable;
        };
        if self.fabric.is_read_only(volume) {
            return LeaseAtStart::Unreachable;
        }
        // A drill copy's lease area is its own: what its hosts take there is not the record
        // the source site's hosts use.
        let take = self.fabric.isolated_since(volume).is_none();
        let got = self
            .vm_leases
            .acquire(vm, site, now, self.lease_timeout, take);
        if got.wait.is_zero() {
            LeaseAtStart::Acquired
        } else {
            LeaseAtStart::AcquiredAfter(got.wait)
        }
    }

    /// The power transition of a VM started with `steps` (its way up) at `now`, given what
    /// its lease gave: the lease wait lengthens the first step (`wait_for_launch`, or
    /// `restoring_state`); a lease that cannot be acquired sends the VM back `down` after its
    /// launch attempt (`launch`).
    pub(crate) fn start_with_lease(
        steps: &[(VmStatus, Duration)],
        lease: LeaseAtStart,
        launch: Duration,
        now: Instant,
    ) -> Transition<VmStatus> {
        match lease {
            LeaseAtStart::Acquired => Transition::new(now, steps, VmStatus::Up),
            LeaseAtStart::AcquiredAfter(wait) => {
                let mut steps = steps.to_vec();
                if let Some(first) = steps.first_mut() {
                    first.1 += wait;
                }
                Transition::new(now, &steps, VmStatus::Up)
            }
            LeaseAtStart::Unreachable => {
                Transition::new(now, &[(VmStatus::WaitForLaunch, launch)], VmStatus::Down)
            }
        }
    }

    /// `site` releases VM `vm`'s lease at `at` (the VM is down then).
    pub(crate) fn release_vm_lease(&mut self, site: Site, vm: Id, at: Instant) {
        self.vm_leases.release(vm, site, at);
    }
}
