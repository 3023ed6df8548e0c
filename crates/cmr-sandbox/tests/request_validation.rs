//! Requests are checked against the operation's schemas (the ones
//! spec/openapi.json is generated from) before any handler runs: a refused
//! request answers 400 in CMR's envelope naming the field, and changes
//! nothing; a valid one (unknown fields included) is unaffected.
mod common;
use common::*;
use serde_json::{json, Value};

use cmr_sandbox::validate::{for_route, RouteValidator};

#[track_caller]
fn refused(r: Resp, field: &str, reason: &str) {
    let r = r.expect(400);
    assert_eq!(r.body["data"], Value::Null, "{}", r.body);
    let msg = r.msg();
    assert!(msg.starts_with("Invalid request body: "), "{msg}");
    assert!(msg.contains(&format!("field {field} ")), "names {field}: {msg}");
    assert!(msg.contains(reason), "says {reason}: {msg}");
}

#[test]
fn every_route_schema_uses_only_keywords_the_validator_enforces() {
    for r in cmr::routes::ALL {
        let v = RouteValidator::new(r);
        assert!(v.unsupported_keywords().is_empty(), "{}: {:?}", r.op, v.unsupported_keywords());
    }
}

#[tokio::test]
async fn missing_required_field_is_refused_before_the_handler() {
    let t = start().await;
    let before = t.get("/users/list", &[]).await.ok().data()["users"].as_array().unwrap().len();
    let mut body = user_body("nomail@acme.com");
    body.as_object_mut().unwrap().remove("email");
    refused(t.post("/users", &[], body).await, "/email", "is required");
    // Nested: a mailbox of an order without its lastName.
    let uid = t.create_user("nested@acme.com").await;
    let order = json!({"domains": [{"domain": "nested.com", "years": 1}],
                       "mailboxes": {"nested.com": [{"username": "a", "firstName": "A"}]}, "confirm": true});
    refused(t.post("/orders/json", &[("userId", &uid)], order).await, "/mailboxes/nested.com/0/lastName", "is required");
    // Nothing was applied.
    let after = t.get("/users/list", &[]).await.ok().data()["users"].as_array().unwrap().len();
    assert_eq!(after, before + 1, "only the valid create_user applied");
    assert!(t.get("/domains/by-user", &[("userId", &uid)]).await.ok().data().as_array().is_none_or(|d| d.is_empty()));
}

#[tokio::test]
async fn wrong_types_are_refused_naming_the_field() {
    let t = start().await;
    // An unknown user would be the handler's 404: the schema answers first.
    let r = t.call("PUT", "/users", &[("userId", "ghost")], Some(json!({"email": 5}))).await;
    refused(r, "/email", "must be string or null (got number)");
    let seed = t.ctl("POST", "/seed", None).await;
    let uid = seed["userId"].as_str().unwrap();
    let domain = seed["domain"].as_str().unwrap();
    // Array item types, through $ref (NewDnsRecord), with an Option<u32>.
    let r = t.post("/dns", &[("userId", uid)], json!({"domain": domain, "records": [
        {"recordType": "TXT", "host": "@", "value": "ok"},
        {"recordType": "TXT", "host": "@", "value": "v", "priority": "ten"},
    ]})).await;
    refused(r, "/records/1/priority", "must be integer or null (got string)");
    let r = t.post("/dns", &[("userId", uid)], json!({"domain": domain, "records": [{"recordType": "TXT", "host": "@", "value": "v", "priority": -1}]})).await;
    refused(r, "/records/0/priority", "must be at least 0");
    let r = t.call("PATCH", "/domains/toggle-auto-renew", &[], Some(json!({"userId": uid, "autoRenew": "yes"}))).await;
    refused(r, "/autoRenew", "must be boolean (got string)");
    // A whole body of the wrong kind.
    let r = t.call("POST", "/subscriptions/cancel", &[], Some(json!([1]))).await.expect(400);
    assert_eq!(r.msg(), "Request body must be a JSON object");
    let r = t.call("POST", "/subscriptions/cancel", &[], None).await.expect(400);
    assert_eq!(r.msg(), "Request body is required");
    // The records are unchanged.
    let records = t.get("/dns", &[("userId", uid), ("domain", domain)]).await.ok();
    assert!(!records.body.to_string().contains("\"ok\""), "the valid first record was not added either: {}", records.body);
}

