//! Test helpers: a sandbox on loopback, plain-HTTP calls (reqwest, not the
//! cmr client), and a tiny webhook receiver.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use cmr_sandbox::{Sandbox, SandboxOptions, DEFAULT_API_KEY};
use serde_json::{json, Value};

pub struct T {
    pub sb: Sandbox,
    pub http: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
    pub fn msg(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }
    #[track_caller]
    pub fn ok(self) -> Resp {
        assert!(self.status < 300, "expected success, got {} {}", self.status, self.body);
        self
    }
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.body["status"], json!(status), "envelope status mirrors HTTP: {}", self.body);
        self
    }
}

pub async fn start() -> T {
    start_with(SandboxOptions { rate_limit: None, ..Default::default() }).await
}

pub async fn start_with(opts: SandboxOptions) -> T {
    let sb = Sandbox::start(opts).await.expect("sandbox starts");
    let t = T { sb, http: cmr::http::client() };
    // Only the tests move the virtual clock (no real-time drift).
    t.ctl("PUT", "/clock", Some(json!({"frozen": true}))).await;
    t
}

impl T {
    /// An API call with the default key; `path` relative to the base path.
    pub async fn call(&self, method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) -> Resp {
        self.call_key(Some(DEFAULT_API_KEY), method, path, query, body).await
    }

    pub async fn call_key(&self, key: Option<&str>, method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) -> Resp {
        let url = format!("{}{}", self.sb.base_url(), path);
        let mut rb = self.http.request(method.parse().unwrap(), &url).query(query);
        if let Some(k) = key {
            rb = rb.header("cmr-x-api-key", k);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb.send().await.expect("request sent");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or_else(|_| panic!("non-JSON answer {status}: {text}")) };
        Resp { status, body, headers }
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Resp {
        self.call("GET", path, query, None).await
    }
    pub async fn post(&self, path: &str, query: &[(&str, &str)], body: Value) -> Resp {
        self.call("POST", path, query, Some(body)).await
    }

    /// A control-API call (no key).
    pub async fn ctl(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let mut rb = self.http.request(method.parse().unwrap(), format!("{}/__sandbox{}", self.sb.url(), path));
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb.send().await.unwrap();
        assert!(r.status().is_success(), "control {method} {path}: {}", r.status());
        r.json().await.unwrap()
    }

    pub async fn advance(&self, seconds: f64) -> Value {
        self.ctl("POST", "/clock/advance", Some(json!({ "seconds": seconds }))).await
    }

    pub async fn webhooks(&self) -> Vec<Value> {
        self.ctl("GET", "/webhooks", None).await.as_array().unwrap().clone()
    }

    pub async fn events_named(&self, name: &str) -> Vec<Value> {
        self.webhooks().await.into_iter().filter(|e| e["event"] == name).collect()
    }

    pub async fn wallet(&self) -> f64 {
        self.ctl("GET", "/wallet", None).await["balance"].as_f64().unwrap()
    }

    pub async fn set_wallet(&self, b: f64) {
        self.ctl("PUT", "/wallet", Some(json!({ "balance": b }))).await;
    }

    pub async fn create_user(&self, email: &str) -> String {
        let r = self.post("/users", &[], user_body(email)).await.ok();
        r.data()["id"].as_str().unwrap().to_string()
    }

    /// Order `domain` with the given mailbox usernames and run the lifecycle to the end.
    pub async fn order_and_complete(&self, uid: &str, domain: &str, mailboxes: &[&str]) -> Value {
        let r = self.post("/orders/json", &[("userId", uid)], order_body(domain, mailboxes)).await.ok();
        self.advance(60.0).await;
        r.body
    }

    pub async fn mailboxes_of(&self, uid: &str) -> Vec<Value> {
        self.get("/mailboxes/single", &[("userId", uid)]).await.ok().data()["mailboxes"].as_array().unwrap().clone()
    }

    pub async fn subscriptions_of(&self, uid: &str) -> Vec<Value> {
        self.get("/subscriptions", &[("userId", uid)]).await.ok().data()["subscriptions"].as_array().unwrap().clone()
    }
}

pub fn user_body(email: &str) -> Value {
    json!({
        "email": email, "company": "Acme", "firstName": "Jane", "lastName": "Doe", "country": "US",
        "city": "Austin", "addressLineOne": "1 Main St", "languagePreference": "en", "postalCode": "73301",
        "state": "TX", "phoneCc": "1", "phone": "5125550100"
    })
}

pub fn order_body(domain: &str, mailboxes: &[&str]) -> Value {
    let mbs: Vec<Value> = mailboxes.iter().map(|u| json!({"username": u, "firstName": "F", "lastName": "L"})).collect();
    json!({
        "domains": [{"domain": domain, "years": 1}],
        "mailboxes": { domain: mbs },
        "confirm": true,
        "serviceProvider": "GOOGLE",
        "google": {"googleOauthRoute": "x", "clientId": "1", "appName": "App"}
    })
}

/// One request a [`Receiver`] got: its headers and body.
pub type Received = (Vec<(String, String)>, Vec<u8>);

/// A loopback webhook receiver: records every request, answers `status`.
pub struct Receiver {
    pub url: String,
    pub status: Arc<AtomicU16>,
    pub got: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    pub async fn start() -> Receiver {
        use axum::{body::Bytes, http::HeaderMap, http::StatusCode, routing::post, Router};
        let status = Arc::new(AtomicU16::new(200));
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let (s2, g2) = (status.clone(), got.clone());
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: Bytes| {
                let (s, g) = (s2.clone(), g2.clone());
                async move {
                    let h = headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
                    g.lock().unwrap().push((h, body.to_vec()));
                    StatusCode::from_u16(s.load(Ordering::SeqCst)).unwrap()
                }
            }),
        );
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", l.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(l, app).await.unwrap();
        });
        Receiver { url, status, got, task }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}
