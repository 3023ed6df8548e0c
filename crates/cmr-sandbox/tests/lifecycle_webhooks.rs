//! The asynchronous lifecycle on the virtual clock, signed webhook delivery
//! to a loopback receiver, and the retry schedule.
mod common;
use common::*;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;

async fn with_receiver() -> (T, Receiver) {
    let rx = Receiver::start().await;
    let t = start_with(cmr_sandbox::SandboxOptions { rate_limit: None, webhook_url: Some(rx.url.clone()), webhook_secret: Some("whsec_test".into()), ..Default::default() }).await;
    (t, rx)
}

fn names(rx: &Receiver) -> Vec<String> {
    rx.received().iter().map(|(_, b)| serde_json::from_slice::<Value>(b).unwrap()["event"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn order_lifecycle_steps_and_signed_events() {
    let (t, rx) = with_receiver().await;
    assert_eq!(t.sb.webhook_secret(), "whsec_test");
    let uid = t.create_user("life@acme.com").await;
    let r = t.post("/orders/json", &[("userId", &uid)], order_body("lifecycle.com", &["a", "b"])).await.ok();
    let action = r.body["actionId"].as_str().unwrap().to_string();
    let oid = r.data()["orderId"].as_str().unwrap().to_string();

    t.advance(4.0).await;
    assert!(rx.received().is_empty(), "nothing before +5 s");
    let ds = t.get("/domains/by-user", &[("userId", &uid)]).await.data()["domains"].clone();
    assert_eq!(ds.as_array().unwrap().len(), 1, "only the pending order's domain: {ds}");
    assert_eq!(ds[0]["status"], "PENDING");

    t.advance(1.0).await; // +5
    assert_eq!(names(&rx), ["domain.order.success"]);
    assert_eq!(t.get("/domains/by-user", &[("userId", &uid)]).await.data()["domains"][0]["status"], "ACTIVE");
    assert!(t.mailboxes_of(&uid).await.is_empty());

    t.advance(5.0).await; // +10
    assert_eq!(names(&rx), ["domain.order.success", "mailbox.order.success"]);
    let mbs = t.mailboxes_of(&uid).await;
    assert!(mbs.iter().all(|m| m["status"] == "IN_PROGRESS"), "{mbs:?}");
    assert_eq!(t.subscriptions_of(&uid).await.len(), 1);

    t.advance(10.0).await; // +20
    assert!(t.mailboxes_of(&uid).await.iter().all(|m| m["status"] == "CREATING_PASSWORD"));
    assert_eq!(rx.received().len(), 2);

    t.advance(10.0).await; // +30
    assert!(t.mailboxes_of(&uid).await.iter().all(|m| m["status"] == "ACTIVE"));
    assert_eq!(names(&rx), ["domain.order.success", "mailbox.order.success", "mailbox.created", "mailbox.created"]);
    assert_eq!(t.get("/orders/status", &[("userId", &uid), ("orderId", &oid)]).await.data()["status"], "COMPLETED");

    // Every delivery verifies with the core and parses into its event types.
    let mut event_ids = std::collections::HashSet::new();
    for (headers, body) in rx.received() {
        cmr::webhooks::verify(&body, &headers, "whsec_test", cmr::webhooks::DEFAULT_TOLERANCE).expect("signature verifies");
        assert!(cmr::webhooks::verify(&body, &headers, "wrong", cmr::webhooks::DEFAULT_TOLERANCE).is_err());
        let ev = cmr::webhooks::parse(&body).unwrap();
        assert_eq!(ev.event_id.as_deref().map(str::len), Some(28));
        assert!(event_ids.insert(ev.event_id.clone()), "eventIds are unique");
        assert_eq!(ev.action_id(), Some(action.as_str()));
        use cmr::webhooks::EventData::*;
        match ev.data {
            DomainOrderSuccess(d) => {
                assert_eq!(d.domain_name.as_deref(), Some("lifecycle.com"));
                assert_eq!(d.order_id.as_deref(), Some(oid.as_str()));
                assert_eq!(d.user_email.as_deref(), Some("life@acme.com"));
                assert_eq!(d.price, Some(12.0));
                assert!(d.expiry_date.is_some() && d.creation_time.is_some() && d.domain_id.is_some());
            }
            MailboxOrderSuccess(d) => {
                assert_eq!(d.quantity, Some(2));
                assert!(d.subscription_id.is_some());
                assert_eq!(d.workspace_type, Some(cmr::models::ServiceProvider::Google));
            }
            MailboxCreated(d) => {
                assert!(d.email.unwrap().ends_with("@lifecycle.com"));
                assert!(d.password.is_some() && d.mailbox_id.is_some());
                assert_eq!(d.status, Some(cmr::models::MailboxStatus::Active));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // The log mirrors the deliveries.
    let log = t.webhooks().await;
    assert_eq!(log.len(), 4);
    for e in &log {
        assert_eq!(e["deliveries"].as_array().unwrap().len(), 1);
        assert_eq!(e["deliveries"][0]["status"], 200);
        assert_eq!(e["deliveries"][0]["attempt"], 1);
        assert!(e["headers"]["cmr-x-signature"].is_string());
        assert_eq!(e["state"], "delivered");
    }
}

#[tokio::test]
async fn failed_domain_registration_sends_no_mailbox_events_and_refunds() {
    let (t, rx) = with_receiver().await;
    let uid = t.create_user("fail@acme.com").await;
    let before = t.wallet().await;
    let r = t.post("/orders/json", &[("userId", &uid)], order_body("failreg-shop.com", &["a"])).await.ok();
    let oid = r.data()["orderId"].as_str().unwrap().to_string();
    t.advance(60.0).await;
    assert_eq!(names(&rx), ["domain.order.failed"]);
    let body: Value = serde_json::from_slice(&rx.received()[0].1).unwrap();
    assert!(body["data"]["reason"].is_string());
    assert_eq!(t.wallet().await, before, "refunded");
    assert_eq!(t.get("/orders/status", &[("userId", &uid), ("orderId", &oid)]).await.data()["status"], "FAILED");
}

#[tokio::test]
async fn retries_follow_the_schedule_on_the_virtual_clock() {
    let (t, rx) = with_receiver().await;
    rx.status.store(500, Ordering::SeqCst);
    let uid = t.create_user("retry@acme.com").await;
    t.post("/orders/json", &[("userId", &uid)], order_body("retry.com", &[])).await.ok();
    t.advance(5.0).await;
    assert_eq!(rx.received().len(), 1, "attempt 1 at once");
    t.advance(29.0).await;
    assert_eq!(rx.received().len(), 1, "attempt 2 not before 30 s");
    t.advance(1.0).await;
    assert_eq!(rx.received().len(), 2, "attempt 2 after 30 s");
    t.advance(299.0).await;
    assert_eq!(rx.received().len(), 2, "attempt 3 not before 5 min");
    rx.status.store(200, Ordering::SeqCst);
    t.advance(1.0).await;
    assert_eq!(rx.received().len(), 3, "attempt 3 after 5 min");
    // Same event, same body, each attempt signed.
    let got = rx.received();
    assert!(got.iter().all(|(_, b)| b == &got[0].1));
    for (h, b) in &got {
        cmr::webhooks::verify(b, h, "whsec_test", cmr::webhooks::DEFAULT_TOLERANCE).unwrap();
    }
    let log = t.webhooks().await;
    let d = log[0]["deliveries"].as_array().unwrap();
    assert_eq!(d.iter().map(|x| x["status"].as_u64().unwrap()).collect::<Vec<_>>(), [500, 500, 200]);
    assert_eq!(d.iter().map(|x| x["attempt"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(log[0]["state"], "delivered");
    t.advance(3600.0).await;
    assert_eq!(rx.received().len(), 3, "no more attempts after success");
}

#[tokio::test]
async fn three_failures_mark_the_delivery_failed() {
    let (t, rx) = with_receiver().await;
    rx.status.store(503, Ordering::SeqCst);
    let uid = t.create_user("f3@acme.com").await;
    t.post("/orders/json", &[("userId", &uid)], order_body("f3.com", &[])).await.ok();
    t.advance(3600.0).await; // one big step runs every due attempt in order
    assert_eq!(rx.received().len(), 3);
    let log = t.webhooks().await;
    assert_eq!(log[0]["state"], "failed");
    let at: Vec<String> = log[0]["deliveries"].as_array().unwrap().iter().map(|d| d["at"].as_str().unwrap().to_string()).collect();
    assert!(at[0] < at[1] && at[1] < at[2], "{at:?}");
}

#[tokio::test]
async fn unreachable_receiver_is_retried_and_recorded() {
    let t = start_with(cmr_sandbox::SandboxOptions { rate_limit: None, webhook_url: Some("http://127.0.0.1:9/hook".into()), ..Default::default() }).await;
    let uid = t.create_user("un@acme.com").await;
    t.post("/orders/json", &[("userId", &uid)], order_body("unreach.com", &[])).await.ok();
    t.advance(3600.0).await;
    let log = t.webhooks().await;
    let d = log[0]["deliveries"].as_array().unwrap();
    assert_eq!(d.len(), 3);
    assert!(d.iter().all(|x| x["status"].is_null() && x["error"].is_string()));
}

#[tokio::test]
async fn mailbox_update_and_subscription_renewal_events() {
    let (t, rx) = with_receiver().await;
    let uid = t.create_user("ev@acme.com").await;
    t.order_and_complete(&uid, "events.com", &["a"]).await;
    let mb = t.mailboxes_of(&uid).await[0]["mailboxId"].as_str().unwrap().to_string();
    t.call("PATCH", "/mailboxes/update-mailbox-details", &[("userId", &uid)], Some(json!({"mailboxData": {"mailboxId": mb, "firstName": "New"}}))).await.ok();
    t.advance(0.0).await;
    let last: Value = serde_json::from_slice(&rx.received().last().unwrap().1).unwrap();
    assert_eq!(last["event"], "mailbox.updated");
    assert_eq!(last["data"]["firstName"], "New");

    let sub = t.subscriptions_of(&uid).await[0]["subscriptionId"].as_str().unwrap().to_string();
    let end_before = t.subscriptions_of(&uid).await[0]["periodEnd"].as_str().unwrap().to_string();
    t.post("/subscriptions/renew-subscriptions", &[], json!({"subscriptionIds": [sub]})).await.ok();
    t.advance(0.0).await;
    assert_eq!(t.subscriptions_of(&uid).await[0]["subscriptionStatus"], "RENEWING");
    t.advance(10.0).await;
    let n = names(&rx);
    assert_eq!(&n[n.len() - 2..], ["subscription.renewing", "subscription.renewal.success"]);
    let s = &t.subscriptions_of(&uid).await[0];
    assert_eq!(s["subscriptionStatus"], "ACTIVE");
    assert!(s["periodEnd"].as_str().unwrap() > end_before.as_str());
    let ev = cmr::webhooks::parse(&rx.received().last().unwrap().1).unwrap();
    match ev.data {
        cmr::webhooks::EventData::SubscriptionRenewalSuccess(d) => {
            assert_eq!(d.subscription_id.as_deref(), Some(sub.as_str()));
            assert_eq!(d.domain.as_deref(), Some("events.com"));
            assert_eq!(d.quantity, Some(1));
            assert!(d.period_start.is_some() && d.period_end.is_some() && d.description.is_some());
        }
        other => panic!("{other:?}"),
    }

    // Renewal fails when the wallet is empty at renewal time.
    t.post("/subscriptions/renew-subscriptions", &[], json!({"subscriptionIds": [sub]})).await.ok();
    t.set_wallet(0.0).await;
    t.advance(10.0).await;
    let n = names(&rx);
    assert_eq!(n.last().unwrap(), "subscription.renewal.failed");
    assert_eq!(t.subscriptions_of(&uid).await[0]["subscriptionStatus"], "PAST_DUE");
}

#[tokio::test]
async fn config_switches_url_and_secret_and_events_without_url_are_logged_only() {
    let t = start().await;
    let uid = t.create_user("cfg@acme.com").await;
    t.order_and_complete(&uid, "nourl.com", &["a"]).await;
    let log = t.webhooks().await;
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|e| e["state"] == "undelivered" && e["deliveries"] == json!([])));
    let rx = Receiver::start().await;
    t.ctl("PUT", "/config", Some(json!({"webhookUrl": rx.url, "webhookSecret": "s2"}))).await;
    assert_eq!(t.sb.webhook_secret(), "s2");
    t.order_and_complete(&uid, "withurl.com", &["a"]).await;
    assert_eq!(rx.received().len(), 3);
    for (h, b) in rx.received() {
        cmr::webhooks::verify(&b, &h, "s2", cmr::webhooks::DEFAULT_TOLERANCE).unwrap();
    }
}

#[tokio::test]
async fn auto_renew_at_period_end_and_expiry_without_it() {
    let (t, rx) = with_receiver().await;
    let uid = t.create_user("auto@acme.com").await;
    t.order_and_complete(&uid, "autorenew.com", &["a"]).await;
    t.order_and_complete(&uid, "noauto.com", &["a"]).await;
    let subs = t.subscriptions_of(&uid).await;
    let auto = subs.iter().find(|s| s["domain"] == "autorenew.com").unwrap()["subscriptionId"].as_str().unwrap().to_string();
    t.post("/subscriptions/toggle-auto-renew", &[], json!({"subscriptionIds": [auto], "autoRenew": true})).await.ok();
    t.advance(32.0 * 86400.0).await;
    let subs = t.subscriptions_of(&uid).await;
    let st = |d: &str| subs.iter().find(|s| s["domain"] == d).unwrap()["subscriptionStatus"].clone();
    assert_eq!(st("autorenew.com"), "ACTIVE");
    assert_eq!(st("noauto.com"), "EXPIRED");
    assert!(names(&rx).contains(&"subscription.renewal.success".to_string()));
    let mbs = t.mailboxes_of(&uid).await;
    assert!(mbs.iter().any(|m| m["domain"] == "noauto.com" && m["status"] == "EXPIRED"));
}
