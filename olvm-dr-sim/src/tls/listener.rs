//! [`TlsListener`]: HTTPS over any listener axum serves (the Engine's switched port). The
//! handshakes run beside the accept loop, so a slow or failing client holds no one else up.

use std::time::Duration;

use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::LabCa;

/// How long a client may take to complete its handshake before its connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection whose handshake succeeded, with its peer; `None` when it failed.
type Handshaken<L> = Option<(
    TlsStream<<L as axum::serve::Listener>::Io>,
    <L as axum::serve::Listener>::Addr,
)>;

/// Wraps `inner`: each accepted connection becomes a TLS stream once its handshake succeeded.
/// A failed handshake (a client that does not trust the lab's CA, a plain-HTTP request) only
/// closes that connection; rustls has already sent the client its alert.
pub(crate) struct TlsListener<L: axum::serve::Listener> {
    inner: L,
    acceptor: TlsAcceptor,
    handshakes: JoinSet<Handshaken<L>>,
}

impl<L: axum::serve::Listener> TlsListener<L> {
    /// Serves `inner`'s connections with `ca`'s Engine certificate.
    pub(crate) fn new(inner: L, ca: &LabCa) -> Self {
        Self {
            inner,
            acceptor: TlsAcceptor::from(ca.server_config()),
            handshakes: JoinSet::new(),
        }
    }
}

impl<L> axum::serve::Listener for TlsListener<L>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug + 'static,
{
    type Io = TlsStream<L::Io>;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            tokio::select! {
                (io, addr) = self.inner.accept() => {
                    let acceptor = self.acceptor.clone();
                    self.handshakes.spawn(async move {
                        match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(io)).await {
                            Ok(Ok(tls)) => Some((tls, addr)),
                            Ok(Err(e)) => {
                                tracing::debug!(peer = ?addr, error = %e, "TLS handshake failed");
                                None
                            }
                            Err(_) => {
                                tracing::debug!(peer = ?addr, "TLS handshake timed out");
                                None
                            }
                        }
                    });
                }
                Some(done) = self.handshakes.join_next(), if !self.handshakes.is_empty() => {
                    if let Ok(Some(ready)) = done {
                        return ready;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}
