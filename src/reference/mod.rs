//! The reference server: a complete, in-memory implementation of the Sinch Groups and Xero Contact Groups
//! APIs, the default target of `conform run` and `cargo test`, and `conform serve`.

mod faults;
mod sinch;
mod xero;

pub use faults::{Api, FaultInfo, all_faults, find_fault};

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;

/// Largest request body accepted. 10,000 MSISDNs of 15 digits fit in ~200 KiB; several MiB do not fit.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The credentials the server accepts; the bundled suites' default variables use the same values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub service_plan_id: String,
    pub sinch_token: String,
    pub xero_tenant_id: String,
    pub xero_token: String,
    /// A Xero token with only the `accounting.contacts.read` scope: GETs succeed, writes get 401.
    pub xero_read_token: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            service_plan_id: "conform-plan".into(),
            sinch_token: "conform-sinch-token".into(),
            xero_tenant_id: "00000000-0000-4000-8000-00000000c0f0".into(),
            xero_token: "conform-xero-token".into(),
            xero_read_token: "conform-xero-read-token".into(),
        }
    }
}

/// Everything that decides how a server behaves.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    pub credentials: Credentials,
    /// One documented behaviour broken on purpose (see `all_faults`). `None` serves the contract.
    pub fault: Option<&'static FaultInfo>,
    /// Start with pre-existing data, like a real account.
    pub with_data: bool,
}

impl ServerConfig {
    /// Whether the fault named `name` is active.
    pub(crate) fn fault_is(&self, name: &str) -> bool {
        self.fault.is_some_and(|f| f.name == name)
    }
}

/// The whole application: both APIs on one router.
pub fn app(config: ServerConfig) -> Router {
    Router::new()
        .merge(sinch::router(config.clone()))
        .merge(xero::router(config))
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

    pub fn addr(&self) -> SocketAddr {
        self.addr
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
