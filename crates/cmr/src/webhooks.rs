//! Webhook verification, typed events and event de-duplication.
//!
//! CMR POSTs JSON events with two headers: `cmr-x-signature` and
//! `cmr-x-timestamp`.
//!
//! **The signing scheme is one choice, made here and only here** (the
//! reference says "HMAC-SHA256 of the payload, computed with the key; use the
//! exact raw request payload" and captures neither the digest's encoding nor
//! the timestamp's unit):
//!
//! * signed bytes = the raw request body, exactly as received ([`signed_payload`]);
//! * key = the webhook signing secret from the dashboard (CMR's guides say
//!   the partner API key);
//! * `cmr-x-signature` = the 32-byte HMAC-SHA256 digest in any of the
//!   [`SIGNATURE_ENCODINGS`] (hex in either letter case, base64 standard or
//!   url-safe, padded or not), optionally prefixed with `sha256=` (any case).
//!   The decoded 32 bytes are compared in constant time. We sign with
//!   lowercase hex ([`sign`]);
//! * `cmr-x-timestamp` = a non-negative integer, Unix **seconds** when below
//!   [`MILLISECONDS_THRESHOLD`] (10^11, year 5138), Unix **milliseconds** from
//!   it (10^11 ms is March 1973). It must be within the tolerance (default
//!   300 s, the documented replay window; at most [`MAX_TOLERANCE`]).
//!
//! **Replay caveat**: the timestamp is not covered by the signature in this
//! scheme, so a captured delivery can be replayed with a fresh timestamp and
//! pass [`verify`]. De-duplicate on the event id ([`EventDeduplicator`],
//! [`verify_and_dedupe`]).
//!
//! Pass the **raw** body: re-serialised JSON does not verify.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
use crate::models::{lenient, Extra, ServiceProvider, SubscriptionStatus};

pub const SIGNATURE_HEADER: &str = "cmr-x-signature";
pub const TIMESTAMP_HEADER: &str = "cmr-x-timestamp";
/// The documented replay window.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);
/// The largest accepted tolerance (3650 days); more is a validation error.
pub const MAX_TOLERANCE: Duration = Duration::from_secs(3650 * 86_400);
/// The optional algorithm prefix of `cmr-x-signature` (matched in any case).
pub const SIGNATURE_PREFIX: &str = "sha256=";
/// Every accepted encoding of the 32-byte digest in `cmr-x-signature`
/// (read by the spec generator for the `x-cmr-signature` field).
pub const SIGNATURE_ENCODINGS: &[&str] = &[
    "hex (64 characters, lowercase, uppercase or mixed)",
    "base64 standard alphabet (44 characters with `=` padding, or 43 without)",
    "base64 url-safe alphabet (`-` and `_`, padded or not)",
];
/// The encoding [`sign`] produces (and the sandbox sends).
pub const CANONICAL_SIGNATURE_ENCODING: &str = "lowercase hex, no prefix";
/// `cmr-x-timestamp` values at or above this are Unix milliseconds, below it
/// Unix seconds.
pub const MILLISECONDS_THRESHOLD: i64 = 100_000_000_000;

/// The `x-` fields describing the accepted forms, for the webhook objects of
/// a future `spec/openapi.json` (the generator reads this function).
pub fn spec_extensions() -> Value {
    json!({
        "x-cmr-signature": {
            "header": SIGNATURE_HEADER,
            "algorithm": "HMAC-SHA256",
            "signedPayload": "the raw request body, exactly as received (the timestamp is not signed)",
            "key": "the webhook signing secret (CMR's guides: the partner API key)",
            "optionalPrefix": SIGNATURE_PREFIX,
            "prefixCaseInsensitive": true,
            "encodings": SIGNATURE_ENCODINGS,
            "canonicalEncoding": CANONICAL_SIGNATURE_ENCODING,
            "comparison": "constant-time, on the decoded 32 bytes",
        },
        "x-cmr-timestamp": {
            "header": TIMESTAMP_HEADER,
            "format": "non-negative decimal integer, at most 19 digits",
            "unitRule": format!("seconds below {MILLISECONDS_THRESHOLD}, milliseconds from it"),
            "defaultToleranceSeconds": DEFAULT_TOLERANCE.as_secs(),
            "maxToleranceSeconds": MAX_TOLERANCE.as_secs(),
            "replay": "not covered by the signature: de-duplicate on eventId",
        },
        "x-cmr-dedupe-key": "eventId (else id)",
    })
}

