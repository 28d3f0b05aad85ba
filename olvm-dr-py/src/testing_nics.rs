//! What `World.nics` reads: every VM's NICs on a site with the name of their vNIC profile and
//! whether they are plugged, for tests that check where drill VMs' NICs went.

use std::collections::{BTreeMap, HashMap};

use olvm_dr_core::Site;
use olvm_dr_core::engine::{EngineResult, VmSearch};
use olvm_dr_core::fake::World;

/// One NIC: its profile name (`None`: on no network) and whether it is plugged.
#[derive(Debug, Clone, PartialEq, Eq, pyo3::IntoPyObject)]
pub(crate) struct NicState {
    /// The vNIC profile's name.
    pub(crate) profile: Option<String>,
    /// Plugged into the VM.
    pub(crate) plugged: bool,
}

/// VM name → NIC name → its state.
pub(crate) type Nics = BTreeMap<String, BTreeMap<String, NicState>>;

/// Reads `site`'s VMs and vNIC profiles through its Engine (the hosted-engine VM included).
pub(crate) async fn read(world: &World, site: Site) -> EngineResult<Nics> {
    let engine = world.dyn_engine(site);
    let all = VmSearch::default();
    let (vms, profiles) = tokio::try_join!(engine.vms(&all), engine.vnic_profiles())?;
    let names: HashMap<_, _> = profiles.iter().map(|p| (p.id, p.name.clone())).collect();
    Ok(vms
        .into_iter()
        .map(|vm| {
            let nics = vm
                .nics
                .iter()
                .map(|n| {
                    let profile = n
                        .vnic_profile
                        .map(|id| names.get(&id).cloned().unwrap_or_else(|| id.to_string()));
                    (
                        n.name.clone(),
                        NicState {
                            profile,
                            plugged: n.plugged,
                        },
                    )
                })
                .collect();
            (vm.name, nics)
        })
        .collect())
}
