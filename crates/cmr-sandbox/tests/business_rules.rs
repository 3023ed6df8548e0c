//! Business rules of domains, DNS, orders, mailboxes, subscriptions, exports, pre-warmup.
mod common;
use common::*;
use serde_json::{json, Value};

const DAY: f64 = 86_400.0;

#[tokio::test]
async fn order_answer_shape_wallet_debit_and_402() {
    let t = start().await;
    let uid = t.create_user("o@acme.com").await;
    let before = t.wallet().await;
    let r = t.post("/orders/json", &[("userId", &uid)], order_body("newshop.com", &["a", "b"])).await.ok();
    assert_eq!(r.msg(), "Order created and queued for processing");
    let action = r.body["actionId"].as_str().unwrap();
    assert!(action.starts_with("ACT_") && action.len() == 40, "{action}");
    assert_eq!(r.data()["unavailableDomains"], json!([]));
    let created: cmr::models::OrderCreated = serde_json::from_value(r.data().clone()).unwrap();
    let oid = created.order_id.unwrap();
    // Domain $12/yr + 2 mailboxes * $3.
    assert_eq!(before - t.wallet().await, 18.0);
    assert_eq!(t.get("/orders/status", &[("userId", &uid), ("orderId", &oid)]).await.data()["status"], "QUEUED");

    // Unavailable names are reported and left out.
    let mut b = order_body("fresh-one.com", &["x"]);
    b["domains"].as_array_mut().unwrap().push(json!({"domain": "taken-name.com", "years": 1}));
    let r = t.post("/orders/json", &[("userId", &uid)], b).await.ok();
    assert_eq!(r.data()["unavailableDomains"], json!(["taken-name.com"]));
    let r = t.post("/orders/json", &[("userId", &uid)], order_body("newshop.com", &["c"])).await.expect(422);
    assert_eq!(r.data()["unavailableDomains"], json!(["newshop.com"]));

    t.set_wallet(5.0).await;
    let r = t.post("/orders/json", &[("userId", &uid)], order_body("pricey.com", &["a"])).await.expect(402);
    assert_eq!(r.msg(), "Insufficient wallet balance");
    assert_eq!(t.wallet().await, 5.0);
    t.post("/orders/json", &[("userId", "NOPE")], order_body("x.com", &[])).await.expect(404);
}

#[tokio::test]
async fn unconfirmed_orders_wait_for_process() {
    let t = start().await;
    let uid = t.create_user("p@acme.com").await;
    let mut b = order_body("later.com", &["a"]);
    b["confirm"] = json!(false);
    let before = t.wallet().await;
    let r = t.post("/orders/json", &[("userId", &uid)], b).await.ok();
    let oid = r.data()["orderId"].as_str().unwrap().to_string();
    assert_eq!(t.wallet().await, before, "not charged before processing");
    t.advance(120.0).await;
    assert_eq!(t.get("/orders/status", &[("userId", &uid), ("orderId", &oid)]).await.data()["status"], "CREATED");
    // Ordered but not registered: listed as PENDING, with its order.
    let ds = t.get("/domains/by-user", &[("userId", &uid)]).await.data()["domains"].clone();
    assert_eq!(ds.as_array().unwrap().len(), 1, "{ds}");
    assert_eq!(ds[0]["domainName"], "later.com");
    assert_eq!(ds[0]["status"], "PENDING");
    assert_eq!(ds[0]["orderId"], oid.as_str());
    let r = t.post("/orders/process", &[("userId", &uid)], json!({"orderId": oid})).await.ok();
    assert!(r.body["actionId"].as_str().unwrap().starts_with("ACT_"));
    assert_eq!(before - t.wallet().await, 15.0);
    t.post("/orders/process", &[("userId", &uid)], json!({"orderId": oid})).await.expect(409);
    t.advance(60.0).await;
    let o = t.get("/orders/details", &[("userId", &uid), ("orderId", &oid)]).await.ok();
    let order: cmr::models::Order = serde_json::from_value(o.data().clone()).unwrap();
    assert_eq!(order.status, Some(cmr::models::OrderState::Completed));
    let other = t.create_user("q@acme.com").await;
    t.get("/orders/status", &[("userId", &other), ("orderId", &oid)]).await.expect(403);
    t.post("/orders/process", &[("userId", &uid)], json!({})).await.expect(400);
}

