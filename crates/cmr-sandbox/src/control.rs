//! Controlling a running sandbox: the typed [`Control`] handle (what
//! [`crate::Sandbox::control`] returns and what the language bindings expose)
//! and the HTTP control API under `/__sandbox` (no key, not rate limited),
//! which is a thin JSON layer over the same methods. Every check of a control
//! input lives in `Control`, so both ways in accept and refuse the same things.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::reply::Reply;
use crate::state::{DeliveryRec, Fault, RequestLog, Shared, World, MAX_LOG_LIMIT};
use crate::webhooks::process_due;

type S = State<Arc<Shared>>;

/// Largest clock step accepted by [`Control::advance`]: ten years.
pub const MAX_ADVANCE_SECONDS: f64 = 10.0 * 365.0 * 86400.0;

/// A refused control input: the HTTP status the control API answers and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError {
    pub status: u16,
    pub message: String,
}

impl ControlError {
    fn bad(message: impl Into<String>) -> ControlError {
        ControlError { status: 400, message: message.into() }
    }
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sandbox control refused the input ({}): {}", self.status, self.message)
    }
}
impl std::error::Error for ControlError {}

/// So `cmr::error::catch_unwind` can guard a control call: a panic inside
/// the sandbox becomes a 500 `ControlError` instead of unwinding into a
/// binding.
impl From<cmr::Error> for ControlError {
    fn from(e: cmr::Error) -> ControlError {
        ControlError { status: 500, message: e.to_string() }
    }
}

impl From<ControlError> for Reply {
    fn from(e: ControlError) -> Reply {
        Reply::err(e.status, e.message)
    }
}

/// The records [`Control::seed`] created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seeded {
    pub user_id: String,
    pub domain_id: String,
    pub domain: String,
    pub subscription_id: String,
    pub mailbox_ids: Vec<String>,
}

/// The virtual clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockState {
    /// RFC 3339, milliseconds, UTC.
    pub now: String,
    /// How far the virtual clock is ahead of real time.
    pub offset_seconds: f64,
    /// Real time does not move a frozen clock (only [`Control::advance`] does).
    pub frozen: bool,
}

/// The live configuration (the secret itself is never shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SandboxConfig {
    pub webhook_url: Option<String>,
    /// Requests per second per key; `None` = off.
    pub rate_limit: Option<u32>,
    pub max_batch: usize,
    pub webhook_secret_set: bool,
    pub max_requests: usize,
    pub max_events: usize,
}

/// A change of configuration: `None` leaves a field as it is; for the two
/// nullable fields, `Some(None)` turns them off.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConfigPatch {
    pub webhook_url: Option<Option<String>>,
    pub rate_limit: Option<Option<u32>>,
    pub max_batch: Option<usize>,
    pub webhook_secret: Option<String>,
    pub max_requests: Option<usize>,
    pub max_events: Option<usize>,
}

impl std::fmt::Debug for ConfigPatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigPatch")
            .field("webhook_url", &self.webhook_url)
            .field("rate_limit", &self.rate_limit)
            .field("max_batch", &self.max_batch)
            .field("webhook_secret", &self.webhook_secret.as_ref().map(|_| "<redacted>"))
            .field("max_requests", &self.max_requests)
            .field("max_events", &self.max_events)
            .finish()
    }
}

/// One recorded webhook event and its delivery attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    pub event_id: String,
    pub event: String,
    /// The exact JSON body POSTed (and signed).
    pub body: String,
    /// `body` parsed (`null` if it is not JSON).
    pub payload: Value,
    /// Headers of the latest attempt (signature and timestamp).
    pub headers: std::collections::BTreeMap<String, String>,
    pub created_at: String,
    /// `pending`, `delivered`, `failed`, `undelivered` (no webhook URL).
    pub state: String,
    pub deliveries: Vec<DeliveryRec>,
}

/// A handle on a running sandbox's state, configuration, clock, faults and
/// logs. Cheap to clone; every method is safe to call from any thread.
#[derive(Clone)]
pub struct Control {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").finish_non_exhaustive()
    }
}

impl Control {
    pub(crate) fn new(shared: Arc<Shared>) -> Control {
        Control { shared }
    }

