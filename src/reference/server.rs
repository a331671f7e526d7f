//! Serving: the whole application on one router, and a background server for synchronous callers.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;

use super::config::ServerConfig;
use super::registry::apis;

/// Largest request body accepted. 10,000 MSISDNs of 15 digits fit in ~200 KiB; several MiB do not fit.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole application: every registered API on one router.
pub fn app(config: ServerConfig) -> Router {
    apis()
        .iter()
        .fold(Router::new(), |router, api| router.merge((api.router)(&config)))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// A server running on its own thread and tokio runtime, so synchronous callers (libtest-mimic trials, the
/// CLI before its runtime exists) can use it. It stops when dropped.
pub struct BackgroundServer {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundServer {
    /// Binds `addr` (use port 0 for a free port) and serves `config` until dropped.
    pub fn start(config: ServerConfig, addr: SocketAddr) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name("conform-reference".into()).spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime for the reference server");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let _ = axum::serve(listener, app(config))
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await;
            });
        })?;
        Ok(Self { addr, shutdown: Some(tx), thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
