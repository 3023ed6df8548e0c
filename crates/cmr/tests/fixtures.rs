//! Every example payload of the API reference decodes into its model.
//! (The files are copied verbatim into `tests/fixtures/`.)

use std::path::PathBuf;

use cmr::models::*;
use cmr::webhooks::{self, EventData};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn env(name: &str) -> Envelope {
    serde_json::from_value(load(name)).unwrap_or_else(|e| panic!("{name} is not an envelope: {e}"))
}

fn model<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_value(load(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn data<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_value(env(name).data).unwrap_or_else(|e| panic!("{name} data: {e}"))
}

/// Every file is claimed by exactly one check below, so a new example cannot be forgotten.
const CHECKED: &[&str] = &[
    "async.accepted.overview.guide.json",
    "dns.add.record.dmarc.guide.json",
    "dns.add.request.guide.json",
    "dns.add.request.multi.guide.json",
    "dns.get.record-item.guide.json",
    "dns.update.request.guide.json",
    "domains.renewal-price.200.json",
    "domains.renewal-price.request.json",
    "domains.toggle-auto-renew.200.json",
    "domains.toggle-auto-renew.request.json",
    "export.platform-credential.add.200.json",
    "export.platform-credential.add.request.json",
    "export.platform-credential.remove.200.json",
    "export.platform-credentials.list.200.json",
    "mailboxes.remove.200.json",
    "mailboxes.remove.request.json",
    "mailboxes.update.200.bulk.guide.json",
    "mailboxes.update.200.guide.json",
    "mailboxes.update.request.bulk.guide.json",
    "mailboxes.update.request.profile-picture.guide.json",
    "mailboxes.update.request.remove-picture.guide.json",
    "mailboxes.update.request.single.guide.json",
    "orders.create-formdata.domains-field.json",
    "orders.create-formdata.files-field.txt",
    "orders.create-formdata.mailboxes-field.json",
    "orders.json.200.guide.json",
    "orders.json.request.guide.json",
    "orders.json.request.onwarmup.guide.json",
    "prewarmup.list.200.guide.json",
    "prewarmup.order.request.google.guide.json",
    "prewarmup.order.request.microsoft.guide.json",
    "subscriptions.cancel.200.json",
    "subscriptions.cancel.request.json",
    "subscriptions.list.200.json",
    "subscriptions.recreate.request.by-domain-names.json",
    "subscriptions.recreate.request.by-subscription-ids.json",
    "subscriptions.renew.200.json",
    "subscriptions.renew.200.older-version.json",
    "subscriptions.renew.request.json",
    "users.create.200.guide.json",
    "users.create.request.json",
    "users.delete.200.json",
    "users.update.200.json",
    "users.update.request.json",
    "webhook.domain.order.success.json",
    "webhook.domain.order.success.with-actionid.guide.json",
    "webhook.mailbox.created.guide.json",
    "webhook.mailbox.order.success.json",
    "webhook.prewarmup.order.success.first-domain.reconstructed.json",
    "webhook.prewarmup.order.success.truncated.txt",
    "webhook.subscription.renewal.success.json",
];

#[test]
fn every_fixture_is_checked() {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut checked: Vec<String> = CHECKED.iter().map(|s| s.to_string()).collect();
    checked.sort();
    assert_eq!(on_disk, checked, "tests/fixtures and CHECKED differ");
}

#[test]
fn envelopes_and_action_ids() {
    let e = env("async.accepted.overview.guide.json");
    assert_eq!(e.action_id(), Some("ACT_7a078272-0fa7-4db4-a85b-c78697dacea1"));
    let e = env("subscriptions.renew.200.json");
    assert_eq!(e.action_id(), Some("ACT_7a078272-0fa7-4db4-a85b-c78697dacea1"));
    assert!(e.data.is_null());
    let old = env("subscriptions.renew.200.older-version.json");
    assert_eq!(old.action_id(), None);
    assert!(old.message.starts_with("Subscriptions added for renewal"));
    for f in ["users.delete.200.json", "mailboxes.remove.200.json", "users.update.200.json", "subscriptions.cancel.200.json", "export.platform-credential.remove.200.json"] {
        let e = env(f);
        assert_eq!(e.status, Some(200), "{f}");
        assert!(e.data.is_null(), "{f}");
        assert!(!e.message.is_empty(), "{f}");
    }
    // The bulk mailbox update answer has no `status`.
    assert_eq!(env("mailboxes.update.200.bulk.guide.json").status, None);
    assert_eq!(env("mailboxes.update.200.guide.json").action_id(), Some("ACT_7a078272-0fa7-4db4-a85b-c78697dacea1"));
}

#[test]
fn users() {
    let req: CreateUser = model("users.create.request.json");
    assert_eq!(req.address_line_three.as_deref(), Some("Apt 5B"));
    assert_eq!(req.phone_cc, "1");
    // Round trip: what we send is what the docs show.
    assert_eq!(serde_json::to_value(&req).unwrap(), load("users.create.request.json"));
    let upd: UpdateUser = model("users.update.request.json");
    assert_eq!(upd.email.as_deref(), Some("john.doe@example.com"));
    assert_eq!(serde_json::to_value(&upd).unwrap(), load("users.update.request.json"));
    let created: User = data("users.create.200.guide.json");
    assert_eq!(created.id, "usr_abc123");
}

#[test]
fn domains() {
    let req: DomainRenewal = model("domains.renewal-price.request.json");
    assert_eq!(req.domains.as_ref().unwrap().len(), 3);
    assert_eq!(req.years, None);
    let prices: Vec<DomainRenewalItem> = data("domains.renewal-price.200.json");
    assert_eq!(prices[0].renewal_price.as_deref(), Some("14.50"));
    assert_eq!(prices[0].years, Some(1));
    assert_eq!(prices[0].auto_renew, Some(false));
    let t: ToggleDomainAutoRenew = model("domains.toggle-auto-renew.request.json");
    assert!(t.auto_renew);
    let toggled: Vec<DomainAutoRenew> = data("domains.toggle-auto-renew.200.json");
    assert_eq!(toggled[0].domain_name, "acme.com");
    assert!(toggled[0].auto_renew);
}

#[test]
fn dns() {
    let add: AddDnsRecords = model("dns.add.request.guide.json");
    assert_eq!(add.records[0].record_type, RecordType::A);
    let multi: AddDnsRecords = model("dns.add.request.multi.guide.json");
    assert_eq!(multi.records.len(), 3);
    let dmarc: NewDnsRecord = model("dns.add.record.dmarc.guide.json");
    assert_eq!(dmarc.excluded_dmarc_tags, Some(vec![]));
    assert!(is_dmarc_host(&dmarc.host));
    // CMR spells it excludedDMARCtags; we must send that exact name.
    assert!(serde_json::to_string(&dmarc).unwrap().contains("\"excludedDMARCtags\""));
    let rec: DnsRecord = model("dns.get.record-item.guide.json");
    assert_eq!(rec.priority, None, "an empty-string priority is absent");
    assert_eq!(rec.record_type, RecordType::Txt);
    let upd: UpdateDnsRecord = model("dns.update.request.guide.json");
    assert_eq!(upd.record_id, "record_123");
}

#[test]
fn orders() {
    let o: CreateOrder = model("orders.json.request.guide.json");
    assert_eq!(o.billing_cycle, Some(BillingCycle::Monthly));
    assert_eq!(o.mailboxes["alicesender.com"].len(), 2);
    let w: CreateOrder = model("orders.json.request.onwarmup.guide.json");
    assert_eq!(w.mailboxes["example.org"][0].on_warmup, Some(true));
    let domains: Vec<OrderDomain> = model("orders.create-formdata.domains-field.json");
    assert_eq!(domains[0].years, 1);
    let mbs: std::collections::HashMap<String, Vec<NewMailbox>> = model("orders.create-formdata.mailboxes-field.json");
    assert_eq!(mbs["onecompanycenter.com"][0].username, "john");
    let created: OrderCreated = data("orders.json.200.guide.json");
    assert_eq!(created.order_id.as_deref(), Some("ord_R8K2LQPZA9XM"));
    assert!(created.unavailable_domains.is_empty());
    // The files field is documented as binary, not JSON: we only check the key format it names.
    let txt = std::fs::read_to_string(dir().join("orders.create-formdata.files-field.txt")).unwrap();
    assert!(txt.contains("\"john@onecompanycenter.com\""));
}

#[test]
fn mailboxes() {
    let r: Value = load("mailboxes.remove.request.json");
    assert_eq!(r["mailboxId"], "JKFLDKDHSKTGITJAGFD");
    for f in ["mailboxes.update.request.single.guide.json", "mailboxes.update.request.profile-picture.guide.json", "mailboxes.update.request.remove-picture.guide.json"] {
        let u: MailboxUpdate = serde_json::from_value(load(f)["mailboxData"].clone()).unwrap();
        assert_eq!(u.mailbox_id, "GP6M2J2DHXM3F2J40S8AP316R2QR", "{f}");
    }
    let single: MailboxUpdate = serde_json::from_value(load("mailboxes.update.request.single.guide.json")["mailboxData"].clone()).unwrap();
    assert_eq!(single.user_name.as_deref(), Some("alice.doe"));
    let bulk: Vec<MailboxUpdate> = serde_json::from_value(load("mailboxes.update.request.bulk.guide.json")["mailboxData"].clone()).unwrap();
    assert_eq!(bulk.len(), 2);
    let results: Vec<MailboxUpdateItem> = data("mailboxes.update.200.bulk.guide.json");
    assert!(results[0].success && !results[1].success);
    assert_eq!(results[1].message.as_deref(), Some("Rate limit exceeded"));
}

#[test]
fn subscriptions() {
    let page: Page<Subscription> = cmr::pagination::decode_page(&env("subscriptions.list.200.json").data, "subscriptions", 1).unwrap();
    assert!(page.items.len() >= 2);
    let s = &page.items[0];
    assert_eq!(s.subscription_status, Some(SubscriptionStatus::Active));
    assert_eq!(s.price_per_mailbox, Some(8.0));
    assert_eq!(s.service_provider, Some(ServiceProvider::Google));
    // The sample says nextPage 2 with totalPages 1: we trust totalPages.
    assert_eq!(page.next_page, None);
    let c: CancelSubscription = model("subscriptions.cancel.request.json");
    assert_eq!(c.domain.as_deref(), Some("clientapp.co"));
    let r: RecreateSubscriptions = model("subscriptions.recreate.request.by-domain-names.json");
    assert_eq!(r.domain_names, Some(vec!["yourdomain.com".to_string()]));
    let r: RecreateSubscriptions = model("subscriptions.recreate.request.by-subscription-ids.json");
    assert_eq!(r.subscription_ids.map(|v| v.len()), Some(1));
    let renew: Value = load("subscriptions.renew.request.json");
    assert_eq!(renew["subscriptionIds"].as_array().unwrap().len(), 2);
}

#[test]
fn exports() {
    let add: AddPlatformCredential = model("export.platform-credential.add.request.json");
    assert_eq!(add.app, PlatformApp::EmailBison);
    assert_eq!(serde_json::to_value(&add).unwrap(), load("export.platform-credential.add.request.json"));
    let created: CredentialCreated = data("export.platform-credential.add.200.json");
    assert_eq!(created.credential_id, "A1B2C3D4E5F6G7H8");
    let list: std::collections::BTreeMap<String, PlatformConnection> = data("export.platform-credentials.list.200.json");
    let eb = &list["EMAILBISON"];
    assert!(eb.connected);
    assert_eq!(eb.credentials[0].metadata.as_ref().unwrap().workspace.as_deref(), Some("my-workspace"));
}

#[test]
fn prewarmup() {
    let page: Page<PrewarmupDomain> = cmr::pagination::decode_page(&env("prewarmup.list.200.guide.json").data, "inventory", 1).unwrap();
    assert_eq!(page.items[0].pre_warmed_up_mailboxes[0].email, "jwilson@prewarm-acmecorp.com");
    assert_eq!((page.total_pages, page.next_page, page.total_count), (Some(5), Some(2), Some(42)));
    let g: PrewarmupOrder = model("prewarmup.order.request.google.guide.json");
    assert_eq!(g.service_provider, ServiceProvider::Google);
    assert_eq!(g.auto_renew, Some(true));
    let m: PrewarmupOrder = model("prewarmup.order.request.microsoft.guide.json");
    assert_eq!(m.microsoft_oauth_route.as_deref(), Some("https://yourapp.com/oauth/microsoft"));
}

fn event(name: &str) -> webhooks::WebhookEvent {
    let raw = std::fs::read(dir().join(name)).unwrap();
    webhooks::parse(&raw).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn webhook_events() {
    match event("webhook.domain.order.success.json").data {
        EventData::DomainOrderSuccess(d) => {
            assert_eq!(d.domain_name.as_deref(), Some("company.com"));
            assert_eq!(d.price, Some(15.88));
        }
        other => panic!("{other:?}"),
    }
    let e = event("webhook.domain.order.success.with-actionid.guide.json");
    assert_eq!(e.action_id(), Some("ACT_7a078272-0fa7-4db4-a85b-c78697dacea1"));
    assert!(e.event_id.is_none());
    match e.data {
        EventData::DomainOrderSuccess(d) => assert!(d.extra.get("domains").is_some(), "unknown fields are kept"),
        other => panic!("{other:?}"),
    }
    match event("webhook.mailbox.created.guide.json").data {
        EventData::MailboxCreated(m) => assert_eq!(m.email.as_deref(), Some("alice@alicesender.com")),
        other => panic!("{other:?}"),
    }
    match event("webhook.mailbox.order.success.json").data {
        EventData::MailboxOrderSuccess(m) => {
            assert_eq!(m.quantity, Some(3));
            assert_eq!(m.workspace_type, Some(ServiceProvider::Google));
            assert_eq!(m.subscription_id.as_deref(), Some("YC2H6C87PPKPG5WXVNQ682GAVFTM"));
        }
        other => panic!("{other:?}"),
    }
    match event("webhook.prewarmup.order.success.first-domain.reconstructed.json").data {
        EventData::PrewarmupOrderSuccess(p) => {
            let mb = &p.mailbox_details[0].pre_warmed_up_mailboxes[0];
            assert_eq!(mb.email.as_deref(), Some("yasmeen.king@example.com"));
        }
        other => panic!("{other:?}"),
    }
    match event("webhook.subscription.renewal.success.json").data {
        EventData::SubscriptionRenewalSuccess(s) => assert_eq!(s.quantity, Some(3)),
        other => panic!("{other:?}"),
    }
    // The truncated example is not JSON: parsing must fail as a decode error, not panic.
    let raw = std::fs::read(dir().join("webhook.prewarmup.order.success.truncated.txt")).unwrap();
    assert_eq!(webhooks::parse(&raw).unwrap_err().kind(), cmr::ErrorKind::Decode);
}

#[test]
fn unknown_enum_values_and_fields_are_kept() {
    let s: Subscription = serde_json::from_value(serde_json::json!({
        "subscriptionId": "S", "subscriptionStatus": "FROZEN", "serviceProvider": "ZOHO", "newField": {"x": 1}
    }))
    .unwrap();
    assert_eq!(s.subscription_status, Some(SubscriptionStatus::Unknown("FROZEN".into())));
    assert_eq!(s.service_provider.as_ref().map(|p| p.as_str()), Some("ZOHO"));
    assert_eq!(s.extra.get("newField"), Some(&serde_json::json!({"x": 1})));
    // And they round-trip unchanged.
    let back = serde_json::to_value(&s).unwrap();
    assert_eq!(back["subscriptionStatus"], "FROZEN");
    assert_eq!(back["newField"]["x"], 1);
}
