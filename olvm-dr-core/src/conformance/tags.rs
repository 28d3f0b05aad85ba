//! Checks of tags: names are unique (the run lock relies on it), removal by id.

use crate::Site;
use crate::engine::ErrorKind;

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
