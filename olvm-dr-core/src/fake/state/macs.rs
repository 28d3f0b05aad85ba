//! MAC address pools: ranges, the duplicates flag, which addresses are in use, allocation.
//!
//! The rules follow the Engine's import code (`ImportVmCommandBase`, `VnicWithBadMacPredicate`):
//! a MAC is *bad* when it is in use in the pool and duplicates are not allowed, or when it lies
//! outside every range. Without `reassign_bad_macs`, an in-use MAC in a pool without duplicates
//! fails the import; out-of-range MACs are kept (the Engine only logs them). With it, bad MACs
//! are replaced by new ones from the pool.

use std::collections::HashMap;

/// A MAC address as a 48-bit number.
pub(crate) type Mac = u64;

/// Parses `aa:bb:cc:dd:ee:ff` (any case).
pub(crate) fn parse_mac(text: &str) -> Option<Mac> {
    let mut value: u64 = 0;
    let mut parts = 0;
    for part in text.split(':') {
        if part.len() != 2 {
            return None;
        }
        value = (value << 8) | u64::from(u8::from_str_radix(part, 16).ok()?);
        parts += 1;
    }
    (parts == 6).then_some(value)
}

/// Formats as lower-case `aa:bb:cc:dd:ee:ff`, the way the Engine shows MACs.
pub(crate) fn format_mac(mac: Mac) -> String {
    let b = mac.to_be_bytes();
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[2], b[3], b[4], b[5], b[6], b[7]
    )
}

/// One MAC pool.
#[derive(Debug, Clone)]
pub(crate) struct MacPool {
    /// Inclusive ranges.
    pub(crate) ranges: Vec<(Mac, Mac)>,
    pub(crate) allow_duplicates: bool,
    /// How many NICs use each MAC.
    in_use: HashMap<Mac, u32>,
    /// Where the next allocation starts looking (index of range, offset).
    cursor: (usize, u64),
}

/// The pool has no free address left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted;

impl MacPool {
    pub(crate) fn new(ranges: Vec<(Mac, Mac)>, allow_duplicates: bool) -> Self {
        Self {
            ranges,
            allow_duplicates,
            in_use: HashMap::new(),
            cursor: (0, 0),
        }
    }

    pub(crate) fn in_range(&self, mac: Mac) -> bool {
        self.ranges.iter().any(|(a, b)| (*a..=*b).contains(&mac))
    }

    pub(crate) fn in_use(&self, mac: Mac) -> bool {
        self.in_use.contains_key(&mac)
    }

    /// `VnicWithBadMacPredicate`.
    pub(crate) fn is_bad(&self, mac: Mac) -> bool {
        (!self.allow_duplicates && self.in_use(mac)) || !self.in_range(mac)
    }

    /// `true` when an imported NIC with `mac` gets a new MAC: it has none, or it is bad and the
    /// caller asked for bad MACs to be reassigned (`ImportVmCommandBase.shouldReassignMac`).
    pub(crate) fn should_reassign(&self, mac: Option<Mac>, reassign_bad: bool) -> bool {
        mac.is_none_or(|m| reassign_bad && self.is_bad(m))
    }

