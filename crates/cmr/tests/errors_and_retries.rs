//! Error classes, retry policy, Retry-After, pacing, and key redaction,
//! against the sandbox's fault injection.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use cmr::models::*;
use cmr::{Client, ErrorKind};
use cmr_sandbox::SandboxOptions;
use serde_json::{json, Value};

fn scenarios(name: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios").join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Every case of tests/scenarios/errors.json maps to its error kind, with request details.
#[tokio::test]
async fn shared_error_scenarios() {
    let e = env().await;
    for case in scenarios("errors.json")["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        e.control("DELETE", "/faults", Value::Null).await;
        let before = e.hits("GET", "/users/list").await + e.hits("GET", "/users").await;
        if let Some(f) = case.get("fault") {
            e.fault(f.clone()).await;
        }
        let mut b = Client::builder().api_key(e.sandbox.api_key()).base_url(e.sandbox.base_url()).max_retries(0);
        if let Some(setup) = case.get("setup") {
            if let Some(k) = setup["apiKey"].as_str() {
                b = b.api_key(k);
            }
            if let Some(ms) = setup["timeoutMs"].as_u64() {
                b = b.timeout(Duration::from_millis(ms));
            }
        }
        let client = b.build().unwrap();
        let err = cmr::ops::call(&client, case["op"].as_str().unwrap(), case["args"].clone())
            .await
            .expect_err(name);
        assert_eq!(err.code(), case["code"].as_str().unwrap(), "{name}: {err}");
        if let Some(s) = case["status"].as_u64() {
            assert_eq!(err.status(), Some(s as u16), "{name}");
            assert!(err.body().is_some(), "{name}: raw body kept");
        }
        if let Some(ra) = case["retryAfter"].as_u64() {
            assert_eq!(err.retry_after(), Some(Duration::from_secs(ra)), "{name}");
        }
        if case["noRequest"].as_bool() == Some(true) {
            let after = e.hits("GET", "/users/list").await + e.hits("GET", "/users").await;
            assert_eq!(before, after, "{name}: nothing sent");
        } else {
            assert!(err.method().is_some() && err.path().is_some(), "{name}: request details");
        }
    }
}

#[tokio::test]
async fn get_is_retried_after_503_and_succeeds() {
    let e = env_with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() }, |b| b.max_retries(2)).await;
    e.fault(json!({"method": "GET", "path": "/users/list", "count": 2, "kind": "status", "status": 503})).await;
    e.client.users().list(&ListUsersParams::default()).await.expect("third attempt succeeds");
    assert_eq!(e.hits("GET", "/users/list").await, 3);
}

#[tokio::test]
async fn get_gives_up_after_max_retries() {
    let e = env_with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() }, |b| b.max_retries(1)).await;
    e.fault(json!({"method": "GET", "path": "/users/list", "count": 5, "kind": "status", "status": 502})).await;
    let err = e.client.users().list(&ListUsersParams::default()).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Server, Some(502)));
    assert_eq!(e.hits("GET", "/users/list").await, 2);
}

#[tokio::test]
async fn write_is_never_retried_after_a_500() {
    let e = env_with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() }, |b| b.max_retries(3)).await;
    let user = e.user("w@acme.com").await;
    e.fault(json!({"method": "POST", "path": "/orders/json", "count": 1, "kind": "status", "status": 500})).await;
    let err = e.client.orders().create(&user.id, &order("w-example.com", &["a"])).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert!(err.may_have_been_sent());
    assert_eq!(e.hits("POST", "/orders/json").await, 1, "a write that may have been accepted is not resent");
}

#[tokio::test]
async fn write_is_never_retried_after_a_dropped_connection() {
    let e = env_with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() }, |b| b.max_retries(3)).await;
    let user = e.user("d@acme.com").await;
    e.fault(json!({"method": "POST", "path": "/orders/json", "count": 1, "kind": "drop"})).await;
    let err = e.client.orders().create(&user.id, &order("d-example.com", &["a"])).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert_eq!(e.hits("POST", "/orders/json").await, 1);
}