#[tokio::test]
async fn order_mailboxes_needs_exactly_one_of_subscription_and_domain() {
    let t = start().await;
    let uid = t.create_user("m@acme.com").await;
    t.order_and_complete(&uid, "mbshop.com", &["a"]).await;
    let sub = t.subscriptions_of(&uid).await[0]["subscriptionId"].as_str().unwrap().to_string();
    let did = t.get("/domains/by-user", &[("userId", &uid)]).await.data()["domains"][0]["domainId"].as_str().unwrap().to_string();
    let mbs = json!({"mbshop.com": [{"username": "new1", "firstName": "N", "lastName": "One"}]});
    let path = "/orders/create-mailbox-order/json";
    t.post(path, &[("userId", &uid)], json!({"mailboxes": mbs})).await.expect(400);
    t.post(path, &[("userId", &uid)], json!({"mailboxes": mbs, "subscriptionId": sub, "domainId": did})).await.expect(400);
    // domainId while the subscription is active: conflict.
    t.post(path, &[("userId", &uid)], json!({"mailboxes": mbs, "domainId": did})).await.expect(409);
    t.post(path, &[("userId", &uid)], json!({"mailboxes": {"other.com": [{"username": "x", "firstName": "a", "lastName": "b"}]}, "subscriptionId": sub})).await.expect(400);
    let r = t.post(path, &[("userId", &uid)], json!({"mailboxes": mbs, "subscriptionId": sub})).await.ok();
    assert!(r.body["actionId"].is_string());
    t.advance(60.0).await;
    let subs = t.subscriptions_of(&uid).await;
    assert_eq!(subs[0]["totalMailboxQuantity"], 2);
    assert_eq!(t.mailboxes_of(&uid).await.iter().filter(|m| m["status"] == "ACTIVE").count(), 2);
    // After cancelling, domainId starts a new subscription.
    t.post("/subscriptions/cancel", &[], json!({"subscriptionId": sub})).await.ok();
    t.post(path, &[("userId", &uid)], json!({"mailboxes": mbs, "subscriptionId": sub})).await.expect(400);
    t.post(path, &[("userId", &uid)], json!({"mailboxes": mbs, "domainId": did, "autoRenew": true})).await.ok();
    t.advance(60.0).await;
    let subs = t.subscriptions_of(&uid).await;
    let active: Vec<&Value> = subs.iter().filter(|s| s["subscriptionStatus"] == "ACTIVE").collect();
    assert_eq!(active.len(), 1);
    assert_ne!(active[0]["subscriptionId"], json!(sub));
    assert_eq!(active[0]["autoRenew"], true);
}

#[tokio::test]
async fn dns_rules() {
    let t = start().await;
    let uid = t.create_user("d@acme.com").await;
    t.order_and_complete(&uid, "dnsshop.com", &["a"]).await;
    let list = t.get("/dns", &[("userId", &uid), ("domain", "dnsshop.com")]).await.ok();
    let recs: cmr::models::DnsRecords = serde_json::from_value(list.data().clone()).unwrap();
    assert!(recs.records.len() >= 3);

    // excludedDMARCtags only on _dmarc TXT.
    let bad = json!({"domain": "dnsshop.com", "records": [{"host": "@", "value": "v=spf1", "recordType": "TXT", "excludedDMARCtags": ["rua"]}]});
    let r = t.post("/dns", &[("userId", &uid)], bad).await.expect(400);
    assert!(r.msg().contains("_dmarc"), "{}", r.msg());
    let bad = json!({"domain": "dnsshop.com", "records": [{"host": "_dmarc", "value": "v=DMARC1", "recordType": "CNAME", "excludedDMARCtags": ["rua"]}]});
    t.post("/dns", &[("userId", &uid)], bad).await.expect(400);

    // DMARC defaults added unless excluded.
    let ok = json!({"domain": "dnsshop.com", "records": [{"host": "_dmarc", "value": "v=DMARC1; p=quarantine", "recordType": "TXT", "excludedDMARCtags": ["rua", "ruf"]}]});
    let r = t.post("/dns", &[("userId", &uid)], ok).await.ok();
    let rec = &r.data()[0];
    let v = rec["value"].as_str().unwrap();
    assert!(v.starts_with("v=DMARC1; p=quarantine"), "{v}");
    for tag in ["fo=0", "rf=afrf", "ri=604800", "pct=100", "sp=reject", "aspf=r", "adkim=r"] {
        assert!(v.contains(tag), "{tag} missing in {v}");
    }
    assert!(!v.contains("rua=") && !v.contains("ruf="), "{v}");
    let id = rec["recordId"].as_str().unwrap().to_string();
    // One DMARC policy per host: the new record replaced the default one.
    let listed = t.get("/dns", &[("userId", &uid), ("domain", "dnsshop.com")]).await.ok();
    let dmarcs: Vec<&Value> = listed.data()["records"].as_array().unwrap().iter().filter(|r| r["host"] == "_dmarc").collect();
    assert_eq!(dmarcs.len(), 1);
    assert_eq!(dmarcs[0]["recordId"], json!(id));

    // update/delete need recordId.
    let upd = json!({"domain": "dnsshop.com", "host": "_dmarc", "value": "v=DMARC1; p=reject", "recordType": "TXT"});
    let r = t.call("PUT", "/dns", &[("userId", &uid)], Some(upd.clone())).await.expect(400);
    assert!(r.msg().contains("recordId"));
    let mut upd2 = upd.clone();
    upd2["recordId"] = json!(id);
    t.call("PUT", "/dns", &[("userId", &uid)], Some(upd2.clone())).await.ok();
    upd2["recordId"] = json!("NOPE");
    t.call("PUT", "/dns", &[("userId", &uid)], Some(upd2)).await.expect(404);
    let r = t.call("DELETE", "/dns", &[("userId", &uid)], None).await.expect(400);
    assert!(r.msg().contains("recordId"));
    let other = t.create_user("d2@acme.com").await;
    t.call("DELETE", "/dns", &[("userId", &other), ("recordId", &id)], None).await.expect(403);
    t.call("DELETE", "/dns", &[("userId", &uid), ("recordId", &id)], None).await.ok();
    t.call("DELETE", "/dns", &[("userId", &uid), ("recordId", &id)], None).await.expect(404);
    t.get("/dns", &[("userId", &other), ("domain", "dnsshop.com")]).await.expect(403);
    // MX needs a priority.
    let mx = json!({"domain": "dnsshop.com", "records": [{"host": "@", "value": "mx.x.com", "recordType": "MX"}]});
    t.post("/dns", &[("userId", &uid)], mx).await.expect(400);
}

