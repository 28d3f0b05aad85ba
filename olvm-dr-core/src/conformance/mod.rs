//! The Engine conformance suite: what any [`Engine`] implementation must
//! do, checked through the trait alone.
//!
//! Every check is a `pub async fn` taking a [`Context`]: the Engines of both sites under test
//! plus the fake [`World`] they serve. The checks call only the Engine
//! trait to exercise behaviour; they use the world to set up preconditions (a disaster, an
//! expired lease, a stopped replication, an extra VM) and to read the fixture's facts (names,
//! ids, mappings). So the same suite runs against the [`FakeEngine`](crate::fake::FakeEngine)
//! directly and against a REST client talking to a simulator that serves a fake world.
//!
//! Checks change the world, so each needs a fresh one: [`run_all`] takes a factory and calls it
//! once per check. The suite hardly waits on the clock: [`Context::new`] sets the `instant`
//! latency profile on both sites, lease expiry is forced with
//! [`World::expire_leases`](crate::fake::World::expire_leases), and the checks that time a
//! blocking call or a transition set a fraction of a second for it. It expects a world built by
//! [`WorldBuilder`](crate::fake::WorldBuilder) (any preset).
//!
//! This module is not a stable API: checks are added as the fake learns more rules.

mod attach_outcomes;
mod destroy_master;
mod failover;
mod guests;
mod ha_restart;
mod import;
mod import_lun_disk;
mod inventory;
mod iscsi_paths;
mod jobs;
mod leases;
mod locks;
mod mac_pools;
mod maintenance;
mod master_election;
mod ovf_outdated;
mod recovered_site;
mod registration;
mod scheduling;
mod storage;
mod storage_connections;
mod storage_formats;
mod support;
mod switch_master;
mod tags;
mod unregistered_rows;
mod vm_leases;
mod vms;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::Site;
use crate::engine::Engine;
use crate::fake::{LatencyProfile, World, WorldFacts};

pub use attach_outcomes::*;
pub use destroy_master::*;
pub use failover::*;
pub use guests::*;
pub use ha_restart::*;
pub use import::*;
pub use import_lun_disk::*;
pub use inventory::*;
pub use iscsi_paths::*;
pub use jobs::*;
pub use leases::*;
pub use locks::*;
pub use mac_pools::*;
pub use maintenance::*;
pub use master_election::*;
pub use ovf_outdated::*;
pub use recovered_site::*;
pub use registration::*;
pub use scheduling::*;
pub use storage::*;
pub use storage_connections::*;
pub use storage_formats::*;
pub use support::Failure;
pub use switch_master::*;
pub use tags::*;
pub use unregistered_rows::*;
pub use vm_leases::*;
pub use vms::*;

/// What a check runs against.
#[derive(Debug, Clone)]
pub struct Context {
    world: World,
    engines: [Arc<dyn Engine>; 2],
}

impl Context {
    /// The Engines under test for the primary and the secondary site of `world` (e.g. REST
    /// clients talking to a simulator that serves `world`). Sets the `instant` latency profile
    /// on both sites.
    pub fn new(world: World, primary: Arc<dyn Engine>, secondary: Arc<dyn Engine>) -> Self {
        for site in Site::BOTH {
            world.set_latency(site, LatencyProfile::instant());
        }
        Self {
            world,
            engines: [primary, secondary],
        }
    }

    /// The world's own fake Engines.
    pub fn fake(world: World) -> Self {
        let (p, s) = (
            world.dyn_engine(Site::Primary),
            world.dyn_engine(Site::Secondary),
        );
        Self::new(world, p, s)
    }

    /// The Engine under test for `site`.
    pub fn engine(&self, site: Site) -> &dyn Engine {
        match site {
            Site::Primary => self.engines[0].as_ref(),
            Site::Secondary => self.engines[1].as_ref(),
        }
    }

    /// The world (for preconditions).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The fixture's facts.
    pub fn facts(&self) -> &WorldFacts {
        self.world.facts()
    }
}

/// The future a check returns.
pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Failure>> + Send + 'a>>;

