//! The emulated API: one function per operation of `cmr::routes::ALL`,
//! run synchronously under the world lock.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::reply::{Reply, Req};
use crate::state::{TaskKind, UserRec, World};

mod dns;
mod domains;
mod exports;
mod geo;
mod mailboxes;
mod orders;
mod prewarmup;
mod subscriptions;
mod users;
pub mod views;

pub use domains::register as register_domain;

pub type R = Result<Reply, Reply>;

/// Refuse a batch larger than `max` items, as a server with a batch limit
/// would: 400 and a message saying the limit (nothing is applied).
pub fn check_batch(route: &cmr::routes::Route, body: &Value, max: usize) -> Result<(), Reply> {
    let (key, what) = match route.op {
        "dns.add" => ("records", "records"),
        "mailboxes.update" | "mailboxes.update_many" => ("mailboxData", "mailboxes"),
        _ => return Ok(()),
    };
    match body.get(key) {
        Some(Value::Array(a)) if a.len() > max => {
            Err(Reply::err(400, format!("Too many {what}: at most {max} per request (got {})", a.len())))
        }
        _ => Ok(()),
    }
}

/// Run one API operation.
pub fn dispatch(w: &mut World, r: &Req, now: i64) -> R {
    match r.route.op {
        "users.list" => users::list(w, r),
        "users.get" => users::get(w, r),
        "users.create" => users::create(w, r, now),
        "users.update" => users::update(w, r),
        "users.delete" => users::delete(w, r),
        "geo.countries" => geo::countries(r),
        "geo.states" => geo::states(r),
        "domains.list" => domains::list(w, r, now),
        "domains.suggest" => domains::suggest(w, r),
        "domains.check_availability" => domains::check_availability(w, r),
        "domains.check_workspace" => domains::check_workspace(w, r),
        "domains.add_forwarding" => domains::add_forwarding(w, r),
        "domains.add_email_forwarding" => domains::add_email_forwarding(w, r),
        "domains.add_google_client_id" => domains::add_google_client_id(w, r),
        "domains.remove" => domains::remove(w, r),
        "domains.renewal_price" => domains::renewal_price(w, r, now),
        "domains.renew" => domains::renew(w, r, now),
        "domains.toggle_auto_renew" => domains::toggle_auto_renew(w, r),
        "dns.list" => dns::list(w, r),
        "dns.add" => dns::add(w, r),
        "dns.update" => dns::update(w, r),
        "dns.delete" => dns::delete(w, r),
        "orders.create" => orders::create(w, r, now),
        "orders.create_multipart" => orders::create_multipart(w, r, now),
        "orders.order_mailboxes" => orders::order_mailboxes(w, r, now),
        "orders.add_mailboxes_to_subscription" => orders::add_mailboxes_to_subscription(w, r, now),
        "orders.process" => orders::process(w, r, now),
        "orders.status" => orders::status(w, r),
        "orders.get" => orders::get(w, r),
        "mailboxes.list_all" => mailboxes::list_all(w, r),
        "mailboxes.list" => mailboxes::list(w, r),
        "mailboxes.get" => mailboxes::get(w, r),
        "mailboxes.admin_details" => mailboxes::admin_details(w, r),
        "mailboxes.update" | "mailboxes.update_many" => mailboxes::update(w, r, now),
        "mailboxes.remove" => mailboxes::remove(w, r, now),
        "subscriptions.list" => subscriptions::list(w, r),
        "subscriptions.renew" => subscriptions::renew(w, r, now),
        "subscriptions.cancel" => subscriptions::cancel(w, r),
        "subscriptions.toggle_auto_renew" => subscriptions::toggle_auto_renew(w, r),
        "subscriptions.recreate" => subscriptions::recreate(w, r, now),
        "exports.reexport" => exports::reexport(w, r),
        "exports.list_credentials" => exports::list_credentials(w, r),
        "exports.add_credential" => exports::add_credential(w, r, now),
        "exports.remove_credential" => exports::remove_credential(w, r),
        "exports.export_mailboxes" => exports::export_mailboxes(w, r),
        "prewarmup.list" => prewarmup::list(w, r, now),
        "prewarmup.order" => prewarmup::order(w, r, now),
        "prewarmup.sandbox_list" => prewarmup::sandbox_list(w, r, now),
        "prewarmup.sandbox_order" => prewarmup::sandbox_order(w, r, now),
        "prewarmup.sandbox_reset" => prewarmup::sandbox_reset(w),
        "wallet.get" => Ok(Reply::ok("Wallet details fetched successfully", json!({"balance": money(w.wallet), "currency": "USD"}))),
        "send_error" => send_error(r),
        op => Err(Reply::err(501, format!("{op} is not implemented by the sandbox"))),
    }
}

