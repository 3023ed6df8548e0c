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

fn ctl(s: &Arc<Shared>) -> Control {
    Control::new(s.clone())
}

fn answer<T: Serialize>(r: Result<T, ControlError>) -> Response {
    match r {
        Ok(v) => Json(json!(v)).into_response(),
        Err(e) => Reply::from(e).into_response(),
    }
}

async fn reset(State(s): S) -> Response {
    ctl(&s).reset().await;
    Json(json!({"ok": true})).into_response()
}

async fn seed(State(s): S) -> Response {
    Json(json!(ctl(&s).seed())).into_response()
}

async fn get_wallet(State(s): S) -> Response {
    Json(json!({"balance": ctl(&s).wallet()})).into_response()
}

async fn put_wallet(State(s): S, req: Request) -> Response {
    let m = match body_obj(req).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let Some(b) = m.get("balance").and_then(Value::as_f64) else {
        return Reply::err(400, "balance must be a non-negative number").into_response();
    };
    answer(ctl(&s).set_wallet(b).map(|b| json!({"balance": b})))
}

/// `PUT /__sandbox/clock {"frozen": bool}`: stop real time from moving the virtual clock.
async fn put_clock(State(s): S, req: Request) -> Response {
    let m = match body_obj(req).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let Some(frozen) = m.get("frozen").and_then(Value::as_bool) else {
        return Reply::err(400, "frozen (boolean) is required").into_response();
    };
    Json(json!(ctl(&s).freeze_clock(frozen))).into_response()
}

async fn get_clock(State(s): S) -> Response {
    Json(json!(ctl(&s).clock())).into_response()
}

async fn advance(State(s): S, req: Request) -> Response {
    let m = match body_obj(req).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let secs = match m.get("seconds") {
        None => 0.0,
        Some(v) => match v.as_f64() {
            Some(x) => x,
            None => return Reply::err(400, format!("seconds must be a number between 0 and {MAX_ADVANCE_SECONDS}")).into_response(),
        },
    };
    answer(ctl(&s).advance(secs).await)
}

async fn webhooks(State(s): S) -> Response {
    Json(json!(ctl(&s).webhooks())).into_response()
}

async fn get_config(State(s): S) -> Response {
    Json(json!(ctl(&s).config())).into_response()
}

const CONFIG_FIELDS: [&str; 6] = ["webhookUrl", "rateLimit", "maxBatch", "webhookSecret", "maxRequests", "maxEvents"];

/// The JSON body of `PUT /__sandbox/config` as a [`ConfigPatch`] (JSON
/// types only; the values are checked by [`Control::configure`]).
fn config_patch(m: &Map<String, Value>) -> Result<ConfigPatch, ControlError> {
    if let Some(k) = m.keys().find(|k| !CONFIG_FIELDS.contains(&k.as_str())) {
        return Err(ControlError::bad(format!("Unknown config field '{k}' ({})", CONFIG_FIELDS.join(", "))));
    }
    let count = |name: &str, v: &Value, why: &str| -> Result<usize, ControlError> {
        v.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(|| ControlError::bad(format!("{name} {why}")))
    };
    let mut p = ConfigPatch::default();
    p.webhook_url = match m.get("webhookUrl") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(u)) => Some(Some(u.clone())),
        Some(_) => return Err(ControlError::bad("webhookUrl must be an http(s) URL or null")),
    };
    p.rate_limit = match m.get("rateLimit") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => match v.as_u64().filter(|n| *n > 0 && *n <= 1_000_000) {
            Some(n) => Some(Some(n as u32)),
            None => return Err(ControlError::bad("rateLimit must be a positive integer or null (off)")),
        },
    };
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

async fn put_config(State(s): S, req: Request) -> Response {
    let m = match body_obj(req).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    answer(config_patch(&m).and_then(|p| ctl(&s).configure(p)))
}

async fn get_faults(State(s): S) -> Response {
    Json(json!(ctl(&s).faults())).into_response()
}

async fn add_fault(State(s): S, req: Request) -> Response {
    let m = match body_obj(req).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let f: Fault = match serde_json::from_value(Value::Object(m)) {
        Ok(f) => f,
        Err(e) => return Reply::err(400, format!("Invalid fault: {e}")).into_response(),
    };
    answer(ctl(&s).inject_fault(f))
}

async fn clear_faults(State(s): S) -> Response {
    ctl(&s).clear_faults();
    Json(json!([])).into_response()
}

async fn requests(State(s): S) -> Response {
    Json(json!(ctl(&s).requests())).into_response()
}

async fn clear_requests(State(s): S) -> Response {
    ctl(&s).clear_requests();
    Json(json!([])).into_response()
}

async fn state(State(s): S) -> Response {
    Json(ctl(&s).state()).into_response()
}

/// `ok` says the server answers; a failing save shows in `persistence`.
async fn health(State(s): S) -> Response {
    Json(ctl(&s).health()).into_response()
}
