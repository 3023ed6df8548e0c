//! Node.js native addon of the cmr SDK.
//!
//! No business logic lives here: every function converts JavaScript values
//! into core calls and core results/errors back into JavaScript. The
//! TypeScript layer in `node/src` builds the public API on top of it.
//!
//! Values cross the boundary as JSON strings: V8's `JSON.parse` builds a
//! result object faster than creating it property by property through
//! Node-API, and the core already speaks `serde_json`.
//!
//! Calls do not return one promise each. `NativeClient::start` spawns the
//! call on the tokio runtime and returns at once; the outcome is appended,
//! already serialised, to the client's [`Events`] queue together with the
//! client's log lines, in the order they happened. One threadsafe function
//! per client wakes the JavaScript thread when the queue turns non-empty, and
//! the JavaScript side settles every call of the batch from ONE `JSON.parse`.
//! This replaces napi's `async fn` bridge, which creates a promise and a
//! threadsafe function (a libuv handle, opened and closed) per call; see
//! docs/benchmarks.md, "Node: where the time goes".
//!
//! Errors are a JSON object `{code, message, status, method, path, body,
//! retryAfter, mayHaveBeenSent, bodyTruncated, location}`: in a batch for
//! calls, else as the message of a JavaScript `Error` whose `code` is
//! `CMR_<CODE>` (`CMR_NOT_FOUND`, ...; see `docs/CONTRACTS.md` section 2). The
//! TypeScript layer turns it into the matching `CmrError` subclass. The API
//! key is never part of it.

#![deny(clippy::all)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{json, Value};

#[cfg(target_os = "linux")]
mod jsloop;
#[cfg(not(target_os = "linux"))]
#[path = "jsloop_other.rs"]
mod jsloop;
mod starter;

// --- errors ---------------------------------------------------------------

/// The `code` property of every rejection coming from the core.
pub struct CmrStatus(String);