    /// Wipe the world, the clock offset (and freeze), the webhook log, the
    /// faults, the request log, the limiter and the configuration changes.
    /// Waits for webhook deliveries in flight first.
    pub async fn reset(&self) {
        let s = &self.shared;
        let _g = s.delivery_lock.lock().await;
        {
            let mut w = s.world.lock();
            *w = World::new(s.initial_wallet);
            w.dirty = true;
        }
        *s.config.lock() = s.initial_config.clone();
        s.faults.lock().clear();
        s.requests.lock().clear();
        s.limiter.lock().clear();
        s.request_save();
    }

    /// A new user with an ACTIVE domain, subscription and two ACTIVE mailboxes.
    pub fn seed(&self) -> Seeded {
        let v = {
            let mut w = self.shared.world.lock();
            let now = w.now();
            crate::seed::seed(&mut w, now)
        };
        self.shared.request_save();
        serde_json::from_value(v).expect("seed builds a Seeded")
    }

    /// The wallet balance (USD).
    pub fn wallet(&self) -> f64 {
        self.shared.world.lock().wallet
    }

    /// Set the wallet balance (USD, finite, >= 0).
    pub fn set_wallet(&self, balance: f64) -> Result<f64, ControlError> {
        if !(balance.is_finite() && balance >= 0.0) {
            return Err(ControlError::bad("balance must be a non-negative number"));
        }
        {
            let mut w = self.shared.world.lock();
            w.wallet = balance;
            w.dirty = true;
        }
        self.shared.request_save();
        Ok(balance)
    }

    /// The virtual clock.
    pub fn clock(&self) -> ClockState {
        clock_state(&self.shared.world.lock())
    }

    /// Stop (or restart) real time moving the virtual clock.
    pub fn freeze_clock(&self, frozen: bool) -> ClockState {
        let c = {
            let mut w = self.shared.world.lock();
            w.freeze_clock(frozen);
            w.dirty = true;
            clock_state(&w)
        };
        self.shared.request_save();
        c
    }

    /// Move the clock `seconds` (0 to ten years) ahead, run every step that
    /// falls due in due order and deliver every due webhook (awaited).
    pub async fn advance(&self, seconds: f64) -> Result<ClockState, ControlError> {
        if !(seconds.is_finite() && (0.0..=MAX_ADVANCE_SECONDS).contains(&seconds)) {
            return Err(ControlError::bad(format!("seconds must be a number between 0 and {MAX_ADVANCE_SECONDS}")));
        }
        {
            let mut w = self.shared.world.lock();
            w.clock_offset_ms += (seconds * 1000.0).round() as i64;
            w.dirty = true;
        }
        process_due(&self.shared).await;
        self.shared.request_save();
        Ok(self.clock())
    }

    /// Every recorded webhook event, oldest first.
    pub fn webhooks(&self) -> Vec<WebhookEvent> {
        let w = self.shared.world.lock();
        w.events
            .iter()
            .map(|e| WebhookEvent {
                event_id: e.event_id.clone(),
                event: e.event.clone(),
                body: e.body.clone(),
                payload: serde_json::from_str::<Value>(&e.body).unwrap_or(Value::Null),
                headers: e.headers.clone(),
                created_at: e.created_at.clone(),
                state: e.state.clone(),
                deliveries: e.deliveries.clone(),
            })
            .collect()
    }

    /// The live configuration.
    pub fn config(&self) -> SandboxConfig {
        let c = self.shared.config.lock();
        SandboxConfig {
            webhook_url: c.webhook_url.clone(),
            rate_limit: c.rate_limit,
            max_batch: c.max_batch,
            webhook_secret_set: !c.webhook_secret.is_empty(),
            max_requests: c.max_requests,
            max_events: c.max_events,
        }
    }

