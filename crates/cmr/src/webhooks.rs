//! Webhook verification and typed events.
//!
//! CMR POSTs JSON events with two headers: `cmr-x-signature` and
//! `cmr-x-timestamp` (Unix seconds).
//!
//! **The signing scheme is one choice, made here and only here** (the
//! reference says "HMAC-SHA256 of the payload, computed with the key; use the
//! exact raw request payload" and does not capture more):
//!
//! * signed bytes = the raw request body, exactly as received ([`signed_payload`]);
//! * key = the webhook signing secret from the dashboard (CMR's guides say
//!   the partner API key);
//! * signature = lowercase hex of HMAC-SHA256 (a `sha256=` prefix and
//!   upper-case hex are accepted);
//! * `cmr-x-timestamp` must be within the tolerance (default 300 s, the
//!   documented replay window). The timestamp is not covered by the signature
//!   in this scheme, so also dedupe on `eventId`.
//!
//! Pass the **raw** body: re-serialised JSON does not verify.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{Error, ErrorKind, Result};
use crate::models::{lenient, Extra, ServiceProvider, SubscriptionStatus};

pub const SIGNATURE_HEADER: &str = "cmr-x-signature";
pub const TIMESTAMP_HEADER: &str = "cmr-x-timestamp";
/// The documented replay window.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

const RAW_BODY_HINT: &str = "Are you passing the raw request body exactly as received? \
Parsed and re-serialised JSON does not verify.";

/// The bytes that are signed. Change the scheme here and nowhere else.
pub fn signed_payload(_timestamp: &str, raw_body: &[u8]) -> Vec<u8> {
    raw_body.to_vec()
}

/// Compute the signature header value for a body (used by the sandbox and
/// by tests of your own webhook endpoint).
pub fn sign(secret: &str, timestamp: i64, raw_body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(&signed_payload(&timestamp.to_string(), raw_body));
    hex::encode(mac.finalize().into_bytes())
}

/// The two headers to send with a signed delivery.
pub fn signature_headers(secret: &str, timestamp: i64, raw_body: &[u8]) -> [(&'static str, String); 2] {
    [(SIGNATURE_HEADER, sign(secret, timestamp, raw_body)), (TIMESTAMP_HEADER, timestamp.to_string())]
}

/// Anything headers can be looked up in (case-insensitively).
pub trait Headers {
    fn header(&self, name: &str) -> Option<String>;
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<String> {
        self.iter().find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref().to_string())
    }
}
impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<String> {
        self.as_slice().header(name)
    }
}
impl<S: std::hash::BuildHasher> Headers for std::collections::HashMap<String, String, S> {
    fn header(&self, name: &str) -> Option<String> {
        self.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }
}
impl Headers for reqwest::header::HeaderMap {
    fn header(&self, name: &str) -> Option<String> {
        self.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
}

fn sig_err(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Signature, msg)
}

fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Verify a delivery: signature (constant-time) and timestamp tolerance.
pub fn verify<H: Headers + ?Sized>(raw_body: &[u8], headers: &H, secret: &str, tolerance: Duration) -> Result<()> {
    verify_at(raw_body, headers, secret, tolerance, now_unix())
}

/// [`verify`] with an explicit "now" (Unix seconds), for tests.
pub fn verify_at<H: Headers + ?Sized>(raw_body: &[u8], headers: &H, secret: &str, tolerance: Duration, now: i64) -> Result<()> {
    if secret.is_empty() {
        return Err(Error::invalid("the webhook secret is empty"));
    }
    let sig = headers
        .header(SIGNATURE_HEADER)
        .ok_or_else(|| sig_err(format!("missing {SIGNATURE_HEADER} header")))?;
    let ts_raw = headers
        .header(TIMESTAMP_HEADER)
        .ok_or_else(|| sig_err(format!("missing {TIMESTAMP_HEADER} header")))?;
    let ts: i64 = ts_raw
        .trim()
        .parse()
        .map_err(|_| sig_err(format!("{TIMESTAMP_HEADER} {ts_raw:?} is not a Unix timestamp")))?;
    let given = sig.trim();
    let given = given.strip_prefix("sha256=").unwrap_or(given).to_ascii_lowercase();
    let expected = sign(secret, ts, raw_body);
    let matches: bool = given.as_bytes().ct_eq(expected.as_bytes()).into();
    if !matches {
        return Err(sig_err(format!("the signature does not match the payload. {RAW_BODY_HINT}")));
    }
    let age = now - ts;
    if age.unsigned_abs() > tolerance.as_secs() {
        return Err(sig_err(format!(
            "the timestamp is {}s {} now, outside the {}s tolerance (replayed or delayed delivery, or a skewed clock)",
            age.unsigned_abs(),
            if age >= 0 { "before" } else { "after" },
            tolerance.as_secs()
        )));
    }
    Ok(())
}

