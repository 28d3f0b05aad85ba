//! [`EtcdStore`]: runs and their lock in an etcd cluster (v3 API).
//!
//! ```text
//! <prefix>/lock                            the run lock: who holds it (JSON), on a lease
//! <prefix>/index/<run-id>                  one key per run (created in order)
//! <prefix>/run/<run-id>/blob/<name>        plan.json, report.json, ...: inline, or a pointer
//! <prefix>/run/<run-id>/chunk/<name>/...   to chunks written before it
//! <prefix>/run/<run-id>/head               the journal's next sequence number
//! <prefix>/run/<run-id>/journal/<seq>      journal records from <seq> on, as JSON lines (or
//!                                          one record's pointer to its parts)
//! <prefix>/run/<run-id>/parts/<seq>/<i>    the parts of a record too large for one value
//! <prefix>/store/blob/<name>               blobs of the store (known-hosts.json)
//! ```
//!
//! Every write is a transaction that also compares the lock key's lease with this
//! controller's: a controller whose lease expired cannot write, whatever it believes. Journal
//! appends also compare the revision of the run's `head` key with the one this controller last
//! wrote, so two writers can never interleave records. An acknowledged transaction is committed
//! by the quorum (and in its members' write-ahead logs), which is what the local journal's
//! fsync gives: durable before the step's effect is relied on.

mod blob;
mod bridge;
mod journal;
mod lease;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use etcd_client::{
    Client, Compare, CompareOp, ConnectOptions, DeleteOptions, GetOptions, PutOptions, Txn, TxnOp,
};

use super::{EtcdLocation, JournalSink, Scope, StateStore};
use crate::flow::lock::LockHolder;
use crate::journal::{JournalReadError, Record, StateDirError};
use bridge::Bridge;
use lease::Lease;

/// The longest one etcd call may take before it counts as failed (and is tried again, on
/// another member, while the lease lasts).
const CALL_DEADLINE: Duration = Duration::from_secs(5);
/// The shortest.
const CALL_DEADLINE_MIN: Duration = Duration::from_secs(1);
/// Attempts of a read by a store that holds no lease.
const READ_ATTEMPTS: u32 = 3;
/// The pause between attempts.
const RETRY_PAUSE: Duration = Duration::from_millis(100);

/// Runs and their lock in etcd. Opened to write, it holds the run lock (an etcd lease kept
/// alive in the background) until it is dropped, when the lease is revoked.
#[derive(Debug)]
pub struct EtcdStore {
    shared: Arc<Shared>,
}

/// What the store and its journals share: the connection, and the runtime its calls run on.
/// Revokes the lease when dropped.
struct Shared {
    conn: Arc<Conn>,
    bridge: Bridge,
}

/// The connection to the cluster and the lease held through it; every etcd call is an async
/// method of it, run on the store's own runtime ([`Bridge`]).
#[derive(Clone)]
struct Conn {
    /// `etcd://members/prefix`, for messages.
    display: String,
    /// The key prefix, with its trailing `/`.
    prefix: String,
    client: Client,
    /// The lock's lease; `None` for a store opened to read only.
    lease: Option<Lease>,
    /// How long one call may take.
    deadline: Duration,
}

impl std::ops::Deref for Shared {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.conn
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("display", &self.conn.display)
            .field("lease", &self.conn.lease)
            .finish_non_exhaustive()
    }
}

/// An etcd error as text (etcd-client's errors never hold the password).
fn text(e: etcd_client::Error) -> String {
    e.to_string()
}