#[tokio::test]
async fn mailbox_removal_rules() {
    let t = start().await;
    let uid = t.create_user("r@acme.com").await;
    t.order_and_complete(&uid, "rmshop.com", &["a", "b"]).await;
    let mbs = t.mailboxes_of(&uid).await;
    let (a, b) = (mbs[0]["mailboxId"].as_str().unwrap().to_string(), mbs[1]["mailboxId"].as_str().unwrap().to_string());
    let r = t.call("DELETE", "/mailboxes/remove", &[("userId", &uid)], Some(json!({"mailboxId": a}))).await.ok();
    assert_eq!(r.msg(), "Mailbox will be removed shortly");
    assert!(r.body.get("data").is_none(), "no data key: {}", r.body);
    assert_eq!(t.subscriptions_of(&uid).await[0]["totalMailboxQuantity"], 1);
    // Domain removal refused while mailboxes exist.
    let r = t.call("DELETE", "/domains/remove", &[("userId", &uid)], Some(json!({"domains": ["rmshop.com"]}))).await.expect(400);
    assert!(r.msg().contains("mailbox"), "{}", r.msg());
    // Within 24h of the period end: refused.
    t.advance(30.0 * DAY).await; // period end is one calendar month after the order
    let sub = &t.subscriptions_of(&uid).await[0];
    let end = sub["periodEnd"].as_str().unwrap().to_string();
    let r = t.call("DELETE", "/mailboxes/remove", &[("userId", &uid)], Some(json!({"mailboxId": b}))).await;
    let now = t.ctl("GET", "/clock", None).await["now"].as_str().unwrap().to_string();
    if r.status == 200 {
        panic!("removal within 24h of {end} (now {now}) was accepted");
    }
    let r = r.expect(400);
    assert!(r.msg().contains("24 hours"), "{}", r.msg());
}

#[tokio::test]
async fn removing_the_last_mailbox_removes_the_workspace() {
    let t = start().await;
    let uid = t.create_user("w@acme.com").await;
    t.order_and_complete(&uid, "wsshop.com", &["solo"]).await;
    let id = t.mailboxes_of(&uid).await[0]["mailboxId"].as_str().unwrap().to_string();
    t.call("DELETE", "/mailboxes/remove", &[("userId", &uid)], Some(json!({"mailboxId": id}))).await.ok();
    assert!(t.subscriptions_of(&uid).await.is_empty());
    assert!(t.mailboxes_of(&uid).await.is_empty());
    t.call("DELETE", "/mailboxes/remove", &[("userId", &uid)], Some(json!({"mailboxId": id}))).await.expect(404);
    t.call("DELETE", "/mailboxes/remove", &[("userId", &uid)], Some(json!({}))).await.expect(400);
}

