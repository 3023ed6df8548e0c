//! Persistence across restarts (`data_file`) and the `cmr-sandbox` binary.
mod common;
use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("cmr-sandbox-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&file);
    let opts = || cmr_sandbox::SandboxOptions { rate_limit: None, data_file: Some(file.clone()), ..Default::default() };

    let t = start_with(opts()).await;
    let uid = t.create_user("persist@acme.com").await;
    t.order_and_complete(&uid, "persisted.com", &["a", "b"]).await;
    let wallet = t.wallet().await;
    let offset = t.ctl("GET", "/clock", None).await["offsetSeconds"].as_f64().unwrap();
    let events = t.webhooks().await.len();
    t.sb.shutdown().await;

    let t = start_with(opts()).await;
    assert_eq!(t.get("/users", &[("userId", &uid)]).await.ok().data()["email"], "persist@acme.com");
    assert_eq!(t.mailboxes_of(&uid).await.len(), 2);
    assert_eq!(t.get("/domains/by-user", &[("userId", &uid)]).await.data()["domains"][0]["domainName"], "persisted.com");
    assert_eq!(t.wallet().await, wallet);
    assert_eq!(t.ctl("GET", "/clock", None).await["offsetSeconds"].as_f64().unwrap(), offset);
    assert_eq!(t.webhooks().await.len(), events);
    // An order in flight continues after a restart.
    t.post("/orders/json", &[("userId", &uid)], order_body("inflight.com", &["c"])).await.ok();
    t.sb.shutdown().await;
    let t = start_with(opts()).await;
    t.advance(60.0).await;
    assert_eq!(t.mailboxes_of(&uid).await.len(), 3);
    // Reset persists too.
    t.ctl("POST", "/reset", None).await;
    t.sb.shutdown().await;
    let t = start_with(opts()).await;
    t.get("/users", &[("userId", &uid)]).await.expect(404);
    t.sb.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn unreadable_data_file_fails_start_cleanly() {
    let dir = std::env::temp_dir().join(format!("cmr-sandbox-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("not-a-db.sqlite");
    std::fs::write(&file, b"this is not sqlite, just text that is long enough to not be a header........").unwrap();
    let e = cmr_sandbox::Sandbox::start(cmr_sandbox::SandboxOptions { data_file: Some(file), ..Default::default() }).await.unwrap_err();
    assert!(e.to_string().contains("cmr-sandbox could not start"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_prints_the_listening_line_and_serves() {
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_cmr-sandbox"))
            .args(["--port", "0", "--no-rate-limit", "--api-key", "bin_key"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("cmr-sandbox listening on ").unwrap_or_else(|| panic!("line: {line:?}")).to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let c = cmr::http::client();
    let r = c.get(format!("{url}/api/v1/integration/wallet")).header("cmr-x-api-key", "bin_key").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = c.get(format!("{url}/api/v1/integration/wallet")).header("cmr-x-api-key", "cmr_test_key").send().await.unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = c.get(format!("{url}/__sandbox/config")).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["rateLimit"], Value::Null);
}

#[test]
fn binary_rejects_unknown_flags() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cmr-sandbox")).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}