impl EtcdStore {
    /// Connects to the cluster at `location` and, with `lock`, takes the run lock: a lease of
    /// `location.lease_ttl` and the lock key on it, refused when another controller holds the
    /// key.
    ///
    /// # Errors
    /// [`StateDirError::Held`] (naming the holder) when another controller holds the lock;
    /// [`StateDirError::Unavailable`] when no quorum answers, or TLS or authentication fails.
    pub fn connect(location: &EtcdLocation, lock: bool) -> Result<Self, StateDirError> {
        let display = location.to_string();
        let bridge = Bridge::new(display.clone())?;
        let unavailable = |message: String| StateDirError::Unavailable {
            location: display.clone(),
            message,
        };
        let deadline = (location.lease_ttl / 3).clamp(CALL_DEADLINE_MIN, CALL_DEADLINE);
        let mut options = ConnectOptions::new()
            .with_connect_timeout(deadline)
            .with_timeout(deadline)
            .with_require_leader(true);
        if let (Some(user), Some(password)) = (&location.user, &location.password) {
            options = options.with_user(user.clone(), password.expose().to_owned());
        } else if location.user.is_some() {
            return Err(unavailable(format!(
                "no password for etcd user '{}': set OLVM_DR_STATE_PASSWORD, or [state] password_file= in dr.conf",
                location.user.as_deref().unwrap_or_default()
            )));
        }
        let scheme = if location.tls {
            options = options.with_tls(tls_options(location).map_err(&unavailable)?);
            "https"
        } else {
            "http"
        };
        let endpoints: Vec<String> = location
            .endpoints
            .iter()
            .map(|e| format!("{scheme}://{e}"))
            .collect();
        let connecting = async move {
            Ok(tokio::time::timeout(deadline * 2, Client::connect(endpoints, Some(options))).await)
        };
        let client = match bridge.run(connecting)? {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => return Err(unavailable(text(e))),
            Err(_) => return Err(unavailable(no_answer(deadline * 2))),
        };
        let conn = Conn {
            display: display.clone(),
            prefix: format!("{}/", location.prefix),
            client,
            lease: None,
            deadline,
        };
        let mut shared = Shared {
            conn: Arc::new(conn.clone()),
            bridge,
        };
        // A linearizable read: answers only when a quorum does.
        shared.get(&shared.lock_key())?;
        if lock {
            let ttl = location.lease_ttl;
            let lease = shared.call(move |c| async move { c.take_lock(ttl).await })?;
            shared
                .bridge
                .spawn(lease.clone().keep_alive(conn.client.clone()));
            shared.conn = Arc::new(Conn {
                lease: Some(lease),
                ..conn
            });
        }
        Ok(Self {
            shared: Arc::new(shared),
        })
    }

    /// The lease of the run lock, when held (for tests that watch it).
    pub fn lease_id(&self) -> Option<i64> {
        self.shared.lease.as_ref().map(|l| l.id)
    }
}

/// TLS to the members: their CA, and a client certificate when configured.
fn tls_options(location: &EtcdLocation) -> Result<etcd_client::TlsOptions, String> {
    let read =
        |p: &PathBuf| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let ca = location.ca_file.as_ref().ok_or_else(|| {
        "etcds:// needs the CA that signed the members' certificates: [state] ca_file= in dr.conf"
            .to_owned()
    })?;
    let mut tls = etcd_client::TlsOptions::new()
        .ca_certificate(etcd_client::Certificate::from_pem(read(ca)?));
    if let Some((cert, key)) = &location.client_cert {
        tls = tls.identity(etcd_client::Identity::from_pem(read(cert)?, read(key)?));
    }
    Ok(tls)
}

/// What a call that got no answer in time says.
fn no_answer(deadline: Duration) -> String {
    format!(
        "no answer within {} s (is a quorum of the members reachable?)",
        deadline.as_secs_f32()
    )
}

/// The store's synchronous calls: each runs on the store's runtime while the caller waits.
impl Shared {
    /// Runs `work` (given the connection) on the store's runtime and waits for it.
    fn call<T, F>(&self, work: impl FnOnce(Arc<Conn>) -> F) -> Result<T, StateDirError>
    where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T, StateDirError>> + Send + 'static,
    {
        self.bridge.run(work(Arc::clone(&self.conn)))
    }

    /// One key (linearizable: only a quorum answers), with its revisions.
    fn get(&self, key: &str) -> Result<Option<etcd_client::KeyValue>, StateDirError> {
        let key = key.to_owned();
        self.call(move |c| async move { c.get(&key).await })
    }

    /// One key as of `revision`.
    fn get_at(&self, key: &str, revision: i64) -> Result<Option<Vec<u8>>, StateDirError> {
        let key = key.to_owned();
        self.call(move |c| async move { c.get_at(&key, revision).await })
    }

    /// Every key under `prefix` as of one revision, in key order; with the revision read.
    fn list(
        &self,
        prefix: &str,
        keys_only: bool,
    ) -> Result<(Vec<etcd_client::KeyValue>, i64), StateDirError> {
        let prefix = prefix.to_owned();
        self.call(move |c| async move { c.list(&prefix, keys_only).await })
    }

