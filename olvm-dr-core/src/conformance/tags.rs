//! Checks of tags: names are unique (the run lock relies on it), removal by id, assignment to
//! VMs (what a recovery plan's tag selectors read).

use crate::Site;
use crate::engine::{ErrorKind, Id, VmSearch};

use super::Context;
use super::support::{Failure, ensure, err, err_text, ok};

/// A tag name in use is refused with the Engine's 409 text; removed, the name is free again.
pub async fn tag_names_are_unique(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Secondary);
    let tag = ok("add_tag", e.add_tag("olvm-dr-lock", "run a").await)?;
    ensure!(
        tag.name == "olvm-dr-lock" && tag.description == "run a",
        "add_tag returned {tag:?}"
    );
    err_text(
        "add_tag with a name in use",
        e.add_tag("olvm-dr-lock", "run b").await,
        ErrorKind::Conflict,
        "[The specified Tag name already exists.]",
    )?;
    let tags = ok("tags", e.tags().await)?;
    ensure!(
        tags.iter().filter(|t| t.name == "olvm-dr-lock").count() == 1
            && tags
                .iter()
                .any(|t| t.id == tag.id && t.description == "run a"),
        "tags lists {tags:?}"
    );
    // Each site has its own tags.
    let other = ok(
        "tags of the primary",
        ctx.engine(Site::Primary).tags().await,
    )?;
    ensure!(
        !other.iter().any(|t| t.name == "olvm-dr-lock"),
        "the primary sees the secondary's tag"
    );
    ok("remove_tag", e.remove_tag(tag.id).await)?;
    err(
        "remove_tag again",
        e.remove_tag(tag.id).await,
        ErrorKind::NotFound,
    )?;
    ok(
        "add_tag after removal",
        e.add_tag("olvm-dr-lock", "run b").await,
    )?;
    Ok(())
}

/// A tag assigned to a VM is listed among its tags, once however often it is assigned; an
/// unknown VM or tag is a 404; a removed tag leaves the VM's list.
pub async fn tags_are_assigned_to_vms(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    let vms = ok("vms", e.vms(&VmSearch::default()).await)?;
    let Some(vm) = vms.first() else {
        return Err(Failure::new("the world has no VM on the primary"));
    };
    let before = ok("vm_tags", e.vm_tags(vm.id).await)?;
    let tag = ok("add_tag", e.add_tag("infra", "").await)?;
    ok("assign_tag", e.assign_tag(vm.id, tag.id).await)?;
    ok("assign_tag again", e.assign_tag(vm.id, tag.id).await)?;
    let after = ok("vm_tags", e.vm_tags(vm.id).await)?;
    ensure!(
        after.len() == before.len() + 1
            && after
                .iter()
                .filter(|t| t.id == tag.id && t.name == "infra")
                .count()
                == 1,
        "vm_tags lists {after:?} after assigning 'infra' twice"
    );
    if let Some(other) = vms.get(1) {
        let theirs = ok("vm_tags of another VM", e.vm_tags(other.id).await)?;
        ensure!(
            !theirs.iter().any(|t| t.id == tag.id),
            "another VM got the tag: {theirs:?}"
        );
    }
    let nobody = Id::from_u128(0x7a9);
    err(
        "vm_tags of an unknown VM",
        e.vm_tags(nobody).await,
        ErrorKind::NotFound,
    )?;
    err(
        "assign_tag to an unknown VM",
        e.assign_tag(nobody, tag.id).await,
        ErrorKind::NotFound,
    )?;
    err(
        "assign_tag of an unknown tag",
        e.assign_tag(vm.id, nobody).await,
        ErrorKind::NotFound,
    )?;
    ok("remove_tag", e.remove_tag(tag.id).await)?;
    let removed = ok("vm_tags after removal", e.vm_tags(vm.id).await)?;
    ensure!(
        removed.len() == before.len(),
        "a removed tag is still listed: {removed:?}"
    );
    Ok(())
}
