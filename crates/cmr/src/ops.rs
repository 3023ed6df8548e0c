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
    fn user(&self) -> Result<String> {
        self.str("userId")
    }
}

fn out<T: Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::new(crate::ErrorKind::Decode, format!("could not encode the result: {e}")))
}

/// Call an operation by name. Unknown names and malformed arguments are
/// validation errors raised before any request is sent.
pub async fn call(client: &Client, op: &str, args: Value) -> Result<Value> {
    let a = Args::new(op, args)?;
    match op {
        "users.list" => out(client.users().list(&a.model::<ListUsersParams>(&[])?).await?),
        "users.get" => out(client.users().get(&a.user()?).await?),
        "users.create" => out(client.users().create(&a.model::<CreateUser>(&[])?).await?),
        "users.update" => out(client.users().update(&a.user()?, &a.model::<UpdateUser>(&["userId"])?).await?),
        "users.delete" => out(client.users().delete(&a.user()?).await?),
        "users.find_by_email" => out(client.users().find_by_email(&a.str("email")?).await?),

        "geo.countries" => out(client.geo().countries().await?),
        "geo.states" => out(client.geo().states(&a.str("countryCode")?).await?),

        "domains.list" => out(client.domains().list(&a.user()?).await?),
        "domains.suggest" => out(client.domains().suggest(&a.user()?, &a.model::<SuggestDomains>(&["userId"])?).await?),
        "domains.check_availability" => out(client.domains().check_availability(&a.user()?, &a.str("domain")?).await?),
        "domains.check_workspace" => out(client.domains().check_workspace(&a.user()?, &a.model::<CheckWorkspace>(&["userId"])?).await?),
        "domains.add_forwarding" => out(client.domains().add_forwarding(&a.user()?, &a.model::<DomainForwarding>(&["userId"])?).await?),
        "domains.add_email_forwarding" => {
            out(client.domains().add_email_forwarding(&a.user()?, &a.model::<EmailForwarding>(&["userId"])?).await?)
        }
        "domains.add_google_client_id" => {
            out(client.domains().add_google_client_id(&a.user()?, &a.model::<GoogleClientId>(&["userId"])?).await?)
        }
        "domains.remove" => out(client.domains().remove(&a.user()?, &a.get::<Vec<String>>("domains")?).await?),
        "domains.renewal_price" => out(client.domains().renewal_price(&a.model::<DomainRenewal>(&[])?).await?),
        "domains.renew" => out(client.domains().renew(&a.model::<DomainRenewal>(&[])?).await?),
        "domains.toggle_auto_renew" => out(client.domains().toggle_auto_renew(&a.model::<ToggleDomainAutoRenew>(&[])?).await?),

        "dns.list" => out(client.dns().list(&a.user()?, &a.str("domain")?).await?),
        "dns.add" => out(client.dns().add(&a.user()?, &a.model::<AddDnsRecords>(&["userId"])?).await?),
        "dns.update" => out(client.dns().update(&a.user()?, &a.model::<UpdateDnsRecord>(&["userId"])?).await?),
        "dns.delete" => out(client.dns().delete(&a.user()?, &a.str("recordId")?).await?),
        "dns.add_many" => {
            let opts = BulkOptions { batch_size: a.opt("batchSize")? };
            out(client.dns().add_many(&a.user()?, &a.get::<Vec<BulkDnsRecord>>("records")?, &opts).await?)
        }
        "dns.find" => {
            let t = RecordType::parse(&a.str("recordType")?.to_ascii_uppercase());
            out(client.dns().find(&a.user()?, &a.str("domain")?, &t, &a.str("host")?, &a.str("value")?).await?)
        }

        "orders.create" => out(client.orders().create(&a.user()?, &a.model::<CreateOrder>(&["userId"])?).await?),
        "orders.create_multipart" => {
            let files: Vec<ProfilePicture> = a.opt("files")?.unwrap_or_default();
            out(client.orders().create_multipart(&a.user()?, &a.model::<CreateOrder>(&["userId", "files"])?, &files).await?)
        }
        "orders.order_mailboxes" => out(client.orders().order_mailboxes(&a.user()?, &a.model::<MailboxOrder>(&["userId"])?).await?),
        "orders.add_mailboxes_to_subscription" => {
            let files: Vec<ProfilePicture> = a.opt("files")?.unwrap_or_default();
            #[allow(deprecated)]
            let r = client
                .orders()
                .add_mailboxes_to_subscription(&a.user()?, &a.model::<AddMailboxesToSubscription>(&["userId", "files"])?, &files)
                .await?;
            out(r)
        }
        "orders.process" => out(client.orders().process(&a.user()?, &a.str("orderId")?).await?),
        "orders.status" => out(client.orders().status(&a.user()?, &a.str("orderId")?).await?),
        "orders.get" => out(client.orders().get(&a.user()?, &a.str("orderId")?).await?),
        "orders.find_by_domain" => out(client.orders().find_by_domain(&a.user()?, &a.str("domain")?).await?),

        "mailboxes.list_all" => out(client.mailboxes().list_all(&a.model::<ListMailboxesParams>(&[])?).await?),
        "mailboxes.list" => out(client.mailboxes().list(&a.user()?).await?),
        "mailboxes.get" => out(client.mailboxes().get(&a.str("mailboxId")?, a.opt_str("userId")?.as_deref()).await?),
        "mailboxes.admin_details" => out(client.mailboxes().admin_details(&a.user()?, &a.str("mailboxId")?).await?),
        "mailboxes.update" => out(client.mailboxes().update(&a.user()?, &a.model::<MailboxUpdate>(&["userId"])?).await?),
        "mailboxes.update_many" => out(client.mailboxes().update_many(&a.user()?, &a.get::<Vec<MailboxUpdate>>("mailboxData")?).await?),
        "mailboxes.update_all" => {
            let opts = BulkOptions { batch_size: a.opt("batchSize")? };
            out(client.mailboxes().update_all(&a.user()?, &a.get::<Vec<MailboxUpdate>>("changes")?, &opts).await?)
        }
        "mailboxes.remove" => out(client.mailboxes().remove(&a.user()?, &a.str("mailboxId")?).await?),

        "subscriptions.list" => out(client.subscriptions().list(&a.model::<ListSubscriptionsParams>(&[])?).await?),
        "subscriptions.renew" => out(client.subscriptions().renew(&a.get::<Vec<String>>("subscriptionIds")?).await?),
        "subscriptions.cancel" => out(client.subscriptions().cancel(&a.model::<CancelSubscription>(&[])?).await?),
        "subscriptions.toggle_auto_renew" => {
            out(client.subscriptions().toggle_auto_renew(&a.model::<ToggleSubscriptionAutoRenew>(&[])?).await?)
        }
        "subscriptions.recreate" => out(client.subscriptions().recreate(&a.model::<RecreateSubscriptions>(&[])?).await?),

        "exports.reexport" => out(client.exports().reexport(&a.user()?, &a.str("mailboxId")?).await?),
        "exports.list_credentials" => out(client.exports().list_credentials(&a.user()?).await?),
        "exports.add_credential" => out(client.exports().add_credential(&a.user()?, &a.model::<AddPlatformCredential>(&["userId"])?).await?),
        "exports.remove_credential" => out(client.exports().remove_credential(&a.user()?, &a.str("credentialId")?).await?),
        "exports.export_mailboxes" => out(client.exports().export_mailboxes(&a.user()?, &a.model::<ExportMailboxes>(&["userId"])?).await?),

        "prewarmup.list" => out(client.prewarmup().list(&a.model::<ListPrewarmupParams>(&[])?).await?),
        "prewarmup.order" => out(client.prewarmup().order(&a.user()?, &a.model::<PrewarmupOrder>(&["userId"])?).await?),
        "prewarmup.sandbox_list" => {
            let sp: Option<ServiceProvider> = a.opt("serviceProvider")?;
            out(client.prewarmup().sandbox_list(sp.as_ref()).await?)
        }
        "prewarmup.sandbox_order" => out(client.prewarmup().sandbox_order(&a.user()?, &a.model::<PrewarmupOrder>(&["userId"])?).await?),
        "prewarmup.sandbox_reset" => out(client.prewarmup().sandbox_reset().await?),

        "wallet.get" => out(client.wallet().get().await?),
        "send_error" => out(client.send_error(&a.model::<SendErrorReport>(&[])?).await?),

        PANIC_TEST_HOOK => panic!("deliberate panic inside the cmr core (test hook)"),
        other => Err(Error::invalid(format!("unknown operation {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_has_a_dispatch_arm() {
        let src = include_str!("ops.rs");
        for op in super::names().chain(crate::routes::COMPOSITE.iter().map(|c| c.op)) {
            assert!(src.contains(&format!("\"{op}\" =>")), "ops::call has no arm for {op}");
        }
    }
}
