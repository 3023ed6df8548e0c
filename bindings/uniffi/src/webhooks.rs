//! Webhooks: verification, parsing into typed events, and de-duplication
//! (in memory or over a store implemented in Kotlin/Swift).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use cmr::webhooks::{
    DomainOrderEvent, EventData, MailboxEvent, MailboxOrderEvent, PrewarmupOrderEvent,
    SubscriptionEvent,
};

use crate::errors::R;


/// The typed payload of a webhook event (Kotlin sealed class, Swift enum).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum WebhookEventData {
    DomainOrderSuccess {
        data: DomainOrderEvent,
    },
    DomainOrderFailed {
        data: DomainOrderEvent,
    },
    MailboxOrderSuccess {
        data: MailboxOrderEvent,
    },
    MailboxOrderFailed {
        data: MailboxOrderEvent,
    },
    MailboxCreated {
        data: MailboxEvent,
    },
    MailboxUpdated {
        data: MailboxEvent,
    },
    SubscriptionRenewing {
        data: SubscriptionEvent,
    },
    SubscriptionRenewalSuccess {
        data: SubscriptionEvent,
    },
    SubscriptionRenewalFailed {
        data: SubscriptionEvent,
    },
    SubscriptionUpdated {
        data: SubscriptionEvent,
    },
    SubscriptionPastDue {
        data: SubscriptionEvent,
    },
    PrewarmupOrderSuccess {
        data: PrewarmupOrderEvent,
    },
    PrewarmupOrderFailed {
        data: PrewarmupOrderEvent,
    },
    /// An event this SDK version does not know: its name and `data` as JSON.
    Unknown {
        event: String,
        data_json: String,
    },
}

/// A parsed webhook delivery. Its `Debug` (Kotlin's `toString`, Swift's
/// `debugDescription`) leaves out `raw_json`, which may hold a mailbox's
/// credentials; `data` prints them redacted.
#[uniffi::export(Debug)]
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct WebhookEvent {
    /// Event name, e.g. `domain.order.success`.
    pub event: String,
    /// Dedupe key.
    pub event_id: Option<String>,
    /// The `actionId` of the request that caused the event, when present.
    pub action_id: Option<String>,
    /// Typed payload.
    pub data: WebhookEventData,
    /// The whole body as JSON.
    pub raw_json: String,
}

impl std::fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookEvent")
            .field("event", &self.event)
            .field("event_id", &self.event_id)
            .field("action_id", &self.action_id)
            .field("data", &self.data)
            .field("raw_json", &format_args!("<{} bytes>", self.raw_json.len()))
            .finish()
    }
}

impl From<cmr::webhooks::WebhookEvent> for WebhookEvent {
    fn from(e: cmr::webhooks::WebhookEvent) -> Self {
        use WebhookEventData as W;
        let action_id = e.action_id().map(str::to_string);
        let raw_json = e.raw.to_string();
        let data = match e.data {
            EventData::DomainOrderSuccess(data) => W::DomainOrderSuccess { data },
            EventData::DomainOrderFailed(data) => W::DomainOrderFailed { data },
            EventData::MailboxOrderSuccess(data) => W::MailboxOrderSuccess { data },
            EventData::MailboxOrderFailed(data) => W::MailboxOrderFailed { data },
            EventData::MailboxCreated(data) => W::MailboxCreated { data },
            EventData::MailboxUpdated(data) => W::MailboxUpdated { data },
            EventData::SubscriptionRenewing(data) => W::SubscriptionRenewing { data },
            EventData::SubscriptionRenewalSuccess(data) => W::SubscriptionRenewalSuccess { data },
            EventData::SubscriptionRenewalFailed(data) => W::SubscriptionRenewalFailed { data },
            EventData::SubscriptionUpdated(data) => W::SubscriptionUpdated { data },
            EventData::SubscriptionPastDue(data) => W::SubscriptionPastDue { data },
            EventData::PrewarmupOrderSuccess(data) => W::PrewarmupOrderSuccess { data },
            EventData::PrewarmupOrderFailed(data) => W::PrewarmupOrderFailed { data },
            EventData::Unknown { event, raw } => W::Unknown {
                event,
                data_json: raw.to_string(),
            },
        };
        WebhookEvent {
            event: e.event,
            event_id: e.event_id,
            action_id,
            data,
            raw_json,
        }
    }
}

fn header_pairs(headers: HashMap<String, String>) -> Vec<(String, String)> {
    headers.into_iter().collect()
}

