//! Contract tests from the docs, independent of the route table: for every
//! request example of `shared/cmr-api/examples` (copied verbatim into
//! `tests/fixtures`) whose page documents a method and path, the request our
//! client puts on the wire (method, path, query, JSON body) matches the
//! example. The expected method and path below are copied from the docs
//! pages (`shared/cmr-api/*.md`), never read from `routes.rs`, so a guessed
//! or mistyped route fails here.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{Method, Uri};
use axum::routing::any;
use axum::{Json, Router};
use serde_json::{json, Value};

const BASE: &str = "/api/v1/integration";
const USER: &str = "4CZNXJNXEEMECTH5Q65AXCB8QE78";

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    body: Value,
}

type Log = Arc<Mutex<Vec<Seen>>>;

async fn capture(State(log): State<Log>, method: Method, uri: Uri, Query(q): Query<BTreeMap<String, String>>, body: Bytes) -> Json<Value> {
    let body = if body.is_empty() { Value::Null } else { serde_json::from_slice(&body).unwrap_or(Value::String("<not json>".into())) };
    log.lock().unwrap().push(Seen { method: method.to_string(), path: uri.path().to_string(), query: q, body });
    Json(json!({"status": 200, "message": "ok", "data": null}))
}

fn fixture(name: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

fn with(mut v: Value, extra: Value) -> Value {
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    v
}

/// (example, operation, its arguments, documented method, documented path, documented query)
type Case = (&'static str, &'static str, Value, &'static str, &'static str, Vec<(&'static str, &'static str)>);

fn cases() -> Vec<Case> {
    let u = || json!({"userId": USER});
    let uq = vec![("userId", USER)];
    vec![
        // users.md [docs]
        ("users.create.request.json", "users.create", fixture("users.create.request.json"), "POST", "/users", vec![]),
        ("users.update.request.json", "users.update", with(fixture("users.update.request.json"), u()), "PUT", "/users", uq.clone()),
        // domains.md [docs]
        ("domains.renewal-price.request.json", "domains.renewal_price", fixture("domains.renewal-price.request.json"), "POST", "/domains/renewal-price", vec![]),
        ("domains.toggle-auto-renew.request.json", "domains.toggle_auto_renew", fixture("domains.toggle-auto-renew.request.json"), "PATCH", "/domains/toggle-auto-renew", vec![]),
        // export.md [docs]
        ("export.platform-credential.add.request.json", "exports.add_credential", with(fixture("export.platform-credential.add.request.json"), u()), "POST", "/exports/platform-credential", uq.clone()),
        // mailboxes.md [docs] and [guide]
        ("mailboxes.remove.request.json", "mailboxes.remove", with(fixture("mailboxes.remove.request.json"), u()), "DELETE", "/mailboxes/remove", uq.clone()),
        ("mailboxes.update.request.bulk.guide.json", "mailboxes.update_many", with(fixture("mailboxes.update.request.bulk.guide.json"), u()), "PATCH", "/mailboxes/update-mailbox-details", uq.clone()),
        // subscriptions.md [docs]
        ("subscriptions.cancel.request.json", "subscriptions.cancel", fixture("subscriptions.cancel.request.json"), "POST", "/subscriptions/cancel", vec![]),
        ("subscriptions.renew.request.json", "subscriptions.renew", fixture("subscriptions.renew.request.json"), "POST", "/subscriptions/renew-subscriptions", vec![]),
        ("subscriptions.recreate.request.by-domain-names.json", "subscriptions.recreate", fixture("subscriptions.recreate.request.by-domain-names.json"), "POST", "/component/subscriptions/recreate", vec![]),
        ("subscriptions.recreate.request.by-subscription-ids.json", "subscriptions.recreate", fixture("subscriptions.recreate.request.by-subscription-ids.json"), "POST", "/component/subscriptions/recreate", vec![]),
        // dns.md [docs]+[guide]
        ("dns.add.request.guide.json", "dns.add", with(fixture("dns.add.request.guide.json"), u()), "POST", "/dns", uq.clone()),
        ("dns.add.request.multi.guide.json", "dns.add", with(fixture("dns.add.request.multi.guide.json"), u()), "POST", "/dns", uq.clone()),
        ("dns.update.request.guide.json", "dns.update", with(fixture("dns.update.request.guide.json"), u()), "PUT", "/dns", uq.clone()),
        // orders.md [docs]+[guide]
        ("orders.json.request.guide.json", "orders.create", with(fixture("orders.json.request.guide.json"), u()), "POST", "/orders/json", uq.clone()),
        ("orders.json.request.onwarmup.guide.json", "orders.create", with(fixture("orders.json.request.onwarmup.guide.json"), u()), "POST", "/orders/json", uq.clone()),
        // prewarmup.md [guide]
        ("prewarmup.order.request.google.guide.json", "prewarmup.order", with(fixture("prewarmup.order.request.google.guide.json"), u()), "POST", "/pre-warmup/order", uq.clone()),
        ("prewarmup.order.request.microsoft.guide.json", "prewarmup.order", with(fixture("prewarmup.order.request.microsoft.guide.json"), u()), "POST", "/pre-warmup/order", uq),
    ]
}

#[tokio::test]
async fn the_wire_matches_every_documented_request_example() {
    let log: Log = Arc::default();
    let app = Router::new().fallback(any(capture)).with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = cmr::Client::builder().api_key("k").base_url(format!("http://{addr}{BASE}")).max_retries(0).build().unwrap();

    let mut failures = Vec::new();
    for (example, op, args, method, path, query) in cases() {
        log.lock().unwrap().clear();
        if let Err(e) = cmr::ops::call(&client, op, args).await {
            failures.push(format!("{example}: {op} failed before or on the wire: {e}"));
            continue;
        }
        let seen = log.lock().unwrap().clone();
        let [s] = seen.as_slice() else {
            failures.push(format!("{example}: expected one request, saw {}", seen.len()));
            continue;
        };
        let want_query: BTreeMap<String, String> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let want_body = {
            let mut b = fixture(example);
            // `userId` travels in the query for these routes, never in the body.
            if !want_query.is_empty() {
                if let Value::Object(m) = &mut b {
                    m.remove("userId");
                }
            }
            b
        };
        if s.method != method || s.path != format!("{BASE}{path}") || s.query != want_query || s.body != want_body {
            failures.push(format!(
                "{example} ({op}):\n  documented {method} {path} {want_query:?} {want_body}\n  sent       {} {} {:?} {}",
                s.method, s.path, s.query, s.body
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} examples differ:\n{}", failures.len(), cases().len(), failures.join("\n"));
}
