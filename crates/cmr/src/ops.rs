//! The operation registry: every operation callable by name with JSON
//! arguments, returning JSON. This is what the Python and Node bindings call,
//! so they stay thin: they convert values and errors, nothing else.
//!
//! Arguments use the API's camelCase names. Operations with a request model
//! take its fields at the top level, plus `userId` where the route needs one:
//!
//! ```text
//! call(client, "users.create", {"email": "...", "company": "...", ...})
//! call(client, "dns.delete",   {"userId": "...", "recordId": "..."})
//! call(client, "subscriptions.list", {"status": "ACTIVE", "page": 2})
//! ```
//!
//! Results are the typed models serialised back to camelCase JSON. Paginated
//! operations return `{items, currentPage, totalPages, nextPage, totalCount, extra}`.

#![cfg_attr(cmr_codegen_bootstrap, allow(dead_code, unused_imports))]

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::models::*;
use crate::{Client, Error, Result};

/// Every operation name, in route-table order.
pub fn names() -> impl Iterator<Item = &'static str> {
    crate::routes::ALL.iter().map(|r| r.op)
}

/// Name of the test hook that panics inside the core, so every binding's
/// suite can prove a panic reaches the caller as a `CmrError` (internal).
pub const PANIC_TEST_HOOK: &str = "__panic_for_tests";

/// Is this operation paginated (returns a page with `nextPage`)? Read from
/// the route table ([`crate::routes::Signature::paginated`]).
pub fn is_paginated(op: &str) -> bool {
    crate::routes::signature(op).is_some_and(|s| s.is_paginated())
}

struct Args<'a> {
    op: &'a str,
    map: Map<String, Value>,
}

impl<'a> Args<'a> {
    fn new(op: &'a str, v: Value) -> Result<Self> {
        match v {
            Value::Object(map) => Ok(Args { op, map }),
            Value::Null => Ok(Args { op, map: Map::new() }),
            other => Err(Error::invalid(format!("{op}: arguments must be an object, got {other}"))),
        }
    }
    fn str(&self, key: &str) -> Result<String> {
        match self.map.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Null) | None => Err(Error::invalid(format!("{}: `{key}` is required", self.op))),
            Some(other) => Err(Error::invalid(format!("{}: `{key}` must be a string, got {other}", self.op))),
        }
    }
    fn opt_str(&self, key: &str) -> Result<Option<String>> {
        match self.map.get(key) {
            Some(Value::Null) | None => Ok(None),
            _ => self.str(key).map(Some),
        }
    }
    fn get<T: DeserializeOwned>(&self, key: &str) -> Result<T> {
        let v = self.map.get(key).cloned().unwrap_or(Value::Null);
        if v.is_null() {
            return Err(Error::invalid(format!("{}: `{key}` is required", self.op)));
        }
        serde_json::from_value(v).map_err(|e| Error::invalid(format!("{}: `{key}`: {e}", self.op)))
    }
    fn opt<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        match self.map.get(key) {
            Some(Value::Null) | None => Ok(None),
            _ => self.get(key).map(Some),
        }
    }
    /// The whole argument object (minus `skip`) as a request model.
    fn model<T: DeserializeOwned>(&self, skip: &[&str]) -> Result<T> {
        let mut m = self.map.clone();
        for k in skip {
            m.remove(*k);
        }
        serde_json::from_value(Value::Object(m)).map_err(|e| Error::invalid(format!("{}: {e}", self.op)))
    }
}

/// What [`dispatch`] encodes a typed result into: a [`Value`], or the JSON
/// text itself ([`call_json`]), serialised straight from the typed model.
trait Output: Sized {
    fn encode<T: Serialize>(v: T) -> serde_json::Result<Self>;
}

impl Output for Value {
    fn encode<T: Serialize>(v: T) -> serde_json::Result<Self> {
        serde_json::to_value(v)
    }
}

impl Output for String {
    fn encode<T: Serialize>(v: T) -> serde_json::Result<Self> {
        serde_json::to_string(&v)
    }
}

fn out<O: Output, T: Serialize>(v: T) -> Result<O> {
    O::encode(v).map_err(|e| Error::new(crate::ErrorKind::Decode, format!("could not encode the result: {e}")))
}

/// Call an operation by name. Unknown names and malformed arguments are
/// validation errors raised before any request is sent.
pub async fn call(client: &Client, op: &str, args: Value) -> Result<Value> {
    call_as(client, op, args).await
}

/// [`call`], with the result as JSON text, serialised from the typed model
/// without a [`Value`] in between (what a binding that hands JSON text to
/// its language wants). Its object keys come in the model's field order.
pub async fn call_json(client: &Client, op: &str, args: Value) -> Result<String> {
    call_as(client, op, args).await
}

async fn call_as<O: Output>(client: &Client, op: &str, args: Value) -> Result<O> {
    let a = Args::new(op, args)?;
    if op == PANIC_TEST_HOOK {
        panic!("deliberate panic inside the cmr core (test hook)");
    }
    // Boxed: the dispatch future holds the state of its largest arm (a few
    // KiB), which every wrapper of this future (a binding's panic guard, a
    // spawned task) would otherwise copy each time it moves it.
    Box::pin(dispatch(client, op, &a)).await
}

// `async fn dispatch`: one arm per operation, generated from the route table.
#[cfg(not(cmr_codegen_bootstrap))]
include!("ops_generated.rs");

/// Bootstrap build (see `build.rs`): no operation, only what cmr-codegen needs.
#[cfg(cmr_codegen_bootstrap)]
async fn dispatch<O: Output>(_: &Client, op: &str, _: &Args<'_>) -> Result<O> {
    Err(Error::invalid(format!("{op}: this build of cmr has no operations (CMR_CODEGEN_BOOTSTRAP)")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_has_a_dispatch_arm() {
        let src = include_str!("ops_generated.rs");
        for op in super::names().chain(crate::routes::COMPOSITE.iter().map(|c| c.op)) {
            assert!(src.contains(&format!("\"{op}\" =>")), "ops::call has no arm for {op}");
        }
    }
}
