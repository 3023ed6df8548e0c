//! Pre-warmed mailboxes: the inventory, orders (201) and the sandbox endpoints
//! with their `scenario` field.

use cmr::models::{PrewarmupDomain, PrewarmupMailbox, PrewarmupOrder, SandboxScenario, ServiceProvider};
use serde_json::{json, Value};

use super::{body, debit, money, page_params, q_opt, user_q, views, R};
use crate::clock::{add_months, rfc3339, DAY, SEC};
use crate::pricing::*;
use crate::reply::{Reply, Req};
use crate::state::{new_action_id, new_id, MailboxSpec, PrewarmOrderRec, TaskKind, World};
use crate::webhooks::emit;

/// Orders are delivered this long after they are accepted.
pub const DELIVERY_DELAY_MS: i64 = 10 * SEC;
pub const MAILBOXES_PER_DOMAIN: usize = 3;

/// The documented sandbox domains.
pub const SANDBOX_DOMAINS: &[(&str, &str)] = &[
    ("sandbox.nexora-tech.com", "GOOGLE"),
    ("mail-sandbox.brightplathlabs.com", "GOOGLE"),
    ("sandbox-mail.corevista.io", "MICROSOFT"),
    ("sandbox.stratospherehq.com", "MICROSOFT"),
];

const NAMES: &[(&str, &str)] = &[
    ("James", "Wilson"), ("Olivia", "Brown"), ("Liam", "Garcia"), ("Emma", "Miller"), ("Noah", "Davis"),
    ("Ava", "Martinez"), ("Mason", "Lopez"), ("Sophia", "Clark"), ("Lucas", "Lewis"),
];
const WORDS: &[&str] = &["acmecorp", "brightpath", "northwind", "bluepeak", "cedarline", "silverleaf", "ironbridge", "sunvale", "oakridge", "riverstone", "clearsky", "redwood"];

/// The production inventory: 24 domains (12 per provider), 3 mailboxes each.
pub fn inventory() -> Vec<(String, &'static str)> {
    let mut v = Vec::new();
    for (i, w) in WORDS.iter().enumerate() {
        v.push((format!("prewarm-{w}.com"), if i % 2 == 0 { "GOOGLE" } else { "MICROSOFT" }));
        v.push((format!("warm{w}.io"), if i % 2 == 0 { "MICROSOFT" } else { "GOOGLE" }));
    }
    v
}

fn people(domain: &str) -> Vec<(String, String)> {
    let h = domain.bytes().fold(0usize, |a, b| a.wrapping_mul(31).wrapping_add(b as usize));
    (0..MAILBOXES_PER_DOMAIN).map(|i| NAMES[(h + i * 4) % NAMES.len()]).map(|(f, l)| (f.to_string(), l.to_string())).collect()
}

fn package(domain: &str, provider: &str, sandbox: bool, now: i64) -> PrewarmupDomain {
    PrewarmupDomain {
        domain: domain.to_string(),
        pre_warmed_up_mailboxes: people(domain)
            .into_iter()
            .map(|(f, l)| PrewarmupMailbox {
                mailbox_id: None,
                email: format!("{}.{}@{domain}", f.to_lowercase(), l.to_lowercase()),
                first_name: Some(f),
                last_name: Some(l),
                created_at: Some(rfc3339(now - 60 * DAY)),
                extra: Default::default(),
            })
            .collect(),
        purchase_price: Some(if sandbox { 0.0 } else { PREWARMUP_MAILBOX_PRICE * MAILBOXES_PER_DOMAIN as f64 }),
        renewal_price: Some(MAILBOX_PRICE_PER_MONTH * MAILBOXES_PER_DOMAIN as f64),
        service_provider: Some(ServiceProvider::parse(provider)),
        extra: Default::default(),
    }
}

fn provider_filter(r: &Req) -> Result<Option<String>, Reply> {
    match q_opt(r, "serviceProvider").map(str::to_ascii_uppercase) {
        None => Ok(None),
        Some(p) if p == "GOOGLE" || p == "MICROSOFT" => Ok(Some(p)),
        Some(p) => Err(Reply::err(400, format!("serviceProvider '{p}' must be GOOGLE or MICROSOFT"))),
    }
}

pub fn list(w: &mut World, r: &Req, now: i64) -> R {
    let (page, limit) = page_params(r, 20)?;
    let provider = provider_filter(r)?;
    let contains = q_opt(r, "contains").map(str::to_ascii_lowercase);
    let all: Vec<PrewarmupDomain> = inventory()
        .into_iter()
        .filter(|(d, p)| !w.prewarm_sold.contains(d) && provider.as_deref().is_none_or(|x| x == *p) && contains.as_deref().is_none_or(|c| d.contains(c)))
        .map(|(d, p)| package(&d, p, false, now))
        .collect();
    let total = all.len();
    let total_pages = total.div_ceil(limit as usize).max(1);
    let start = ((page - 1) as usize * limit as usize).min(total);
    let items: Vec<_> = all[start..(start + limit as usize).min(total)].to_vec();
    Ok(Reply::ok(
        "Pre-warmed up domains fetched successfully",
        json!({"inventory": items, "currentPage": page, "totalPages": total_pages, "totalDomains": total, "totalMailboxes": total * MAILBOXES_PER_DOMAIN}),
    ))
}

