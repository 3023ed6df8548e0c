//! `cmr -v` / `-vv`: the core's request log on stderr (issue #14).

mod common;

use common::Env;
use serde_json::json;

fn stderr_of(e: &Env, args: &[&str]) -> (Option<i32>, String) {
    let out = e.cmd().env_remove("CMR_LOG").args(args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

fn log_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("cmr ")).collect()
}

#[test]
fn v_logs_a_retried_call_and_a_failing_call_without_the_key() {
    let e = Env::new();
    let key = e.sb().api_key().to_string();
    e.control("POST", "/faults", json!({"method": "GET", "path": "/wallet", "count": 1, "kind": "status", "status": 503}));
    let (code, err) = stderr_of(&e, &["-v", "wallet", "get"]);
    assert_eq!(code, Some(0), "{err}");
    let lines = log_lines(&err);
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("cmr info: GET ") && lines[0].contains("/wallet -> 503"), "{err}");
    assert!(lines[0].contains("(attempt 1)") && lines[0].contains("retrying in"), "{err}");
    assert!(lines[1].contains("/wallet -> 200") && lines[1].contains("(attempt 2)"), "{err}");

    let (code, err) = stderr_of(&e, &["-v", "users", "get", "--user-id", "USR_missing"]);
    assert_ne!(code, Some(0));
    let lines = log_lines(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("-> 404") && lines[0].contains("not retried: not retryable"), "{err}");
    assert!(!err.contains(&key), "{err}");
}

#[test]
fn vv_adds_bodies_and_no_flag_logs_nothing() {
    let e = Env::new();
    let key = e.sb().api_key().to_string();
    let (code, err) = stderr_of(&e, &["-vv", "users", "get", "--user-id", &key]);
    assert_ne!(code, Some(0));
    assert!(log_lines(&err).iter().any(|l| l.starts_with("cmr debug: response GET")), "{err}");
    let logged = log_lines(&err).join("\n");
    assert!(logged.contains("****") && !logged.contains(&key), "the key, even passed as an id, is scrubbed: {logged}");

    let (code, err) = stderr_of(&e, &["wallet", "get"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(log_lines(&err).is_empty(), "{err}");
}