/// One check: its name and function.
pub type Check = (&'static str, for<'a> fn(&'a Context) -> CheckFuture<'a>);

macro_rules! checks {
    ($($name:ident),+ $(,)?) => {
        /// Every check of the suite, in the order [`run_all`] runs them.
        pub const CHECKS: &[Check] = &[
            $((stringify!($name), |ctx| Box::pin($name(ctx)))),+
        ];
    };
}

checks! {
    api_info_reports_the_product,
    close_is_idempotent,
    inventory_is_consistent,
    unknown_entities_are_not_found,
    affinity_groups_belong_to_their_cluster,
    top_level_view_hides_attached_status,
    ovf_store_disks_record_the_last_update,
    iscsi_luns_are_visible_after_login,
    file_domains_import_by_address_and_path,
    block_domains_import_by_id,
    import_of_an_unreachable_export_fails,
    attach_waits_for_the_lease,
    attach_of_a_read_only_replica_fails,
    split_replicas_do_not_stop_a_second_writer,
    first_attach_must_be_a_data_domain,
    master_rules,
    deactivate_is_refused_with_running_vms,
    detach_keeps_the_ovf_store,
    remove_storage_domain_rules,
    update_ovf_store_runs_a_job,
    update_ovf_store_advances_the_last_update,
    failover_registers_every_vm_with_mappings,
    template_must_be_registered_before_its_vms,
    register_into_unknown_cluster_name_is_not_found,
    register_without_cluster_fails,
    registered_template_leaves_every_listing,
    register_vm_name_conflict,
    mac_conflict_without_reassignment,
    partial_import_drops_missing_disks,
    lun_mappings_apply,
    registration_refuses_a_lun_another_disk_uses,
    vm_power_state_machine,
    delete_protected_vm_is_not_removed,
    remove_disk_rules,
    vm_and_disk_searches_filter,
    disaster_makes_the_site_unavailable,
    tag_names_are_unique,
    tags_are_assigned_to_vms,
    switch_master_moves_the_master_role,
    jobs_describe_their_command,
    unregistered_disks_are_the_images_no_entity_holds,
    storage_commands_take_the_engine_locks,
    update_ovf_store_writes_only_outdated_domains,
    attach_answers_before_its_activation_fails,
    first_attach_elects_the_spm_or_fails_to_create_the_pool,
    master_election_skips_backup_domains,
    master_election_prefers_the_longest_unused,
    vms_on_a_copy_turned_read_only_are_killed,
    unregistered_rows_survive_detach,
    an_unfinished_import_leaves_its_connection,
    cloud_init_start_sets_what_the_guest_reports,
    start_runs_the_scheduler_filters,
    scheduling_memory_follows_the_cluster_overcommit,
    registration_checks_the_cluster_architecture,
    start_needs_the_networks_of_the_plugged_nics,
    start_in_a_cluster_without_up_hosts_is_refused,
    attach_checks_and_upgrades_the_storage_format,
    vm_start_waits_for_its_lease,
    a_recovered_site_finds_its_read_only_storage_inactive,
    destroying_a_recovered_master_needs_a_successor,
    a_host_without_an_iscsi_path_runs_nothing_there,
    an_unreachable_master_is_reconstructed_on_another_domain,
    destroying_a_master_needs_an_up_host,
    destroying_a_master_looks_for_a_successor_first,
    block_import_refuses_a_lun_a_direct_lun_disk_uses,
    registration_needs_free_macs_in_the_pool,
    a_recovered_site_restarts_its_ha_vms_on_writable_copies,
    a_recovered_site_leaves_its_ha_vms_down_on_read_only_copies,
}

/// The outcome of one check.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    /// The check's name.
    pub name: &'static str,
    /// `None` when it passed.
    pub failure: Option<Failure>,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every check, in run order.
    pub outcomes: Vec<CheckOutcome>,
}

impl Report {
    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CheckOutcome> {
        self.outcomes.iter().filter(|o| o.failure.is_some())
    }

    /// `true` when every check passed.
    pub fn passed(&self) -> bool {
        self.failures().next().is_none()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.failures().count();
        writeln!(
            f,
            "{} checks, {} passed, {failed} failed",
            self.outcomes.len(),
            self.outcomes.len() - failed
        )?;
        for o in self.failures() {
            if let Some(fail) = &o.failure {
                writeln!(f, "FAILED {}: {fail}", o.name)?;
            }
        }
        Ok(())
    }
}

/// Runs every check, each on a fresh context from `factory`.
pub async fn run_all<F, Fut>(factory: F) -> Report
where
    F: Fn() -> Fut,
    Fut: Future<Output = Context>,
{
    let mut report = Report::default();
    for (name, check) in CHECKS {
        let ctx = factory().await;
        let failure = check(&ctx).await.err();
        report.outcomes.push(CheckOutcome { name, failure });
    }
    report
}
