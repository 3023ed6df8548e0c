//! The HTTP client: one transport with retries, backoff, `Retry-After`,
//! optional pacing, envelope decoding and error mapping.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::config::{ClientBuilder, Config, RequestOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::logging::Decision;
use crate::models::{Envelope, ProfilePicture};
use crate::routes::{self, Method, Route};

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
    options: RequestOptions,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    pacer: Option<Pacer>,
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

/// Spaces requests at least `interval` apart (client-side rate limiting).
struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = if *next > now { *next } else { now };
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
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
        let mut headers = HeaderMap::new();
        let key_header = if config.sandbox { routes::SANDBOX_API_KEY_HEADER } else { routes::API_KEY_HEADER };
        let mut key = HeaderValue::from_str(config.api_key.expose())
            .map_err(|_| Error::invalid("the API key contains characters not allowed in an HTTP header"))?;
        key.set_sensitive(true);
        headers.insert(HeaderName::from_static(key_header), key);
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(&config.user_agent).map_err(|_| Error::invalid("invalid user agent"))?,
        );
        headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .build()
            .map_err(|e| Error::new(ErrorKind::Network, format!("could not build the HTTP client: {e}")))?;
        let pacer = config.requests_per_second.map(|rps| Pacer {
            interval: Duration::from_secs_f64(1.0 / rps),
            next: Mutex::new(Instant::now()),
        });
        Ok(Client { inner: Arc::new(Inner { http, config, pacer }), options: RequestOptions::default() })
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
        Client { inner: self.inner.clone(), options: merged }
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
        self.execute(method, path, &q, &body).await
    }

    /// Send a request for a route, decode the envelope and `data` into `T`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        route: &Route,
        query: &[(&str, String)],
        body: Body,
    ) -> Result<(T, Envelope)> {
        let env = self.send(route, query, body).await?;
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

    /// Send a request for a route and return the decoded envelope.
    pub(crate) async fn send(&self, route: &Route, query: &[(&str, String)], body: Body) -> Result<Envelope> {
        debug_assert!(query.iter().all(|(k, _)| route.query.contains(k)), "{}: unexpected query", route.op);
        self.execute(route.method, route.path, query, &body).await
    }

    async fn execute(&self, method: Method, path: &str, query: &[(&str, String)], body: &Body) -> Result<Envelope> {
        let max_retries = self.effective_max_retries();
        let mut attempt: u32 = 0;
        loop {
            if let Some(p) = &self.inner.pacer {
                p.wait().await;
            }
            let started = Instant::now();
            let result = self.attempt(method, path, query, body).await;
            let log = |r: std::result::Result<&Envelope, &Error>, d: Decision<'_>| {
                let c = &self.inner.config;
                c.log.attempt(&c.api_key, method, path, query, body, attempt, started.elapsed(), r, d)
            };
            let err = match result {
                Ok(env) => {
                    log(Ok(&env), Decision::Done);
                    return Ok(env);
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

    async fn attempt(&self, method: Method, path: &str, query: &[(&str, String)], body: &Body) -> Result<Envelope> {
        let url = format!("{}{}", self.inner.config.base_url, path);
        let m = match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut req = self
            .inner
            .http
            .request(m, &url)
            .timeout(self.options.timeout.unwrap_or(self.inner.config.timeout));
        if !query.is_empty() {
            req = req.query(query);
        }
        for (k, v) in &self.options.headers {
            let lk = k.to_ascii_lowercase();
            if lk == routes::API_KEY_HEADER || lk == routes::SANDBOX_API_KEY_HEADER {
                continue;
            }
            req = req.header(k.as_str(), v.as_str());
        }
        req = match body {
            Body::None => req,
            Body::Json(v) => req
                .header(CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(v).map_err(|e| Error::invalid(format!("could not encode the body: {e}")))?),
            Body::Multipart(fields, files) => {
                let mut form = reqwest::multipart::Form::new();
                for (k, v) in fields {
                    form = form.text(k.clone(), v.clone());
                }
                for f in files {
                    let part = reqwest::multipart::Part::bytes(f.data.clone())
                        .file_name(f.file_name.clone())
                        .mime_str(&f.content_type)
                        .map_err(|_| Error::invalid(format!("invalid content type {:?}", f.content_type)))?;
                    form = form.part(f.key.clone(), part);
                }
                req.multipart(form)
            }
        };
        let m = method.as_str();
        let resp = req.send().await.map_err(|e| transport_error(e, m, path))?;
        let status = resp.status().as_u16();
        let retry_after = resp.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
        let bytes = resp.bytes().await.map_err(|e| transport_error(e, m, path).mark_sent(true))?;
        let text = String::from_utf8_lossy(&bytes);
        let parsed: std::result::Result<Envelope, _> = serde_json::from_slice(&bytes);

        // An error status in the body wins over a 2xx HTTP status (the body
        // is documented to mirror it; we trust the stricter of the two).
        let body_status = parsed.as_ref().ok().and_then(|e| e.status).filter(|s| *s >= 400);
        let effective = if (200..300).contains(&status) { body_status.unwrap_or(status) } else { status };
        if (200..300).contains(&effective) {
            return parsed.map_err(|e| {
                Error::new(ErrorKind::Decode, format!("the answer is not a CMR envelope: {e}"))
                    .with_request(m, path)
                    .with_status(status)
                    .with_body(text.into_owned())
                    .mark_sent(true)
            });
        }
        let message = match &parsed {
            Ok(env) if !env.message.is_empty() => env.message.clone(),
            _ => {
                let reason = reqwest::StatusCode::from_u16(effective)
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
            .with_body(text.into_owned())
            .with_retry_after(retry_after)
            .mark_sent(sent))
    }
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
    let v = v.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs >= 0.0 && secs.is_finite()).then(|| Duration::from_secs_f64(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

fn transport_error(e: reqwest::Error, method: &str, path: &str) -> Error {
    // A connect failure means no byte of the request reached the server.
    let sent = !e.is_connect();
    let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Network };
    // reqwest's message can contain the URL (with query ids, never the key);
    // we keep it short and free of the URL.
    let what = if e.is_timeout() {
        "the request timed out"
    } else if e.is_connect() {
        "could not connect to the server"
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the answer"
    } else {
        "the connection failed"
    };
    let detail = std::error::Error::source(&e).map(|s| format!(": {s}")).unwrap_or_default();
    Error::new(kind, format!("{what}{detail}")).with_request(method, path).mark_sent(sent)
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
