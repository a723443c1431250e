//! The one test server of the workspace (feature `testing`): core's integration tests, the
//! CLI's tests and the end-to-end tests of the app each start ent-server through
//! [`TestServer`] instead of binding ports themselves.
//!
//! A [`TestServer`] binds `127.0.0.1:0` once, reads the address back and keeps that listening
//! socket until it is dropped: a stop and a restart never release the port, so no other test
//! (or process) can take it in between, and the restarted server is at the same address with
//! the same data directory. While stopped, connections are accepted and closed at once, so a
//! client sees the ENT unreachable (its request fails) instead of waiting on a queue nobody
//! reads. [`ClosedPort`] is an address where nothing listens, held for as long as it lives.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use ent_directory::Directory;
use tokio::task::JoinHandle;

use crate::{Config, Faults, ServerHandle};

/// How a [`TestServer`] builds its configuration from its data directory, at every start.
type MakeConfig = Box<dyn Fn(&Path) -> Config + Send + Sync>;

/// An ent-server on a loopback port of its own, with its data in a temporary directory, that a
/// test can stop and start again at the same address. Dropping it stops the server and frees
/// the port and the directory.
pub struct TestServer {
    listener: std::net::TcpListener,
    addr: SocketAddr,
    data: tempfile::TempDir,
    config: MakeConfig,
    /// `None` while stopped.
    server: Option<ServerHandle>,
    /// Closes the connections that arrive while stopped.
    refuser: Option<JoinHandle<()>>,
}

impl TestServer {
    /// The demo school « Collège Jean Moulin » with its seeded mailboxes.
    pub async fn demo() -> TestServer {
        Self::start(|dir| Config::demo(dir)).await
    }

    /// The demo school with empty mailboxes, so that counts can be asserted exactly.
    pub async fn empty_demo() -> TestServer {
        Self::start(|dir| Config {
            seed_demo_mailboxes: false,
            ..Config::demo(dir)
        })
        .await
    }

    /// A server whose configuration `config` makes from the data directory; it is called again
    /// at each [`TestServer::restart`], so an ENT option stays set across restarts.
    ///
    /// # Panics
    /// When no loopback port, temporary directory or database can be had: a test cannot run.
    pub async fn start(config: impl Fn(&Path) -> Config + Send + Sync + 'static) -> TestServer {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("bind a loopback port for ent-server");
        listener
            .set_nonblocking(true)
            .expect("make the listener non-blocking");
        let addr = listener.local_addr().expect("the listener's address");
        let mut server = TestServer {
            listener,
            addr,
            data: tempfile::tempdir().expect("a temporary directory for ent-server"),
            config: Box::new(config),
            server: None,
            refuser: None,
        };
        server.serve().await;
        server
    }

    async fn serve(&mut self) {
        if let Some(refuser) = self.refuser.take() {
            refuser.abort();
            let _ = refuser.await;
        }
        let listener = self.tokio_listener();
        let config = (self.config)(self.data.path());
        let server = crate::start(listener, config)
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "cannot start ent-server in {}: {error:#}",
                    self.data.path().display()
                )
            });
        self.server = Some(server);
    }

    /// Another handle on the one listening socket, for the current runtime.
    fn tokio_listener(&self) -> tokio::net::TcpListener {
        let clone = self
            .listener
            .try_clone()
            .expect("share the listening socket");
        tokio::net::TcpListener::from_std(clone).expect("listen within the tokio runtime")
    }

    /// The address the server listens on (the port the system chose).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Where the server keeps its database and files.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// Whether the server is running (not stopped).
    pub fn is_running(&self) -> bool {
        self.server.is_some()
    }

    /// The running server.
    ///
    /// # Panics
    /// While stopped.
    pub fn server(&self) -> &ServerHandle {
        self.server
            .as_ref()
            .expect("ent-server is stopped: restart it first")
    }

    /// The running server's faults and switches.
    pub fn faults(&self) -> &Faults {
        self.server().faults()
    }

    /// The school served.
    pub fn directory(&self) -> &Directory {
        self.server().directory()
    }

    /// The ENT id of a login of the school.
    ///
    /// # Panics
    /// When the school has no such login.
    pub fn id(&self, login: &str) -> String {
        self.directory()
            .user_by_login(login)
            .unwrap_or_else(|| panic!("no user {login} in the school"))
            .id
            .clone()
    }

    /// Stops the server (its data stays on disk; sessions end, as at a real restart). The
    /// port stays taken: connections are accepted and closed until [`TestServer::restart`].
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
        if self.refuser.is_none() {
            self.refuser = Some(tokio::spawn(refuse(self.tokio_listener())));
        }
    }

    /// Starts the server again at the same address with the same data and configuration
    /// (stopping it first if it runs).
    pub async fn restart(&mut self) {
        self.stop().await;
        self.serve().await;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(refuser) = self.refuser.take() {
            refuser.abort();
        }
    }
}

/// Accepts every connection and closes it at once: the ENT is down.
async fn refuse(listener: tokio::net::TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => drop(stream),
            // Out of file descriptors or the like: let the other tasks run, then try again.
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
        }
    }
}

/// A loopback address where nothing listens (connections are refused), held for as long as
/// this lives so that no server can appear there: the address of an unreachable ENT.
pub struct ClosedPort {
    /// Bound, never listening: the system refuses connections and gives the port to nobody.
    _socket: tokio::net::TcpSocket,
    addr: SocketAddr,
}

impl ClosedPort {
    /// A port bound on 127.0.0.1 but not listening.
    ///
    /// # Panics
    /// When no loopback port can be had.
    pub fn new() -> ClosedPort {
        let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket");
        socket
            .bind((Ipv4Addr::LOCALHOST, 0).into())
            .expect("bind a loopback port");
        let addr = socket.local_addr().expect("the socket's address");
        ClosedPort {
            _socket: socket,
            addr,
        }
    }

    /// The address nothing answers at.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Default for ClosedPort {
    fn default() -> ClosedPort {
        ClosedPort::new()
    }
}