impl AsRef<str> for CmrStatus {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

fn error_json(e: &cmr::Error) -> String {
    json!({
        "code": e.code(),
        "message": e.message(),
        "status": e.status(),
        "method": e.method(),
        "path": e.path(),
        "body": e.body(),
        "retryAfter": e.retry_after().map(|d| d.as_secs_f64()),
        "mayHaveBeenSent": e.may_have_been_sent(),
        "bodyTruncated": e.body_truncated(),
        "location": e.location(),
    })
    .to_string()
}

/// A core error with `code = "CMR_<CODE>"` for synchronous functions.
fn to_napi_coded(e: cmr::Error) -> napi::Error<CmrStatus> {
    napi::Error::new(CmrStatus(format!("CMR_{}", e.code().to_ascii_uppercase())), error_json(&e))
}

fn invalid(msg: impl Into<String>) -> cmr::Error {
    cmr::Error::invalid(msg)
}

fn parse_json(what: &str, s: Option<&str>) -> std::result::Result<Value, cmr::Error> {
    match s {
        None => Ok(Value::Null),
        Some(s) => serde_json::from_str(s).map_err(|e| invalid(format!("{what} is not valid JSON: {e}"))),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> std::result::Result<String, cmr::Error> {
    serde_json::to_string(v).map_err(|e| cmr::Error::new(cmr::ErrorKind::Decode, format!("could not encode the result: {e}")))
}

/// Milliseconds from JavaScript, checked by the core: a negative, NaN or
/// absurd value is a validation error (never silently ignored, never a panic).
fn ms(what: &str, v: Option<f64>) -> std::result::Result<Option<Duration>, cmr::Error> {
    v.map(|x| cmr::config::millis(what, x)).transpose()
}

// --- client ---------------------------------------------------------------

// --- the event queue: call outcomes and log lines, in order ---------------

/// Wakes the JavaScript thread with nothing: its callback drains the queue.
/// Weak: it never keeps the process alive (the TypeScript layer holds a
/// referenced timer while calls are in flight).
type WakeFn = napi::threadsafe_function::ThreadsafeFunction<(), (), (String,), Status, false, true>;

/// One client's queue (shared by its `withOptions` views and its running
/// calls). `buf` holds the batch being built: comma-terminated JSON arrays,
/// `[0, {level, message, fields}]` for a log line, `[id, 1, result]` (`2`
/// instead of `1` when the result may hold credentials) or `[id, 0, error]`
/// for a settled call.
struct Events {
    buf: Mutex<String>,
    wake: OnceLock<WakeFn>,
}

impl Events {
    /// Append one entry; wake the JavaScript thread when the queue was empty
    /// (a wake is then already pending for the others: one wake per batch).
    fn push(&self, entry: std::fmt::Arguments<'_>) {
        use std::fmt::Write;
        let mut buf = self.buf.lock().unwrap_or_else(|p| p.into_inner());
        let first = buf.is_empty();
        let _ = buf.write_fmt(entry);
        buf.push(',');
        drop(buf);
        // On the JavaScript thread, during a drive of its loop, the loop
        // hands the batch over itself: once the drive is done, or at once
        // when the call was the last in flight (`jsloop::flush_now`).
        if first && !jsloop::defer_wake(self as *const Events as *const ()) {
            self.wake_async();
        }
    }

    fn wake_async(&self) {
        if let Some(w) = self.wake.get() {
            let _ = w.call((), napi::threadsafe_function::ThreadsafeFunctionCallMode::NonBlocking);
        }
    }

    /// The outcome of call `id`, serialised on the runtime's thread.
    fn settle(&self, id: u32, result: std::result::Result<String, cmr::Error>) {
        match result {
            Ok(json) => {
                let kind = if may_hold_secrets(&json) { 2 } else { 1 };
                self.push(format_args!("[{id},{kind},{json}]"))
            }
            Err(e) => self.push(format_args!("[{id},0,{}]", error_json(&e))),
        }
    }

    /// Everything queued so far, as one JSON array (JavaScript thread).
    fn drain(&self) -> String {
        let mut buf = self.buf.lock().unwrap_or_else(|p| p.into_inner());
        let mut batch = String::with_capacity(buf.len() + 1);
        batch.push('[');
        batch.push_str(buf.trim_end_matches(','));
        batch.push(']');
        buf.clear();
        batch
    }
}

/// Can this result's JSON text hold a credential field (`password`,
/// `appPassword`, `authenticatorSecret`: `cmr::models::SECRET_JSON_KEYS`)?
/// Such a result is settled as `[id, 2, result]`, and the TypeScript layer
/// hides its credentials from `util.inspect` (`node/src/secrets.ts`)
/// without searching every answer itself.
fn may_hold_secrets(json: &str) -> bool {
    static FINDERS: OnceLock<Vec<memchr::memmem::Finder<'static>>> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        cmr::models::SECRET_JSON_KEYS
            .iter()
            // The key with its quotes, as it appears in the JSON text.
            .map(|k| memchr::memmem::Finder::new(format!("\"{k}\"").as_bytes()).into_owned())
            .collect()
    });
    finders.iter().any(|f| f.find(json.as_bytes()).is_some())
}

impl jsloop::Batch for Events {
    fn drain(&self) -> String {
        Events::drain(self)
    }
    fn wake_async(&self) {
        Events::wake_async(self)
    }
}

fn build_client(options: Option<NativeClientOptions>, events: Option<Arc<Events>>) -> cmr::Result<cmr::Client> {
    let mut b = cmr::Client::builder().user_agent_prefix(concat!("cmr-node/", env!("CARGO_PKG_VERSION")));
    if let Some(q) = events {
        b = b.log_sink(Arc::new(JsLogSink(q)));
    }
    if let Some(o) = options {
        if let Some(l) = o.log_level {
            let level = cmr::LogLevel::parse(&l)
                .ok_or_else(|| invalid(format!("logLevel must be debug, info, warn or off, got {l:?}")))?;
            b = b.log_level(level);
        }
        if let Some(k) = o.api_key {
            b = b.api_key(k);
        }
        if let Some(u) = o.base_url {
            b = b.base_url(u);
        }
        if let Some(s) = o.sandbox {
            b = b.sandbox(s);
        }
        if let Some(d) = ms("timeoutMs", o.timeout_ms)? {
            b = b.timeout(d);
        }
        if let Some(d) = ms("connectTimeoutMs", o.connect_timeout_ms)? {
            b = b.connect_timeout(d);
        }
        if let Some(n) = o.max_retries {
            b = b.max_retries(n);
        }
        if let Some(d) = ms("retryBaseDelayMs", o.retry_base_delay_ms)? {
            b = b.retry_base_delay(d);
        }
        if let Some(d) = ms("retryMaxDelayMs", o.retry_max_delay_ms)? {
            b = b.retry_max_delay(d);
        }
        if let Some(r) = o.requests_per_second {
            b = b.requests_per_second(r);
        }
        if let Some(n) = o.max_response_bytes {
            if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
                return Err(invalid(format!("maxResponseBytes must be a whole number of bytes, got {n}")));
            }
            b = b.max_response_bytes(if n > usize::MAX as f64 { usize::MAX } else { n as usize });
        }
        b = b.allow_insecure_http(o.allow_insecure_http.unwrap_or(false));
    }
    b.build()
}

