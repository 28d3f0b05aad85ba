//! A site that goes dark stops answering at the TCP level, as a real one does: its Engine's
//! port refuses connections and the connections already open are cut; it listens again when
//! the site comes back. Each simulated host with a loopback address listens on VDSM's port
//! (54321) there while its site's hosts run, so the split-brain guard's host probes see what
//! they would see on a real network.
//!
//! The world tells the server about a change synchronously ([`World::watch_liveness`]), so a
//! client that calls right after `World::disaster` already finds the port closed.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Shutdown, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use olvm_dr_core::Site;
use olvm_dr_core::fake::{Liveness, World};
use olvm_dr_core::probe::VDSM_PORT;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Pending connections the kernel queues per listener (the default of `TcpListener::bind`).
const BACKLOG: u32 = 1024;
/// The pause before binding a port again after the bind failed (the old socket still closing).
const REBIND_PAUSE: Duration = Duration::from_millis(10);

/// The open sockets of one site's Engine port, cut when the site goes dark.
#[derive(Debug, Default)]
struct Sockets {
    /// A duplicate of the listening socket.
    listener: Option<std::net::TcpListener>,
    /// A socket that listens again after a recovery, for the accept loop to take.
    reopened: Option<std::net::TcpListener>,
    /// Duplicates of the open connections, by id.
    connections: HashMap<u64, std::net::TcpStream>,
}

/// Whether a site's Engine port is open, and its open sockets.
#[derive(Debug)]
pub(crate) struct EngineSwitch {
    addr: SocketAddr,
    /// The server stopped: the port stays closed whatever the world does.
    closed: AtomicBool,
    up: watch::Sender<bool>,
    sockets: Mutex<Sockets>,
    next_id: AtomicU64,
}

impl EngineSwitch {
    fn new(addr: SocketAddr, up: bool) -> Arc<Self> {
        Arc::new(Self {
            addr,
            closed: AtomicBool::new(false),
            up: watch::Sender::new(up),
            sockets: Mutex::new(Sockets::default()),
            next_id: AtomicU64::new(0),
        })
    }

    fn sockets(&self) -> std::sync::MutexGuard<'_, Sockets> {
        self.sockets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens or closes the port, at once. Closing shuts the listening socket and every
    /// connection down: new connections are refused, open ones see the peer go away. Opening
    /// listens again on the same address before it returns (connections wait in the backlog
    /// until the accept loop takes the socket).
    fn set(&self, up: bool) {
        let up = up && !self.closed.load(Ordering::SeqCst);
        let mut s = self.sockets();
        if up {
            if s.listener.is_none() && s.reopened.is_none() {
                match listen_now(self.addr) {
                    Ok(l) => {
                        s.listener = l.try_clone().ok();
                        s.reopened = Some(l);
                    }
                    Err(e) => {
                        tracing::debug!(addr = %self.addr, error = %e, "cannot listen again yet")
                    }
                }
            }
        } else {
            if let Some(l) = s.listener.take() {
                let _ = socket2::SockRef::from(&l).shutdown(Shutdown::Both);
            }
            s.reopened = None;
            for (_, c) in s.connections.drain() {
                let _ = c.shutdown(Shutdown::Both);
            }
        }
        drop(s);
        self.up.send_replace(up);
    }
}

impl EngineSwitch {
    /// Closes the port for good (the server stops): the duplicates of its sockets are shut
    /// down and dropped, so nothing listens there any more.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.set(false);
    }
}

/// The Engine's listener: accepts while the site's Engine is up, refuses (listens no more)
/// while it is dark, listens again on the same address when it comes back.
pub(crate) struct SwitchedListener {
    addr: SocketAddr,
    listener: Option<TcpListener>,
    switch: Arc<EngineSwitch>,
    up: watch::Receiver<bool>,
}

impl SwitchedListener {
    /// Binds `addr` and follows `site`'s liveness in `world`.
    pub(crate) async fn bind(world: &World, site: Site, addr: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let switch = EngineSwitch::new(addr, world.liveness(site).engine_up);
        switch.sockets().listener = Some(duplicate(&listener)?);
        let watched = Arc::clone(&switch);
        world.watch_liveness(Arc::new(move |s, live: Liveness| {
            if s == site {
                watched.set(live.engine_up);
            }
        }));
        let up = switch.up.subscribe();
        Ok(Self {
            addr,
            listener: Some(listener),
            switch,
            up,
        })
    }

    /// The address it listens on.
    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// What opens and closes it.
    pub(crate) fn switch(&self) -> Arc<EngineSwitch> {
        Arc::clone(&self.switch)
    }

    /// The socket the switch opened on recovery, or a new one.
    fn rebind(&self) -> io::Result<TcpListener> {
        let mut s = self.switch.sockets();
        if let Some(l) = s.reopened.take() {
            return TcpListener::from_std(l);
        }
        let l = listen_now(self.addr)?;
        s.listener = Some(l.try_clone()?);
        TcpListener::from_std(l)
    }
}

