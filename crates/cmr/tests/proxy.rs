//! The environment's proxy (`https_proxy` / `no_proxy`), against listeners
//! on loopback that play the proxy or the server. No TLS server is needed:
//! what matters is where the client connects, what the proxy is told, and
//! that the key never crosses the proxy in clear.
//!
//! One test function: the scenarios set process environment variables, so
//! they run one after another in this test binary's own process.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use cmr::{Client, ErrorKind};

const KEY: &str = "proxy_test_key_7f3a";
const PROXY_VARS: [&str; 8] =
    ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"];

/// Accept one connection and return what the client sent before it went
/// quiet, answering `reply` to the first request head.
fn serve_one(listener: TcpListener, reply: &'static [u8]) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let mut replied = false;
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
            if !replied && seen.windows(4).any(|w| w == b"\r\n\r\n") {
                s.write_all(reply).unwrap();
                replied = true;
            }
        }
        seen
    })
}

fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

fn client(base: &str) -> cmr::Result<Client> {
    Client::builder().api_key(KEY).base_url(base).max_retries(0).timeout(Duration::from_secs(5)).build()
}

fn call(c: &Client) -> cmr::Error {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(c.users().get("u_1")).unwrap_err()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_environment_proxy_tunnels_https_and_never_sees_the_key() {
    for v in PROXY_VARS {
        std::env::remove_var(v);
    }

    // 1. https_proxy: a CONNECT tunnel to the API's origin, with the proxy's
    //    credentials; inside it, TLS (the key is never in clear).
    let (proxy, port) = listener();
    let seen = serve_one(proxy, b"HTTP/1.1 200 Connection established\r\n\r\n");
    std::env::set_var("HTTPS_PROXY", format!("http://user:pass@127.0.0.1:{port}"));
    let e = call(&client("https://api.example.test/api/v1/integration").unwrap());
    let seen = seen.join().unwrap();
    let head = String::from_utf8_lossy(&seen[..seen.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4]).to_lowercase();
    assert!(head.starts_with("connect api.example.test:443 http/1.1\r\n"), "{head}");
    assert!(head.contains("proxy-authorization: basic dxnlcjpwyxnz\r\n"), "{head}");
    let tunnelled = &seen[head.len()..];
    assert_eq!(tunnelled.first(), Some(&0x16), "a TLS handshake record goes through the tunnel");
    assert!(!contains(&seen, KEY.as_bytes()), "the proxy saw the key");
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(!e.to_string().contains("pass"), "{e}");

    // 2. A proxy refusing the tunnel: a network error, the request unsent.
    let (proxy, port) = listener();
    let seen = serve_one(proxy, b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
    std::env::set_var("HTTPS_PROXY", format!("http://127.0.0.1:{port}"));
    let e = call(&client("https://api.example.test/api/v1/integration").unwrap());
    assert!(!contains(&seen.join().unwrap(), KEY.as_bytes()));
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(!e.may_have_been_sent(), "a refused tunnel sent nothing to the API: {e:?}");

    // 3. no_proxy naming the host: the client connects directly.
    let (server, port) = listener();
    let seen = serve_one(server, b"");
    std::env::set_var("HTTPS_PROXY", "http://127.0.0.1:9");
    std::env::set_var("NO_PROXY", "localhost");
    let _ = call(&client(&format!("https://localhost:{port}/api")).unwrap());
    assert_eq!(seen.join().unwrap().first(), Some(&0x16), "a TLS ClientHello straight to the server");
    std::env::remove_var("NO_PROXY");

    // 4. An http base URL (the sandbox) never goes through a proxy.
    let (server, port) = listener();
    let seen = serve_one(server, b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
    std::env::set_var("HTTP_PROXY", "http://127.0.0.1:9");
    std::env::set_var("ALL_PROXY", "http://127.0.0.1:9");
    let e = call(&client(&format!("http://127.0.0.1:{port}/api")).unwrap());
    let seen = String::from_utf8_lossy(&seen.join().unwrap()).into_owned();
    assert!(seen.starts_with("GET /api/users?userId=u_1 HTTP/1.1\r\n"), "{seen}");
    assert_eq!(e.status(), Some(404), "{e}");

    // 5. An https:// proxy is refused when the client is built, without
    //    printing the proxy's URL (it may carry a password).
    std::env::set_var("HTTPS_PROXY", "https://user:secret@proxy.example:3128");
    let e = client("https://api.example.test/api/v1/integration").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert!(!e.to_string().contains("secret"), "{e}");

    for v in PROXY_VARS {
        std::env::remove_var(v);
    }
}
