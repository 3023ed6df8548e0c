//! Every operation of the core, over real HTTP, against the sandbox.

mod common;

use common::*;
use cmr::models::*;
use cmr::{ErrorKind, Method};
use futures_util::TryStreamExt;
use serde_json::json;

#[tokio::test]
async fn users_create_get_update_list_delete() {
    let e = env().await;
    let u = e.user("jane@acme.com").await;
    assert!(!u.id.is_empty());
    assert_eq!(u.email.as_deref(), Some("jane@acme.com"));

    let got = e.client.users().get(&u.id).await.unwrap();
    assert_eq!(got.id, u.id);
    assert_eq!(got.company.as_deref(), Some("Acme Inc."));

    let ack = e
        .client
        .users()
        .update(&u.id, &UpdateUser { city: Some("Dallas".into()), ..Default::default() })
        .await
        .unwrap();
    assert!(!ack.message.is_empty());
    assert_eq!(e.client.users().get(&u.id).await.unwrap().city.as_deref(), Some("Dallas"));

    let page = e.client.users().list(&ListUsersParams::default()).await.unwrap();
    assert!(page.items.iter().any(|x| x.id == u.id));

    e.client.users().delete(&u.id).await.unwrap();
    let err = e.client.users().get(&u.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.status(), Some(404));
    assert_eq!((err.method(), err.path()), (Some("GET"), Some("/users")));
}

