//! Orders of domains and mailboxes, and their asynchronous lifecycle:
//! +5 s domains registered (`domain.order.success` / `.failed`), +10 s
//! subscription created and mailboxes `IN_PROGRESS` (`mailbox.order.success`),
//! +20 s `CREATING_PASSWORD`, +30 s `ACTIVE` (one `mailbox.created` each).

use std::collections::{BTreeMap, HashMap, HashSet};

use cmr::models::*;
use serde_json::{json, Value};

use super::domains::{available, check_domain_name, RECORD_NOT_FOUND};
use super::{body, body_obj, debit, money, q, user_q, views, R};
use crate::clock::{rfc3339, SEC};
use crate::pricing::*;
use crate::reply::{Reply, Req};
use crate::state::{new_action_id, new_id, MailboxSpec, OrderKind, OrderRec, SubRec, TaskKind, World};
use crate::webhooks::emit;

pub const STEP_DOMAINS_MS: i64 = 5 * SEC;
pub const STEP_MAILBOXES_MS: i64 = 10 * SEC;
pub const STEP_PASSWORD_MS: i64 = 20 * SEC;
pub const STEP_ACTIVE_MS: i64 = 30 * SEC;

fn check_mailboxes(m: &HashMap<String, Vec<NewMailbox>>) -> Result<usize, Reply> {
    let mut n = 0;
    for (domain, list) in m {
        check_domain_name("mailboxes key", domain)?;
        let mut seen = HashSet::new();
        for mb in list {
            let u = mb.username.trim();
            if u.is_empty() || u.contains('@') || u.chars().any(|c| c.is_whitespace()) {
                return Err(Reply::err(400, format!("username '{}' on {domain} must be a bare local part (no @, no spaces)", mb.username)));
            }
            if mb.first_name.trim().is_empty() || mb.last_name.trim().is_empty() {
                return Err(Reply::err(400, format!("firstName and lastName are required for {u}@{domain}")));
            }
            if !seen.insert(u.to_ascii_lowercase()) {
                return Err(Reply::err(400, format!("Mailbox {u}@{domain} is listed twice")));
            }
            n += 1;
        }
    }
    Ok(n)
}

fn check_provider(p: Option<&ServiceProvider>, ms_route: &Option<String>) -> Result<String, Reply> {
    let p = p.cloned().unwrap_or_default();
    match &p {
        ServiceProvider::Microsoft if ms_route.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            Err(Reply::err(400, "microsoftOauthRoute is required for MICROSOFT mailboxes"))
        }
        ServiceProvider::Unknown(s) => Err(Reply::err(400, format!("Unknown serviceProvider '{s}' (GOOGLE or MICROSOFT)"))),
        _ => Ok(p.as_str().to_string()),
    }
}

/// Multipart forms send every field as text: turn the known ones back into JSON.
fn normalise_form(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("files");
        for (_, x) in m.iter_mut() {
            if let Value::String(s) = x {
                if let Ok(parsed) = serde_json::from_str::<Value>(s) {
                    if !parsed.is_string() {
                        *x = parsed;
                    }
                }
            }
        }
    }
    v
}

fn active_sub_of<'a>(w: &'a World, domain_id: &str) -> Option<&'a SubRec> {
    w.subscriptions.values().find(|s| s.domain_id == domain_id && s.status != "CANCELLED" && s.status != "EXPIRED")
}

/// A CREATED order, not auto-renewing (the callers set `auto_renew`).
fn new_order(w: &mut World, user_id: &str, kind: OrderKind, provider: String, request: Value, price: f64, now: i64) -> OrderRec {
    let seq = w.next_seq();
    OrderRec {
        seq,
        order_id: new_id(),
        user_id: user_id.to_string(),
        status: "CREATED".into(),
        kind,
        service_provider: provider,
        request,
        total_price: money(price),
        confirmed: false,
        action_id: None,
        created_ms: now,
        domain_ids: vec![],
        mailbox_ids: vec![],
        subscription_ids: vec![],
        auto_renew: false,
        target_subscription: None,
        target_domain: None,
    }
}

