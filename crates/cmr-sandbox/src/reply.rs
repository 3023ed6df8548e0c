//! The API's answer (`Reply`, in CMR's envelope) and a decoded request
//! (`Req`): the vocabulary shared by the HTTP layer (`server`), the handlers
//! (`api`) and the control API (`control`). It lives apart from all three so
//! that none of them imports another just for these types.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cmr::routes::Route;
use serde_json::{json, Map, Value};

/// An answer in CMR's envelope.
///
/// It is also every handler's error type (`Result<_, Reply>`), so the parts
/// few answers set (`actionId`, headers) live boxed in
/// [`ReplyExtras`], absent until set: a `Reply` stays small to move around
/// (`clippy::result_large_err`).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub message: String,
    /// `None`: no `data` key at all (Delete User, Remove mailbox).
    pub data: Option<Value>,
    /// `None` until one of its parts is set.
    pub extras: Option<Box<ReplyExtras>>,
}

/// The parts of a [`Reply`] that few answers set.
#[derive(Debug, Clone, Default)]
pub struct ReplyExtras {
    pub action_id: Option<String>,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn ok(message: impl Into<String>, data: Value) -> Reply {
        Reply::new(200, message, Some(data))
    }
    pub fn new(status: u16, message: impl Into<String>, data: Option<Value>) -> Reply {
        Reply { status, message: message.into(), data, extras: None }
    }
    pub fn err(status: u16, message: impl Into<String>) -> Reply {
        Reply::new(status, message, Some(Value::Null))
    }
    /// The boxed parts, created on first use.
    fn extras_mut(&mut self) -> &mut ReplyExtras {
        self.extras.get_or_insert_with(Box::default)
    }
    pub fn action(mut self, id: impl Into<String>) -> Reply {
        self.extras_mut().action_id = Some(id.into());
        self
    }
    pub fn with_data(mut self, data: Value) -> Reply {
        self.data = Some(data);
        self
    }
    pub fn header(mut self, name: &'static str, value: String) -> Reply {
        self.extras_mut().headers.push((name, value));
        self
    }
    pub fn body(&self) -> Value {
        let mut m = Map::new();
        m.insert("status".into(), json!(self.status));
        m.insert("message".into(), json!(self.message));
        if let Some(d) = &self.data {
            m.insert("data".into(), d.clone());
        }
        if let Some(a) = self.extras.as_ref().and_then(|x| x.action_id.as_ref()) {
            m.insert("actionId".into(), json!(a));
        }
        Value::Object(m)
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut resp = Response::new(Body::from(body));
        *resp.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (k, v) in self.extras.map(|x| x.headers).unwrap_or_default() {
            if let Ok(v) = HeaderValue::from_str(&v) {
                resp.headers_mut().insert(k, v);
            }
        }
        resp
    }
}

/// A decoded API request, handed to `api::dispatch`.
pub struct Req {
    pub route: &'static Route,
    pub query: BTreeMap<String, String>,
    /// JSON body (or multipart fields as an object); `Null` when empty.
    pub body: Value,
}