    /// See [`Conn::txn`].
    fn txn(&self, compares: Vec<Compare>, ops: Vec<TxnOp>) -> Result<bool, StateDirError> {
        self.call(move |c| async move { c.txn(compares, ops).await })
    }
}

impl Conn {
    fn lock_key(&self) -> String {
        format!("{}lock", self.prefix)
    }

    fn index_key(&self, id: &str) -> String {
        format!("{}index/{id}", self.prefix)
    }

    fn run_base(&self, id: &str) -> String {
        format!("{}run/{id}/", self.prefix)
    }

    fn scope_base(&self, scope: Scope<'_>) -> String {
        match scope {
            Scope::Store => format!("{}store/", self.prefix),
            Scope::Run(id) => self.run_base(id),
        }
    }

    fn unavailable(&self, message: String) -> StateDirError {
        StateDirError::Unavailable {
            location: self.display.clone(),
            message,
        }
    }

    /// One key (linearizable: only a quorum answers), with its revisions.
    async fn get(&self, key: &str) -> Result<Option<etcd_client::KeyValue>, StateDirError> {
        self.retrying(|| {
            let mut kv = self.client.kv_client();
            let key = key.to_owned();
            async move {
                let mut r = kv.get(key, None).await.map_err(text)?;
                Ok(r.take_kvs().into_iter().next())
            }
        })
        .await
    }