const RAW_BODY_HINT: &str = "Are you passing the raw request body exactly as received? \
Parsed and re-serialised JSON does not verify.";

/// The bytes that are signed. Change the scheme here and nowhere else.
pub fn signed_payload(_timestamp: &str, raw_body: &[u8]) -> Vec<u8> {
    raw_body.to_vec()
}

fn digest(secret: &str, timestamp: &str, raw_body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(&signed_payload(timestamp, raw_body));
    mac
}

/// Compute the signature header value for a body, in the canonical form
/// (lowercase hex; used by the sandbox and by tests of your own endpoint).
pub fn sign(secret: &str, timestamp: i64, raw_body: &[u8]) -> String {
    hex::encode(digest(secret, &timestamp.to_string(), raw_body).finalize().into_bytes())
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

fn now_unix_ms() -> i128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i128).unwrap_or(0)
}

/// Check a tolerance given as a number of seconds (what the bindings
/// receive): finite, non-negative, at most [`MAX_TOLERANCE`]; otherwise a
/// validation error (never a panic).
pub fn tolerance_from_secs(seconds: f64) -> Result<Duration> {
    if !seconds.is_finite() || seconds < 0.0 || seconds > MAX_TOLERANCE.as_secs_f64() {
        return Err(Error::invalid(format!(
            "the webhook tolerance must be a number of seconds between 0 and {}, got {seconds}",
            MAX_TOLERANCE.as_secs()
        )));
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn check_tolerance(tolerance: Duration) -> Result<()> {
    if tolerance > MAX_TOLERANCE {
        return Err(Error::invalid(format!(
            "the webhook tolerance must be at most {} s, got {} s",
            MAX_TOLERANCE.as_secs(),
            tolerance.as_secs()
        )));
    }
    Ok(())
}

/// Decode `cmr-x-signature` into the 32-byte digest, accepting every form of
/// [`SIGNATURE_ENCODINGS`] with or without [`SIGNATURE_PREFIX`].
pub fn decode_signature(value: &str) -> Result<[u8; 32]> {
    let v = value.trim();
    let v = match v.get(..SIGNATURE_PREFIX.len()) {
        Some(p) if p.eq_ignore_ascii_case(SIGNATURE_PREFIX) => &v[SIGNATURE_PREFIX.len()..],
        _ => v,
    };
    // An algorithm prefix other than sha256= (e.g. `sha1=`, `v1=`): base64
    // only has `=` at its end, so `=` followed by anything else is a prefix.
    if let Some(i) = v.find('=') {
        if v[i..].bytes().any(|b| b != b'=') {
            let prefix: String = v[..=i].chars().take(16).collect();
            return Err(sig_err(format!(
                "{SIGNATURE_HEADER} has the unsupported prefix {prefix:?}: CMR signs with HMAC-SHA256 (`{SIGNATURE_PREFIX}` or no prefix)"
            )));
        }
    }
    let mut out = [0u8; 32];
    let ok = match v.len() {
        64 => hex::decode_to_slice(v, &mut out).is_ok(),
        43 | 44 => {
            use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
            let cfg = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
            let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, cfg);
            let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, cfg);
            let mut found = false;
            for engine in [standard, url_safe] {
                if let Ok(b) = engine.decode(v) {
                    if b.len() == 32 {
                        out.copy_from_slice(&b);
                        found = true;
                        break;
                    }
                }
            }
            found
        }
        _ => false,
    };
    if !ok {
        return Err(sig_err(format!(
            "{SIGNATURE_HEADER} is not an HMAC-SHA256 digest (expected 64 hex characters or 43/44 base64 characters, \
             optionally prefixed with {SIGNATURE_PREFIX}; got {} characters)",
            v.len()
        )));
    }
    Ok(out)
}

