//! One handle per API resource: `client.users()`, `client.domains()`, ...

mod dns;
mod domains;
mod exports;
mod geo;
mod mailboxes;
mod orders;
mod prewarmup;
mod subscriptions;
mod users;
mod wallet;

pub(crate) use dns::check_record as check_dns_record;
pub(crate) use mailboxes::check_update as check_mailbox_update;

use crate::Client;

macro_rules! resource {
    ($($(#[$m:meta])* $ty:ident => $method:ident;)*) => {
        $(
            $(#[$m])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty<'a> {
                pub(crate) client: &'a Client,
            }
        )*
        impl Client {
            $(
                $(#[$m])*
                pub fn $method(&self) -> $ty<'_> {
                    $ty { client: self }
                }
            )*
        }
    };
}

resource! {
    /// Customers of the partner.
    Users => users;
    /// Country and state reference data.
    Geo => geo;
    /// Domains: availability, forwarding, removal and renewal.
    Domains => domains;
    /// DNS records of a user's domains.
    Dns => dns;
    /// Orders of domains and mailboxes.
    Orders => orders;
    /// Mailboxes.
    Mailboxes => mailboxes;
    /// Mailbox subscriptions.
    Subscriptions => subscriptions;
    /// Exports to sending platforms.
    Exports => exports;
    /// Pre-warmed mailboxes (and their sandbox).
    Prewarmup => prewarmup;
    /// The partner wallet.
    Wallet => wallet;
}

/// `("userId", id)` after checking the id.
pub(crate) fn user_q(user_id: &str) -> crate::Result<(&'static str, String)> {
    crate::validate::id("userId", user_id)?;
    Ok(("userId", user_id.to_string()))
}

/// JSON body of a serialisable request model.
pub(crate) fn json<T: serde::Serialize>(v: &T) -> crate::Result<crate::client::Body> {
    serde_json::to_value(v)
        .map(crate::client::Body::Json)
        .map_err(|e| crate::Error::invalid(format!("could not encode the request: {e}")))
}

/// Query pairs of a params model: its set fields that are query parameters of `route`.
pub(crate) fn query_of<T: serde::Serialize>(route: &crate::routes::Route, v: &T) -> Vec<(&'static str, String)> {
    let serde_json::Value::Object(map) = serde_json::to_value(v).unwrap_or_default() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in map {
        let Some(key) = route.query.iter().copied().find(|q| *q == k) else { continue };
        let s = match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        out.push((key, s));
    }
    out
}

/// A list answer whose `data` did not decode: a decode error with the
/// request details, the status and the raw answer.
pub(crate) fn list_decode_error(e: crate::Error, route: &crate::routes::Route, env: &crate::models::Envelope) -> crate::Error {
    crate::Error::new(crate::ErrorKind::Decode, format!("{} ({})", e.message(), route.op))
        .with_request(route.method.as_str(), route.path)
        .with_status(env.status.unwrap_or(200))
        .with_body(serde_json::to_string(env).unwrap_or_default())
        .mark_sent(true)
}
