//! The HTTP client: one transport with retries, backoff, `Retry-After`,
//! optional pacing, envelope decoding and error mapping.
//!
//! A client's transport (its connection pool, [`crate::transport`]) is normally shared by
//! every clone. [`ThreadTransports`] gives a thread a pool of its own while
//! everything else (configuration, pacing, logging, retries, limits) stays
//! the client's: for callers that run each request to completion on the
//! calling thread's own runtime (the Python binding's blocking calls).

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use rand::Rng;
use http::header::{HeaderMap, HeaderValue, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::{ClientBuilder, Config, RequestOptions};
use crate::error::{Error, ErrorKind, Result, MAX_ERROR_BODY_BYTES};
use crate::logging::Decision;
use crate::models::{Envelope, ProfilePicture};
use crate::pacer::Pacer;
use crate::routes::{self, Method, Route};
use crate::transport::{transport_error, Transport};

/// The CMR partner API client. Cheap to clone (shared connection pool).
///
/// ```no_run
/// # async fn demo() -> cmr::Result<()> {
/// let client = cmr::Client::builder().api_key("...").build()?;
/// let users = client.users().list(&Default::default()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// The connection pool this view sends through: the one every clone
    /// shares, or a thread's own ([`ThreadTransports`]).
    http: Transport,
    options: RequestOptions,
    /// Paced even without `requests_per_second` (bulk helpers: `for_bulk`).
    bulk: bool,
}

struct Inner {
    config: Config,
    pacer: Option<Pacer>,
    /// Used by bulk helpers when no `requests_per_second` was configured.
    bulk_pacer: Pacer,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.config.base_url)
            .field("api_key", &self.inner.config.api_key)
            .field("sandbox", &self.inner.config.sandbox)
            .field("max_retries", &self.effective_max_retries())
            .finish()
    }
}

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Json(Value),
    /// Text fields, then file parts. Rebuilt for every attempt.
    Multipart(Vec<(String, String)>, Vec<ProfilePicture>),
}

impl Client {
    /// Start configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `CMR_API_KEY` (and `CMR_BASE_URL`, if set).
    pub fn from_env() -> Result<Client> {
        ClientBuilder::default().build()
    }

    pub(crate) fn from_config(config: Config) -> Result<Client> {
        let http = Transport::new(&config)?;
        let pacer = config.requests_per_second.map(Pacer::new);
        let bulk_pacer = Pacer::new(crate::config::defaults::RATE_LIMIT_PER_SECOND);
        let inner = Inner { config, pacer, bulk_pacer };
        Ok(Client { inner: Arc::new(inner), http, options: RequestOptions::default(), bulk: false })
    }

