//! The control API, fault injection, the rate limiter and the request log.
mod common;
use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn fault(t: &T, f: Value) -> reqwest::StatusCode {
    t.http.post(format!("{}/__sandbox/faults", t.sb.url())).json(&f).send().await.unwrap().status()
}

async fn requests(t: &T) -> Vec<Value> {
    t.ctl("GET", "/requests", None).await.as_array().unwrap().clone()
}

#[tokio::test]
async fn status_faults_apply_to_the_next_count_matching_requests() {
    let t = start().await;
    assert_eq!(fault(&t, json!({"path": "/users/list", "count": 2, "kind": "status", "status": 503, "retryAfter": 2})).await, 200);
    assert_eq!(fault(&t, json!({"method": "POST", "path": "/users", "kind": "status", "status": 500})).await, 200);
    for _ in 0..2 {
        let r = t.get("/users/list", &[]).await.expect(503);
        assert_eq!(r.headers["retry-after"], "2");
    }
    t.get("/users/list", &[]).await.expect(200);
    // The method filter: GET /users is not affected by the POST fault.
    t.get("/users", &[("userId", "X")]).await.expect(404);
    t.post("/users", &[], user_body("f@acme.com")).await.expect(500);
    t.post("/users", &[], user_body("f@acme.com")).await.expect(200);
    let log = requests(&t).await;
    let statuses: Vec<u64> = log.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [503, 503, 200, 404, 500, 200]);
    assert_eq!(log[0]["path"], "/users/list");
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[3]["query"]["userId"], "X");
    // A 429 fault carries the documented message.
    fault(&t, json!({"path": "/wallet", "kind": "status", "status": 429, "retryAfter": 1})).await;
    let r = t.get("/wallet", &[]).await.expect(429);
    assert_eq!(r.msg(), "Rate limit exceeded");
    // Faults can be listed and cleared.
    fault(&t, json!({"path": "/wallet", "count": 5, "kind": "status", "status": 500})).await;
    assert_eq!(t.ctl("GET", "/faults", None).await.as_array().unwrap().len(), 1);
    t.ctl("DELETE", "/faults", None).await;
    t.get("/wallet", &[]).await.expect(200);
}

#[tokio::test]
async fn delay_fault_delays_then_answers() {
    let t = start().await;
    fault(&t, json!({"path": "/wallet", "kind": "delay", "delayMs": 300})).await;
    let t0 = Instant::now();
    t.get("/wallet", &[]).await.expect(200);
    assert!(t0.elapsed() >= Duration::from_millis(300), "{:?}", t0.elapsed());
    // A client timeout shorter than the delay fails.
    fault(&t, json!({"path": "/wallet", "kind": "delay", "delayMs": 5000})).await;
    let c = cmr::http::client_builder().timeout(Duration::from_millis(100)).build().unwrap();
    let e = c.get(format!("{}/wallet", t.sb.base_url())).header("cmr-x-api-key", "cmr_test_key").send().await.unwrap_err();
    assert!(e.is_timeout(), "{e}");
}

#[tokio::test]
async fn drop_fault_closes_the_connection_without_an_answer() {
    let t = start().await;
    fault(&t, json!({"path": "/users", "method": "POST", "count": 1, "kind": "drop"})).await;
    let e = t
        .http
        .post(format!("{}/users", t.sb.base_url()))
        .header("cmr-x-api-key", "cmr_test_key")
        .json(&user_body("drop@acme.com"))
        .send()
        .await
        .unwrap_err();
    assert!(!e.is_timeout() && e.status().is_none(), "{e:?}");
    // Later requests are served; the dropped one is logged with status 0.
    t.post("/users", &[], user_body("drop@acme.com")).await.expect(200);
    let log = requests(&t).await;
    assert_eq!(log[0]["status"], 0);
    assert_eq!(log[0]["fault"], "drop");
}

#[tokio::test]
async fn invalid_faults_and_control_bodies_are_rejected() {
    let t = start().await;
    assert_eq!(fault(&t, json!({"path": "/nope", "kind": "status"})).await, 400);
    assert_eq!(fault(&t, json!({"path": "/users", "kind": "explode"})).await, 400);
    assert_eq!(fault(&t, json!({"path": "/users", "kind": "status", "status": 99})).await, 400);
    assert_eq!(fault(&t, json!({"kind": "status"})).await, 400);
    assert_eq!(fault(&t, json!({"path": "/api/v1/integration/users", "kind": "status", "status": 502})).await, 200, "full paths accepted");
    let c = &t.http;
    let u = t.sb.url();
    assert_eq!(c.post(format!("{u}/__sandbox/clock/advance")).json(&json!({"seconds": -1})).send().await.unwrap().status(), 400);
    assert_eq!(c.post(format!("{u}/__sandbox/clock/advance")).body("{").send().await.unwrap().status(), 400);
    assert_eq!(c.put(format!("{u}/__sandbox/wallet")).json(&json!({"balance": "x"})).send().await.unwrap().status(), 400);
    assert_eq!(c.put(format!("{u}/__sandbox/config")).json(&json!({"rateLimit": 0})).send().await.unwrap().status(), 400);
    assert_eq!(c.put(format!("{u}/__sandbox/config")).json(&json!({"bogus": 1})).send().await.unwrap().status(), 400);
    assert_eq!(c.put(format!("{u}/__sandbox/config")).json(&json!({"webhookUrl": "ftp://x"})).send().await.unwrap().status(), 400);
}

