//! Mailboxes: lists, details, admin credentials, updates, removal.

use cmr::models::{MailboxAdminDetails, MailboxUpdate, MailboxUpdateItem};
use serde_json::{json, Value};

use super::domains::RECORD_NOT_FOUND;
use super::{body_obj, page_params, paginate, q, q_opt, user, user_q, views, R};
use crate::clock::HOUR;
use crate::reply::{Reply, Req};
use crate::state::{new_action_id, MailboxRec, World};
use crate::webhooks::emit;

/// Mailboxes cannot be removed this close to their subscription's period end.
pub const REMOVAL_CUTOFF_MS: i64 = 24 * HOUR;

fn sorted<'a>(it: impl Iterator<Item = &'a MailboxRec>) -> Vec<&'a MailboxRec> {
    let mut v: Vec<&MailboxRec> = it.collect();
    v.sort_by_key(|m| m.seq);
    v
}

pub fn list_all(w: &mut World, r: &Req) -> R {
    let (page, limit) = page_params(r, 20)?;
    let all: Vec<_> = sorted(w.mailboxes.values()).into_iter().map(views::mailbox).collect();
    let (items, pagination) = paginate(&all, page, limit);
    Ok(Reply::ok("Mailboxes fetched successfully", json!({"mailboxes": items, "pagination": pagination})))
}

pub fn list(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let all: Vec<_> = sorted(w.mailboxes.values().filter(|m| m.user_id == uid)).into_iter().map(views::mailbox).collect();
    Ok(Reply::ok("Mailboxes fetched successfully", json!({"mailboxes": all, "totalCount": all.len()})))
}

fn owned<'a>(w: &'a World, uid: Option<&str>, id: &str) -> Result<&'a MailboxRec, Reply> {
    match w.mailboxes.get(id) {
        None => Err(Reply::err(404, RECORD_NOT_FOUND)),
        Some(m) if uid.is_some_and(|u| u != m.user_id) => Err(Reply::err(403, "This mailbox does not belong to the user")),
        Some(m) => Ok(m),
    }
}

pub fn get(w: &mut World, r: &Req) -> R {
    let id = q(r, "mailboxId")?;
    let uid = q_opt(r, "userId");
    if let Some(u) = uid {
        user(w, u)?;
    }
    let m = owned(w, uid, id)?;
    Ok(Reply::ok("Mailbox fetched successfully", json!(views::mailbox(m))))
}

pub fn admin_details(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let m = owned(w, Some(&uid), q(r, "mailboxId")?)?;
    let admin = w
        .mailboxes
        .values()
        .filter(|x| x.subscription_id.is_some() && x.subscription_id == m.subscription_id && x.is_admin)
        .min_by_key(|x| x.seq)
        .unwrap_or(m);
    if admin.status != "ACTIVE" {
        return Err(Reply::err(409, format!("The workspace admin mailbox is {}: credentials exist once it is ACTIVE", admin.status)));
    }
    let d = MailboxAdminDetails {
        mailbox_id: admin.mailbox_id.clone(),
        email: Some(admin.email()),
        password: Some(admin.password.clone()),
        app_password: Some(views::app_password(&admin.mailbox_id)),
        authenticator_secret: Some(views::authenticator_secret(&admin.mailbox_id)),
        is_admin: Some(admin.is_admin),
        extra: Default::default(),
    };
    Ok(Reply::ok("Admin mailbox details fetched successfully", json!(d)))
}

