//! Auth, the envelope, and the users endpoints.
mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn auth_accepts_both_headers_and_rejects_others_with_the_envelope() {
    let t = start().await;
    let r = t.call_key(None, "GET", "/users/list", &[], None).await.expect(401);
    assert_eq!(r.body, json!({"status": 401, "message": "Invalid API Key", "data": null}));
    t.call_key(Some("wrong"), "GET", "/users/list", &[], None).await.expect(401);
    t.call_key(Some("cmr_test_key"), "GET", "/users/list", &[], None).await.expect(200);
    // The sandbox header works too.
    let r = t
        .http
        .get(format!("{}/users/list", t.sb.base_url()))
        .header("cmr-x-sandbox-api-key", "cmr_test_key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(t.sb.api_key(), "cmr_test_key");
    assert_eq!(t.sb.webhook_secret(), "cmr_test_key");
    assert!(t.sb.base_url().ends_with("/api/v1/integration"));
    assert_eq!(t.sb.url(), format!("http://127.0.0.1:{}", t.sb.port()));
}

#[tokio::test]
async fn custom_key_and_debug_redaction() {
    let t = start_with(cmr_sandbox::SandboxOptions { api_key: "sk_custom_123".into(), rate_limit: None, ..Default::default() }).await;
    t.get("/users/list", &[]).await.expect(401);
    t.call_key(Some("sk_custom_123"), "GET", "/users/list", &[], None).await.expect(200);
    let dbg = format!("{:?} {:?}", t.sb, cmr_sandbox::SandboxOptions { api_key: "sk_custom_123".into(), ..Default::default() });
    assert!(!dbg.contains("sk_custom_123"), "{dbg}");
}

#[tokio::test]
async fn user_crud_and_pagination() {
    let t = start().await;
    let id = t.create_user("a@acme.com").await;
    assert_eq!(id.len(), 28);
    assert!(id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    let u = t.get("/users", &[("userId", &id)]).await.ok();
    assert_eq!(u.data()["email"], "a@acme.com");
    assert_eq!(u.data()["country"], "US");
    // The core's model decodes it.
    let user: cmr::models::User = serde_json::from_value(u.data().clone()).unwrap();
    assert_eq!(user.id, id);

    for i in 0..4 {
        t.create_user(&format!("p{i}@acme.com")).await;
    }
    let p1 = t.get("/users/list", &[("page", "1"), ("limit", "2")]).await.ok();
    assert_eq!(p1.data()["users"].as_array().unwrap().len(), 2);
    assert_eq!(p1.data()["pagination"]["totalSearchedCount"], 5);
    assert_eq!(p1.data()["pagination"]["totalPages"], 3);
    assert_eq!(p1.data()["pagination"]["nextPage"], 2);
    let page: cmr::models::Page<cmr::models::User> = cmr::pagination::decode_page(p1.data(), "users", 1).unwrap();
    assert_eq!((page.next_page, page.total_count), (Some(2), Some(5)));
    let p3 = t.get("/users/list", &[("page", "3"), ("limit", "2")]).await.ok();
    assert_eq!(p3.data()["users"].as_array().unwrap().len(), 1);
    assert_eq!(p3.data()["pagination"]["nextPage"], json!(null));
    let s = t.get("/users/list", &[("search", "p3@")]).await.ok();
    assert_eq!(s.data()["users"].as_array().unwrap().len(), 1);
    t.get("/users/list", &[("limit", "101")]).await.expect(400);
    t.get("/users/list", &[("page", "0")]).await.expect(400);

    let r = t.call("PUT", "/users", &[("userId", &id)], Some(json!({"city": "Dallas"}))).await.ok();
    assert_eq!(r.msg(), "User credentials updated");
    assert_eq!(t.get("/users", &[("userId", &id)]).await.data()["city"], "Dallas");
    t.call("PUT", "/users", &[("userId", &id)], Some(json!({}))).await.expect(400);

    let r = t.call("DELETE", "/users", &[("userId", &id)], None).await.ok();
    assert_eq!(r.msg(), "User successfully deleted");
    assert!(r.body.get("data").is_none(), "Delete User answers without a data key: {}", r.body);
    t.get("/users", &[("userId", &id)]).await.expect(404);
}

#[tokio::test]
async fn duplicate_email_is_409_on_create_and_update() {
    let t = start().await;
    t.create_user("dup@acme.com").await;
    let other = t.create_user("other@acme.com").await;
    t.post("/users", &[], user_body("DUP@acme.com")).await.expect(409);
    t.call("PUT", "/users", &[("userId", &other)], Some(json!({"email": "dup@acme.com"}))).await.expect(409);
    // Keeping one's own e-mail is fine.
    t.call("PUT", "/users", &[("userId", &other)], Some(json!({"email": "other@acme.com"}))).await.expect(200);
}

#[tokio::test]
async fn unknown_user_is_404_with_the_documented_message() {
    let t = start().await;
    let ghost = "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZ";
    for (m, p) in [("GET", "/users"), ("PUT", "/users"), ("GET", "/mailboxes/single"), ("GET", "/exports/platform-credentials")] {
        let body = if m == "PUT" { Some(json!({"city": "X"})) } else { None };
        let r = t.call(m, p, &[("userId", ghost)], body).await.expect(404);
        assert_eq!(r.msg(), "The requested user does not exist.", "{m} {p}");
    }
    // Delete User documents its own 404 message.
    let r = t.call("DELETE", "/users", &[("userId", ghost)], None).await.expect(404);
    assert_eq!(r.msg(), "Record Not Found");
    // ... but domains.list answers an empty list.
    let r = t.get("/domains/by-user", &[("userId", ghost)]).await.ok();
    assert_eq!(r.data()["domains"], json!([]));
    let r = t.get("/users", &[]).await.expect(400);
    assert_eq!(r.msg(), "Please provide a userId");
}

#[tokio::test]
async fn user_with_resources_cannot_be_deleted() {
    let t = start().await;
    let uid = t.create_user("owner@acme.com").await;
    t.order_and_complete(&uid, "owner-shop.com", &["a", "b"]).await;
    let r = t.call("DELETE", "/users", &[("userId", &uid)], None).await.expect(400);
    assert!(r.msg().contains("mailboxCount=2") && r.msg().contains("domainCount=1"), "{}", r.msg());
    assert_eq!(r.data()["mailboxCount"], 2);
    // Cancel (removes mailboxes), remove the domain, then delete works.
    t.post("/subscriptions/cancel", &[], json!({"domain": "owner-shop.com"})).await.ok();
    let r = t.call("DELETE", "/users", &[("userId", &uid)], None).await.expect(400);
    assert!(r.msg().contains("mailboxCount=0") && r.msg().contains("domainCount=1"), "{}", r.msg());
    t.call("DELETE", "/domains/remove", &[("userId", &uid)], Some(json!({"domains": ["owner-shop.com"]}))).await.ok();
    t.call("DELETE", "/users", &[("userId", &uid)], None).await.ok();
}

#[tokio::test]
async fn user_validation() {
    let t = start().await;
    let mut b = user_body("bad-email");
    t.post("/users", &[], b.clone()).await.expect(400);
    b["email"] = json!("x@y.com");
    b["country"] = json!("XX");
    t.post("/users", &[], b.clone()).await.expect(400);
    b["country"] = json!("US");
    b.as_object_mut().unwrap().remove("phone");
    let r = t.post("/users", &[], b).await.expect(400);
    assert!(r.msg().contains("phone"), "{}", r.msg());
}

#[tokio::test]
async fn geo_and_wallet_and_send_error() {
    let t = start().await;
    let c = t.get("/geo/countries", &[]).await.ok();
    assert_eq!(c.data()["United States"], "US");
    let s = t.get("/geo/states", &[("countryCode", "us")]).await.ok();
    assert_eq!(s.data()["Texas"], "TX");
    t.get("/geo/states", &[]).await.expect(400);
    t.get("/geo/states", &[("countryCode", "QQ")]).await.expect(404);
    let w = t.get("/wallet", &[]).await.ok();
    assert_eq!(w.data()["balance"], json!(cmr_sandbox::DEFAULT_WALLET_BALANCE));
    let wal: cmr::models::Wallet = serde_json::from_value(w.data().clone()).unwrap();
    assert_eq!(wal.balance, Some(cmr_sandbox::DEFAULT_WALLET_BALANCE));
    t.post("/send-error", &[], json!({"message": "boom", "actionId": "ACT_x"})).await.ok();
    t.post("/send-error", &[], json!({})).await.expect(400);
}

#[test]
fn start_blocking_works_from_sync_code() {
    let sb = cmr_sandbox::start_blocking(cmr_sandbox::SandboxOptions::default()).unwrap();
    let url = format!("{}/__sandbox/clock", sb.url());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let v: serde_json::Value = rt.block_on(async { cmr::http::client().get(&url).send().await.unwrap().json().await.unwrap() });
    assert!(v["now"].as_str().unwrap().ends_with('Z'));
    sb.shutdown_blocking();
    let err = rt.block_on(async { cmr::http::client().get(&url).send().await });
    assert!(err.is_err(), "the server is gone after shutdown");
}

/// The two documented pages (Update User, Delete User) answered exactly as
/// the docs show them (`shared/cmr-api/users.md`, `examples/users.*.json`).
#[tokio::test]
async fn update_and_delete_user_answer_as_documented() {
    let t = start().await;
    let uid = t.create_user("doc@acme.com").await;
    let other = t.create_user("taken@acme.com").await;
    let r = t.call("PUT", "/users", &[("userId", &uid)], Some(json!({"city": "Dallas"}))).await.expect(200);
    assert_eq!(r.body, json!({"status": 200, "message": "User credentials updated", "data": null}));
    let r = t.call("PUT", "/users", &[("userId", &uid)], Some(json!({"email": "taken@acme.com"}))).await.expect(409);
    assert_eq!(r.msg(), "Email already exists");
    let r = t.call("DELETE", "/users", &[("userId", &other)], None).await.expect(200);
    assert_eq!(r.body, json!({"status": 200, "message": "User successfully deleted"}));
}

/// The docs' auth panel allows the key as a query parameter too.
#[tokio::test]
async fn the_key_is_accepted_as_a_query_parameter_and_never_logged() {
    let t = start().await;
    let url = format!("{}/users/list?cmr-x-api-key={}", t.sb.base_url(), t.sb.api_key());
    let resp = cmr::http::client().get(&url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let bad = format!("{}/users/list?cmr-x-api-key=nope", t.sb.base_url());
    assert_eq!(cmr::http::client().get(&bad).send().await.unwrap().status().as_u16(), 401);
    let log = cmr::http::client().get(format!("{}/__sandbox/requests", t.sb.url())).send().await.unwrap().text().await.unwrap();
    assert!(!log.contains(t.sb.api_key()), "the key is not in the request log: {log}");
    assert!(!log.contains("cmr-x-api-key"), "{log}");
}
