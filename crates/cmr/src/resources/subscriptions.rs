use futures_util::Stream;

use super::{json, query_of, Subscriptions};
use crate::client::Body;
use crate::models::*;
use crate::pagination::{decode_page, paginate};
use crate::{routes, validate, Result};

impl Subscriptions<'_> {
    /// One page of subscriptions (server default 50 per page).
    pub async fn list(self, params: &ListSubscriptionsParams) -> Result<Page<Subscription>> {
        validate::page_params(params.page, params.limit)?;
        if let Some(u) = &params.user_id {
            validate::id("userId", u)?;
        }
        let env = self.client.send(&routes::SUBSCRIPTIONS_LIST, &query_of(&routes::SUBSCRIPTIONS_LIST, params), Body::None).await?;
        decode_page(&env.data, "subscriptions", params.page.unwrap_or(1))
            .map_err(|e| super::list_decode_error(e, &routes::SUBSCRIPTIONS_LIST, &env))
    }

    /// Every subscription matching the filters, page after page.
    pub fn list_stream(self, params: ListSubscriptionsParams) -> impl Stream<Item = Result<Subscription>> + Send + 'static {
        let client = self.client.clone();
        paginate(params.page.unwrap_or(1), move |page| {
            let client = client.clone();
            let params = ListSubscriptionsParams { page: Some(page), ..params.clone() };
            async move { client.subscriptions().list(&params).await }
        })
    }

    /// Queue renewals (asynchronous; the wallet must cover them). Refused for
    /// domains in GRACE_PERIOD or EXPIRED.
    pub async fn renew(self, subscription_ids: &[String]) -> Result<Ack> {
        ids("subscriptionIds", subscription_ids)?;
        let body = Body::Json(serde_json::json!({ "subscriptionIds": subscription_ids }));
        self.client.send(&routes::SUBSCRIPTIONS_RENEW, &[], body).await.map(|e| Ack::from_envelope(&e))
    }

    /// Cancel a subscription by id xor domain. Permanent: removes the workspace.
    pub async fn cancel(self, req: &CancelSubscription) -> Result<Ack> {
        validate::exactly_one(("subscriptionId", &req.subscription_id), ("domain", &req.domain))?;
        if let Some(id) = &req.subscription_id {
            validate::id("subscriptionId", id)?;
        }
        if let Some(d) = &req.domain {
            validate::domain("domain", d)?;
        }
        self.client.send(&routes::SUBSCRIPTIONS_CANCEL, &[], json(req)?).await.map(|e| Ack::from_envelope(&e))
    }

    /// Switch automatic renewal of subscriptions on or off (not a cancellation).
    pub async fn toggle_auto_renew(self, req: &ToggleSubscriptionAutoRenew) -> Result<Ack> {
        ids("subscriptionIds", &req.subscription_ids)?;
        self.client.send(&routes::SUBSCRIPTIONS_TOGGLE_AUTO_RENEW, &[], json(req)?).await.map(|e| Ack::from_envelope(&e))
    }

    /// Recreate subscriptions after their first year (keeps mailboxes and
    /// OAuth settings, resets the price tier). Ids xor domain names.
    pub async fn recreate(self, req: &RecreateSubscriptions) -> Result<Ack> {
        validate::exactly_one(("subscriptionIds", &req.subscription_ids), ("domainNames", &req.domain_names))?;
        if let Some(v) = &req.subscription_ids {
            ids("subscriptionIds", v)?;
        }
        if let Some(v) = &req.domain_names {
            validate::non_empty_list("domainNames", v)?;
            validate::domains("domainNames[]", v)?;
        }
        self.client.send(&routes::SUBSCRIPTIONS_RECREATE, &[], json(req)?).await.map(|e| Ack::from_envelope(&e))
    }
}

fn ids(field: &str, v: &[String]) -> Result<()> {
    validate::non_empty_list(field, v)?;
    validate::ids(field, v)
}