fn apply(w: &mut World, uid: &str, c: &MailboxUpdate) -> Result<(), String> {
    let m = owned(w, Some(uid), &c.mailbox_id).map_err(|e| e.message)?;
    if m.status != "ACTIVE" {
        return Err(format!("Mailbox is {}: only ACTIVE mailboxes can be updated", m.status));
    }
    if c.profile_picture.is_some() && c.remove_profile_picture == Some(true) {
        return Err("profilePicture and removeProfilePicture are mutually exclusive".into());
    }
    if c.user_name.is_none() && c.first_name.is_none() && c.last_name.is_none() && c.profile_picture.is_none() && c.remove_profile_picture.is_none() {
        return Err("Nothing to update".into());
    }
    if let Some(u) = &c.user_name {
        let u = u.trim().to_ascii_lowercase();
        if u.is_empty() || u.contains('@') || u.chars().any(char::is_whitespace) {
            return Err(format!("userName '{u}' must be a bare local part"));
        }
        if w.mailboxes.values().any(|x| x.domain == m.domain && x.username == u && x.mailbox_id != m.mailbox_id) {
            return Err(format!("{u}@{} already exists", m.domain));
        }
    }
    let m = w.mailboxes.get_mut(&c.mailbox_id).expect("checked");
    if let Some(u) = &c.user_name {
        m.username = u.trim().to_ascii_lowercase();
    }
    if let Some(f) = &c.first_name {
        m.first_name = f.clone();
    }
    if let Some(l) = &c.last_name {
        m.last_name = l.clone();
    }
    if let Some(p) = &c.profile_picture {
        m.profile_picture = Some(p.clone());
    }
    if c.remove_profile_picture == Some(true) {
        m.profile_picture = None;
    }
    Ok(())
}

pub fn update(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    let obj = body_obj(r)?;
    let (changes, bulk): (Vec<Value>, bool) = match obj.get("mailboxData") {
        Some(Value::Object(_)) => (vec![obj["mailboxData"].clone()], false),
        Some(Value::Array(a)) if !a.is_empty() => (a.clone(), true),
        Some(Value::Array(_)) => return Err(Reply::err(400, "mailboxData must list at least one change")),
        _ => return Err(Reply::err(400, "mailboxData is required (an object, or an array for bulk updates)")),
    };
    let action = new_action_id();
    let mut results = Vec::new();
    for c in changes {
        let parsed: Result<MailboxUpdate, String> = serde_json::from_value(c.clone()).map_err(|e| format!("Invalid change: {e}"));
        let id = c.get("mailboxId").and_then(Value::as_str).unwrap_or("").to_string();
        let outcome = parsed.and_then(|p| apply(w, &uid, &p));
        if !bulk {
            if let Err(e) = &outcome {
                let status = if e == RECORD_NOT_FOUND { 404 } else if e.contains("does not belong") { 403 } else { 400 };
                return Err(Reply::err(status, e.clone()));
            }
        }
        if outcome.is_ok() {
            let data = views::mailbox_event(w, &w.mailboxes[&id], Some(&action));
            emit(w, now, "mailbox.updated", data);
        }
        results.push(MailboxUpdateItem {
            mailbox_id: id,
            success: outcome.is_ok(),
            message: Some(outcome.err().unwrap_or_else(|| "Mailbox details will update shortly".into())),
            extra: Default::default(),
        });
    }
    Ok(Reply::ok("Mailbox details will update shortly", json!(results)).action(action))
}

pub fn remove(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    let obj = body_obj(r)?;
    let id = obj.get("mailboxId").and_then(Value::as_str).filter(|s| !s.trim().is_empty()).ok_or_else(|| Reply::err(400, "mailboxId is required"))?;
    let m = owned(w, Some(&uid), id)?.clone();
    if let Some(s) = m.subscription_id.as_ref().and_then(|s| w.subscriptions.get(s)) {
        if s.status != "CANCELLED" && s.period_end_ms - now < REMOVAL_CUTOFF_MS {
            return Err(Reply::err(400, "Mailboxes cannot be removed within 24 hours of the subscription's period end"));
        }
    }
    w.mailboxes.remove(id);
    if let Some(sid) = &m.subscription_id {
        let left = w.mailboxes.values().filter(|x| x.subscription_id.as_deref() == Some(sid)).count();
        if left == 0 {
            // The workspace's last mailbox: the workspace (subscription) goes too.
            w.subscriptions.remove(sid);
        } else if m.is_admin {
            if let Some(next) = w.mailboxes.values_mut().filter(|x| x.subscription_id.as_deref() == Some(sid)).min_by_key(|x| x.seq) {
                next.is_admin = true;
            }
        }
    }
    Ok(Reply::new(200, "Mailbox will be removed shortly", None).action(new_action_id()))
}
