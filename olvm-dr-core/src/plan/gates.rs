//! The step ids of storage gates. A plan may hold several gates (a drill's return has two);
//! their ids tell a storage-ready command (through `OLVM_DR_GATE`) or a per-gate ready file
//! (`{gate}` in its path) which change of the arrays is awaited.

/// Failback and switchover: replication reversed (or stopped) and the returning site's copies
/// read-write.
pub const PROMOTE: &str = "storage-gate";
/// The first gate of a drill: replication toward the drill site paused (split), so that site can
/// use its own copies read-write while the other site keeps running on its volumes.
pub const SPLIT: &str = "split-replication";
/// The last gate of a drill end: replication toward the drill site resumed; a resync overwrites
/// the drill copies.
pub const RESUME: &str = "resume-replication";
/// The last gate of a drill's return: replication restored in its normal direction.
pub const RESTORE: &str = "restore-replication";

/// Every gate id.
pub const ALL: [&str; 4] = [PROMOTE, SPLIT, RESUME, RESTORE];
