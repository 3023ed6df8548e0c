//! Events and their delivery: each event is recorded in the world's log,
//! signed with `cmr::webhooks::signature_headers`, and POSTed to the
//! configured URL: attempt 1 when due, attempt 2 30 s (virtual) after a
//! failed attempt 1, attempt 3 5 min after a failed attempt 2; then `failed`.

use std::sync::{Arc, Weak};

use serde_json::{json, Value};

use crate::clock::{self, MIN, SEC};
use crate::state::{DeliveryRec, EventRec, Shared, World};

/// Delay before attempt n+1 after attempt n failed (index n-1).
pub const RETRY_DELAYS_MS: [i64; 2] = [30 * SEC, 5 * MIN];
pub const MAX_ATTEMPTS: u32 = 3;

/// Record an event emitted at virtual time `at_ms`; it is delivered by the
/// next `process_due`.
pub fn emit(w: &mut World, at_ms: i64, event: &str, data: Value) -> String {
    let event_id = crate::state::new_id();
    let body = json!({"event": event, "eventId": event_id, "data": data}).to_string();
    w.events.push(EventRec {
        event_id: event_id.clone(),
        event: event.to_string(),
        body,
        headers: Default::default(),
        deliveries: Vec::new(),
        next_attempt_ms: Some(at_ms),
        created_at: clock::rfc3339(at_ms),
        state: "pending".into(),
    });
    w.dirty = true;
    event_id
}

fn has_due(w: &World, now: i64) -> bool {
    w.tasks.iter().any(|t| t.due_ms <= now) || w.events.iter().rev().any(|e| e.next_attempt_ms.is_some_and(|t| t <= now))
}

/// Spawn a `process_due` if anything is due (cheap when nothing is).
pub fn kick(shared: &Arc<Shared>) {
    let due = {
        let w = shared.world.lock();
        let now = w.now();
        has_due(&w, now)
    };
    if due {
        let s = shared.clone();
        tokio::spawn(async move { process_due(&s).await });
    }
}

/// Once a second (real time), run what the passing of real time made due.
pub async fn ticker(shared: Weak<Shared>) {
    let mut iv = tokio::time::interval(std::time::Duration::from_secs(1));
    iv.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        iv.tick().await;
        let Some(s) = shared.upgrade() else { return };
        // Always run: besides tasks and deliveries, subscriptions reaching
        // their period end renew or expire as real time passes.
        tokio::spawn(async move { process_due(&s).await });
    }
}

struct Due {
    event_id: String,
    body: String,
    attempt: u32,
    at_ms: i64,
}

/// Run every due lifecycle step (in due order) and deliver every due
/// webhook, repeating until nothing is due; awaited by `clock/advance`.
pub async fn process_due(shared: &Arc<Shared>) {
    let _guard = shared.delivery_lock.lock().await;
    for _round in 0..1000 {
        let (url, secret) = {
            let c = shared.config.lock();
            (c.webhook_url.clone(), c.webhook_secret.clone())
        };
        let due: Vec<Due> = {
            let mut w = shared.world.lock();
            let now = w.now();
            crate::api::run_due_tasks(&mut w, now);
            let mut due = Vec::new();
            for e in w.events.iter_mut() {
                let Some(t) = e.next_attempt_ms.filter(|t| *t <= now) else { continue };
                if url.is_none() {
                    e.next_attempt_ms = None;
                    e.state = "undelivered".into();
                    continue;
                }
                e.next_attempt_ms = None;
                e.state = "delivering".into();
                due.push(Due { event_id: e.event_id.clone(), body: e.body.clone(), attempt: e.deliveries.len() as u32 + 1, at_ms: t });
            }
            if !due.is_empty() {
                w.dirty = true;
            }
            due
        };
        if due.is_empty() {
            break;
        }
        let url = url.unwrap_or_default();
        // One at a time, in due-time then emission order, as CMR's lifecycle is
        // ordered (domain.order.success before mailbox.order.success before
        // mailbox.created), even when one clock advance makes several due.
        let mut due = due;
        due.sort_by_key(|d| d.at_ms);
        let mut results = Vec::with_capacity(due.len());
        for d in due {
            let ts = clock::real_now_ms() / 1000;
            let headers = cmr::webhooks::signature_headers(&secret, ts, d.body.as_bytes());
            let mut rb = shared.http.post(&url).header("content-type", "application/json").body(d.body.clone());
            for (k, v) in &headers {
                rb = rb.header(*k, v);
            }
            let (status, error) = match rb.send().await {
                Ok(r) => (Some(r.status().as_u16()), None),
                Err(e) => (None, Some(e.to_string())),
            };
            results.push((d, headers, status, error));
        }
        let mut w = shared.world.lock();
        for (d, headers, status, error) in results {
            let Some(e) = w.events.iter_mut().find(|e| e.event_id == d.event_id) else { continue };
            e.headers = headers.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
            e.headers.insert("content-type".into(), "application/json".into());
            e.deliveries.push(DeliveryRec { attempt: d.attempt, status, error, at: clock::rfc3339(d.at_ms) });
            let ok = status.is_some_and(|s| (200..300).contains(&s));
            if ok {
                e.state = "delivered".into();
            } else if d.attempt < MAX_ATTEMPTS {
                e.state = "pending".into();
                e.next_attempt_ms = Some(d.at_ms + RETRY_DELAYS_MS[(d.attempt - 1) as usize]);
            } else {
                e.state = "failed".into();
            }
        }
        w.dirty = true;
    }
    let keep = shared.config.lock().max_events;
    shared.world.lock().prune_events(keep);
    shared.request_save();
}