    /// A view of this client whose requests use `options` (timeout, retries,
    /// extra headers). Shares the connection pool and pacing.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        let mut merged = self.options.clone();
        if options.timeout.is_some() {
            merged.timeout = options.timeout;
        }
        if options.max_retries.is_some() {
            merged.max_retries = options.max_retries;
        }
        merged.headers.extend(options.headers);
        Client { inner: self.inner.clone(), http: self.http.clone(), options: merged, bulk: self.bulk }
    }

    /// A view of this client that is always paced (at `requests_per_second`
    /// if set, else CMR's documented 5/s, shared by every bulk job of this client).
    pub(crate) fn for_bulk(&self) -> Client {
        Client { inner: self.inner.clone(), http: self.http.clone(), options: self.options.clone(), bulk: true }
    }

    /// The pacer requests of this view go through, if any.
    pub(crate) fn pacer(&self) -> Option<&Pacer> {
        self.inner.pacer.as_ref().or(self.bulk.then_some(&self.inner.bulk_pacer))
    }

    /// The configuration this client was built with.
    #[cfg(test)]
    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.config.base_url
    }

    /// Is the key sent as a sandbox key?
    pub fn is_sandbox(&self) -> bool {
        self.inner.config.sandbox
    }

    fn effective_max_retries(&self) -> u32 {
        self.options.max_retries.unwrap_or(self.inner.config.max_retries)
    }

    /// Raw escape hatch: call any path (relative to the base URL) and get the
    /// decoded envelope. Same auth, retries and errors as the typed calls;
    /// only GET is retried after the server may have received the request.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<Value>,
    ) -> Result<Envelope> {
        if !path.starts_with('/') {
            return Err(Error::invalid(format!("path must start with '/': {path:?}")));
        }
        let q: Vec<(&str, String)> = query.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let body = match body {
            Some(v) => Body::Json(v),
            None => Body::None,
        };
        self.execute(Exchange { method, path, query: &q, body: &body, head_only: false }).await.map(|(env, _)| env)
    }

    /// Send a request for a route, decode the envelope and `data` into `T`.
    ///
    /// A write (any method but GET) that the server accepted with a 2xx never
    /// fails here because its `data` has an unexpected shape: the caller
    /// would take the failure for "not done" and send it again (a duplicate
    /// order is a duplicate charge). It gets `T` from what decodes, with the
    /// raw `data` kept under `extra["undecodedData"]` where `T` keeps extras
    /// (else `T::default()`), plus a warning in the logs.
    pub(crate) async fn call<T: DeserializeOwned + Default>(
        &self,
        route: &Route,
        query: &[(&str, String)],
        body: Body,
    ) -> Result<(T, Envelope)> {
        if route.method == Method::Get && !self.inner.config.log.logs_answers() {
            return self.call_get(route, query, body).await;
        }
        let env = self.send(route, query, body).await?;
        if route.method != Method::Get {
            let data = decode_data::<T>(&env.data).unwrap_or_else(|e| {
                tracing::warn!(
                    op = route.op,
                    error = %e,
                    "the server accepted the write but its `data` has an unexpected shape; returning what decodes"
                );
                undecoded::<T>(&env.data)
            });
            return Ok((data, env));
        }
        let data = decode_data::<T>(&env.data).map_err(|e| {
            Error::new(ErrorKind::Decode, format!("unexpected `data` in the answer to {}: {e}", route.op))
                .with_request(route.method.as_str(), route.path)
                // Only 2xx answers reach here (errors were raised before).
                .with_status(env.status.unwrap_or(200))
                .with_body(env_body(&env))
                .mark_sent(true)
        })?;
        Ok((data, env))
    }

    /// [`Client::call`] for a read whose answer nobody logs: `T` is decoded
    /// straight from the answer's text. The full path decodes the envelope
    /// into a `Value` tree, then `T` from that tree; here the envelope's
    /// `data` is skipped when its head is read (`status`, `message`,
    /// `actionId`, with the same rules) and decoded once, into `T`. The
    /// envelope returned has no `data` (no caller of a read uses it).
    async fn call_get<T: DeserializeOwned>(&self, route: &Route, query: &[(&str, String)], body: Body) -> Result<(T, Envelope)> {
        debug_assert!(query.iter().all(|(k, _)| route.query.contains(k)), "{}: unexpected query", route.op);
        let (env, bytes) = self.execute(Exchange::route(route, query, &body, true)).await?;
        let data = serde_json::from_slice::<DataOf<T>>(&bytes).map(|d| d.0).map_err(|e| {
            Error::new(ErrorKind::Decode, format!("unexpected `data` in the answer to {}: {e}", route.op))
                .with_request(route.method.as_str(), route.path)
                .with_status(env.status.unwrap_or(200))
                .with_body(String::from_utf8_lossy(&bytes).into_owned())
                .mark_sent(true)
        })?;
        Ok((data, env))
    }

    /// Send a request for a route and return the decoded envelope.
    pub(crate) async fn send(&self, route: &Route, query: &[(&str, String)], body: Body) -> Result<Envelope> {
        debug_assert!(query.iter().all(|(k, _)| route.query.contains(k)), "{}: unexpected query", route.op);
        self.execute(Exchange::route(route, query, &body, false)).await.map(|(env, _)| env)
    }

    /// Send with retries; the decoded envelope and the answer's body.
    async fn execute(&self, x: Exchange<'_>) -> Result<(Envelope, Vec<u8>)> {
        let Exchange { method, path, query, body, .. } = x;
        crate::config::check_options(&self.options)?;
        let max_retries = self.effective_max_retries();
        let mut attempt: u32 = 0;
        loop {
            let permit = match self.pacer() {
                Some(p) => Some(p.acquire().await),
                None => None,
            };
            let started = Instant::now();
            let result = self.attempt(x).await;
            if let (Some(p), Err(e)) = (self.pacer(), &result) {
                if e.kind() == ErrorKind::RateLimited {
                    p.on_rate_limited(e.retry_after());
                }
            }
            drop(permit);
            let log = |r: std::result::Result<&Envelope, &Error>, d: Decision<'_>| {
                let c = &self.inner.config;
                c.log.attempt(&c.api_key, method, path, query, body, attempt, started.elapsed(), r, d)
            };
            let err = match result {
                Ok(answer) => {
                    log(Ok(&answer.0), Decision::Done);
                    return Ok(answer);
                }
                Err(e) => e,
            };
            let retryable = is_retryable(method, &err);
            if !retryable || attempt >= max_retries {
                log(Err(&err), Decision::GiveUp(give_up_reason(method, &err, retryable)));
                return Err(err);
            }
            let delay = match err.retry_after() {
                Some(ra) if ra > self.inner.config.retry_after_cap => {
                    log(Err(&err), Decision::GiveUp("Retry-After is longer than the cap"));
                    return Err(err);
                }
                Some(ra) => ra,
                None => backoff(attempt, self.inner.config.retry_base_delay, self.inner.config.retry_max_delay),
            };
            log(Err(&err), Decision::Retry(delay));
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, x: Exchange<'_>) -> Result<(Envelope, Vec<u8>)> {
        let m = x.method.as_str();
        let req = self.http_request(x)?;
        // The whole exchange, the answer's body included, within the timeout.
        let timeout = self.options.timeout.unwrap_or(self.inner.config.timeout);
        match tokio::time::timeout(timeout, self.exchange(req, x)).await {
            Ok(r) => r,
            // Whether any byte reached the server is unknown: treated as sent.
            Err(_) => Err(Error::new(ErrorKind::Timeout, "the request timed out").with_request(m, x.path).mark_sent(true)),
        }
    }

    /// The HTTP request of an exchange: its URI, the call's headers, the
    /// body, then the transport's fixed headers (key, user agent, accept).
    fn http_request(&self, x: Exchange<'_>) -> Result<http::Request<http_body_util::Full<bytes::Bytes>>> {
        let Exchange { method, path, query, body, .. } = x;
        let uri = self.http.uri(&self.inner.config, path, query)?;
        let mut headers = HeaderMap::new();
        for (k, v) in &self.options.headers {
            let lk = k.to_ascii_lowercase();
            if lk == routes::API_KEY_HEADER || lk == routes::SANDBOX_API_KEY_HEADER {
                continue;
            }
            // Checked when the options were set (`config::check_options`).
            let (name, value) = crate::config::option_header(k, v)?;
            headers.append(name, value);
        }
        let body = match body {
            Body::None => bytes::Bytes::new(),
            Body::Json(v) => {
                headers.append(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                serde_json::to_vec(v).map_err(|e| Error::invalid(format!("could not encode the body: {e}")))?.into()
            }
            Body::Multipart(fields, files) => {
                let (bytes, content_type) = crate::multipart::encode(fields, files)?;
                headers.append(CONTENT_TYPE, content_type);
                bytes
            }
        };
        self.http.fill_defaults(&mut headers);
        let mut req = http::Request::new(http_body_util::Full::new(body));
        *req.method_mut() = match method {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
        };
        *req.uri_mut() = uri;
        *req.headers_mut() = headers;
        Ok(req)
    }

    /// Send `req` and read its answer (bounded), as the envelope and the body.
    async fn exchange(
        &self,
        req: http::Request<http_body_util::Full<bytes::Bytes>>,
        x: Exchange<'_>,
    ) -> Result<(Envelope, Vec<u8>)> {
        let Exchange { method, path, head_only, .. } = x;
        let m = method.as_str();
        let mut resp = self.http.send(req).await.map_err(|e| transport_error(&e, e.is_connect(), false, m, path))?;
        let status = resp.status().as_u16();
        let retry_after = resp.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
        let success = (200..300).contains(&status);

        if (300..400).contains(&status) {
            // Never followed (see `from_config`): the key stays on our origin.
            let location = resp.headers().get(LOCATION).map(|v| {
                let l = String::from_utf8_lossy(v.as_bytes());
                l.chars().take(2048).collect::<String>()
            });
            let (bytes, truncated) = read_capped(&mut resp, MAX_ERROR_BODY_BYTES).await.unwrap_or_default();
            let target = location.as_deref().unwrap_or("(no Location header)");
            return Err(Error::new(
                ErrorKind::Redirect,
                format!(
                    "the server answered HTTP {status} redirecting to {target}; redirects are never followed \
                     (the API key must not leave the configured origin): check the base URL"
                ),
            )
            .with_request(m, path)
            .with_status(status)
            .with_body(String::from_utf8_lossy(&bytes).into_owned())
            .with_body_truncated(truncated)
            .with_location(location)
            .mark_sent(true));
        }

        // Bounded reads: a success body up to `max_response_bytes`, an error
        // body up to 64 KiB (all an error keeps).
        let limit = if success { self.inner.config.max_response_bytes } else { MAX_ERROR_BODY_BYTES };
        if success && content_length(&resp).is_some_and(|n| n > limit as u64) {
            return Err(too_large(m, path, status, limit));
        }
        let (bytes, truncated) = read_capped(&mut resp, limit)
            .await
            .map_err(|e| transport_error(&e, false, true, m, path).with_status(status).mark_sent(true))?;
        if success && truncated {
            return Err(too_large(m, path, status, limit));
        }
        let parsed: std::result::Result<Envelope, _> = if head_only {
            serde_json::from_slice::<EnvelopeHead>(&bytes).map(|h| h.0)
        } else {
            serde_json::from_slice(&bytes)
        };

        // An error status in the body wins over a 2xx HTTP status (the body
        // is documented to mirror it; we trust the stricter of the two).
        let body_status = parsed.as_ref().ok().and_then(|e| e.status).filter(|s| (400..600).contains(s));
        let effective = if success { body_status.unwrap_or(status) } else { status };
        if (200..300).contains(&effective) {
            return match parsed {
                Ok(env) => Ok((env, bytes)),
                // A write the server accepted (2xx) is done, whatever its body
                // says: report the acknowledgement, not a failure that invites
                // a duplicate. A read with a broken body is a decode error.
                Err(e) if method != Method::Get => {
                    tracing::warn!(method = m, path, status, error = %e, "2xx answer to a write is not a CMR envelope; treating it as accepted");
                    let text = String::from_utf8_lossy(&bytes);
                    let data = if text.trim().is_empty() { Value::Null } else { Value::String(text.into_owned()) };
                    Ok((Envelope { status: Some(status), data, ..Envelope::default() }, bytes))
                }
                Err(e) => Err(Error::new(ErrorKind::Decode, format!("the answer is not a CMR envelope: {e}"))
                    .with_request(m, path)
                    .with_status(status)
                    .with_body(String::from_utf8_lossy(&bytes).into_owned())
                    .mark_sent(true)),
            };
        }
        let message = match &parsed {
            Ok(env) if !env.message.is_empty() => env.message.chars().take(MAX_MESSAGE_CHARS).collect(),
            _ => {
                let reason = http::StatusCode::from_u16(effective)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("error");
                format!("HTTP {effective} {reason}")
            }
        };
        let kind = ErrorKind::from_status(effective);
        // 429 means the server refused the request without acting on it.
        let sent = kind != ErrorKind::RateLimited;
        Err(Error::new(kind, message)
            .with_request(m, path)
            .with_status(effective)
            .with_body(String::from_utf8_lossy(&bytes).into_owned())
            .with_body_truncated(truncated)
            .with_retry_after(retry_after)
            .mark_sent(sent))
    }
}

