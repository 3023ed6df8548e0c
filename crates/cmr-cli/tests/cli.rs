//! The `cmr` binary against a sandbox started in the test process.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use common::Env;
use predicates::prelude::*;
use serde_json::{json, Value};

// ------------------------------------------------------ command families --

#[test]
fn users_table_json_update_delete() {
    let e = Env::new();
    let id = e.user("jane@acme.example");

    let table = e.text(&["users", "list"]);
    assert!(table.contains("jane@acme.example") && table.contains(&id), "{table}");
    assert!(table.contains("page 1"), "{table}");

    let page = e.json(&["users", "list", "--limit", "10"]);
    assert_eq!(page["currentPage"], 1);
    assert!(page["items"].as_array().unwrap().iter().any(|u| u["id"] == id.as_str()));

    let all = e.json(&["users", "list", "--all"]);
    assert!(all.as_array().expect("--all prints one list").iter().any(|u| u["email"] == "jane@acme.example"));

    let got = e.json(&["users", "get", "--user-id", &id]);
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["firstName"], "Jane");

    e.json(&["users", "update", "--user-id", &id, "--company", "Acme Two"]);
    assert_eq!(e.json(&["users", "get", "--user-id", &id])["company"], "Acme Two");

    let shown = e.text(&["users", "get", "--user-id", &id]);
    assert!(shown.contains("Acme Two"), "{shown}");

    e.json(&["users", "delete", "--user-id", &id]);
    e.cmd()
        .args(["users", "get", "--user-id", &id])
        .assert()
        .code(4)
        .stderr(predicate::str::starts_with("error: not_found (404): ").and(predicate::str::contains("[GET /users]")));
}

#[test]
fn users_create_from_file_with_flag_override() {
    let e = Env::new();
    let f = e.file(
        "user.json",
        &json!({"email": "file@acme.example", "company": "FromFile", "firstName": "F", "lastName": "L", "country": "US",
                "city": "Austin", "addressLineOne": "1 Main", "languagePreference": "en", "postalCode": "73301",
                "state": "TX", "phoneCc": "1", "phone": "5125550100"})
        .to_string(),
    );
    let v = e.json(&["users", "create", "--file", f.to_str().unwrap(), "--company", "FromFlag"]);
    assert_eq!(v["email"], "file@acme.example");
    assert_eq!(v["company"], "FromFlag");
    // stdin works too
    let out = e
        .cmd()
        .args(["--json", "users", "create", "--file", "-", "--email", "stdin@acme.example"])
        .write_stdin(std::fs::read_to_string(&f).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["email"], "stdin@acme.example");
}

/// Commands generated from the composites of the table, and an enum flag
/// given a value this CLI does not know (CMR's enums are open: it is sent).
#[test]
fn generated_composite_commands_and_open_enum_flags() {
    let e = Env::new();
    let id = e.provisioned("finder@acme.example", "acme-find.com", &["ann"]);
    let found = e.json(&["users", "find-by-email", "--email", "FINDER@acme.example"]);
    assert_eq!(found["id"], id.as_str(), "{found}");
    assert_eq!(e.json(&["users", "find-by-email", "--email", "nobody@acme.example"]), Value::Null);
    let domain = e.json(&["orders", "find-by-domain", "--user-id", &id, "--domain", "acme-find.com"]);
    assert_eq!(domain["domainName"], "acme-find.com", "{domain}");
    assert_eq!(e.json(&["orders", "find-by-domain", "--user-id", &id, "--domain", "never-ordered.example"]), Value::Null);

    let active = e.json(&["subscriptions", "list", "--status", "ACTIVE"]);
    assert!(active["items"].as_array().unwrap().iter().any(|s| s["domain"] == "acme-find.com"), "{active}");
    let before = e.hits("GET", "/subscriptions");
    let unknown = e.json(&["subscriptions", "list", "--status", "NOT_A_STATUS_YET"]);
    assert_eq!(unknown["items"], json!([]), "{unknown}");
    assert_eq!(e.hits("GET", "/subscriptions"), before + 1, "the unknown value reached the server");
}

#[test]
fn geo_countries_and_states() {
    let e = Env::new();
    let countries = e.json(&["geo", "countries"]);
    assert!(countries.as_array().unwrap().iter().any(|c| c["code"] == "US"), "{countries}");
    let table = e.text(&["geo", "countries"]);
    assert!(table.contains("name") && table.contains("code") && table.contains("US"), "{table}");
    let states = e.json(&["geo", "states", "--country-code", "US"]);
    assert!(states.as_array().unwrap().iter().any(|s| s["code"] == "TX"), "{states}");
}

