//! Bulk helpers (`dns.add_many`, `mailboxes.update_all`, `dns.find`) and
//! pacing at the rate limit, against the sandbox over loopback.

mod common;

use cmr::models::*;
use cmr_sandbox::SandboxOptions;
use common::*;
use serde_json::{json, Value};

fn txt(domain: &str, host: &str, value: &str) -> BulkDnsRecord {
    BulkDnsRecord {
        domain: domain.into(),
        host: host.into(),
        value: value.into(),
        record_type: RecordType::Txt,
        ..Default::default()
    }
}

async fn seeded(e: &Env) -> Value {
    e.control("POST", "/seed", Value::Null).await
}

async fn statuses(e: &Env) -> Vec<u64> {
    let log = e.control("GET", "/requests", Value::Null).await;
    let list = log.as_array().cloned().or_else(|| log.get("requests").and_then(Value::as_array).cloned()).unwrap_or_default();
    list.iter().filter_map(|r| r["status"].as_u64()).collect()
}

fn opts(n: u32) -> BulkOptions {
    BulkOptions { batch_size: Some(n) }
}

#[tokio::test]
async fn add_many_sends_batches_per_domain_and_maps_every_record() {
    let e = env().await;
    let user = e.user("bulk@acme.com").await;
    for d in ["one-bulk.com", "two-bulk.com"] {
        e.client.orders().create(&user.id, &order(d, &["a"])).await.expect("order accepted");
    }
    e.advance(60).await;
    // Interleaved domains: grouped into one request per domain per batch.
    let records: Vec<BulkDnsRecord> = (0..60)
        .map(|i| txt(if i % 2 == 0 { "one-bulk.com" } else { "two-bulk.com" }, &format!("h{i}"), &format!("v={i}")))
        .collect();
    let before = e.hits("POST", "/dns").await;
    let r = e.client.dns().add_many(&user.id, &records, &opts(20)).await.unwrap();
    assert_eq!((r.succeeded, r.failed, r.maybe_applied), (60, 0, 0));
    assert_eq!(e.hits("POST", "/dns").await - before, 4, "30 per domain in batches of 20: 2 + 2 requests");
    assert_eq!(r.requests, 4);
    // Every result sits at its input position with the id of the record made from it.
    let listed = e.client.dns().list(&user.id, "one-bulk.com").await.unwrap().records;
    for item in &r.items {
        let input = &records[item.index as usize];
        assert_eq!(item.status, BulkItemStatus::Succeeded);
        if input.domain == "one-bulk.com" {
            let rec = listed.iter().find(|x| Some(&x.record_id) == item.id.as_ref()).expect("the id is a record of the domain");
            assert_eq!((rec.host.as_str(), rec.value.as_str()), (input.host.as_str(), input.value.as_str()));
        }
    }
}

#[tokio::test]
async fn invalid_rows_fail_alone_before_sending() {
    let e = env().await;
    let s = seeded(&e).await;
    let (uid, dom) = (s["userId"].as_str().unwrap(), s["domain"].as_str().unwrap());
    let records = vec![txt(dom, "a", "1"), txt(dom, "", "2"), txt("not a domain", "c", "3"), txt(dom, "d", "4")];
    let r = e.client.dns().add_many(uid, &records, &BulkOptions::default()).await.unwrap();
    let st: Vec<_> = r.items.iter().map(|i| i.status.clone()).collect();
    use BulkItemStatus::*;
    assert_eq!(st, vec![Succeeded, Failed, Failed, Succeeded]);
    assert!(r.items[1].message.as_deref().unwrap().contains("host"));
    assert_eq!(e.hits("POST", "/dns").await, 1);
    // An invalid user id is the only whole-job error, raised before any request.
    let err = e.client.dns().add_many("", &records, &BulkOptions::default()).await.unwrap_err();
    assert_eq!(err.kind(), cmr::ErrorKind::Validation);
    assert!(e.client.dns().add_many(uid, &records, &opts(0)).await.is_err());
}

#[tokio::test]
async fn a_batch_refused_as_too_large_is_split_and_nothing_is_duplicated() {
    let e = env().await;
    e.control("PUT", "/config", json!({"maxBatch": 10})).await;
    let s = seeded(&e).await;
    let (uid, dom) = (s["userId"].as_str().unwrap(), s["domain"].as_str().unwrap());
    let before = e.client.dns().list(uid, dom).await.unwrap().records.len();
    let records: Vec<_> = (0..25).map(|i| txt(dom, &format!("s{i}"), &format!("x{i}"))).collect();
    let r = e.client.dns().add_many(uid, &records, &opts(25)).await.unwrap();
    assert_eq!(r.succeeded, 25, "{:?}", r.items.iter().find(|i| i.status != BulkItemStatus::Succeeded));
    let after = e.client.dns().list(uid, dom).await.unwrap().records;
    assert_eq!(after.len(), before + 25, "each record added exactly once");
    assert!(statuses(&e).await.contains(&400), "the sandbox did refuse the big batch");
}