pub fn sandbox_list(w: &mut World, r: &Req, now: i64) -> R {
    let provider = provider_filter(r)?;
    let items: Vec<PrewarmupDomain> = SANDBOX_DOMAINS
        .iter()
        .filter(|(d, p)| !w.sandbox_prewarm_sold.contains(*d) && provider.as_deref().is_none_or(|x| x == *p))
        .map(|(d, p)| package(d, p, true, now))
        .collect();
    let n = items.len();
    Ok(Reply::ok("Sandbox pre-warmed up domains fetched successfully", json!({"inventory": items, "currentPage": 1, "totalPages": 1, "totalDomains": n, "totalMailboxes": n * MAILBOXES_PER_DOMAIN})))
}

fn check(o: &PrewarmupOrder) -> Result<String, Reply> {
    if o.order.is_empty() {
        return Err(Reply::err(400, "order must list at least one domain"));
    }
    match &o.service_provider {
        ServiceProvider::Google => {
            let ok = o.google.as_ref().is_some_and(|g| g.google_oauth_route.is_some() && g.client_id.is_some() && g.app_name.is_some());
            if !ok {
                return Err(Reply::err(400, "google {googleOauthRoute, clientId, appName} is required for GOOGLE"));
            }
        }
        ServiceProvider::Microsoft => {
            if o.microsoft_oauth_route.as_deref().is_none_or(|s| s.trim().is_empty()) {
                return Err(Reply::err(400, "microsoftOauthRoute is required for MICROSOFT"));
            }
        }
        ServiceProvider::Unknown(p) => return Err(Reply::err(400, format!("serviceProvider '{p}' must be GOOGLE or MICROSOFT"))),
    }
    Ok(o.service_provider.as_str().to_string())
}

fn place(w: &mut World, uid: String, o: PrewarmupOrder, sandbox: bool, now: i64) -> R {
    let provider = check(&o)?;
    let mut domains = Vec::new();
    for item in &o.order {
        let d = item.domain.trim().to_ascii_lowercase();
        let (known, sold) = if sandbox {
            (SANDBOX_DOMAINS.iter().find(|(x, _)| *x == d).map(|(_, p)| *p), w.sandbox_prewarm_sold.contains(&d))
        } else {
            (inventory().into_iter().find(|(x, _)| *x == d).map(|(_, p)| p), w.prewarm_sold.contains(&d))
        };
        match known {
            None => return Err(Reply::err(400, format!("{d} is not in the {}pre-warmup inventory", if sandbox { "sandbox " } else { "" }))),
            Some(p) if p != provider => return Err(Reply::err(400, format!("{d} is a {p} package, not {provider}"))),
            _ if sold => return Err(Reply::err(409, format!("{d} has already been ordered"))),
            _ if domains.contains(&d) => return Err(Reply::err(400, format!("{d} is listed twice"))),
            _ => domains.push(d),
        }
    }
    let scenario = o.scenario.clone().unwrap_or(SandboxScenario::Success);
    if !scenario.is_known() {
        return Err(Reply::err(400, format!("scenario '{scenario}' must be success, full_failure or partial_failure")));
    }
    let price = if sandbox { 0.0 } else { PREWARMUP_MAILBOX_PRICE * (MAILBOXES_PER_DOMAIN * domains.len()) as f64 };
    debit(w, price)?;
    for d in &domains {
        if sandbox {
            w.sandbox_prewarm_sold.insert(d.clone());
        } else {
            w.prewarm_sold.insert(d.clone());
        }
    }
    let id = new_id();
    let action = new_action_id();
    w.prewarm_orders.insert(
        id.clone(),
        PrewarmOrderRec {
            order_id: id.clone(),
            user_id: uid,
            sandbox,
            scenario: scenario.as_str().to_string(),
            domains,
            status: "QUEUED".into(),
            price: money(price),
            action_id: action.clone(),
            created_ms: now,
        },
    );
    w.schedule(now + DELIVERY_DELAY_MS, TaskKind::PrewarmupDeliver { order_id: id.clone() });
    let _ = o.auto_renew;
    Ok(Reply::new(201, "Pre-warmup order created and queued", Some(json!({"orderId": id}))).action(action))
}

pub fn order(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    let o: PrewarmupOrder = body(r)?;
    if o.scenario.is_some() {
        return Err(Reply::err(400, "scenario is accepted only by the sandbox pre-warmup order endpoint"));
    }
    place(w, uid, o, false, now)
}

