//! `cmr webhooks listen`: a local webhook endpoint, like `stripe listen`.
//!
//! Every POST (any path) is verified with `cmr::webhooks::construct_event`.
//! Valid deliveries are printed (one line each, or JSON with `--json`),
//! optionally forwarded, and answered 200; forged or stale ones are answered
//! 400 and the reason is printed on stderr.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::Router;
use serde_json::Value;

use cmr::webhooks::{construct_event, WebhookEvent, SIGNATURE_HEADER, TIMESTAMP_HEADER};

use crate::args::Listen;
use crate::fail::{failed, CliResult};

/// One line describing an event: name, id and its most useful fields.
pub fn summary(ev: &WebhookEvent) -> String {
    let mut s = format!("{} {}", ev.event, ev.event_id.as_deref().unwrap_or("-"));
    if let Some(Value::Object(d)) = ev.raw.get("data") {
        for k in ["domainName", "domain", "email", "mailboxId", "subscriptionId", "orderId", "status", "reason"] {
            if let Some(v) = d.get(k) {
                let v = match v {
                    Value::String(s) => s.clone(),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                s.push_str(&format!(" {k}={v}"));
            }
        }
    }
    s
}

struct Listener {
    secret: String,
    tolerance: Duration,
    json: bool,
    forward_to: Option<String>,
    http: reqwest::Client,
}

async fn receive(
    State(st): State<Arc<Listener>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    if method != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "POST webhooks here\n".into());
    }
    match construct_event(&body, &headers, &st.secret, st.tolerance) {
        Ok(ev) => {
            if st.json {
                println!("{}", serde_json::to_string(&ev).unwrap_or_default());
            } else {
                println!("{}", summary(&ev));
            }
            if let Some(url) = &st.forward_to {
                let mut req = st.http.post(url).header("content-type", "application/json").body(body.to_vec());
                for h in [SIGNATURE_HEADER, TIMESTAMP_HEADER] {
                    if let Some(v) = headers.get(h) {
                        req = req.header(h, v.clone());
                    }
                }
                match req.send().await {
                    Ok(r) => println!("  -> forwarded to {url}: {}", r.status()),
                    Err(e) => eprintln!("  -> forwarding to {url} failed: {e}"),
                }
            }
            (StatusCode::OK, "ok\n".into())
        }
        Err(e) => {
            eprintln!("rejected {method} {}: {e}", uri.path());
            (StatusCode::BAD_REQUEST, format!("{e}\n"))
        }
    }
}

pub async fn run(l: Listen, json: bool) -> CliResult<()> {
    if l.secret.is_empty() {
        return Err(crate::fail::usage("--secret must not be empty"));
    }
    let st = Arc::new(Listener {
        secret: l.secret.clone(),
        tolerance: Duration::from_secs(l.tolerance),
        json,
        forward_to: l.forward_to.clone(),
        http: cmr::http::client(),
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", l.port))
        .await
        .map_err(|e| failed(format!("could not listen on 127.0.0.1:{}: {e}", l.port)))?;
    let addr = listener.local_addr().map_err(|e| failed(e.to_string()))?;
    println!("Ready! Listening for CMR webhooks on http://{addr} (signatures verified; Ctrl-C to stop)");
    if let Some(f) = &l.forward_to {
        println!("Forwarding verified deliveries to {f}");
    }
    let app = Router::new().fallback(receive).with_state(st);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| failed(format!("webhook listener failed: {e}")))
}