    /// Runs the call `make` makes, again after a failure (a member that died, a leader being
    /// elected): while the lease lasts for a store that holds one, else a few times. Each
    /// attempt has the call deadline.
    async fn retrying<T, F>(&self, make: impl Fn() -> F) -> Result<T, StateDirError>
    where
        F: std::future::Future<Output = Result<T, String>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let out = match tokio::time::timeout(self.deadline, make()).await {
                Ok(out) => out,
                Err(_) => Err(no_answer(self.deadline)),
            };
            match out {
                Ok(t) => return Ok(t),
                Err(e) => {
                    let again = match &self.lease {
                        Some(lease) => lease.is_valid(),
                        None => attempt < READ_ATTEMPTS,
                    };
                    if !again {
                        return Err(self.unavailable(e));
                    }
                    tracing::debug!(error = %e, attempt, "etcd call failed; trying again");
                    tokio::time::sleep(RETRY_PAUSE).await;
                }
            }
        }
    }

    /// One key as of `revision`.
    async fn get_at(&self, key: &str, revision: i64) -> Result<Option<Vec<u8>>, StateDirError> {
        self.retrying(|| {
            let mut kv = self.client.kv_client();
            let key = key.to_owned();
            async move {
                let mut r = kv
                    .get(key, Some(GetOptions::new().with_revision(revision)))
                    .await
                    .map_err(text)?;
                Ok(r.take_kvs()
                    .into_iter()
                    .next()
                    .map(|kv| kv.into_key_value().1))
            }
        })
        .await
    }

    /// Every key under `prefix` as of one revision, in key order, a page at a time; with the
    /// revision read.
    async fn list(
        &self,
        prefix: &str,
        keys_only: bool,
    ) -> Result<(Vec<etcd_client::KeyValue>, i64), StateDirError> {
        const PAGE: i64 = 500;
        let end = prefix_end(prefix);
        let mut out = Vec::new();
        let mut from = prefix.as_bytes().to_vec();
        let mut revision = 0;
        loop {
            let mut options = GetOptions::new().with_range(end.clone()).with_limit(PAGE);
            if keys_only {
                options = options.with_keys_only();
            }
            if revision > 0 {
                options = options.with_revision(revision);
            }
            let mut r = self
                .retrying(|| {
                    let mut kv = self.client.kv_client();
                    let key = from.clone();
                    let options = options.clone();
                    async move { kv.get(key, Some(options)).await.map_err(text) }
                })
                .await?;
            if revision == 0 {
                revision = r.header().map_or(0, |h| h.revision());
            }
            let more = r.more();
            let kvs = r.take_kvs();
            let Some(last) = kvs.last() else { break };
            from = last.key().to_vec();
            from.push(0);
            out.extend(kvs);
            if !more {
                break;
            }
        }
        Ok((out, revision))
    }

    /// The run lock: a lease, then the lock key on it when nobody holds it.
    async fn take_lock(&self, ttl: Duration) -> Result<Lease, StateDirError> {
        let mut leases = self.client.lease_client();
        let sent = lease::now();
        let granted =
            match tokio::time::timeout(self.deadline, leases.grant(ttl.as_secs() as i64, None))
                .await
            {
                Ok(Ok(g)) => g,
                Ok(Err(e)) => return Err(self.unavailable(text(e))),
                Err(_) => return Err(self.unavailable(no_answer(self.deadline))),
            };
        let lease = Lease::granted(
            granted.id(),
            Duration::from_secs(granted.ttl().max(0) as u64),
            sent,
            self.display.clone(),
        );
        let holder = LockHolder::this_process("(starting)");
        let key = self.lock_key();
        let txn = Txn::new()
            .when([Compare::create_revision(key.clone(), CompareOp::Equal, 0)])
            .and_then([TxnOp::put(
                key.clone(),
                serde_json::to_vec(&holder).unwrap_or_default(),
                Some(PutOptions::new().with_lease(lease.id)),
            )])
            .or_else([TxnOp::get(key, None)]);
        let mut kv = self.client.kv_client();
        let answer = match tokio::time::timeout(self.deadline, kv.txn(txn)).await {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => {
                self.revoke(lease.id).await;
                return Err(self.unavailable(text(e)));
            }
            Err(_) => {
                self.revoke(lease.id).await;
                return Err(self.unavailable(no_answer(self.deadline)));
            }
        };
        if !answer.succeeded() {
            self.revoke(lease.id).await;
            let holder = answer
                .op_responses()
                .into_iter()
                .find_map(|r| match r {
                    etcd_client::TxnOpResponse::Get(mut g) => g.take_kvs().into_iter().next(),
                    _ => None,
                })
                .map(|kv| describe_holder(kv.value()))
                .unwrap_or_else(|| "a controller that just released it; try again".into());
            return Err(StateDirError::Held {
                location: self.display.clone(),
                holder,
            });
        }
        Ok(lease)
    }

    /// Revokes a lease (best effort: a lease that is not revoked expires by itself).
    async fn revoke(&self, id: i64) {
        let mut leases = self.client.lease_client();
        let _ = tokio::time::timeout(self.deadline, leases.revoke(id)).await;
    }

    /// The lease, when this store may write.
    fn writer_lease(&self) -> Result<&Lease, StateDirError> {
        let lease = self.lease.as_ref().ok_or_else(|| {
            self.unavailable("opened to read only (the run lock is not held)".into())
        })?;
        match lease.lost() {
            Some(lost) => Err(StateDirError::LockLost(lost)),
            None => Ok(lease),
        }
    }

    /// A write: `ops` if `compares` hold and the lock key is still on this controller's lease.
    /// `Ok(false)` when `compares` failed.
    async fn txn(&self, compares: Vec<Compare>, ops: Vec<TxnOp>) -> Result<bool, StateDirError> {
        self.txn_revision(compares, ops).await.map(|r| r.is_some())
    }

    /// As [`txn`](Self::txn), with the revision the write made (`None` when `compares`
    /// failed). A write that cannot be made durable (no quorum in time) loses the lock here and
    /// now: nothing more is done that the store may not hold.
    async fn txn_revision(
        &self,
        compares: Vec<Compare>,
        ops: Vec<TxnOp>,
    ) -> Result<Option<i64>, StateDirError> {
        let lease = self.writer_lease()?;
        let mut all = compares;
        all.push(Compare::lease(self.lock_key(), CompareOp::Equal, lease.id));
        let txn = Txn::new().when(all).and_then(ops);
        // A transaction whose answer was lost may have been applied: callers compare what
        // they find with what they meant to write when a retried compare fails.
        let answer = match self
            .retrying(|| {
                let mut kv = self.client.kv_client();
                let txn = txn.clone();
                async move { kv.txn(txn).await.map_err(text) }
            })
            .await
        {
            Ok(a) => a,
            Err(e) => {
                let why = format!(
                    "this controller stopped using the run lock in {}: a write could not be made durable while its lease lasted ({e})",
                    self.display
                );
                lease.lose(why.clone());
                return Err(StateDirError::LockLost(why));
            }
        };
        if answer.succeeded() {
            return Ok(Some(answer.header().map_or(0, |h| h.revision())));
        }
        let holder = self.get(&self.lock_key()).await?;
        match holder {
            Some(kv) if kv.lease() == lease.id => Ok(None),
            other => {
                let why = format!(
                    "this controller lost the run lock in {}: {}",
                    self.display,
                    match other {
                        Some(kv) => format!(
                            "another controller holds it now ({})",
                            describe_holder(kv.value())
                        ),
                        None => "its lease expired".to_owned(),
                    }
                );
                lease.lose(why.clone());
                Err(StateDirError::LockLost(why))
            }
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(id) = self.lease.as_ref().map(|l| l.id) {
            let _ = self.call(move |c| async move {
                c.revoke(id).await;
                Ok(())
            });
        }
    }
}

