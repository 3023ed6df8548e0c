//! The hostile-server suite: small servers on loopback that behave like a
//! misconfigured proxy, a broken load balancer or an attacker. Whatever they
//! send, the client never panics, never follows the key off its origin, keeps
//! memory bounded, and never reports an accepted write as a failure.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Response, StatusCode};
use axum::routing::any;
use axum::Router;
use cmr::models::{CreateOrder, OrderDomain};
use cmr::{Client, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "sk_hostile_SECRET_0123456789";

/// What a test server answers, and how many requests it saw.
#[derive(Clone)]
struct Srv {
    hits: Arc<AtomicUsize>,
    keys_seen: Arc<std::sync::Mutex<Vec<String>>>,
    answer: Arc<dyn Fn(usize) -> Response<Body> + Send + Sync>,
}

async fn handle(State(s): State<Srv>, headers: HeaderMap) -> Response<Body> {
    let n = s.hits.fetch_add(1, Ordering::SeqCst);
    if let Some(k) = headers.get("cmr-x-api-key") {
        s.keys_seen.lock().unwrap().push(String::from_utf8_lossy(k.as_bytes()).into_owned());
    }
    (s.answer)(n)
}

/// An axum server on `ip` answering every request with `answer(n)`.
async fn serve_on(ip: &str, answer: impl Fn(usize) -> Response<Body> + Send + Sync + 'static) -> (SocketAddr, Srv) {
    let srv = Srv {
        hits: Arc::new(AtomicUsize::new(0)),
        keys_seen: Arc::new(std::sync::Mutex::new(Vec::new())),
        answer: Arc::new(answer),
    };
    let app = Router::new().fallback(any(handle)).with_state(srv.clone());
    let listener = TcpListener::bind(format!("{ip}:0")).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, srv)
}

async fn serve(answer: impl Fn(usize) -> Response<Body> + Send + Sync + 'static) -> (SocketAddr, Srv) {
    serve_on("127.0.0.1", answer).await
}

fn client(addr: SocketAddr, f: impl FnOnce(cmr::ClientBuilder) -> cmr::ClientBuilder) -> Client {
    f(Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}/api/v1/integration"))
        .retry_base_delay(Duration::from_millis(5))
        .retry_max_delay(Duration::from_millis(20)))
    .build()
    .unwrap()
}

fn reply(status: u16, headers: &[(&str, &str)], body: impl Into<Body>) -> Response<Body> {
    let mut r = Response::builder().status(StatusCode::from_u16(status).unwrap());
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(body.into()).unwrap()
}

fn ok_json(v: &str) -> Response<Body> {
    reply(200, &[("content-type", "application/json")], v.to_string())
}

fn assert_no_key(e: &cmr::Error) {
    let all = format!("{e} {e:?} {}", e.body().unwrap_or_default());
    assert!(!all.contains(KEY), "the key leaked into the error: {all}");
}

fn order() -> CreateOrder {
    CreateOrder {
        domains: vec![OrderDomain { domain: "acme-hostile.com".into(), years: 1, ..Default::default() }],
        ..Default::default()
    }
}

// --- redirects --------------------------------------------------------------