    /// Change the configuration. Every field is checked before any is
    /// applied, so a refused patch changes nothing. Resets the rate limiter.
    pub fn configure(&self, patch: ConfigPatch) -> Result<SandboxConfig, ControlError> {
        if let Some(Some(u)) = &patch.webhook_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(ControlError::bad("webhookUrl must be an http(s) URL or null"));
            }
        }
        if let Some(Some(n)) = patch.rate_limit {
            if n == 0 || n > 1_000_000 {
                return Err(ControlError::bad("rateLimit must be a positive integer or null (off)"));
            }
        }
        if let Some(n) = patch.max_batch {
            if n == 0 || n > 1_000_000 {
                return Err(ControlError::bad("maxBatch must be a positive integer"));
            }
        }
        if let Some(x) = &patch.webhook_secret {
            if x.is_empty() {
                return Err(ControlError::bad("webhookSecret must be a non-empty string"));
            }
        }
        for (v, name) in [(patch.max_requests, "maxRequests"), (patch.max_events, "maxEvents")] {
            if let Some(n) = v {
                if !(1..=MAX_LOG_LIMIT).contains(&n) {
                    return Err(ControlError::bad(format!("{name} must be an integer from 1 to {MAX_LOG_LIMIT}")));
                }
            }
        }
        let s = &self.shared;
        if let Some(n) = patch.max_requests {
            s.config.lock().max_requests = n;
            let mut r = s.requests.lock();
            let excess = r.len().saturating_sub(n);
            r.drain(..excess);
        }
        if let Some(n) = patch.max_events {
            s.config.lock().max_events = n;
            s.world.lock().prune_events(n);
            s.request_save();
        }
        {
            let mut c = s.config.lock();
            if let Some(u) = patch.webhook_url {
                c.webhook_url = u;
            }
            if let Some(r) = patch.rate_limit {
                c.rate_limit = r;
            }
            if let Some(n) = patch.max_batch {
                c.max_batch = n;
            }
            if let Some(x) = patch.webhook_secret {
                c.webhook_secret = x;
            }
        }
        s.limiter.lock().clear();
        Ok(self.config())
    }

    /// The faults still armed, in the order they match.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.faults.lock().clone()
    }

    /// Arm a fault for the next `count` requests to `path` (relative to the
    /// base path, e.g. `/users`; the base path itself is stripped if given).
    /// Returns every armed fault.
    pub fn inject_fault(&self, mut f: Fault) -> Result<Vec<Fault>, ControlError> {
        if !f.path.starts_with('/') {
            f.path = format!("/{}", f.path);
        }
        if let Some(rest) = f.path.strip_prefix(cmr::routes::BASE_PATH) {
            f.path = rest.to_string();
        }
        if !cmr::routes::ALL.iter().any(|r| r.path == f.path.trim_end_matches('/')) {
            return Err(ControlError::bad(format!(
                "No API route has the path '{}' (paths are relative to the base path, e.g. /users)",
                f.path
            )));
        }
        if let Some(m) = &f.method {
            if cmr::routes::Method::parse(m).is_none() {
                return Err(ControlError::bad(format!("method must be GET, POST, PUT, PATCH or DELETE, got '{m}'")));
            }
        }
        if let Some(st) = f.status {
            if !(100..=599).contains(&st) {
                return Err(ControlError::bad("status must be an HTTP status code"));
            }
        }
        if f.count == 0 {
            return Err(ControlError::bad("count must be at least 1"));
        }
        let mut all = self.shared.faults.lock();
        all.push(f);
        Ok(all.clone())
    }

    /// Disarm every fault.
    pub fn clear_faults(&self) {
        self.shared.faults.lock().clear();
    }

    /// The API requests served (method, path, query, status; never a key),
    /// oldest first, at most `maxRequests`.
    pub fn requests(&self) -> Vec<RequestLog> {
        self.shared.requests.lock().iter().cloned().collect()
    }

    /// Empty the request log.
    pub fn clear_requests(&self) {
        self.shared.requests.lock().clear();
    }

    /// The whole emulated world as JSON, plus `persistence`.
    pub fn state(&self) -> Value {
        let mut v = {
            let w = self.shared.world.lock();
            serde_json::to_value(&*w).unwrap_or(Value::Null)
        };
        if let Value::Object(m) = &mut v {
            m.insert("persistence".into(), self.shared.persistence_json());
        }
        v
    }

    /// `{ok: true, persistence: {enabled, dirty, lastSavedAt, lastError, failures}}`.
    pub fn health(&self) -> Value {
        json!({"ok": true, "persistence": self.shared.persistence_json()})
    }
}

/// Every operation [`Control::call`] knows, in the order of the methods above.
pub const CONTROL_OPS: &[&str] = &[
    "reset", "seed", "wallet", "set_wallet", "clock", "freeze_clock", "advance", "webhooks", "config", "configure",
    "faults", "inject_fault", "clear_faults", "requests", "clear_requests", "state", "health",
];

