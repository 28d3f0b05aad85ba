//! A tiny seeded PRNG (SplitMix64) for fixtures and fault injection.
//!
//! Written out here instead of taken from a crate so that the same seed gives the same world in
//! every release: the algorithm is fixed by this file, not by a dependency's version.

use crate::engine::Id;

/// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state word, full period, good enough for
/// test fixtures. Not for anything secret.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// A generator for one purpose, derived from a seed and a label so that independent streams
    /// (per site, per fault rule) do not shift each other when one of them draws more numbers.
    pub(crate) fn derive(seed: u64, label: &str) -> Self {
        let mut h = Self::new(seed ^ 0x6a09_e667_f3bc_c909);
        let mut acc = h.next_u64();
        for b in label.bytes() {
            acc = (acc ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        Self::new(acc ^ h.next_u64())
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        debug_assert!(bound > 0);
        // Multiply-shift: unbiased enough for fixtures, and branch-free.
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// An index into a slice of `len` (> 0) elements.
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A float in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `true` with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A random version-4 UUID as an [`Id`].
    pub(crate) fn id(&mut self) -> Id {
        let hi = u128::from(self.next_u64());
        let lo = u128::from(self.next_u64());
        let mut v = (hi << 64) | lo;
        // Version 4, RFC 4122 variant: the Engine's ids look like this.
        v = (v & !(0xF << 76)) | (0x4 << 76);
        v = (v & !(0x3 << 62)) | (0x2 << 62);
        Id::from_u128(v)
    }
}

/// A stable 64-bit hash of a byte string (FNV-1a), for jitter keyed by entity.
pub(crate) fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_known_first_value() {
        let mut a = SplitMix64::new(1);
        let mut b = SplitMix64::new(1);
        // Reference value of SplitMix64 seeded with 1 (first output).
        assert_eq!(a.next_u64(), 0x910a_2dec_8902_5cc1);
        b.next_u64();
        assert_eq!(a.next_u64(), b.next_u64());
        let id = SplitMix64::new(7).id();
        let text = id.to_string();
        assert_eq!(&text[14..15], "4", "{text}");
        assert!(matches!(&text[19..20], "8" | "9" | "a" | "b"), "{text}");
    }

    #[test]
    fn derived_streams_differ() {
        let mut a = SplitMix64::derive(5, "primary");
        let mut b = SplitMix64::derive(5, "secondary");
        assert_ne!(a.next_u64(), b.next_u64());
        let mut r = SplitMix64::new(3);
        for _ in 0..1000 {
            assert!(r.below(7) < 7);
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
