//! The control API under `/__sandbox` (no key, not rate limited).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::server::Reply;
use crate::state::{Fault, Shared, World};
use crate::webhooks::process_due;

type S = State<Arc<Shared>>;

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

fn done(shared: &Arc<Shared>, v: Value) -> Response {
    shared.request_save();
    Json(v).into_response()
}

async fn reset(State(s): S) -> Response {
    // Wait for in-flight deliveries, then wipe.
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
    done(&s, json!({"ok": true}))
}

async fn seed(State(s): S) -> Response {
    let v = {
        let mut w = s.world.lock();
        let now = w.now();
        crate::api::seed(&mut w, now)
    };
    done(&s, v)
}

async fn get_wallet(State(s): S) -> Response {
    let b = s.world.lock().wallet;
    Json(json!({"balance": b})).into_response()
}

async fn put_wallet(State(s): S, req: Request) -> Response {
    let m = match body_obj(req).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let Some(b) = m.get("balance").and_then(Value::as_f64).filter(|b| b.is_finite() && *b >= 0.0) else {
        return Reply::err(400, "balance must be a non-negative number").into_response();
    };
    {
        let mut w = s.world.lock();
        w.wallet = b;
        w.dirty = true;
    }
    done(&s, json!({"balance": b}))
}

fn clock_json(w: &World) -> Value {
    json!({"now": crate::clock::rfc3339(w.now()), "offsetSeconds": w.clock_offset_ms as f64 / 1000.0, "frozen": w.clock_frozen_at.is_some()})
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
    let v = {
        let mut w = s.world.lock();
        w.freeze_clock(frozen);
        w.dirty = true;
        clock_json(&w)
    };
    done(&s, v)
}

async fn get_clock(State(s): S) -> Response {
    let v = clock_json(&s.world.lock());
    Json(v).into_response()
}

async fn advance(State(s): S, req: Request) -> Response {
    let m = match body_obj(req).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let secs = match m.get("seconds") {
        None => 0.0,
        Some(v) => match v.as_f64().filter(|x| x.is_finite() && *x >= 0.0 && *x <= 10.0 * 365.0 * 86400.0) {
            Some(x) => x,
            None => return Reply::err(400, "seconds must be a number between 0 and 315360000").into_response(),
        },
    };
    {
        let mut w = s.world.lock();
        w.clock_offset_ms += (secs * 1000.0).round() as i64;
        w.dirty = true;
    }
    process_due(&s).await;
    let v = clock_json(&s.world.lock());
    done(&s, v)
}

async fn webhooks(State(s): S) -> Response {
    let w = s.world.lock();
    let list: Vec<Value> = w
        .events
        .iter()
        .map(|e| {
            json!({
                "eventId": e.event_id,
                "event": e.event,
                "body": e.body,
                "payload": serde_json::from_str::<Value>(&e.body).unwrap_or(Value::Null),
                "headers": e.headers,
                "createdAt": e.created_at,
                "state": e.state,
                "deliveries": e.deliveries,
            })
        })
        .collect();
    Json(Value::Array(list)).into_response()
}

fn config_json(s: &Shared) -> Value {
    let c = s.config.lock();
    json!({"webhookUrl": c.webhook_url, "rateLimit": c.rate_limit, "maxBatch": c.max_batch, "webhookSecretSet": !c.webhook_secret.is_empty(),
        "maxRequests": c.max_requests, "maxEvents": c.max_events})
}

async fn get_config(State(s): S) -> Response {
    Json(config_json(&s)).into_response()
}