/// The connection pools of one thread: one per client it used, each a new
/// pool built like the client's own. [`ThreadTransports::client`] gives a
/// view of a client that sends through this thread's pool and shares
/// everything else with it: configuration, the pacer (so the rate limit
/// holds across every thread), logging, retries, limits.
///
/// For a caller that runs each request on the calling thread's own runtime
/// (a `current_thread` tokio runtime per thread): the connections' tasks
/// then live on that runtime and a request never crosses threads. Keep one
/// `ThreadTransports` per such runtime (a thread local beside it) and drop
/// both together; a pool must only be used on the runtime it first ran on.
/// Such a runtime does not run between calls: let it poll its I/O before
/// each request (the Python binding yields twice), so that a connection the
/// server closed meanwhile leaves the pool instead of taking the request.
///
/// An entry holds no strong reference to its client: the pool of a client
/// that was dropped is dropped at the next lookup of a new client.
#[derive(Default)]
pub struct ThreadTransports {
    pools: Vec<(Weak<Inner>, Transport)>,
}

impl ThreadTransports {
    /// An empty set of pools.
    pub fn new() -> ThreadTransports {
        ThreadTransports::default()
    }

    /// `client` (with its options) sending through this thread's pool for
    /// it; the pool is built on the first call for that client.
    pub fn client(&mut self, client: &Client) -> Result<Client> {
        let key = Arc::as_ptr(&client.inner);
        // A live `Weak` keeps its allocation, so an address can only match
        // the client it was made from.
        let http = match self.pools.iter().find(|(w, _)| std::ptr::eq(w.as_ptr(), key)) {
            Some((_, http)) => http.clone(),
            None => {
                let http = Transport::new(&client.inner.config)?;
                self.pools.retain(|(w, _)| w.strong_count() > 0);
                self.pools.push((Arc::downgrade(&client.inner), http.clone()));
                http
            }
        };
        Ok(Client { inner: client.inner.clone(), http, options: client.options.clone(), bulk: client.bulk })
    }