/// Options of a [`NativeClient`]. Absent values take the core's defaults
/// (the key from `CMR_API_KEY`, the base URL from `CMR_BASE_URL`).
#[napi(object)]
pub struct NativeClientOptions {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    /// Send the key as a sandbox key (`cmr-x-sandbox-api-key`).
    pub sandbox: Option<bool>,
    /// Timeout of one attempt, in milliseconds.
    pub timeout_ms: Option<f64>,
    pub connect_timeout_ms: Option<f64>,
    /// Retries after the first attempt (0 disables retries).
    pub max_retries: Option<u32>,
    pub retry_base_delay_ms: Option<f64>,
    pub retry_max_delay_ms: Option<f64>,
    /// Client-side pacing (requests per second).
    pub requests_per_second: Option<f64>,
    /// Allow a plain `http://` base URL to a host that is not loopback.
    pub allow_insecure_http: Option<bool>,
    /// Largest answer body read, in bytes (default 32 MiB).
    pub max_response_bytes: Option<f64>,
    /// `debug`, `info`, `warn` or `off` (default: `CMR_LOG`, else off).
    pub log_level: Option<String>,
}

/// Queues the core's log records (`{level, message, fields}`) for the
/// client's JavaScript logger, in the same queue as the call outcomes: a
/// call's lines always reach the logger before its promise settles. Never
/// blocks the request.
struct JsLogSink(Arc<Events>);

impl cmr::LogSink for JsLogSink {
    fn log(&self, record: &cmr::LogRecord) {
        let fields: serde_json::Map<String, Value> =
            record.fields.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect();
        let text = json!({"level": record.level.as_str(), "message": record.message, "fields": fields});
        self.0.push(format_args!("[0,{text}]"));
    }
}

/// Per-request overrides of [`NativeClient::with_options`].
#[napi(object)]
pub struct NativeRequestOptions {
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
    pub headers: Option<HashMap<String, String>>,
}

/// The core client. Holds the key in Rust memory only.
#[napi]
pub struct NativeClient {
    inner: cmr::Client,
    events: Arc<Events>,
    /// Set on the first call: see [`NativeClient::on_this_thread`].
    local: RefCell<Option<(Rc<jsloop::JsLoop>, cmr::Client)>>,
    /// `onEvents`, callable directly by this thread's loop (shared by views).
    direct: Option<Rc<jsloop::DirectCallback>>,
}

/// `query` of a raw request: a JSON object of strings or scalars.
fn query_pairs(query_json: Option<&str>) -> std::result::Result<Vec<(String, String)>, cmr::Error> {
    match parse_json("query", query_json)? {
        Value::Null => Ok(vec![]),
        Value::Object(map) => Ok(map
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect()),
        _ => Err(invalid("query must be an object")),
    }
}