pub fn sandbox_order(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    let o: PrewarmupOrder = body(r)?;
    place(w, uid, o, true, now)
}

pub fn sandbox_reset(w: &mut World) -> R {
    let orders: Vec<PrewarmOrderRec> = w.prewarm_orders.values().filter(|o| o.sandbox).cloned().collect();
    for o in &orders {
        for d in &o.domains {
            if let Some(id) = w.domain_by_name(d).map(|x| x.domain_id.clone()) {
                w.domains.remove(&id);
                w.dns.retain(|_, r| r.domain_id != id);
                w.subscriptions.retain(|_, s| s.domain_id != id);
                w.mailboxes.retain(|_, m| m.domain_id != id);
            }
        }
        w.prewarm_orders.remove(&o.order_id);
    }
    w.sandbox_prewarm_sold.clear();
    Ok(Reply::ok(format!("Sandbox pre-warmup records deleted ({} order(s))", orders.len()), Value::Null))
}

/// Delivery: per the scenario, some domains succeed (records created,
/// `prewarmup.order.success`) and some fail (`prewarmup.order.failed`, refunded).
pub fn step_deliver(w: &mut World, order_id: &str, at: i64) {
    let Some(o) = w.prewarm_orders.get(order_id).cloned() else { return };
    if o.status != "QUEUED" {
        return;
    }
    let (ok, failed): (Vec<String>, Vec<String>) = match o.scenario.as_str() {
        "full_failure" => (vec![], o.domains.clone()),
        "partial_failure" => {
            let mut ok = o.domains.clone();
            let last = ok.pop().into_iter().collect();
            (ok, last)
        }
        _ => (o.domains.clone(), vec![]),
    };
    let email = w.user_email(&o.user_id);
    let provider = if o.sandbox {
        SANDBOX_DOMAINS.iter().find(|(d, _)| o.domains.first() == Some(&d.to_string())).map(|(_, p)| *p).unwrap_or("GOOGLE").to_string()
    } else {
        inventory().into_iter().find(|(d, _)| o.domains.first() == Some(d)).map(|(_, p)| p).unwrap_or("GOOGLE").to_string()
    };
    let mut details = Vec::new();
    for d in &ok {
        let did = super::domains::register(w, &o.user_id, d, 1, at, Some(o.order_id.clone()));
        let sid = w.add_subscription(&o.user_id, &did, d, &provider, false, at);
        let mut mbs = Vec::new();
        for (i, (f, l)) in people(d).into_iter().enumerate() {
            let id = w.add_mailbox(
                MailboxSpec {
                    user_id: &o.user_id,
                    domain_id: &did,
                    domain: d,
                    username: format!("{}.{}", f.to_lowercase(), l.to_lowercase()),
                    first_name: f,
                    last_name: l,
                    profile_picture: None,
                    on_warmup: true,
                    status: "ACTIVE",
                    subscription_id: Some(sid.clone()),
                    order_id: Some(o.order_id.clone()),
                    service_provider: &provider,
                    is_admin: i == 0,
                },
                at,
            );
            let m = &w.mailboxes[&id];
            mbs.push(json!({
                "mailboxId": id, "email": m.email(), "firstName": m.first_name, "lastName": m.last_name,
                "profilePicture": Value::Null, "password": m.password, "appPassword": views::app_password(&id),
                "authenticatorSecret": views::authenticator_secret(&id), "isAdmin": m.is_admin,
                "warmingUpFrom": rfc3339(at - 60 * DAY), "expiryDate": rfc3339(add_months(at, 1)),
            }));
        }
        details.push(json!({"domain": d, "subscriptionId": sid, "preWarmedUpMailboxes": mbs}));
    }
    if !failed.is_empty() {
        let refund = if o.sandbox { 0.0 } else { PREWARMUP_MAILBOX_PRICE * (MAILBOXES_PER_DOMAIN * failed.len()) as f64 };
        w.wallet = money(w.wallet + refund);
        let reason = "No pre-warmed mailboxes available for this domain";
        emit(w, at, "prewarmup.order.failed", json!({
            "userId": o.user_id, "userEmail": email, "orderId": o.order_id, "serviceProvider": provider,
            "mailboxDetails": failed.iter().map(|d| json!({"domain": d, "preWarmedUpMailboxes": [], "reason": reason})).collect::<Vec<_>>(),
            "reason": reason, "refunded": refund, "actionId": o.action_id,
        }));
    }
    if !details.is_empty() {
        emit(w, at, "prewarmup.order.success", json!({
            "userId": o.user_id, "userEmail": email, "orderId": o.order_id, "serviceProvider": provider,
            "mailboxDetails": details, "actionId": o.action_id,
        }));
    }
    let status = if failed.is_empty() { "COMPLETED" } else if ok.is_empty() { "FAILED" } else { "PARTIALLY_FAILED" };
    w.prewarm_orders.get_mut(order_id).expect("exists").status = status.into();
}