    /// How many pools are held (for tests).
    pub fn len(&self) -> usize {
        self.pools.len()
    }

    /// No pool held?
    pub fn is_empty(&self) -> bool {
        self.pools.is_empty()
    }
}

impl std::fmt::Debug for ThreadTransports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadTransports").field("pools", &self.pools.len()).finish()
    }
}

/// Longest server message an error keeps (the whole body is in `body`).
const MAX_MESSAGE_CHARS: usize = 4096;

/// Read at most `limit` bytes of the body; `true` when more was there (the
/// rest is not read: the connection is dropped with the response).
async fn read_capped(
    resp: &mut http::Response<hyper::body::Incoming>,
    limit: usize,
) -> std::result::Result<(Vec<u8>, bool), hyper::Error> {
    let mut buf = Vec::with_capacity(content_length(resp).map_or(8 * 1024, |n| n.min(limit as u64) as usize));
    while let Some(frame) = resp.body_mut().frame().await {
        let Ok(chunk) = frame?.into_data() else { continue };
        let room = limit - buf.len();
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            return Ok((buf, true));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((buf, false))
}

/// The body's length when the answer states it (`Content-Length`, as hyper
/// read it).
fn content_length(resp: &http::Response<hyper::body::Incoming>) -> Option<u64> {
    hyper::body::Body::size_hint(resp.body()).exact()
}

fn too_large(method: &str, path: &str, status: u16, limit: usize) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("the answer is larger than the {limit}-byte limit (max_response_bytes); it was not read"),
    )
    .with_request(method, path)
    .with_status(status)
    .mark_sent(true)
}