fn send_error(r: &Req) -> R {
    let obj = body_obj(r)?;
    let msg = obj.get("message").and_then(Value::as_str).filter(|s| !s.trim().is_empty()).ok_or_else(|| Reply::err(400, "message is required"))?;
    if msg.len() > 10_000 {
        return Err(Reply::err(400, "message must be at most 10000 characters"));
    }
    Ok(Reply::ok("Error report received", json!({"reportId": crate::state::new_id()})))
}

/// Run every task due at or before `now` (in due order, each at its own due
/// time), then the time-driven status rules; repeat until nothing is due.
pub fn run_due_tasks(w: &mut World, now: i64) {
    for _ in 0..100_000 {
        let next = w.tasks.iter().enumerate().filter(|(_, t)| t.due_ms <= now).min_by_key(|(_, t)| (t.due_ms, t.seq)).map(|(i, _)| i);
        match next {
            Some(i) => {
                let t = w.tasks.remove(i);
                run_task(w, t.kind, t.due_ms);
                w.dirty = true;
            }
            None => {
                if subscriptions::refresh(w, now) {
                    w.dirty = true;
                    continue;
                }
                return;
            }
        }
    }
}

fn run_task(w: &mut World, kind: TaskKind, at: i64) {
    match kind {
        TaskKind::OrderDomains { order_id } => orders::step_domains(w, &order_id, at),
        TaskKind::OrderMailboxes { order_id } => orders::step_mailboxes(w, &order_id, at),
        TaskKind::MailboxesCreatingPassword { order_id } => orders::step_password(w, &order_id),
        TaskKind::MailboxesActive { order_id } => orders::step_active(w, &order_id, at),
        TaskKind::RenewSubscription { subscription_id, action_id } => subscriptions::step_renew(w, &subscription_id, &action_id, at),
        TaskKind::PrewarmupDeliver { order_id } => prewarmup::step_deliver(w, &order_id, at),
    }
}

// ---- helpers ---------------------------------------------------------------

/// A required query parameter (400 when absent or empty).
pub fn q<'a>(r: &'a Req, name: &str) -> Result<&'a str, Reply> {
    match r.query.get(name).map(|s| s.trim()) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Reply::err(400, missing_param(name))),
    }
}

/// The answer to a missing required query parameter (CMR: "Please provide a userId").
pub fn missing_param(name: &str) -> String {
    format!("Please provide a {name}")
}

/// An optional query parameter.
pub fn q_opt<'a>(r: &'a Req, name: &str) -> Option<&'a str> {
    r.query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// `page` / `limit` query parameters (defaults 1 and `default_limit`, limit max 100).
pub fn page_params(r: &Req, default_limit: u32) -> Result<(u32, u32), Reply> {
    let parse = |name: &str, default: u32, max: u32| -> Result<u32, Reply> {
        match q_opt(r, name) {
            None => Ok(default),
            Some(s) => match s.parse::<u32>() {
                Ok(n) if n >= 1 && n <= max => Ok(n),
                _ => Err(Reply::err(400, format!("{name} must be an integer between 1 and {max}"))),
            },
        }
    };
    Ok((parse("page", 1, 1_000_000)?, parse("limit", default_limit, 100)?))
}

