//! Client configuration: the API key, the builder, per-request options.

use std::fmt;
use std::time::Duration;

/// The partner API key. It is never printed: `Debug` shows `ApiKey(****)`,
/// there is no `Display`, and errors never carry it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }
    /// The secret itself, for the request header. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(****)")
    }
}

impl From<&str> for ApiKey {
    fn from(s: &str) -> Self {
        ApiKey::new(s)
    }
}
impl From<String> for ApiKey {
    fn from(s: String) -> Self {
        ApiKey::new(s)
    }
}

/// Environment variable holding the API key.
pub const ENV_API_KEY: &str = "CMR_API_KEY";
/// Environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "CMR_BASE_URL";

/// Settings of a [`crate::Client`]; build one with [`crate::Client::builder`].
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) api_key: ApiKey,
    pub(crate) base_url: String,
    /// `base_url` parsed once: a request's URL is this with its path set,
    /// not a string parsed again (host, IDNA) for every request.
    pub(crate) base: url::Url,
    pub(crate) sandbox: bool,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) retry_base_delay: Duration,
    pub(crate) retry_max_delay: Duration,
    pub(crate) retry_after_cap: Duration,
    pub(crate) requests_per_second: Option<f64>,
    pub(crate) user_agent: String,
    pub(crate) max_response_bytes: usize,
    pub(crate) log: crate::logging::Logger,
}

/// Defaults, in one place.
pub mod defaults {
    use std::time::Duration;
    /// Whole-request timeout of one attempt.
    pub const TIMEOUT: Duration = Duration::from_secs(60);
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Retries after the first attempt (Stainless-style default).
    pub const MAX_RETRIES: u32 = 2;
    /// First backoff step; doubles each retry, with jitter.
    pub const RETRY_BASE_DELAY: Duration = Duration::from_millis(500);
    /// Backoff never waits longer than this.
    pub const RETRY_MAX_DELAY: Duration = Duration::from_secs(8);
    /// A `Retry-After` longer than this is not waited for: the error is returned.
    pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);
    /// CMR's documented limit per partner key.
    pub const RATE_LIMIT_PER_SECOND: f64 = 5.0;
    /// Largest answer body read (32 MiB): a longer one fails with a decode
    /// error instead of taking the process's memory. CMR's biggest answers
    /// (a partner's mailbox pages, max 100 items) are far below this.
    pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
    /// Longest duration any setting accepts (timeouts, delays): one day.
    pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);
    /// Longest `retry_after_cap`: one hour.
    pub const MAX_RETRY_AFTER_CAP: Duration = Duration::from_secs(60 * 60);
    /// Most retries a client or request may ask for.
    pub const MAX_RETRIES_LIMIT: u32 = 20;
    /// Pacing bounds (requests per second).
    pub const MIN_REQUESTS_PER_SECOND: f64 = 0.01;
    pub const MAX_REQUESTS_PER_SECOND: f64 = 10_000.0;
    /// Response body cap bounds.
    pub const MIN_RESPONSE_BYTES: usize = 1024;
    pub const MAX_RESPONSE_BYTES_LIMIT: usize = 1024 * 1024 * 1024;
}