/// `T` for an accepted write whose `data` did not decode: the raw data under
/// `extra["undecodedData"]` where `T` keeps extras, else `T::default()`.
fn undecoded<T: DeserializeOwned + Default>(data: &Value) -> T {
    let mut wrapper = serde_json::Map::new();
    wrapper.insert("undecodedData".into(), data.clone());
    T::deserialize(&Value::Object(wrapper)).unwrap_or_default()
}

/// The retry policy, in one place.
///
/// * 429: always retryable (the server refused the request unprocessed).
/// * Connection failures before anything was sent: always retryable.
/// * GET only: other network errors, timeouts, 500/502/503/504.
/// * Writes that may have reached the server are never retried: CMR has no
///   idempotency key, and a duplicate order means duplicate charges.
pub(crate) fn is_retryable(method: Method, err: &Error) -> bool {
    match err.kind() {
        ErrorKind::RateLimited => true,
        ErrorKind::Network | ErrorKind::Timeout if !err.may_have_been_sent() => true,
        ErrorKind::Network | ErrorKind::Timeout => method.is_idempotent(),
        ErrorKind::Server => method.is_idempotent() && matches!(err.status(), Some(500 | 502 | 503 | 504)),
        _ => false,
    }
}

/// Why a failed attempt is not retried, for the log line.
fn give_up_reason(method: Method, err: &Error, retryable: bool) -> &'static str {
    if retryable {
        "retries exhausted"
    } else if !method.is_idempotent()
        && matches!(err.kind(), ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Server)
    {
        "the write may have reached the server"
    } else {
        "not retryable"
    }
}

