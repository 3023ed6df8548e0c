//! The HTTP exchange under [`crate::Client`]: hyper's pooled client
//! (`hyper_util::client::legacy`) over the SDK's rustls setup
//! ([`crate::http::tls_config`]).
//!
//! Until wave 2's last pass the client sent through reqwest. reqwest adds a
//! stack of layers that this client does not use but pays for on every
//! request (issue #15, profiled in docs/benchmarks.md): its redirect policy
//! parses the URL again before the request and after the answer (even with
//! redirects off), its proxy matcher runs per request, its tower retry and
//! timeout layers clone and copy the request's state. Here a request is
//! built once, as hyper takes it. What the client kept from reqwest's setup,
//! each in one place below:
//!
//! - rustls on `ring` with the Mozilla roots, ALPN `h2` then `http/1.1`;
//!   an `https://` base URL gives an https-only connector (no downgrade);
//! - redirects are never followed (hyper has no redirect layer; the client
//!   turns a 3xx into `ErrorKind::Redirect`);
//! - TCP: `TCP_NODELAY`, the configured connect timeout, keep-alive probes
//!   after 15 s idle (reqwest's default); idle pooled connections closed
//!   after 60 s; hyper-util re-sends a request only when the pooled
//!   connection closed before a byte of it was written;
//! - the key, `User-Agent` and `Accept` headers on every request (a header
//!   of the call's options wins, except the key's);
//! - an `https_proxy`/`HTTPS_PROXY` (or `all_proxy`) from the environment,
//!   honoured with `no_proxy`, as reqwest did: the client opens a `CONNECT`
//!   tunnel through it, so the key travels inside TLS to the API's origin.
//!   Only `http://` proxies; an `http://` base URL (the sandbox, or
//!   `allow_insecure_http`) never uses a proxy. See docs/decisions.md.
//!
//! The whole-request timeout (answer read included) is the client's
//! (`tokio::time::timeout` around an attempt), as are the body limits; an
//! answer's headers are bounded here (`MAX_HEADER_BYTES`).

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, USER_AGENT};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{Request, Response, Uri};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::routes;

type Stream = MaybeHttpsStream<TokioIo<tokio::net::TcpStream>>;
type BoxError = Box<dyn StdError + Send + Sync>;

/// Idle pooled connections are closed after this long.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// TCP keep-alive probes start after this much idle time (reqwest's default).
const TCP_KEEPALIVE: Duration = Duration::from_secs(15);
/// The most an answer's head may take: HTTP/1 reads headers into a buffer
/// of hyper's default bound (about 400 KiB, at most 100 headers); HTTP/2's
/// default would accept 16 MiB of headers, so it gets the same bound.
const MAX_HEADER_BYTES: u32 = 400 * 1024;

/// A connection pool to one origin, with the headers every request carries.
/// Cheap to clone (the pool and the fixed parts are shared).
#[derive(Clone)]
pub(crate) struct Transport {
    pool: hyper_util::client::legacy::Client<Connector, Full<Bytes>>,
    fixed: Arc<Fixed>,
}

/// What every request of a transport shares.
struct Fixed {
    scheme: Scheme,
    authority: Authority,
    /// The base URL's path without its trailing `/` (`/api/v1/integration`).
    base_path: String,
    /// The key (marked sensitive), `User-Agent`, `Accept`.
    defaults: HeaderMap,
}