/// Parse `cmr-x-timestamp` into Unix milliseconds: a non-negative decimal
/// integer of at most 19 digits, in seconds below [`MILLISECONDS_THRESHOLD`],
/// in milliseconds from it.
pub fn parse_timestamp_ms(value: &str) -> Result<i128> {
    let t = value.trim();
    let bad = || {
        let shown: String = t.chars().take(32).collect();
        sig_err(format!(
            "{TIMESTAMP_HEADER} {shown:?} is not a Unix timestamp (a non-negative integer of seconds or milliseconds)"
        ))
    };
    if t.is_empty() || t.len() > 19 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: i64 = t.parse().map_err(|_| bad())?;
    Ok(if n >= MILLISECONDS_THRESHOLD { n as i128 } else { n as i128 * 1000 })
}

/// Verify a delivery: signature (constant-time) and timestamp tolerance.
pub fn verify<H: Headers + ?Sized>(raw_body: &[u8], headers: &H, secret: &str, tolerance: Duration) -> Result<()> {
    verify_at_ms(raw_body, headers, secret, tolerance, now_unix_ms())
}

/// [`verify`] with an explicit "now" (Unix seconds), for tests. Any `i64`
/// is accepted: the arithmetic cannot overflow.
pub fn verify_at<H: Headers + ?Sized>(raw_body: &[u8], headers: &H, secret: &str, tolerance: Duration, now: i64) -> Result<()> {
    verify_at_ms(raw_body, headers, secret, tolerance, now as i128 * 1000)
}