fn tolerance(seconds: Option<u64>) -> Duration {
    seconds
        .map(Duration::from_secs)
        .unwrap_or(cmr::webhooks::DEFAULT_TOLERANCE)
}

/// Header carrying the signature (`cmr-x-signature`).
#[uniffi::export]
pub fn webhook_signature_header() -> String {
    cmr::webhooks::SIGNATURE_HEADER.to_string()
}

/// Header carrying the Unix timestamp (`cmr-x-timestamp`).
#[uniffi::export]
pub fn webhook_timestamp_header() -> String {
    cmr::webhooks::TIMESTAMP_HEADER.to_string()
}

/// Verify a delivery: pass the **raw** body exactly as received, the request
/// headers (names are case-insensitive) and the signing secret. Throws
/// `SignatureVerification` on a bad/missing signature or a timestamp outside
/// `toleranceSeconds` (default 300; above 3650 days throws `Validation`).
/// Accepted forms: docs/CONTRACTS.md section 1.1. The timestamp is not
/// signed: de-duplicate with [`EventDeduplicator`].
#[uniffi::export(default(tolerance_seconds = None))]
pub fn verify_webhook(
    body: Vec<u8>,
    headers: HashMap<String, String>,
    secret: String,
    tolerance_seconds: Option<u64>,
) -> R<()> {
    Ok(cmr::error::catch_unwind_sync(|| cmr::webhooks::verify(
        &body,
        header_pairs(headers).as_slice(),
        &secret,
        tolerance(tolerance_seconds),
    ))?)
}

/// [`verify_webhook`] with an explicit "now" (Unix seconds), for tests.
#[uniffi::export(default(tolerance_seconds = None))]
pub fn verify_webhook_at(
    body: Vec<u8>,
    headers: HashMap<String, String>,
    secret: String,
    now_unix_seconds: i64,
    tolerance_seconds: Option<u64>,
) -> R<()> {
    Ok(cmr::error::catch_unwind_sync(|| cmr::webhooks::verify_at(
        &body,
        header_pairs(headers).as_slice(),
        &secret,
        tolerance(tolerance_seconds),
        now_unix_seconds,
    ))?)
}

/// Parse a delivery body (without verifying it). Unknown event names give
/// `WebhookEventData.Unknown`; a body that is not an event throws `Decode`.
#[uniffi::export]
pub fn parse_webhook(body: Vec<u8>) -> R<WebhookEvent> {
    Ok(cmr::error::catch_unwind_sync(|| cmr::webhooks::parse(&body))?.into())
}

/// Verify, then parse.
#[uniffi::export(default(tolerance_seconds = None))]
pub fn construct_webhook_event(
    body: Vec<u8>,
    headers: HashMap<String, String>,
    secret: String,
    tolerance_seconds: Option<u64>,
) -> R<WebhookEvent> {
    let pairs = header_pairs(headers);
    Ok(cmr::error::catch_unwind_sync(|| {
        cmr::webhooks::construct_event(&body, pairs.as_slice(), &secret, tolerance(tolerance_seconds))
    })?
    .into())
}

/// The signature header value for a body (to test your own webhook endpoint).
#[uniffi::export]
pub fn sign_webhook(secret: String, timestamp: i64, body: Vec<u8>) -> String {
    cmr::webhooks::sign(&secret, timestamp, &body)
}

// --- event de-duplication ----------------------------------------------------

/// Your own store of seen event ids (Redis `SET id 1 NX EX ttl`, a database
/// unique key, ...), implemented in Kotlin or Swift and shared between
/// processes and restarts.
#[uniffi::export(foreign)]
pub trait EventStore: Send + Sync {
    /// Atomically: `true` if `event_id` was recorded less than its TTL ago;
    /// otherwise record it for `ttl_seconds` and return `false`.
    fn seen_or_insert(&self, event_id: String, ttl_seconds: u64) -> R<bool>;
    /// Forget `event_id` so that its next delivery is processed.
    fn forget(&self, event_id: String) -> R<()>;
}

/// Drops deliveries already seen, keyed on the event id (`eventId`): CMR may
/// deliver an event more than once, and a captured delivery can be replayed
/// with a fresh timestamp (the timestamp is not signed). In memory (the
/// core's thread-safe store: ids expire after the TTL, at most `capacity`
/// ids, the one closest to expiry dropped first when full) or over your own
/// [`EventStore`].
#[derive(uniffi::Object)]
pub struct EventDeduplicator {
    memory: Option<cmr::webhooks::EventDeduplicator>,
    store: Option<Arc<dyn EventStore>>,
    ttl: Duration,
}