#[tokio::test]
async fn a_refused_batch_is_bisected_until_the_bad_record_stands_alone() {
    let e = env().await;
    let s = seeded(&e).await;
    let (uid, dom) = (s["userId"].as_str().unwrap(), s["domain"].as_str().unwrap());
    let before = e.client.dns().list(uid, dom).await.unwrap().records.len();
    let mut records: Vec<_> = (0..8).map(|i| txt(dom, &format!("b{i}"), &format!("y{i}"))).collect();
    // The sandbox (like CMR) wants a priority on MX; the client does not check it.
    records[5] = BulkDnsRecord { record_type: RecordType::Mx, value: "mx.example.com".into(), ..records[5].clone() };
    let r = e.client.dns().add_many(uid, &records, &BulkOptions::default()).await.unwrap();
    assert_eq!((r.succeeded, r.failed), (7, 1));
    assert_eq!(r.items[5].status, BulkItemStatus::Failed);
    assert!(r.items[5].message.as_deref().unwrap().contains("priority"), "{:?}", r.items[5]);
    assert_eq!(e.client.dns().list(uid, dom).await.unwrap().records.len(), before + 7);
}

#[tokio::test]
async fn a_lost_answer_is_reconciled_by_lookup_never_resent() {
    let e = env().await;
    let s = seeded(&e).await;
    let (uid, dom) = (s["userId"].as_str().unwrap(), s["domain"].as_str().unwrap());
    // One of the two records already exists: the lookup finds it.
    e.client.dns().add(uid, &AddDnsRecords { domain: dom.into(), records: vec![NewDnsRecord { host: "k".into(), value: "there".into(), record_type: RecordType::Txt, ..Default::default() }] }).await.unwrap();
    e.fault(json!({"method": "POST", "path": "/dns", "kind": "drop"})).await;
    let before = e.hits("POST", "/dns").await;
    let records = vec![txt(dom, "k", "there"), txt(dom, "k2", "not there")];
    let r = e.client.dns().add_many(uid, &records, &BulkOptions::default()).await.unwrap();
    assert_eq!(r.items[0].status, BulkItemStatus::Succeeded, "{:?}", r.items[0]);
    assert!(r.items[0].id.is_some());
    assert_eq!(r.items[1].status, BulkItemStatus::MaybeApplied, "{:?}", r.items[1]);
    assert_eq!(e.hits("POST", "/dns").await - before, 1, "a maybe-sent batch is never sent again");
}

#[tokio::test]
async fn find_answers_was_it_applied() {
    let e = env().await;
    let s = seeded(&e).await;
    let (uid, dom) = (s["userId"].as_str().unwrap(), s["domain"].as_str().unwrap());
    let add = |host: &str, value: &str, t: RecordType, priority: Option<u32>| AddDnsRecords {
        domain: dom.into(),
        records: vec![NewDnsRecord { host: host.into(), value: value.into(), record_type: t, priority, ..Default::default() }],
    };
    let made = e.client.dns().add(uid, &add("mail", "mx1.example.com", RecordType::Mx, Some(10))).await.unwrap();
    let found = e.client.dns().find(uid, dom, &RecordType::Mx, "MAIL", "mx1.example.com.").await.unwrap().expect("found");
    assert_eq!(found.record_id, made[0].record_id);
    assert!(e.client.dns().find(uid, dom, &RecordType::Mx, "mail", "mx2.example.com").await.unwrap().is_none());
    assert!(e.client.dns().find(uid, dom, &RecordType::Txt, "mail", "mx1.example.com").await.unwrap().is_none());
    // DMARC: CMR adds its default tags; the record matches on the tags given.
    e.client.dns().add(uid, &add("_dmarc", "v=DMARC1; p=reject", RecordType::Txt, None)).await.unwrap();
    assert!(e.client.dns().find(uid, dom, &RecordType::Txt, "_dmarc", "v=DMARC1; p=reject").await.unwrap().is_some());
    assert!(e.client.dns().find(uid, dom, &RecordType::Txt, "_dmarc", "v=DMARC1; p=quarantine").await.unwrap().is_none());
    assert_eq!(e.client.dns().find(uid, dom, &RecordType::Txt, "", "x").await.unwrap_err().kind(), cmr::ErrorKind::Validation);
}

