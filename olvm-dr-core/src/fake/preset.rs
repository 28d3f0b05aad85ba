//! The named presets of a fake world, as every front end offers them (`olvm-dr lab up --size`,
//! the simulator's options, `olvm_dr.testing.World`, uniffi's `FakeWorld`): its size, its
//! latency profile, and the mapping file an administrator would have for it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::control::ControlError;
use super::{LatencyProfile, LiveDetails, SiteUrls, World, WorldBuilder};
use crate::engine::EngineError;
use crate::mapping::Mapping;

/// The size of a world: the builder's presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorldSize {
    /// 2 data centers, 3 replicated domains (NFS, iSCSI, FC), 20 VMs, a direct LUN, the hosted
    /// engine on the primary.
    #[default]
    Small,
    /// 2 data centers, 10 domains of all five storage types, 500 VMs.
    Medium,
    /// 4 data centers, 20 domains, 2 000 VMs.
    Large,
}

impl WorldSize {
    /// `small`, `medium` or `large`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Large => "large",
        }
    }

    /// The world of this size from `seed`, with `vms` VMs instead of the preset's when given;
    /// its Engines take no time until [`World::set_latency`].
    pub fn build(self, seed: u64, vms: Option<usize>) -> World {
        let builder = match self {
            Self::Small => WorldBuilder::small(seed),
            Self::Medium => WorldBuilder::medium(seed),
            Self::Large => WorldBuilder::large(seed),
        };
        match vms {
            Some(n) => builder.vms(n),
            None => builder,
        }
        .build()
    }
}

impl FromStr for WorldSize {
    type Err = ControlError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "small" => Ok(Self::Small),
            "medium" => Ok(Self::Medium),
            "large" => Ok(Self::Large),
            other => Err(ControlError::Invalid(format!(
                "unknown world size '{other}': use small, medium or large"
            ))),
        }
    }
}

impl fmt::Display for WorldSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How fast a world's Engines work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Latency {
    /// Every call and transition takes no time.
    #[default]
    Instant,
    /// The durations of a real Engine (seconds per attach, VM start, ...).
    Realistic,
}

impl Latency {
    /// `instant` or `realistic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Instant => "instant",
            Self::Realistic => "realistic",
        }
    }

    /// The profile a site gets.
    pub fn profile(self) -> LatencyProfile {
        match self {
            Self::Instant => LatencyProfile::instant(),
            Self::Realistic => LatencyProfile::realistic(),
        }
    }
}

impl FromStr for Latency {
    type Err = ControlError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "instant" => Ok(Self::Instant),
            "realistic" => Ok(Self::Realistic),
            other => Err(ControlError::Invalid(format!(
                "unknown latency profile '{other}': use instant or realistic"
            ))),
        }
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl World {
    /// Both sites' latency profile.
    pub fn set_latency_everywhere(&self, latency: Latency) {
        for site in crate::Site::BOTH {
            self.set_latency(site, latency.profile());
        }
    }

    /// The mapping file for this world with `urls`, every value filled in for both sites (what
    /// an administrator has after `generate` and completing the secondary): the facts plus
    /// what the Engines report (networks' data centers, the primary's domain attributes).
    ///
    /// # Errors
    /// An Engine cannot be read (read it while both sites answer, before a slow profile).
    pub async fn read_mapping(&self, urls: &SiteUrls) -> Result<Mapping, EngineError> {
        let live = LiveDetails::read(self).await?;
        Ok(self.facts().mapping_with(urls, &live))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_unknown_ones_say_what_to_use() {
        for size in [WorldSize::Small, WorldSize::Medium, WorldSize::Large] {
            assert_eq!(size.as_str().parse::<WorldSize>().unwrap(), size);
        }
        for latency in [Latency::Instant, Latency::Realistic] {
            assert_eq!(latency.as_str().parse::<Latency>().unwrap(), latency);
        }
        let e = "huge".parse::<WorldSize>().unwrap_err();
        assert!(e.to_string().contains("use small, medium or large"), "{e}");
        let e = "slow".parse::<Latency>().unwrap_err();
        assert!(e.to_string().contains("use instant or realistic"), "{e}");
    }

    #[test]
    fn a_preset_with_a_vm_count_has_that_many_vms() {
        assert_eq!(WorldSize::Small.build(3, Some(7)).facts().vms.len(), 7);
    }
}
