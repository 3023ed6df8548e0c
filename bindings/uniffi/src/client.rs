//! `CmrClient`: construction, per-request options, the resource accessors,
//! and the raw `request`. Its operations of the route table (`send_error`)
//! are generated with the resources (`resources_generated.rs`).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::errors::{guard, invalid, R};
use crate::logging::{CmrLogger, ForeignSink};
use crate::resources::*;

/// User agent prefix of requests made through these bindings.
const USER_AGENT_PREFIX: &str = concat!("cmr-uniffi/", env!("CARGO_PKG_VERSION"));

/// The CMR client. Cheap to share: every resource object holds the same
/// connection pool. `toString()`/`description` never shows the API key.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct CmrClient {
    pub(crate) inner: cmr::Client,
}

impl fmt::Debug for CmrClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CmrClient(baseUrl={}, sandbox={})",
            self.inner.base_url(),
            self.inner.is_sandbox()
        )
    }
}

impl fmt::Display for CmrClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
fn ms(v: Option<u64>) -> Option<Duration> {
    v.map(Duration::from_millis)
}

#[uniffi::export]
impl CmrClient {
    /// A client. `apiKey` defaults to the `CMR_API_KEY` environment variable,
    /// `baseUrl` to `CMR_BASE_URL`, else production. `sandbox` sends the key
    /// as a sandbox key. Times are in milliseconds; `maxRetries` counts
    /// retries after the first attempt (0 disables them). Throws
    /// `Validation` when no key is found or an option is invalid.
    /// `logLevel` defaults to the `CMR_LOG` environment variable, else off
    /// (`INFO` when a `logger` is given); lines go to `logger`, else stderr.
    #[uniffi::constructor(default(
        api_key = None,
        base_url = None,
        sandbox = false,
        timeout_ms = None,
        connect_timeout_ms = None,
        max_retries = None,
        retry_base_delay_ms = None,
        retry_max_delay_ms = None,
        requests_per_second = None,
        allow_insecure_http = false,
        max_response_bytes = None,
        log_level = None,
        logger = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        api_key: Option<String>,
        base_url: Option<String>,
        sandbox: bool,
        timeout_ms: Option<u64>,
        connect_timeout_ms: Option<u64>,
        max_retries: Option<u32>,
        retry_base_delay_ms: Option<u64>,
        retry_max_delay_ms: Option<u64>,
        requests_per_second: Option<f64>,
        allow_insecure_http: bool,
        max_response_bytes: Option<u64>,
        log_level: Option<cmr::LogLevel>,
        logger: Option<Arc<dyn CmrLogger>>,
    ) -> R<Arc<Self>> {
        let mut b = cmr::Client::builder()
            .sandbox(sandbox)
            .user_agent_prefix(USER_AGENT_PREFIX);
        let env_level = std::env::var(cmr::logging::ENV_LOG).ok();
        match (log_level, &logger) {
            (Some(l), _) => b = b.log_level(l),
            (None, Some(_)) if env_level.is_none() => b = b.log_level(cmr::LogLevel::Info),
            _ => {}
        }
        if let Some(l) = logger {
            b = b.log_sink(Arc::new(ForeignSink(l)));
        }
        if let Some(k) = api_key {
            b = b.api_key(k);
        }
        if let Some(u) = base_url {
            b = b.base_url(u);
        }
        if let Some(d) = ms(timeout_ms) {
            b = b.timeout(d);
        }
        if let Some(d) = ms(connect_timeout_ms) {
            b = b.connect_timeout(d);
        }
        if let Some(n) = max_retries {
            b = b.max_retries(n);
        }
        if let Some(d) = ms(retry_base_delay_ms) {
            b = b.retry_base_delay(d);
        }
        if let Some(d) = ms(retry_max_delay_ms) {
            b = b.retry_max_delay(d);
        }
        if let Some(r) = requests_per_second {
            b = b.requests_per_second(r);
        }
        if let Some(n) = max_response_bytes {
            b = b.max_response_bytes(usize::try_from(n).unwrap_or(usize::MAX));
        }
        b = b.allow_insecure_http(allow_insecure_http);
        Ok(Arc::new(CmrClient { inner: b.build()? }))
    }

    /// A view of this client whose requests use these options (timeout of one
    /// attempt in milliseconds, retries, extra headers); it shares the
    /// connection pool. Headers that carry the key cannot be overridden.
    #[uniffi::method(default(timeout_ms = None, max_retries = None, headers = None))]
    pub fn with_options(
        &self,
        timeout_ms: Option<u64>,
        max_retries: Option<u32>,
        headers: Option<HashMap<String, String>>,
    ) -> Arc<CmrClient> {
        let mut h: Vec<(String, String)> = headers.unwrap_or_default().into_iter().collect();
        h.sort();
        let options = cmr::RequestOptions {
            timeout: ms(timeout_ms),
            max_retries,
            headers: h,
        };
        Arc::new(CmrClient {
            inner: self.inner.with_options(options),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    /// Is the key sent as a sandbox key?
    pub fn is_sandbox(&self) -> bool {
        self.inner.is_sandbox()
    }

    pub fn users(&self) -> Arc<UsersResource> {
        Arc::new(UsersResource {
            c: self.inner.clone(),
        })
    }
    pub fn geo(&self) -> Arc<GeoResource> {
        Arc::new(GeoResource {
            c: self.inner.clone(),
        })
    }
    pub fn domains(&self) -> Arc<DomainsResource> {
        Arc::new(DomainsResource {
            c: self.inner.clone(),
        })
    }
    pub fn dns(&self) -> Arc<DnsResource> {
        Arc::new(DnsResource {
            c: self.inner.clone(),
        })
    }
    pub fn orders(&self) -> Arc<OrdersResource> {
        Arc::new(OrdersResource {
            c: self.inner.clone(),
        })
    }
    pub fn mailboxes(&self) -> Arc<MailboxesResource> {
        Arc::new(MailboxesResource {
            c: self.inner.clone(),
        })
    }
    pub fn subscriptions(&self) -> Arc<SubscriptionsResource> {
        Arc::new(SubscriptionsResource {
            c: self.inner.clone(),
        })
    }
    pub fn exports(&self) -> Arc<ExportsResource> {
        Arc::new(ExportsResource {
            c: self.inner.clone(),
        })
    }
    pub fn prewarmup(&self) -> Arc<PrewarmupResource> {
        Arc::new(PrewarmupResource {
            c: self.inner.clone(),
        })
    }
    pub fn wallet(&self) -> Arc<WalletResource> {
        Arc::new(WalletResource {
            c: self.inner.clone(),
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl CmrClient {
    /// Raw escape hatch: call any path (relative to the base URL, starting
    /// with `/`) with the client's auth, retries and errors. `bodyJson` is a
    /// JSON document or null; the answer is the whole envelope
    /// (`{status, message, data, actionId, ...}`) as a JSON string.
    #[uniffi::method(default(query = None, body_json = None))]
    pub async fn request(
        &self,
        method: String,
        path: String,
        query: Option<HashMap<String, String>>,
        body_json: Option<String>,
    ) -> R<String> {
        guard(async move {
            let m = cmr::Method::parse(&method)
                .ok_or_else(|| invalid(format!("unknown HTTP method {method:?}")))?;
            let mut q: Vec<(String, String)> = query.unwrap_or_default().into_iter().collect();
            q.sort();
            let body = match body_json {
                Some(s) => Some(
                    serde_json::from_str(&s)
                        .map_err(|e| invalid(format!("bodyJson is not JSON: {e}")))?,
                ),
                None => None,
            };
            let env = self.inner.request(m, &path, &q, body).await?;
            serde_json::to_string(&env).map_err(|e| {
                cmr::Error::new(
                    cmr::ErrorKind::Decode,
                    format!("could not encode the envelope: {e}"),
                )
                .into()
            })
        })
        .await
    }
}