#[tokio::test]
async fn domain_renewal_window_and_per_domain_errors() {
    let t = start().await;
    let uid = t.create_user("dr@acme.com").await;
    t.order_and_complete(&uid, "renewme.com", &[]).await;
    let body = json!({"userId": uid, "domains": ["renewme.com", "notmine.com"]});
    // A year before expiry: outside the 45-day window.
    let r = t.post("/domains/renewal-price", &[], body.clone()).await.ok();
    let items: Vec<cmr::models::DomainRenewalItem> = serde_json::from_value(r.data().clone()).unwrap();
    assert_eq!(items[0].renewal_price.as_deref(), Some("12.00"));
    assert!(items[0].error.as_deref().unwrap().contains("45 days"));
    assert!(items[1].error.is_some());
    t.post("/domains/renew", &[], body.clone()).await.expect(422);
    // 40 days before expiry: eligible; the unknown domain keeps its error.
    t.advance(325.0 * DAY).await;
    let before = t.wallet().await;
    let r = t.post("/domains/renew", &[], body.clone()).await.ok();
    assert!(r.body["actionId"].as_str().unwrap().starts_with("ACT_"));
    assert!(r.data()[0]["error"].is_null(), "{}", r.body);
    assert!(r.data()[1]["error"].is_string());
    assert_eq!(before - t.wallet().await, 12.0);
    // Way past expiry + 7 days grace: refused.
    t.advance(800.0 * DAY).await;
    let d = t.get("/domains/by-user", &[("userId", &uid)]).await.data()["domains"][0].clone();
    assert_eq!(d["status"], "EXPIRED");
    let r = t.post("/domains/renewal-price", &[], json!({"userId": uid})).await.ok();
    assert!(r.data()[0]["error"].as_str().unwrap().contains("7 days"));
    t.post("/domains/renewal-price", &[], json!({"userId": "NOPE"})).await.expect(404);
}

#[tokio::test]
async fn domain_grace_period_allows_domain_renewal_but_blocks_subscription_renewal() {
    let t = start().await;
    let uid = t.create_user("gp@acme.com").await;
    t.order_and_complete(&uid, "graceful.com", &["a"]).await;
    let sub = t.subscriptions_of(&uid).await[0]["subscriptionId"].as_str().unwrap().to_string();
    // Keep the subscription alive by auto-renew across the year.
    t.post("/subscriptions/toggle-auto-renew", &[], json!({"subscriptionIds": [sub], "autoRenew": true})).await.ok();
    t.advance(368.0 * DAY).await; // expiry + ~3 days
    let d = t.get("/domains/by-user", &[("userId", &uid)]).await.data()["domains"][0].clone();
    assert_eq!(d["status"], "GRACE_PERIOD");
    let r = t.post("/subscriptions/renew-subscriptions", &[], json!({"subscriptionIds": [sub]})).await.expect(400);
    assert!(r.msg().contains("GRACE_PERIOD"), "{}", r.msg());
    // The domain can still be renewed in its grace period; then the subscription too.
    t.post("/domains/renew", &[], json!({"userId": uid, "domains": ["graceful.com"]})).await.ok();
    let st = t.subscriptions_of(&uid).await[0]["subscriptionStatus"].clone();
    if st == "ACTIVE" {
        t.post("/subscriptions/renew-subscriptions", &[], json!({"subscriptionIds": [sub]})).await.ok();
    }
}

