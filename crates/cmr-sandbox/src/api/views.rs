//! Records -> the core's model types (what the SDK decodes), and the
//! time-driven status rules.

use cmr::models::*;
use serde_json::{json, Value};

use crate::clock::{rfc3339, DAY};
use crate::state::{DnsRec, DomainRec, MailboxRec, SubRec, World};

/// Days of grace after a domain's expiry (renewable through the API).
pub const DOMAIN_GRACE_MS: i64 = 7 * DAY;
/// Renewal opens this long before expiry.
pub const DOMAIN_RENEWAL_WINDOW_MS: i64 = 45 * DAY;

/// A domain's status at `now` (ACTIVE turns GRACE_PERIOD after expiry, EXPIRED after the grace).
pub fn domain_status(d: &DomainRec, now: i64) -> String {
    if d.status == "ACTIVE" || d.status == "RENEWING" {
        if now > d.expiry_ms + DOMAIN_GRACE_MS {
            return "EXPIRED".into();
        }
        if now > d.expiry_ms {
            return "GRACE_PERIOD".into();
        }
    }
    d.status.clone()
}

pub fn domain(w: &World, d: &DomainRec, now: i64) -> Domain {
    let sub = w.subscriptions.values().find(|s| s.domain_id == d.domain_id && s.status != "CANCELLED");
    Domain {
        domain_id: d.domain_id.clone(),
        domain_name: d.name.clone(),
        status: Some(DomainStatus::parse(&domain_status(d, now))),
        expiry_date: Some(rfc3339(d.expiry_ms)),
        created_at: Some(rfc3339(d.created_ms)),
        auto_renew: Some(d.auto_renew),
        subscription_id: sub.map(|s| s.subscription_id.clone()),
        forward_to: d.forward_to.clone(),
        user_id: Some(d.user_id.clone()),
        extra: extra(json!({"emailForwardTo": d.email_forward_to, "googleClientId": d.google_client_id})),
    }
}

pub fn mailbox(m: &MailboxRec) -> Mailbox {
    Mailbox {
        mailbox_id: m.mailbox_id.clone(),
        email: Some(m.email()),
        user_name: Some(m.username.clone()),
        first_name: Some(m.first_name.clone()),
        last_name: Some(m.last_name.clone()),
        domain: Some(m.domain.clone()),
        domain_id: Some(m.domain_id.clone()),
        status: Some(MailboxStatus::parse(&m.status)),
        service_provider: Some(ServiceProvider::parse(&m.service_provider)),
        profile_picture: m.profile_picture.clone(),
        on_warmup: Some(m.on_warmup),
        subscription_id: m.subscription_id.clone(),
        user_id: Some(m.user_id.clone()),
        created_at: Some(rfc3339(m.created_ms)),
        extra: extra(json!({"isAdmin": m.is_admin})),
    }
}

pub fn quantity(w: &World, sub_id: &str) -> u32 {
    w.mailboxes.values().filter(|m| m.subscription_id.as_deref() == Some(sub_id)).count() as u32
}

pub fn subscription(w: &World, s: &SubRec) -> Subscription {
    Subscription {
        subscription_id: s.subscription_id.clone(),
        subscription_status: Some(SubscriptionStatus::parse(&s.status)),
        total_mailbox_quantity: Some(quantity(w, &s.subscription_id)),
        billing_cycle: Some(BillingCycle::Monthly),
        price_per_mailbox: Some(s.price_per_mailbox),
        period_start: Some(rfc3339(s.period_start_ms)),
        period_end: Some(rfc3339(s.period_end_ms)),
        service_provider: Some(ServiceProvider::parse(&s.service_provider)),
        auto_renew: Some(s.auto_renew),
        user_id: Some(s.user_id.clone()),
        domain: Some(s.domain.clone()),
        domain_id: Some(s.domain_id.clone()),
        extra: Default::default(),
    }
}

pub fn dns(r: &DnsRec) -> DnsRecord {
    DnsRecord {
        record_id: r.record_id.clone(),
        host: r.host.clone(),
        value: r.value.clone(),
        record_type: RecordType::parse(&r.record_type),
        priority: r.priority,
        excluded_dmarc_tags: r.excluded_dmarc_tags.clone(),
        ttl: Some(r.ttl),
        extra: Default::default(),
    }
}

/// The common payload of subscription events (docs, newer version).
pub fn subscription_event(w: &World, s: &SubRec, action_id: Option<&str>) -> Value {
    json!({
        "userId": s.user_id,
        "userEmail": w.user_email(&s.user_id),
        "subscriptionId": s.subscription_id,
        "domainId": s.domain_id,
        "domain": s.domain,
        "workspaceType": s.service_provider,
        "quantity": quantity(w, &s.subscription_id),
        "periodStart": rfc3339(s.period_start_ms),
        "periodEnd": rfc3339(s.period_end_ms),
        "autoRenew": s.auto_renew,
        "description": format!("{} {} mailbox(es) on {}, monthly", quantity(w, &s.subscription_id), s.service_provider, s.domain),
        "subscriptionStatus": s.status,
        "pricePerMailbox": s.price_per_mailbox,
        "actionId": action_id,
    })
}

/// The full mailbox payload (mailbox.created / mailbox.updated).
pub fn mailbox_event(w: &World, m: &MailboxRec, action_id: Option<&str>) -> Value {
    json!({
        "userId": m.user_id,
        "userEmail": w.user_email(&m.user_id),
        "orderId": m.order_id,
        "mailboxId": m.mailbox_id,
        "email": m.email(),
        "firstName": m.first_name,
        "lastName": m.last_name,
        "domain": m.domain,
        "domainId": m.domain_id,
        "subscriptionId": m.subscription_id,
        "status": m.status,
        "serviceProvider": m.service_provider,
        "profilePicture": m.profile_picture,
        "password": m.password,
        "appPassword": app_password(&m.mailbox_id),
        "authenticatorSecret": authenticator_secret(&m.mailbox_id),
        "isAdmin": m.is_admin,
        "actionId": action_id,
    })
}

pub fn app_password(id: &str) -> String {
    let s: String = id.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphabetic()).cycle().take(16).collect();
    format!("{} {} {} {}", &s[0..4], &s[4..8], &s[8..12], &s[12..16])
}

pub fn authenticator_secret(id: &str) -> String {
    let s: String = id.to_ascii_lowercase().chars().rev().filter(|c| c.is_ascii_alphanumeric()).cycle().take(16).collect();
    format!("{} {} {} {}", &s[0..4], &s[4..8], &s[8..12], &s[12..16])
}

/// A JSON object as an `Extra` bag (null fields dropped).
pub fn extra(v: Value) -> Extra {
    match v {
        Value::Object(m) => Extra(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        _ => Extra::default(),
    }
}