#[napi]
impl NativeClient {
    /// `onEvents(batch)` receives the JSON text of an array of
    /// `[0, logRecord]` (only when `withLogger`), `[id, 1 | 2, result]` and
    /// `[id, 0, error]`, in order.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        options: Option<NativeClientOptions>,
        on_events: Function<'_, String, ()>,
        with_logger: Option<bool>,
    ) -> std::result::Result<Self, napi::Error<CmrStatus>> {
        let events = Arc::new(Events { buf: Mutex::new(String::new()), wake: OnceLock::new() });
        // The wake function holds the queue weakly: the queue owns the wake
        // function, and a cycle would keep both (and the JS callback) forever.
        let weak: Weak<Events> = Arc::downgrade(&events);
        let wake = on_events
            .build_threadsafe_function::<()>()
            .callee_handled::<false>()
            .weak::<true>()
            .build_callback(move |_ctx| Ok((weak.upgrade().map(|q| q.drain()).unwrap_or_else(|| "[]".into()),)))
            .map_err(|e| to_napi_coded(invalid(format!("could not register the event callback: {e}"))))?;
        let _ = events.wake.set(wake);
        let direct = jsloop::DirectCallback::new(&env, on_events.value().value);
        let sink = with_logger.unwrap_or(false).then(|| events.clone());
        cmr::error::catch_unwind_sync(|| build_client(options, sink))
            .map(|inner| NativeClient { inner, events, local: RefCell::new(None), direct })
            .map_err(to_napi_coded)
    }

    /// Start an operation of the route table by name (`users.create`, ...):
    /// `argsJson` is a JSON object of the API's camelCase argument names. The
    /// outcome arrives as `[id, 1 | 2, result]` or `[id, 0, error]` in a batch.
    #[napi]
    pub fn start(&self, env: Env, id: u32, op: String, args_json: Option<String>) {
        self.start_op(&env, id, op, args_json);
    }

    /// [`start`](Self::start) as a function bound to a copy of this client
    /// (same core client, queue and pool), which the TypeScript layer calls
    /// for every call made without per-call options. See [`starter`].
    #[napi(ts_return_type = "(id: number, op: string, argsJson?: string) => void")]
    pub fn starter(&self, env: Env) -> Result<starter::Bound> {
        starter::bind(&env, self.view(self.inner.clone()))
    }

    fn start_op(&self, env: &Env, id: u32, op: String, args_json: Option<String>) {
        let events = self.events.clone();
        let run = |client: cmr::Client| async move {
            let out = match parse_json("args", args_json.as_deref()) {
                Ok(args) => cmr::error::catch_unwind(cmr::ops::call_json(&client, &op, args)).await,
                Err(e) => Err(e),
            };
            events.settle(id, out);
        };
        self.run_call(env, run);
    }

    /// Raw escape hatch: any method and path relative to the base URL.
    /// `queryJson` is a JSON object of strings (or scalars); the outcome is
    /// the decoded envelope `{status, message, data, actionId, ...}`.
    #[napi]
    pub fn start_request(&self, env: Env, id: u32, method: String, path: String, query_json: Option<String>, body_json: Option<String>) {
        let events = self.events.clone();
        let run = |client: cmr::Client| async move {
            let out = async {
                let m = cmr::Method::parse(&method).ok_or_else(|| invalid(format!("unknown HTTP method {method:?}")))?;
                let query = query_pairs(query_json.as_deref())?;
                let body = match body_json {
                    Some(s) => Some(parse_json("body", Some(&s))?),
                    None => None,
                };
                let env = cmr::error::catch_unwind(client.request(m, &path, &query, body)).await?;
                to_json(&env)
            }
            .await;
            events.settle(id, out);
        };
        self.run_call(&env, run);
    }

    /// Run the call `run` builds for a client: on this JavaScript thread's
    /// loop with this thread's pool, or on the multi-thread runtime.
    fn run_call<F, Fut>(&self, env: &Env, run: F)
    where
        F: FnOnce(cmr::Client) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        match self.on_this_thread(env) {
            Some((l, client)) => l.spawn(run(client)),
            None => {
                spawn(run(self.inner.clone()));
            }
        }
    }

    /// This JavaScript thread's runtime and this client on its connection
    /// pool (see `jsloop.rs`), or `None` for the multi-thread runtime.
    fn on_this_thread(&self, env: &Env) -> Option<(Rc<jsloop::JsLoop>, cmr::Client)> {
        let mut local = self.local.borrow_mut();
        if local.is_none() {
            let l = jsloop::JsLoop::current(env)?;
            let client = l.client(&self.inner).ok()?;
            if let Some(cb) = &self.direct {
                jsloop::register(&self.events, cb);
            }
            *local = Some((l, client));
        }
        local.clone()
    }

    /// A client sharing this one's connection pool, with per-request overrides.
    #[napi]
    pub fn with_options(&self, options: NativeRequestOptions) -> std::result::Result<NativeClient, napi::Error<CmrStatus>> {
        let opts = cmr::RequestOptions {
            timeout: ms("timeoutMs", options.timeout_ms).map_err(to_napi_coded)?,
            max_retries: options.max_retries,
            headers: options.headers.unwrap_or_default().into_iter().collect(),
        };
        // Checked now, so `withOptions` itself throws on a bad value.
        cmr::config::check_options(&opts).map_err(to_napi_coded)?;
        Ok(self.view(self.inner.with_options(opts)))
    }

    /// A client over `inner` sharing this one's queue and batch callback
    /// (so its outcomes reach the same `onEvents`); its thread's pool is
    /// looked up again on its first call.
    fn view(&self, inner: cmr::Client) -> NativeClient {
        NativeClient { inner, events: self.events.clone(), local: RefCell::new(None), direct: self.direct.clone() }
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    #[napi(getter)]
    pub fn is_sandbox(&self) -> bool {
        self.inner.is_sandbox()
    }
}