impl fmt::Debug for EventDeduplicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventDeduplicator").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

// The constructors' `default(ttl_seconds = 604800, capacity = 100000)` must be the core's defaults.
const _: () = assert!(cmr::webhooks::DEFAULT_DEDUPE_TTL.as_secs() == 604_800);
const _: () = assert!(cmr::webhooks::DEFAULT_DEDUPE_CAPACITY == 100_000);

fn dedupe_ttl(seconds: u64) -> R<Duration> {
    Ok(cmr::webhooks::dedupe_ttl_from_secs(seconds as f64)?)
}

#[uniffi::export]
impl EventDeduplicator {
    /// In memory: `ttlSeconds` (default 7 days, at most 3650 days) and
    /// `capacity` (default 100000, at most 10 million).
    #[uniffi::constructor(default(ttl_seconds = 604800, capacity = 100000))]
    pub fn new(ttl_seconds: u64, capacity: u64) -> R<Arc<Self>> {
        let ttl = dedupe_ttl(ttl_seconds)?;
        let capacity = usize::try_from(capacity).unwrap_or(usize::MAX);
        let memory = cmr::webhooks::EventDeduplicator::in_memory(ttl, capacity)?;
        Ok(Arc::new(EventDeduplicator { memory: Some(memory), store: None, ttl }))
    }

    /// Over your own store.
    #[uniffi::constructor(default(ttl_seconds = 604800))]
    pub fn with_store(store: Arc<dyn EventStore>, ttl_seconds: u64) -> R<Arc<Self>> {
        Ok(Arc::new(EventDeduplicator { memory: None, store: Some(store), ttl: dedupe_ttl(ttl_seconds)? }))
    }

    /// How long ids are remembered, in seconds.
    pub fn ttl_seconds(&self) -> u64 {
        self.ttl.as_secs()
    }

    /// `true` when `eventId` was already seen within the TTL (skip the
    /// delivery); otherwise records it and returns `false` (process it).
    pub fn seen(&self, event_id: String) -> R<bool> {
        match (&self.memory, &self.store) {
            (Some(m), _) => Ok(m.seen(&event_id)?),
            (None, Some(s)) => s.seen_or_insert(cmr::webhooks::dedupe_key(&event_id)?, self.ttl.as_secs()),
            (None, None) => Ok(false),
        }
    }

    /// Forget `eventId` (call it when handling the event failed, so that
    /// CMR's redelivery is processed).
    pub fn forget(&self, event_id: String) -> R<()> {
        match (&self.memory, &self.store) {
            (Some(m), _) => Ok(m.forget(&event_id)?),
            (None, Some(s)) => s.forget(cmr::webhooks::dedupe_key(&event_id)?),
            (None, None) => Ok(()),
        }
    }

    /// `seen` on the event's id (`eventId`, else `id`, else a digest of the body).
    pub fn is_duplicate(&self, event: WebhookEvent) -> R<bool> {
        let raw: serde_json::Value = serde_json::from_str(&event.raw_json)
            .map_err(|e| cmr::Error::invalid(format!("the event's rawJson is not JSON: {e}")))?;
        self.seen(cmr::webhooks::event_key_of_value(&raw))
    }
}

/// Verify, parse, then de-duplicate: `null`/`nil` for a delivery already
/// seen (answer 200 and do nothing). `nowUnixSeconds` replaces the clock,
/// for tests.
#[uniffi::export(default(tolerance_seconds = None, now_unix_seconds = None))]
pub fn verify_and_dedupe_webhook(
    body: Vec<u8>,
    headers: HashMap<String, String>,
    secret: String,
    dedupe: Arc<EventDeduplicator>,
    tolerance_seconds: Option<u64>,
    now_unix_seconds: Option<i64>,
) -> R<Option<WebhookEvent>> {
    let pairs = header_pairs(headers);
    let tol = tolerance(tolerance_seconds);
    match now_unix_seconds {
        Some(now) => cmr::webhooks::verify_at(&body, pairs.as_slice(), &secret, tol, now)?,
        None => cmr::webhooks::verify(&body, pairs.as_slice(), &secret, tol)?,
    }
    let event: WebhookEvent = cmr::webhooks::parse(&body)?.into();
    Ok(if dedupe.is_duplicate(event.clone())? { None } else { Some(event) })
}