/// Debit and schedule the lifecycle of a CREATED order.
fn queue(w: &mut World, order_id: &str, now: i64) -> Result<String, Reply> {
    let (price, kind) = {
        let o = &w.orders[order_id];
        (o.total_price, o.kind)
    };
    debit(w, price)?;
    let action = new_action_id();
    let o = w.orders.get_mut(order_id).expect("exists");
    o.status = "QUEUED".into();
    o.confirmed = true;
    o.action_id = Some(action.clone());
    let id = order_id.to_string();
    if kind == OrderKind::Full {
        w.schedule(now + STEP_DOMAINS_MS, TaskKind::OrderDomains { order_id: id.clone() });
    }
    w.schedule(now + STEP_MAILBOXES_MS, TaskKind::OrderMailboxes { order_id: id.clone() });
    w.schedule(now + STEP_PASSWORD_MS, TaskKind::MailboxesCreatingPassword { order_id: id.clone() });
    w.schedule(now + STEP_ACTIVE_MS, TaskKind::MailboxesActive { order_id: id });
    Ok(action)
}

fn created_reply(w: &mut World, order: OrderRec, confirm: bool, unavailable: Vec<String>, now: i64) -> R {
    let id = order.order_id.clone();
    w.orders.insert(id.clone(), order);
    let data = |action: Option<String>| OrderCreated {
        message: String::new(),
        order_id: Some(id.clone()),
        unavailable_domains: unavailable.clone(),
        action_id: action,
        extra: Default::default(),
    };
    let mut v = json!(data(None));
    if let Value::Object(m) = &mut v {
        m.remove("message");
    }
    if confirm {
        match queue(w, &id, now) {
            Ok(action) => Ok(Reply::ok("Order created and queued for processing", v).action(action)),
            Err(e) => {
                w.orders.remove(&id);
                Err(e)
            }
        }
    } else {
        Ok(Reply::ok("Order created. Process it with the Process the Order endpoint to queue it", v))
    }
}

fn create_from(w: &mut World, uid: &str, v: &Value, now: i64) -> R {
    if !v.is_object() {
        return Err(Reply::err(400, super::BODY_NOT_OBJECT));
    }
    let mut order: CreateOrder = serde_json::from_value(v.clone()).map_err(|e| Reply::err(400, format!("{}: {e}", super::INVALID_BODY)))?;
    if order.domains.is_empty() && order.mailboxes.values().all(Vec::is_empty) {
        return Err(Reply::err(400, "An order needs at least one domain or mailbox"));
    }
    if let Some(c) = &order.billing_cycle {
        if *c != BillingCycle::Monthly {
            return Err(Reply::err(400, format!("billingCycle '{c}' is not accepted: only MONTHLY")));
        }
    }
    let mut seen = HashSet::new();
    for d in order.domains.iter_mut() {
        d.domain = check_domain_name("domains[].domain", &d.domain)?;
        if !(1..=10).contains(&d.years) {
            return Err(Reply::err(400, format!("years for {} must be between 1 and 10", d.domain)));
        }
        if !seen.insert(d.domain.clone()) {
            return Err(Reply::err(400, format!("Domain {} is listed twice", d.domain)));
        }
    }
    order.mailboxes = order.mailboxes.into_iter().map(|(k, v)| (k.trim().to_ascii_lowercase(), v)).filter(|(_, v)| !v.is_empty()).collect();
    check_mailboxes(&order.mailboxes)?;
    let provider = check_provider(order.service_provider.as_ref(), &order.microsoft_oauth_route)?;
    // Unavailable domains are left out of the order (and their mailboxes with them).
    let mut unavailable = Vec::new();
    order.domains.retain(|d| match available(w, &d.domain) {
        Ok(()) => true,
        Err(_) => {
            unavailable.push(d.domain.clone());
            false
        }
    });
    for u in &unavailable {
        order.mailboxes.remove(u);
    }
    for name in order.mailboxes.keys() {
        if order.domains.iter().any(|d| &d.domain == name) {
            continue;
        }
        match w.domain_by_name(name) {
            Some(d) if d.user_id == uid => {
                if active_sub_of(w, &d.domain_id).is_some() {
                    return Err(Reply::err(409, format!("{name} already has an active subscription: add mailboxes with orders.order_mailboxes")));
                }
            }
            _ => return Err(Reply::err(400, format!("Mailboxes for {name}: the domain is neither in this order nor owned by the user"))),
        }
    }
    if order.domains.is_empty() && order.mailboxes.is_empty() {
        return Err(Reply::err(422, "None of the requested domains is available").with_data(json!({"unavailableDomains": unavailable})));
    }
    let mailbox_count: usize = order.mailboxes.values().map(Vec::len).sum();
    let price = order.domains.iter().map(|d| DOMAIN_PRICE_PER_YEAR * d.years as f64).sum::<f64>() + MAILBOX_PRICE_PER_MONTH * mailbox_count as f64;
    let confirm = order.confirm.unwrap_or(true);
    let auto_renew = order.auto_renew.unwrap_or(false);
    let rec = OrderRec { auto_renew, ..new_order(w, uid, OrderKind::Full, provider, json!(order), price, now) };
    created_reply(w, rec, confirm, unavailable, now)
}

