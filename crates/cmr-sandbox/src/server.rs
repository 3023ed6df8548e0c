//! HTTP plumbing: the accept loop (with connection dropping for faults), the
//! router built from `cmr::routes::ALL`, and the one handler every API route
//! goes through (faults, auth, rate limit, body decoding, dispatch, log).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use cmr::routes::{BodyKind, Route, BASE_PATH};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{json, Map, Value};
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::reply::{Reply, Req};
use crate::state::{FaultKind, RequestLog, Shared};
use crate::MAX_BODY_BYTES;

/// Put into every request's extensions: notifying it closes the connection
/// without an answer (the `drop` and `drop_after` faults).
#[derive(Clone)]
pub struct ConnKill(pub Arc<Notify>);

pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>, stop: tokio::sync::oneshot::Receiver<()>) {
    let app = router(shared);
    let (close_tx, close_rx) = tokio::sync::watch::channel(false);
    let mut stop = std::pin::pin!(stop);
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            a = listener.accept() => a,
        };
        let Ok((stream, _)) = accepted else {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut close_rx = close_rx.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let k = ConnKill(kill.clone());
            let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(k.clone());
                let app = app.clone();
                async move { Ok::<_, Infallible>(app.oneshot(req.map(Body::new)).await.unwrap_or_else(|e| match e {})) }
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = close_rx.changed() => {}
            }
        });
    }
    let _ = close_tx.send(true);
}

fn filter(m: cmr::routes::Method) -> MethodFilter {
    use cmr::routes::Method::*;
    match m {
        Get => MethodFilter::GET,
        Post => MethodFilter::POST,
        Put => MethodFilter::PUT,
        Patch => MethodFilter::PATCH,
        Delete => MethodFilter::DELETE,
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    let mut by_path: BTreeMap<&'static str, Vec<&'static Route>> = BTreeMap::new();
    for r in cmr::routes::ALL {
        let v = by_path.entry(r.path).or_default();
        if !v.iter().any(|x| x.method == r.method) {
            v.push(r);
        }
    }
    let mut app = Router::new();
    for (path, routes) in by_path {
        let mut mr: MethodRouter<Arc<Shared>> = MethodRouter::new();
        for r in routes {
            let route: &'static Route = r;
            mr = mr.merge(on(filter(r.method), move |State(s): State<Arc<Shared>>, req: Request| api_handler(s, route, req)));
        }
        mr = mr.fallback(|req: Request| async move { method_not_allowed(&req) });
        app = app.route(&format!("{BASE_PATH}{path}"), mr);
    }
    app.merge(crate::control::router()).fallback(not_found).with_state(shared)
}

async fn not_found(req: Request) -> Reply {
    Reply::err(404, format!("Route not found: {} {}", req.method(), req.uri().path()))
}

fn method_not_allowed(req: &Request) -> Reply {
    Reply::err(405, format!("Method {} is not allowed on {}", req.method(), req.uri().path()))
}

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

pub fn parse_query(q: Option<&str>) -> BTreeMap<String, String> {
    form_urlencoded::parse(q.unwrap_or("").as_bytes()).into_owned().collect()
}

async fn api_handler(shared: Arc<Shared>, route: &'static Route, req: Request) -> Response {
    let method = req.method().as_str().to_string();
    let mut query = parse_query(req.uri().query());
    // The docs allow the key as a query parameter instead of the header; it
    // is taken out here so it is never logged nor seen by a handler.
    let query_key = query.remove(cmr::routes::API_KEY_HEADER);
    let log = |status: u16, fault: Option<&str>| RequestLog {
        method: method.clone(),
        path: route.path.to_string(),
        query: query.clone(),
        status,
        fault: fault.map(str::to_string),
    };
    let kill = req.extensions().get::<ConnKill>().cloned();

    // 1. Injected faults: the ones before handling act here, the `*_after`
    //    ones once the request was handled and its effects committed.
    let fault = {
        let mut faults = shared.faults.lock();
        let idx = faults.iter().position(|f| {
            f.count > 0
                && f.path.trim_end_matches('/') == route.path
                && f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(&method))
        });
        idx.map(|i| {
            faults[i].count -= 1;
            let f = faults[i].clone();
            if faults[i].count == 0 {
                faults.remove(i);
            }
            f
        })
    };
    let mut after = None;
    let applied = fault.as_ref().map(|f| f.kind);
    if let Some(f) = fault {
        match f.kind {
            FaultKind::Status => {
                let status = f.status.filter(|s| (100..=599).contains(s)).unwrap_or(500);
                let msg = f.message.clone().unwrap_or_else(|| match status {
                    429 => "Rate limit exceeded".to_string(),
                    _ => format!("Injected fault ({status})"),
                });
                let mut reply = Reply::err(status, msg);
                if let Some(ra) = f.retry_after {
                    reply = reply.header("retry-after", ra.to_string());
                }
                shared.log_request(log(status, Some("status")));
                return reply.into_response();
            }
            FaultKind::Delay => {
                tokio::time::sleep(std::time::Duration::from_millis(f.delay_ms.unwrap_or(1000))).await;
            }
            FaultKind::Drop => {
                shared.log_request(log(0, Some("drop")));
                return drop_connection(kill).await;
            }
            FaultKind::DropAfter | FaultKind::DelayAfter => after = Some(f),
        }
    }

    // 2.-5. Handle it (committed under the world lock before we go on).
    let reply = handle(&shared, route, query.clone(), query_key, req).await;
    shared.log_request(log(reply.status, applied.map(FaultKind::name)));

    // 6. The answer is lost (`drop_after`) or late (`delay_after`).
    match after.map(|f| (f.kind, f.delay_ms)) {
        Some((FaultKind::DropAfter, _)) => drop_connection(kill).await,
        Some((_, delay_ms)) => {
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms.unwrap_or(1000))).await;
            reply.into_response()
        }
        None => reply.into_response(),
    }
}

