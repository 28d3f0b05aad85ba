//! Checks of per-host iSCSI visibility: runs and domain monitoring of a host that cannot reach
//! a target.

use std::time::Duration;

use crate::Site;
use crate::engine::{HostStatus, StorageDomainStatus, StorageDomainType, StorageType, VmStatus};
use crate::fake::Location;

use super::Context;
use super::storage::state;
use super::support::{Failure, ensure, ok};

/// A VM on an iSCSI domain whose first host cannot reach the target runs on the other host;
/// with no host reaching it the start is accepted and the VM stays down; the host that cannot
/// reach an active domain others see becomes non-operational after the failure timeout.
/// Real: no scheduling policy unit looks at storage, `RunVmCommand.runVm` reruns a failed run
/// on another host (`RunVmCommandBase.rerun`, `getRunVdssList`, `MaxRerunVmOnVdsCount`) and
/// ends with `USER_FAILED_RUN_VM`; `IrsProxyImpl.processDomainRecovery` moves the hosts that
/// reported the domain to `NonOperational` (`STORAGE_DOMAIN_UNREACHABLE`) once
/// `StorageDomainFailureTimeoutInMinutes` passed and some UP host still sees it.
pub async fn a_host_without_an_iscsi_path_runs_nothing_there(ctx: &Context) -> Result<(), Failure> {
    let Some(d) = ctx
        .facts()
        .domains
        .iter()
        .find(|d| d.storage_type == StorageType::Iscsi)
    else {
        return Ok(());
    };
    let Location::Lun {
        target: Some(t), ..
    } = &d.primary
    else {
        return Err(Failure::new("an iSCSI domain without target"));
    };
    let Some(vm) = ctx.facts().vms.iter().find(|v| v.domains == vec![d.id]) else {
        return Ok(());
    };
    let w = ctx.world();
    // The Engine's default (`StorageDomainFailureTimeoutInMinutes`, 5 in `0000_config.sql`):
    // it does not act on the hosts' reports while the check looks at the runs.
    w.set_domain_failure_timeout(Site::Primary, Duration::from_secs(5 * 60));
    let e = ctx.engine(Site::Primary);
    let hosts: Vec<_> = ok("hosts", e.hosts().await)?
        .into_iter()
        .filter(|h| h.status == HostStatus::Up)
        .filter(|h| {
            ctx.facts()
                .primary
                .clusters
                .iter()
                .any(|c| Some(c.id) == h.cluster && c.name == vm.cluster)
        })
        .collect();
    if hosts.len() < 2 {
        return Ok(());
    }
    if vm.running {
        ok("stop_vm", e.stop_vm(vm.id).await)?;
    }
    // The scheduler weighs the hosts by free memory: cut the one it picks first.
    ok("start_vm", e.start_vm(vm.id).await)?;
    let first = ok("vm", e.vm(vm.id).await)?.host;
    ok("stop_vm", e.stop_vm(vm.id).await)?;
    let mut hosts = hosts;
    hosts.sort_by_key(|h| Some(h.id) != first);
    let (blind, seeing) = (hosts[0].id, hosts[1].id);
    ensure!(
        w.cut_iscsi_path(Site::Primary, blind, &t.iqn),
        "no target {}",
        t.iqn
    );
    ok("start_vm", e.start_vm(vm.id).await)?;
    let got = ok("vm", e.vm(vm.id).await)?;
    ensure!(
        got.host.is_some_and(|h| h != blind) && got.status != VmStatus::Down,
        "the VM is {} on {:?}, expected on a host that sees its domain",
        got.status,
        got.host
    );
    ok("stop_vm", e.stop_vm(vm.id).await)?;
    for h in &hosts[1..] {
        ensure!(w.cut_iscsi_path(Site::Primary, h.id, &t.iqn), "no target");
    }
    ok(
        "start_vm with no host seeing the domain",
        e.start_vm(vm.id).await,
    )?;
    let got = ok("vm", e.vm(vm.id).await)?;
    ensure!(
        got.status == VmStatus::Down,
        "a VM no host can run is {}",
        got.status
    );
    for h in &hosts[1..] {
        ensure!(
            w.restore_iscsi_path(Site::Primary, h.id, &t.iqn),
            "no target"
        );
    }
    w.set_domain_failure_timeout(Site::Primary, Duration::from_millis(200));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let state = |id| async move {
        ok("hosts", e.hosts().await).map(|hs| hs.into_iter().find(|h| h.id == id).map(|h| h.status))
    };
    let blind_now = state(blind).await?;
    ensure!(
        blind_now == Some(HostStatus::NonOperational),
        "the host without the path is {blind_now:?}"
    );
    let seeing_now = state(seeing).await?;
    ensure!(
        seeing_now == Some(HostStatus::Up),
        "the host that sees the domain is {seeing_now:?}"
    );
    Ok(())
}