/// Verify, then parse into a typed event.
pub fn construct_event<H: Headers + ?Sized>(raw_body: &[u8], headers: &H, secret: &str, tolerance: Duration) -> Result<WebhookEvent> {
    verify(raw_body, headers, secret, tolerance)?;
    parse(raw_body)
}

/// Parse a delivery body (without verifying it) into a typed event. Unknown
/// event names give [`EventData::Unknown`] rather than an error.
pub fn parse(raw_body: &[u8]) -> Result<WebhookEvent> {
    let v: Value = serde_json::from_slice(raw_body)
        .map_err(|e| Error::new(ErrorKind::Decode, format!("the webhook body is not JSON: {e}")))?;
    parse_value(v)
}

/// [`parse`] from an already decoded JSON value.
pub fn parse_value(v: Value) -> Result<WebhookEvent> {
    let event = v
        .get("event")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::new(ErrorKind::Decode, "the webhook body has no \"event\" name"))?
        .to_string();
    let event_id = v.get("eventId").and_then(Value::as_str).map(str::to_string);
    let data = v.get("data").cloned().unwrap_or(Value::Null);
    fn d<T: serde::de::DeserializeOwned>(event: &str, data: &Value) -> Result<T> {
        T::deserialize(data).map_err(|e| Error::new(ErrorKind::Decode, format!("unexpected data in {event}: {e}")))
    }
    let parsed = match event.as_str() {
        "domain.order.success" => EventData::DomainOrderSuccess(d(&event, &data)?),
        "domain.order.failed" => EventData::DomainOrderFailed(d(&event, &data)?),
        "mailbox.order.success" => EventData::MailboxOrderSuccess(d(&event, &data)?),
        "mailbox.order.failed" => EventData::MailboxOrderFailed(d(&event, &data)?),
        "mailbox.created" => EventData::MailboxCreated(d(&event, &data)?),
        "mailbox.updated" => EventData::MailboxUpdated(d(&event, &data)?),
        "subscription.renewing" => EventData::SubscriptionRenewing(d(&event, &data)?),
        "subscription.renewal.success" => EventData::SubscriptionRenewalSuccess(d(&event, &data)?),
        "subscription.renewal.failed" => EventData::SubscriptionRenewalFailed(d(&event, &data)?),
        "subscription.updated" => EventData::SubscriptionUpdated(d(&event, &data)?),
        "subscription.past_due" => EventData::SubscriptionPastDue(d(&event, &data)?),
        "prewarmup.order.success" => EventData::PrewarmupOrderSuccess(d(&event, &data)?),
        "prewarmup.order.failed" => EventData::PrewarmupOrderFailed(d(&event, &data)?),
        _ => EventData::Unknown { event: event.clone(), raw: data.clone() },
    };
    Ok(WebhookEvent { event, event_id, data: parsed, raw: v })
}

/// Every event name this SDK knows (others parse as `Unknown`).
pub const EVENT_NAMES: &[&str] = &[
    "domain.order.success",
    "domain.order.failed",
    "mailbox.order.success",
    "mailbox.order.failed",
    "mailbox.created",
    "mailbox.updated",
    "subscription.renewing",
    "subscription.renewal.success",
    "subscription.renewal.failed",
    "subscription.updated",
    "subscription.past_due",
    "prewarmup.order.success",
    "prewarmup.order.failed",
];

/// A webhook delivery.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    /// Event name, e.g. `domain.order.success`.
    pub event: String,
    /// Dedupe key.
    pub event_id: Option<String>,
    /// Typed payload.
    pub data: EventData,
    /// The whole body as JSON.
    pub raw: Value,
}

