//! Request logging (issue #14): records captured through a sink, for a
//! retried call, failing calls and debug bodies; the key never appears.

mod common;

use std::sync::{Arc, Mutex};

use cmr::models::*;
use cmr::{LogLevel, LogRecord};
use cmr_sandbox::SandboxOptions;
use common::*;
use serde_json::json;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<LogRecord>>>);

impl Capture {
    fn take(&self) -> Vec<LogRecord> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

async fn logged(level: LogLevel) -> (Env, Capture) {
    let cap = Capture::default();
    let sink = cap.clone();
    let e = env_with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() }, move |b| {
        b.max_retries(2).log_level(level).log_sink(Arc::new(move |r: &LogRecord| sink.0.lock().unwrap().push(r.clone())))
    })
    .await;
    (e, cap)
}

fn assert_no_key(records: &[LogRecord], key: &str) {
    for r in records {
        let all = format!("{} {:?}", r.message, r.fields);
        assert!(!all.contains(key), "key in a log record: {all}");
    }
}

#[tokio::test]
async fn a_retried_call_logs_each_attempt_and_the_retry_decision() {
    let (e, cap) = logged(LogLevel::Info).await;
    e.fault(json!({"method": "GET", "path": "/users/list", "count": 1, "kind": "status", "status": 503})).await;
    e.client.users().list(&ListUsersParams { page: Some(1), ..Default::default() }).await.unwrap();
    let recs = cap.take();
    assert_eq!(recs.len(), 2, "{recs:#?}");
    let (first, second) = (&recs[0], &recs[1]);
    assert_eq!(first.level, LogLevel::Info);
    assert_eq!(first.field("method"), Some("GET"));
    assert!(first.field("path").unwrap().ends_with("/users/list"), "{first:?}");
    assert_eq!(first.field("query"), Some("page"), "query keys only at info: {first:?}");
    assert_eq!(first.field("status"), Some("503"));
    assert_eq!(first.field("attempt"), Some("1"));
    assert!(first.field("retry").unwrap().starts_with("in "), "{first:?}");
    assert!(first.field("duration_ms").unwrap().parse::<f64>().unwrap() >= 0.0);
    assert!(first.message.contains("503") && first.message.contains("retrying in"), "{}", first.message);
    assert_eq!(second.field("status"), Some("200"));
    assert_eq!(second.field("attempt"), Some("2"));
    assert_eq!(second.field("retry"), None);
    assert_no_key(&recs, e.sandbox.api_key());
}

#[tokio::test]
async fn failing_calls_log_the_error_and_why_they_are_not_retried() {
    let (e, cap) = logged(LogLevel::Info).await;
    // A client error: one attempt, info, not retryable.
    let err = e.client.users().get("USR_missing").await.unwrap_err();
    assert_eq!(err.kind(), cmr::ErrorKind::NotFound);
    let recs = cap.take();
    assert_eq!(recs.len(), 1, "{recs:#?}");
    assert_eq!(recs[0].level, LogLevel::Info);
    assert_eq!(recs[0].field("status"), Some("404"));
    assert_eq!(recs[0].field("code"), Some(err.code()));
    assert_eq!(recs[0].field("retry"), Some("no: not retryable"));

    // A transient error on every attempt: the last one is a warning.
    e.fault(json!({"method": "GET", "path": "/users/list", "count": 3, "kind": "status", "status": 503})).await;
    e.client.users().list(&ListUsersParams::default()).await.unwrap_err();
    let recs = cap.take();
    let attempts: Vec<_> = recs.iter().map(|r| (r.level, r.field("attempt").unwrap().to_string())).collect();
    assert_eq!(
        attempts,
        [(LogLevel::Info, "1".into()), (LogLevel::Info, "2".into()), (LogLevel::Warn, "3".into())],
        "{recs:#?}"
    );
    assert_eq!(recs[2].field("retry"), Some("no: retries exhausted"));

    // A write that may have reached the server is not retried, and says why.
    e.fault(json!({"method": "POST", "path": "/users", "count": 1, "kind": "status", "status": 503})).await;
    e.client.users().create(&new_user("w@acme.com")).await.unwrap_err();
    let recs = cap.take();
    assert_eq!(recs.len(), 1, "{recs:#?}");
    assert_eq!(recs[0].level, LogLevel::Warn);
    assert_eq!(recs[0].field("retry"), Some("no: the write may have reached the server"));
    assert_no_key(&recs, e.sandbox.api_key());
}

#[tokio::test]
async fn debug_adds_truncated_bodies_and_action_ids_without_secrets() {
    let (e, cap) = logged(LogLevel::Debug).await;
    let user = e.user("dbg@acme.com").await;
    let recs = cap.take();
    let req = recs.iter().find(|r| r.message.starts_with("request POST")).expect("request line");
    assert_eq!(req.level, LogLevel::Debug);
    assert!(req.field("body").unwrap().contains("dbg@acme.com"), "{req:?}");
    let resp = recs.iter().find(|r| r.message.starts_with("response POST")).expect("response line");
    assert!(resp.field("body").unwrap().contains(&user.id), "{resp:?}");

    e.client.orders().create(&user.id, &order("dbg-example.com", &["ann"])).await.unwrap();
    let recs = cap.take();
    let line = recs.iter().find(|r| r.level == LogLevel::Info).expect("attempt line");
    assert!(line.field("action_id").unwrap().starts_with("ACT_"), "{line:?}");
    assert!(line.message.contains("actionId=ACT_"), "{}", line.message);
    // Debug lines carry the query values; bodies are bounded.
    e.client.users().list(&ListUsersParams { page: Some(1), ..Default::default() }).await.unwrap();
    let recs = cap.take();
    assert_eq!(recs[0].field("query"), Some("page=1"), "{recs:#?}");
    for r in &recs {
        if let Some(b) = r.field("body") {
            assert!(b.chars().count() <= cmr::logging::MAX_BODY_CHARS + 40, "bounded: {}", b.len());
        }
    }
    assert_no_key(&recs, e.sandbox.api_key());
}

#[tokio::test]
async fn the_key_is_scrubbed_even_when_passed_as_an_id() {
    let (e, cap) = logged(LogLevel::Debug).await;
    let key = e.sandbox.api_key().to_string();
    e.client.users().get(&key).await.unwrap_err();
    let recs = cap.take();
    assert!(!recs.is_empty());
    assert!(recs.iter().any(|r| r.message.contains("****")), "{recs:#?}");
    assert_no_key(&recs, &key);
}

#[tokio::test]
async fn off_logs_nothing() {
    let (e, cap) = logged(LogLevel::Off).await;
    e.fault(json!({"method": "GET", "path": "/users/list", "count": 1, "kind": "status", "status": 503})).await;
    e.client.users().list(&ListUsersParams::default()).await.unwrap();
    assert!(cap.take().is_empty());
}