#[tokio::test]
async fn variants_of_one_path_are_checked_as_one_of_them() {
    // mailboxes.update {mailboxData: {...}} and update_many {mailboxData: [...]}.
    let t = start().await;
    let seed = t.ctl("POST", "/seed", None).await;
    let uid = seed["userId"].as_str().unwrap();
    let mb = seed["mailboxIds"][0].as_str().unwrap();
    let path = "/mailboxes/update-mailbox-details";
    let r = t.call("PATCH", path, &[("userId", uid)], Some(json!({"mailboxData": "x"}))).await.expect(400);
    assert!(r.msg().contains("field /mailboxData must be"), "{}", r.msg());
    let r = t.call("PATCH", path, &[("userId", uid)], Some(json!({"mailboxData": [{"mailboxId": mb}, {"firstName": "X"}]}))).await;
    refused(r, "/mailboxData/1/mailboxId", "is required");
    t.call("PATCH", path, &[("userId", uid)], Some(json!({"mailboxData": {"mailboxId": mb, "firstName": "Ann"}}))).await.ok();
    t.call("PATCH", path, &[("userId", uid)], Some(json!({"mailboxData": [{"mailboxId": mb, "lastName": "Lee"}]}))).await.ok();
}

#[tokio::test]
async fn open_enums_accept_unknown_values_and_closed_ones_are_enforced() {
    // Every enum of the request models is open in the spec (`anyOf` [the
    // known values, any string], `x-open-enum`): an unknown value passes
    // the schema and reaches the handler, which answers with its own rule.
    let t = start().await;
    let seed = t.ctl("POST", "/seed", None).await;
    let uid = seed["userId"].as_str().unwrap();
    let r = t.post("/dns", &[("userId", uid)], json!({"domain": seed["domain"], "records": [{"recordType": "SPF", "host": "@", "value": "v"}]})).await;
    assert!(!r.msg().starts_with("Invalid request body: field"), "{}", r.body);
    // But the enum's type still is: a number is no record type.
    let r = t.post("/dns", &[("userId", uid)], json!({"domain": seed["domain"], "records": [{"recordType": 3, "host": "@", "value": "v"}]})).await;
    refused(r, "/records/0/recordType", "must be string (got number)");
    // A closed enum (no such request field today) refuses an unknown value:
    // the same validator, on a schema closed like the spec would write it.
    let v = RouteValidator::from_schema(json!({"type": "object", "properties": {"cycle": {"$ref": "#/$defs/Cycle"}}, "required": ["cycle"]}),
        json!({"Cycle": {"type": "string", "enum": ["MONTHLY", "YEARLY"]}}));
    assert_eq!(v.check_body_value(&json!({"cycle": "YEARLY"})), Ok(()));
    let e = v.check_body_value(&json!({"cycle": "WEEKLY"})).unwrap_err();
    assert_eq!(e.pointer, "/cycle");
    assert_eq!(e.reason, r#"must be one of "MONTHLY", "YEARLY" (got "WEEKLY")"#);
    let v = RouteValidator::from_schema(json!({"type": "object", "properties": {"cycle": {"anyOf": [{"$ref": "#/$defs/Cycle"}, {"type": "null"}]}}}),
        json!({"Cycle": {"oneOf": [{"const": "MONTHLY"}, {"const": "YEARLY"}]}}));
    assert_eq!(v.check_body_value(&json!({"cycle": null})), Ok(()));
    assert_eq!(v.check_body_value(&json!({"cycle": "MONTHLY"})), Ok(()));
    assert_eq!(v.check_body_value(&json!({"cycle": "WEEKLY"})).unwrap_err().pointer, "/cycle");
}

#[tokio::test]
async fn missing_required_query_parameter_is_refused() {
    let t = start().await;
    // The handler would first look the (unknown) user up: 404. The schema's
    // required mailboxId answers first, with the message of the table.
    let r = t.get("/mailboxes/admin-mailbox-details", &[("userId", "ghost")]).await.expect(400);
    assert_eq!(r.msg(), "Please provide a mailboxId");
    let r = t.get("/geo/states", &[]).await.expect(400);
    assert_eq!(r.msg(), "Please provide a countryCode");
    let r = t.call("DELETE", "/dns", &[("userId", "ghost"), ("recordId", " ")], None).await.expect(400);
    assert_eq!(r.msg(), "Please provide a recordId");
    // An optional one may be left out.
    let seed = t.ctl("POST", "/seed", None).await;
    t.get("/mailboxes/mailbox", &[("mailboxId", seed["mailboxIds"][0].as_str().unwrap())]).await.ok();
}

#[tokio::test]
async fn valid_requests_with_unknown_fields_are_unaffected() {
    let t = start().await;
    let mut body = user_body("extra@acme.com");
    body["nickname"] = json!("JD");
    body["addressLineTwo"] = Value::Null;
    let uid = t.post("/users", &[], body).await.ok().data()["id"].as_str().unwrap().to_string();
    let r = t.post("/orders/json", &[("userId", &uid)], json!({
        "domains": [{"domain": "valid-extra.com", "years": 1, "futureFlag": true}],
        "mailboxes": {"valid-extra.com": [{"username": "a", "firstName": "A", "lastName": "B"}]},
        "confirm": true, "billingCycle": "MONTHLY", "serviceProvider": "GOOGLE", "somethingNew": {"x": 1},
    })).await.ok();
    assert!(r.data()["orderId"].is_string(), "{}", r.body);
    t.advance(60.0).await;
    assert_eq!(t.mailboxes_of(&uid).await.len(), 1);
}

#[tokio::test]
async fn multipart_fields_are_checked_and_files_left_to_the_handler() {
    let t = start().await;
    let seed = t.ctl("POST", "/seed", None).await;
    let uid = seed["userId"].as_str().unwrap();
    let send = |form: reqwest::multipart::Form| {
        t.http
            .post(format!("{}/orders/add-mailboxes", t.sb.base_url()))
            .query(&[("userId", uid)])
            .header("cmr-x-api-key", "cmr_test_key")
            .multipart(form)
            .send()
    };
    // subscriptionId is required by AddMailboxesToSubscription.
    let form = reqwest::multipart::Form::new()
        .text("mailboxes", json!({"x.com": [{"username": "a", "firstName": "A", "lastName": "B"}]}).to_string())
        .part("a@x.com", reqwest::multipart::Part::bytes(vec![1, 2, 3]).file_name("a.png").mime_str("image/png").unwrap());
    let r = send(form).await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["message"], "Invalid request body: field /subscriptionId is required", "{v}");
    // The JSON parts are checked like a JSON body.
    let form = reqwest::multipart::Form::new()
        .text("subscriptionId", seed["subscriptionId"].as_str().unwrap().to_string())
        .text("mailboxes", json!({"x.com": [{"username": 1, "firstName": "A", "lastName": "B"}]}).to_string());
    let v: Value = send(form).await.unwrap().json().await.unwrap();
    assert_eq!(v["message"], "Invalid request body: field /mailboxes/x.com/0/username must be string (got number)", "{v}");
}