impl Control {
    /// Call a control operation by name with JSON arguments (the API's
    /// camelCase names, as in the HTTP control API's bodies), returning JSON:
    /// the one entry point the language bindings use, so their test helpers
    /// need no HTTP client of their own.
    ///
    /// ```text
    /// call("seed", null)                       -> {userId, domainId, domain, subscriptionId, mailboxIds}
    /// call("advance", {"seconds": 60})         -> {now, offsetSeconds, frozen}
    /// call("configure", {"rateLimit": null})   -> {webhookUrl, rateLimit, maxBatch, ...}
    /// call("inject_fault", {"path": "/users", "kind": "status", "status": 503})
    /// ```
    pub async fn call(&self, op: &str, args: Value) -> Result<Value, ControlError> {
        let m = match args {
            Value::Null => Map::new(),
            Value::Object(m) => m,
            other => return Err(ControlError::bad(format!("{op}: arguments must be an object, got {other}"))),
        };
        Ok(match op {
            "reset" => {
                self.reset().await;
                json!({"ok": true})
            }
            "seed" => to(&self.seed()),
            "wallet" => json!({"balance": self.wallet()}),
            "set_wallet" => {
                let b = m.get("balance").and_then(Value::as_f64).ok_or_else(|| ControlError::bad("balance must be a non-negative number"))?;
                json!({"balance": self.set_wallet(b)?})
            }
            "clock" => to(&self.clock()),
            "freeze_clock" => {
                let frozen = m.get("frozen").and_then(Value::as_bool).ok_or_else(|| ControlError::bad("frozen (boolean) is required"))?;
                to(&self.freeze_clock(frozen))
            }
            "advance" => {
                let secs = match m.get("seconds") {
                    None => 0.0,
                    Some(v) => v
                        .as_f64()
                        .ok_or_else(|| ControlError::bad(format!("seconds must be a number between 0 and {MAX_ADVANCE_SECONDS}")))?,
                };
                to(&self.advance(secs).await?)
            }
            "webhooks" => to(&self.webhooks()),
            "config" => to(&self.config()),
            "configure" => to(&self.configure(config_patch(&m)?)?),
            "faults" => to(&self.faults()),
            "inject_fault" => {
                let f: Fault = serde_json::from_value(Value::Object(m)).map_err(|e| ControlError::bad(format!("Invalid fault: {e}")))?;
                to(&self.inject_fault(f)?)
            }
            "clear_faults" => {
                self.clear_faults();
                json!([])
            }
            "requests" => to(&self.requests()),
            "clear_requests" => {
                self.clear_requests();
                json!([])
            }
            "state" => self.state(),
            "health" => self.health(),
            other => {
                return Err(ControlError { status: 404, message: format!("unknown control operation {other:?} (known: {})", CONTROL_OPS.join(", ")) })
            }
        })
    }
}

/// JSON of a control result (these types always serialise: no maps with
/// non-string keys), without a panic path.
fn to<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn clock_state(w: &World) -> ClockState {
    ClockState {
        now: crate::clock::rfc3339(w.now()),
        offset_seconds: w.clock_offset_ms as f64 / 1000.0,
        frozen: w.clock_frozen_at.is_some(),
    }
}

// ---- the HTTP control API ------------------------------------------------

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__sandbox/reset", post(reset))
        .route("/__sandbox/seed", post(seed))
        .route("/__sandbox/wallet", get(get_wallet).put(put_wallet).post(put_wallet))
        .route("/__sandbox/clock", get(get_clock).put(put_clock))
        .route("/__sandbox/clock/advance", post(advance))
        .route("/__sandbox/webhooks", get(webhooks))
        .route("/__sandbox/config", get(get_config).put(put_config).patch(put_config))
        .route("/__sandbox/faults", get(get_faults).post(add_fault).delete(clear_faults))
        .route("/__sandbox/requests", get(requests).delete(clear_requests))
        .route("/__sandbox/state", get(state))
        .route("/__sandbox/health", get(health))
}

/// A JSON object body (empty body = `{}`), or a 4xx envelope.
async fn body_obj(req: Request) -> Result<Map<String, Value>, Reply> {
    let bytes = axum::body::to_bytes(req.into_body(), crate::MAX_BODY_BYTES)
        .await
        .map_err(|_| Reply::err(413, "Request body is too large"))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Reply::err(400, "Expected a JSON object")),
        Err(e) => Err(Reply::err(400, format!("Malformed JSON body: {e}"))),
    }
}

