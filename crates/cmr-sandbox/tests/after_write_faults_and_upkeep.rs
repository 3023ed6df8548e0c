//! Faults that apply the request and then lose (`drop_after`) or delay
//! (`delay_after`) the answer, proven with the real `cmr::Client`; bounded
//! request and webhook logs; background persistence with failing saves.
mod common;
use common::*;
use std::time::{Duration, Instant};

use cmr::models::*;
use cmr::{Client, ErrorKind, RequestOptions};
use serde_json::{json, Value};

fn client(t: &T, retries: u32) -> Client {
    Client::builder()
        .api_key(t.sb.api_key())
        .base_url(t.sb.base_url())
        .max_retries(retries)
        .retry_base_delay(Duration::from_millis(10))
        .retry_max_delay(Duration::from_millis(50))
        .build()
        .expect("client builds")
}

fn cmr_order(domain: &str) -> CreateOrder {
    let mut mailboxes = std::collections::HashMap::new();
    mailboxes.insert(
        domain.to_string(),
        vec![NewMailbox { username: "ann".into(), first_name: "Ann".into(), last_name: "Lee".into(), ..Default::default() }],
    );
    CreateOrder {
        domains: vec![OrderDomain { domain: domain.to_string(), years: 1, ..Default::default() }],
        mailboxes,
        confirm: Some(true),
        google: Some(GoogleConfig {
            google_oauth_route: Some("https://app.example.com/oauth".into()),
            client_id: Some("client-1".into()),
            app_name: Some("App".into()),
        }),
        ..Default::default()
    }
}

async fn fault(t: &T, f: Value) -> u16 {
    t.http.post(format!("{}/__sandbox/faults", t.sb.url())).json(&f).send().await.unwrap().status().as_u16()
}

async fn requests_for(t: &T, method: &str, path: &str) -> Vec<Value> {
    let log = t.ctl("GET", "/requests", None).await;
    log.as_array().unwrap().iter().filter(|r| r["method"] == method && r["path"] == path).cloned().collect()
}

/// Orders the sandbox holds whose request names `domain`.
async fn orders_for(t: &T, domain: &str) -> usize {
    let state = t.ctl("GET", "/state", None).await;
    state["orders"]
        .as_object()
        .unwrap()
        .values()
        .filter(|o| o["request"]["domains"].as_array().is_some_and(|ds| ds.iter().any(|d| d["domain"] == domain)))
        .count()
}