#[tokio::test]
async fn domain_toggle_auto_renew_and_forwarding() {
    let t = start().await;
    let uid = t.create_user("ar@acme.com").await;
    t.order_and_complete(&uid, "toggle.com", &["a"]).await;
    let r = t.call("PATCH", "/domains/toggle-auto-renew", &[], Some(json!({"userId": uid, "domains": ["toggle.com"], "autoRenew": true}))).await.ok();
    assert_eq!(r.msg(), "Auto-renew toggled on for 1 domain.");
    let items: Vec<cmr::models::DomainAutoRenew> = serde_json::from_value(r.data().clone()).unwrap();
    assert!(items[0].auto_renew);
    t.call("PATCH", "/domains/toggle-auto-renew", &[], Some(json!({"userId": uid, "domains": ["nope.com"], "autoRenew": true}))).await.expect(404);
    t.post("/domains/forwarding", &[("userId", &uid)], json!({"domain": "toggle.com", "forwardTo": "https://x.com"})).await.ok();
    let d = t.get("/domains/by-user", &[("userId", &uid)]).await.data()["domains"][0].clone();
    assert_eq!(d["forwardTo"], "https://x.com");
    let r = t.post("/domains/availability", &[("userId", &uid)], json!({"domain": "toggle.com"})).await.ok();
    assert_eq!(r.data()["available"], false);
    let r = t.post("/domains/availability", &[("userId", &uid)], json!({"domain": "free-name.io"})).await.ok();
    assert_eq!(r.data()["available"], true);
    let r = t.post("/domains/suggest", &[("userId", &uid)], json!({"query": "Toggle", "limit": 3})).await.ok();
    let s: Vec<cmr::models::DomainAvailability> = serde_json::from_value(r.data().clone()).unwrap();
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].available, Some(false));
    let r = t.post("/domains/check-workspace", &[("userId", &uid)], json!({"domain": "toggle.com"})).await.ok();
    assert_eq!(r.data()["exists"], true);
    t.post("/domains/google-client-id", &[("userId", &uid)], json!({"domain": "toggle.com", "clientId": "123"})).await.ok();
}

#[tokio::test]
async fn email_forwarding_needs_active_mailboxes() {
    let t = start().await;
    let uid = t.create_user("ef@acme.com").await;
    t.post("/orders/json", &[("userId", &uid)], order_body("fwd.com", &["a"])).await.ok();
    t.advance(25.0).await; // CREATING_PASSWORD
    let body = json!({"domain": "fwd.com", "forwardTo": "boss@acme.com"});
    let r = t.post("/domains/email-forwarding", &[("userId", &uid)], body.clone()).await.expect(400);
    assert!(r.msg().contains("ACTIVE"));
    t.advance(10.0).await;
    t.post("/domains/email-forwarding", &[("userId", &uid)], body).await.ok();
    let other = t.create_user("ef2@acme.com").await;
    t.post("/domains/email-forwarding", &[("userId", &other)], json!({"domain": "fwd.com", "forwardTo": "a@b.com"})).await.expect(403);
}