    /// The indexes of the NICs whose kept MAC would duplicate one in use in a pool that does
    /// not allow duplicates (`ifaceMacCannotBeAddedToMacPool`).
    pub(crate) fn conflicts(&self, macs: &[Option<Mac>], reassign_bad: bool) -> Vec<usize> {
        macs.iter()
            .enumerate()
            .filter(|(_, m)| {
                !self.allow_duplicates
                    && !self.should_reassign(**m, reassign_bad)
                    && m.is_some_and(|m| self.in_use(m))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// How many addresses of the ranges no NIC uses (`MacPool.getAvailableMacsCount`).
    pub(crate) fn available(&self) -> u64 {
        let total: u64 = self.ranges.iter().map(|(a, b)| b - a + 1).sum();
        let used = self.in_use.keys().filter(|m| self.in_range(**m)).count() as u64;
        total.saturating_sub(used)
    }

    /// `false` when more NICs need a new MAC ([`should_reassign`](Self::should_reassign)) than
    /// the pool has free addresses (`VmNicMacsUtils.validateThereIsEnoughOfFreeMacs`, which
    /// `ImportVmCommand.validate` runs before anything is imported).
    pub(crate) fn has_room_for(&self, macs: &[Option<Mac>], reassign_bad: bool) -> bool {
        let required = macs
            .iter()
            .filter(|m| self.should_reassign(**m, reassign_bad))
            .count() as u64;
        required <= self.available()
    }

    /// The MACs NICs get, one after the other as the Engine adds them: kept, or newly allocated
    /// when [`should_reassign`](Self::should_reassign); all recorded as used. When the pool runs
    /// out, nothing of this call stays recorded.
    pub(crate) fn assign(
        &mut self,
        macs: &[Option<Mac>],
        reassign_bad: bool,
    ) -> Result<Vec<Mac>, Exhausted> {
        let mut out = Vec::with_capacity(macs.len());
        for m in macs {
            let mac = if self.should_reassign(*m, reassign_bad) {
                match self.allocate() {
                    Ok(new) => new,
                    Err(e) => {
                        for done in &out {
                            self.free(*done);
                        }
                        return Err(e);
                    }
                }
            } else {
                let kept = m.expect("only missing MACs are always reassigned");
                self.add(kept);
                kept
            };
            out.push(mac);
        }
        Ok(out)
    }

    /// Records a NIC using `mac` (a "custom" MAC when out of range).
    pub(crate) fn add(&mut self, mac: Mac) {
        *self.in_use.entry(mac).or_default() += 1;
    }

    /// A NIC stopped using `mac`.
    pub(crate) fn free(&mut self, mac: Mac) {
        if let Some(n) = self.in_use.get_mut(&mac) {
            *n -= 1;
            if *n == 0 {
                self.in_use.remove(&mac);
            }
        }
    }

    /// Takes the next free address of the ranges (never one in use, whatever the duplicates
    /// flag) and counts it as used.
    pub(crate) fn allocate(&mut self) -> Result<Mac, Exhausted> {
        let mac = self.next_free()?;
        self.add(mac);
        Ok(mac)
    }

    /// The next address not in use, scanning round-robin from where the last search stopped;
    /// the caller records its use.
    fn next_free(&mut self) -> Result<Mac, Exhausted> {
        let total: u64 = self.ranges.iter().map(|(a, b)| b - a + 1).sum();
        let (mut r, mut off) = self.cursor;
        for _ in 0..total {
            if r >= self.ranges.len() {
                r = 0;
                off = 0;
            }
            let (a, b) = self.ranges[r];
            let mac = a + off;
            off += 1;
            if a + off > b {
                r += 1;
                off = 0;
            }
            if !self.in_use(mac) {
                self.cursor = (r, off);
                return Ok(mac);
            }
        }
        Err(Exhausted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_format_round_trip() {
        let m = parse_mac("56:6F:1a:00:00:FF").unwrap();
        assert_eq!(format_mac(m), "56:6f:1a:00:00:ff");
        assert!(parse_mac("56:6f:1a:00:00").is_none());
        assert!(parse_mac("zz:6f:1a:00:00:00").is_none());
    }

    #[test]
    fn allocation_skips_used_and_reports_exhaustion() {
        let a = parse_mac("56:6f:00:00:00:00").unwrap();
        let mut p = MacPool::new(vec![(a, a + 2)], false);
        p.add(a + 1);
        assert_eq!(p.allocate(), Ok(a));
        assert_eq!(p.allocate(), Ok(a + 2));
        assert_eq!(p.allocate(), Err(Exhausted));
        assert!(p.is_bad(a + 1));
        assert!(p.is_bad(a + 5));
        p.free(a);
        assert_eq!(p.allocate(), Ok(a));
        let mut d = MacPool::new(vec![(a, a + 2)], true);
        d.add(a);
        assert!(!d.is_bad(a));
    }

    #[test]
    fn import_keeps_or_reassigns_and_rolls_back_on_exhaustion() {
        let a = parse_mac("56:6f:00:00:00:00").unwrap();
        let outside = parse_mac("00:1a:00:00:00:01").unwrap();
        let mut p = MacPool::new(vec![(a, a + 1)], false);
        p.add(a);
        assert_eq!(p.conflicts(&[Some(a), Some(outside)], false), [0]);
        assert!(p.conflicts(&[Some(a)], true).is_empty());
        // Kept out of range without reassignment; replaced with it.
        assert_eq!(p.assign(&[Some(outside)], false), Ok(vec![outside]));
        assert_eq!(p.assign(&[Some(outside)], true), Ok(vec![a + 1]));
        // Nothing left: the whole call is undone.
        p.free(a + 1);
        assert_eq!(p.assign(&[None, None], false), Err(Exhausted));
        assert!(!p.in_use(a + 1), "rolled back");
        assert_eq!(p.assign(&[None], false), Ok(vec![a + 1]));
    }

    #[test]
    fn room_counts_only_the_nics_that_need_a_new_mac() {
        let a = parse_mac("56:6f:00:00:00:00").unwrap();
        let outside = parse_mac("00:1a:00:00:00:01").unwrap();
        let mut p = MacPool::new(vec![(a, a + 1)], false);
        p.add(a);
        p.add(outside);
        assert_eq!(p.available(), 1);
        assert!(p.has_room_for(&[None, Some(outside)], false));
        assert!(!p.has_room_for(&[None, Some(outside)], true));
        assert!(!p.has_room_for(&[None, None], false));
    }
}