#[tokio::test]
async fn rate_limit_defaults_to_5_per_second_and_is_configurable() {
    let t = start_with(cmr_sandbox::SandboxOptions::default()).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(t.get("/wallet", &[]).await.status);
    }
    assert_eq!(&statuses[..5], [200; 5]);
    assert_eq!(statuses[5], 429);
    let r = t.get("/wallet", &[]).await.expect(429);
    assert_eq!(r.msg(), "Rate limit exceeded");
    let ra: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(ra >= 1);
    // The control API is not limited.
    for _ in 0..20 {
        t.ctl("GET", "/clock", None).await;
    }
    // Off.
    t.ctl("PUT", "/config", Some(json!({"rateLimit": null}))).await;
    for _ in 0..30 {
        t.get("/wallet", &[]).await.expect(200);
    }
    // 2 per second.
    let cfg = t.ctl("PUT", "/config", Some(json!({"rateLimit": 2}))).await;
    assert_eq!(cfg["rateLimit"], 2);
    t.get("/wallet", &[]).await.expect(200);
    t.get("/wallet", &[]).await.expect(200);
    t.get("/wallet", &[]).await.expect(429);
}

#[tokio::test]
async fn reset_wipes_everything_and_seed_creates_a_dataset() {
    let rx = Receiver::start().await;
    let t = start_with(cmr_sandbox::SandboxOptions { rate_limit: None, webhook_url: Some(rx.url.clone()), ..Default::default() }).await;
    let seed = t.ctl("POST", "/seed", None).await;
    let uid = seed["userId"].as_str().unwrap();
    assert_eq!(seed["mailboxIds"].as_array().unwrap().len(), 2);
    let mbs = t.mailboxes_of(uid).await;
    assert!(mbs.iter().all(|m| m["status"] == "ACTIVE"));
    assert_eq!(t.subscriptions_of(uid).await[0]["subscriptionId"], seed["subscriptionId"]);
    assert_eq!(t.get("/domains/by-user", &[("userId", uid)]).await.data()["domains"][0]["domainName"], seed["domain"]);
    // Seeding twice gives two distinct datasets.
    let seed2 = t.ctl("POST", "/seed", None).await;
    assert_ne!(seed2["domain"], seed["domain"]);

    t.order_and_complete(uid, "before-reset.com", &["a"]).await;
    t.set_wallet(3.0).await;
    fault(&t, json!({"path": "/wallet", "kind": "status", "status": 500})).await;
    t.ctl("PUT", "/config", Some(json!({"rateLimit": 1}))).await;
    assert!(!t.webhooks().await.is_empty());
    let clock_before = t.ctl("GET", "/clock", None).await;
    assert!(clock_before["offsetSeconds"].as_f64().unwrap() >= 60.0);

    t.ctl("POST", "/reset", None).await;
    assert!(t.webhooks().await.is_empty());
    assert!(requests(&t).await.is_empty());
    assert_eq!(t.ctl("GET", "/clock", None).await["offsetSeconds"], 0.0);
    assert_eq!(t.ctl("GET", "/faults", None).await, json!([]));
    assert_eq!(t.ctl("GET", "/config", None).await["rateLimit"], json!(null));
    assert_eq!(t.wallet().await, cmr_sandbox::DEFAULT_WALLET_BALANCE);
    t.get("/users", &[("userId", uid)]).await.expect(404);
    t.get("/wallet", &[]).await.expect(200);
}

#[tokio::test]
async fn clock_advances_virtual_time_only() {
    let t = start().await;
    let c0 = t.ctl("GET", "/clock", None).await["now"].as_str().unwrap().to_string();
    let c1 = t.advance(86400.0 * 2.0).await["now"].as_str().unwrap().to_string();
    assert!(c1 > c0);
    assert!(c1[..10] > c0[..10], "{c0} -> {c1}");
    // Frozen (the test helper froze it): reads agree to the millisecond.
    let a = t.ctl("GET", "/clock", None).await;
    assert_eq!(a["frozen"], true);
    assert_eq!(t.ctl("GET", "/clock", None).await["now"], a["now"]);
    // Unfreezing keeps the virtual time and lets real time move it again.
    let u = t.ctl("PUT", "/clock", Some(json!({"frozen": false}))).await;
    assert_eq!(u["frozen"], false);
    assert!(u["now"].as_str().unwrap() >= a["now"].as_str().unwrap());
    assert!(u["now"].as_str().unwrap()[..10] == c1[..10]);
}
