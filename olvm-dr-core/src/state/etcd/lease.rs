//! The run lock's lease: granted once, kept alive in the background, and judged locally so that
//! the fence check before every mutating Engine call costs no round trip.
//!
//! Why the local judgement is safe (this controller never finds its lease valid when the
//! members may already have let it expire and given the lock to another controller):
//!
//! - The lease is valid here until the time its last renewal was *sent* plus the TTL the
//!   members granted in their answer, less a tenth. The leader counts the TTL from when it
//!   *received* that renewal, which is later, so its deadline is later than ours.
//! - Only the leader expires leases, and a new leader extends every lease (to a full TTL from
//!   its promotion, or to the remaining TTL of the last checkpoint counted from its promotion,
//!   which is never earlier than the old deadline); a leader change never shortens a lease.
//! - Both sides measure with clocks that count every elapsed second: this side uses
//!   `CLOCK_BOOTTIME`, which also counts time the machine spent suspended (`Instant`, i.e.
//!   `CLOCK_MONOTONIC`, does not, and a controller resumed from suspend would believe in a
//!   lease that long expired). The tenth of the TTL held back covers any difference in the
//!   clocks' rates (real clocks differ by parts per million) and the renewal's own latency
//!   is on our side already (we count from sending).
//! - A renewal answered after the local deadline passed does not revive the lease: once judged
//!   lost it stays lost, so a controller that was paused (`SIGSTOP`) or cut off never resumes
//!   working on its own (the run is resumed with `--resume`).
//!
//! What a local check cannot do, and a round trip per call could not either: a call sent just
//! before the deadline may reach the Engine after it. Every write to the store itself is also
//! guarded by etcd (each transaction compares the lock key's lease with ours), so the store
//! never holds a write of a controller that lost the lock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use etcd_client::Client;

/// A point in time: how long since the machine booted, suspended time included
/// (`CLOCK_BOOTTIME`).
pub(super) type Moment = Duration;

/// Now, on the clock the lease is judged by.
#[cfg(target_os = "linux")]
pub(super) fn now() -> Moment {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    Duration::new(
        t.tv_sec.max(0) as u64,
        t.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

/// Now, on the clock the lease is judged by (the monotonic clock, where there is no boot
/// clock).
#[cfg(not(target_os = "linux"))]
pub(super) fn now() -> Moment {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

/// What this controller knows about its lease.
#[derive(Debug)]
struct LeaseState {
    valid_until: Moment,
    renewed_at: Moment,
    lost: Option<String>,
}

/// A granted lease and its keep-alive's findings.
#[derive(Debug, Clone)]
pub(super) struct Lease {
    pub(super) id: i64,
    ttl: Duration,
    location: String,
    state: Arc<Mutex<LeaseState>>,
}

/// The part of a TTL counted as valid on this side.
fn margin(ttl: Duration) -> Duration {
    ttl.mul_f32(0.9)
}

impl Lease {
    /// A lease granted with `ttl` (as the members answered) by a request sent at `sent`.
    pub(super) fn granted(id: i64, ttl: Duration, sent: Moment, location: String) -> Self {
        Self {
            id,
            ttl,
            location,
            state: Arc::new(Mutex::new(LeaseState {
                valid_until: sent + margin(ttl),
                renewed_at: sent,
                lost: None,
            })),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, LeaseState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Why the lease is lost, `None` while it is valid.
    pub(super) fn lost(&self) -> Option<String> {
        let mut s = self.state();
        if s.lost.is_none() {
            let now = now();
            if now >= s.valid_until {
                s.lost = Some(format!(
                    "this controller lost the run lock in {}: its etcd lease ({} s) was last renewed {} s ago (the etcd quorum did not answer, or this controller was paused)",
                    self.location,
                    self.ttl.as_secs(),
                    now.saturating_sub(s.renewed_at).as_secs()
                ));
            }
        }
        s.lost.clone()
    }

    /// Whether the lease is still valid (without judging it lost).
    pub(super) fn is_valid(&self) -> bool {
        let s = self.state();
        s.lost.is_none() && now() < s.valid_until
    }

    /// Judges the lease lost now, for `why` (a write that could not be made durable).
    pub(super) fn lose(&self, why: String) {
        let mut s = self.state();
        if s.lost.is_none() {
            s.lost = Some(why);
        }
    }

    fn renewed(&self, sent: Moment, ttl_secs: i64) {
        let mut s = self.state();
        if s.lost.is_some() {
            return;
        }
        if ttl_secs <= 0 {
            s.lost = Some(format!(
                "this controller lost the run lock in {}: etcd says its lease expired",
                self.location
            ));
            return;
        }
        // Judged on the deadline known before this renewal: a renewal answered after the
        // lease ran out here does not revive it.
        if sent >= s.valid_until {
            return;
        }
        let until = sent + margin(Duration::from_secs(ttl_secs as u64));
        if until > s.valid_until {
            s.valid_until = until;
            s.renewed_at = sent;
        }
    }

    /// Keeps the lease alive until it is lost (or the runtime stops): a renewal every third of
    /// the TTL, on a stream made again whenever one breaks.
    pub(super) async fn keep_alive(self, client: Client) {
        let period = self.ttl / 3;
        let mut stream = None;
        loop {
            tokio::time::sleep(period).await;
            if self.lost().is_some() {
                return;
            }
            let sent = now();
            let Some((keeper, answers)) = stream.as_mut() else {
                // Making the stream renews the lease once and reads the answer: an expired
                // lease fails here ("lease not found").
                let made =
                    tokio::time::timeout(period, client.lease_client().keep_alive(self.id)).await;
                match made {
                    Ok(Ok(s)) => {
                        self.renewed(sent, self.ttl.as_secs() as i64);
                        stream = Some(s);
                    }
                    Ok(Err(etcd_client::Error::LeaseKeepAliveError(e))) => {
                        tracing::warn!(error = %e, "the etcd lease is gone");
                        self.renewed(sent, 0);
                        return;
                    }
                    Ok(Err(e)) => tracing::warn!(error = %e, "cannot renew the etcd lease"),
                    Err(_) => tracing::warn!("cannot renew the etcd lease: no answer"),
                }
                continue;
            };
            if let Err(e) = keeper.keep_alive().await {
                tracing::warn!(error = %e, "cannot renew the etcd lease");
                stream = None;
                continue;
            }
            match tokio::time::timeout(period, answers.message()).await {
                Ok(Ok(Some(answer))) => self.renewed(sent, answer.ttl()),
                Ok(Ok(None)) | Ok(Err(_)) | Err(_) => {
                    tracing::warn!("the etcd lease was not renewed (no answer); trying again");
                    stream = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_is_lost_once_its_deadline_passes_and_stays_lost() {
        let sent = now().saturating_sub(Duration::from_secs(10));
        let lease = Lease::granted(1, Duration::from_secs(5), sent, "etcd://m:2379/p".into());
        let lost = lease.lost().expect("4.5 s of 5 are long gone");
        assert!(lost.contains("etcd://m:2379/p"), "{lost}");
        assert!(lost.contains("last renewed 10 s ago"), "{lost}");
        // A renewal answered late does not revive it.
        lease.renewed(now(), 5);
        assert!(lease.lost().is_some());
    }

    #[test]
    fn renewals_extend_the_deadline_and_a_zero_ttl_loses_the_lease() {
        let lease = Lease::granted(1, Duration::from_secs(5), now(), "x".into());
        assert_eq!(lease.lost(), None);
        lease.renewed(now(), 5);
        assert_eq!(lease.lost(), None);
        lease.renewed(now(), 0);
        assert!(lease.lost().unwrap().contains("expired"));
    }
}