impl WebhookEvent {
    /// The `actionId` of the request that caused this event, when present.
    pub fn action_id(&self) -> Option<&str> {
        self.raw.get("data").and_then(|d| d.get("actionId")).and_then(Value::as_str)
    }
}

/// Typed payload of each event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum EventData {
    DomainOrderSuccess(DomainOrderEvent),
    DomainOrderFailed(DomainOrderEvent),
    MailboxOrderSuccess(MailboxOrderEvent),
    MailboxOrderFailed(MailboxOrderEvent),
    MailboxCreated(MailboxEvent),
    MailboxUpdated(MailboxEvent),
    SubscriptionRenewing(SubscriptionEvent),
    SubscriptionRenewalSuccess(SubscriptionEvent),
    SubscriptionRenewalFailed(SubscriptionEvent),
    SubscriptionUpdated(SubscriptionEvent),
    SubscriptionPastDue(SubscriptionEvent),
    PrewarmupOrderSuccess(PrewarmupOrderEvent),
    PrewarmupOrderFailed(PrewarmupOrderEvent),
    /// An event this SDK version does not know.
    Unknown { event: String, raw: Value },
}

macro_rules! event_model {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
        #[serde(rename_all = "camelCase")]
        pub struct $name { $($body)* }
    };
}

event_model! {
    /// `domain.order.success` / `domain.order.failed`.
    pub struct DomainOrderEvent {
        #[serde(default)] pub user_id: Option<String>,
        #[serde(default)] pub user_email: Option<String>,
        #[serde(default)] pub order_id: Option<String>,
        #[serde(default)] pub domain_id: Option<String>,
        #[serde(default, alias = "domain")] pub domain_name: Option<String>,
        #[serde(default)] pub creation_time: Option<String>,
        #[serde(default)] pub expiry_date: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub price: Option<f64>,
        /// Why it failed (failed events).
        #[serde(default)] pub reason: Option<String>,
        #[serde(default)] pub action_id: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

event_model! {
    /// `mailbox.order.success` / `mailbox.order.failed`.
    pub struct MailboxOrderEvent {
        #[serde(default)] pub domain_id: Option<String>,
        #[serde(default)] pub domain_name: Option<String>,
        #[serde(default)] pub user_id: Option<String>,
        #[serde(default)] pub user_email: Option<String>,
        /// The domain's subscription id: store it.
        #[serde(default)] pub subscription_id: Option<String>,
        #[serde(default)] pub order_id: Option<String>,
        #[serde(default)] pub workspace_type: Option<ServiceProvider>,
        #[serde(default)] pub creation_time: Option<String>,
        #[serde(default)] pub expiry_date: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub price: Option<f64>,
        #[serde(default, deserialize_with = "lenient::opt_u32")] pub quantity: Option<u32>,
        #[serde(default)] pub reason: Option<String>,
        #[serde(default)] pub action_id: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

event_model! {
    /// `mailbox.created` (with credentials) / `mailbox.updated`.
    pub struct MailboxEvent {
        #[serde(default)] pub user_id: Option<String>,
        #[serde(default)] pub user_email: Option<String>,
        #[serde(default)] pub order_id: Option<String>,
        #[serde(default)] pub mailbox_id: Option<String>,
        #[serde(default)] pub email: Option<String>,
        #[serde(default)] pub first_name: Option<String>,
        #[serde(default)] pub last_name: Option<String>,
        #[serde(default, alias = "domainName")] pub domain: Option<String>,
        #[serde(default)] pub domain_id: Option<String>,
        #[serde(default)] pub subscription_id: Option<String>,
        #[serde(default)] pub status: Option<crate::models::MailboxStatus>,
        #[serde(default, alias = "workspaceType")] pub service_provider: Option<ServiceProvider>,
        #[serde(default)] pub profile_picture: Option<String>,
        #[serde(default)] pub password: Option<String>,
        #[serde(default)] pub app_password: Option<String>,
        #[serde(default)] pub authenticator_secret: Option<String>,
        #[serde(default)] pub action_id: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

event_model! {
    /// Every `subscription.*` event (the 14 common fields of the newer docs page).
    pub struct SubscriptionEvent {
        #[serde(default)] pub user_id: Option<String>,
        #[serde(default)] pub user_email: Option<String>,
        #[serde(default)] pub subscription_id: Option<String>,
        #[serde(default)] pub domain_id: Option<String>,
        #[serde(default, alias = "domainName")] pub domain: Option<String>,
        #[serde(default)] pub workspace_type: Option<ServiceProvider>,
        #[serde(default, deserialize_with = "lenient::opt_u32")] pub quantity: Option<u32>,
        #[serde(default)] pub period_start: Option<String>,
        #[serde(default)] pub period_end: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub auto_renew: Option<bool>,
        #[serde(default)] pub description: Option<String>,
        #[serde(default)] pub subscription_status: Option<SubscriptionStatus>,
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub price_per_mailbox: Option<f64>,
        #[serde(default)] pub reason: Option<String>,
        #[serde(default)] pub action_id: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

event_model! {
    /// A mailbox delivered by a pre-warmup order (with credentials).
    pub struct PrewarmedMailbox {
        #[serde(default)] pub mailbox_id: Option<String>,
        #[serde(default)] pub email: Option<String>,
        #[serde(default)] pub first_name: Option<String>,
        #[serde(default)] pub last_name: Option<String>,
        #[serde(default)] pub profile_picture: Option<String>,
        #[serde(default)] pub password: Option<String>,
        #[serde(default)] pub app_password: Option<String>,
        #[serde(default)] pub authenticator_secret: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub is_admin: Option<bool>,
        #[serde(default)] pub warming_up_from: Option<String>,
        #[serde(default)] pub expiry_date: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

event_model! {
    /// One domain of a pre-warmup order event.
    pub struct PrewarmupDelivery {
        #[serde(default)] pub domain: Option<String>,
        #[serde(default)] pub subscription_id: Option<String>,
        #[serde(default, deserialize_with = "lenient::vec")] pub pre_warmed_up_mailboxes: Vec<PrewarmedMailbox>,
        /// Why this domain failed (failed events).
        #[serde(default)] pub reason: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

event_model! {
    /// `prewarmup.order.success` / `prewarmup.order.failed` (one order can send both).
    pub struct PrewarmupOrderEvent {
        #[serde(default)] pub user_id: Option<String>,
        #[serde(default)] pub user_email: Option<String>,
        #[serde(default)] pub order_id: Option<String>,
        #[serde(default)] pub service_provider: Option<ServiceProvider>,
        #[serde(default, deserialize_with = "lenient::vec")] pub mailbox_details: Vec<PrewarmupDelivery>,
        #[serde(default)] pub reason: Option<String>,
        #[serde(default)] pub action_id: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"event":"domain.order.success","eventId":"E1","data":{"domainName":"a.com","price":15.88}}"#;

    #[test]
    fn good_signature_verifies() {
        let ts = 1_700_000_000;
        let h = signature_headers("whsec", ts, BODY).to_vec();
        verify_at(BODY, &h, "whsec", DEFAULT_TOLERANCE, ts + 10).unwrap();
        let e = parse(BODY).unwrap();
        match e.data {
            EventData::DomainOrderSuccess(d) => assert_eq!(d.price, Some(15.88)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tampered_stale_and_missing_fail_with_signature_kind() {
        let ts = 1_700_000_000;
        let h = signature_headers("whsec", ts, BODY).to_vec();
        let mut tampered = BODY.to_vec();
        tampered[10] ^= 1;
        let e = verify_at(&tampered, &h, "whsec", DEFAULT_TOLERANCE, ts).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Signature);
        assert!(e.message().contains("raw request body"));
        let e = verify_at(BODY, &h, "other", DEFAULT_TOLERANCE, ts).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Signature);
        let e = verify_at(BODY, &h, "whsec", DEFAULT_TOLERANCE, ts + 301).unwrap_err();
        assert!(e.message().contains("tolerance"));
        let none: Vec<(String, String)> = vec![];
        assert_eq!(verify_at(BODY, &none, "whsec", DEFAULT_TOLERANCE, ts).unwrap_err().kind(), ErrorKind::Signature);
    }

    #[test]
    fn unknown_events_are_kept() {
        let e = parse(br#"{"event":"dns.changed","eventId":"X","data":{"a":1}}"#).unwrap();
        assert!(matches!(e.data, EventData::Unknown { ref event, .. } if event == "dns.changed"));
    }
}