/// Every operation name of the route table, with its HTTP method, path and
/// whether it is paginated (`[{op, method, path, paginated}]` as JSON).
#[napi]
pub fn operations() -> String {
    let ops: Vec<Value> = cmr::routes::ALL
        .iter()
        .map(|r| json!({"op": r.op, "method": r.method.as_str(), "path": r.path, "paginated": cmr::ops::is_paginated(r.op)}))
        .collect();
    Value::Array(ops).to_string()
}

/// How this JavaScript thread runs calls: `"loop"` (on this thread, driven
/// by Node's event loop; see `jsloop.rs`) or `"threads"` (on the shared
/// multi-thread runtime: not Linux, or `CMR_NODE_DRIVER=threads`).
#[napi]
pub fn event_loop_driver(env: Env) -> String {
    if jsloop::JsLoop::current(&env).is_some() { "loop" } else { "threads" }.to_string()
}

/// The core's version.
#[napi]
pub fn core_version() -> String {
    cmr::VERSION.to_string()
}

// --- webhooks -------------------------------------------------------------

fn raw_bytes(raw: &Either<Buffer, String>) -> &[u8] {
    match raw {
        Either::A(b) => b.as_ref(),
        Either::B(s) => s.as_bytes(),
    }
}

/// `undefined` is the default; a negative, NaN or absurd tolerance is a
/// validation error.
fn tolerance(sec: Option<f64>) -> std::result::Result<Duration, napi::Error<CmrStatus>> {
    match sec {
        None => Ok(cmr::webhooks::DEFAULT_TOLERANCE),
        Some(s) => cmr::webhooks::tolerance_from_secs(s).map_err(to_napi_coded),
    }
}

/// Verify a webhook delivery: the raw body, its headers (any case), the
/// signing secret. `now` (Unix seconds) replaces the clock, for tests.
#[napi]
pub fn webhook_verify(
    raw_body: Either<Buffer, String>,
    headers: HashMap<String, String>,
    secret: String,
    tolerance_sec: Option<f64>,
    now: Option<i64>,
) -> std::result::Result<(), napi::Error<CmrStatus>> {
    let body = raw_bytes(&raw_body);
    let tol = tolerance(tolerance_sec)?;
    cmr::error::catch_unwind_sync(|| match now {
        Some(n) => cmr::webhooks::verify_at(body, &headers, &secret, tol, n),
        None => cmr::webhooks::verify(body, &headers, &secret, tol),
    })
    .map_err(to_napi_coded)
}

/// Parse a webhook body into `{event, eventId, data: {type, data}, raw}` (JSON).
#[napi]
pub fn webhook_parse(raw_body: Either<Buffer, String>) -> std::result::Result<String, napi::Error<CmrStatus>> {
    let ev = cmr::error::catch_unwind_sync(|| cmr::webhooks::parse(raw_bytes(&raw_body))).map_err(to_napi_coded)?;
    to_json(&ev).map_err(to_napi_coded)
}