/// What a lock key's value says about its holder.
fn describe_holder(value: &[u8]) -> String {
    match serde_json::from_slice::<LockHolder>(value) {
        Ok(h) => h.to_string(),
        Err(_) => format!("'{}'", String::from_utf8_lossy(value)),
    }
}

/// The first key after every key that starts with `prefix`.
fn prefix_end(prefix: &str) -> Vec<u8> {
    let mut end = prefix.as_bytes().to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

impl StateStore for EtcdStore {
    fn location(&self) -> String {
        self.shared.display.clone()
    }

    fn run_location(&self, id: &str) -> PathBuf {
        PathBuf::from(format!("{}/runs/{id}", self.shared.display))
    }

    fn local_root(&self) -> Option<&std::path::Path> {
        None
    }

    fn run_ids(&self) -> Result<Vec<String>, StateDirError> {
        let s = &self.shared;
        let prefix = format!("{}index/", s.prefix);
        let (mut kvs, _) = s.list(&prefix, false)?;
        kvs.sort_by_key(etcd_client::KeyValue::create_revision);
        Ok(kvs
            .iter()
            .filter_map(|kv| kv.key_str().ok())
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(str::to_owned)
            .collect())
    }

    fn create_run(&self, id: &str) -> Result<(), StateDirError> {
        let s = &self.shared;
        let key = s.index_key(id);
        let token = uuid::Uuid::new_v4().simple().to_string();
        let created = s.txn(
            vec![Compare::create_revision(key.clone(), CompareOp::Equal, 0)],
            vec![TxnOp::put(key.clone(), token.clone(), None)],
        )?;
        // Made by this very call, when its first answer was lost.
        if created
            || s.get(&key)?
                .is_some_and(|kv| kv.value() == token.as_bytes())
        {
            Ok(())
        } else {
            Err(s.unavailable(format!("a run with id {id} exists")))
        }
    }

    fn remove_run(&self, id: &str) -> Result<(), StateDirError> {
        let s = &self.shared;
        s.txn(
            Vec::new(),
            vec![
                TxnOp::delete(s.index_key(id), None),
                TxnOp::delete(s.run_base(id), Some(DeleteOptions::new().with_prefix())),
            ],
        )
        .map(|_| ())
    }

    fn read(&self, scope: Scope<'_>, name: &str) -> Result<Option<Vec<u8>>, StateDirError> {
        blob::read(&self.shared, &self.shared.scope_base(scope), name)
    }

    fn write(&self, scope: Scope<'_>, name: &str, bytes: &[u8]) -> Result<(), StateDirError> {
        blob::write(&self.shared, &self.shared.scope_base(scope), name, bytes)
    }

    fn records(&self, id: &str) -> Result<Vec<Record>, JournalReadError> {
        journal::records(&self.shared, id)
    }

    fn journal(&self, id: &str) -> Result<Box<dyn JournalSink>, StateDirError> {
        Ok(Box::new(journal::EtcdJournal::open(
            Arc::clone(&self.shared),
            id,
        )?))
    }

    fn lock_lost(&self) -> Option<String> {
        self.shared.lease.as_ref().and_then(Lease::lost)
    }

    fn set_lock_run(&self, id: &str) -> Result<(), StateDirError> {
        let s = &self.shared;
        let lease = s.writer_lease()?.id;
        let holder = LockHolder::this_process(id);
        s.txn(
            Vec::new(),
            vec![TxnOp::put(
                s.lock_key(),
                serde_json::to_vec(&holder).unwrap_or_default(),
                Some(PutOptions::new().with_lease(lease)),
            )],
        )
        .map(|_| ())
    }
}