/// Close the connection without an answer (the handler never returns).
async fn drop_connection(kill: Option<ConnKill>) -> Response {
    if let Some(k) = kill {
        k.0.notify_one();
    }
    std::future::pending().await
}

/// Authentication, rate limit, body decoding and dispatch under the world lock.
async fn handle(
    shared: &Arc<Shared>,
    route: &'static Route,
    query: BTreeMap<String, String>,
    query_key: Option<String>,
    req: Request,
) -> Reply {
    // 2. Authentication: the key header, the sandbox key header, or (as the
    //    docs allow) the `cmr-x-api-key` query parameter.
    let key = header_str(req.headers(), cmr::routes::API_KEY_HEADER)
        .filter(|k| *k == shared.api_key)
        .or_else(|| header_str(req.headers(), cmr::routes::SANDBOX_API_KEY_HEADER).filter(|k| *k == shared.api_key))
        .or_else(|| query_key.as_deref().filter(|k| *k == shared.api_key));
    let Some(key) = key.map(str::to_string) else {
        return Reply::err(401, crate::api::INVALID_API_KEY);
    };

    // 3. Rate limit.
    if let Err(retry) = shared.rate_limit(&key) {
        return Reply::err(429, "Rate limit exceeded").header("retry-after", retry.to_string());
    }

    // 4. Body, then the request checked against the operation's schemas
    //    (the spec's): required query parameters, body fields and types.
    //    Multipart file parts are described by the sandbox's own metadata,
    //    not by the schema's `files`, so they are left out of the check.
    let multipart = route.body == BodyKind::Multipart
        && header_str(req.headers(), "content-type").is_some_and(|c| c.to_ascii_lowercase().starts_with("multipart/form-data"));
    let body = match read_body(route, req).await {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let checked = match (&body, multipart) {
        (Value::Object(m), true) => {
            let mut m = m.clone();
            m.remove("files");
            crate::validate::for_route(route).check(&query, &Value::Object(m))
        }
        _ => crate::validate::for_route(route).check(&query, &body),
    };
    if let Err(reply) = checked {
        return reply;
    }

    // 5. Dispatch under the world lock (batches over the limit refused first).
    if let Err(reply) = crate::api::check_batch(route, &body, shared.config.lock().max_batch) {
        return reply;
    }
    let r = Req { route, query, body };
    let reply = {
        let mut w = shared.world.lock();
        let now = w.now();
        let reply = crate::api::dispatch(&mut w, &r, now).unwrap_or_else(|e| e);
        if reply.status < 400 && route.method != cmr::routes::Method::Get {
            w.dirty = true;
        }
        reply
    };
    shared.request_save();
    crate::webhooks::kick(shared);
    reply
}

async fn read_body(route: &Route, req: Request) -> Result<Value, Reply> {
    let ct = header_str(req.headers(), "content-type").unwrap_or("").to_ascii_lowercase();
    if route.body == BodyKind::Multipart && ct.starts_with("multipart/form-data") {
        return read_multipart(req).await;
    }
    let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES)
        .await
        .map_err(|_| Reply::err(413, format!("Request body is larger than {MAX_BODY_BYTES} bytes")))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(Value::Null);
    }
    if route.body == BodyKind::None {
        // Bodies on GET/DELETE-without-body routes are ignored, as most servers do.
        return Ok(Value::Null);
    }
    let is_json = ct.is_empty() || ct.starts_with("application/json") || (ct.starts_with("application/") && ct.contains("+json"));
    if !is_json {
        let expected = if route.body == BodyKind::Multipart { "multipart/form-data or application/json" } else { "application/json" };
        return Err(Reply::err(415, format!("Unsupported content type '{ct}': expected {expected}")));
    }
    serde_json::from_slice::<Value>(&bytes).map_err(|e| Reply::err(400, format!("Malformed JSON body: {e}")))
}

/// Multipart fields as a JSON object: each text part is parsed as JSON when
/// it is JSON (`mailboxes`, `domains`, `google`), kept as a string otherwise;
/// file parts become `{fileName, contentType, size}` under `files`.
async fn read_multipart(req: Request) -> Result<Value, Reply> {
    let bad = |e: String| Reply::err(400, format!("Malformed multipart body: {e}"));
    let mut mp = axum::extract::Multipart::from_request(req, &()).await.map_err(|e| bad(e.body_text()))?;
    let mut obj = Map::new();
    let mut files = Vec::new();
    let mut total = 0usize;
    while let Some(field) = mp.next_field().await.map_err(|e| bad(e.body_text()))? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let ctype = field.content_type().map(str::to_string);
        let data = field.bytes().await.map_err(|e| bad(e.body_text()))?;
        total += data.len();
        if total > MAX_BODY_BYTES {
            return Err(Reply::err(413, format!("Request body is larger than {MAX_BODY_BYTES} bytes")));
        }
        if let Some(f) = file_name {
            files.push(json!({"field": name, "fileName": f, "contentType": ctype, "size": data.len()}));
            continue;
        }
        let text = String::from_utf8_lossy(&data).to_string();
        let v = serde_json::from_str::<Value>(&text).ok().filter(|v| v.is_object() || v.is_array() || v.is_boolean()).unwrap_or(Value::String(text));
        obj.insert(name, v);
    }
    if !files.is_empty() {
        obj.insert("files".into(), Value::Array(files));
    }
    Ok(Value::Object(obj))
}