/// Verify, then parse (see [`webhook_verify`] and [`webhook_parse`]).
#[napi]
pub fn webhook_construct_event(
    raw_body: Either<Buffer, String>,
    headers: HashMap<String, String>,
    secret: String,
    tolerance_sec: Option<f64>,
    now: Option<i64>,
) -> std::result::Result<String, napi::Error<CmrStatus>> {
    let body = raw_bytes(&raw_body);
    let tol = tolerance(tolerance_sec)?;
    cmr::error::catch_unwind_sync(|| match now {
        Some(n) => cmr::webhooks::verify_at(body, &headers, &secret, tol, n),
        None => cmr::webhooks::verify(body, &headers, &secret, tol),
    })
    .map_err(to_napi_coded)?;
    let ev = cmr::error::catch_unwind_sync(|| cmr::webhooks::parse(body)).map_err(to_napi_coded)?;
    to_json(&ev).map_err(to_napi_coded)
}

/// Check a de-duplication TTL in seconds (throws a validation error).
#[napi]
pub fn webhook_dedupe_ttl(ttl_sec: f64) -> std::result::Result<f64, napi::Error<CmrStatus>> {
    cmr::webhooks::dedupe_ttl_from_secs(ttl_sec).map(|d| d.as_secs_f64()).map_err(to_napi_coded)
}

/// The key an event id is stored under (throws a validation error when empty).
#[napi]
pub fn webhook_dedupe_key(event_id: String) -> std::result::Result<String, napi::Error<CmrStatus>> {
    cmr::webhooks::dedupe_key(&event_id).map_err(to_napi_coded)
}

/// The id a delivery body (JSON text) is de-duplicated on.
#[napi]
pub fn webhook_event_key(raw_json: String) -> std::result::Result<String, napi::Error<CmrStatus>> {
    let v = parse_json("rawJson", Some(&raw_json)).map_err(to_napi_coded)?;
    Ok(cmr::webhooks::event_key_of_value(&v))
}

/// The core's in-memory event de-duplicator (TTL, bounded, thread-safe).
#[napi]
pub struct NativeEventDeduplicator {
    inner: cmr::webhooks::EventDeduplicator,
}

#[napi]
impl NativeEventDeduplicator {
    #[napi(constructor)]
    pub fn new(ttl_sec: f64, capacity: f64) -> std::result::Result<Self, napi::Error<CmrStatus>> {
        let ttl = cmr::webhooks::dedupe_ttl_from_secs(ttl_sec).map_err(to_napi_coded)?;
        if !(capacity.is_finite() && capacity >= 1.0 && capacity.fract() == 0.0) || capacity > cmr::webhooks::MAX_DEDUPE_CAPACITY as f64 {
            return Err(to_napi_coded(invalid(format!(
                "the de-duplication capacity must be an integer between 1 and {}, got {capacity}",
                cmr::webhooks::MAX_DEDUPE_CAPACITY
            ))));
        }
        let inner = cmr::webhooks::EventDeduplicator::in_memory(ttl, capacity as usize).map_err(to_napi_coded)?;
        Ok(NativeEventDeduplicator { inner })
    }

    /// True when `eventId` was already seen within the TTL; else records it.
    #[napi]
    pub fn seen(&self, event_id: String) -> std::result::Result<bool, napi::Error<CmrStatus>> {
        self.inner.seen(&event_id).map_err(to_napi_coded)
    }

    /// Forget `eventId` so that its next delivery is processed.
    #[napi]
    pub fn forget(&self, event_id: String) -> std::result::Result<(), napi::Error<CmrStatus>> {
        self.inner.forget(&event_id).map_err(to_napi_coded)
    }
}