/// Slice one page; returns (items, pagination object).
pub fn paginate<T: Clone>(all: &[T], page: u32, limit: u32) -> (Vec<T>, Value) {
    let total = all.len();
    let total_pages = total.div_ceil(limit as usize).max(1);
    let start = ((page - 1) as usize).saturating_mul(limit as usize).min(total);
    let end = (start + limit as usize).min(total);
    let next = if (page as usize) < total_pages { json!(page + 1) } else { Value::Null };
    (
        all[start..end].to_vec(),
        json!({"totalSearchedCount": total, "currentPage": page, "nextPage": next, "totalPages": total_pages, "limit": limit}),
    )
}

/// The JSON body decoded into `T` (400 with serde's explanation otherwise).
pub fn body<T: DeserializeOwned>(r: &Req) -> Result<T, Reply> {
    if r.body.is_null() {
        return Err(Reply::err(400, BODY_REQUIRED));
    }
    if !r.body.is_object() {
        return Err(Reply::err(400, BODY_NOT_OBJECT));
    }
    serde_json::from_value(r.body.clone()).map_err(|e| Reply::err(400, format!("{INVALID_BODY}: {e}")))
}

/// The body as an object (400 when absent or not an object).
pub fn body_obj(r: &Req) -> Result<&serde_json::Map<String, Value>, Reply> {
    match &r.body {
        Value::Object(m) => Ok(m),
        Value::Null => Err(Reply::err(400, BODY_REQUIRED)),
        _ => Err(Reply::err(400, BODY_NOT_OBJECT)),
    }
}

// Messages the sandbox shares with CMR's docs, in one table (users.md, errors.md).
/// Unknown `userId` on most user-scoped calls (guide).
pub const USER_NOT_FOUND: &str = "The requested user does not exist.";
/// Unknown record, and Delete User of an unknown user (docs).
pub const RECORD_NOT_FOUND: &str = "Record Not Found";
/// Update User, 200 (docs: `data` is null).
pub const USER_UPDATED: &str = "User credentials updated";
/// Create/Update User with an e-mail another user has, 409 (docs).
pub const EMAIL_EXISTS: &str = "Email already exists";
/// A wrong or missing key, 401 (docs).
pub const INVALID_API_KEY: &str = "Invalid API Key";
// Validation failures, 400 (errors.md: "malformed request / missing field"),
// from the handlers' own checks and from `crate::validate` (the schemas).
/// A route that takes a body got none.
pub const BODY_REQUIRED: &str = "Request body is required";
/// The body is JSON but not an object.
pub const BODY_NOT_OBJECT: &str = "Request body must be a JSON object";
/// A body field is refused; followed by `: ` and what (the field's JSON pointer and why).
pub const INVALID_BODY: &str = "Invalid request body";
/// A query parameter is refused; followed by ` name: why`.
pub const INVALID_QUERY: &str = "Invalid query parameter";

/// The user of `userId` (404 when unknown).
pub fn user<'a>(w: &'a World, id: &str) -> Result<&'a UserRec, Reply> {
    w.users.get(id).ok_or_else(|| Reply::err(404, USER_NOT_FOUND))
}

/// `userId` from the query, checked to exist.
pub fn user_q(w: &World, r: &Req) -> Result<String, Reply> {
    let id = q(r, "userId")?.to_string();
    user(w, &id)?;
    Ok(id)
}

pub fn money(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Debit the wallet or answer 402.
pub fn debit(w: &mut World, amount: f64) -> Result<(), Reply> {
    let amount = money(amount);
    if w.wallet + 1e-9 < amount {
        return Err(Reply::err(402, "Insufficient wallet balance").with_data(json!({"required": amount, "balance": money(w.wallet)})));
    }
    w.wallet = money(w.wallet - amount);
    Ok(())
}

/// Is this a plausible e-mail address?
pub fn valid_email(e: &str) -> bool {
    let mut parts = e.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(l), Some(d), None) if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !e.contains(char::is_whitespace))
}
