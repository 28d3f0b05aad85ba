//! The entity model: plain data with serde, shared by every [`Engine`](super::Engine)
//! implementation.

mod enums;
mod guest;
mod id;
mod inventory;
mod registration;
mod storage;
mod storage_format;
mod tag;
mod vm;
mod vm_settings;

pub use enums::*;
pub use guest::{Initialization, NicConfiguration, ReportedDevice};
pub use id::{Id, InvalidId};
pub use inventory::*;
pub use registration::*;
pub use storage::*;
pub use storage_format::StorageFormat;
pub use tag::Tag;
pub use vm::*;
pub use vm_settings::{CpuTopology, VmSettings};
