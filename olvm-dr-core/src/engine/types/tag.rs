//! Tags: labels the Engine keeps by unique name. olvm-dr uses one as a lock that every
//! controller talking to the same Engine sees (see [`crate::flow::lock`]).

use serde::{Deserialize, Serialize};

use super::Id;

/// A tag (`/tags`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Id.
    pub id: Id,
    /// Its name, unique on the Engine (`AddTagCommand` refuses a name in use).
    pub name: String,
    /// Free text.
    pub description: String,
}
