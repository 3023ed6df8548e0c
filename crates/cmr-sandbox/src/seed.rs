//! `POST /__sandbox/seed` ([`crate::Control::seed`]): one ready-made user
//! with an ACTIVE domain, subscription and two ACTIVE mailboxes. It builds
//! its records through the same [`World`] constructors as the API handlers.

use serde_json::{json, Value};

use crate::state::{new_id, MailboxSpec, UserRec, World};

/// Add the demo user and its records at `now`; returns their ids
/// (`{userId, domainId, domain, subscriptionId, mailboxIds}`).
pub fn seed(w: &mut World, now: i64) -> Value {
    let n = w.users.len() + 1;
    let suffix = new_id()[..6].to_ascii_lowercase();
    let uid = new_id();
    let seq = w.next_seq();
    let user = cmr::models::User {
        id: uid.clone(),
        email: Some(format!("demo{n}-{suffix}@example.com")),
        company: Some("Demo Co".into()),
        first_name: Some("Dana".into()),
        last_name: Some("Demo".into()),
        country: Some("US".into()),
        city: Some("Austin".into()),
        address_line_one: Some("1 Main St".into()),
        language_preference: Some("en".into()),
        postal_code: Some("73301".into()),
        state: Some("TX".into()),
        phone_cc: Some("1".into()),
        phone: Some("5125550100".into()),
        created_at: Some(crate::clock::rfc3339(now)),
        ..Default::default()
    };
    w.users.insert(uid.clone(), UserRec { seq, user });
    let domain = format!("demo-{suffix}.com");
    let did = crate::api::register_domain(w, &uid, &domain, 1, now, None);
    let sid = w.add_subscription(&uid, &did, &domain, "GOOGLE", false, now);
    let mut mailbox_ids = Vec::new();
    for (i, (u, f, l)) in [("alice", "Alice", "Adams"), ("bob", "Bob", "Baker")].into_iter().enumerate() {
        let id = w.add_mailbox(
            MailboxSpec {
                user_id: &uid,
                domain_id: &did,
                domain: &domain,
                username: u.into(),
                first_name: f.into(),
                last_name: l.into(),
                profile_picture: None,
                on_warmup: false,
                status: "ACTIVE",
                subscription_id: Some(sid.clone()),
                order_id: None,
                service_provider: "GOOGLE",
                is_admin: i == 0,
            },
            now,
        );
        mailbox_ids.push(id);
    }
    w.dirty = true;
    json!({"userId": uid, "domainId": did, "domain": domain, "subscriptionId": sid, "mailboxIds": mailbox_ids})
}
