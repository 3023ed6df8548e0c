//! The typed control handle (`Sandbox::control()`): the same operations as
//! the HTTP control API, the same checks, and what one does the other sees.

mod common;

use cmr_sandbox::{ConfigPatch, ControlError, Fault, FaultKind};
use common::*;
use serde_json::json;

fn fault(path: &str, kind: FaultKind) -> Fault {
    Fault { method: None, path: path.into(), count: 1, kind, status: Some(503), retry_after: None, delay_ms: None, message: None }
}

#[tokio::test]
async fn seed_creates_records_the_api_serves() {
    let t = start().await;
    let s = t.sb.control().seed();
    assert_eq!(s.mailbox_ids.len(), 2);
    let user = t.get("/users", &[("userId", &s.user_id)]).await.ok();
    assert_eq!(user.data()["id"], json!(s.user_id));
    let mbs = t.get("/mailboxes/single", &[("userId", &s.user_id)]).await.ok();
    let text = mbs.body.to_string();
    for id in &s.mailbox_ids {
        assert!(text.contains(id.as_str()), "mailbox {id} listed: {text}");
    }
    assert!(text.contains(&s.domain), "{text}");
}

#[tokio::test]
async fn wallet_changes_are_seen_over_http_and_bad_balances_change_nothing() {
    let t = start().await;
    let c = t.sb.control();
    assert_eq!(c.set_wallet(12.5), Ok(12.5));
    assert_eq!(t.ctl("GET", "/wallet", None).await["balance"], json!(12.5));
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let e = c.set_wallet(bad).unwrap_err();
        assert_eq!(e.status, 400, "{bad}");
        assert!(e.message.contains("non-negative"), "{e}");
    }
    assert_eq!(c.wallet(), 12.5);
}

#[tokio::test]
async fn a_refused_config_patch_changes_nothing() {
    let t = start().await;
    let c = t.sb.control();
    let before = c.config();
    let patch = ConfigPatch { max_batch: Some(7), rate_limit: Some(Some(0)), ..Default::default() };
    let e = c.configure(patch).unwrap_err();
    assert!(e.message.contains("rateLimit"), "{e}");
    assert_eq!(c.config(), before);

    let ok = c.configure(ConfigPatch { max_batch: Some(7), rate_limit: Some(None), ..Default::default() }).unwrap();
    assert_eq!((ok.max_batch, ok.rate_limit), (7, None));
    let over_http = t.ctl("GET", "/config", None).await;
    assert_eq!(over_http, serde_json::to_value(&ok).unwrap());
}

#[tokio::test]
async fn a_config_patch_never_shows_the_webhook_secret() {
    let p = ConfigPatch { webhook_secret: Some("whsec_do_not_print".into()), ..Default::default() };
    let dbg = format!("{p:?}");
    assert!(!dbg.contains("whsec_do_not_print"), "{dbg}");
    assert!(dbg.contains("<redacted>"), "{dbg}");
    let t = start().await;
    let cfg = t.sb.control().configure(p).unwrap();
    assert!(cfg.webhook_secret_set);
    assert!(!serde_json::to_string(&cfg).unwrap().contains("whsec_do_not_print"));
}

#[tokio::test]
async fn faults_are_checked_then_fire_on_the_api() {
    let t = start().await;
    let c = t.sb.control();
    let e: ControlError = c.inject_fault(fault("/no/such/route", FaultKind::Status)).unwrap_err();
    assert!(e.message.contains("No API route"), "{e}");
    let mut bad_method = fault("/users/list", FaultKind::Status);
    bad_method.method = Some("FETCH".into());
    assert!(c.inject_fault(bad_method).unwrap_err().message.contains("method"));
    assert!(c.faults().is_empty(), "refused faults are not armed");

    // The base path is stripped, so a full path works too.
    let armed = c.inject_fault(fault("/api/v1/integration/users/list", FaultKind::Status)).unwrap();
    assert_eq!(armed.len(), 1);
    assert_eq!(armed[0].path, "/users/list");
    t.get("/users/list", &[]).await.expect(503);
    t.get("/users/list", &[]).await.ok();
    let log = c.requests();
    assert_eq!(log.iter().map(|r| r.status).collect::<Vec<_>>(), vec![503, 200]);
    assert_eq!(log[0].fault.as_deref(), Some("status"));
    c.clear_requests();
    assert!(c.requests().is_empty());
}

#[tokio::test]
async fn advance_runs_the_order_lifecycle_and_records_webhooks() {
    let t = start().await;
    let c = t.sb.control();
    let s = c.seed();
    let before = c.clock();
    assert!(before.frozen);
    let order = t
        .post(
            "/orders/create-mailbox-order/json",
            &[("userId", &s.user_id)],
            json!({"subscriptionId": s.subscription_id, "confirm": true,
                "mailboxes": {s.domain.clone(): [{"username": "carol", "firstName": "Carol", "lastName": "Cruz"}]}}),
        )
        .await;
    assert!(order.status < 300, "{}", order.body);
    let after = c.advance(3600.0).await.unwrap();
    assert!((after.offset_seconds - before.offset_seconds - 3600.0).abs() < 1e-6);
    let events = c.webhooks();
    assert!(!events.is_empty(), "the order's lifecycle emitted events");
    for e in &events {
        assert_eq!(e.payload, serde_json::from_str::<serde_json::Value>(&e.body).unwrap());
    }
    assert_eq!(serde_json::to_value(&events).unwrap(), t.ctl("GET", "/webhooks", None).await);
    for bad in [-1.0, f64::NAN, 1e12] {
        assert_eq!(c.advance(bad).await.unwrap_err().status, 400, "{bad}");
    }
    assert_eq!(c.clock().offset_seconds, after.offset_seconds, "a refused advance does not move the clock");
}

#[tokio::test]
async fn reset_wipes_what_the_control_handle_set() {
    let t = start().await;
    let c = t.sb.control();
    let s = c.seed();
    c.set_wallet(1.0).unwrap();
    c.inject_fault(fault("/users/list", FaultKind::Drop)).unwrap();
    c.reset().await;
    assert!(c.faults().is_empty());
    assert!(c.requests().is_empty());
    assert_ne!(c.wallet(), 1.0);
    t.get("/users", &[("userId", &s.user_id)]).await.expect(404);
    assert_eq!(c.health()["ok"], json!(true));
    assert!(c.state()["users"].as_object().is_some_and(|m| m.is_empty()));
}
