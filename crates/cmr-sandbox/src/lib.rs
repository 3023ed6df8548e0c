//! # cmr-sandbox: a stateful local emulator of the CMR partner API
//!
//! Serves every route of [`cmr::routes::ALL`] under [`cmr::routes::BASE_PATH`]
//! on loopback, with the `{status, message, data}` envelope, the documented
//! business rules, an asynchronous order lifecycle on a controllable virtual
//! clock, signed webhooks with retries, a rate limiter, fault injection and a
//! control API under `/__sandbox`. See the crate README.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sb = cmr_sandbox::Sandbox::start(cmr_sandbox::SandboxOptions { rate_limit: None, ..Default::default() }).await?;
//! println!("{}", sb.base_url()); // give this to the client
//! sb.shutdown().await;
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

mod api;
mod clock;
mod control;
mod persist;
mod pricing;
mod reply;
mod seed;
mod server;
mod state;
pub mod validate;
mod webhooks;

pub use control::{ClockState, ConfigPatch, Control, ControlError, SandboxConfig, Seeded, WebhookEvent, CONTROL_OPS, MAX_ADVANCE_SECONDS};
pub use pricing::*;
pub use state::{DeliveryRec, Fault, FaultKind, RequestLog};

/// The partner key the sandbox accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "cmr_test_key";

/// Most items per batch request unless told otherwise (the API documents no maximum).
pub const DEFAULT_MAX_BATCH: usize = 100;

/// Largest request body accepted (bigger ones answer 413).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How to start a [`Sandbox`].
#[derive(Clone)]
pub struct SandboxOptions {
    /// Loopback port; 0 picks a free one.
    pub port: u16,
    /// The accepted partner key (both `cmr-x-api-key` and `cmr-x-sandbox-api-key`).
    pub api_key: String,
    /// Where webhooks are POSTed; `None` records events without delivering them.
    pub webhook_url: Option<String>,
    /// Signing secret; `None` means the API key (as CMR's guides describe).
    pub webhook_secret: Option<String>,
    /// Requests per second per key; `None` turns the limiter off. Default `Some(5)` (CMR's limit).
    pub rate_limit: Option<u32>,
    /// SQLite file to persist the state in; `None` keeps it in memory.
    pub data_file: Option<PathBuf>,
    /// Most items in one batch request (`dns.add` records, `mailboxData`
    /// array); bigger batches answer 400 "Too many items". Default 100.
    pub max_batch: usize,
    /// Initial wallet balance (USD) of a fresh state.
    pub wallet_balance: f64,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            port: 0,
            api_key: DEFAULT_API_KEY.to_string(),
            webhook_url: None,
            webhook_secret: None,
            rate_limit: Some(5),
            data_file: None,
            max_batch: DEFAULT_MAX_BATCH,
            wallet_balance: DEFAULT_WALLET_BALANCE,
        }
    }
}

impl std::fmt::Debug for SandboxOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxOptions")
            .field("port", &self.port)
            .field("api_key", &"<redacted>")
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &self.webhook_secret.as_ref().map(|_| "<redacted>"))
            .field("rate_limit", &self.rate_limit)
            .field("data_file", &self.data_file)
            .field("max_batch", &self.max_batch)
            .field("wallet_balance", &self.wallet_balance)
            .finish()
    }
}

/// Why the sandbox could not start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cmr-sandbox could not start: {}", self.0)
    }
}
impl std::error::Error for StartError {}

/// A running sandbox server. Dropping it without [`Sandbox::shutdown`] stops
/// it too (the server task is aborted).
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<state::Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    ticker: Option<tokio::task::JoinHandle<()>>,
    /// The background saver (only with a `data_file`).
    saver: Option<tokio::task::JoinHandle<()>>,
    /// Internal runtime of [`start_blocking`], kept alive with the server.
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("url", &self.url()).finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Bind `127.0.0.1:port`, load the state (if `data_file`), spawn the
    /// server on the current tokio runtime and return once it listens.
    pub async fn start(opts: SandboxOptions) -> Result<Sandbox, StartError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port))
            .await
            .map_err(|e| StartError(format!("bind 127.0.0.1:{}: {e}", opts.port)))?;
        let addr = listener.local_addr().map_err(|e| StartError(e.to_string()))?;
        let shared = Arc::new(state::Shared::new(&opts, addr).map_err(StartError)?);
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(server::serve(listener, shared.clone(), stop_rx));
        let ticker = tokio::spawn(webhooks::ticker(Arc::downgrade(&shared)));
        let saver = shared.db_path.is_some().then(|| tokio::spawn(persist::saver(shared.clone())));
        Ok(Sandbox { addr, shared, stop: Some(stop_tx), task: Some(task), ticker: Some(ticker), saver, runtime: None })
    }

    /// `http://127.0.0.1:PORT/api/v1/integration`: the client's base URL.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.url(), cmr::routes::BASE_PATH)
    }
    /// `http://127.0.0.1:PORT`: the control API lives under `/__sandbox` here.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
    /// The accepted partner key.
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }
    /// Typed control of this sandbox: reset, seed, wallet, clock, webhooks,
    /// config, faults, request log (the same operations as the HTTP control
    /// API under `/__sandbox`, without HTTP).
    pub fn control(&self) -> Control {
        Control::new(self.shared.clone())
    }
    /// The webhook signing secret now in force.
    pub fn webhook_secret(&self) -> String {
        self.shared.config.lock().webhook_secret.clone()
    }

    /// Stop serving, close every connection, and persist the state (a final
    /// save, whatever the background saver did).
    pub async fn shutdown(mut self) {
        self.stop_now().await;
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }

    async fn stop_now(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        self.final_save();
    }

    fn final_save(&mut self) {
        if let Some(t) = self.saver.take() {
            t.abort();
        }
        if let Err(e) = self.shared.save_now(true) {
            eprintln!("cmr-sandbox: could not persist the state at shutdown: {e}");
        }
    }

    /// Stop a sandbox started with [`start_blocking`] from synchronous code.
    pub fn shutdown_blocking(mut self) {
        match self.runtime.take() {
            Some(rt) => {
                rt.block_on(self.stop_now());
                rt.shutdown_background();
            }
            None => {
                if let Some(tx) = self.stop.take() {
                    let _ = tx.send(());
                }
                if let Some(t) = self.ticker.take() {
                    t.abort();
                }
                self.final_save();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if self.saver.is_some() {
            // Nothing waits for the background saver: write what it had not yet.
            self.final_save();
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Start a sandbox from synchronous code: it runs on its own 2-thread tokio
/// runtime, owned by the returned [`Sandbox`] (stop it with
/// [`Sandbox::shutdown_blocking`] or by dropping it). Must not be called from
/// inside an async context.
pub fn start_blocking(opts: SandboxOptions) -> Result<Sandbox, StartError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("cmr-sandbox")
        .enable_all()
        .build()
        .map_err(|e| StartError(format!("tokio runtime: {e}")))?;
    let mut sb = rt.block_on(Sandbox::start(opts))?;
    sb.runtime = Some(rt);
    Ok(sb)
}