async fn put_config(State(s): S, req: Request) -> Response {
    let m = match body_obj(req).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    for k in m.keys() {
        if !["webhookUrl", "rateLimit", "maxBatch", "webhookSecret", "maxRequests", "maxEvents"].contains(&k.as_str()) {
            let known = "webhookUrl, rateLimit, maxBatch, webhookSecret, maxRequests, maxEvents";
            return Reply::err(400, format!("Unknown config field '{k}' ({known})")).into_response();
        }
    }
    let url = match m.get("webhookUrl") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(u)) if u.starts_with("http://") || u.starts_with("https://") => Some(Some(u.clone())),
        Some(_) => return Reply::err(400, "webhookUrl must be an http(s) URL or null").into_response(),
    };
    let rate = match m.get("rateLimit") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => match v.as_u64().filter(|n| *n > 0 && *n <= 1_000_000) {
            Some(n) => Some(Some(n as u32)),
            None => return Reply::err(400, "rateLimit must be a positive integer or null (off)").into_response(),
        },
    };
    let max_batch = match m.get("maxBatch") {
        None => None,
        Some(v) => match v.as_u64().filter(|n| *n > 0 && *n <= 1_000_000) {
            Some(n) => Some(n as usize),
            None => return Reply::err(400, "maxBatch must be a positive integer").into_response(),
        },
    };
    let secret = match m.get("webhookSecret") {
        None => None,
        Some(Value::String(x)) if !x.is_empty() => Some(x.clone()),
        Some(_) => return Reply::err(400, "webhookSecret must be a non-empty string").into_response(),
    };
    let mut limits = [None, None];
    for (slot, name) in limits.iter_mut().zip(["maxRequests", "maxEvents"]) {
        if let Some(v) = m.get(name) {
            match v.as_u64().filter(|n| *n >= 1 && *n <= crate::state::MAX_LOG_LIMIT as u64) {
                Some(n) => *slot = Some(n as usize),
                None => return Reply::err(400, format!("{name} must be an integer from 1 to {}", crate::state::MAX_LOG_LIMIT)).into_response(),
            }
        }
    }
    if let Some(n) = limits[0] {
        s.config.lock().max_requests = n;
        let mut r = s.requests.lock();
        let excess = r.len().saturating_sub(n);
        r.drain(..excess);
    }
    if let Some(n) = limits[1] {
        s.config.lock().max_events = n;
        s.world.lock().prune_events(n);
        s.request_save();
    }
    {
        let mut c = s.config.lock();
        if let Some(u) = url {
            c.webhook_url = u;
        }
        if let Some(r) = rate {
            c.rate_limit = r;
        }
        if let Some(n) = max_batch {
            c.max_batch = n;
        }
        if let Some(x) = secret {
            c.webhook_secret = x;
        }
    }
    s.limiter.lock().clear();
    Json(config_json(&s)).into_response()
}

async fn get_faults(State(s): S) -> Response {
    let f = s.faults.lock().clone();
    Json(json!(f)).into_response()
}

async fn add_fault(State(s): S, req: Request) -> Response {
    let m = match body_obj(req).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let mut f: Fault = match serde_json::from_value(Value::Object(m)) {
        Ok(f) => f,
        Err(e) => return Reply::err(400, format!("Invalid fault: {e}")).into_response(),
    };
    if !f.path.starts_with('/') {
        f.path = format!("/{}", f.path);
    }
    if let Some(rest) = f.path.strip_prefix(cmr::routes::BASE_PATH) {
        f.path = rest.to_string();
    }
    if !cmr::routes::ALL.iter().any(|r| r.path == f.path.trim_end_matches('/')) {
        return Reply::err(400, format!("No API route has the path '{}' (paths are relative to the base path, e.g. /users)", f.path)).into_response();
    }
    if let Some(st) = f.status {
        if !(100..=599).contains(&st) {
            return Reply::err(400, "status must be an HTTP status code").into_response();
        }
    }
    if f.count == 0 {
        return Reply::err(400, "count must be at least 1").into_response();
    }
    s.faults.lock().push(f);
    let all = s.faults.lock().clone();
    Json(json!(all)).into_response()
}

async fn clear_faults(State(s): S) -> Response {
    s.faults.lock().clear();
    Json(json!([])).into_response()
}

async fn requests(State(s): S) -> Response {
    let r: Vec<_> = s.requests.lock().iter().cloned().collect();
    Json(json!(r)).into_response()
}

async fn clear_requests(State(s): S) -> Response {
    s.requests.lock().clear();
    Json(json!([])).into_response()
}

async fn state(State(s): S) -> Response {
    let mut v = {
        let w = s.world.lock();
        serde_json::to_value(&*w).unwrap_or(Value::Null)
    };
    if let Value::Object(m) = &mut v {
        m.insert("persistence".into(), s.persistence_json());
    }
    Json(v).into_response()
}

/// `{ok: true, persistence: {enabled, dirty, lastSavedAt, lastError, failures}}`:
/// `ok` says the server answers; a failing save shows in `persistence`.
async fn health(State(s): S) -> Response {
    Json(json!({"ok": true, "persistence": s.persistence_json()})).into_response()
}
