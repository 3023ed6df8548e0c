//! The sandbox's state: the emulated world (persisted) and the server's
//! shared runtime state (config, faults, request log, limiter).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;

use cmr::models::User;
use parking_lot::Mutex;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock;
use crate::SandboxOptions;

const ID_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A 28-character upper-case base32 id, like CMR's.
pub fn new_id() -> String {
    let mut rng = rand::thread_rng();
    (0..28).map(|_| ID_ALPHABET[rng.gen_range(0..ID_ALPHABET.len())] as char).collect()
}

/// A 14-character mailbox password (no look-alike characters).
pub fn random_password() -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789$#!";
    let mut rng = rand::thread_rng();
    (0..14).map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char).collect()
}

/// `ACT_<uuid v4>`.
pub fn new_action_id() -> String {
    let b: [u8; 16] = rand::thread_rng().gen();
    let h: String = b
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let x = match i {
                6 => (x & 0x0f) | 0x40,
                8 => (x & 0x3f) | 0x80,
                _ => *x,
            };
            format!("{x:02x}")
        })
        .collect();
    format!("ACT_{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRec {
    pub seq: u64,
    pub user: User,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainRec {
    pub seq: u64,
    pub domain_id: String,
    pub name: String,
    pub user_id: String,
    /// ACTIVE, PENDING, RENEWING, GRACE_PERIOD, EXPIRED, ...
    pub status: String,
    pub created_ms: i64,
    pub expiry_ms: i64,
    pub auto_renew: bool,
    pub forward_to: Option<String>,
    pub mask_forwarding: Option<bool>,
    pub email_forward_to: Option<String>,
    pub google_client_id: Option<String>,
    pub order_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxRec {
    pub seq: u64,
    pub mailbox_id: String,
    pub user_id: String,
    pub domain_id: String,
    pub domain: String,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub profile_picture: Option<String>,
    pub on_warmup: bool,
    /// IN_PROGRESS, CREATING_PASSWORD, ACTIVE, EXPIRED; PENDING before the subscription exists.
    pub status: String,
    pub subscription_id: Option<String>,
    pub order_id: Option<String>,
    pub service_provider: String,
    pub password: String,
    pub is_admin: bool,
    pub created_ms: i64,
}

impl MailboxRec {
    pub fn email(&self) -> String {
        format!("{}@{}", self.username, self.domain)
    }
}

/// What [`World::add_mailbox`] needs to build a mailbox record.
pub struct MailboxSpec<'a> {
    pub user_id: &'a str,
    pub domain_id: &'a str,
    pub domain: &'a str,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub profile_picture: Option<String>,
    pub on_warmup: bool,
    pub status: &'a str,
    pub subscription_id: Option<String>,
    pub order_id: Option<String>,
    pub service_provider: &'a str,
    pub is_admin: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubRec {
    pub seq: u64,
    pub subscription_id: String,
    pub user_id: String,
    pub domain_id: String,
    pub domain: String,
    /// ACTIVE, RENEWING, PAST_DUE, CANCELLED, EXPIRED
    pub status: String,
    pub service_provider: String,
    pub price_per_mailbox: f64,
    pub period_start_ms: i64,
    pub period_end_ms: i64,
    pub auto_renew: bool,
    pub created_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRec {
    pub seq: u64,
    pub order_id: String,
    pub user_id: String,
    /// CREATED, QUEUED, PROCESSING, COMPLETED, FAILED, PARTIALLY_FAILED
    pub status: String,
    pub kind: OrderKind,
    pub service_provider: String,
    /// The order as received (`domains`, `mailboxes`, ...).
    pub request: Value,
    pub total_price: f64,
    pub confirmed: bool,
    pub action_id: Option<String>,
    pub created_ms: i64,
    /// Domain ids created by this order.
    pub domain_ids: Vec<String>,
    /// Mailbox ids created by this order.
    pub mailbox_ids: Vec<String>,
    pub subscription_ids: Vec<String>,
    pub auto_renew: bool,
    /// For mailbox-only orders: the existing subscription to add to.
    pub target_subscription: Option<String>,
    /// For mailbox-only orders: the existing domain that gets a new subscription.
    pub target_domain: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderKind {
    /// Domains (+ mailboxes keyed by domain name).
    Full,
    /// Mailboxes on an existing domain.
    Mailboxes,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsRec {
    pub seq: u64,
    pub record_id: String,
    pub domain_id: String,
    pub user_id: String,
    pub host: String,
    pub value: String,
    pub record_type: String,
    pub priority: Option<u32>,
    pub ttl: u32,
    pub excluded_dmarc_tags: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredRec {
    pub seq: u64,
    pub credential_id: String,
    pub user_id: String,
    pub app: String,
    pub email: String,
    pub workspace: Option<String>,
    pub created_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrewarmOrderRec {
    pub order_id: String,
    pub user_id: String,
    pub sandbox: bool,
    pub scenario: String,
    pub domains: Vec<String>,
    pub status: String,
    pub price: f64,
    pub action_id: String,
    pub created_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub due_ms: i64,
    pub seq: u64,
    pub kind: TaskKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum TaskKind {
    /// +5 s: register the order's domains (domain.order.success / failed).
    OrderDomains { order_id: String },
    /// +10 s: create the subscription(s) (mailbox.order.success), mailboxes IN_PROGRESS.
    OrderMailboxes { order_id: String },
    /// +20 s: mailboxes CREATING_PASSWORD.
    MailboxesCreatingPassword { order_id: String },
    /// +30 s: mailboxes ACTIVE, one mailbox.created each.
    MailboxesActive { order_id: String },
    /// Apply a subscription renewal (renewal.success / failed).
    RenewSubscription { subscription_id: String, action_id: String },
    /// Deliver a pre-warmup order.
    PrewarmupDeliver { order_id: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRec {
    pub attempt: u32,
    /// HTTP status of the receiver's answer; `None` when it could not be reached.
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Virtual time of the attempt.
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRec {
    pub event_id: String,
    pub event: String,
    /// The exact JSON body POSTed (and signed).
    pub body: String,
    /// Headers of the latest attempt (signature and timestamp).
    pub headers: BTreeMap<String, String>,
    pub deliveries: Vec<DeliveryRec>,
    /// Virtual time of the next attempt; `None` when done (or no URL was configured).
    pub next_attempt_ms: Option<i64>,
    pub created_at: String,
    /// `pending`, `delivered`, `failed`, `undelivered` (no webhook URL).
    pub state: String,
}

/// The emulated world: everything `reset` wipes and `--data` persists.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct World {
    pub users: BTreeMap<String, UserRec>,
    pub domains: BTreeMap<String, DomainRec>,
    pub mailboxes: BTreeMap<String, MailboxRec>,
    pub subscriptions: BTreeMap<String, SubRec>,
    pub orders: BTreeMap<String, OrderRec>,
    pub dns: BTreeMap<String, DnsRec>,
    pub credentials: BTreeMap<String, CredRec>,
    pub prewarm_orders: BTreeMap<String, PrewarmOrderRec>,
    /// Pre-warmed inventory domains already sold (production list).
    pub prewarm_sold: BTreeSet<String>,
    /// Sandbox pre-warmup domains already sold (reset by `prewarmup.sandbox_reset`).
    pub sandbox_prewarm_sold: BTreeSet<String>,
    pub wallet: f64,
    pub clock_offset_ms: i64,
    /// When set, the virtual clock stands still (real time no longer moves it):
    /// virtual now = this + offset.
    #[serde(default)]
    pub clock_frozen_at: Option<i64>,
    pub tasks: Vec<Task>,
    pub events: Vec<EventRec>,
    pub seq: u64,
    /// Set by every mutation; cleared when persisted.
    #[serde(skip)]
    pub dirty: bool,
}

impl World {
    pub fn new(wallet: f64) -> World {
        World { wallet, ..Default::default() }
    }
    /// Virtual now (ms).
    pub fn now(&self) -> i64 {
        self.clock_frozen_at.unwrap_or_else(clock::real_now_ms) + self.clock_offset_ms
    }
    /// Stop (or restart) the virtual clock at the current virtual time.
    pub fn freeze_clock(&mut self, frozen: bool) {
        let now = self.now();
        let real = clock::real_now_ms();
        match (frozen, self.clock_frozen_at) {
            (true, None) => {
                self.clock_frozen_at = Some(real);
                self.clock_offset_ms = now - real;
            }
            (false, Some(_)) => {
                self.clock_frozen_at = None;
                self.clock_offset_ms = now - real;
            }
            _ => {}
        }
    }
    /// Start an ACTIVE monthly subscription for one domain at `at`: the one
    /// place a subscription record is built. Returns its id.
    pub fn add_subscription(&mut self, user_id: &str, domain_id: &str, domain: &str, service_provider: &str, auto_renew: bool, at: i64) -> String {
        let id = new_id();
        let seq = self.next_seq();
        let rec = SubRec {
            seq,
            subscription_id: id.clone(),
            user_id: user_id.to_string(),
            domain_id: domain_id.to_string(),
            domain: domain.to_string(),
            status: "ACTIVE".into(),
            service_provider: service_provider.to_string(),
            price_per_mailbox: crate::pricing::MAILBOX_PRICE_PER_MONTH,
            period_start_ms: at,
            period_end_ms: clock::add_months(at, 1),
            auto_renew,
            created_ms: at,
        };
        self.subscriptions.insert(id.clone(), rec);
        id
    }
    /// Create a mailbox at `at` with a fresh password: the one place a
    /// mailbox record is built. Returns its id.
    pub fn add_mailbox(&mut self, m: MailboxSpec<'_>, at: i64) -> String {
        let id = new_id();
        let seq = self.next_seq();
        let rec = MailboxRec {
            seq,
            mailbox_id: id.clone(),
            user_id: m.user_id.to_string(),
            domain_id: m.domain_id.to_string(),
            domain: m.domain.to_string(),
            username: m.username,
            first_name: m.first_name,
            last_name: m.last_name,
            profile_picture: m.profile_picture,
            on_warmup: m.on_warmup,
            status: m.status.to_string(),
            subscription_id: m.subscription_id,
            order_id: m.order_id,
            service_provider: m.service_provider.to_string(),
            password: random_password(),
            is_admin: m.is_admin,
            created_ms: at,
        };
        self.mailboxes.insert(id.clone(), rec);
        id
    }
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
    pub fn schedule(&mut self, due_ms: i64, kind: TaskKind) {
        let seq = self.next_seq();
        self.tasks.push(Task { due_ms, seq, kind });
    }
    pub fn user_email(&self, user_id: &str) -> String {
        self.users.get(user_id).and_then(|u| u.user.email.clone()).unwrap_or_default()
    }
    /// Drop the oldest finished events (delivered, failed, undelivered) so
    /// that at most `keep` remain; events still to be delivered stay.
    pub fn prune_events(&mut self, keep: usize) {
        let finished = |e: &EventRec| e.next_attempt_ms.is_none() && e.state != "delivering";
        let n = self.events.iter().filter(|e| finished(e)).count();
        let mut excess = n.saturating_sub(keep);
        if excess == 0 {
            return;
        }
        self.events.retain(|e| {
            if excess > 0 && finished(e) {
                excess -= 1;
                false
            } else {
                true
            }
        });
        self.dirty = true;
    }
    pub fn domain_by_name(&self, name: &str) -> Option<&DomainRec> {
        let n = name.trim().to_ascii_lowercase();
        self.domains.values().find(|d| d.name == n)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub webhook_url: Option<String>,
    pub webhook_secret: String,
    pub rate_limit: Option<u32>,
    /// Requests kept in the request log (oldest dropped first).
    pub max_requests: usize,
    /// Finished events (delivered, failed, undelivered) kept in the webhook
    /// log (oldest dropped first); events still to be delivered are never dropped.
    pub max_events: usize,
    /// Most items in one batch request (`dns.add` records, `mailboxData` array).
    pub max_batch: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    #[serde(default)]
    pub method: Option<String>,
    pub path: String,
    #[serde(default = "one")]
    pub count: u32,
    pub kind: FaultKind,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub retry_after: Option<u64>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub message: Option<String>,
}
fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` without handling the request.
    Status,
    /// Wait `delayMs`, then handle the request normally.
    Delay,
    /// Close the connection without handling the request.
    Drop,
    /// Handle the request (effects committed), then close the connection
    /// without an answer: the "server applied it, the answer was lost" case.
    DropAfter,
    /// Handle the request (effects committed), then hold the answer for
    /// `delayMs` before writing it (past a client's timeout).
    DelayAfter,
}

impl FaultKind {
    /// The name used in the control API and the request log.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Status => "status",
            FaultKind::Delay => "delay",
            FaultKind::Drop => "drop",
            FaultKind::DropAfter => "drop_after",
            FaultKind::DelayAfter => "delay_after",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestLog {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    /// Status answered (for `drop_after`/`delay_after`: the status the
    /// handler produced); 0 when a `drop` fault closed the connection first.
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// Default of `maxRequests`: requests kept in the log (oldest dropped first).
pub const DEFAULT_MAX_REQUESTS: usize = 10_000;
/// Default of `maxEvents`: finished webhook events kept (oldest dropped first).
pub const DEFAULT_MAX_EVENTS: usize = 1_000;
/// Upper bound of both limits accepted by `PUT /__sandbox/config`.
pub const MAX_LOG_LIMIT: usize = 1_000_000;

/// Where the background saver stands (reported by the control API).
#[derive(Debug, Clone, Default)]
pub struct PersistStatus {
    /// A snapshot was taken from the world and is being written.
    pub saving: bool,
    /// Real time (RFC 3339) of the last successful save.
    pub last_saved_at: Option<String>,
    /// Why the last save failed; cleared by the next successful one.
    pub last_error: Option<String>,
    /// Failed saves since the last successful one.
    pub failures: u32,
}

/// Arrival times of a key's requests accepted in the last second.
#[derive(Default)]
pub struct Bucket {
    pub accepted: VecDeque<std::time::Instant>,
}

/// Everything the server's tasks share.
pub struct Shared {
    pub api_key: String,
    #[allow(dead_code)]
    pub addr: SocketAddr,
    pub initial_wallet: f64,
    pub world: Mutex<World>,
    pub config: Mutex<Config>,
    pub initial_config: Config,
    pub faults: Mutex<Vec<Fault>>,
    pub requests: Mutex<VecDeque<RequestLog>>,
    pub limiter: Mutex<HashMap<String, Bucket>>,
    /// Held while due tasks run and webhooks are delivered (so `clock/advance`
    /// awaits deliveries started elsewhere).
    pub delivery_lock: tokio::sync::Mutex<()>,
    pub http: reqwest::Client,
    /// The SQLite file (`data_file`); each save opens it anew, so a file or
    /// directory that disappears or becomes unusable fails the save (kept
    /// dirty, retried) instead of writing to an unlinked inode.
    pub db_path: Option<std::path::PathBuf>,
    /// Serialises writers of the data file (background saver, shutdown).
    pub db_write: Mutex<()>,
    pub persist: Mutex<PersistStatus>,
    /// Wakes the background saver (`request_save`).
    pub save_signal: tokio::sync::Notify,
}

impl Shared {
    pub fn new(opts: &SandboxOptions, addr: SocketAddr) -> Result<Shared, String> {
        if opts.api_key.is_empty() {
            return Err("the API key must not be empty".into());
        }
        let config = Config {
            webhook_url: opts.webhook_url.clone(),
            webhook_secret: opts.webhook_secret.clone().unwrap_or_else(|| opts.api_key.clone()),
            rate_limit: opts.rate_limit.filter(|n| *n > 0),
            max_requests: DEFAULT_MAX_REQUESTS,
            max_events: DEFAULT_MAX_EVENTS,
            max_batch: opts.max_batch.max(1),
        };
        let world = match &opts.data_file {
            Some(path) => {
                let loaded = crate::persist::open(path)?;
                let mut w = loaded.unwrap_or_else(|| World::new(opts.wallet_balance));
                // Deliveries cut short by a stop are attempted again.
                let now = w.now();
                for e in w.events.iter_mut().filter(|e| e.state == "delivering") {
                    e.state = "pending".into();
                    e.next_attempt_ms = Some(now);
                }
                w
            }
            None => World::new(opts.wallet_balance),
        };
        let http = cmr::http::client_builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        Ok(Shared {
            api_key: opts.api_key.clone(),
            addr,
            initial_wallet: opts.wallet_balance,
            world: Mutex::new(world),
            initial_config: config.clone(),
            config: Mutex::new(config),
            faults: Mutex::new(Vec::new()),
            requests: Mutex::new(VecDeque::new()),
            limiter: Mutex::new(HashMap::new()),
            delivery_lock: tokio::sync::Mutex::new(()),
            http,
            db_path: opts.data_file.clone(),
            db_write: Mutex::new(()),
            persist: Mutex::new(PersistStatus::default()),
            save_signal: tokio::sync::Notify::new(),
        })
    }

    /// Ask the background saver to write the world if it changed. Cheap and
    /// never blocks: requests do not wait for a save.
    pub fn request_save(&self) {
        if self.db_path.is_some() {
            self.save_signal.notify_one();
        }
    }

    /// Write the world now if it is dirty (`force`: even if not). Returns
    /// `Err` when the save failed; the world is then dirty again. Blocking
    /// (SQLite I/O): call it off the async workers or at shutdown.
    pub fn save_now(&self, force: bool) -> Result<(), String> {
        let Some(path) = &self.db_path else { return Ok(()) };
        let _writer = self.db_write.lock();
        let json = {
            let mut w = self.world.lock();
            if !w.dirty && !force {
                return Ok(());
            }
            let json = serde_json::to_string(&*w).map_err(|e| e.to_string());
            w.dirty = false;
            self.persist.lock().saving = true;
            json
        };
        let result = json.and_then(|j| crate::persist::save(path, &j));
        let mut st = self.persist.lock();
        st.saving = false;
        match &result {
            Ok(()) => {
                st.last_saved_at = Some(crate::clock::rfc3339(crate::clock::real_now_ms()));
                st.last_error = None;
                st.failures = 0;
            }
            Err(e) => {
                st.last_error = Some(e.clone());
                st.failures = st.failures.saturating_add(1);
                drop(st);
                // The snapshot did not reach the disk: keep the state dirty.
                self.world.lock().dirty = true;
            }
        }
        result
    }

    /// `{enabled, dirty, lastSavedAt, lastError, failures}` for the control API.
    pub fn persistence_json(&self) -> Value {
        let dirty = self.db_path.is_some() && self.world.lock().dirty;
        let st = self.persist.lock().clone();
        serde_json::json!({
            "enabled": self.db_path.is_some(),
            "dirty": dirty || st.saving,
            "lastSavedAt": st.last_saved_at,
            "lastError": st.last_error,
            "failures": st.failures,
        })
    }

    pub fn log_request(&self, entry: RequestLog) {
        let cap = self.config.lock().max_requests.max(1);
        let mut r = self.requests.lock();
        while r.len() >= cap {
            r.pop_front();
        }
        r.push_back(entry);
    }

    /// CMR's limit: at most `rate` accepted requests of a key in any rolling
    /// second (refused ones do not count). `Err(retry_after_secs)` when full.
    pub fn rate_limit(&self, key: &str) -> Result<(), u64> {
        let Some(rate) = self.config.lock().rate_limit else { return Ok(()) };
        let window = std::time::Duration::from_secs(1);
        let mut map = self.limiter.lock();
        let now = std::time::Instant::now();
        let b = map.entry(key.to_string()).or_default();
        while b.accepted.front().is_some_and(|t| now.duration_since(*t) >= window) {
            b.accepted.pop_front();
        }
        if b.accepted.len() < rate as usize {
            b.accepted.push_back(now);
            Ok(())
        } else {
            // Whole seconds (the header's unit) until the oldest leaves the window.
            let free_in = b.accepted.front().map_or(window, |t| window.saturating_sub(now.duration_since(*t)));
            Err(free_in.as_secs_f64().ceil().max(1.0) as u64)
        }
    }
}