/// Exponential backoff with "equal jitter": half fixed, half random.
pub(crate) fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.min(16));
    let capped = exp.min(max);
    let half = capped / 2;
    let jitter = rand::thread_rng().gen_range(0.0..=1.0);
    half + half.mul_f64(jitter)
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn parse_retry_after(v: &str) -> Option<Duration> {
    // Whatever the server sends (1e30, 18446744073709551615, NaN, a date in
    // the year 9999), the result is a valid Duration or None: never a panic.
    // Anything above a day is clamped to a day; the caller's cap decides.
    let clamp = crate::config::defaults::MAX_DURATION;
    let v = v.trim();
    if v.len() > 64 {
        return None;
    }
    if let Ok(secs) = v.parse::<f64>() {
        return (secs >= 0.0 && !secs.is_nan()).then(|| Duration::from_secs_f64(secs.min(clamp.as_secs_f64())));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    let wait = when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO);
    Some(wait.min(clamp))
}

/// One request as [`Client`]'s `execute` sends it (with retries) and
/// `attempt` sends it once.
#[derive(Clone, Copy)]
struct Exchange<'a> {
    method: Method,
    path: &'a str,
    query: &'a [(&'a str, String)],
    body: &'a Body,
    /// A successful answer's envelope is read without `data` and unknown
    /// fields ([`EnvelopeHead`]): the caller decodes what it needs from the body.
    head_only: bool,
}

impl<'a> Exchange<'a> {
    fn route(route: &'a Route, query: &'a [(&'a str, String)], body: &'a Body, head_only: bool) -> Self {
        Exchange { method: route.method, path: route.path, query, body, head_only }
    }
}

/// The head of an envelope: `status`, `message` and `actionId`, read by the
/// same lenient rules as [`Envelope`]'s, as an `Envelope` without `data` and
/// unknown fields, which are skipped without building anything. It fails
/// where `Envelope` fails: not an object, a repeated field, bad JSON.
struct EnvelopeHead(Envelope);

/// The fields of an envelope object, by the index [`EnvelopeKey`] reads.
const ENVELOPE_FIELDS: [&str; 4] = ["status", "message", "data", "actionId"];
const STATUS: usize = 0;
const MESSAGE: usize = 1;
const DATA: usize = 2;
const ACTION_ID: usize = 3;

/// A key of an envelope object, read without allocating: its index in
/// [`ENVELOPE_FIELDS`], or `None` for any other key.
struct EnvelopeKey(Option<usize>);

impl<'de> serde::Deserialize<'de> for EnvelopeKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = EnvelopeKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, k: &str) -> std::result::Result<EnvelopeKey, E> {
                Ok(EnvelopeKey(ENVELOPE_FIELDS.iter().position(|f| *f == k)))
            }
        }
        d.deserialize_identifier(V)
    }
}

