//! Subscriptions: list, renew, cancel, auto-renew, recreate; and the renewal step.

use serde_json::{json, Value};

use super::domains::RECORD_NOT_FOUND;
use super::views::{self, domain_status};
use super::{body_obj, money, page_params, paginate, q_opt, R};
use crate::clock::{add_months, SEC};
use crate::pricing::*;
use crate::reply::{Reply, Req};
use crate::state::{new_action_id, SubRec, TaskKind, World};
use crate::webhooks::emit;

/// A requested renewal is applied this long after it is queued.
pub const RENEWAL_DELAY_MS: i64 = 5 * SEC;

pub fn list(w: &mut World, r: &Req) -> R {
    let (page, limit) = page_params(r, 50)?;
    let status = q_opt(r, "status").map(str::to_ascii_uppercase);
    let id = q_opt(r, "componentSubscriptionId");
    let domain = q_opt(r, "domain").map(str::to_ascii_lowercase);
    let uid = q_opt(r, "userId");
    let mut subs: Vec<&SubRec> = w
        .subscriptions
        .values()
        .filter(|s| status.as_deref().is_none_or(|x| s.status == x))
        .filter(|s| id.is_none_or(|x| s.subscription_id == x))
        .filter(|s| domain.as_deref().is_none_or(|x| s.domain == x))
        .filter(|s| uid.is_none_or(|x| s.user_id == x))
        .collect();
    subs.sort_by_key(|s| s.seq);
    let all: Vec<_> = subs.into_iter().map(|s| views::subscription(w, s)).collect();
    let (items, pagination) = paginate(&all, page, limit);
    Ok(Reply::ok("Subscriptions fetched successfully", json!({"subscriptions": items, "pagination": pagination})))
}

fn id_list(obj: &serde_json::Map<String, Value>, field: &str) -> Result<Vec<String>, Reply> {
    match obj.get(field) {
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .map(|v| v.as_str().filter(|s| !s.trim().is_empty()).map(str::to_string).ok_or_else(|| Reply::err(400, format!("{field} must be an array of ids"))))
            .collect(),
        Some(Value::Array(_)) => Err(Reply::err(400, format!("{field} must list at least one id"))),
        Some(_) => Err(Reply::err(400, format!("{field} must be an array of ids"))),
        None => Err(Reply::err(400, format!("{field} is required"))),
    }
}

fn cost(w: &World, s: &SubRec) -> f64 {
    money(views::quantity(w, &s.subscription_id) as f64 * s.price_per_mailbox)
}

pub fn renew(w: &mut World, r: &Req, now: i64) -> R {
    let obj = body_obj(r)?;
    let ids = id_list(obj, "subscriptionIds")?;
    let mut total = 0.0;
    for id in &ids {
        let s = w.subscriptions.get(id).ok_or_else(|| Reply::err(404, format!("{RECORD_NOT_FOUND}: subscription {id}")))?;
        if s.status == "CANCELLED" {
            return Err(Reply::err(400, format!("Subscription {id} is cancelled (permanent) and cannot be renewed")));
        }
        if s.status == "RENEWING" {
            return Err(Reply::err(409, format!("Subscription {id} is already renewing")));
        }
        if let Some(d) = w.domains.get(&s.domain_id) {
            let st = domain_status(d, now);
            if st == "GRACE_PERIOD" || st == "EXPIRED" {
                return Err(Reply::err(400, format!("Subscription {id} cannot be renewed: its domain {} is {st}; renew the domain first", d.name)));
            }
        }
        total += cost(w, s);
    }
    if w.wallet + 1e-9 < total {
        return Err(Reply::err(402, "Insufficient wallet balance").with_data(json!({"required": money(total), "balance": w.wallet})));
    }
    let action = new_action_id();
    for id in &ids {
        start_renewal(w, id, &action, now);
    }
    Ok(Reply::new(200, "Subscriptions added for renewal. Please ensure you have enough balance to renew the subscriptions.", None).action(action))
}