/// Every documented request example (tests/fixtures, the file prefixes of
/// scripts/validate_spec_examples.py) passes the sandbox's validation.
#[test]
fn every_documented_request_example_passes() {
    const OPERATIONS: &[(&str, &str, &str)] = &[
        ("users.create", "POST", "/users"),
        ("users.update", "PUT", "/users"),
        ("domains.renewal-price", "POST", "/domains/renewal-price"),
        ("domains.toggle-auto-renew", "PATCH", "/domains/toggle-auto-renew"),
        ("dns.add.request", "POST", "/dns"),
        ("dns.update", "PUT", "/dns"),
        ("export.platform-credential.add", "POST", "/exports/platform-credential"),
        ("mailboxes.remove", "DELETE", "/mailboxes/remove"),
        ("mailboxes.update", "PATCH", "/mailboxes/update-mailbox-details"),
        ("orders.json", "POST", "/orders/json"),
        ("prewarmup.order", "POST", "/pre-warmup/order"),
        ("subscriptions.cancel", "POST", "/subscriptions/cancel"),
        ("subscriptions.recreate", "POST", "/component/subscriptions/recreate"),
        ("subscriptions.renew", "POST", "/subscriptions/renew-subscriptions"),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let requests: Vec<&String> = names.iter().filter(|n| n.contains(".request")).collect();
    let mut checked = 0;
    for name in &requests {
        let (prefix, method, path) = OPERATIONS
            .iter()
            .filter(|(p, _, _)| name.starts_with(&format!("{p}.")))
            .max_by_key(|(p, _, _)| p.len())
            .unwrap_or_else(|| panic!("{name}: a request example of no known operation"));
        assert!(prefix.ends_with(".request") || name[prefix.len() + 1..].starts_with("request"), "{name}");
        let route = cmr::routes::ALL.iter().find(|r| r.method.as_str() == *method && r.path == *path).unwrap();
        let body: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
        if let Err(e) = for_route(route).check_body_value(&body) {
            panic!("{name}: {} {}", e.pointer, e.reason);
        }
        checked += 1;
    }
    assert!(checked > 0 && checked == requests.len(), "{checked} of {} request examples checked", requests.len());
}