#[tokio::test]
async fn drop_after_applies_the_order_and_the_client_does_not_resend_it() {
    let t = start().await;
    let c = client(&t, 3);
    let new_user = CreateUser {
        email: "lost@acme.com".into(),
        company: "Acme".into(),
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        country: "US".into(),
        city: "Austin".into(),
        address_line_one: "1 Main St".into(),
        language_preference: "en".into(),
        postal_code: "73301".into(),
        state: "TX".into(),
        phone_cc: "1".into(),
        phone: "5125550100".into(),
        ..Default::default()
    };
    let user = c.users().create(&new_user).await.expect("user created");
    assert_eq!(fault(&t, json!({"method": "POST", "path": "/orders/json", "kind": "drop_after"})).await, 200);

    let err = c.orders().create(&user.id, &cmr_order("lost-answer.com")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    assert!(err.may_have_been_sent(), "the request reached the server: {err}");

    let posts = requests_for(&t, "POST", "/orders/json").await;
    assert_eq!(posts.len(), 1, "not re-sent: {posts:?}");
    assert_eq!(posts[0]["fault"], "drop_after");
    assert_eq!(posts[0]["status"], 200, "the handler's real status is logged");
    assert_eq!(orders_for(&t, "lost-answer.com").await, 1, "the server applied the order exactly once");
    // The fault was used up: the same order now gets its answer (and is a second order).
    c.orders().create(&user.id, &cmr_order("lost-answer-2.com")).await.expect("answered");
    assert_eq!(orders_for(&t, "lost-answer-2.com").await, 1);
}

#[tokio::test]
async fn delay_after_applies_the_order_and_a_client_timeout_does_not_resend_it() {
    let t = start().await;
    let c = client(&t, 3);
    let uid = t.create_user("late@acme.com").await;
    fault(&t, json!({"method": "POST", "path": "/orders/json", "kind": "delay_after", "delayMs": 10_000})).await;

    let short = c.with_options(RequestOptions { timeout: Some(Duration::from_millis(300)), ..Default::default() });
    let t0 = Instant::now();
    let err = short.orders().create(&uid, &cmr_order("late-answer.com")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.may_have_been_sent(), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(5), "gave up at the client timeout, not the server's delay: {:?}", t0.elapsed());

    let posts = requests_for(&t, "POST", "/orders/json").await;
    assert_eq!(posts.len(), 1, "not re-sent: {posts:?}");
    assert_eq!((posts[0]["fault"].as_str(), posts[0]["status"].as_u64()), (Some("delay_after"), Some(200)));
    assert_eq!(orders_for(&t, "late-answer.com").await, 1);
}

#[tokio::test]
async fn delay_after_answers_late_with_the_real_result() {
    let t = start().await;
    let uid = t.create_user("slow@acme.com").await;
    fault(&t, json!({"method": "POST", "path": "/orders/json", "kind": "delay_after", "delayMs": 300})).await;
    let t0 = Instant::now();
    let r = t.post("/orders/json", &[("userId", &uid)], order_body("slow-answer.com", &["a"])).await.ok();
    assert!(t0.elapsed() >= Duration::from_millis(300), "{:?}", t0.elapsed());
    assert!(r.data()["orderId"].as_str().is_some_and(|s| !s.is_empty()), "{}", r.body);
    assert_eq!(orders_for(&t, "slow-answer.com").await, 1);
}

#[tokio::test]
async fn a_get_whose_answer_is_dropped_is_retried_and_succeeds() {
    let t = start().await;
    let c = client(&t, 2);
    t.create_user("reader@acme.com").await;
    fault(&t, json!({"method": "GET", "path": "/users/list", "kind": "drop_after"})).await;
    let page = c.users().list(&ListUsersParams::default()).await.expect("the retry succeeds");
    assert_eq!(page.items.len(), 1);
    let gets = requests_for(&t, "GET", "/users/list").await;
    assert_eq!(gets.len(), 2, "{gets:?}");
    assert_eq!((gets[0]["fault"].as_str(), gets[0]["status"].as_u64()), (Some("drop_after"), Some(200)));
    assert_eq!((gets[1]["fault"].as_str(), gets[1]["status"].as_u64()), (None, Some(200)));
}

#[tokio::test]
async fn after_faults_match_method_and_count_and_apply_to_rejected_requests_too() {
    let t = start().await;
    fault(&t, json!({"method": "POST", "path": "/users", "count": 2, "kind": "drop_after"})).await;
    // GET /users does not match the POST fault.
    t.get("/users", &[("userId", "X")]).await.expect(404);
    for email in ["a@acme.com", "a@acme.com"] {
        let e = t.http.post(format!("{}/users", t.sb.base_url())).header("cmr-x-api-key", cmr_sandbox::DEFAULT_API_KEY).json(&user_body(email)).send().await;
        assert!(e.is_err(), "no answer: {e:?}");
    }
    t.post("/users", &[], user_body("b@acme.com")).await.expect(200);
    let posts = requests_for(&t, "POST", "/users").await;
    let seen: Vec<(u64, Option<&str>)> = posts.iter().map(|r| (r["status"].as_u64().unwrap(), r["fault"].as_str())).collect();
    // The second create of the same e-mail was handled too: a 409 conflict nobody saw.
    assert_eq!(seen, [(200, Some("drop_after")), (409, Some("drop_after")), (200, None)]);
    assert_eq!(t.get("/users/list", &[]).await.ok().data()["users"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn the_request_log_keeps_the_last_max_requests() {
    let t = start().await;
    let cfg = t.ctl("GET", "/config", None).await;
    assert_eq!((cfg["maxRequests"].as_u64(), cfg["maxEvents"].as_u64()), (Some(10_000), Some(1_000)));
    let cfg = t.ctl("PUT", "/config", Some(json!({"maxRequests": 5}))).await;
    assert_eq!(cfg["maxRequests"], 5);
    for i in 0..12 {
        t.get("/wallet", &[("n", &i.to_string())]).await.expect(200);
    }
    let log = t.ctl("GET", "/requests", None).await;
    let ns: Vec<&str> = log.as_array().unwrap().iter().map(|r| r["query"]["n"].as_str().unwrap()).collect();
    assert_eq!(ns, ["7", "8", "9", "10", "11"]);
    // Lowering the bound trims at once.
    t.ctl("PUT", "/config", Some(json!({"maxRequests": 2}))).await;
    assert_eq!(t.ctl("GET", "/requests", None).await.as_array().unwrap().len(), 2);
    for bad in [json!({"maxRequests": 0}), json!({"maxEvents": -1}), json!({"maxEvents": "5"}), json!({"maxRequests": 10_000_000})] {
        let s = t.http.put(format!("{}/__sandbox/config", t.sb.url())).json(&bad).send().await.unwrap().status();
        assert_eq!(s, 400, "{bad}");
    }
}

#[tokio::test]
async fn finished_webhook_events_are_pruned_but_pending_ones_are_kept() {
    let rx = Receiver::start().await;
    let t = start_with(cmr_sandbox::SandboxOptions { rate_limit: None, webhook_url: Some(rx.url.clone()), ..Default::default() }).await;
    t.ctl("PUT", "/config", Some(json!({"maxEvents": 3}))).await;
    let uid = t.create_user("events@acme.com").await;
    // 5 events delivered: domain.order.success, mailbox.order.success, 3 x mailbox.created.
    t.order_and_complete(&uid, "many-events.com", &["a", "b", "c"]).await;
    assert_eq!(rx.received().len(), 5);
    let kept = t.webhooks().await;
    let names: Vec<&str> = kept.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(names, ["mailbox.created"; 3], "the newest 3 are kept");
    assert!(kept.iter().all(|e| e["state"] == "delivered"));

    // The receiver fails: 4 new events wait for their next attempt and are all kept.
    rx.status.store(500, std::sync::atomic::Ordering::SeqCst);
    t.order_and_complete(&uid, "failing-events.com", &["d", "e"]).await;
    let all = t.webhooks().await;
    let pending = all.iter().filter(|e| e["state"] == "pending").count();
    assert_eq!(pending, 4, "{all:#?}");
    assert_eq!(all.len(), 7, "3 finished + 4 pending");

    // Once they fail for good they are finished too, and the bound applies.
    t.advance(3600.0).await;
    let all = t.webhooks().await;
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|e| e["state"] == "failed"), "{all:#?}");

    // Lowering the bound prunes at once.
    t.ctl("PUT", "/config", Some(json!({"maxEvents": 1}))).await;
    assert_eq!(t.webhooks().await.len(), 1);
}

#[tokio::test]
async fn events_never_delivered_for_lack_of_a_url_are_bounded_too() {
    let t = start().await;
    t.ctl("PUT", "/config", Some(json!({"maxEvents": 2}))).await;
    let uid = t.create_user("nourl@acme.com").await;
    t.order_and_complete(&uid, "no-url.com", &["a", "b"]).await;
    let all = t.webhooks().await;
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|e| e["state"] == "undelivered"));
}

