//! Bad input never produces a 5xx or a panic: a sweep over every route of
//! the table with malformed, mistyped, oversized and mislabelled requests.
mod common;
use common::*;
use serde_json::{json, Value};

fn method(m: cmr::routes::Method) -> reqwest::Method {
    m.as_str().parse().unwrap()
}

async fn check(t: &T, req: reqwest::RequestBuilder, what: &str) -> u16 {
    let r = req.send().await.unwrap_or_else(|e| panic!("{what}: no answer: {e}"));
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert!(status < 500, "{what}: {status} {text}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: not JSON: {text}"));
    assert_eq!(v["status"], json!(status), "{what}: envelope status: {text}");
    assert!(v["message"].is_string(), "{what}: {text}");
    let _ = t;
    status
}

#[tokio::test]
async fn every_route_is_served_and_survives_bad_input() {
    let t = start().await;
    let seed = t.ctl("POST", "/seed", None).await;
    let uid = seed["userId"].as_str().unwrap().to_string();
    let key = "cmr_test_key";
    let wrong_types = json!({
        "email": 5, "company": [], "domains": "x", "domain": 7, "records": {}, "mailboxData": 7,
        "subscriptionIds": "x", "subscriptionId": 9, "domainId": [], "order": 3, "credentials": [], "metadata": 1,
        "app": {}, "mailboxes": [1], "confirm": "maybe", "years": "ten", "userId": 12, "orderId": {}, "mailboxId": false,
        "autoRenew": "yes", "serviceProvider": 3, "query": [], "credentialId": 1, "componentMailboxIds": "x",
        "message": 4, "scenario": 1, "domainNames": 1, "recordId": [], "host": 1, "value": 2, "recordType": 3,
    });
    let big = "x".repeat(cmr_sandbox::MAX_BODY_BYTES + 10);
    for r in cmr::routes::ALL {
        let url = format!("{}{}", t.sb.base_url(), r.path);
        let m = method(r.method);
        let name = format!("{} {} {}", r.op, r.method.as_str(), r.path);
        // Nothing at all.
        check(&t, t.http.request(m.clone(), &url).header("cmr-x-api-key", key), &format!("{name} (empty)")).await;
        // Unknown user, junk ids and junk paging.
        let junk = [("userId", "ghost"), ("page", "abc"), ("limit", "-1"), ("recordId", ""), ("orderId", "?"), ("mailboxId", "%"), ("countryCode", "1"), ("credentialId", "x"), ("status", "WHAT"), ("serviceProvider", "AOL")];
        check(&t, t.http.request(m.clone(), &url).header("cmr-x-api-key", key).query(&junk), &format!("{name} (junk query)")).await;
        let q = [("userId", uid.as_str())];
        for (label, body, ct) in [
            ("malformed JSON", "{\"a\":".to_string(), "application/json"),
            ("array body", "[1,2]".to_string(), "application/json"),
            ("string body", "\"x\"".to_string(), "application/json"),
            ("null body", "null".to_string(), "application/json"),
            ("wrong types", wrong_types.to_string(), "application/json"),
            ("empty object", "{}".to_string(), "application/json"),
            ("text/plain", "hello".to_string(), "text/plain"),
            ("bad multipart", "--x\r\nbroken".to_string(), "multipart/form-data; boundary=x"),
            ("deep nesting", "[".repeat(100_000), "application/json"),
        ] {
            let req = t.http.request(m.clone(), &url).header("cmr-x-api-key", key).header("content-type", ct).query(&q).body(body);
            check(&t, req, &format!("{name} ({label})")).await;
        }
        if r.body != cmr::routes::BodyKind::None {
            let req = t.http.request(m.clone(), &url).header("cmr-x-api-key", key).header("content-type", "application/json").query(&q).body(big.clone());
            assert_eq!(check(&t, req, &format!("{name} (oversized)")).await, 413);
        }
    }
    // Never a 501: every op of the table is implemented.
    let log: Vec<Value> = t.ctl("GET", "/requests", None).await.as_array().unwrap().clone();
    assert!(log.iter().all(|l| l["status"] != 501));
    for r in cmr::routes::ALL {
        assert!(log.iter().any(|l| l["path"] == r.path), "{} never reached", r.op);
    }
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_answer_envelopes() {
    let t = start().await;
    let r = t.get("/no/such/route", &[]).await.expect(404);
    assert!(r.msg().contains("Route not found"));
    let r = t.call("PATCH", "/users", &[], None).await.expect(405);
    assert!(r.msg().contains("PATCH"));
    let r = t.http.get(format!("{}/favicon.ico", t.sb.url())).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], 404);
}

#[tokio::test]
async fn wrong_content_type_is_415_and_bad_json_is_400() {
    let t = start().await;
    let url = format!("{}/users", t.sb.base_url());
    let r = t.http.post(&url).header("cmr-x-api-key", "cmr_test_key").header("content-type", "text/xml").body("<a/>").send().await.unwrap();
    assert_eq!(r.status(), 415);
    let r = t.http.post(&url).header("cmr-x-api-key", "cmr_test_key").header("content-type", "application/json").body("{").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().starts_with("Malformed JSON body"));
}