#[test]
fn domains_dns_mailboxes_subscriptions_orders() {
    let e = Env::new();
    let user = e.provisioned("ops@acme.example", "acme-ops.com", &["alice", "bob"]);

    // domains
    let domains = e.json(&["domains", "list", "--user-id", &user]);
    let d = domains.as_array().unwrap().iter().find(|d| d["domainName"] == "acme-ops.com").expect("domain listed").clone();
    let table = e.text(&["domains", "list", "--user-id", &user]);
    assert!(table.contains("acme-ops.com") && table.contains("domainName"), "{table}");
    let avail = e.json(&["domains", "check-availability", "--user-id", &user, "--domain", "brand-new-name.com"]);
    assert_eq!(avail["domain"], "brand-new-name.com");
    assert!(avail["available"].is_boolean(), "{avail}");
    let ws = e.json(&["domains", "check-workspace", "--user-id", &user, "--domain", "acme-ops.com"]);
    assert_eq!(ws["domain"], "acme-ops.com");
    let toggled = e.json(&["domains", "toggle-auto-renew", "--user-id", &user, "--domain", "acme-ops.com", "--auto-renew", "false"]);
    assert!(toggled.is_array(), "{toggled}");

    // mailboxes
    let mbs = e.json(&["mailboxes", "list", "--user-id", &user]);
    let mbs = mbs.as_array().unwrap();
    assert_eq!(mbs.len(), 2, "{mbs:?}");
    assert!(mbs.iter().all(|m| m["status"] == "ACTIVE"), "{mbs:?}");
    let mb_id = mbs[0]["mailboxId"].as_str().unwrap().to_string();
    let table = e.text(&["mailboxes", "list", "--user-id", &user]);
    assert!(table.contains("mailboxId") && table.contains("ACTIVE") && table.contains("@acme-ops.com"), "{table}");
    let one = e.json(&["mailboxes", "get", "--mailbox-id", &mb_id, "--user-id", &user]);
    assert_eq!(one["mailboxId"], mb_id.as_str());
    let page = e.json(&["mailboxes", "list-all", "--page", "1", "--limit", "50"]);
    assert!(page["items"].as_array().unwrap().len() >= 2, "{page}");

    // dns
    let added = e.json(&[
        "dns", "add", "--user-id", &user, "--domain", "acme-ops.com", "--host", "_cli", "--type", "TXT", "--value", "hello",
    ]);
    let rec_id = added[0]["recordId"].as_str().expect("created record id").to_string();
    let listed = e.json(&["dns", "list", "--user-id", &user, "--domain", "acme-ops.com"]);
    assert!(listed["records"].as_array().unwrap().iter().any(|r| r["recordId"] == rec_id.as_str() && r["value"] == "hello"));
    let table = e.text(&["dns", "list", "--user-id", &user, "--domain", "acme-ops.com"]);
    assert!(table.contains("records:") && table.contains("_cli") && table.contains("hello"), "{table}");
    e.json(&["dns", "delete", "--user-id", &user, "--record-id", &rec_id]);
    let listed = e.json(&["dns", "list", "--user-id", &user, "--domain", "acme-ops.com"]);
    assert!(!listed["records"].as_array().unwrap().iter().any(|r| r["recordId"] == rec_id.as_str()));

    // subscriptions
    let subs = e.json(&["subscriptions", "list", "--domain", "acme-ops.com"]);
    let sub = subs["items"][0].clone();
    let sub_id = sub["subscriptionId"].as_str().expect("subscription id").to_string();
    let table = e.text(&["subscriptions", "list", "--domain", "acme-ops.com"]);
    assert!(table.contains(&sub_id), "{table}");
    let ack = e.json(&["subscriptions", "toggle-auto-renew", "--subscription-id", &sub_id, "--auto-renew", "false"]);
    assert!(ack["message"].is_string(), "{ack}");
    let all = e.json(&["subscriptions", "list", "--all", "--limit", "1"]);
    assert!(all.as_array().unwrap().iter().any(|s| s["subscriptionId"] == sub_id.as_str()));

    // wallet, raw request
    let w = e.json(&["wallet", "get"]);
    assert!(w["balance"].is_number(), "{w}");
    let raw = e.json(&["request", "GET", "/users", "--query", &format!("userId={user}")]);
    assert_eq!(raw["data"]["id"], user.as_str(), "{raw}");
    let _ = d;
}

// ------------------------------------------------------------ exit codes --