async fn persistence(t: &T) -> Value {
    t.ctl("GET", "/health", None).await["persistence"].clone()
}

/// Poll the health report until `ok` holds (10 s deadline).
async fn wait_for(t: &T, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let p = persistence(t).await;
        if ok(&p) {
            return p;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}: {p}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_failing_save_keeps_the_state_dirty_is_reported_and_recovers() {
    let dir = std::env::temp_dir().join(format!("cmr-sandbox-save-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.sqlite");
    let opts = || cmr_sandbox::SandboxOptions { rate_limit: None, data_file: Some(file.clone()), ..Default::default() };

    let t = start_with(opts()).await;
    let p = persistence(&t).await;
    assert_eq!(p["enabled"], true);
    let a = t.create_user("saved@acme.com").await;
    let p = wait_for(&t, "the first save", |p| p["dirty"] == false && p["lastSavedAt"].is_string()).await;
    assert_eq!(p["lastError"], Value::Null);

    // The data directory is replaced by a plain file: every save fails.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, b"not a directory").unwrap();
    // Requests are still served (they never wait for a save).
    let b = t.create_user("unsaved@acme.com").await;
    let p = wait_for(&t, "the failure to show", |p| p["lastError"].is_string() && p["dirty"] == true).await;
    assert!(p["failures"].as_u64().unwrap() >= 1, "{p}");
    let state = t.ctl("GET", "/state", None).await;
    assert!(state["persistence"]["lastError"].is_string(), "{}", state["persistence"]);
    assert_eq!(state["persistence"]["dirty"], true);
    // It is retried: the failure count grows without any new request.
    let n = p["failures"].as_u64().unwrap();
    wait_for(&t, "a retry", |p| p["failures"].as_u64().unwrap_or(0) > n).await;

    // The condition is fixed: the next retry saves and clears the error.
    std::fs::remove_file(&dir).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let p = wait_for(&t, "the recovery", |p| p["lastError"].is_null() && p["dirty"] == false).await;
    assert_eq!(p["failures"], 0);
    // The background saver wrote both users (read the file itself, no shutdown save).
    let conn = rusqlite::Connection::open(&file).unwrap();
    let json: String = conn.query_row("SELECT json FROM snapshot WHERE id = 1", [], |r| r.get(0)).unwrap();
    drop(conn);
    assert!(json.contains(&a) && json.contains(&b), "both users are in the saved snapshot");
    t.sb.shutdown().await;
    let t = start_with(opts()).await;
    t.get("/users", &[("userId", &a)]).await.expect(200);
    t.get("/users", &[("userId", &b)]).await.expect(200);
    t.sb.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn without_a_data_file_persistence_is_reported_off() {
    let t = start().await;
    let h = t.ctl("GET", "/health", None).await;
    assert_eq!(h["ok"], true);
    assert_eq!(h["persistence"]["enabled"], false);
    assert_eq!(h["persistence"]["dirty"], false);
}