pub fn create(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    body_obj(r)?;
    create_from(w, &uid, &r.body, now)
}

pub fn create_multipart(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    body_obj(r)?;
    create_from(w, &uid, &normalise_form(&r.body), now)
}

fn mailbox_order(w: &mut World, uid: &str, order: MailboxOrder, now: i64) -> R {
    let (sub_id, domain_id) = match (&order.subscription_id, &order.domain_id) {
        (Some(s), None) if !s.trim().is_empty() => (Some(s.clone()), None),
        (None, Some(d)) if !d.trim().is_empty() => (None, Some(d.clone())),
        _ => return Err(Reply::err(400, "Provide exactly one of subscriptionId or domainId")),
    };
    let mailboxes: HashMap<String, Vec<NewMailbox>> =
        order.mailboxes.into_iter().map(|(k, v)| (k.trim().to_ascii_lowercase(), v)).filter(|(_, v)| !v.is_empty()).collect();
    let n = check_mailboxes(&mailboxes)?;
    if n == 0 {
        return Err(Reply::err(400, "mailboxes must list at least one mailbox"));
    }
    let (domain_name, provider, target_sub, target_domain) = if let Some(sid) = sub_id {
        let s = w.subscriptions.get(&sid).ok_or_else(|| Reply::err(404, RECORD_NOT_FOUND))?;
        if s.user_id != uid {
            return Err(Reply::err(403, "This subscription does not belong to the user"));
        }
        if s.status != "ACTIVE" {
            return Err(Reply::err(400, format!("Subscription is {}: order with domainId to start a new subscription", s.status)));
        }
        (s.domain.clone(), s.service_provider.clone(), Some(sid), None)
    } else {
        let did = domain_id.expect("one of them");
        let d = w.domains.get(&did).ok_or_else(|| Reply::err(404, RECORD_NOT_FOUND))?;
        if d.user_id != uid {
            return Err(Reply::err(403, "This domain does not belong to the user"));
        }
        if active_sub_of(w, &did).is_some() {
            return Err(Reply::err(409, "The domain already has an active subscription: order with subscriptionId"));
        }
        let p = check_provider(order.service_provider.as_ref(), &order.microsoft_oauth_route)?;
        (d.name.clone(), p, None, Some(did))
    };
    if let Some(k) = mailboxes.keys().find(|k| **k != domain_name) {
        return Err(Reply::err(400, format!("Mailboxes are keyed by {k}, but this order is for {domain_name}")));
    }
    for mb in mailboxes.values().flatten() {
        if w.mailboxes.values().any(|m| m.domain == domain_name && m.username.eq_ignore_ascii_case(mb.username.trim())) {
            return Err(Reply::err(409, format!("Mailbox {}@{domain_name} already exists", mb.username.trim())));
        }
    }
    let price = MAILBOX_PRICE_PER_MONTH * n as f64;
    let confirm = order.confirm.unwrap_or(true);
    let request = json!({"mailboxes": mailboxes, "serviceProvider": provider});
    let mut rec = new_order(w, uid, OrderKind::Mailboxes, provider, request, price, now);
    rec.auto_renew = order.auto_renew.unwrap_or(false);
    rec.target_subscription = target_sub;
    rec.target_domain = target_domain;
    created_reply(w, rec, confirm, vec![], now)
}

pub fn order_mailboxes(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    let order: MailboxOrder = body(r)?;
    mailbox_order(w, &uid, order, now)
}

pub fn add_mailboxes_to_subscription(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    body_obj(r)?;
    let v = normalise_form(&r.body);
    let req: AddMailboxesToSubscription = serde_json::from_value(v).map_err(|e| Reply::err(400, format!("{}: {e}", super::INVALID_BODY)))?;
    let order = MailboxOrder {
        subscription_id: Some(req.subscription_id),
        mailboxes: req.mailboxes,
        confirm: req.confirm,
        google: req.google,
        ..Default::default()
    };
    let mut reply = mailbox_order(w, &uid, order, now)?;
    reply.message = format!("{} (this endpoint is deprecated: use Order mailboxes (json))", reply.message);
    Ok(reply)
}

