//! Checks of Engine jobs: what a job says, and that commands run under a step's correlation id
//! behave as any other.

use crate::Site;
use crate::engine::{JobStatus, correlation};

use super::Context;
use super::support::{Failure, ensure, ok};

/// A job reads back by the id its command returned, with the Engine's description of the
/// command (`job.UpdateOvfStoreForStorageDomain` in `ExecutionMessages.properties`), also when
/// the command ran under a step's correlation id; a finished job stays finished.
pub async fn jobs_describe_their_command(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(d) = f.domains.iter().find(|d| !d.primary_master) else {
        return Ok(());
    };
    let e = ctx.engine(Site::Primary);
    let step = correlation::for_step("conformance-run", "update-ovf-store");
    let job = correlation::scope(&step, e.update_ovf_store(d.id)).await;
    let job = ok("update_ovf_store", job)?
        .ok_or_else(|| Failure::new("update_ovf_store returned no job"))?;
    let j = ok("job", e.job(job).await)?;
    ensure!(j.id == job, "asked for job {job}, got {}", j.id);
    let expected = format!(
        "Updating OVFs for Storage Domain {} in Data Center {}",
        d.name, d.primary_dc.name
    );
    ensure!(
        j.description == expected,
        "job description {:?}",
        j.description
    );
    ensure!(j.status == JobStatus::Finished, "job {:?}", j.status);
    let again = ok("job", e.job(job).await)?;
    ensure!(
        again.status == JobStatus::Finished,
        "job {:?} again",
        again.status
    );
    Ok(())
}