#[tokio::test]
async fn write_is_retried_after_429_honouring_retry_after() {
    let e = env_with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() }, |b| b.max_retries(2)).await;
    let user = e.user("r@acme.com").await;
    e.fault(json!({"method": "POST", "path": "/orders/json", "count": 1, "kind": "status", "status": 429, "retryAfter": 0})).await;
    e.client.orders().create(&user.id, &order("r-example.com", &["a"])).await.expect("429 is safe to retry");
    assert_eq!(e.hits("POST", "/orders/json").await, 2);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_returned_not_waited() {
    let e = env_with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() }, |b| b.max_retries(3)).await;
    e.fault(json!({"path": "/users/list", "count": 1, "kind": "status", "status": 429, "retryAfter": 3600})).await;
    let err = e.client.users().list(&ListUsersParams::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(e.hits("GET", "/users/list").await, 1);
}

#[tokio::test]
async fn connection_refused_is_a_network_error_and_retried_for_writes() {
    // Nothing listens on this port: the request provably never reached a server.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::builder()
        .api_key("k")
        .base_url(format!("http://127.0.0.1:{port}/api/v1/integration"))
        .max_retries(2)
        .retry_base_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let err = client.users().create(&new_user("x@acme.com")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert!(!err.may_have_been_sent());
}

#[tokio::test]
async fn server_rate_limit_is_absorbed_by_pacing() {
    // The sandbox enforces 5 req/s; a client paced to 5 req/s never sees a 429.
    let e = env_with(SandboxOptions { port: 0, rate_limit: Some(5), ..Default::default() }, |b| b.max_retries(0).pace_to_rate_limit()).await;
    for _ in 0..8 {
        e.client.geo().countries().await.expect("paced requests stay under the limit");
    }
    // Unpaced, the same burst is refused with a 429 carrying Retry-After.
    let unpaced = Client::builder().api_key(e.sandbox.api_key()).base_url(e.sandbox.base_url()).max_retries(0).build().unwrap();
    let mut limited = None;
    for _ in 0..10 {
        if let Err(err) = unpaced.geo().countries().await {
            limited = Some(err);
            break;
        }
    }
    let err = limited.expect("a burst over 5/s is rate limited");
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(err.retry_after().is_some());
}

#[tokio::test]
async fn validation_fails_before_sending() {
    let e = env().await;
    let bad_email = CreateUser { email: "not-an-email".into(), ..new_user("x@y.z") };
    assert_eq!(e.client.users().create(&bad_email).await.unwrap_err().kind(), ErrorKind::Validation);
    assert_eq!(e.client.users().get("").await.unwrap_err().kind(), ErrorKind::Validation);
    assert_eq!(e.client.users().get("a&b=c").await.unwrap_err().kind(), ErrorKind::Validation);
    assert_eq!(e.client.dns().delete("U", "").await.unwrap_err().kind(), ErrorKind::Validation);
    let both = CancelSubscription { subscription_id: Some("S".into()), domain: Some("a.com".into()) };
    let err = e.client.subscriptions().cancel(&both).await.unwrap_err();
    assert!(err.message().contains("mutually exclusive"));
    let ms = CreateOrder { service_provider: Some(ServiceProvider::Microsoft), google: None, ..order("ms-example.com", &["a"]) };
    assert!(e.client.orders().create("U", &ms).await.unwrap_err().message().contains("microsoftOauthRoute"));
    let log = e.control("GET", "/requests", Value::Null).await;
    let n = log.as_array().map(|a| a.len()).or_else(|| log["requests"].as_array().map(|a| a.len())).unwrap();
    assert_eq!(n, 0, "no request reached the server: {log}");
}

#[tokio::test]
async fn shared_webhook_vectors() {
    let v = scenarios("webhook_vectors.json");
    let secret = v["secret"].as_str().unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.iter().filter(|c| c["valid"] == true).count() >= 10 && cases.len() >= 40, "every accepted form and near miss");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let headers: Vec<(String, String)> = case["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let body = case["body"].as_str().unwrap().as_bytes();
        let now = case["now"].as_i64().unwrap();
        let r = cmr::webhooks::verify_at(body, &headers, secret, cmr::webhooks::DEFAULT_TOLERANCE, now);
        if case["valid"].as_bool().unwrap() {
            r.unwrap_or_else(|e| panic!("{name}: {e}"));
            let ev = cmr::webhooks::parse(body).unwrap();
            assert_eq!(ev.event, case["event"].as_str().unwrap(), "{name}");
            assert_eq!(ev.event_id.as_deref(), case["eventId"].as_str(), "{name}");
        } else {
            let err = r.expect_err(name);
            assert_eq!(err.kind(), ErrorKind::Signature, "{name}");
            if let Some(s) = case["errorContains"].as_str() {
                assert!(err.message().contains(s), "{name}: {}", err.message());
            }
        }
    }
}