/// ACTIVE -> RENEWING, `subscription.renewing`, and the renewal step later.
pub fn start_renewal(w: &mut World, id: &str, action: &str, at: i64) {
    let s = w.subscriptions.get_mut(id).expect("exists");
    s.status = "RENEWING".into();
    let s = s.clone();
    emit(w, at, "subscription.renewing", views::subscription_event(w, &s, Some(action)));
    w.schedule(at + RENEWAL_DELAY_MS, TaskKind::RenewSubscription { subscription_id: id.to_string(), action_id: action.to_string() });
}

/// The renewal step: charge and extend, or fail.
pub fn step_renew(w: &mut World, id: &str, action: &str, at: i64) {
    let Some(s) = w.subscriptions.get(id).cloned() else { return };
    if s.status != "RENEWING" {
        return;
    }
    let domain_bad = w.domains.get(&s.domain_id).map(|d| domain_status(d, at)).filter(|st| st == "GRACE_PERIOD" || st == "EXPIRED");
    let price = cost(w, &s);
    let failure = if let Some(st) = domain_bad {
        Some((format!("The domain is {st}"), if at > s.period_end_ms { "EXPIRED" } else { "ACTIVE" }))
    } else if w.wallet + 1e-9 < price {
        Some(("Insufficient wallet balance".to_string(), "PAST_DUE"))
    } else {
        None
    };
    match failure {
        Some((reason, status)) => {
            let s2 = w.subscriptions.get_mut(id).expect("exists");
            s2.status = status.to_string();
            let s2 = s2.clone();
            let mut data = views::subscription_event(w, &s2, Some(action));
            data["reason"] = json!(reason);
            emit(w, at, "subscription.renewal.failed", data);
            if status == "EXPIRED" {
                expire_mailboxes(w, id);
            }
        }
        None => {
            w.wallet = money(w.wallet - price);
            let s2 = w.subscriptions.get_mut(id).expect("exists");
            // Extend from the period end; a subscription that lapsed long ago restarts now.
            let start = if at > s2.period_end_ms + crate::clock::DAY { at } else { s2.period_end_ms };
            s2.period_start_ms = start;
            s2.period_end_ms = add_months(start, 1);
            s2.status = "ACTIVE".into();
            let s2 = s2.clone();
            for m in w.mailboxes.values_mut().filter(|m| m.subscription_id.as_deref() == Some(id) && m.status == "EXPIRED") {
                m.status = "ACTIVE".into();
            }
            let mut data = views::subscription_event(w, &s2, Some(action));
            data["price"] = json!(price);
            emit(w, at, "subscription.renewal.success", data);
        }
    }
}

pub fn expire_mailboxes(w: &mut World, sub_id: &str) {
    for m in w.mailboxes.values_mut().filter(|m| m.subscription_id.as_deref() == Some(sub_id)) {
        m.status = "EXPIRED".into();
    }
}

pub fn cancel(w: &mut World, r: &Req) -> R {
    let obj = body_obj(r)?;
    let sid = obj.get("subscriptionId").filter(|v| !v.is_null());
    let dom = obj.get("domain").filter(|v| !v.is_null());
    let id = match (sid, dom) {
        (Some(Value::String(s)), None) if !s.trim().is_empty() => {
            w.subscriptions.get(s.trim()).map(|s| s.subscription_id.clone()).ok_or_else(|| Reply::err(404, RECORD_NOT_FOUND))?
        }
        (None, Some(Value::String(d))) if !d.trim().is_empty() => {
            let d = d.trim().to_ascii_lowercase();
            let mut subs: Vec<&SubRec> = w.subscriptions.values().filter(|s| s.domain == d).collect();
            subs.sort_by_key(|s| (s.status == "CANCELLED", std::cmp::Reverse(s.seq)));
            subs.first().map(|s| s.subscription_id.clone()).ok_or_else(|| Reply::err(404, RECORD_NOT_FOUND))?
        }
        _ => return Err(Reply::err(400, "Provide exactly one of subscriptionId or domain")),
    };
    if w.subscriptions[&id].status == "CANCELLED" {
        return Err(Reply::err(400, "Subscription is already cancelled"));
    }
    // Cancelling deletes the workspace (and its mailboxes) immediately.
    w.subscriptions.get_mut(&id).expect("exists").status = "CANCELLED".into();
    w.mailboxes.retain(|_, m| m.subscription_id.as_deref() != Some(&id));
    Ok(Reply::ok("Subscription will be cancelled successfully", Value::Null).action(new_action_id()))
}

