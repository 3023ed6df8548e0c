use std::collections::HashMap;

use super::{json, user_q, Orders};
use crate::client::Body;
use crate::models::*;
use crate::{routes, validate, Error, Result};

impl Orders<'_> {
    /// Was an order for `domain` applied? After a `create` that failed with
    /// `may_have_been_sent()`, call this before ordering again: it answers
    /// the user's record of that domain (status `PENDING` while the order is
    /// being processed, then `ACTIVE`), or `None` when CMR has no trace of it,
    /// which makes a new order safe. Reads only (`GET /domains/by-user`).
    pub async fn find_by_domain(self, user_id: &str, domain: &str) -> Result<Option<Domain>> {
        validate::id("userId", user_id)?;
        validate::domain("domain", domain)?;
        let want = domain.trim_end_matches('.');
        let domains = self.client.domains().list(user_id).await?;
        Ok(domains.into_iter().find(|d| d.domain_name.trim_end_matches('.').eq_ignore_ascii_case(want)))
    }

    /// Order domains and/or mailboxes (JSON). With `confirm: true` the order is
    /// queued now and paid from the wallet; results arrive by webhook.
    /// Never resend an order while waiting: duplicates mean duplicate charges.
    pub async fn create(self, user_id: &str, order: &CreateOrder) -> Result<OrderCreated> {
        let q = user_q(user_id)?;
        check_order(order)?;
        created(self.client.call(&routes::ORDERS_CREATE, &[q], json(order)?).await?)
    }

    /// The multipart variant of `create`, carrying profile pictures as files
    /// (part name `username@domain`).
    pub async fn create_multipart(self, user_id: &str, order: &CreateOrder, files: &[ProfilePicture]) -> Result<OrderCreated> {
        let q = user_q(user_id)?;
        check_order(order)?;
        check_files(files, &order.mailboxes)?;
        let body = multipart(order, files.to_vec())?;
        created(self.client.call(&routes::ORDERS_CREATE_MULTIPART, &[q], body).await?)
    }

    /// Order mailboxes on a domain CMR already has: `subscription_id` (active
    /// subscription) xor `domain_id` (cancelled one; a new subscription is created).
    pub async fn order_mailboxes(self, user_id: &str, order: &MailboxOrder) -> Result<OrderCreated> {
        let q = user_q(user_id)?;
        validate::exactly_one(("subscriptionId", &order.subscription_id), ("domainId", &order.domain_id))?;
        if order.auto_renew.is_some() && order.domain_id.is_none() {
            return Err(Error::invalid("autoRenew applies only with domainId (a new subscription)"));
        }
        check_mailboxes(&order.mailboxes, true)?;
        check_provider(order.service_provider.as_ref(), &order.google, &order.microsoft_oauth_route)?;
        created(self.client.call(&routes::ORDERS_ORDER_MAILBOXES, &[q], json(order)?).await?)
    }

    /// Deprecated upstream: use [`Orders::order_mailboxes`]. Google mailboxes only.
    #[deprecated(note = "CMR deprecated this endpoint; use orders().order_mailboxes")]
    pub async fn add_mailboxes_to_subscription(
        &self,
        user_id: &str,
        req: &AddMailboxesToSubscription,
        files: &[ProfilePicture],
    ) -> Result<OrderCreated> {
        let q = user_q(user_id)?;
        validate::id("subscriptionId", &req.subscription_id)?;
        check_mailboxes(&req.mailboxes, true)?;
        check_files(files, &req.mailboxes)?;
        let value = serde_json::to_value(req).map_err(|e| Error::invalid(e.to_string()))?;
        let body = Body::Multipart(form_fields(&value), files.to_vec());
        created(self.client.call(&routes::ORDERS_ADD_MAILBOXES_TO_SUBSCRIPTION, &[q], body).await?)
    }

    /// Process an order created with `confirm: false` (wallet must cover it).
    pub async fn process(self, user_id: &str, order_id: &str) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::id("orderId", order_id)?;
        let body = Body::Json(serde_json::json!({ "orderId": order_id }));
        self.client.send(&routes::ORDERS_PROCESS, &[q], body).await.map(|e| Ack::from_envelope(&e))
    }

    /// Current state of an order (prefer webhooks; poll sparingly).
    pub async fn status(self, user_id: &str, order_id: &str) -> Result<OrderStatus> {
        let q = user_q(user_id)?;
        validate::id("orderId", order_id)?;
        Ok(self.client.call(&routes::ORDERS_STATUS, &[q, ("orderId", order_id.to_string())], Body::None).await?.0)
    }

    /// Full details of an order.
    pub async fn get(self, user_id: &str, order_id: &str) -> Result<Order> {
        let q = user_q(user_id)?;
        validate::id("orderId", order_id)?;
        Ok(self.client.call(&routes::ORDERS_GET, &[q, ("orderId", order_id.to_string())], Body::None).await?.0)
    }
}