#[tokio::test]
async fn duplicate_email_is_a_conflict() {
    let e = env().await;
    let a = e.user("dup@acme.com").await;
    let err = e.client.users().create(&new_user("dup@acme.com")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    let b = e.user("other@acme.com").await;
    let err = e
        .client
        .users()
        .update(&b.id, &UpdateUser { email: Some("dup@acme.com".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert_ne!(a.id, b.id);
}

#[tokio::test]
async fn pagination_walks_every_page_once() {
    let e = env().await;
    for i in 0..23 {
        e.user(&format!("user{i}@acme.com")).await;
    }
    let first = e.client.users().list(&ListUsersParams { limit: Some(10), ..Default::default() }).await.unwrap();
    assert_eq!(first.items.len(), 10);
    assert_eq!(first.next_page, Some(2));
    assert_eq!(first.total_pages, Some(3));
    let last = e.client.users().list(&ListUsersParams { limit: Some(10), page: Some(3), ..Default::default() }).await.unwrap();
    assert_eq!(last.items.len(), 3);
    assert_eq!(last.next_page, None);

    let all: Vec<User> = e
        .client
        .users()
        .list_stream(ListUsersParams { limit: Some(10), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 23);
    let mut ids: Vec<_> = all.iter().map(|u| u.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 23, "no user twice");
}

#[tokio::test]
async fn geo_countries_and_states() {
    let e = env().await;
    let countries = e.client.geo().countries().await.unwrap();
    let us = countries.iter().find(|c| c.code == "US").expect("US is listed");
    assert!(!us.name.is_empty());
    let mut sorted = countries.clone();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(countries, sorted, "sorted by name");
    let states = e.client.geo().states("us").await.unwrap();
    assert!(states.iter().any(|s| s.code == "TX"));
    assert_eq!(e.client.geo().states("USA").await.unwrap_err().kind(), ErrorKind::Validation);
}

#[tokio::test]
async fn order_lifecycle_emits_signed_webhooks_in_order() {
    let e = env().await;
    let (user, sub, mailboxes) = provisioned(&e, "life@acme.com", "lifecycle-example.com", &["alice", "bob"]).await;
    assert_eq!(mailboxes.len(), 2);
    assert!(mailboxes.iter().all(|m| m.status == Some(MailboxStatus::Active)), "{mailboxes:?}");
    assert_eq!(sub.subscription_status, Some(SubscriptionStatus::Active));
    assert_eq!(sub.total_mailbox_quantity, Some(2));

    let hooks = e.webhooks().await;
    let names: Vec<&str> = hooks.iter().filter_map(|h| h["event"].as_str()).collect();
    assert_eq!(names, ["domain.order.success", "mailbox.order.success", "mailbox.created", "mailbox.created"]);
    // Each emitted body parses into its typed event (signatures of real
    // deliveries are checked in errors_and_retries.rs).
    for h in &hooks {
        let body = h["body"].as_str().expect("raw body kept");
        let ev = cmr::webhooks::parse(body.as_bytes()).unwrap();
        assert!(!matches!(ev.data, cmr::webhooks::EventData::Unknown { .. }), "{}", ev.event);
        assert!(ev.event_id.is_some());
        match &ev.data {
            cmr::webhooks::EventData::MailboxOrderSuccess(m) => assert_eq!(m.subscription_id.as_deref(), Some(sub.subscription_id.as_str())),
            cmr::webhooks::EventData::MailboxCreated(m) => assert!(m.email.as_deref().unwrap_or("").ends_with("@lifecycle-example.com")),
            _ => {}
        }
    }
    let domains = e.client.domains().list(&user.id).await.unwrap();
    assert_eq!(domains.len(), 1);
    assert_eq!(domains[0].status, Some(DomainStatus::Active));
}

#[tokio::test]
async fn orders_confirm_false_waits_for_process_and_status_and_details() {
    let e = env().await;
    let user = e.user("later@acme.com").await;
    let mut o = order("later-example.com", &["ann"]);
    o.confirm = Some(false);
    let created = e.client.orders().create(&user.id, &o).await.unwrap();
    let order_id = created.order_id.clone().unwrap();
    e.advance(60).await;
    assert!(e.webhooks().await.is_empty(), "an unconfirmed order does nothing");
    let st = e.client.orders().status(&user.id, &order_id).await.unwrap();
    assert_eq!(st.status, Some(OrderState::Created));

    e.client.orders().process(&user.id, &order_id).await.unwrap();
    e.advance(60).await;
    let st = e.client.orders().status(&user.id, &order_id).await.unwrap();
    assert_eq!(st.status, Some(OrderState::Completed));
    let details = e.client.orders().get(&user.id, &order_id).await.unwrap();
    assert_eq!(details.order_id, order_id);
    assert_eq!(details.domains.len(), 1);
}

#[tokio::test]
async fn orders_multipart_with_a_profile_picture() {
    let e = env().await;
    let user = e.user("pic@acme.com").await;
    let files = vec![ProfilePicture {
        key: "ann@pic-example.com".into(),
        file_name: "ann.png".into(),
        content_type: "image/png".into(),
        data: vec![0x89, b'P', b'N', b'G'],
    }];
    let created = e.client.orders().create_multipart(&user.id, &order("pic-example.com", &["ann"]), &files).await.unwrap();
    assert!(created.order_id.is_some());
    assert!(created.action_id.as_deref().unwrap_or("").starts_with("ACT_"));
    // A file for a mailbox the order does not have is refused before sending.
    let bad = vec![ProfilePicture { key: "zed@pic-example.com".into(), ..files[0].clone() }];
    let err = e.client.orders().create_multipart(&user.id, &order("pic2-example.com", &["ann"]), &bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(e.hits("POST", "/orders").await, 1);
}

#[tokio::test]
async fn insufficient_wallet_refuses_the_order() {
    let e = env().await;
    e.control("PUT", "/wallet", json!({"balance": 0.0})).await;
    let user = e.user("poor@acme.com").await;
    let err = e.client.orders().create(&user.id, &order("poor-example.com", &["a"])).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PaymentRequired, "{err}");
    let w = e.client.wallet().get().await.unwrap();
    assert_eq!(w.balance, Some(0.0));
}

#[tokio::test]
async fn order_mailboxes_subscription_xor_domain() {
    let e = env().await;
    let (user, sub, _) = provisioned(&e, "more@acme.com", "more-example.com", &["a"]).await;
    let mut mailboxes = std::collections::HashMap::new();
    mailboxes.insert(
        "more-example.com".to_string(),
        vec![NewMailbox { username: "b".into(), first_name: "B".into(), last_name: "B".into(), ..Default::default() }],
    );
    let both = MailboxOrder {
        subscription_id: Some(sub.subscription_id.clone()),
        domain_id: Some("D".into()),
        mailboxes: mailboxes.clone(),
        ..Default::default()
    };
    assert_eq!(e.client.orders().order_mailboxes(&user.id, &both).await.unwrap_err().kind(), ErrorKind::Validation);
    let neither = MailboxOrder { mailboxes: mailboxes.clone(), ..Default::default() };
    assert_eq!(e.client.orders().order_mailboxes(&user.id, &neither).await.unwrap_err().kind(), ErrorKind::Validation);
    assert_eq!(e.hits("POST", "/orders/create-mailbox-order/json").await, 0, "refused before sending");

    let ok = MailboxOrder {
        subscription_id: Some(sub.subscription_id.clone()),
        mailboxes,
        confirm: Some(true),
        google: Some(google()),
        ..Default::default()
    };
    e.client.orders().order_mailboxes(&user.id, &ok).await.unwrap();
    e.advance(60).await;
    assert_eq!(e.client.mailboxes().list(&user.id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn mailboxes_get_admin_update_remove_and_list_all() {
    let e = env().await;
    let (user, _, mbs) = provisioned(&e, "mb@acme.com", "mb-example.com", &["a", "b"]).await;
    let id = mbs[0].mailbox_id.clone();
    let one = e.client.mailboxes().get(&id, Some(&user.id)).await.unwrap();
    assert_eq!(one.mailbox_id, id);
    assert!(one.email.as_deref().unwrap_or("").ends_with("@mb-example.com"));
    let admin = e.client.mailboxes().admin_details(&user.id, &id).await.unwrap();
    assert!(!admin.mailbox_id.is_empty());

    let upd = e
        .client
        .mailboxes()
        .update(&user.id, &MailboxUpdate { mailbox_id: id.clone(), first_name: Some("Zoe".into()), ..Default::default() })
        .await
        .unwrap();
    assert!(upd.action_id.as_deref().unwrap_or("").starts_with("ACT_"));
    e.advance(10).await;
    assert_eq!(e.client.mailboxes().get(&id, None).await.unwrap().first_name.as_deref(), Some("Zoe"));
    assert!(e.webhooks().await.iter().any(|h| h["event"] == "mailbox.updated"));

    let many = e
        .client
        .mailboxes()
        .update_many(
            &user.id,
            &[
                MailboxUpdate { mailbox_id: mbs[1].mailbox_id.clone(), last_name: Some("Roe".into()), ..Default::default() },
                MailboxUpdate { mailbox_id: "NOSUCHMAILBOX000000000000000".into(), last_name: Some("X".into()), ..Default::default() },
            ],
        )
        .await
        .unwrap();
    assert_eq!(many.results.len(), 2);
    assert!(many.results[0].success);
    assert!(!many.results[1].success);

    let all = e.client.mailboxes().list_all(&ListMailboxesParams::default()).await.unwrap();
    assert!(all.items.len() >= 2);

    e.client.mailboxes().remove(&user.id, &id).await.unwrap();
    e.advance(10).await;
    assert_eq!(e.client.mailboxes().list(&user.id).await.unwrap().len(), 1);
    let conflict = MailboxUpdate { mailbox_id: id.clone(), profile_picture: Some("https://x/y.png".into()), remove_profile_picture: Some(true), ..Default::default() };
    assert_eq!(e.client.mailboxes().update(&user.id, &conflict).await.unwrap_err().kind(), ErrorKind::Validation);
}

#[tokio::test]
async fn user_with_resources_cannot_be_deleted() {
    let e = env().await;
    let (user, _, _) = provisioned(&e, "busy@acme.com", "busy-example.com", &["a"]).await;
    let err = e.client.users().delete(&user.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation, "{err}");
    assert_eq!(err.status(), Some(400));
    assert!(err.body().unwrap_or("").contains("\"status\":400"), "raw body kept: {:?}", err.body());
}

#[tokio::test]
async fn dns_add_list_update_delete_and_dmarc_rules() {
    let e = env().await;
    let (user, _, _) = provisioned(&e, "dns@acme.com", "dns-example.com", &["a"]).await;
    let added = e
        .client
        .dns()
        .add(
            &user.id,
            &AddDnsRecords {
                domain: "dns-example.com".into(),
                records: vec![
                    NewDnsRecord { host: "mail".into(), value: "192.0.2.10".into(), record_type: RecordType::A, ..Default::default() },
                    NewDnsRecord {
                        host: "_dmarc".into(),
                        value: "v=DMARC1; p=none".into(),
                        record_type: RecordType::Txt,
                        excluded_dmarc_tags: Some(vec!["rua".into(), "ruf".into()]),
                        ..Default::default()
                    },
                ],
            },
        )
        .await
        .unwrap();
    assert_eq!(added.len(), 2);
    assert!(added.iter().all(|r| !r.record_id.is_empty()));
    let listed = e.client.dns().list(&user.id, "dns-example.com").await.unwrap();
    let dmarc = listed.records.iter().find(|r| r.host == "_dmarc").expect("dmarc record listed");
    assert!(dmarc.value.contains("pct=100") && !dmarc.value.contains("rua="), "defaults added except excluded: {}", dmarc.value);

    let a = added.iter().find(|r| r.host == "mail").unwrap();
    e.client
        .dns()
        .update(
            &user.id,
            &UpdateDnsRecord {
                record_id: a.record_id.clone(),
                domain: "dns-example.com".into(),
                host: "mail".into(),
                value: "192.0.2.20".into(),
                record_type: RecordType::A,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let listed = e.client.dns().list(&user.id, "dns-example.com").await.unwrap();
    assert!(listed.records.iter().any(|r| r.value == "192.0.2.20"));
    e.client.dns().delete(&user.id, &a.record_id).await.unwrap();
    let listed = e.client.dns().list(&user.id, "dns-example.com").await.unwrap();
    assert!(!listed.records.iter().any(|r| r.record_id == a.record_id));

    // excludedDMARCtags on a non-DMARC record: refused locally, and by the server too.
    let bad = AddDnsRecords {
        domain: "dns-example.com".into(),
        records: vec![NewDnsRecord { host: "@".into(), value: "x".into(), record_type: RecordType::Txt, excluded_dmarc_tags: Some(vec![]), ..Default::default() }],
    };
    assert_eq!(e.client.dns().add(&user.id, &bad).await.unwrap_err().kind(), ErrorKind::Validation);
    let env = e
        .client
        .request(Method::Post, "/dns", &[("userId".into(), user.id.clone())], Some(serde_json::to_value(&bad).unwrap()))
        .await
        .unwrap_err();
    assert_eq!(env.status(), Some(400));
}

#[tokio::test]
async fn domains_availability_workspace_forwarding_and_google() {
    let e = env().await;
    let (user, _, _) = provisioned(&e, "dom@acme.com", "dom-example.com", &["a"]).await;
    let sugg = e.client.domains().suggest(&user.id, &SuggestDomains { query: "acme".into(), ..Default::default() }).await.unwrap();
    assert!(!sugg.is_empty());
    let taken = e.client.domains().check_availability(&user.id, "dom-example.com").await.unwrap();
    assert_eq!(taken.available, Some(false));
    let free = e.client.domains().check_availability(&user.id, "brand-new-name-1234.com").await.unwrap();
    assert_eq!(free.available, Some(true));
    assert!(free.price.unwrap_or(0.0) > 0.0);
    let ws = e
        .client
        .domains()
        .check_workspace(&user.id, &CheckWorkspace { domain: "dom-example.com".into(), service_provider: Some(ServiceProvider::Google) })
        .await
        .unwrap();
    assert_eq!(ws.exists, Some(true));
    e.client
        .domains()
        .add_forwarding(&user.id, &DomainForwarding { domain: "dom-example.com".into(), forward_to: "https://acme.com".into(), mask_forwarding: None })
        .await
        .unwrap();
    e.client
        .domains()
        .add_email_forwarding(&user.id, &EmailForwarding { domain: "dom-example.com".into(), forward_to: "inbox@acme.com".into() })
        .await
        .unwrap();
    e.client
        .domains()
        .add_google_client_id(&user.id, &GoogleClientId { domain: "dom-example.com".into(), client_id: "cid".into(), app_name: None })
        .await
        .unwrap();
    // A domain with mailboxes cannot be removed.
    let err = e.client.domains().remove(&user.id, &["dom-example.com".to_string()]).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Validation | ErrorKind::Conflict), "{err}");
}

#[tokio::test]
async fn domain_renewal_window_and_auto_renew() {
    let e = env().await;
    let (user, _, _) = provisioned(&e, "renew@acme.com", "renew-example.com", &["a"]).await;
    let req = DomainRenewal { user_id: user.id.clone(), domains: Some(vec!["renew-example.com".into()]), years: Some(1) };
    // A fresh one-year domain is outside the 45-day window: a per-domain error, not an HTTP error.
    let prices = e.client.domains().renewal_price(&req).await.unwrap();
    assert!(prices[0].error.is_some(), "{prices:?}");
    // 330 days later it is inside the window.
    e.advance(330 * 86_400).await;
    let prices = e.client.domains().renewal_price(&req).await.unwrap();
    assert!(prices[0].error.is_none() && prices[0].renewal_price.is_some(), "{prices:?}");
    let renewed = e.client.domains().renew(&req).await.unwrap();
    assert!(!renewed.message.is_empty());
    let toggled = e
        .client
        .domains()
        .toggle_auto_renew(&ToggleDomainAutoRenew { user_id: user.id.clone(), domains: None, auto_renew: true })
        .await
        .unwrap();
    assert!(toggled.iter().all(|d| d.auto_renew));
}

#[tokio::test]
async fn subscriptions_renew_toggle_recreate_cancel() {
    let e = env().await;
    let (_, sub, _) = provisioned(&e, "sub@acme.com", "sub-example.com", &["a"]).await;
    let ack = e.client.subscriptions().renew(std::slice::from_ref(&sub.subscription_id)).await.unwrap();
    assert!(ack.action_id.as_deref().unwrap_or("").starts_with("ACT_"));
    e.client
        .subscriptions()
        .toggle_auto_renew(&ToggleSubscriptionAutoRenew { subscription_ids: vec![sub.subscription_id.clone()], auto_renew: false })
        .await
        .unwrap();
    e.client.subscriptions().recreate(&RecreateSubscriptions::by_domains(["sub-example.com"])).await.unwrap();
    let err = e.client.subscriptions().cancel(&CancelSubscription::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    e.client.subscriptions().cancel(&CancelSubscription::by_domain("sub-example.com")).await.unwrap();
    e.advance(10).await;
    let page = e
        .client
        .subscriptions()
        .list(&ListSubscriptionsParams { status: Some(SubscriptionStatus::Cancelled), ..Default::default() })
        .await
        .unwrap();
    assert!(page.items.iter().any(|s| s.domain.as_deref() == Some("sub-example.com")), "{page:?}");
}

#[tokio::test]
async fn exports_credentials_and_export() {
    let e = env().await;
    let (user, _, mbs) = provisioned(&e, "exp@acme.com", "exp-example.com", &["a"]).await;
    let add = AddPlatformCredential {
        app: PlatformApp::EmailBison,
        credentials: PlatformLogin { email: "john@agency.com".into(), password: "secret-pass".into() },
        metadata: PlatformMetadata {
            app_base_url: Some("https://app.emailbison.com".into()),
            client_id: Some("client_eb".into()),
            app_name: Some("EmailBison".into()),
            workspace: Some("ws".into()),
        },
    };
    let c1 = e.client.exports().add_credential(&user.id, &add).await.unwrap();
    let c2 = e.client.exports().add_credential(&user.id, &add).await.unwrap();
    assert_ne!(c1.credential_id, c2.credential_id, "each add creates a new credential");
    let list = e.client.exports().list_credentials(&user.id).await.unwrap();
    let eb = list.iter().find(|p| p.app == PlatformApp::EmailBison).unwrap();
    assert!(eb.connected);
    assert_eq!(eb.credentials.len(), 2);
    e.client
        .exports()
        .export_mailboxes(&user.id, &ExportMailboxes { credential_id: c1.credential_id.clone(), component_mailbox_ids: vec![mbs[0].mailbox_id.clone()] })
        .await
        .unwrap();
    e.client.exports().reexport(&user.id, &mbs[0].mailbox_id).await.unwrap();
    e.client.exports().remove_credential(&user.id, &c1.credential_id).await.unwrap();
    let err = e.client.exports().remove_credential(&user.id, &c1.credential_id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn prewarmup_inventory_orders_and_sandbox_scenarios() {
    let e = env().await;
    let user = e.user("pw@acme.com").await;
    let page = e.client.prewarmup().list(&ListPrewarmupParams::default()).await.unwrap();
    assert!(!page.items.is_empty());
    let domain = page.items[0].domain.clone();
    let order = PrewarmupOrder {
        order: vec![PrewarmupItem { domain, forward_to: None }],
        service_provider: page.items[0].service_provider.clone().unwrap_or(ServiceProvider::Google),
        google: Some(google()),
        microsoft_oauth_route: Some("https://app.example.com/oauth/ms".into()),
        ..Default::default()
    };
    let mut order = order;
    if order.service_provider == ServiceProvider::Google {
        order.microsoft_oauth_route = None;
    } else {
        order.google = None;
    }
    e.client.prewarmup().order(&user.id, &order).await.unwrap();

    let sb = e.client.prewarmup().sandbox_list(None).await.unwrap();
    let names: Vec<&str> = sb.iter().map(|d| d.domain.as_str()).collect();
    assert!(names.contains(&"sandbox.nexora-tech.com"), "{names:?}");
    let sandbox_order = PrewarmupOrder {
        order: vec![
            PrewarmupItem { domain: "sandbox.nexora-tech.com".into(), forward_to: None },
            PrewarmupItem { domain: "mail-sandbox.brightplathlabs.com".into(), forward_to: None },
        ],
        service_provider: ServiceProvider::Google,
        google: Some(google()),
        scenario: Some(SandboxScenario::PartialFailure),
        ..Default::default()
    };
    assert_eq!(e.client.prewarmup().order(&user.id, &sandbox_order).await.unwrap_err().kind(), ErrorKind::Validation);
    e.client.prewarmup().sandbox_order(&user.id, &sandbox_order).await.unwrap();
    e.advance(60).await;
    let events: Vec<String> = e.webhooks().await.iter().filter_map(|h| h["event"].as_str().map(str::to_string)).collect();
    assert!(events.contains(&"prewarmup.order.success".to_string()), "{events:?}");
    assert!(events.contains(&"prewarmup.order.failed".to_string()), "{events:?}");
    e.client.prewarmup().sandbox_reset().await.unwrap();
}

#[tokio::test]
async fn wallet_and_send_error() {
    let e = env().await;
    let w = e.client.wallet().get().await.unwrap();
    assert_eq!(w.balance, Some(100000.0));
    let ack = e.client.send_error(&SendErrorReport { message: "webhook never arrived".into(), action_id: Some("ACT_1".into()), details: None }).await.unwrap();
    assert!(!ack.message.is_empty());
}

#[tokio::test]
async fn raw_request_reaches_any_path() {
    let e = env().await;
    let env = e.client.request(Method::Get, "/geo/countries", &[], None).await.unwrap();
    assert_eq!(env.status, Some(200));
    assert!(env.data.is_object());
    let err = e.client.request(Method::Get, "/no/such/path", &[], None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(e.client.request(Method::Get, "relative", &[], None).await.unwrap_err().kind(), ErrorKind::Validation);
}

#[tokio::test]
async fn dispatch_calls_typed_operations_by_name() {
    let e = env().await;
    let u = cmr::ops::call(&e.client, "users.create", serde_json::to_value(new_user("ops@acme.com")).unwrap()).await.unwrap();
    let id = u["id"].as_str().unwrap().to_string();
    let got = cmr::ops::call(&e.client, "users.get", json!({ "userId": id })).await.unwrap();
    assert_eq!(got["email"], "ops@acme.com");
    let page = cmr::ops::call(&e.client, "users.list", json!({ "limit": 5 })).await.unwrap();
    assert!(page["items"].is_array() && page.get("nextPage").is_some());
    let err = cmr::ops::call(&e.client, "users.get", json!({})).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(err.message().contains("userId"));
    let err = cmr::ops::call(&e.client, "users.nope", json!({})).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
}