fn verify_at_ms<H: Headers + ?Sized>(raw_body: &[u8], headers: &H, secret: &str, tolerance: Duration, now_ms: i128) -> Result<()> {
    if secret.is_empty() {
        return Err(Error::invalid("the webhook secret is empty"));
    }
    check_tolerance(tolerance)?;
    let sig = headers
        .header(SIGNATURE_HEADER)
        .ok_or_else(|| sig_err(format!("missing {SIGNATURE_HEADER} header")))?;
    let ts_raw = headers
        .header(TIMESTAMP_HEADER)
        .ok_or_else(|| sig_err(format!("missing {TIMESTAMP_HEADER} header")))?;
    let ts_ms = parse_timestamp_ms(&ts_raw)?;
    let given = decode_signature(&sig)?;
    // `verify_slice` compares in constant time.
    if digest(secret, ts_raw.trim(), raw_body).verify_slice(&given).is_err() {
        return Err(sig_err(format!("the signature does not match the payload. {RAW_BODY_HINT}")));
    }
    // i128 milliseconds: no i64 value of `now` or of the header overflows.
    let age_ms = now_ms - ts_ms;
    if age_ms.unsigned_abs() > tolerance.as_millis() {
        return Err(sig_err(format!(
            "the timestamp is {}s {} now, outside the {}s tolerance (replayed or delayed delivery, or a skewed clock)",
            age_ms.unsigned_abs() / 1000,
            if age_ms >= 0 { "before" } else { "after" },
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
    let event_id = v.get("eventId").or_else(|| v.get("id")).and_then(Value::as_str).map(str::to_string);
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

/// A webhook delivery. `Debug` leaves out `raw` (the body may hold a
/// mailbox's credentials; `data` prints them redacted), as Python's `repr`
/// and the Kotlin/Swift strings do.
#[derive(Clone, PartialEq, Serialize)]
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

impl std::fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookEvent")
            .field("event", &self.event)
            .field("event_id", &self.event_id)
            .field("data", &self.data)
            .finish_non_exhaustive()
    }
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
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $f:ident : $t:ty),* $(,)? }) => {
        $(#[$m])*
        // The redacted `Debug` is Kotlin's `toString` / Swift's `debugDescription`.
        #[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
        #[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        // Declaration order, as `model!` records it (see models/macros.rs).
        #[cfg_attr(feature = "schema", schemars(extend("x-field-order" = [$(stringify!($f)),*])))]
        #[serde(rename_all = "camelCase")]
        pub struct $name { $($(#[$fm])* pub $f: $t,)* }
        crate::models::macros::redacted_debug!($name { $($f)* });
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
        #[serde(default)] #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))] pub password: Option<String>,
        #[serde(default)] #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))] pub app_password: Option<String>,
        #[serde(default)] #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))] pub authenticator_secret: Option<String>,
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
        #[serde(default)] #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))] pub password: Option<String>,
        #[serde(default)] #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))] pub app_password: Option<String>,
        #[serde(default)] #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))] pub authenticator_secret: Option<String>,
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


// ---------------------------------------------------------------------------
// De-duplication
// ---------------------------------------------------------------------------

/// How long an event id is remembered by default (7 days). CMR retries a
/// failed delivery for about 5 minutes, but a captured delivery can be
/// replayed with a fresh timestamp at any time: remember ids as long as you can.
pub const DEFAULT_DEDUPE_TTL: Duration = Duration::from_secs(7 * 86_400);
/// The longest accepted TTL (3650 days).
pub const MAX_DEDUPE_TTL: Duration = Duration::from_secs(3650 * 86_400);
/// How many ids the in-memory store keeps by default.
pub const DEFAULT_DEDUPE_CAPACITY: usize = 100_000;
/// The largest accepted in-memory capacity.
pub const MAX_DEDUPE_CAPACITY: usize = 10_000_000;
/// Event ids longer than this (bytes) are stored as `sha256:<hex>` of the id.
pub const MAX_EVENT_ID_LEN: usize = 256;

/// Where seen event ids are kept: implement it over your own store (Redis
/// `SET key 1 NX EX ttl`, a database unique key, ...) to share de-duplication
/// between processes and restarts.
pub trait EventStore: Send + Sync {
    /// Atomically: if `event_id` was recorded less than its TTL ago, return
    /// `true` (a duplicate); otherwise record it for `ttl` and return `false`.
    fn seen_or_insert(&self, event_id: &str, ttl: Duration) -> Result<bool>;
    /// Forget `event_id`, so that a redelivery is processed again (call it
    /// when handling the event failed).
    fn forget(&self, event_id: &str) -> Result<()>;
}

/// The in-memory [`EventStore`]: thread-safe, entries expire after their
/// TTL, at most `capacity` entries (when full, the entry closest to expiry is
/// dropped first, so memory stays bounded).
pub struct MemoryEventStore {
    inner: Mutex<Mem>,
    capacity: usize,
}

#[derive(Default)]
struct Mem {
    by_id: HashMap<Box<str>, (Instant, u64)>,
    by_expiry: BTreeMap<(Instant, u64), Box<str>>,
    seq: u64,
}

impl Mem {
    fn remove(&mut self, id: &str) {
        if let Some(k) = self.by_id.remove(id) {
            self.by_expiry.remove(&k);
        }
    }
    fn purge_expired(&mut self, now: Instant) {
        while let Some((&(exp, seq), _)) = self.by_expiry.iter().next() {
            if exp > now {
                break;
            }
            if let Some(id) = self.by_expiry.remove(&(exp, seq)) {
                self.by_id.remove(&id);
            }
        }
    }
}

impl MemoryEventStore {
    /// A store keeping at most `capacity` ids (1 to [`MAX_DEDUPE_CAPACITY`]).
    pub fn new(capacity: usize) -> Result<Self> {
        if capacity == 0 || capacity > MAX_DEDUPE_CAPACITY {
            return Err(Error::invalid(format!(
                "the de-duplication capacity must be between 1 and {MAX_DEDUPE_CAPACITY}, got {capacity}"
            )));
        }
        Ok(MemoryEventStore { inner: Mutex::default(), capacity })
    }

    /// How many ids are remembered (expired ones included until purged).
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    /// No id is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Mem> {
        // A panic elsewhere while holding the lock leaves a consistent map.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// [`EventStore::seen_or_insert`] at an explicit instant (for tests).
    pub fn seen_or_insert_at(&self, event_id: &str, ttl: Duration, now: Instant) -> bool {
        let mut m = self.lock();
        if let Some(&(exp, _)) = m.by_id.get(event_id) {
            if exp > now {
                return true;
            }
        }
        m.remove(event_id);
        m.purge_expired(now);
        while m.by_id.len() >= self.capacity {
            let Some((&k, _)) = m.by_expiry.iter().next() else { break };
            if let Some(id) = m.by_expiry.remove(&k) {
                m.by_id.remove(&id);
            }
        }
        let exp = now.checked_add(ttl).unwrap_or(now);
        m.seq = m.seq.wrapping_add(1);
        let seq = m.seq;
        let id: Box<str> = event_id.into();
        m.by_expiry.insert((exp, seq), id.clone());
        m.by_id.insert(id, (exp, seq));
        false
    }
}

impl EventStore for MemoryEventStore {
    fn seen_or_insert(&self, event_id: &str, ttl: Duration) -> Result<bool> {
        Ok(self.seen_or_insert_at(event_id, ttl, Instant::now()))
    }
    fn forget(&self, event_id: &str) -> Result<()> {
        self.lock().remove(event_id);
        Ok(())
    }
}

/// Drops deliveries already seen, keyed on the event id: CMR may deliver an
/// event more than once (retries), and a captured delivery can be replayed
/// with a fresh timestamp (the timestamp is not signed).
///
/// ```
/// use cmr::webhooks::{self, EventDeduplicator};
/// let dedupe = EventDeduplicator::new();
/// assert!(!dedupe.seen("6SSHBXWR3N4JEKGRQSG3KW3D76N6").unwrap()); // first time: process it
/// assert!(dedupe.seen("6SSHBXWR3N4JEKGRQSG3KW3D76N6").unwrap()); // again: skip it
/// ```
#[derive(Clone)]
pub struct EventDeduplicator {
    store: Arc<dyn EventStore>,
    ttl: Duration,
}

impl std::fmt::Debug for EventDeduplicator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventDeduplicator").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

impl Default for EventDeduplicator {
    fn default() -> Self {
        Self::new()
    }
}

fn check_ttl(ttl: Duration) -> Result<Duration> {
    if ttl > MAX_DEDUPE_TTL {
        return Err(Error::invalid(format!(
            "the de-duplication TTL must be at most {} s, got {} s",
            MAX_DEDUPE_TTL.as_secs(),
            ttl.as_secs()
        )));
    }
    Ok(ttl)
}

/// Check a TTL given as a number of seconds (what the bindings receive).
pub fn dedupe_ttl_from_secs(seconds: f64) -> Result<Duration> {
    if !seconds.is_finite() || seconds < 0.0 || seconds > MAX_DEDUPE_TTL.as_secs_f64() {
        return Err(Error::invalid(format!(
            "the de-duplication TTL must be a number of seconds between 0 and {}, got {seconds}",
            MAX_DEDUPE_TTL.as_secs()
        )));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// The key an id is stored under: the id itself, or `sha256:<hex>` of it
/// when longer than [`MAX_EVENT_ID_LEN`]. An empty id is a validation error.
pub fn dedupe_key(event_id: &str) -> Result<String> {
    if event_id.is_empty() {
        return Err(Error::invalid("the event id to de-duplicate on is empty"));
    }
    if event_id.len() > MAX_EVENT_ID_LEN {
        return Ok(format!("sha256:{}", hex::encode(Sha256::digest(event_id.as_bytes()))));
    }
    Ok(event_id.to_string())
}

/// The id an event is de-duplicated on: `eventId`, else `id`, else
/// `sha256:<hex>` of the body's JSON (a replay repeats the exact body).
pub fn event_key(event: &WebhookEvent) -> String {
    event_key_of_value(&event.raw)
}

/// [`event_key`] of a delivery body already decoded as JSON.
pub fn event_key_of_value(raw: &Value) -> String {
    let id = raw.get("eventId").or_else(|| raw.get("id")).and_then(Value::as_str).filter(|s| !s.is_empty());
    match id {
        Some(id) => id.to_string(),
        None => format!("sha256:{}", hex::encode(Sha256::digest(raw.to_string().as_bytes()))),
    }
}

impl EventDeduplicator {
    /// In memory, with [`DEFAULT_DEDUPE_TTL`] and [`DEFAULT_DEDUPE_CAPACITY`].
    pub fn new() -> Self {
        EventDeduplicator {
            store: Arc::new(MemoryEventStore { inner: Mutex::default(), capacity: DEFAULT_DEDUPE_CAPACITY }),
            ttl: DEFAULT_DEDUPE_TTL,
        }
    }

    /// In memory, with a TTL (at most [`MAX_DEDUPE_TTL`]) and a capacity.
    pub fn in_memory(ttl: Duration, capacity: usize) -> Result<Self> {
        Ok(EventDeduplicator { store: Arc::new(MemoryEventStore::new(capacity)?), ttl: check_ttl(ttl)? })
    }

    /// Over your own store.
    pub fn with_store(store: Arc<dyn EventStore>, ttl: Duration) -> Result<Self> {
        Ok(EventDeduplicator { store, ttl: check_ttl(ttl)? })
    }

    /// How long ids are remembered.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// `true` when `event_id` was already seen within the TTL (skip the
    /// delivery); otherwise records it and returns `false` (process it).
    pub fn seen(&self, event_id: &str) -> Result<bool> {
        self.store.seen_or_insert(&dedupe_key(event_id)?, self.ttl)
    }

    /// Forget `event_id`, so that the next delivery of it is processed
    /// (call it when your handler failed and you answer CMR with an error).
    pub fn forget(&self, event_id: &str) -> Result<()> {
        self.store.forget(&dedupe_key(event_id)?)
    }

    /// [`seen`](Self::seen) on the event's [`event_key`].
    pub fn is_duplicate(&self, event: &WebhookEvent) -> Result<bool> {
        self.seen(&event_key(event))
    }
}

/// Verify, parse, then de-duplicate: `Ok(None)` for a delivery already seen
/// (answer 200 and do nothing), `Ok(Some(event))` for a new one.
///
/// ```
/// use cmr::webhooks::{self, EventDeduplicator};
/// let body = br#"{"event":"mailbox.created","eventId":"E1","data":{}}"#;
/// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
/// let headers = webhooks::signature_headers("whsec", now, body).to_vec();
/// let dedupe = EventDeduplicator::new();
/// let first = webhooks::verify_and_dedupe(body, &headers, "whsec", webhooks::DEFAULT_TOLERANCE, &dedupe).unwrap();
/// assert!(first.is_some());
/// let replay = webhooks::verify_and_dedupe(body, &headers, "whsec", webhooks::DEFAULT_TOLERANCE, &dedupe).unwrap();
/// assert!(replay.is_none());
/// ```
pub fn verify_and_dedupe<H: Headers + ?Sized>(
    raw_body: &[u8],
    headers: &H,
    secret: &str,
    tolerance: Duration,
    dedupe: &EventDeduplicator,
) -> Result<Option<WebhookEvent>> {
    let event = construct_event(raw_body, headers, secret, tolerance)?;
    Ok(if dedupe.is_duplicate(&event)? { None } else { Some(event) })
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

    fn b64(bytes: &[u8], url: bool, pad: bool) -> String {
        use base64::engine::general_purpose::*;
        match (url, pad) {
            (false, true) => STANDARD.encode(bytes),
            (false, false) => STANDARD_NO_PAD.encode(bytes),
            (true, true) => URL_SAFE.encode(bytes),
            (true, false) => URL_SAFE_NO_PAD.encode(bytes),
        }
    }

    #[test]
    fn every_accepted_signature_form_verifies() {
        let ts = 1_700_000_000;
        let hexsig = sign("whsec", ts, BODY);
        let raw = hex::decode(&hexsig).unwrap();
        let mut forms = vec![hexsig.clone(), hexsig.to_uppercase()];
        for url in [false, true] {
            for pad in [false, true] {
                forms.push(b64(&raw, url, pad));
            }
        }
        for f in forms.clone() {
            forms.push(format!("sha256={f}"));
            forms.push(format!("SHA256={f}"));
            forms.push(format!("  {f} "));
        }
        for f in forms {
            let h = vec![(SIGNATURE_HEADER, f.clone()), (TIMESTAMP_HEADER, ts.to_string())];
            verify_at(BODY, &h, "whsec", DEFAULT_TOLERANCE, ts).unwrap_or_else(|e| panic!("{f}: {e}"));
        }
    }

    #[test]
    fn near_miss_signatures_fail() {
        let ts = 1_700_000_000;
        let hexsig = sign("whsec", ts, BODY);
        let raw = hex::decode(&hexsig).unwrap();
        let other = hex::decode(sign("whsec", ts, b"{}")).unwrap();
        let mut flipped = hexsig.clone().into_bytes();
        flipped[5] = if flipped[5] == b'a' { b'b' } else { b'a' };
        let cases = [
            (String::from_utf8(flipped).unwrap(), "raw request body"),
            (hexsig[..63].to_string(), "not an HMAC-SHA256 digest"),
            (hexsig[..32].to_string(), "not an HMAC-SHA256 digest"),
            (format!("{hexsig}00"), "not an HMAC-SHA256 digest"),
            (b64(&other, false, true), "raw request body"),
            (b64(&raw[..31], false, true), "not an HMAC-SHA256 digest"),
            (format!("sha1={hexsig}"), "unsupported prefix"),
            (format!("v1={hexsig}"), "unsupported prefix"),
            (format!("sha256={}", &hexsig[..62]) + "zz", "not an HMAC-SHA256 digest"),
            (String::new(), "not an HMAC-SHA256 digest"),
            ("é".repeat(32), "not an HMAC-SHA256 digest"),
        ];
        for (sig, want) in cases {
            let h = vec![(SIGNATURE_HEADER, sig.clone()), (TIMESTAMP_HEADER, ts.to_string())];
            let e = verify_at(BODY, &h, "whsec", DEFAULT_TOLERANCE, ts).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Signature, "{sig}");
            assert!(e.message().contains(want), "{sig}: {}", e.message());
        }
    }

    #[test]
    fn timestamps_in_seconds_or_milliseconds_and_extremes_never_overflow() {
        let ts = 1_700_000_000i64;
        let sig = sign("whsec", ts, BODY);
        let at = |header: &str, now: i64, tol: Duration| {
            let h = vec![(SIGNATURE_HEADER, sig.clone()), (TIMESTAMP_HEADER, header.to_string())];
            verify_at(BODY, &h, "whsec", tol, now)
        };
        at("1700000000", ts + 300, DEFAULT_TOLERANCE).unwrap();
        at("1700000000000", ts + 300, DEFAULT_TOLERANCE).unwrap();
        at("1700000000999", ts - 299, DEFAULT_TOLERANCE).unwrap();
        assert!(at("1700000000000", ts + 301, DEFAULT_TOLERANCE).unwrap_err().message().contains("tolerance"));
        assert!(at("1700000301000", ts, DEFAULT_TOLERANCE).unwrap_err().message().contains("after"));
        at("99999999999", 99_999_999_999, Duration::ZERO).unwrap(); // just below the threshold: seconds
        at("100000000000", 100_000_000, Duration::ZERO).unwrap(); // the threshold: milliseconds
        for extreme in [i64::MAX, i64::MIN, 0, -1] {
            for header in ["0", "9223372036854775807", "1700000000"] {
                for tol in [Duration::ZERO, DEFAULT_TOLERANCE, MAX_TOLERANCE] {
                    let _ = at(header, extreme, tol); // no panic, no overflow
                }
            }
        }
        assert!(at("9223372036854775807", ts, MAX_TOLERANCE).unwrap_err().message().contains("tolerance"));
        for bad in ["9223372036854775808", "99999999999999999999", "-1700000000", "+1700000000", "1.7e9", "1700000000.5", "", " ", "0x10"] {
            let e = at(bad, ts, DEFAULT_TOLERANCE).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Signature, "{bad}");
            assert!(e.message().contains("not a Unix timestamp"), "{bad}: {}", e.message());
        }
    }

    #[test]
    fn tolerances_are_checked() {
        for bad in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e30, MAX_TOLERANCE.as_secs_f64() + 1.0] {
            assert_eq!(tolerance_from_secs(bad).unwrap_err().kind(), ErrorKind::Validation, "{bad}");
        }
        assert_eq!(tolerance_from_secs(0.0).unwrap(), Duration::ZERO);
        assert_eq!(tolerance_from_secs(300.0).unwrap(), DEFAULT_TOLERANCE);
        let h = signature_headers("whsec", 1, BODY).to_vec();
        let e = verify_at(BODY, &h, "whsec", Duration::MAX, 1).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        for bad in [-1.0, f64::NAN, 1e300, MAX_DEDUPE_TTL.as_secs_f64() * 2.0] {
            assert_eq!(dedupe_ttl_from_secs(bad).unwrap_err().kind(), ErrorKind::Validation, "{bad}");
        }
        assert!(EventDeduplicator::in_memory(Duration::MAX, 10).is_err());
        assert!(EventDeduplicator::in_memory(DEFAULT_DEDUPE_TTL, 0).is_err());
        assert!(EventDeduplicator::in_memory(DEFAULT_DEDUPE_TTL, MAX_DEDUPE_CAPACITY + 1).is_err());
    }

    #[test]
    fn dedupe_remembers_ids_for_the_ttl_and_stays_bounded() {
        let store = MemoryEventStore::new(3).unwrap();
        let t0 = Instant::now();
        let ttl = Duration::from_secs(60);
        assert!(!store.seen_or_insert_at("a", ttl, t0));
        assert!(store.seen_or_insert_at("a", ttl, t0 + Duration::from_secs(59)));
        assert!(!store.seen_or_insert_at("a", ttl, t0 + Duration::from_secs(60)), "expired after the TTL");
        assert!(store.seen_or_insert_at("a", ttl, t0 + Duration::from_secs(61)), "re-recorded");
        for id in ["b", "c", "d", "e"] {
            assert!(!store.seen_or_insert_at(id, ttl, t0 + Duration::from_secs(70)));
        }
        assert_eq!(store.len(), 3, "bounded");
        assert!(!store.seen_or_insert_at("a", ttl, t0 + Duration::from_secs(70)), "the entry closest to expiry was dropped");
        store.forget("e").unwrap();
        assert!(!store.seen_or_insert_at("e", ttl, t0 + Duration::from_secs(70)));
    }

    #[test]
    fn deduplicator_over_a_user_store_and_on_events() {
        #[derive(Default)]
        struct Mine(Mutex<Vec<(String, Duration)>>);
        impl EventStore for Mine {
            fn seen_or_insert(&self, id: &str, ttl: Duration) -> Result<bool> {
                let mut v = self.0.lock().unwrap();
                let seen = v.iter().any(|(k, _)| k == id);
                if !seen {
                    v.push((id.to_string(), ttl));
                }
                Ok(seen)
            }
            fn forget(&self, id: &str) -> Result<()> {
                self.0.lock().unwrap().retain(|(k, _)| k != id);
                Ok(())
            }
        }
        let mine = Arc::new(Mine::default());
        let d = EventDeduplicator::with_store(mine.clone(), Duration::from_secs(5)).unwrap();
        let ev = parse(BODY).unwrap();
        assert!(!d.is_duplicate(&ev).unwrap());
        assert!(d.is_duplicate(&ev).unwrap());
        assert_eq!(mine.0.lock().unwrap()[0], ("E1".to_string(), Duration::from_secs(5)));
        d.forget("E1").unwrap();
        assert!(!d.seen("E1").unwrap());
        assert_eq!(d.seen("").unwrap_err().kind(), ErrorKind::Validation);
        let long = "x".repeat(10_000);
        assert!(!d.seen(&long).unwrap());
        assert!(mine.0.lock().unwrap().iter().any(|(k, _)| k.starts_with("sha256:") && k.len() == 71));
        let by_id = parse(br#"{"event":"x.y","id":"ID1","data":{}}"#).unwrap();
        assert_eq!(event_key(&by_id), "ID1");
        let anon = parse(br#"{"event":"x.y","data":{"a":1}}"#).unwrap();
        assert_eq!(event_key(&anon), event_key(&parse(br#"{"data":{"a":1},"event":"x.y"}"#).unwrap()));
        assert!(event_key(&anon).starts_with("sha256:"));
    }

    #[test]
    fn verify_and_dedupe_drops_a_replay_with_a_fresh_timestamp() {
        let d = EventDeduplicator::new();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        let h = signature_headers("whsec", now, BODY).to_vec();
        assert!(verify_and_dedupe(BODY, &h, "whsec", DEFAULT_TOLERANCE, &d).unwrap().is_some());
        // The replay: same body and signature, a fresh timestamp.
        let replay = vec![(SIGNATURE_HEADER, h[0].1.clone()), (TIMESTAMP_HEADER, (now + 1).to_string())];
        verify(BODY, &replay, "whsec", DEFAULT_TOLERANCE).expect("the timestamp is not signed");
        assert!(verify_and_dedupe(BODY, &replay, "whsec", DEFAULT_TOLERANCE, &d).unwrap().is_none());
        let mut tampered = BODY.to_vec();
        tampered[3] ^= 1;
        assert!(verify_and_dedupe(&tampered, &h, "whsec", DEFAULT_TOLERANCE, &d).is_err());
    }
}