impl Transport {
    /// A pool for `config`'s origin: the key and user-agent headers, no
    /// redirects, the configured scheme only, the environment's proxy.
    pub(crate) fn new(config: &Config) -> Result<Transport> {
        let base = &config.base;
        let https = base.scheme() == "https";
        let authority = Authority::from_str(&base[url::Position::BeforeHost..url::Position::AfterPort])
            .map_err(|e| Error::invalid(format!("invalid base URL host: {e}")))?;
        let scheme = if https { Scheme::HTTPS } else { Scheme::HTTP };

        let mut defaults = HeaderMap::new();
        let key_header = if config.sandbox { routes::SANDBOX_API_KEY_HEADER } else { routes::API_KEY_HEADER };
        let mut key = HeaderValue::from_str(config.api_key.expose())
            .map_err(|_| Error::invalid("the API key contains characters not allowed in an HTTP header"))?;
        key.set_sensitive(true);
        defaults.insert(HeaderName::from_static(key_header), key);
        defaults.insert(
            USER_AGENT,
            HeaderValue::from_str(&config.user_agent).map_err(|_| Error::invalid("invalid user agent"))?,
        );
        defaults.insert(ACCEPT, HeaderValue::from_static("application/json"));

        let mut tcp = HttpConnector::new();
        // The https connector wraps this one and checks the scheme itself.
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(config.connect_timeout));
        tcp.set_keepalive(Some(TCP_KEEPALIVE));

        let origin = Uri::builder()
            .scheme(scheme.clone())
            .authority(authority.clone())
            .path_and_query("/")
            .build()
            .map_err(|e| Error::invalid(format!("invalid base URL: {e}")))?;
        let connector = match proxy_for(&origin, https)? {
            None => Connector::Direct(tls(tcp, https)),
            Some(p) => {
                let mut tunnel = Tunnel::new(p.uri().clone(), tcp);
                if let Some(auth) = p.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Connector::Tunnel(tls(tunnel, https))
            }
        };
        let pool = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .http2_max_header_list_size(MAX_HEADER_BYTES)
            .build(connector);
        let base_path = base.path().trim_end_matches('/').to_owned();
        Ok(Transport { pool, fixed: Arc::new(Fixed { scheme, authority, base_path, defaults }) })
    }

    /// The URI of `path` (below the base URL) with `query` appended, as the
    /// base URL and the path parsed whole as one URL would give it (the
    /// WHATWG rules: percent-encoding, dot segments), then the query encoded
    /// as `application/x-www-form-urlencoded`.
    ///
    /// A path of plain characters (every route's, with ids checked by
    /// `validate`) is used as it is: the URL rules leave it unchanged, and a
    /// test checks both ways give the same URI. Anything else goes through
    /// the `url` crate.
    pub(crate) fn uri(&self, config: &Config, path: &str, query: &[(&str, String)]) -> Result<Uri> {
        let f = &*self.fixed;
        let pq = if is_plain_path(path) {
            let mut s = String::with_capacity(f.base_path.len() + path.len() + 16 * query.len());
            s.push_str(&f.base_path);
            s.push_str(path);
            if !query.is_empty() {
                s.push('?');
                let mut q = url::form_urlencoded::Serializer::for_suffix(s, f.base_path.len() + path.len() + 1);
                q.extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
                s = q.finish();
            }
            s
        } else {
            let mut url = request_url(config, path)?;
            if !query.is_empty() {
                url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
            }
            // Without the fragment: it never goes on the wire.
            url[url::Position::BeforePath..url::Position::AfterQuery].to_owned()
        };
        let pq = PathAndQuery::from_maybe_shared(Bytes::from(pq))
            .map_err(|e| Error::invalid(format!("invalid request path {path:?}: {e}")))?;
        Uri::builder()
            .scheme(f.scheme.clone())
            .authority(f.authority.clone())
            .path_and_query(pq)
            .build()
            .map_err(|e| Error::invalid(format!("invalid request path {path:?}: {e}")))
    }

    /// Add the headers every request carries, where the request has none of
    /// that name (the call's options may replace `User-Agent` or `Accept`;
    /// the client drops a key header from the options before this).
    pub(crate) fn fill_defaults(&self, headers: &mut HeaderMap) {
        for (k, v) in &self.fixed.defaults {
            if !headers.contains_key(k) {
                headers.insert(k.clone(), v.clone());
            }
        }
    }

    /// Send a request; the answer's head, its body still to be read.
    pub(crate) async fn send(
        &self,
        req: Request<Full<Bytes>>,
    ) -> std::result::Result<Response<Incoming>, hyper_util::client::legacy::Error> {
        self.pool.request(req).await
    }
}