#[tokio::test]
async fn a_cross_origin_redirect_is_refused_and_the_key_never_reaches_the_other_host() {
    // The "attacker": another origin (127.0.0.2) that records any key it gets.
    let (evil, evil_srv) = serve_on("127.0.0.2", |_| ok_json(r#"{"status":200,"message":"ok","data":{}}"#)).await;
    for status in [301u16, 302, 303, 307, 308] {
        let location = format!("http://{evil}/steal");
        let (addr, srv) = serve(move |_| reply(status, &[("location", location.as_str())], "")).await;
        let c = client(addr, |b| b.max_retries(2));
        let e = c.users().get("U1").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Redirect, "{status}: {e}");
        assert_eq!(e.status(), Some(status));
        assert_eq!(e.location(), Some(format!("http://{evil}/steal").as_str()));
        assert!(e.message().contains("never followed"), "{e}");
        assert_no_key(&e);
        assert_eq!(srv.hits.load(Ordering::SeqCst), 1, "{status}: a redirect is not retried");
        // A write gets the same answer and is not retried either.
        let e = c.orders().create("U1", &order()).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Redirect);
        assert!(e.may_have_been_sent());
    }
    assert_eq!(evil_srv.hits.load(Ordering::SeqCst), 0, "the other origin was contacted");
    assert!(evil_srv.keys_seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_same_origin_redirect_and_a_downgrade_are_not_followed_either() {
    let (addr, srv) = serve(|n| {
        if n == 0 {
            reply(307, &[("location", "/api/v1/integration/users?userId=U1")], "")
        } else {
            ok_json(r#"{"status":200,"message":"ok","data":{"id":"U1"}}"#)
        }
    })
    .await;
    let e = client(addr, |b| b).users().get("U1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Redirect);
    assert_eq!(srv.hits.load(Ordering::SeqCst), 1);

    // https -> http: the client is built for an https origin, the server
    // (plain TCP here) answers whatever; the point is that nothing is
    // followed, so an http Location is never requested.
    let (addr2, srv2) = serve(|_| ok_json("{}")).await;
    let (addr, _) = serve(move |_| reply(302, &[("location", format!("http://{addr2}/x").as_str())], "")).await;
    let e = client(addr, |b| b).users().get("U1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Redirect);
    assert_eq!(srv2.hits.load(Ordering::SeqCst), 0);
}

// --- base URLs --------------------------------------------------------------

#[test]
fn plain_http_is_refused_off_loopback_unless_opted_in() {
    for bad in ["http://example.com/api", "http://10.0.0.8:4010", "http://customers.coldmailreseller.com/api/v1/integration"] {
        let e = Client::builder().api_key(KEY).base_url(bad).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert!(e.message().contains(bad), "the error names the URL: {e}");
        assert!(e.message().contains("allow_insecure_http"), "{e}");
        assert_no_key(&e);
        assert!(Client::builder().api_key(KEY).base_url(bad).allow_insecure_http(true).build().is_ok());
    }
    for good in [
        "https://customers.coldmailreseller.com/api/v1/integration",
        "http://127.0.0.1:4010/api",
        "http://127.8.9.10:1/x",
        "http://localhost:4010",
        "http://[::1]:4010/api",
    ] {
        assert!(Client::builder().api_key(KEY).base_url(good).build().is_ok(), "{good}");
    }
    for bad in ["ftp://x.com", "https://user:pw@x.com", "https://x.com/api?k=1", "not a url", "https://"] {
        let e = Client::builder().api_key(KEY).base_url(bad).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{bad}");
    }
}

// --- numbers ----------------------------------------------------------------

#[tokio::test]
async fn absurd_and_malformed_retry_after_never_panic() {
    for (value, waits) in [
        ("1e30", false),
        ("18446744073709551615", false),
        ("1e309", false),
        ("inf", false),
        ("Fri, 31 Dec 9999 23:59:59 GMT", false),
        ("NaN", true),
        ("-1", true),
        ("soon", true),
        ("", true),
        ("\u{7f}\u{1}", true),
    ] {
        let v = value.to_string();
        let (addr, srv) = serve(move |_| {
            let mut r = reply(429, &[], r#"{"status":429,"message":"Rate limit exceeded","data":null}"#);
            if let Ok(h) = axum::http::HeaderValue::from_str(&v) {
                r.headers_mut().insert("retry-after", h);
            }
            r
        })
        .await;
        let c = client(addr, |b| b.max_retries(1).retry_after_cap(Duration::from_secs(5)));
        let e = c.users().get("U1").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RateLimited, "{value}");
        let hits = srv.hits.load(Ordering::SeqCst);
        if waits {
            // Unusable header: ordinary backoff, so the retry happened.
            assert_eq!(hits, 2, "{value:?}");
        } else {
            // Absurdly long: beyond the cap, returned at once with the clamp.
            assert_eq!(hits, 1, "{value:?}");
            assert!(e.retry_after().unwrap() <= Duration::from_secs(24 * 3600), "{value}");
        }
    }
}

#[test]
fn user_supplied_numbers_are_validated_not_panicked_on() {
    let b = || Client::builder().api_key(KEY).base_url("http://127.0.0.1:1");
    let cases: Vec<(&str, cmr::ClientBuilder)> = vec![
        ("timeout", b().timeout(Duration::ZERO)),
        ("timeout", b().timeout(Duration::MAX)),
        ("connect_timeout", b().connect_timeout(Duration::from_secs(10 * 86400))),
        ("retry_after_cap", b().retry_after_cap(Duration::MAX)),
        ("retry_max_delay", b().retry_max_delay(Duration::MAX)),
        ("max_retries", b().max_retries(u32::MAX)),
        ("requests_per_second", b().requests_per_second(1e-300)),
        ("requests_per_second", b().requests_per_second(f64::NAN)),
        ("requests_per_second", b().requests_per_second(-5.0)),
        ("requests_per_second", b().requests_per_second(f64::INFINITY)),
        ("max_response_bytes", b().max_response_bytes(0)),
        ("max_response_bytes", b().max_response_bytes(usize::MAX)),
    ];
    for (field, builder) in cases {
        let e = builder.build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{field}");
        assert!(e.message().contains(field), "{field}: {e}");
    }
    for (v, ok) in [(1.5, true), (0.0, true), (-5.0, false), (f64::NAN, false), (1e300, false), (f64::INFINITY, false)] {
        assert_eq!(cmr::config::seconds("timeout", v).is_ok(), ok, "{v}");
        assert_eq!(cmr::config::millis("timeoutMs", v).is_ok(), ok, "{v}");
    }
}

#[tokio::test]
async fn per_request_options_are_validated_before_sending() {
    let (addr, srv) = serve(|_| ok_json(r#"{"status":200,"message":"ok","data":{"id":"U1"}}"#)).await;
    let c = client(addr, |b| b);
    let bad = [
        cmr::RequestOptions { timeout: Some(Duration::ZERO), ..Default::default() },
        cmr::RequestOptions { max_retries: Some(1000), ..Default::default() },
        cmr::RequestOptions { headers: vec![("x-ok".into(), "bad\nvalue".into())], ..Default::default() },
        cmr::RequestOptions { headers: vec![("bad header".into(), "v".into())], ..Default::default() },
    ];
    for o in bad {
        let e = c.with_options(o.clone()).users().get("U1").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{o:?}");
        assert!(!e.may_have_been_sent());
    }
    assert_eq!(srv.hits.load(Ordering::SeqCst), 0);
}

// --- bodies -----------------------------------------------------------------

/// A streamed body of `total` bytes of `fill` (never held whole by the server).
fn big_body(total: usize, fill: u8) -> Body {
    const CHUNK: usize = 64 * 1024;
    let chunks = (0..total.div_ceil(CHUNK)).map(move |i| {
        let n = CHUNK.min(total - i * CHUNK);
        Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![fill; n]))
    });
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn a_50_mb_success_body_is_refused_past_the_cap() {
    let (addr, _) = serve(|_| reply(200, &[("content-type", "application/json")], big_body(50 << 20, b' '))).await;
    let c = client(addr, |b| b.max_response_bytes(1 << 20).max_retries(0));
    let e = c.users().get("U1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.message().contains("max_response_bytes"), "{e}");
    // With a Content-Length the check is made before reading anything.
    let (addr, _) = serve(|_| {
        let mut r = reply(200, &[], vec![b' '; 3 << 20]);
        r.headers_mut().insert("content-length", (3u32 << 20).into());
        r
    })
    .await;
    let e = client(addr, |b| b.max_response_bytes(1 << 20)).users().get("U1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn a_50_mb_error_body_is_kept_only_as_64_kib() {
    let (addr, _) = serve(|_| reply(500, &[("content-type", "text/html")], big_body(50 << 20, b'x'))).await;
    let c = client(addr, |b| b.max_retries(0));
    let e = c.orders().create("U1", &order()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(e.body().unwrap().len(), cmr::error::MAX_ERROR_BODY_BYTES);
    assert!(e.body_truncated());
    assert_eq!(e.message(), "HTTP 500 Internal Server Error");
}

#[tokio::test]
async fn an_html_502_page_is_a_server_error_and_gets_retried_for_reads() {
    let (addr, srv) = serve(|n| {
        if n == 0 {
            reply(502, &[("content-type", "text/html")], "<html><body><h1>502 Bad Gateway</h1></body></html>")
        } else {
            ok_json(r#"{"status":200,"message":"ok","data":{"id":"U1","email":"a@b.co"}}"#)
        }
    })
    .await;
    let c = client(addr, |b| b.max_retries(2));
    assert_eq!(c.users().get("U1").await.unwrap().id, "U1");
    assert_eq!(srv.hits.load(Ordering::SeqCst), 2);

    let (addr, srv) = serve(|_| reply(502, &[("content-type", "text/html")], "<html>502 Bad Gateway</html>")).await;
    let e = client(addr, |b| b.max_retries(2)).orders().create("U1", &order()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(e.message(), "HTTP 502 Bad Gateway");
    assert!(e.body().unwrap().contains("<html>"));
    assert!(!e.body_truncated());
    assert!(e.may_have_been_sent());
    assert_eq!(srv.hits.load(Ordering::SeqCst), 1, "a write is never retried after a 502");
}

#[tokio::test]
async fn truncated_json_fails_a_read_but_an_accepted_write_is_returned() {
    let (addr, _) = serve(|_| ok_json(r#"{"status":200,"message":"Order created","data":{"orderId":"O1""#)).await;
    let c = client(addr, |b| b.max_retries(0));
    let e = c.users().get("U1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    // The same broken 200 to a paid write: accepted, never a failure that
    // would make the caller order again.
    let created = c.orders().create("U1", &order()).await.unwrap();
    assert_eq!(created.order_id, None);
}

#[tokio::test]
async fn a_write_whose_data_has_an_unexpected_shape_returns_the_ack() {
    let (addr, srv) = serve(|_| {
        ok_json(r#"{"status":200,"message":"Order created and queued","data":"surprise","actionId":"ACT_1"}"#)
    })
    .await;
    let c = client(addr, |b| b.max_retries(2));
    let created = c.orders().create("U1", &order()).await.unwrap();
    assert_eq!(created.action_id.as_deref(), Some("ACT_1"));
    assert_eq!(created.message, "Order created and queued");
    assert_eq!(created.extra.get("undecodedData"), Some(&serde_json::json!("surprise")));
    assert_eq!(srv.hits.load(Ordering::SeqCst), 1);
    // A read with the same answer is a decode error.
    let e = c.users().get("U1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn wrong_json_types_in_the_envelope_are_tolerated() {
    for body in [
        r#"{"status":"200","message":123,"data":{"id":"U1"}}"#,
        r#"{"status":99999,"message":null,"data":{"id":"U1"},"actionId":7}"#,
        r#"{"status":[1],"message":{"a":1},"data":{"id":"U1"},"actionId":{"x":1}}"#,
    ] {
        let b = body.to_string();
        let (addr, _) = serve(move |_| ok_json(&b)).await;
        let u = client(addr, |b| b).users().get("U1").await.unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(u.id, "U1");
    }
    // An error status in the body wins over HTTP 200, whatever its type.
    let (addr, _) = serve(|_| ok_json(r#"{"status":"404","message":"Record Not Found","data":null}"#)).await;
    let e = client(addr, |b| b).users().get("U1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    // A body status out of the error range is ignored.
    let (addr, _) = serve(|_| ok_json(r#"{"status":700,"message":"?","data":{"id":"U1"}}"#)).await;
    assert!(client(addr, |b| b).users().get("U1").await.is_ok());
}

// --- raw TCP misbehaviour ---------------------------------------------------

/// A raw TCP server: reads the request head, then runs `script` on the socket.
async fn raw_server<F, Fut>(script: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let script = Arc::new(script);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            h.fetch_add(1, Ordering::SeqCst);
            let script = script.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut head = Vec::new();
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                script(sock).await;
            });
        }
    });
    (addr, hits)
}

#[tokio::test]
async fn a_slow_drip_hits_the_timeout() {
    let (addr, _) = raw_server(|mut s| async move {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{").await;
        for _ in 0..100_000 {
            if s.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let c = client(addr, |b| b.timeout(Duration::from_millis(300)).max_retries(0));
    let e = c.orders().create("U1", &order()).await.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Network), "{e}");
    assert!(e.may_have_been_sent(), "the headers arrived: the write may have been applied");
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_network_error_retried_only_for_reads() {
    let (addr, hits) = raw_server(|mut s| async move {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"status\":200,")
            .await;
        let _ = s.flush().await;
        drop(s);
    })
    .await;
    let c = client(addr, |b| b.max_retries(2));
    let e = c.users().get("U1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert_eq!(hits.load(Ordering::SeqCst), 3, "a read is retried");
    hits.store(0, Ordering::SeqCst);
    let e = c.orders().create("U1", &order()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.may_have_been_sent());
    assert_eq!(hits.load(Ordering::SeqCst), 1, "a write is not");
    assert_no_key(&e);
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_network_error() {
    let (addr, _) = raw_server(|mut s| async move {
        let _ = s.write_all(b"\x00\xffSSH-2.0-nope\r\n\r\n").await;
    })
    .await;
    let e = client(addr, |b| b.max_retries(0)).users().get("U1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
}

// --- panics -------------------------------------------------------------------

#[tokio::test]
async fn a_panic_inside_the_core_becomes_an_internal_error() {
    let (addr, _) = serve(|_| ok_json("{}")).await;
    let c = client(addr, |b| b);
    let e = cmr::error::catch_unwind(cmr::ops::call(&c, cmr::ops::PANIC_TEST_HOOK, serde_json::Value::Null))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Internal);
    assert_eq!(e.code(), "internal");
    assert!(e.message().contains("deliberate panic"), "{e}");
    let e = cmr::error::catch_unwind_sync::<(), cmr::Error>(|| panic!("boom {}", 42)).unwrap_err();
    assert!(e.message().contains("boom 42"));
}