/// A master domain that no UP host of its data center reaches any more is not made inactive
/// like another domain: once `StorageDomainFailureTimeoutInMinutes` passed, the Engine
/// reconstructs the master on another `active` data domain and only then leaves the old one
/// `inactive`; the hosts stay up (they all reported it: the domain is at fault). Real, in
/// ovirt-engine: `backend/manager/modules/vdsbroker/src/main/java/org/ovirt/engine/core/vdsbroker/irsbroker/IrsProxyImpl.java`
/// (`processDomainRecovery`: "Not moving the domain to NonOperational because it is being
/// reconstructed now", `masterDomainNotOperational`) and
/// `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/storage/pool/ReconstructMasterDomainCommand.java`
/// (`reconstructMaster`, with `StorageDomainCommandBase.electNewMaster`). The case of a
/// master with no candidate (it stays `inactive`, the data center `problematic`) is
/// `a_recovered_site_finds_its_read_only_storage_inactive`'s.
pub async fn an_unreachable_master_is_reconstructed_on_another_domain(
    ctx: &Context,
) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    let facts = ctx.facts().clone();
    let mut chosen = None;
    for d in facts
        .domains
        .iter()
        .filter(|d| d.storage_type == StorageType::Iscsi)
    {
        let dc = d.primary_dc.id;
        let attached = ok(
            "attached_storage_domains",
            e.attached_storage_domains(dc).await,
        )?;
        let others_active = attached.iter().any(|o| {
            o.id != d.id
                && o.kind == StorageDomainType::Data
                && !o.backup
                && o.status == Some(StorageDomainStatus::Active)
        });
        if others_active {
            chosen = Some(d.clone());
            break;
        }
    }
    let Some(d) = chosen else {
        return Ok(());
    };
    let Location::Lun {
        target: Some(t), ..
    } = &d.primary
    else {
        return Err(Failure::new("an iSCSI domain without target"));
    };
    let dc = d.primary_dc.id;
    let w = ctx.world();
    if !state(e, dc, d.id).await?.1 {
        ok(
            "switch the master to the iSCSI domain",
            e.switch_master_storage_domain(dc, d.id).await,
        )?;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, master) = state(e, dc, d.id).await?;
    ensure!(
        master && status == Some(StorageDomainStatus::Active),
        "{} after the switch: {status:?}, master {master}",
        d.name
    );
    w.set_domain_failure_timeout(Site::Primary, Duration::from_millis(200));
    let in_dc: Vec<_> = facts
        .primary
        .hosts
        .iter()
        .filter(|h| h.data_center == dc)
        .map(|h| h.id)
        .collect();
    let up: Vec<_> = ok("hosts", e.hosts().await)?
        .into_iter()
        .filter(|h| h.status == HostStatus::Up && in_dc.contains(&h.id))
        .map(|h| h.id)
        .collect();
    for h in &up {
        ensure!(
            w.cut_iscsi_path(Site::Primary, *h, &t.iqn),
            "no target {}",
            t.iqn
        );
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (status, master) = state(e, dc, d.id).await?;
    ensure!(
        !master && status == Some(StorageDomainStatus::Inactive),
        "the unreachable master {}: {status:?}, master {master} (expected inactive, not master)",
        d.name
    );
    let attached = ok(
        "attached_storage_domains",
        e.attached_storage_domains(dc).await,
    )?;
    let new_master = attached.iter().find(|o| o.master);
    ensure!(
        new_master.is_some_and(|m| m.id != d.id && m.status == Some(StorageDomainStatus::Active)),
        "no new active master: {:?}",
        new_master.map(|m| (&m.name, m.status))
    );
    let hosts = ok("hosts", e.hosts().await)?;
    for h in &up {
        let now = hosts.iter().find(|x| x.id == *h).map(|x| x.status);
        ensure!(
            now == Some(HostStatus::Up),
            "a host that reported the master with all the others is {now:?}"
        );
    }
    for h in &up {
        ensure!(w.restore_iscsi_path(Site::Primary, *h, &t.iqn), "no target");
    }
    Ok(())
}