fn owned_order<'a>(w: &'a World, uid: &str, order_id: &str) -> Result<&'a OrderRec, Reply> {
    match w.orders.get(order_id) {
        None => Err(Reply::err(404, RECORD_NOT_FOUND)),
        Some(o) if o.user_id != uid => Err(Reply::err(403, "This order does not belong to the user")),
        Some(o) => Ok(o),
    }
}

pub fn process(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    let obj = body_obj(r)?;
    let oid = obj.get("orderId").and_then(Value::as_str).filter(|s| !s.trim().is_empty()).ok_or_else(|| Reply::err(400, "orderId is required"))?;
    let o = owned_order(w, &uid, oid)?;
    if o.status != "CREATED" {
        return Err(Reply::err(409, format!("Order is already {}", o.status)));
    }
    let id = o.order_id.clone();
    let action = queue(w, &id, now)?;
    Ok(Reply::ok("Order queued for processing", json!({"orderId": id})).action(action))
}

pub fn status(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let o = owned_order(w, &uid, q(r, "orderId")?)?;
    let st = OrderStatus { order_id: o.order_id.clone(), status: Some(OrderState::parse(&o.status)), extra: Default::default() };
    Ok(Reply::ok("Order status fetched successfully", json!(st)))
}

pub fn get(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let o = owned_order(w, &uid, q(r, "orderId")?)?;
    let domains: Vec<OrderDomain> = o.request.get("domains").cloned().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    let mailboxes: HashMap<String, Vec<NewMailbox>> = o.request.get("mailboxes").cloned().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    let order = Order {
        order_id: o.order_id.clone(),
        user_id: Some(o.user_id.clone()),
        status: Some(OrderState::parse(&o.status)),
        service_provider: Some(ServiceProvider::parse(&o.service_provider)),
        domains,
        mailboxes,
        total_price: Some(o.total_price),
        confirmed: Some(o.confirmed),
        created_at: Some(rfc3339(o.created_ms)),
        extra: views::extra(json!({
            "actionId": o.action_id, "domainIds": o.domain_ids, "mailboxIds": o.mailbox_ids,
            "subscriptionIds": o.subscription_ids, "kind": format!("{:?}", o.kind),
        })),
    };
    Ok(Reply::ok("Order details fetched successfully", json!(order)))
}

// ---- lifecycle steps ---------------------------------------------------------

/// +5 s: register the order's domains.
pub fn step_domains(w: &mut World, order_id: &str, at: i64) {
    let Some(o) = w.orders.get(order_id).cloned() else { return };
    let order: CreateOrder = serde_json::from_value(o.request.clone()).unwrap_or_default();
    let email = w.user_email(&o.user_id);
    let mut failed = Vec::new();
    for d in &order.domains {
        let price = money(DOMAIN_PRICE_PER_YEAR * d.years as f64);
        let reason = if d.domain.contains(REGISTRATION_FAILURE_MARKER) {
            Some("The registrar rejected the domain".to_string())
        } else if w.domain_by_name(&d.domain).is_some() {
            Some("Domain is already registered".to_string())
        } else {
            None
        };
        if let Some(reason) = reason {
            let n_mb = order.mailboxes.get(&d.domain).map_or(0, Vec::len);
            w.wallet = money(w.wallet + price + MAILBOX_PRICE_PER_MONTH * n_mb as f64);
            failed.push(d.domain.clone());
            emit(w, at, "domain.order.failed", json!({
                "userId": o.user_id, "userEmail": email, "orderId": o.order_id, "domainName": d.domain,
                "price": price, "reason": reason, "refunded": true, "actionId": o.action_id,
            }));
            continue;
        }
        let id = super::domains::register(w, &o.user_id, &d.domain, d.years, at, Some(o.order_id.clone()));
        let dom = w.domains.get_mut(&id).expect("just registered");
        dom.forward_to = d.forward_to.clone();
        dom.mask_forwarding = d.mask_forwarding;
        let data = json!({
            "userId": o.user_id, "userEmail": email, "orderId": o.order_id, "domainId": id, "domainName": d.domain,
            "creationTime": rfc3339(at), "expiryDate": rfc3339(w.domains[&id].expiry_ms), "price": price, "actionId": o.action_id,
        });
        w.orders.get_mut(order_id).expect("exists").domain_ids.push(id);
        emit(w, at, "domain.order.success", data);
    }
    let o = w.orders.get_mut(order_id).expect("exists");
    o.status = if !failed.is_empty() && failed.len() == order.domains.len() && order.mailboxes.keys().all(|k| failed.contains(k)) {
        "FAILED".into()
    } else {
        "PROCESSING".into()
    };
    if !failed.is_empty() {
        o.request["failedDomains"] = json!(failed);
    }
}