#[test]
fn exit_codes_per_error_kind() {
    let e = Env::new();
    // 404
    e.cmd().args(["users", "get", "--user-id", "NOPE0000000000000000000000000"]).assert().code(4).stderr(
        predicate::str::starts_with("error: not_found (404)").and(predicate::str::contains("[GET /users]")),
    );
    // 401: and the key never shows up
    Command::cargo_bin("cmr")
        .unwrap()
        .env_remove("CMR_API_KEY")
        .args(["--base-url", &e.sb().base_url(), "--api-key", "wrong_secret_key_123", "users", "list"])
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with("error: authentication (401)").and(predicate::str::contains("wrong_secret_key_123").not()));
    // the key from the environment
    Command::cargo_bin("cmr")
        .unwrap()
        .env("CMR_API_KEY", e.sb().api_key())
        .env("CMR_BASE_URL", e.sb().base_url())
        .args(["--json", "users", "list"])
        .assert()
        .success();
    // no key at all: a validation error, before sending
    Command::cargo_bin("cmr")
        .unwrap()
        .env_remove("CMR_API_KEY")
        .args(["--base-url", &e.sb().base_url(), "users", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CMR_API_KEY"));
    // validation before sending: nothing reaches the sandbox
    let before = e.hits("POST", "/users");
    e.cmd()
        .args(["users", "create", "--email", "not-an-email", "--company", "X"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: validation"));
    e.cmd().args(["dns", "add", "--user-id", "U1", "--domain", "not a domain", "--host", "@", "--type", "A", "--value", "1.2.3.4"]).assert().code(2);
    assert_eq!(e.hits("POST", "/users"), before, "invalid input must not be sent");
    // 409: the same e-mail twice
    e.user("dup@acme.example");
    e.cmd()
        .args([
            "users", "create", "--email", "dup@acme.example", "--company", "Acme", "--first-name", "J", "--last-name", "D",
            "--country", "US", "--city", "Austin", "--address-line-one", "1 Main", "--language-preference", "en",
            "--postal-code", "73301", "--state", "TX", "--phone-cc", "1", "--phone", "5125550100",
        ])
        .assert()
        .code(5)
        .stderr(predicate::str::starts_with("error: conflict (409)"));
    // usage errors
    e.cmd().args(["orders", "create", "--user-id", "U1"]).assert().code(2).stderr(predicate::str::contains("--file"));
    e.cmd().args(["users", "list", "--bogus"]).assert().code(2);
    // network: nothing listens there
    Command::cargo_bin("cmr")
        .unwrap()
        .args(["--base-url", "http://127.0.0.1:9/api", "--api-key", "k", "--max-retries", "0", "geo", "countries"])
        .assert()
        .code(8)
        .stderr(predicate::str::starts_with("error: network"));
}

#[test]
fn server_error_and_rate_limit_exit_codes() {
    let e = Env::new();
    e.control("POST", "/faults", json!({"method": "GET", "path": "/geo/countries", "count": 1, "kind": "status", "status": 500}));
    e.cmd().args(["--max-retries", "0", "geo", "countries"]).assert().code(7).stderr(predicate::str::starts_with("error: server (500)"));
    e.control("POST", "/faults", json!({"method": "GET", "path": "/geo/countries", "count": 1, "kind": "status", "status": 429, "retryAfter": 0}));
    e.cmd().args(["--max-retries", "0", "geo", "countries"]).assert().code(6).stderr(predicate::str::starts_with("error: rate_limited (429)"));
    // a slow answer past --timeout
    e.control("POST", "/faults", json!({"method": "GET", "path": "/geo/countries", "count": 1, "kind": "delay", "delayMs": 1500}));
    e.cmd().args(["--max-retries", "0", "--timeout", "0.3", "geo", "countries"]).assert().code(8).stderr(predicate::str::starts_with("error: timeout"));
    // 402: the wallet does not cover the order
    let user = e.user("poor@acme.example");
    e.control("PUT", "/wallet", json!({"balance": 0.0}));
    let order = json!({
        "domains": [{"domain": "acme-poor.com", "years": 1}],
        "mailboxes": {"acme-poor.com": [{"username": "a", "firstName": "A", "lastName": "B"}]},
        "confirm": true,
        "google": {"googleOauthRoute": "https://app.example.com/oauth", "clientId": "cid", "appName": "App"}
    });
    let f = e.file("poor.json", &order.to_string());
    e.cmd()
        .args(["orders", "create", "--user-id", &user, "--file", f.to_str().unwrap()])
        .assert()
        .code(11)
        .stderr(predicate::str::starts_with("error: payment_required (402)").and(predicate::str::contains("[POST /orders/json]")));
}

// ------------------------------------------------------------------ demo --

#[test]
fn demo_runs_the_whole_lifecycle() {
    let out = Command::cargo_bin("cmr").unwrap().env_remove("CMR_API_KEY").arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "demo failed: {}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    for line in [
        "Start the sandbox",
        "Create a customer",
        "webhook verified: domain.order.success",
        "webhook verified: mailbox.order.success",
        "webhook verified: mailbox.created",
        "Add a DNS record",
        "Renew the subscription",
        "Cancel the subscription",
        "Delete the customer",
        "Demo complete",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("REJECTED"), "{stdout}");
}

// -------------------------------------------------------- webhooks listen --

struct Listener {
    child: std::process::Child,
    out: BufReader<std::process::ChildStdout>,
    err: BufReader<std::process::ChildStderr>,
    url: String,
}

impl Listener {
    fn start(secret: &str) -> Listener {
        Listener::start_with(secret, &[])
    }
    fn start_with(secret: &str, extra: &[&str]) -> Listener {
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("cmr"))
            .args(["webhooks", "listen", "--port", "0", "--secret", secret])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let err = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        let url = first.split_whitespace().find(|w| w.starts_with("http://")).expect("ready line names the URL").to_string();
        assert!(!first.contains(secret), "the secret is never printed: {first}");
        Listener { child, out, err, url }
    }
    fn line(&mut self) -> String {
        let mut s = String::new();
        self.out.read_line(&mut s).unwrap();
        s
    }
    fn err_line(&mut self) -> String {
        let mut s = String::new();
        self.err.read_line(&mut s).unwrap();
        s
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn post(rt: &tokio::runtime::Runtime, url: &str, body: &str, headers: &[(&str, String)]) -> u16 {
    let mut req = cmr::http::client().post(url).header("content-type", "application/json").body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    rt.block_on(req.send()).unwrap().status().as_u16()
}

#[test]
fn webhooks_listen_accepts_valid_and_rejects_forged_and_stale() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let secret = "whsec_test_123";
    let mut l = Listener::start(secret);
    let url = format!("{}/hooks/cmr", l.url);
    let body = r#"{"event":"domain.order.success","eventId":"evt_1","data":{"domainName":"acme.com","orderId":"ord_9"}}"#;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;

    let valid: Vec<(&str, String)> = cmr::webhooks::signature_headers(secret, now, body.as_bytes()).into_iter().collect();
    assert_eq!(post(&rt, &url, body, &valid), 200);
    let line = l.line();
    assert!(line.contains("domain.order.success") && line.contains("evt_1") && line.contains("domainName=acme.com"), "{line}");

    let forged: Vec<(&str, String)> = cmr::webhooks::signature_headers("not-the-secret", now, body.as_bytes()).into_iter().collect();
    assert_eq!(post(&rt, &url, body, &forged), 400);
    let why = l.err_line();
    assert!(why.contains("rejected") && why.contains("signature does not match"), "{why}");

    let tampered = body.replace("acme.com", "evil.com");
    assert_eq!(post(&rt, &url, &tampered, &valid), 400);
    assert!(l.err_line().contains("signature"));

    let stale: Vec<(&str, String)> = cmr::webhooks::signature_headers(secret, now - 3600, body.as_bytes()).into_iter().collect();
    assert_eq!(post(&rt, &url, body, &stale), 400);
    let why = l.err_line();
    assert!(why.contains("tolerance"), "{why}");

    assert_eq!(post(&rt, &url, body, &[]), 400);
    assert!(l.err_line().contains("missing"));

    // still alive and accepting after the rejections
    let body2 = r#"{"event":"mailbox.created","eventId":"evt_2","data":{"email":"a@acme.com"}}"#;
    let h: Vec<(&str, String)> = cmr::webhooks::signature_headers(secret, now, body2.as_bytes()).into_iter().collect();
    assert_eq!(post(&rt, &url, body2, &h), 200);
    assert!(l.line().contains("mailbox.created evt_2"));
}

#[test]
fn webhooks_listen_receives_sandbox_deliveries() {
    let secret = "sandbox-hook-secret";
    let mut l = Listener::start(secret);
    let e = Env::with(cmr_sandbox::SandboxOptions {
        port: 0,
        rate_limit: None,
        webhook_url: Some(format!("{}/webhooks", l.url)),
        webhook_secret: Some(secret.into()),
        ..Default::default()
    });
    e.provisioned("hooks@acme.example", "acme-hooks.com", &["ann"]);
    // Deliveries may arrive in any order: read until both kinds were printed.
    let mut seen: Vec<String> = Vec::new();
    let has = |seen: &[String], ev: &str| seen.iter().any(|s| s.contains(ev) && s.contains("acme-hooks.com"));
    while !(has(&seen, "domain.order.success") && has(&seen, "mailbox.created")) {
        let line = l.line();
        assert!(!line.is_empty(), "the listener stopped; saw {seen:?}");
        seen.push(line);
    }
}

// ------------------------------------------------------------------ bulk --

fn records_of(e: &Env, user: &str, domain: &str) -> Vec<(String, String)> {
    let v = e.json(&["dns", "list", "--user-id", user, "--domain", domain]);
    v["records"].as_array().unwrap().iter().map(|r| (r["host"].as_str().unwrap().to_string(), r["value"].as_str().unwrap().to_string())).collect()
}

#[test]
fn dns_import_with_injected_429s_lands_every_row_exactly_once() {
    let e = Env::new();
    let user = e.provisioned("bulk@acme.example", "acme-bulk.com", &["a"]);
    let before = records_of(&e, &user, "acme-bulk.com").len();
    let csv = e.file(
        "records.csv",
        "domain,host,type,value,priority\n\
         acme-bulk.com,imp1,TXT,one,\n\
         acme-bulk.com,imp2,TXT,two,\n\
         acme-bulk.com,mx-imp,MX,mx.example.net,10\n\
         acme-bulk.com,imp3,CNAME,target.example.net,\n",
    );
    let posts_before = e.hits("POST", "/dns");
    e.control("POST", "/faults", json!({"method": "POST", "path": "/dns", "count": 2, "kind": "status", "status": 429, "retryAfter": 0}));
    let report = e.dir.path().join("failures.csv");
    e.cmd()
        .args(["dns", "import", csv.to_str().unwrap(), "--user-id", &user, "--report", report.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("4 ok, 0 failed"));
    // One batch for the domain + 2 retried 429s
    assert_eq!(e.hits("POST", "/dns") - posts_before, 3);
    let recs = records_of(&e, &user, "acme-bulk.com");
    assert_eq!(recs.len(), before + 4, "{recs:?}");
    for (h, v) in [("imp1", "one"), ("imp2", "two"), ("mx-imp", "mx.example.net"), ("imp3", "target.example.net")] {
        assert_eq!(recs.iter().filter(|(rh, rv)| rh == h && rv == v).count(), 1, "{h} exactly once in {recs:?}");
    }
    let rep = std::fs::read_to_string(&report).unwrap();
    assert_eq!(rep.lines().count(), 1, "only the header: {rep}");
}

#[test]
fn dns_import_failure_report_then_resume() {
    let e = Env::new();
    let user = e.provisioned("resume@acme.example", "acme-resume.com", &["a"]);
    let report = e.dir.path().join("failures.csv");
    // r2 and r3 (one batch) meet a 500: a POST is not retried once the server
    // may have acted; the lookup shows neither was applied, so both fail.
    // r4 has a bad priority (refused before sending).
    let rest = e.file(
        "rest.csv",
        "domain,host,type,value,priority\n\
         acme-resume.com,r2,TXT,two,\n\
         acme-resume.com,r3,TXT,three,\n\
         acme-resume.com,r4,TXT,four,x\n",
    );
    e.control("POST", "/faults", json!({"method": "POST", "path": "/dns", "count": 1, "kind": "status", "status": 500}));
    e.cmd()
        .args(["--max-retries", "0", "dns", "import", rest.to_str().unwrap(), "--user-id", &user, "--report", report.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("0 ok, 3 failed"))
        .stderr(predicate::str::contains("3 of 3 rows failed"));
    let rep = std::fs::read_to_string(&report).unwrap();
    let mut lines: Vec<&str> = rep.lines().collect();
    assert_eq!(lines[0], "domain,host,type,value,priority,error");
    assert_eq!(lines.len(), 4, "{rep}");
    lines[1..].sort();
    assert!(lines[1].starts_with("acme-resume.com,r2,TXT,two,,Injected fault (500) (not applied"), "{rep}");
    assert!(lines[2].starts_with("acme-resume.com,r3,TXT,three,,"), "{rep}");
    assert!(lines[3].starts_with("acme-resume.com,r4,TXT,four,x,") && lines[3].contains("priority"), "{rep}");

    // fix row 4 in the report and feed it back: only the failed rows are sent
    std::fs::write(&report, rep.replace("four,x,", "four,,")).unwrap();
    let posts_before = e.hits("POST", "/dns");
    let report2 = e.dir.path().join("failures2.csv");
    e.cmd()
        .args(["dns", "import", report.to_str().unwrap(), "--user-id", &user, "--report", report2.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 ok, 0 failed"));
    assert_eq!(e.hits("POST", "/dns") - posts_before, 1, "the three failed rows, in one batch");
    let recs = records_of(&e, &user, "acme-resume.com");
    for (h, v) in [("r2", "two"), ("r3", "three"), ("r4", "four")] {
        assert_eq!(recs.iter().filter(|(rh, rv)| rh == h && rv == v).count(), 1, "{h} exactly once in {recs:?}");
    }
}

#[test]
fn mailboxes_bulk_update_from_csv() {
    let e = Env::new();
    let user = e.provisioned("mbx@acme.example", "acme-mbx.com", &["a", "b"]);
    let mbs = e.json(&["mailboxes", "list", "--user-id", &user]);
    let ids: Vec<String> = mbs.as_array().unwrap().iter().map(|m| m["mailboxId"].as_str().unwrap().to_string()).collect();
    let csv = e.file(
        "changes.csv",
        &format!(
            "mailboxId,userName,firstName,lastName,profilePicture\n{},,Alice,Anders,\n{},,Bob,Berg,\nNO_SUCH_MAILBOX_ID,,X,Y,\n",
            ids[0], ids[1]
        ),
    );
    let report = e.dir.path().join("mbx-failures.csv");
    e.cmd()
        .args(["mailboxes", "update", "--file", csv.to_str().unwrap(), "--user-id", &user, "--report", report.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("2 ok, 1 failed"));
    let rep = std::fs::read_to_string(&report).unwrap();
    assert_eq!(rep.lines().count(), 2, "{rep}");
    assert!(rep.lines().nth(1).unwrap().starts_with("NO_SUCH_MAILBOX_ID,"), "{rep}");
    e.control("POST", "/clock/advance", json!({"seconds": 60}));
    let one = e.json(&["mailboxes", "get", "--mailbox-id", &ids[0], "--user-id", &user]);
    assert_eq!(one["firstName"], "Alice", "{one}");
}

#[test]
fn orders_exports_prewarmup_and_misc_families() {
    let e = Env::new();
    let user = e.provisioned("fam@acme.example", "acme-fam.com", &["a", "b"]);

    // orders: create unconfirmed, process, status, get
    let order = json!({
        "domains": [{"domain": "acme-fam2.com", "years": 1}],
        "mailboxes": {"acme-fam2.com": [{"username": "c", "firstName": "C", "lastName": "D"}]},
        "confirm": false,
        "google": {"googleOauthRoute": "https://app.example.com/oauth", "clientId": "cid", "appName": "App"}
    });
    let f = e.file("order2.json", &order.to_string());
    let created = e.json(&["orders", "create", "--user-id", &user, "--file", f.to_str().unwrap()]);
    let order_id = created["orderId"].as_str().expect("orderId").to_string();
    assert_eq!(e.json(&["orders", "status", "--user-id", &user, "--order-id", &order_id])["status"], "CREATED");
    let processed = e.json(&["orders", "process", "--user-id", &user, "--order-id", &order_id]);
    assert!(processed["message"].is_string(), "{processed}");
    let got = e.json(&["orders", "get", "--user-id", &user, "--order-id", &order_id]);
    assert_eq!(got["orderId"], order_id.as_str());
    assert!(e.text(&["orders", "status", "--user-id", &user, "--order-id", &order_id]).contains(&order_id));

    // domains: suggest, renewal price
    let sugg = e.json(&["domains", "suggest", "--user-id", &user, "--query", "acmeoutreach", "--tld", "com,io"]);
    assert!(!sugg.as_array().unwrap().is_empty(), "{sugg}");
    assert!(e.text(&["domains", "suggest", "--user-id", &user, "--query", "acmeoutreach"]).contains("available"));
    let price = e.json(&["domains", "renewal-price", "--user-id", &user, "--domain", "acme-fam.com"]);
    assert_eq!(price[0]["domainName"], "acme-fam.com", "{price}");

    // exports
    let cred = e.json(&[
        "exports", "add-credential", "--user-id", &user, "--app", "EMAILBISON", "--email", "ops@acme.example",
        "--password", "pw-123", "--app-base-url", "https://send.example.com",
    ]);
    let cred_id = cred["credentialId"].as_str().expect("credentialId").to_string();
    let creds = e.json(&["exports", "list-credentials", "--user-id", &user]);
    assert_eq!(creds[0]["app"], "EMAILBISON", "{creds}");
    assert!(creds[0]["credentials"].as_array().unwrap().iter().any(|c| c["credentialId"] == cred_id.as_str()));
    assert!(e.text(&["exports", "list-credentials", "--user-id", &user]).contains("EMAILBISON"));
    let mbs = e.json(&["mailboxes", "list", "--user-id", &user]);
    let mb = mbs[0]["mailboxId"].as_str().unwrap().to_string();
    let ack = e.json(&["exports", "export-mailboxes", "--user-id", &user, "--credential-id", &cred_id, "--mailbox-id", &mb]);
    assert!(ack["message"].is_string(), "{ack}");
    e.json(&["exports", "remove-credential", "--user-id", &user, "--credential-id", &cred_id]);

    // prewarmup
    let inv = e.json(&["prewarmup", "list", "--limit", "2"]);
    assert_eq!(inv["items"].as_array().unwrap().len(), 2, "{inv}");
    assert!(inv["nextPage"].is_number(), "{inv}");
    let table = e.text(&["prewarmup", "list", "--limit", "2"]);
    assert!(table.contains("next: --page 2"), "{table}");
    let sbl = e.json(&["prewarmup", "sandbox-list", "--service-provider", "GOOGLE"]);
    let sb_domain = sbl[0]["domain"].as_str().expect("a sandbox domain").to_string();
    let po = json!({"order": [{"domain": sb_domain}], "serviceProvider": "GOOGLE",
                    "google": {"googleOauthRoute": "https://app.example.com/oauth", "clientId": "cid", "appName": "App"}});
    let pf = e.file("prewarm.json", &po.to_string());
    let placed = e.json(&["prewarmup", "sandbox-order", "--user-id", &user, "--scenario", "success", "--file", pf.to_str().unwrap()]);
    assert!(placed["message"].is_string(), "{placed}");
    e.json(&["prewarmup", "sandbox-reset"]);

    // subscriptions renew / cancel, send-error
    let subs = e.json(&["subscriptions", "list", "--domain", "acme-fam.com"]);
    let sub = subs["items"][0]["subscriptionId"].as_str().unwrap().to_string();
    assert!(e.json(&["subscriptions", "renew", "--subscription-id", &sub])["message"].is_string());
    assert!(e.json(&["subscriptions", "cancel", "--subscription-id", &sub])["message"].is_string());
    e.cmd().args(["subscriptions", "cancel"]).assert().code(2); // neither id nor domain: refused before sending
    let sent = e.json(&["send-error", "--message", "something broke", "--action-id", "ACT_1"]);
    assert!(sent["message"].is_string(), "{sent}");
}

#[test]
fn global_sandbox_flag_runs_an_embedded_seeded_sandbox() {
    let out = Command::cargo_bin("cmr").unwrap().env_remove("CMR_API_KEY").args(["--sandbox", "--json", "users", "list"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["items"].as_array().unwrap().is_empty(), "seeded: {v}");
}

#[test]
fn sandbox_command_prints_url_and_key_and_serves() {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("cmr"))
        .args(["sandbox", "--port", "0", "--no-rate-limit"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..4 {
        let mut s = String::new();
        out.read_line(&mut s).unwrap();
        lines.push(s);
    }
    let base = lines[1].split_whitespace().last().unwrap().to_string();
    let key = lines[2].split_whitespace().last().unwrap().to_string();
    assert!(lines[0].starts_with("cmr sandbox listening on http://127.0.0.1:"), "{lines:?}");
    assert!(lines[3].contains("webhook secret"), "{lines:?}");
    let r = Command::cargo_bin("cmr").unwrap().args(["--base-url", &base, "--api-key", &key, "--json", "geo", "countries"]).output().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn dns_import_is_paced_under_the_real_rate_limit() {
    // CMR's 5 req/s limit on, retries off: only pacing keeps every row from a 429.
    let e = Env::with(cmr_sandbox::SandboxOptions { port: 0, rate_limit: Some(5), ..Default::default() });
    let user = e.provisioned("paced@acme.example", "acme-paced.com", &["a"]);
    let mut csv = String::from("domain,host,type,value,priority\n");
    for i in 0..12 {
        csv.push_str(&format!("acme-paced.com,p{i},TXT,v{i},\n"));
    }
    let f = e.file("paced.csv", &csv);
    e.cmd()
        .args(["--max-retries", "0", "--json", "dns", "import", f.to_str().unwrap(), "--user-id", &user])
        .assert()
        .success();
    let log = e.control("GET", "/requests", Value::Null);
    let list = log.as_array().cloned().or_else(|| log.get("requests").and_then(Value::as_array).cloned()).unwrap();
    assert!(!list.iter().any(|r| r["status"] == 429), "no request was rate limited");
    let recs = records_of(&e, &user, "acme-paced.com");
    assert_eq!(recs.iter().filter(|(h, _)| h.starts_with('p')).count(), 12);
}

fn import_csv(e: &Env, name: &str, domain: &str, hosts: &[&str]) -> std::path::PathBuf {
    let mut csv = String::from("domain,host,type,value,priority\n");
    for h in hosts {
        csv.push_str(&format!("{domain},{h},TXT,val-{h},\n"));
    }
    e.file(name, &csv)
}

#[test]
fn dns_import_batches_rows_and_counts_them_not_requests() {
    let e = Env::new();
    let user = e.provisioned("batch@acme.example", "acme-batch.com", &["a"]);
    let hosts: Vec<String> = (0..25).map(|i| format!("b{i}")).collect();
    let f = import_csv(&e, "batch.csv", "acme-batch.com", &hosts.iter().map(String::as_str).collect::<Vec<_>>());
    let before = e.hits("POST", "/dns");
    let v: Value = serde_json::from_slice(
        &e.cmd().args(["--json", "dns", "import", f.to_str().unwrap(), "--user-id", &user, "--batch-size", "10"]).output().unwrap().stdout,
    )
    .unwrap();
    assert_eq!((v["ok"].as_u64(), v["total"].as_u64(), v["requests"].as_u64()), (Some(25), Some(25), Some(3)), "{v}");
    assert_eq!(e.hits("POST", "/dns") - before, 3);
    e.cmd().args(["dns", "import", f.to_str().unwrap(), "--user-id", &user, "--batch-size", "0"]).assert().code(2);
}

#[test]
fn dns_import_resumes_from_its_journal_and_never_resends_blindly() {
    let e = Env::new();
    let user = e.provisioned("journal@acme.example", "acme-journal.com", &["a"]);
    let f = import_csv(&e, "j.csv", "acme-journal.com", &["j1", "j2", "j3", "j4"]);
    // As a `kill -9` leaves it: row 1 done, rows 2 and 3 in flight. Row 2 had landed.
    e.json(&["dns", "add", "--user-id", &user, "--domain", "acme-journal.com", "--host", "j2", "--type", "TXT", "--value", "val-j2"]);
    let journal = e.dir.path().join("j.journal");
    std::fs::write(&journal, format!("cmr-journal v1 dns import user={user}\n1\tsending\t\n2\tsending\t\n3\tsending\t\n1\tok\t\n")).unwrap();
    let report = e.dir.path().join("fail.csv");
    let before = e.hits("POST", "/dns");
    e.cmd()
        .args(["dns", "import", f.to_str().unwrap(), "--user-id", &user, "--journal", journal.to_str().unwrap()])
        .args(["--report", report.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("3 ok, 0 failed, 1 maybe applied"));
    assert_eq!(e.hits("POST", "/dns") - before, 1, "only row 4 is sent");
    let recs = records_of(&e, &user, "acme-journal.com");
    assert_eq!(recs.iter().filter(|(h, _)| h == "j1" || h == "j3").count(), 0, "row 1 (journal: ok) and row 3 (maybe) are not sent");
    assert_eq!(recs.iter().filter(|(h, _)| h == "j2" || h == "j4").count(), 2);
    let maybe = std::fs::read_to_string(e.dir.path().join("fail.maybe-applied.csv")).unwrap();
    assert_eq!(maybe.lines().count(), 2, "{maybe}");
    assert!(maybe.lines().nth(1).unwrap().starts_with("acme-journal.com,j3,"), "{maybe}");
    assert_eq!(std::fs::read_to_string(&report).unwrap().lines().count(), 1, "maybe-applied rows are kept apart from failures");
    let j = std::fs::read_to_string(&journal).unwrap();
    assert!(j.contains("2\tok\t") && j.contains("3\tmaybe_applied\t") && j.contains("4\tok\t"), "{j}");
    // Another job's journal is refused rather than misread.
    e.cmd().args(["dns", "import", f.to_str().unwrap(), "--user-id", "OTHERUSER", "--journal", journal.to_str().unwrap()]).assert().code(2);
}

/// Start an import whose first batch hangs in the sandbox; return once the
/// request hangs in the sandbox.
fn import_in_flight(e: &Env, user: &str, name: &str) -> (std::process::Child, std::path::PathBuf, std::path::PathBuf) {
    let f = import_csv(e, &format!("{name}.csv"), "acme-kill.com", &[&format!("{name}1"), &format!("{name}2")]);
    e.control("POST", "/faults", json!({"method": "POST", "path": "/dns", "kind": "delay", "delayMs": 600000}));
    let journal = e.dir.path().join(format!("{name}.journal"));
    let report = e.dir.path().join(format!("{name}-fail.csv"));
    let child = StdCommand::new(assert_cmd::cargo::cargo_bin("cmr"))
        .env_remove("CMR_API_KEY")
        .args(["--base-url", &e.sb().base_url(), "--api-key", e.sb().api_key(), "dns", "import", f.to_str().unwrap()])
        .args(["--user-id", user, "--batch-size", "1", "--journal", journal.to_str().unwrap(), "--report", report.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // In flight means: journalled as sending AND arrived at the sandbox,
    // where it consumed the one-shot delay fault (the journal line is written
    // before the request leaves, so it alone would race a loaded machine).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !std::fs::read_to_string(&journal).unwrap_or_default().contains("1\tsending")
        || e.control("GET", "/faults", Value::Null) != json!([])
    {
        assert!(std::time::Instant::now() < deadline, "the import never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (child, f, journal)
}

#[cfg(unix)]
#[test]
fn sigterm_stops_an_import_like_ctrl_c_and_kill_9_loses_nothing() {
    let e = Env::new();
    let user = e.provisioned("kill@acme.example", "acme-kill.com", &["a"]);

    // SIGTERM: nothing new is sent, the row in flight is looked up and kept apart.
    let (child, _f, journal) = import_in_flight(&e, &user, "t");
    assert!(StdCommand::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 ok, 1 failed, 1 maybe applied"), "{stdout}");
    let j = std::fs::read_to_string(&journal).unwrap();
    assert!(j.contains("1\tmaybe_applied\tinterrupted") && j.contains("2\tfailed\tnot attempted"), "{j}");
    let maybe = std::fs::read_to_string(e.dir.path().join("t-fail.maybe-applied.csv")).unwrap();
    assert!(maybe.lines().nth(1).unwrap().starts_with("acme-kill.com,t1,"), "{maybe}");
    let failed = std::fs::read_to_string(e.dir.path().join("t-fail.csv")).unwrap();
    assert!(failed.lines().nth(1).unwrap().starts_with("acme-kill.com,t2,"), "{failed}");

    // kill -9: the journal already holds the row in flight; the next run looks
    // it up instead of sending it again, and sends the row never attempted.
    let (mut child, f, journal) = import_in_flight(&e, &user, "k");
    child.kill().unwrap();
    child.wait().unwrap();
    let before = e.hits("POST", "/dns");
    e.cmd()
        .args(["dns", "import", f.to_str().unwrap(), "--user-id", &user, "--journal", journal.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 ok, 0 failed, 1 maybe applied"));
    assert_eq!(e.hits("POST", "/dns") - before, 1, "only k2 is sent");
    let recs = records_of(&e, &user, "acme-kill.com");
    assert!(recs.iter().any(|(h, _)| h == "k2") && !recs.iter().any(|(h, _)| h == "k1"), "{recs:?}");
}

#[test]
fn dns_find_tells_whether_a_record_exists() {
    let e = Env::new();
    let user = e.provisioned("find@acme.example", "acme-find.com", &["a"]);
    e.json(&["dns", "add", "--user-id", &user, "--domain", "acme-find.com", "--host", "f1", "--type", "TXT", "--value", "hello"]);
    let found = e.json(&["dns", "find", "--user-id", &user, "--domain", "acme-find.com", "--type", "TXT", "--host", "f1", "--value", "hello"]);
    assert_eq!(found["host"], "f1", "{found}");
    let none = e.json(&["dns", "find", "--user-id", &user, "--domain", "acme-find.com", "--type", "TXT", "--host", "f1", "--value", "bye"]);
    assert_eq!(none, Value::Null);
}

#[test]
fn webhooks_listen_json_and_forward_to() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let secret = "fwd-secret";
    // the app behind: another listener, which verifies the forwarded delivery itself
    let mut app = Listener::start_with(secret, &["--json"]);
    let mut front = Listener::start_with(secret, &["--forward-to", &format!("{}/app", app.url)]);
    let body = r#"{"event":"subscription.renewal.success","eventId":"evt_9","data":{"subscriptionId":"S1","somethingNew":1}}"#;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let h: Vec<(&str, String)> = cmr::webhooks::signature_headers(secret, now, body.as_bytes()).into_iter().collect();
    assert_eq!(post(&rt, &format!("{}/in", front.url), body, &h), 200);
    let forwarded_line = app.line();
    let ev: Value = serde_json::from_str(&forwarded_line).expect("--json prints one JSON object per event");
    assert_eq!(ev["event"], "subscription.renewal.success");
    assert_eq!(ev["eventId"], "evt_9");
    assert_eq!(ev["data"]["type"], "subscription_renewal_success");
    assert_eq!(ev["raw"]["data"]["somethingNew"], 1, "unknown fields kept");
    assert!(front.line().starts_with("Forwarding verified deliveries to"));
    assert!(front.line().contains("subscription.renewal.success evt_9"));
    assert!(front.line().contains("forwarded to"));
}