/// The signature headers CMR would send for `rawBody` (for testing handlers).
#[napi]
pub fn webhook_sign(secret: String, timestamp: i64, raw_body: Either<Buffer, String>) -> HashMap<String, String> {
    cmr::webhooks::signature_headers(&secret, timestamp, raw_bytes(&raw_body))
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

// --- sandbox --------------------------------------------------------------

/// Options of [`start_sandbox`].
#[napi(object)]
pub struct NativeSandboxOptions {
    /// Loopback port; 0 or absent picks a free one.
    pub port: Option<u32>,
    pub api_key: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    /// Requests per second per key; absent turns the limiter off.
    pub rate_limit: Option<u32>,
    pub wallet_balance: Option<f64>,
}

/// A sandbox server running in this process (on the addon's tokio runtime).
#[napi]
pub struct NativeSandbox {
    inner: Mutex<Option<cmr_sandbox::Sandbox>>,
    base_url: String,
    url: String,
    api_key: String,
}

#[napi]
impl NativeSandbox {
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }
    #[napi(getter)]
    pub fn api_key(&self) -> String {
        self.api_key.clone()
    }
    /// The signing secret now in force (it can change through the control API).
    #[napi(getter)]
    pub fn webhook_secret(&self) -> String {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.as_ref().map(|s| s.webhook_secret()).unwrap_or_default()
    }
    #[napi(getter)]
    pub fn running(&self) -> bool {
        self.inner.lock().map(|g| g.is_some()).unwrap_or(false)
    }
    /// Run a control operation (`cmr_sandbox::CONTROL_OPS`: `reset`, `seed`,
    /// `advance`, `configure`, `injectFault`'s `inject_fault`, ...) with JSON
    /// arguments and resolve to its JSON answer: the sandbox's typed control,
    /// without HTTP. A refused input rejects with an `InvalidArg`-coded error.
    #[napi]
    pub async fn control(&self, op: String, args_json: Option<String>) -> Result<String> {
        let args = match args_json.as_deref() {
            None => Value::Null,
            Some(t) => serde_json::from_str(t).map_err(|e| Error::new(Status::InvalidArg, format!("control arguments are not valid JSON: {e}")))?,
        };
        let ctl = {
            let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            g.as_ref().map(|s| s.control()).ok_or_else(|| Error::from_reason("the sandbox is stopped"))?
        };
        match cmr::error::catch_unwind(ctl.call(&op, args)).await {
            Ok(v) => Ok(v.to_string()),
            Err(e) if e.status == 400 || e.status == 404 => {
                Err(Error::new(Status::InvalidArg, format!("sandbox control {op} refused ({}): {}", e.status, e.message)))
            }
            Err(e) => Err(Error::from_reason(format!("sandbox control {op} failed: {}", e.message))),
        }
    }
    /// Stop serving and close every connection. Idempotent.
    #[napi]
    pub async fn stop(&self) -> Result<()> {
        let sb = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(sb) = sb {
            sb.shutdown().await;
        }
        Ok(())
    }
}

/// Start a sandbox on a free loopback port.
#[napi]
pub async fn start_sandbox(options: Option<NativeSandboxOptions>) -> Result<NativeSandbox> {
    let mut opts = cmr_sandbox::SandboxOptions { rate_limit: None, ..Default::default() };
    if let Some(o) = options {
        opts.port = o.port.unwrap_or(0).try_into().map_err(|_| Error::from_reason("port out of range"))?;
        if let Some(k) = o.api_key {
            opts.api_key = k;
        }
        opts.webhook_url = o.webhook_url;
        opts.webhook_secret = o.webhook_secret;
        opts.rate_limit = o.rate_limit;
        if let Some(b) = o.wallet_balance {
            opts.wallet_balance = b;
        }
    }
    let sb = cmr_sandbox::Sandbox::start(opts).await.map_err(|e| Error::from_reason(e.to_string()))?;
    Ok(NativeSandbox { base_url: sb.base_url(), url: sb.url(), api_key: sb.api_key().to_string(), inner: Mutex::new(Some(sb)) })
}

/// The operations [`NativeSandbox::control`] knows (`cmr_sandbox::CONTROL_OPS`),
/// in the sandbox's order: `CONTROL_OPS` of `coldmailreseller/testing`.
#[napi]
pub fn sandbox_control_ops() -> Vec<String> {
    cmr_sandbox::CONTROL_OPS.iter().map(|s| s.to_string()).collect()
}

/// The addon's Rust allocations (request and answer buffers, models, JSON
/// text) use mimalloc: glibc's malloc/free were about 8 % of a call's CPU.
/// `local_dynamic_tls`: the addon is loaded with dlopen, where mimalloc's
/// default initial-exec TLS can fail ("cannot allocate memory in static TLS
/// block"), e.g. when a second copy of the package is loaded.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