/// The request URL of `path` below the base URL, parsed whole by the `url`
/// crate (the slow, general way; see [`Transport::uri`]).
fn request_url(config: &Config, path: &str) -> Result<url::Url> {
    if !path.contains(['?', '#']) {
        let mut url = config.base.clone();
        let base_path = url.path().trim_end_matches('/');
        let mut full = String::with_capacity(base_path.len() + path.len());
        full.push_str(base_path);
        full.push_str(path);
        url.set_path(&full);
        return Ok(url);
    }
    url::Url::parse(&format!("{}{}", config.base_url, path))
        .map_err(|e| Error::invalid(format!("invalid request path {path:?}: {e}")))
}

/// A path the URL rules leave as it is: starts with `/`, only unreserved
/// characters and sub-delimiters (no `%`, `\`, `?`, `#`, space, non-ASCII),
/// and no `.` or `..` segment.
fn is_plain_path(path: &str) -> bool {
    path.starts_with('/')
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b))
        && !path.split('/').any(|seg| seg == "." || seg == "..")
}

/// The https connector over `inner`: https only for an https base URL.
fn tls<T>(inner: T, https_only: bool) -> HttpsConnector<T> {
    let mut config = crate::http::tls_config();
    // The builder sets ALPN itself from the enabled versions: `h2`, then
    // `http/1.1`, as `tls_config` has it.
    config.alpn_protocols.clear();
    let b = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config);
    let b = if https_only { b.https_only() } else { b.https_or_http() };
    b.enable_http1().enable_http2().wrap_connector(inner)
}

/// The proxy the environment names for `origin`, if any (see the module's
/// notes): https origins only, `http://` proxies only.
fn proxy_for(origin: &Uri, https: bool) -> Result<Option<hyper_util::client::proxy::matcher::Intercept>> {
    if !https {
        return Ok(None);
    }
    let Some(p) = hyper_util::client::proxy::matcher::Matcher::from_env().intercept(origin) else {
        return Ok(None);
    };
    if p.uri().scheme() != Some(&Scheme::HTTP) {
        // Never print the proxy URL: it may carry a password.
        return Err(Error::invalid(
            "the environment's https_proxy (or all_proxy) is not an http:// proxy; \
             only http:// proxies (CONNECT tunnels) are supported: unset it or set no_proxy for this host",
        ));
    }
    Ok(Some(p))
}

/// Direct, or through a `CONNECT` tunnel (one origin per transport, so the
/// choice is made once, when the transport is built).
#[derive(Clone)]
enum Connector {
    Direct(HttpsConnector<HttpConnector>),
    Tunnel(HttpsConnector<Tunnel<HttpConnector>>),
}

impl tower_service::Service<Uri> for Connector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = std::result::Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), BoxError>> {
        match self {
            Connector::Direct(c) => c.poll_ready(cx),
            Connector::Tunnel(c) => c.poll_ready(cx),
        }
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        match self {
            Connector::Direct(c) => Box::pin(c.call(dst)),
            Connector::Tunnel(c) => Box::pin(c.call(dst)),
        }
    }
}