fn created((data, env): (Option<OrderCreated>, Envelope)) -> Result<OrderCreated> {
    let mut c = data.unwrap_or_default();
    c.message = env.message.clone();
    if c.action_id.is_none() {
        c.action_id = env.action_id().map(str::to_string);
    }
    Ok(c)
}

fn check_order(order: &CreateOrder) -> Result<()> {
    if order.domains.is_empty() && order.mailboxes.is_empty() {
        return Err(Error::invalid("an order needs at least one domain or mailbox"));
    }
    let mut seen = std::collections::HashSet::new();
    for d in &order.domains {
        validate::domain("domains[].domain", &d.domain)?;
        if !(1..=10).contains(&d.years) {
            return Err(Error::invalid(format!("domains[].years for {} must be between 1 and 10", d.domain)));
        }
        if !seen.insert(d.domain.to_ascii_lowercase()) {
            return Err(Error::invalid(format!("domain {} is listed twice", d.domain)));
        }
    }
    if let Some(c) = &order.billing_cycle {
        if *c != BillingCycle::Monthly {
            return Err(Error::invalid(format!("billingCycle {c} is not accepted: CMR only sells MONTHLY")));
        }
    }
    check_mailboxes(&order.mailboxes, false)?;
    if !order.mailboxes.is_empty() {
        check_provider(order.service_provider.as_ref(), &order.google, &order.microsoft_oauth_route)?;
    }
    Ok(())
}

fn check_mailboxes(m: &HashMap<String, Vec<NewMailbox>>, required: bool) -> Result<()> {
    if required && m.values().all(Vec::is_empty) {
        return Err(Error::invalid("mailboxes must list at least one mailbox"));
    }
    for (domain, list) in m {
        validate::domain("mailboxes key", domain)?;
        let mut seen = std::collections::HashSet::new();
        for mb in list {
            let u = mb.username.trim();
            if u.is_empty() || u.contains('@') || u.chars().any(char::is_whitespace) {
                return Err(Error::invalid(format!("username {:?} on {domain} must be a bare local part (no @, no spaces)", mb.username)));
            }
            validate::non_empty("firstName", &mb.first_name)?;
            validate::non_empty("lastName", &mb.last_name)?;
            if !seen.insert(u.to_ascii_lowercase()) {
                return Err(Error::invalid(format!("mailbox {u}@{domain} is listed twice")));
            }
        }
    }
    Ok(())
}

/// Microsoft orders need `microsoftOauthRoute`; `google` makes no sense with them.
fn check_provider(p: Option<&ServiceProvider>, google: &Option<GoogleConfig>, ms_route: &Option<String>) -> Result<()> {
    match p.unwrap_or(&ServiceProvider::Google) {
        ServiceProvider::Microsoft => {
            if ms_route.as_deref().is_none_or(|s| s.trim().is_empty()) {
                return Err(Error::invalid("microsoftOauthRoute is required for MICROSOFT mailboxes"));
            }
            if google.is_some() {
                return Err(Error::invalid("google settings do not apply to MICROSOFT mailboxes"));
            }
        }
        ServiceProvider::Google => {
            if ms_route.is_some() {
                return Err(Error::invalid("microsoftOauthRoute does not apply to GOOGLE mailboxes"));
            }
        }
        ServiceProvider::Unknown(_) => {}
    }
    Ok(())
}

fn check_files(files: &[ProfilePicture], mailboxes: &HashMap<String, Vec<NewMailbox>>) -> Result<()> {
    for f in files {
        let (user, domain) = f
            .key
            .split_once('@')
            .ok_or_else(|| Error::invalid(format!("file key {:?} must be username@domain", f.key)))?;
        let known = mailboxes.get(domain).is_some_and(|l| l.iter().any(|m| m.username.eq_ignore_ascii_case(user)));
        if !known {
            return Err(Error::invalid(format!("file {:?} names no mailbox of this order", f.key)));
        }
        if f.data.is_empty() {
            return Err(Error::invalid(format!("file {:?} is empty", f.key)));
        }
    }
    Ok(())
}

/// Multipart text fields: objects and arrays as JSON strings, scalars as text.
fn form_fields(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let serde_json::Value::Object(map) = v {
        for (k, v) in map {
            let s = match v {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push((k.clone(), s));
        }
    }
    out
}

fn multipart(order: &CreateOrder, files: Vec<ProfilePicture>) -> Result<Body> {
    let v = serde_json::to_value(order).map_err(|e| Error::invalid(e.to_string()))?;
    Ok(Body::Multipart(form_fields(&v), files))
}