#[tokio::test]
async fn webhooks_are_delivered_signed_to_a_receiver_and_retried() {
    use axum::{body::Bytes, http::HeaderMap, routing::post, Router};
    let received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>> = Arc::default();
    let fail_first = Arc::new(Mutex::new(true));
    let (r, f) = (received.clone(), fail_first.clone());
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let (r, f) = (r.clone(), f.clone());
            async move {
                let mut fail = f.lock().unwrap();
                if *fail {
                    *fail = false;
                    return axum::http::StatusCode::INTERNAL_SERVER_ERROR;
                }
                r.lock().unwrap().push((headers, body));
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let e = env_with(
        SandboxOptions { port: 0, rate_limit: None, webhook_url: Some(hook_url), ..Default::default() },
        |b| b.max_retries(0),
    )
    .await;
    let user = e.user("hook@acme.com").await;
    e.client.orders().create(&user.id, &order("hook-example.com", &["a"])).await.unwrap();
    e.advance(5).await; // domain.order.success: first delivery fails with 500
    assert!(received.lock().unwrap().is_empty());
    e.advance(30).await; // the documented retry after ~30 s
    e.advance(60).await; // and the rest of the lifecycle
    let got = received.lock().unwrap().clone();
    assert!(got.len() >= 3, "delivered: {}", got.len());
    let mut names = vec![];
    for (headers, body) in &got {
        let ev = cmr::webhooks::construct_event(body, headers, &e.sandbox.webhook_secret(), Duration::from_secs(10 * 365 * 86_400))
            .expect("a sandbox delivery verifies");
        // The sandbox signs with the one canonical form: the core's `sign` (lowercase hex).
        let ts: i64 = headers["cmr-x-timestamp"].to_str().unwrap().parse().unwrap();
        assert_eq!(headers["cmr-x-signature"].to_str().unwrap(), cmr::webhooks::sign(&e.sandbox.webhook_secret(), ts, body));
        names.push(ev.event);
    }
    // A failed delivery does not hold back later events: the retry of
    // domain.order.success falls due at +35 s, after mailbox.order.success
    // (+10 s) and mailbox.created (+30 s).
    assert_eq!(names, ["mailbox.order.success", "mailbox.created", "domain.order.success"]);
    let log = e.webhooks().await;
    let first = log.iter().find(|h| h["event"] == "domain.order.success").unwrap();
    assert_eq!(first["deliveries"].as_array().unwrap().len(), 2, "one failed attempt, one success: {first}");
}

/// A `tracing` writer that records everything written to it.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);
impl std::io::Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_key_never_appears_in_debug_errors_or_logs() {
    let secret_key = "ck_live_SUPERSECRET_0123456789";
    let capture = Capture::default();
    let w = capture.clone();
    let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || w.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let e = env().await;
    let client = Client::builder()
        .api_key(secret_key)
        .base_url(e.sandbox.base_url())
        .max_retries(1)
        .retry_base_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let dbg = format!("{client:?}");
    assert!(!dbg.contains(secret_key) && dbg.contains("****"), "{dbg}");
    assert!(!format!("{:?}", cmr::ApiKey::new(secret_key)).contains(secret_key));

    e.fault(json!({"path": "/users/list", "count": 1, "kind": "status", "status": 503})).await;
    let err = client.users().list(&ListUsersParams::default()).await.unwrap_err(); // 503 then 401
    assert_eq!(err.kind(), ErrorKind::Authentication);
    for text in [format!("{err}"), format!("{err:?}"), err.body().unwrap_or_default().to_string()] {
        assert!(!text.contains(secret_key), "{text}");
    }
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying in"), "logs were captured: {logs}");
    assert!(!logs.contains(secret_key), "key in logs: {logs}");
}

#[tokio::test]
async fn per_request_options_override_timeout_and_retries() {
    let e = env_with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() }, |b| b.max_retries(0)).await;
    e.fault(json!({"path": "/users/list", "count": 1, "kind": "status", "status": 503})).await;
    let patient = e.client.with_options(cmr::RequestOptions { max_retries: Some(1), ..Default::default() });
    patient.users().list(&ListUsersParams::default()).await.expect("the view retries once");
    e.fault(json!({"path": "/users/list", "count": 1, "kind": "delay", "delayMs": 1500})).await;
    let hasty = e.client.with_options(cmr::RequestOptions { timeout: Some(Duration::from_millis(100)), ..Default::default() });
    assert_eq!(hasty.users().list(&ListUsersParams::default()).await.unwrap_err().kind(), ErrorKind::Timeout);
    // Extra headers go out, but cannot replace the key header.
    let spoof = e.client.with_options(cmr::RequestOptions { headers: vec![("cmr-x-api-key".into(), "bad".into())], ..Default::default() });
    spoof.users().list(&ListUsersParams::default()).await.expect("the configured key is kept");
}