#[tokio::test]
async fn subscription_cancel_renew_toggle_recreate() {
    let t = start().await;
    let uid = t.create_user("s@acme.com").await;
    t.order_and_complete(&uid, "subshop.com", &["a", "b"]).await;
    let subs = t.subscriptions_of(&uid).await;
    let page: cmr::models::Page<cmr::models::Subscription> =
        cmr::pagination::decode_page(t.get("/subscriptions", &[("userId", &uid)]).await.data(), "subscriptions", 1).unwrap();
    assert_eq!(page.items[0].total_mailbox_quantity, Some(2));
    let sub = subs[0]["subscriptionId"].as_str().unwrap().to_string();
    t.post("/subscriptions/cancel", &[], json!({})).await.expect(400);
    t.post("/subscriptions/cancel", &[], json!({"subscriptionId": sub, "domain": "subshop.com"})).await.expect(400);
    t.post("/subscriptions/cancel", &[], json!({"subscriptionId": "NOPE"})).await.expect(404);
    let r = t.post("/subscriptions/toggle-auto-renew", &[], json!({"subscriptionIds": [sub], "autoRenew": true})).await.ok();
    assert!(r.msg().contains("on"));
    t.post("/component/subscriptions/recreate", &[], json!({"domainNames": ["subshop.com"]})).await.ok();
    t.post("/component/subscriptions/recreate", &[], json!({"domainNames": ["subshop.com"], "subscriptionIds": [sub]})).await.expect(400);
    // Renewal needs the wallet.
    t.set_wallet(1.0).await;
    t.post("/subscriptions/renew-subscriptions", &[], json!({"subscriptionIds": [sub]})).await.expect(402);
    t.set_wallet(100.0).await;
    let r = t.post("/subscriptions/renew-subscriptions", &[], json!({"subscriptionIds": [sub]})).await.ok();
    assert!(r.body.get("data").is_none() && r.body["actionId"].is_string(), "{}", r.body);
    t.post("/subscriptions/renew-subscriptions", &[], json!({"subscriptionIds": []})).await.expect(400);
    t.advance(10.0).await;
    assert_eq!(t.wallet().await, 94.0);
    let r = t.post("/subscriptions/cancel", &[], json!({"subscriptionId": sub})).await.ok();
    assert_eq!(r.msg(), "Subscription will be cancelled successfully");
    assert!(t.mailboxes_of(&uid).await.is_empty(), "cancel deletes the workspace");
    t.post("/subscriptions/cancel", &[], json!({"subscriptionId": sub})).await.expect(400);
    t.post("/subscriptions/renew-subscriptions", &[], json!({"subscriptionIds": [sub]})).await.expect(400);
    let r = t.get("/subscriptions", &[("status", "CANCELLED")]).await.ok();
    assert_eq!(r.data()["subscriptions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn mailbox_get_admin_and_updates() {
    let t = start().await;
    let uid = t.create_user("mb@acme.com").await;
    t.order_and_complete(&uid, "upd.com", &["alice", "bob"]).await;
    let mbs = t.mailboxes_of(&uid).await;
    let a = mbs[0]["mailboxId"].as_str().unwrap().to_string();
    let m = t.get("/mailboxes/mailbox", &[("mailboxId", &a)]).await.ok();
    let mb: cmr::models::Mailbox = serde_json::from_value(m.data().clone()).unwrap();
    assert_eq!(mb.email.as_deref(), Some("alice@upd.com"));
    let other = t.create_user("mb2@acme.com").await;
    t.get("/mailboxes/mailbox", &[("mailboxId", &a), ("userId", &other)]).await.expect(403);
    t.get("/mailboxes/mailbox", &[("mailboxId", "NOPE")]).await.expect(404);
    let adm = t.get("/mailboxes/admin-mailbox-details", &[("userId", &uid), ("mailboxId", &a)]).await.ok();
    assert!(adm.data()["password"].as_str().unwrap().len() >= 12);
    assert_eq!(adm.data()["isAdmin"], true);
    let all = t.get("/mailboxes", &[("limit", "1")]).await.ok();
    assert_eq!(all.data()["pagination"]["totalSearchedCount"], 2);

    let p = "/mailboxes/update-mailbox-details";
    let r = t.call("PATCH", p, &[("userId", &uid)], Some(json!({"mailboxData": {"mailboxId": a, "firstName": "Alicia"}}))).await.ok();
    assert!(r.body["actionId"].is_string());
    assert_eq!(t.get("/mailboxes/mailbox", &[("mailboxId", &a)]).await.data()["firstName"], "Alicia");
    t.call("PATCH", p, &[("userId", &uid)], Some(json!({"mailboxData": {"mailboxId": "NOPE", "firstName": "X"}}))).await.expect(404);
    let r = t
        .call("PATCH", p, &[("userId", &uid)], Some(json!({"mailboxData": [{"mailboxId": a, "lastName": "Z"}, {"mailboxId": "NOPE", "lastName": "Z"}]})))
        .await
        .ok();
    let items: Vec<cmr::models::MailboxUpdateItem> = serde_json::from_value(r.data().clone()).unwrap();
    assert!(items[0].success && !items[1].success);
    // Username clash inside the domain.
    t.call("PATCH", p, &[("userId", &uid)], Some(json!({"mailboxData": {"mailboxId": a, "userName": "bob"}}))).await.expect(400);
    t.call("PATCH", p, &[("userId", &uid)], Some(json!({"mailboxData": {"mailboxId": a, "profilePicture": "https://p", "removeProfilePicture": true}}))).await.expect(400);
}

#[tokio::test]
async fn platform_credentials_and_exports() {
    let t = start().await;
    let uid = t.create_user("ex@acme.com").await;
    let other = t.create_user("ex2@acme.com").await;
    t.order_and_complete(&uid, "exp.com", &["a"]).await;
    let mb = t.mailboxes_of(&uid).await[0]["mailboxId"].as_str().unwrap().to_string();
    let cred = |pw: &str| json!({"app": "EMAILBISON", "credentials": {"email": "me@agency.com", "password": pw}, "metadata": {"workspace": "ws"}});
    let r = t.post("/exports/platform-credential", &[("userId", &uid)], cred("invalid")).await.expect(400);
    assert!(r.msg().contains("log in"));
    let c1 = t.post("/exports/platform-credential", &[("userId", &uid)], cred("pw")).await.ok();
    let c2 = t.post("/exports/platform-credential", &[("userId", &uid)], cred("pw")).await.ok();
    let (c1, c2) = (c1.data()["credentialId"].as_str().unwrap().to_string(), c2.data()["credentialId"].as_str().unwrap().to_string());
    assert_ne!(c1, c2, "each add creates a new credential");
    let l = t.get("/exports/platform-credentials", &[("userId", &uid)]).await.ok();
    assert_eq!(l.data()["EMAILBISON"]["connected"], true);
    assert_eq!(l.data()["EMAILBISON"]["credentials"].as_array().unwrap().len(), 2);
    let conns: std::collections::BTreeMap<String, cmr::models::PlatformConnection> = serde_json::from_value(l.data().clone()).unwrap();
    assert_eq!(conns["EMAILBISON"].credentials.len(), 2);
    t.post("/exports/platform-credential", &[("userId", &uid)], json!({"app": "OTHER", "credentials": {"email": "a@b.com", "password": "p"}, "metadata": {}})).await.expect(400);

    let exp = |c: &str, m: &str| json!({"credentialId": c, "componentMailboxIds": [m]});
    t.post("/exports/platform-exports", &[("userId", &other)], exp(&c1, &mb)).await.expect(403);
    t.post("/exports/platform-exports", &[("userId", &uid)], exp(&c1, "NOPE")).await.expect(404);
    let r = t.post("/exports/platform-exports", &[("userId", &uid)], exp(&c1, &mb)).await.ok();
    assert!(r.body["actionId"].is_string());
    t.post("/exports/re-export", &[("userId", &uid)], json!({"mailboxId": mb})).await.ok();
    t.post("/exports/re-export", &[("userId", &other)], json!({"mailboxId": mb})).await.expect(403);

    t.call("DELETE", "/exports/platform-credential", &[("userId", &other), ("credentialId", &c1)], None).await.expect(403);
    let r = t.call("DELETE", "/exports/platform-credential", &[("userId", &uid), ("credentialId", &c1)], None).await.ok();
    assert_eq!(r.msg(), "Platform credentials removed successfully");
    t.call("DELETE", "/exports/platform-credential", &[("userId", &uid), ("credentialId", &c1)], None).await.expect(404);
    t.call("DELETE", "/exports/platform-credential", &[("userId", &uid)], None).await.expect(400);
}

fn prewarm_order(domains: &[&str], provider: &str, scenario: Option<&str>) -> Value {
    let mut b = json!({
        "order": domains.iter().map(|d| json!({"domain": d})).collect::<Vec<_>>(),
        "serviceProvider": provider,
        "google": {"googleOauthRoute": "r", "clientId": "c", "appName": "a"},
        "microsoftOauthRoute": "m",
    });
    if let Some(s) = scenario {
        b["scenario"] = json!(s);
    }
    b
}

#[tokio::test]
async fn prewarmup_inventory_and_orders() {
    let t = start().await;
    let uid = t.create_user("pw@acme.com").await;
    let l = t.get("/pre-warmup", &[("serviceProvider", "GOOGLE"), ("limit", "5")]).await.ok();
    let page: cmr::models::Page<cmr::models::PrewarmupDomain> = cmr::pagination::decode_page(l.data(), "inventory", 1).unwrap();
    assert_eq!(page.items.len(), 5);
    assert_eq!(page.total_count, Some(12));
    assert_eq!(page.next_page, Some(2));
    let dom = page.items[0].domain.clone();
    let before = t.wallet().await;
    let r = t.post("/pre-warmup/order", &[("userId", &uid)], prewarm_order(&[&dom], "GOOGLE", None)).await.expect(201);
    assert!(r.data()["orderId"].is_string() && r.body["actionId"].is_string());
    assert_eq!(before - t.wallet().await, 15.0);
    t.post("/pre-warmup/order", &[("userId", &uid)], prewarm_order(&[&dom], "GOOGLE", None)).await.expect(409);
    t.post("/pre-warmup/order", &[("userId", &uid)], prewarm_order(&["nope.com"], "GOOGLE", None)).await.expect(400);
    t.post("/pre-warmup/order", &[("userId", &uid)], prewarm_order(&[&dom], "GOOGLE", Some("success"))).await.expect(400);
    let mut no_google = prewarm_order(&["prewarm-cedarline.com"], "GOOGLE", None);
    no_google.as_object_mut().unwrap().remove("google");
    t.post("/pre-warmup/order", &[("userId", &uid)], no_google).await.expect(400);
    t.set_wallet(0.0).await;
    let l = t.get("/pre-warmup", &[("serviceProvider", "GOOGLE")]).await.ok();
    let next = l.data()["inventory"][0]["domain"].as_str().unwrap().to_string();
    t.post("/pre-warmup/order", &[("userId", &uid)], prewarm_order(&[&next], "GOOGLE", None)).await.expect(402);
    t.advance(15.0).await;
    let ev = t.events_named("prewarmup.order.success").await;
    assert_eq!(ev.len(), 1);
    assert_eq!(t.mailboxes_of(&uid).await.len(), 3);
}

#[tokio::test]
async fn sandbox_prewarmup_scenarios_and_reset() {
    let t = start().await;
    let uid = t.create_user("sp@acme.com").await;
    let l = t.get("/sandbox/pre-warmup", &[]).await.ok();
    let names: Vec<&str> = l.data()["inventory"].as_array().unwrap().iter().map(|d| d["domain"].as_str().unwrap()).collect();
    assert_eq!(names, ["sandbox.nexora-tech.com", "mail-sandbox.brightplathlabs.com", "sandbox-mail.corevista.io", "sandbox.stratospherehq.com"]);
    let before = t.wallet().await;
    t.post("/sandbox/pre-warmup/order", &[("userId", &uid)], prewarm_order(&["sandbox.nexora-tech.com"], "GOOGLE", Some("full_failure"))).await.expect(201);
    t.post("/sandbox/pre-warmup/order", &[("userId", &uid)], prewarm_order(&["sandbox-mail.corevista.io", "sandbox.stratospherehq.com"], "MICROSOFT", Some("partial_failure"))).await.expect(201);
    t.post("/sandbox/pre-warmup/order", &[("userId", &uid)], prewarm_order(&["mail-sandbox.brightplathlabs.com"], "GOOGLE", None)).await.expect(201);
    t.post("/sandbox/pre-warmup/order", &[("userId", &uid)], prewarm_order(&["x.com"], "GOOGLE", None)).await.expect(400);
    t.post("/sandbox/pre-warmup/order", &[("userId", &uid)], prewarm_order(&["sandbox.nexora-tech.com"], "GOOGLE", Some("weird"))).await.expect(409);
    assert_eq!(t.wallet().await, before, "sandbox orders are free");
    t.advance(15.0).await;
    let failed = t.events_named("prewarmup.order.failed").await;
    let ok = t.events_named("prewarmup.order.success").await;
    assert_eq!(failed.len(), 2);
    assert_eq!(ok.len(), 2);
    let partial_failed: Vec<&Value> = failed.iter().filter(|e| e["payload"]["data"]["serviceProvider"] == "MICROSOFT").collect();
    assert_eq!(partial_failed[0]["payload"]["data"]["mailboxDetails"][0]["domain"], "sandbox.stratospherehq.com");
    let partial_ok: Vec<&Value> = ok.iter().filter(|e| e["payload"]["data"]["serviceProvider"] == "MICROSOFT").collect();
    assert_eq!(partial_ok[0]["payload"]["data"]["mailboxDetails"][0]["domain"], "sandbox-mail.corevista.io");
    // Parsed by the core.
    let ev = cmr::webhooks::parse(partial_ok[0]["body"].as_str().unwrap().as_bytes()).unwrap();
    match ev.data {
        cmr::webhooks::EventData::PrewarmupOrderSuccess(d) => assert_eq!(d.mailbox_details[0].pre_warmed_up_mailboxes.len(), 3),
        other => panic!("{other:?}"),
    }
    assert_eq!(t.get("/sandbox/pre-warmup", &[]).await.data()["inventory"], json!([]));
    t.post("/sandbox/pre-warmup/reset", &[], json!({})).await.ok();
    assert_eq!(t.get("/sandbox/pre-warmup", &[]).await.data()["inventory"].as_array().unwrap().len(), 4);
    assert!(t.mailboxes_of(&uid).await.is_empty(), "reset wipes sandbox records");
}

#[tokio::test]
async fn multipart_order_is_accepted() {
    let t = start().await;
    let uid = t.create_user("mp@acme.com").await;
    let form = reqwest::multipart::Form::new()
        .text("domains", json!([{"domain": "multi-part.com", "years": 1}]).to_string())
        .text("mailboxes", json!({"multi-part.com": [{"username": "a", "firstName": "A", "lastName": "B"}]}).to_string())
        .text("confirm", "true")
        .text("serviceProvider", "GOOGLE")
        .part("a@multi-part.com", reqwest::multipart::Part::bytes(vec![1, 2, 3]).file_name("a.png").mime_str("image/png").unwrap());
    let r = t
        .http
        .post(format!("{}/orders", t.sb.base_url()))
        .query(&[("userId", &uid)])
        .header("cmr-x-api-key", "cmr_test_key")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    t.advance(60.0).await;
    assert_eq!(t.mailboxes_of(&uid).await[0]["email"], "a@multi-part.com");
}