fn rename(id: &str, first: &str) -> MailboxUpdate {
    MailboxUpdate { mailbox_id: id.into(), first_name: Some(first.into()), ..Default::default() }
}

#[tokio::test]
async fn update_all_batches_and_reports_each_mailbox() {
    let e = env().await;
    let (user, _, boxes) = provisioned(&e, "mb@acme.com", "mb-bulk.com", &["a", "b", "c", "d", "e"]).await;
    assert_eq!(boxes.len(), 5);
    let mut changes: Vec<_> = boxes.iter().enumerate().map(|(i, m)| rename(&m.mailbox_id, &format!("N{i}"))).collect();
    changes.insert(2, rename("NOSUCHMAILBOX", "X"));
    changes.push(MailboxUpdate { mailbox_id: boxes[0].mailbox_id.clone(), ..Default::default() });
    let before = e.hits("PATCH", "/mailboxes/update-mailbox-details").await;
    let r = e.client.mailboxes().update_all(&user.id, &changes, &opts(3)).await.unwrap();
    assert_eq!(e.hits("PATCH", "/mailboxes/update-mailbox-details").await - before, 2, "6 valid changes in batches of 3");
    assert_eq!((r.succeeded, r.failed), (5, 2));
    assert_eq!(r.items[2].status, BulkItemStatus::Failed);
    assert!(r.items[2].message.is_some());
    assert_eq!(r.items[6].status, BulkItemStatus::Failed, "nothing to update: refused before sending");
    let now = e.client.mailboxes().list(&user.id).await.unwrap();
    for (i, m) in boxes.iter().enumerate() {
        let got = now.iter().find(|x| x.mailbox_id == m.mailbox_id).unwrap();
        assert_eq!(got.first_name.as_deref(), Some(format!("N{i}").as_str()));
    }
}

#[tokio::test]
async fn update_all_reconciles_a_lost_answer_with_the_mailbox_list() {
    let e = env().await;
    let s = seeded(&e).await;
    let uid = s["userId"].as_str().unwrap();
    let ids: Vec<&str> = s["mailboxIds"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    e.fault(json!({"method": "PATCH", "path": "/mailboxes/update-mailbox-details", "kind": "drop"})).await;
    // The first change is already what the mailbox shows ("Alice"), the second is not.
    let changes = vec![rename(ids[0], "Alice"), rename(ids[1], "Robert")];
    let r = e.client.mailboxes().update_all(uid, &changes, &BulkOptions::default()).await.unwrap();
    assert_eq!(r.items[0].status, BulkItemStatus::Succeeded, "{:?}", r.items[0]);
    assert_eq!(r.items[1].status, BulkItemStatus::MaybeApplied, "{:?}", r.items[1]);
    assert_eq!(e.hits("PATCH", "/mailboxes/update-mailbox-details").await, 1, "never sent again");
}

#[tokio::test]
async fn bulk_jobs_are_paced_at_the_limit_without_a_429() {
    // The sandbox enforces 5 per rolling second; the client has no pacing of
    // its own configured, yet the bulk helper paces itself.
    let e = env_with(SandboxOptions { port: 0, rate_limit: Some(5), ..Default::default() }, |b| b.max_retries(0)).await;
    let s = seeded(&e).await;
    let (uid, dom) = (s["userId"].as_str().unwrap(), s["domain"].as_str().unwrap());
    let records: Vec<_> = (0..12).map(|i| txt(dom, &format!("p{i}"), "v")).collect();
    let r = e.client.dns().add_many(uid, &records, &opts(1)).await.unwrap();
    assert_eq!(r.succeeded, 12, "{:?}", r.items.iter().find(|i| i.status != BulkItemStatus::Succeeded));
    let st = statuses(&e).await;
    assert_eq!(st.iter().filter(|s| **s == 429).count(), 0, "no 429: {st:?}");
    assert_eq!(e.hits("POST", "/dns").await, 12);
}

#[tokio::test]
async fn a_paced_client_runs_a_burst_at_the_limit_without_a_429() {
    let e = env_with(SandboxOptions { port: 0, rate_limit: Some(5), ..Default::default() }, |b| b.max_retries(0).pace_to_rate_limit()).await;
    // Concurrent callers share the one pacer.
    let calls = (0..16).map(|_| e.client.geo().countries());
    for r in futures_util::future::join_all(calls).await {
        r.expect("paced requests stay under the limit");
    }
    let st = statuses(&e).await;
    assert_eq!(st.iter().filter(|s| **s == 429).count(), 0, "{st:?}");
}
