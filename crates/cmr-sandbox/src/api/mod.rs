//! The emulated API: one function per operation of `cmr::routes::ALL`,
//! run synchronously under the world lock.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::server::{Reply, Req};
use crate::state::{UserRec, World};

mod geo;
mod users;

pub type R = Result<Reply, Reply>;

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
        op => Err(Reply::err(501, format!("{op} is not implemented by the sandbox yet"))),
    }
}

/// Run every task due at or before `now`, in due order.
pub fn run_due_tasks(_w: &mut World, _now: i64) {}

/// `POST /__sandbox/seed`.
pub fn seed(_w: &mut World, _now: i64) -> Value {
    json!({})
}

// ---- helpers ---------------------------------------------------------------

/// A required query parameter (400 when absent or empty).
pub fn q<'a>(r: &'a Req, name: &str) -> Result<&'a str, Reply> {
    match r.query.get(name).map(|s| s.trim()) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Reply::err(400, if name == "userId" { "Please provide a userId".to_string() } else { format!("Please provide a {name}") })),
    }
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
        return Err(Reply::err(400, "Request body is required"));
    }
    if !r.body.is_object() {
        return Err(Reply::err(400, "Request body must be a JSON object"));
    }
    serde_json::from_value(r.body.clone()).map_err(|e| Reply::err(400, format!("Invalid request body: {e}")))
}

/// The body as an object (400 when absent or not an object).
pub fn body_obj(r: &Req) -> Result<&serde_json::Map<String, Value>, Reply> {
    match &r.body {
        Value::Object(m) => Ok(m),
        Value::Null => Err(Reply::err(400, "Request body is required")),
        _ => Err(Reply::err(400, "Request body must be a JSON object")),
    }
}

pub const USER_NOT_FOUND: &str = "The requested user does not exist.";

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

impl Reply {
    pub fn with_data(mut self, data: Value) -> Reply {
        self.data = Some(data);
        self
    }
}

/// Is this a plausible e-mail address?
pub fn valid_email(e: &str) -> bool {
    let mut parts = e.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(l), Some(d), None) if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !e.contains(char::is_whitespace))
}