/// A duration given as a number of seconds by a binding (Python floats,
/// Kotlin/Swift doubles), checked: finite, not negative, at most
/// [`defaults::MAX_DURATION`]. Never panics, whatever the number.
pub fn seconds(field: &str, secs: f64) -> crate::Result<Duration> {
    if !secs.is_finite() || secs < 0.0 {
        return Err(crate::Error::invalid(format!("{field} must be a non-negative number of seconds, got {secs}")));
    }
    if secs > defaults::MAX_DURATION.as_secs_f64() {
        return Err(crate::Error::invalid(format!(
            "{field} must be at most {} seconds, got {secs}",
            defaults::MAX_DURATION.as_secs()
        )));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// [`seconds`] for a number of milliseconds (Node).
pub fn millis(field: &str, ms: f64) -> crate::Result<Duration> {
    if !ms.is_finite() || ms < 0.0 {
        return Err(crate::Error::invalid(format!("{field} must be a non-negative number of milliseconds, got {ms}")));
    }
    seconds(field, ms / 1000.0)
}

/// Is `host` a loopback host (`localhost`, 127.0.0.0/8, `::1`)?
pub fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Check a base URL: `https`, or `http` to a loopback host (the sandbox),
/// or `http` anywhere when `allow_insecure_http` is set. No credentials,
/// query or fragment. Returns the URL without a trailing slash.
pub fn check_base_url(base_url: &str, allow_insecure_http: bool) -> crate::Result<String> {
    checked_base_url(base_url, allow_insecure_http).map(|(s, _)| s)
}

/// [`check_base_url`], with the URL it parsed (the client keeps it: a
/// request's URL is that URL with its path set).
fn checked_base_url(base_url: &str, allow_insecure_http: bool) -> crate::Result<(String, url::Url)> {
    let parsed = url::Url::parse(base_url)
        .map_err(|e| crate::Error::invalid(format!("invalid base URL {base_url:?}: {e}")))?;
    let host = parsed
        .host()
        .ok_or_else(|| crate::Error::invalid(format!("base URL {base_url:?} has no host")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback_host(&host) || allow_insecure_http => {}
        "http" => {
            return Err(crate::Error::invalid(format!(
                "refusing plain http base URL {base_url:?}: the API key would travel unencrypted. \
                 Use https, or http only to a loopback host (localhost, 127.0.0.1, ::1); \
                 set allow_insecure_http to opt in for a trusted plain-http proxy"
            )))
        }
        _ => return Err(crate::Error::invalid(format!("base URL must be https (or http to loopback): {base_url:?}"))),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(crate::Error::invalid("base URL must not contain credentials"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(crate::Error::invalid(format!("base URL must not have a query or fragment: {base_url:?}")));
    }
    Ok((base_url.trim_end_matches('/').to_string(), parsed))
}

fn check_duration(field: &str, d: Duration, max: Duration) -> crate::Result<Duration> {
    if d > max {
        return Err(crate::Error::invalid(format!("{field} must be at most {} seconds, got {:?}", max.as_secs(), d)));
    }
    Ok(d)
}

fn check_positive(field: &str, d: Duration) -> crate::Result<Duration> {
    if d.is_zero() {
        return Err(crate::Error::invalid(format!("{field} must be greater than zero")));
    }
    check_duration(field, d, defaults::MAX_DURATION)
}

pub(crate) fn check_max_retries(n: u32) -> crate::Result<u32> {
    if n > defaults::MAX_RETRIES_LIMIT {
        return Err(crate::Error::invalid(format!("max_retries must be at most {}, got {n}", defaults::MAX_RETRIES_LIMIT)));
    }
    Ok(n)
}

/// Check the values of per-request options (before anything is sent).
pub fn check_options(o: &RequestOptions) -> crate::Result<()> {
    if let Some(t) = o.timeout {
        check_positive("timeout", t)?;
    }
    if let Some(n) = o.max_retries {
        check_max_retries(n)?;
    }
    for (k, v) in &o.headers {
        option_header(k, v)?;
    }
    Ok(())
}

/// An extra header of [`RequestOptions`] as HTTP types, or the validation
/// error [`check_options`] reports for it.
pub(crate) fn option_header(k: &str, v: &str) -> crate::Result<(http::HeaderName, http::HeaderValue)> {
    let name = http::HeaderName::from_bytes(k.as_bytes())
        .map_err(|_| crate::Error::invalid(format!("invalid header name {k:?}")))?;
    let value =
        http::HeaderValue::from_str(v).map_err(|_| crate::Error::invalid(format!("invalid value for header {k:?}")))?;
    Ok((name, value))
}

/// Builder of a [`crate::Client`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    sandbox: bool,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    retry_base_delay: Option<Duration>,
    retry_max_delay: Option<Duration>,
    retry_after_cap: Option<Duration>,
    requests_per_second: Option<f64>,
    user_agent_prefix: Option<String>,
    allow_insecure_http: bool,
    max_response_bytes: Option<usize>,
    log_level: Option<crate::logging::LogLevel>,
    log_sink: Option<std::sync::Arc<dyn crate::logging::LogSink>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("sandbox", &self.sandbox)
            .field("max_retries", &self.max_retries)
            .field("log_level", &self.log_level)
            .field("log_sink", &self.log_sink.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The partner API key (default: `CMR_API_KEY`).
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }
    /// Base URL (default: `CMR_BASE_URL`, else production).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Send the key as a sandbox key (`cmr-x-sandbox-api-key`).
    pub fn sandbox(mut self, on: bool) -> Self {
        self.sandbox = on;
        self
    }
    /// Timeout of one attempt, from sending to the end of the body.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }
    /// Retries after the first attempt (0 disables retries).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }
    /// First backoff step (doubles each retry, with jitter).
    pub fn retry_base_delay(mut self, d: Duration) -> Self {
        self.retry_base_delay = Some(d);
        self
    }
    /// Longest backoff step.
    pub fn retry_max_delay(mut self, d: Duration) -> Self {
        self.retry_max_delay = Some(d);
        self
    }
    /// Longest `Retry-After` the client waits for before giving up.
    pub fn retry_after_cap(mut self, d: Duration) -> Self {
        self.retry_after_cap = Some(d);
        self
    }
    /// Pace requests client-side to at most `rps` per second (off by default;
    /// `pace_to_rate_limit()` sets CMR's documented 5/s).
    pub fn requests_per_second(mut self, rps: f64) -> Self {
        self.requests_per_second = Some(rps);
        self
    }
    /// Pace requests to CMR's documented 5 requests/second.
    pub fn pace_to_rate_limit(self) -> Self {
        self.requests_per_second(defaults::RATE_LIMIT_PER_SECOND)
    }
    /// Prepended to the user agent, e.g. `cmr-python/0.1.0` (used by bindings).
    pub fn user_agent_prefix(mut self, p: impl Into<String>) -> Self {
        self.user_agent_prefix = Some(p.into());
        self
    }

    /// Allow a plain `http://` base URL to a non-loopback host (a trusted
    /// proxy inside your network). Off by default: the key would travel in
    /// clear text. `http://` to loopback (the sandbox) is always allowed.
    pub fn allow_insecure_http(mut self, on: bool) -> Self {
        self.allow_insecure_http = on;
        self
    }
    /// Largest answer body the client reads (default 32 MiB); a longer one
    /// fails with a decode error. Between 1 KiB and 1 GiB.
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = Some(n);
        self
    }

    /// How much to log (default: `CMR_LOG`, else off). See [`crate::logging`].
    pub fn log_level(mut self, level: crate::logging::LogLevel) -> Self {
        self.log_level = Some(level);
        self
    }
    /// Where log records go (default: stderr, when the level is not off).
    pub fn log_sink(mut self, sink: std::sync::Arc<dyn crate::logging::LogSink>) -> Self {
        self.log_sink = Some(sink);
        self
    }

    /// Build the client. Fails with a validation error when no key is found
    /// or a setting is out of range (nothing is sent).
    pub fn build(self) -> crate::Result<crate::Client> {
        let api_key = match self.api_key {
            Some(k) => k,
            None => std::env::var(ENV_API_KEY).map(ApiKey::new).map_err(|_| {
                crate::Error::invalid(format!(
                    "no API key: pass one to the client or set the {ENV_API_KEY} environment variable"
                ))
            })?,
        };
        if api_key.is_empty() {
            return Err(crate::Error::invalid("the API key is empty"));
        }
        let base_url = self
            .base_url
            .or_else(|| std::env::var(ENV_BASE_URL).ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| crate::routes::DEFAULT_BASE_URL.to_string());
        let (base_url, base) = checked_base_url(&base_url, self.allow_insecure_http)?;
        if let Some(rps) = self.requests_per_second {
            if !(rps.is_finite()
                && (defaults::MIN_REQUESTS_PER_SECOND..=defaults::MAX_REQUESTS_PER_SECOND).contains(&rps))
            {
                return Err(crate::Error::invalid(format!(
                    "requests_per_second must be between {} and {}, got {rps}",
                    defaults::MIN_REQUESTS_PER_SECOND,
                    defaults::MAX_REQUESTS_PER_SECOND
                )));
            }
        }
        let max_response_bytes = self.max_response_bytes.unwrap_or(defaults::MAX_RESPONSE_BYTES);
        if !(defaults::MIN_RESPONSE_BYTES..=defaults::MAX_RESPONSE_BYTES_LIMIT).contains(&max_response_bytes) {
            return Err(crate::Error::invalid(format!(
                "max_response_bytes must be between {} and {}, got {max_response_bytes}",
                defaults::MIN_RESPONSE_BYTES,
                defaults::MAX_RESPONSE_BYTES_LIMIT
            )));
        }
        let timeout = check_positive("timeout", self.timeout.unwrap_or(defaults::TIMEOUT))?;
        let connect_timeout = check_positive("connect_timeout", self.connect_timeout.unwrap_or(defaults::CONNECT_TIMEOUT))?;
        let max_retries = check_max_retries(self.max_retries.unwrap_or(defaults::MAX_RETRIES))?;
        let retry_base_delay =
            check_duration("retry_base_delay", self.retry_base_delay.unwrap_or(defaults::RETRY_BASE_DELAY), defaults::MAX_DURATION)?;
        let retry_max_delay =
            check_duration("retry_max_delay", self.retry_max_delay.unwrap_or(defaults::RETRY_MAX_DELAY), defaults::MAX_DURATION)?;
        let retry_after_cap = check_duration(
            "retry_after_cap",
            self.retry_after_cap.unwrap_or(defaults::RETRY_AFTER_CAP),
            defaults::MAX_RETRY_AFTER_CAP,
        )?;
        let ua_core = concat!("cmr-rust/", env!("CARGO_PKG_VERSION"));
        let user_agent = match self.user_agent_prefix {
            Some(p) => format!("{p} {ua_core}"),
            None => ua_core.to_string(),
        };
        let config = Config {
            api_key,
            base_url,
            base,
            sandbox: self.sandbox,
            timeout,
            connect_timeout,
            max_retries,
            retry_base_delay,
            retry_max_delay,
            retry_after_cap,
            requests_per_second: self.requests_per_second,
            user_agent,
            max_response_bytes,
            log: crate::logging::Logger::new(
                self.log_level.unwrap_or_else(crate::logging::LogLevel::from_env),
                self.log_sink,
            ),
        };
        crate::Client::from_config(config)
    }
}

/// Overrides for the requests of one [`crate::Client::with_options`] view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    /// Extra headers. Headers that carry the key cannot be overridden here.
    pub headers: Vec<(String, String)>,
}
