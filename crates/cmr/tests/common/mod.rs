//! Shared helpers of the core's integration tests: a sandbox on loopback and
//! plain-HTTP access to its control API.
#![allow(dead_code)]

use std::time::Duration;

use cmr::models::*;
use cmr::Client;
use cmr_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

pub struct Env {
    pub sandbox: Sandbox,
    pub client: Client,
    pub http: reqwest::Client,
}

/// A sandbox with the rate limit off and a client with no retries.
pub async fn env() -> Env {
    env_with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() }, |b| b.max_retries(0)).await
}

pub async fn env_with(opts: SandboxOptions, f: impl FnOnce(cmr::ClientBuilder) -> cmr::ClientBuilder) -> Env {
    let sandbox = Sandbox::start(opts).await.expect("sandbox starts");
    let builder = Client::builder()
        .api_key(sandbox.api_key())
        .base_url(sandbox.base_url())
        .retry_base_delay(Duration::from_millis(10))
        .retry_max_delay(Duration::from_millis(50));
    let client = f(builder).build().expect("client builds");
    let e = Env { sandbox, client, http: cmr::http::client() };
    e.control("PUT", "/wallet", json!({"balance": 100000.0})).await;
    e
}

impl Env {
    pub async fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/__sandbox{}", self.sandbox.url(), path);
        let req = match method {
            "GET" => self.http.get(&url),
            "POST" => self.http.post(&url).json(&body),
            "PUT" => self.http.put(&url).json(&body),
            "DELETE" => self.http.delete(&url),
            m => panic!("method {m}"),
        };
        let resp = req.send().await.expect("control API answers");
        assert!(resp.status().is_success(), "control {method} {path}: {}", resp.status());
        let text = resp.text().await.unwrap();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    pub async fn advance(&self, seconds: u64) {
        self.control("POST", "/clock/advance", json!({ "seconds": seconds })).await;
    }

    pub async fn fault(&self, fault: Value) {
        self.control("POST", "/faults", fault).await;
    }

    /// Requests the sandbox received for `method path` (path relative to the base path).
    pub async fn hits(&self, method: &str, path: &str) -> usize {
        let log = self.control("GET", "/requests", Value::Null).await;
        let list = log.as_array().cloned().or_else(|| log.get("requests").and_then(Value::as_array).cloned()).unwrap_or_default();
        list.iter()
            .filter(|r| r["method"] == method && r["path"].as_str().is_some_and(|p| p == path || p.ends_with(path)))
            .count()
    }

    pub async fn webhooks(&self) -> Vec<Value> {
        let v = self.control("GET", "/webhooks", Value::Null).await;
        v.as_array().cloned().or_else(|| v.get("webhooks").and_then(Value::as_array).cloned()).unwrap_or_default()
    }

    pub async fn user(&self, email: &str) -> User {
        self.client.users().create(&new_user(email)).await.expect("user created")
    }
}

pub fn new_user(email: &str) -> CreateUser {
    CreateUser {
        email: email.to_string(),
        company: "Acme Inc.".into(),
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        country: "US".into(),
        city: "Austin".into(),
        address_line_one: "1 Main Street".into(),
        address_line_two: Some("Suite 4".into()),
        language_preference: "en".into(),
        postal_code: "73301".into(),
        state: "TX".into(),
        phone_cc: "1".into(),
        phone: "5125550100".into(),
        ..Default::default()
    }
}

pub fn google() -> GoogleConfig {
    GoogleConfig {
        google_oauth_route: Some("https://app.example.com/oauth/google".into()),
        client_id: Some("client-123".into()),
        app_name: Some("Example".into()),
    }
}

pub fn order(domain: &str, usernames: &[&str]) -> CreateOrder {
    let mut mailboxes = std::collections::HashMap::new();
    mailboxes.insert(
        domain.to_string(),
        usernames
            .iter()
            .map(|u| NewMailbox { username: u.to_string(), first_name: "First".into(), last_name: "Last".into(), ..Default::default() })
            .collect(),
    );
    CreateOrder {
        domains: vec![OrderDomain { domain: domain.to_string(), years: 1, ..Default::default() }],
        mailboxes,
        billing_cycle: Some(BillingCycle::Monthly),
        confirm: Some(true),
        google: Some(google()),
        ..Default::default()
    }
}

/// A user who owns `domain` with ACTIVE mailboxes and an active subscription.
pub async fn provisioned(e: &Env, email: &str, domain: &str, usernames: &[&str]) -> (User, Subscription, Vec<Mailbox>) {
    let user = e.user(email).await;
    let created = e.client.orders().create(&user.id, &order(domain, usernames)).await.expect("order accepted");
    assert!(created.order_id.is_some());
    e.advance(60).await;
    let subs = e
        .client
        .subscriptions()
        .list(&ListSubscriptionsParams { domain: Some(domain.to_string()), ..Default::default() })
        .await
        .expect("subscriptions listed");
    let sub = subs.items.into_iter().next().expect("a subscription exists for the domain");
    let mailboxes = e.client.mailboxes().list(&user.id).await.expect("mailboxes listed");
    (user, sub, mailboxes)
}