pub fn toggle_auto_renew(w: &mut World, r: &Req) -> R {
    let obj = body_obj(r)?;
    let ids = id_list(obj, "subscriptionIds")?;
    let on = obj.get("autoRenew").and_then(Value::as_bool).ok_or_else(|| Reply::err(400, "autoRenew (boolean) is required"))?;
    for id in &ids {
        if !w.subscriptions.contains_key(id) {
            return Err(Reply::err(404, format!("{RECORD_NOT_FOUND}: subscription {id}")));
        }
    }
    let mut out = Vec::new();
    for id in &ids {
        let s = w.subscriptions.get_mut(id).expect("checked");
        s.auto_renew = on;
        out.push(json!({"subscriptionId": id, "autoRenew": on}));
    }
    let n = out.len();
    Ok(Reply::ok(format!("Auto-renew toggled {} for {n} subscription{}.", if on { "on" } else { "off" }, if n == 1 { "" } else { "s" }), json!(out)))
}

pub fn recreate(w: &mut World, r: &Req, now: i64) -> R {
    let obj = body_obj(r)?;
    let ids: Vec<String> = match (obj.get("subscriptionIds").filter(|v| !v.is_null()), obj.get("domainNames").filter(|v| !v.is_null())) {
        (Some(_), None) => id_list(obj, "subscriptionIds")?,
        (None, Some(_)) => {
            let names = id_list(obj, "domainNames")?;
            let mut v = Vec::new();
            for n in names {
                let n = n.trim().to_ascii_lowercase();
                let s = w
                    .subscriptions
                    .values()
                    .filter(|s| s.domain == n && s.status != "CANCELLED")
                    .max_by_key(|s| s.seq)
                    .ok_or_else(|| Reply::err(404, format!("{RECORD_NOT_FOUND}: no subscription on {n}")))?;
                v.push(s.subscription_id.clone());
            }
            v
        }
        _ => return Err(Reply::err(400, "Provide exactly one of subscriptionIds or domainNames")),
    };
    for id in &ids {
        match w.subscriptions.get(id) {
            None => return Err(Reply::err(404, format!("{RECORD_NOT_FOUND}: subscription {id}"))),
            Some(s) if s.status == "CANCELLED" => return Err(Reply::err(400, format!("Subscription {id} is cancelled and cannot be recreated"))),
            _ => {}
        }
    }
    let action = new_action_id();
    for id in &ids {
        let s = w.subscriptions.get_mut(id).expect("checked");
        s.price_per_mailbox = MAILBOX_PRICE_PER_MONTH;
        s.created_ms = now;
        let s = s.clone();
        emit(w, now, "subscription.updated", views::subscription_event(w, &s, Some(&action)));
    }
    Ok(Reply::ok(format!("{} subscription(s) will be recreated shortly", ids.len()), Value::Null).action(action))
}

/// Time-driven rules: subscriptions reaching their period end renew (auto-renew)
/// or expire; PAST_DUE ones expire after 7 days.
pub fn refresh(w: &mut World, now: i64) -> bool {
    let mut changed = false;
    let due: Vec<(String, bool, String)> = w
        .subscriptions
        .values()
        .filter(|s| (s.status == "ACTIVE" && s.period_end_ms <= now) || (s.status == "PAST_DUE" && s.period_end_ms + 7 * crate::clock::DAY <= now))
        .map(|s| (s.subscription_id.clone(), s.auto_renew && s.status == "ACTIVE", s.status.clone()))
        .collect();
    for (id, auto, _) in due {
        changed = true;
        let end = w.subscriptions[&id].period_end_ms;
        if auto {
            start_renewal(w, &id, &new_action_id(), end);
        } else {
            w.subscriptions.get_mut(&id).expect("exists").status = "EXPIRED".into();
            expire_mailboxes(w, &id);
        }
    }
    changed
}
