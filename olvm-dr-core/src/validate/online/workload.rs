//! Failback blockers, on both sites as in the role: a VM with a snapshot in preview or with
//! delete protection keeps its domains from being detached, so the cleanup of that site (the
//! first step of a failback) fails. Only VMs with a disk on a replicated domain block it; the
//! role checks every VM of the site, which always fails on hosted-engine sites (the
//! hosted-engine VM is delete-protected, role issue #79). The hosted-engine VM is left out and
//! reported as information.

use super::Ctx;
use super::out::Out;
use super::storage::mapped_ids;
use crate::validate::codes;
use crate::{Severity, Site};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Out) {
    for site in Site::BOTH {
        let Some(v) = ctx.view(site) else {
            continue;
        };
        let mapped = mapped_ids(ctx, site);
        let mut vms: Vec<_> = v.idx.inventory().vms.iter().collect();
        vms.sort_by(|a, b| a.name.cmp(&b.name));
        for vm in vms {
            if vm.is_hosted_engine() {
                if vm.delete_protected {
                    out.about(
                        Severity::Info,
                        codes::HOSTED_ENGINE_VM_EXCLUDED,
                        site,
                        format!("VM '{}'", vm.name),
                        format!("the hosted-engine VM '{}' is delete-protected; it is not part of disaster recovery and does not block failback", vm.name),
                    );
                }
                continue;
            }
            if !vm.storage_domains.iter().any(|d| mapped.contains(d)) {
                continue;
            }
            if vm.snapshot_in_preview {
                out.about(
                    Severity::Error,
                    codes::VM_IN_PREVIEW,
                    site,
                    format!("VM '{}'", vm.name),
                    format!("VM '{}' on the {site} site has a snapshot in preview: its domains cannot be detached, so failback fails", vm.name),
                )
                .hint = Some("commit or undo the snapshot preview".into());
            }
            if vm.delete_protected {
                out.about(
                    Severity::Error,
                    codes::VM_DELETE_PROTECTED,
                    site,
                    format!("VM '{}'", vm.name),
                    format!("VM '{}' on the {site} site is delete-protected: its domains cannot be detached, so failback fails", vm.name),
                )
                .hint = Some("turn off delete protection (Edit VM > Delete Protection)".into());
            }
        }
    }
}