#[tokio::test]
async fn sandbox_mode_sends_the_sandbox_header() {
    let e = env().await;
    let sb = Client::builder().api_key(e.sandbox.api_key()).base_url(e.sandbox.base_url()).sandbox(true).build().unwrap();
    assert!(sb.is_sandbox());
    sb.geo().countries().await.expect("the sandbox accepts cmr-x-sandbox-api-key");
}

#[test]
fn missing_key_is_a_clear_validation_error() {
    std::env::remove_var(cmr::config::ENV_API_KEY);
    let err = Client::builder().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(err.message().contains("CMR_API_KEY"));
    let err = Client::builder().api_key("k").base_url("ftp://x").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
}

#[tokio::test]
async fn answers_that_break_the_contract_are_decode_errors_with_status_and_body() {
    use axum::{routing::get, Router};
    let app = Router::new()
        .route("/api/v1/integration/users/list", get(|| async { r#"{"status":200,"message":"ok","data":{"users":"nope"}}"# }))
        .route("/api/v1/integration/users", get(|| async { r#"{"status":200,"message":"ok","data":[1,2]}"# }))
        .route("/api/v1/integration/geo/countries", get(|| async { "<html>maintenance</html>" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/v1/integration", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::builder().api_key("k").base_url(base).max_retries(0).build().unwrap();

    for err in [
        client.users().list(&ListUsersParams::default()).await.unwrap_err(),
        client.users().get("U1").await.unwrap_err(),
        client.geo().countries().await.unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert_eq!(err.status(), Some(200), "{err}");
        assert!(err.body().is_some_and(|b| !b.is_empty()), "{err}");
        assert!(err.method().is_some() && err.path().is_some());
    }
}

#[tokio::test]
async fn deliveries_due_together_arrive_in_lifecycle_order() {
    use axum::{body::Bytes, routing::post, Router};
    let names: Arc<Mutex<Vec<String>>> = Arc::default();
    let n = names.clone();
    let app = Router::new().route(
        "/hook",
        post(move |body: Bytes| {
            let n = n.clone();
            async move {
                n.lock().unwrap().push(cmr::webhooks::parse(&body).unwrap().event);
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let e = env_with(SandboxOptions { port: 0, rate_limit: None, webhook_url: Some(hook_url), ..Default::default() }, |b| b).await;
    let user = e.user("order@acme.com").await;
    e.client.orders().create(&user.id, &order("order-example.com", &["a", "b", "c"])).await.unwrap();
    e.advance(60).await; // every step falls due in this one advance
    assert_eq!(
        *names.lock().unwrap(),
        ["domain.order.success", "mailbox.order.success", "mailbox.created", "mailbox.created", "mailbox.created"]
    );
}