/// Run control operation `op` with the request's JSON body (if it takes one)
/// as its arguments: every HTTP route is this, so the HTTP API and
/// [`Control::call`] parse and check inputs the same way, in one place.
async fn run(s: &Arc<Shared>, op: &str, req: Option<Request>) -> Response {
    let args = match req {
        None => Value::Null,
        Some(req) => match body_obj(req).await {
            Ok(m) => Value::Object(m),
            Err(r) => return r.into_response(),
        },
    };
    match Control::new(s.clone()).call(op, args).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => Reply::from(e).into_response(),
    }
}

async fn reset(State(s): S) -> Response {
    run(&s, "reset", None).await
}
async fn seed(State(s): S) -> Response {
    run(&s, "seed", None).await
}
async fn get_wallet(State(s): S) -> Response {
    run(&s, "wallet", None).await
}
async fn put_wallet(State(s): S, req: Request) -> Response {
    run(&s, "set_wallet", Some(req)).await
}
/// `PUT /__sandbox/clock {"frozen": bool}`: stop real time from moving the virtual clock.
async fn put_clock(State(s): S, req: Request) -> Response {
    run(&s, "freeze_clock", Some(req)).await
}
async fn get_clock(State(s): S) -> Response {
    run(&s, "clock", None).await
}
async fn advance(State(s): S, req: Request) -> Response {
    run(&s, "advance", Some(req)).await
}
async fn webhooks(State(s): S) -> Response {
    run(&s, "webhooks", None).await
}
async fn get_config(State(s): S) -> Response {
    run(&s, "config", None).await
}
async fn put_config(State(s): S, req: Request) -> Response {
    run(&s, "configure", Some(req)).await
}
async fn get_faults(State(s): S) -> Response {
    run(&s, "faults", None).await
}
async fn add_fault(State(s): S, req: Request) -> Response {
    run(&s, "inject_fault", Some(req)).await
}
async fn clear_faults(State(s): S) -> Response {
    run(&s, "clear_faults", None).await
}
async fn requests(State(s): S) -> Response {
    run(&s, "requests", None).await
}
async fn clear_requests(State(s): S) -> Response {
    run(&s, "clear_requests", None).await
}
async fn state(State(s): S) -> Response {
    run(&s, "state", None).await
}
/// `ok` says the server answers; a failing save shows in `persistence`.
async fn health(State(s): S) -> Response {
    run(&s, "health", None).await
}

const CONFIG_FIELDS: [&str; 6] = ["webhookUrl", "rateLimit", "maxBatch", "webhookSecret", "maxRequests", "maxEvents"];

/// A `configure` argument object as a [`ConfigPatch`] (JSON types only; the
/// values are checked by [`Control::configure`]).
fn config_patch(m: &Map<String, Value>) -> Result<ConfigPatch, ControlError> {
    if let Some(k) = m.keys().find(|k| !CONFIG_FIELDS.contains(&k.as_str())) {
        return Err(ControlError::bad(format!("Unknown config field '{k}' ({})", CONFIG_FIELDS.join(", "))));
    }
    let count = |name: &str, v: &Value, why: &str| -> Result<usize, ControlError> {
        v.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(|| ControlError::bad(format!("{name} {why}")))
    };
    let webhook_url = match m.get("webhookUrl") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(u)) => Some(Some(u.clone())),
        Some(_) => return Err(ControlError::bad("webhookUrl must be an http(s) URL or null")),
    };
    let rate_limit = match m.get("rateLimit") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(Some(n)),
            None => return Err(ControlError::bad("rateLimit must be a positive integer or null (off)")),
        },
    };
    let mut p = ConfigPatch { webhook_url, rate_limit, ..Default::default() };
    if let Some(v) = m.get("maxBatch") {
        p.max_batch = Some(count("maxBatch", v, "must be a positive integer")?);
    }
    p.webhook_secret = match m.get("webhookSecret") {
        None => None,
        Some(Value::String(x)) => Some(x.clone()),
        Some(_) => return Err(ControlError::bad("webhookSecret must be a non-empty string")),
    };
    let limit_why = format!("must be an integer from 1 to {MAX_LOG_LIMIT}");
    if let Some(v) = m.get("maxRequests") {
        p.max_requests = Some(count("maxRequests", v, &limit_why)?);
    }
    if let Some(v) = m.get("maxEvents") {
        p.max_events = Some(count("maxEvents", v, &limit_why)?);
    }
    Ok(p)
}
