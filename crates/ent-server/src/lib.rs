//! `ent-server`: speaks the protocol of a real ENT (entcore) for everything Messagerie uses.
//!
//! It is the embedded demo default of the app and the peer every test talks to. It must never
//! depend on `tauri` nor on `messagerie-core`.

use std::net::SocketAddr;

use tokio::net::TcpListener;

/// A running server; dropping it (or calling [`ServerHandle::stop`]) stops it.
pub struct ServerHandle {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves on an already bound listener, so that the caller knows the port before anything runs.
pub fn serve(listener: TcpListener) -> std::io::Result<ServerHandle> {
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = axum::Router::new().route("/auth/login", axum::routing::get(|| async { "ENT" }));
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(error) = server.await {
            tracing::error!(%error, "ent-server stopped");
        }
    });
    Ok(ServerHandle { addr, shutdown: Some(tx), task })
}