/// The lenient readers of the head's fields, as types.
#[derive(serde::Deserialize)]
#[serde(transparent)]
struct AnyU16(#[serde(deserialize_with = "crate::models::common::lenient::any_u16")] Option<u16>);
#[derive(serde::Deserialize)]
#[serde(transparent)]
struct AnyString(#[serde(deserialize_with = "crate::models::common::lenient::any_string")] String);
#[derive(serde::Deserialize)]
#[serde(transparent)]
struct AnyOptString(#[serde(deserialize_with = "crate::models::common::lenient::any_opt_string")] Option<String>);

impl<'de> serde::Deserialize<'de> for EnvelopeHead {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = EnvelopeHead;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct Envelope")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<EnvelopeHead, A::Error> {
                use serde::de::{Error as _, IgnoredAny};
                let mut env = Envelope::default();
                let mut seen = [false; 4];
                while let Some(EnvelopeKey(key)) = map.next_key()? {
                    let Some(i) = key else {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    if std::mem::replace(&mut seen[i], true) {
                        return Err(A::Error::duplicate_field(ENVELOPE_FIELDS[i]));
                    }
                    match i {
                        STATUS => env.status = map.next_value::<AnyU16>()?.0,
                        MESSAGE => env.message = map.next_value::<AnyString>()?.0,
                        ACTION_ID => env.action_id = map.next_value::<AnyOptString>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(EnvelopeHead(env))
            }
        }
        d.deserialize_map(V)
    }
}

/// The `data` of an envelope's text as `T`, decoded once; absent reads as
/// `null`, as [`Envelope::data`] does.
struct DataOf<T>(T);

impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for DataOf<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for V<T> {
            type Value = DataOf<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct Envelope")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<DataOf<T>, A::Error> {
                use serde::de::{Error as _, IgnoredAny};
                let mut data = None;
                while let Some(EnvelopeKey(key)) = map.next_key()? {
                    if key == Some(DATA) {
                        if data.is_some() {
                            return Err(A::Error::duplicate_field(ENVELOPE_FIELDS[DATA]));
                        }
                        data = Some(map.next_value::<T>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                match data {
                    Some(d) => Ok(DataOf(d)),
                    None => T::deserialize(&Value::Null).map(DataOf).map_err(A::Error::custom),
                }
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

fn env_body(env: &Envelope) -> String {
    serde_json::to_string(env).unwrap_or_default()
}

/// Decode `data` into `T`; `null`/absent decode as `T`'s empty form where `T` allows it.
fn decode_data<T: DeserializeOwned>(data: &Value) -> serde_json::Result<T> {
    T::deserialize(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ErrorKind, status: Option<u16>, sent: bool) -> Error {
        let mut e = Error::new(kind, "x").mark_sent(sent);
        if let Some(s) = status {
            e = e.with_status(s);
        }
        e
    }

    /// Answers both decoders of a read must agree on.
    const ANSWERS: &[&str] = &[
        r#"{"status":200,"message":"ok","data":{"id":"u1","email":"a@b.co","extraField":[1,{"x":null}]},"actionId":"A1"}"#,
        r#"{}"#,
        r#"{"data":null}"#,
        r#"{"status":"201","message":7,"data":[],"actionId":42,"x":1,"y":{"z":[null]}}"#,
        r#"{"status":70000,"message":null,"data":[1,"a"],"actionId":""}"#,
        r#"{"status":-1,"message":{"a":1},"data":"text","actionId":null,"status2":true}"#,
        r#"{"stat\u0075s":404,"mess\u0061ge":"esc\"aped","d\u0061ta":{"id":"\u00e9"},"action\u0049d":"B"}"#,
        r#"{"x":1,"x":2,"data":{"id":"u"}}"#,
        r#"{"status":200,"status":201}"#,
        r#"{"message":"a","message":"b"}"#,
        r#"{"actionId":"a","actionId":"b"}"#,
        r#"{"data":{"id":"1"},"data":{"id":"2"}}"#,
        r#"{"data":{"id":5}}"#,
        r#"{"data":{"id":"u","createdAt":12}}"#,
        r#"[]"#,
        r#"[200,"m",{"id":"u"}]"#,
        r#""text""#,
        r#"null"#,
        r#"3"#,
        r#"{"data":{"id":"u"}"#,
        r#"{"data":{"id":"u"}} trailing"#,
    ];

    #[test]
    fn an_envelope_head_reads_as_the_envelope_does() {
        for a in ANSWERS {
            let full = serde_json::from_str::<Envelope>(a);
            let head = serde_json::from_str::<EnvelopeHead>(a).map(|h| h.0);
            match (&full, &head) {
                (Ok(f), Ok(h)) => assert_eq!((&f.status, &f.message, &f.action_id), (&h.status, &h.message, &h.action_id), "{a}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{a}: envelope {full:?}, head {head:?}"),
            }
        }
    }

    /// Both decoders agree on `a` as `T`; `true` when `T` decoded.
    fn both<T: DeserializeOwned + PartialEq + std::fmt::Debug>(a: &str) -> bool {
        let Ok(env) = serde_json::from_str::<Envelope>(a) else { return false };
        let via_value = decode_data::<T>(&env.data).ok();
        let direct = serde_json::from_str::<DataOf<T>>(a).ok().map(|d| d.0);
        assert_eq!(via_value, direct, "{a} as {}", std::any::type_name::<T>());
        direct.is_some()
    }

    #[test]
    fn data_decoded_from_the_text_is_data_decoded_from_the_value() {
        let mut users = 0;
        for a in ANSWERS {
            users += usize::from(both::<crate::models::User>(a));
            both::<Option<crate::models::User>>(a);
            both::<Vec<Value>>(a);
            both::<Option<std::collections::BTreeMap<String, Value>>>(a);
            both::<Value>(a);
        }
        assert!(users >= 3, "only {users} answers decoded as a User");
    }

    #[test]
    fn writes_are_not_retried_once_sent() {
        assert!(!is_retryable(Method::Post, &err(ErrorKind::Server, Some(500), true)));
        assert!(!is_retryable(Method::Post, &err(ErrorKind::Timeout, None, true)));
        assert!(!is_retryable(Method::Delete, &err(ErrorKind::Network, None, true)));
        assert!(is_retryable(Method::Post, &err(ErrorKind::Network, None, false)));
        assert!(is_retryable(Method::Post, &err(ErrorKind::RateLimited, Some(429), false)));
    }

    #[test]
    fn gets_retry_transient_failures_only() {
        for s in [500, 502, 503, 504] {
            assert!(is_retryable(Method::Get, &err(ErrorKind::Server, Some(s), true)));
        }
        assert!(!is_retryable(Method::Get, &err(ErrorKind::Server, Some(501), true)));
        assert!(!is_retryable(Method::Get, &err(ErrorKind::NotFound, Some(404), true)));
        assert!(is_retryable(Method::Get, &err(ErrorKind::Timeout, None, true)));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let max = Duration::from_millis(1000);
        for attempt in 0..10 {
            let d = backoff(attempt, base, max);
            let full = base.saturating_mul(1 << attempt).min(max);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("soon"), None);
        let future = std::time::SystemTime::now() + Duration::from_secs(30);
        let d = parse_retry_after(&httpdate::fmt_http_date(future)).unwrap();
        assert!(d <= Duration::from_secs(30) && d >= Duration::from_secs(28), "{d:?}");
        let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past), Some(Duration::ZERO));
    }
}