/// A transport failure as an [`Error`]: a timeout anywhere in the chain is
/// `Timeout`, anything else `Network`; a failure to connect means no byte
/// of the request reached the server.
pub(crate) fn transport_error(
    e: &(dyn StdError + 'static),
    connect: bool,
    reading: bool,
    method: &str,
    path: &str,
) -> Error {
    let mut timed_out = false;
    let mut src: Option<&(dyn StdError + 'static)> = Some(e);
    let mut deepest = e;
    while let Some(s) = src {
        if s.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut) {
            timed_out = true;
        }
        deepest = s;
        src = s.source();
    }
    let kind = if timed_out { ErrorKind::Timeout } else { ErrorKind::Network };
    let what = if timed_out {
        "the request timed out"
    } else if connect {
        "could not connect to the server"
    } else if reading {
        "the connection broke while reading the answer"
    } else {
        "the connection failed"
    };
    // The innermost cause names what happened (refused, reset, certificate);
    // none of these messages carries the URL or a header.
    let detail = if std::ptr::addr_eq(deepest, e) { String::new() } else { format!(": {deepest}") };
    Error::new(kind, format!("{what}{detail}")).with_request(method, path).mark_sent(!connect)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> Config {
        crate::Client::builder().api_key("k").base_url(base).build().unwrap().config().clone()
    }

    #[test]
    fn request_urls_are_the_base_url_and_the_path_parsed_whole() {
        for base in ["https://customers.coldmailreseller.com/api/v1/integration", "http://127.0.0.1:8080", "https://h.example/x/"] {
            let config = config(base);
            for path in ["/users", "/users/list", "/a b/%41/\\x/../y/./z", "/caf\u{e9}/\u{1F600}", "//evil.example/x", "/users?userId=1", "/x#frag", "/"] {
                let whole = url::Url::parse(&format!("{}{}", config.base_url, path)).unwrap();
                assert_eq!(request_url(&config, path).unwrap(), whole, "{base} + {path}");
            }
        }
    }

    /// The plain-path shortcut gives the URI the `url` crate gives.
    #[test]
    fn plain_paths_give_the_uri_the_url_rules_give() {
        let queries: [&[(&str, String)]; 4] = [
            &[],
            &[("userId", "u_1".into())],
            &[("q", "a b&c=d/é+%".into()), ("page", "2".into())],
            &[("empty", String::new())],
        ];
        for base in ["https://customers.coldmailreseller.com/api/v1/integration", "http://127.0.0.1:8080", "https://h.example/x/", "https://[::1]:8443/p"] {
            let config = config(base);
            let t = Transport::new(&config).unwrap();
            for path in ["/users", "/users/list", "/domains/example.com/dns", "/a/b.c/..d/.e", "//double", "/x:y@z!$&'()*+,;=~_-", "/"] {
                assert!(is_plain_path(path), "{path}");
                for q in queries {
                    let mut url = url::Url::parse(&format!("{}{}", config.base_url, path)).unwrap();
                    if !q.is_empty() {
                        url.query_pairs_mut().extend_pairs(q.iter().map(|(k, v)| (*k, v.as_str())));
                    }
                    let want = Uri::try_from(url.as_str()).unwrap();
                    assert_eq!(t.uri(&config, path, q).unwrap(), want, "{base} + {path} + {q:?}");
                }
            }
            // Anything else takes the general way, with the same result.
            // A path's own query stays as it is when the call adds none.
            for path in ["/users?userId=1", "/x?", "/x?a=b#f"] {
                let url = url::Url::parse(&format!("{}{}", config.base_url, path)).unwrap();
                let want = Uri::try_from(&url[..url::Position::AfterQuery]).unwrap();
                assert_eq!(t.uri(&config, path, &[]).unwrap(), want, "{base} + {path}");
            }
            for path in ["/a b", "/a/../b", "/./x", "/caf\u{e9}", "/x%2e", "/a\\b", "/users?userId=1", "/x?", "/x#f"] {
                assert!(!is_plain_path(path), "{path}");
                let mut url = url::Url::parse(&format!("{}{}", config.base_url, path)).unwrap();
                url.query_pairs_mut().append_pair("k", "v w");
                url.set_fragment(None);
                let got = t.uri(&config, path, &[("k", "v w".into())]).unwrap();
                assert_eq!(got, Uri::try_from(url.as_str()).unwrap(), "{base} + {path}");
            }
        }
    }

    #[test]
    fn defaults_fill_what_the_request_lacks() {
        let t = Transport::new(&config("http://127.0.0.1:1")).unwrap();
        let mut h = HeaderMap::new();
        h.insert(USER_AGENT, HeaderValue::from_static("mine"));
        t.fill_defaults(&mut h);
        assert_eq!(h[USER_AGENT], "mine");
        assert_eq!(h[ACCEPT], "application/json");
        let key = h.get(routes::SANDBOX_API_KEY_HEADER).or(h.get(routes::API_KEY_HEADER)).unwrap();
        assert_eq!(key, "k");
        assert!(key.is_sensitive());
        assert_eq!(format!("{h:?}").matches("Sensitive").count(), 1);
    }
}
