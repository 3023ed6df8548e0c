//! Test harness: a sandbox started in the test process (on its own runtime,
//! so it keeps serving while the test thread waits on the `cmr` binary), and
//! helpers that run the binary against it via `--base-url`/`--api-key`.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;
use cmr_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

pub struct Env {
    pub rt: tokio::runtime::Runtime,
    pub sb: Option<Sandbox>,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A sandbox with the rate limit off.
    pub fn new() -> Env {
        Env::with(SandboxOptions { port: 0, rate_limit: None, ..Default::default() })
    }

    pub fn with(opts: SandboxOptions) -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let sb = rt.block_on(Sandbox::start(opts)).expect("sandbox starts");
        Env { rt, sb: Some(sb), http: cmr::http::client(), dir: tempfile::tempdir().unwrap() }
    }

    pub fn sb(&self) -> &Sandbox {
        self.sb.as_ref().unwrap()
    }

    /// `cmr --base-url <sandbox> --api-key <key>` with a clean environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("cmr").unwrap();
        c.env_remove("CMR_API_KEY").env_remove("CMR_BASE_URL");
        c.args(["--base-url", &self.sb().base_url(), "--api-key", self.sb().api_key()]);
        c
    }

    /// Run with `--json`, assert success, parse stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().arg("--json").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "cmr {args:?} failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("cmr {args:?}: stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
    }

    /// Run without `--json`, assert success, return stdout.
    pub fn text(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "cmr {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/__sandbox{}", self.sb().url(), path);
        let req = match method {
            "GET" => self.http.get(&url),
            "POST" => self.http.post(&url).json(&body),
            "PUT" => self.http.put(&url).json(&body),
            "DELETE" => self.http.delete(&url),
            m => panic!("method {m}"),
        };
        self.rt.block_on(async move {
            let resp = req.send().await.expect("control API answers");
            assert!(resp.status().is_success(), "control {method} {path}: {}", resp.status());
            let text = resp.text().await.unwrap();
            serde_json::from_str(&text).unwrap_or(Value::Null)
        })
    }

    /// API requests the sandbox received for `method path`.
    pub fn hits(&self, method: &str, path: &str) -> usize {
        let log = self.control("GET", "/requests", Value::Null);
        let list = log.as_array().cloned().or_else(|| log.get("requests").and_then(Value::as_array).cloned()).unwrap_or_default();
        list.iter()
            .filter(|r| r["method"] == method && r["path"].as_str().is_some_and(|p| p == path || p.ends_with(path)))
            .count()
    }

    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    /// A user created through the CLI; returns its id.
    pub fn user(&self, email: &str) -> String {
        let v = self.json(&[
            "users", "create", "--email", email, "--company", "Acme", "--first-name", "Jane", "--last-name", "Doe",
            "--country", "US", "--city", "Austin", "--address-line-one", "1 Main St", "--language-preference", "en",
            "--postal-code", "73301", "--state", "TX", "--phone-cc", "1", "--phone", "5125550100",
        ]);
        v["id"].as_str().expect("user id").to_string()
    }

    /// A user owning `domain` with ACTIVE mailboxes (ordered with `cmr orders create --file`).
    pub fn provisioned(&self, email: &str, domain: &str, usernames: &[&str]) -> String {
        let user = self.user(email);
        let order = json!({
            "domains": [{"domain": domain, "years": 1}],
            "mailboxes": { domain: usernames.iter().map(|u| json!({"username": u, "firstName": "F", "lastName": "L"})).collect::<Vec<_>>() },
            "billingCycle": "MONTHLY",
            "confirm": true,
            "google": {"googleOauthRoute": "https://app.example.com/oauth", "clientId": "cid", "appName": "App"}
        });
        let f = self.file(&format!("order-{domain}.json"), &order.to_string());
        let created = self.json(&["orders", "create", "--user-id", &user, "--file", f.to_str().unwrap()]);
        assert!(created["orderId"].is_string(), "order created: {created}");
        self.control("POST", "/clock/advance", json!({"seconds": 60}));
        user
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(sb) = self.sb.take() {
            self.rt.block_on(sb.shutdown());
        }
    }
}
