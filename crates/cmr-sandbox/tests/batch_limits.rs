//! Batch limits (`dns.add` records, `mailboxData` arrays) and the rolling
//! one-second rate limit, as CMR has them.

mod common;

use common::*;
use serde_json::{json, Value};

fn txt(i: usize) -> Value {
    json!({"host": format!("h{i}"), "value": format!("v{i}"), "recordType": "TXT"})
}

#[tokio::test]
async fn batches_over_the_limit_are_refused_whole_and_apply_nothing() {
    let t = start_with(cmr_sandbox::SandboxOptions { rate_limit: None, ..Default::default() }).await;
    assert_eq!(t.ctl("GET", "/config", None).await["maxBatch"], cmr_sandbox::DEFAULT_MAX_BATCH);
    let seed = t.ctl("POST", "/seed", None).await;
    let (uid, dom) = (seed["userId"].as_str().unwrap(), seed["domain"].as_str().unwrap());
    let count = |v: &Value| v["records"].as_array().map_or(0, Vec::len);
    let before = count(t.get("/dns", &[("userId", uid), ("domain", dom)]).await.ok().data());

    let big: Vec<Value> = (0..=cmr_sandbox::DEFAULT_MAX_BATCH).map(txt).collect();
    let r = t.post("/dns", &[("userId", uid)], json!({"domain": dom, "records": big})).await.expect(400);
    assert!(r.msg().starts_with("Too many records: at most 100 per request"), "{}", r.msg());
    let at_limit: Vec<Value> = (0..cmr_sandbox::DEFAULT_MAX_BATCH).map(txt).collect();
    t.post("/dns", &[("userId", uid)], json!({"domain": dom, "records": at_limit})).await.expect(200);

    // Configurable at run time; mailbox updates share the limit.
    assert_eq!(t.ctl("PUT", "/config", Some(json!({"maxBatch": 3}))).await["maxBatch"], 3);
    let r = t.post("/dns", &[("userId", uid)], json!({"domain": dom, "records": (0..4).map(txt).collect::<Vec<_>>()})).await.expect(400);
    assert!(r.msg().contains("at most 3"));
    let ids = seed["mailboxIds"].as_array().unwrap();
    let changes: Vec<Value> = (0..4).map(|i| json!({"mailboxId": ids[i % 2], "firstName": format!("F{i}")})).collect();
    let r = t.call("PATCH", "/mailboxes/update-mailbox-details", &[("userId", uid)], Some(json!({"mailboxData": changes}))).await.expect(400);
    assert!(r.msg().starts_with("Too many mailboxes: at most 3"), "{}", r.msg());
    let after = count(t.get("/dns", &[("userId", uid), ("domain", dom)]).await.ok().data());
    assert_eq!(after, before + cmr_sandbox::DEFAULT_MAX_BATCH, "refused batches applied nothing");
    assert!(t.mailboxes_of(uid).await.iter().all(|m| !m["firstName"].as_str().unwrap_or("").starts_with('F')));

    let put = |v: Value| t.http.put(format!("{}/__sandbox/config", t.sb.url())).json(&v).send();
    assert_eq!(put(json!({"maxBatch": 0})).await.unwrap().status(), 400);
    assert_eq!(put(json!({"maxBatch": "ten"})).await.unwrap().status(), 400);
}

#[tokio::test]
async fn bulk_mailbox_updates_answer_per_item() {
    let t = start_with(cmr_sandbox::SandboxOptions { rate_limit: None, ..Default::default() }).await;
    let seed = t.ctl("POST", "/seed", None).await;
    let uid = seed["userId"].as_str().unwrap();
    let ids = seed["mailboxIds"].as_array().unwrap();
    let body = json!({"mailboxData": [
        {"mailboxId": ids[0], "firstName": "Ann"},
        {"mailboxId": "NOPE", "firstName": "X"},
        {"mailboxId": ids[1], "userName": "bad name"},
    ]});
    let r = t.call("PATCH", "/mailboxes/update-mailbox-details", &[("userId", uid)], Some(body)).await.expect(200);
    let items = r.data().as_array().unwrap();
    let ok: Vec<bool> = items.iter().map(|i| i["success"].as_bool().unwrap()).collect();
    assert_eq!(ok, vec![true, false, false]);
    assert_eq!(items[1]["mailboxId"], "NOPE");
    assert!(items.iter().all(|i| i["message"].is_string()));
}

#[tokio::test]
async fn the_rolling_window_answers_429_with_the_time_left_in_whole_seconds() {
    let t = start_with(cmr_sandbox::SandboxOptions::default()).await;
    for _ in 0..5 {
        t.get("/wallet", &[]).await.expect(200);
    }
    // The oldest accepted request leaves the window in under a second.
    let r = t.get("/wallet", &[]).await.expect(429);
    let ra: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert_eq!(ra, 1);
}