/// +10 s: create (or extend) the subscription(s); mailboxes IN_PROGRESS.
pub fn step_mailboxes(w: &mut World, order_id: &str, at: i64) {
    let Some(o) = w.orders.get(order_id).cloned() else { return };
    if o.status == "FAILED" {
        return;
    }
    let failed: Vec<String> = o.request.get("failedDomains").cloned().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    let mailboxes: BTreeMap<String, Vec<NewMailbox>> = o.request.get("mailboxes").cloned().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    let email = w.user_email(&o.user_id);
    for (name, list) in mailboxes {
        if failed.contains(&name) || list.is_empty() {
            continue;
        }
        let Some(dom) = w.domain_by_name(&name).filter(|d| d.user_id == o.user_id).cloned() else { continue };
        let sub_id = match &o.target_subscription {
            Some(s) if w.subscriptions.contains_key(s) => s.clone(),
            _ => w.add_subscription(&o.user_id, &dom.domain_id, &dom.name, &o.service_provider, o.auto_renew, at),
        };
        let has_admin = w.mailboxes.values().any(|m| m.subscription_id.as_deref() == Some(&sub_id) && m.is_admin);
        for (i, mb) in list.iter().enumerate() {
            let id = w.add_mailbox(
                MailboxSpec {
                    user_id: &o.user_id,
                    domain_id: &dom.domain_id,
                    domain: &dom.name,
                    username: mb.username.trim().to_ascii_lowercase(),
                    first_name: mb.first_name.clone(),
                    last_name: mb.last_name.clone(),
                    profile_picture: mb.profile_picture.clone(),
                    on_warmup: mb.on_warmup.unwrap_or(false),
                    status: "IN_PROGRESS",
                    subscription_id: Some(sub_id.clone()),
                    order_id: Some(o.order_id.clone()),
                    service_provider: &o.service_provider,
                    is_admin: !has_admin && i == 0,
                },
                at,
            );
            w.orders.get_mut(order_id).expect("exists").mailbox_ids.push(id);
        }
        let s = w.subscriptions[&sub_id].clone();
        let o2 = w.orders.get_mut(order_id).expect("exists");
        if !o2.subscription_ids.contains(&sub_id) {
            o2.subscription_ids.push(sub_id.clone());
        }
        o2.status = "PROCESSING".into();
        emit(w, at, "mailbox.order.success", json!({
            "domainId": dom.domain_id, "domainName": dom.name, "userId": o.user_id, "userEmail": email,
            "subscriptionId": sub_id, "orderId": o.order_id, "workspaceType": o.service_provider,
            "creationTime": rfc3339(at), "expiryDate": rfc3339(s.period_end_ms),
            "price": money(MAILBOX_PRICE_PER_MONTH * list.len() as f64), "quantity": list.len(), "actionId": o.action_id,
        }));
    }
}

fn set_order_mailboxes(w: &mut World, order_id: &str, from: &str, to: &str) -> Vec<String> {
    let ids = w.orders.get(order_id).map(|o| o.mailbox_ids.clone()).unwrap_or_default();
    let mut changed = Vec::new();
    for id in ids {
        if let Some(m) = w.mailboxes.get_mut(&id) {
            if m.status == from {
                m.status = to.to_string();
                changed.push(id);
            }
        }
    }
    changed
}

/// +20 s.
pub fn step_password(w: &mut World, order_id: &str) {
    set_order_mailboxes(w, order_id, "IN_PROGRESS", "CREATING_PASSWORD");
}

/// +30 s: mailboxes ACTIVE, one mailbox.created each; the order completes.
pub fn step_active(w: &mut World, order_id: &str, at: i64) {
    let Some(o) = w.orders.get(order_id).cloned() else { return };
    if o.status == "FAILED" {
        return;
    }
    let changed = set_order_mailboxes(w, order_id, "CREATING_PASSWORD", "ACTIVE");
    for id in changed {
        let data = views::mailbox_event(w, &w.mailboxes[&id], o.action_id.as_deref());
        emit(w, at, "mailbox.created", data);
    }
    let partially = o.request.get("failedDomains").is_some();
    w.orders.get_mut(order_id).expect("exists").status = if partially { "PARTIALLY_FAILED".into() } else { "COMPLETED".into() };
}
