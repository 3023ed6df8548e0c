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
    pub(crate) sandbox: bool,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) retry_base_delay: Duration,
    pub(crate) retry_max_delay: Duration,
    pub(crate) retry_after_cap: Duration,
    pub(crate) requests_per_second: Option<f64>,
    pub(crate) user_agent: String,
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

    /// Build the client. Fails with a validation error when no key is found.
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
        let parsed = url::Url::parse(&base_url)
            .map_err(|e| crate::Error::invalid(format!("invalid base URL {base_url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(crate::Error::invalid(format!("base URL must be http(s): {base_url:?}")));
        }
        if let Some(rps) = self.requests_per_second {
            if !(rps > 0.0 && rps.is_finite()) {
                return Err(crate::Error::invalid("requests_per_second must be a positive number"));
            }
        }
        let ua_core = concat!("cmr-rust/", env!("CARGO_PKG_VERSION"));
        let user_agent = match self.user_agent_prefix {
            Some(p) => format!("{p} {ua_core}"),
            None => ua_core.to_string(),
        };
        let config = Config {
            api_key,
            base_url: base_url.trim_end_matches('/').to_string(),
            sandbox: self.sandbox,
            timeout: self.timeout.unwrap_or(defaults::TIMEOUT),
            connect_timeout: self.connect_timeout.unwrap_or(defaults::CONNECT_TIMEOUT),
            max_retries: self.max_retries.unwrap_or(defaults::MAX_RETRIES),
            retry_base_delay: self.retry_base_delay.unwrap_or(defaults::RETRY_BASE_DELAY),
            retry_max_delay: self.retry_max_delay.unwrap_or(defaults::RETRY_MAX_DELAY),
            retry_after_cap: self.retry_after_cap.unwrap_or(defaults::RETRY_AFTER_CAP),
            requests_per_second: self.requests_per_second,
            user_agent,
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