impl axum::serve::Listener for SwitchedListener {
    type Io = SwitchedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            if !*self.up.borrow_and_update() {
                self.listener = None;
                let _ = self.up.wait_for(|up| *up).await;
                continue;
            }
            let listener = match &self.listener {
                Some(l) => l,
                None => match self.rebind() {
                    Ok(l) => self.listener.insert(l),
                    Err(e) => {
                        tracing::debug!(addr = %self.addr, error = %e, "cannot listen again yet");
                        tokio::time::sleep(REBIND_PAUSE).await;
                        continue;
                    }
                },
            };
            match listener.accept().await {
                Ok((stream, peer)) => {
                    if !*self.up.borrow() {
                        continue;
                    }
                    // Small requests and answers on keep-alive connections: without
                    // TCP_NODELAY each answer waits for the client's delayed ACK.
                    let _ = stream.set_nodelay(true);
                    let id = self.switch.next_id.fetch_add(1, Ordering::Relaxed);
                    if let Ok(dup) = duplicate_stream(&stream) {
                        self.switch.sockets().connections.insert(id, dup);
                    }
                    let stream = SwitchedStream {
                        inner: stream,
                        id,
                        switch: Arc::clone(&self.switch),
                    };
                    return (stream, peer);
                }
                // Shut down by the switch (or out of descriptors): listen again once up.
                Err(e) => {
                    tracing::debug!(addr = %self.addr, error = %e, "the Engine port closed");
                    self.listener = None;
                    if *self.up.borrow() {
                        tokio::time::sleep(REBIND_PAUSE).await;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}

/// An accepted connection; forgets its duplicate when it ends.
#[derive(Debug)]
pub(crate) struct SwitchedStream {
    inner: TcpStream,
    id: u64,
    switch: Arc<EngineSwitch>,
}

impl Drop for SwitchedStream {
    fn drop(&mut self) {
        self.switch.sockets().connections.remove(&self.id);
    }
}

impl AsyncRead for SwitchedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for SwitchedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

fn duplicate(listener: &TcpListener) -> io::Result<std::net::TcpListener> {
    socket2::SockRef::from(listener)
        .try_clone()
        .map(std::net::TcpListener::from)
}

fn duplicate_stream(stream: &TcpStream) -> io::Result<std::net::TcpStream> {
    socket2::SockRef::from(stream)
        .try_clone()
        .map(std::net::TcpStream::from)
}

/// The VDSM ports of one site's hosts: open while the site's hosts run.
#[derive(Debug)]
pub(crate) struct HostPorts {
    addresses: Vec<SocketAddr>,
    open: Mutex<Vec<(std::net::TcpListener, tokio::task::JoinHandle<()>)>>,
    runtime: tokio::runtime::Handle,
    /// The server stopped: the ports stay closed whatever the world does.
    closed: AtomicBool,
}

impl HostPorts {
    /// Follows `site`'s hosts in `world`: each host whose address is a loopback IP listens on
    /// VDSM's port there while they run. Hosts with other addresses are not simulated.
    pub(crate) fn follow(world: &World, site: Site) -> Arc<Self> {
        let addresses = world
            .host_addresses(site)
            .iter()
            .filter_map(|a| a.parse::<IpAddr>().ok())
            .filter(IpAddr::is_loopback)
            .map(|ip| SocketAddr::new(ip, VDSM_PORT))
            .collect();
        let ports = Arc::new(Self {
            addresses,
            open: Mutex::new(Vec::new()),
            runtime: tokio::runtime::Handle::current(),
            closed: AtomicBool::new(false),
        });
        let watched = Arc::clone(&ports);
        world.watch_liveness(Arc::new(move |s, live: Liveness| {
            if s == site {
                watched.set(live.hosts_up);
            }
        }));
        ports
    }

    /// Closes every host port for good (the server stops).
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.set(false);
    }

    fn set(&self, up: bool) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        for (listener, task) in open.drain(..) {
            let _ = socket2::SockRef::from(&listener).shutdown(Shutdown::Both);
            task.abort();
        }
        if !up || self.closed.load(Ordering::SeqCst) {
            return;
        }
        for addr in &self.addresses {
            match listen_now(*addr) {
                Ok(listener) => {
                    let Ok(dup) = listener.try_clone() else {
                        continue;
                    };
                    // `from_std` registers with the reactor of the runtime entered.
                    let _entered = self.runtime.enter();
                    let Ok(listener) = TcpListener::from_std(listener) else {
                        continue;
                    };
                    let task = self.runtime.spawn(accept_and_close(listener));
                    open.push((dup, task));
                }
                Err(e) => tracing::warn!(%addr, error = %e, "a simulated host cannot listen"),
            }
        }
    }
}

/// Binds `addr` now (from a synchronous watcher), non-blocking, ready for tokio.
fn listen_now(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        None,
    )?;
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG as i32)?;
    Ok(socket.into())
}

/// What a host's VDSM port does here: accept, then close (the guard only needs the accept).
async fn accept_and_close(listener: TcpListener) {
    while let Ok((stream, _)) = listener.accept().await {
        drop(stream);
    }
}
