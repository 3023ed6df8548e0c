use futures_util::Stream;

use super::{json, query_of, user_q, Prewarmup};
use crate::client::Body;
use crate::models::*;
use crate::pagination::{decode_page, paginate};
use crate::{routes, validate, Error, Result};

impl Prewarmup<'_> {
    /// One page of the pre-warmed inventory.
    pub async fn list(self, params: &ListPrewarmupParams) -> Result<Page<PrewarmupDomain>> {
        validate::page_params(params.page, params.limit)?;
        let env = self.client.send(&routes::PREWARMUP_LIST, &query_of(&routes::PREWARMUP_LIST, params), Body::None).await?;
        decode_page(&env.data, "inventory", params.page.unwrap_or(1))
            .map_err(|e| super::list_decode_error(e, &routes::PREWARMUP_LIST, &env))
    }

    /// The whole inventory, page after page.
    pub fn list_stream(self, params: ListPrewarmupParams) -> impl Stream<Item = Result<PrewarmupDomain>> + Send + 'static {
        let client = self.client.clone();
        paginate(params.page.unwrap_or(1), move |page| {
            let client = client.clone();
            let params = ListPrewarmupParams { page: Some(page), ..params.clone() };
            async move { client.prewarmup().list(&params).await }
        })
    }

    /// Buy pre-warmed domain packages (asynchronous; `prewarmup.order.*` webhooks follow).
    pub async fn order(self, user_id: &str, order: &PrewarmupOrder) -> Result<PrewarmupOrderCreated> {
        let q = user_q(user_id)?;
        if order.scenario.is_some() {
            return Err(Error::invalid("scenario is for sandbox orders only: use prewarmup().sandbox_order"));
        }
        check(order)?;
        created(self.client.call(&routes::PREWARMUP_ORDER, &[q], json(order)?).await?)
    }

    /// Domains available in CMR's pre-warmup sandbox.
    pub async fn sandbox_list(self, service_provider: Option<&ServiceProvider>) -> Result<Vec<PrewarmupDomain>> {
        let q: Vec<(&str, String)> = service_provider.map(|p| ("serviceProvider", p.as_str().to_string())).into_iter().collect();
        let env = self.client.send(&routes::PREWARMUP_SANDBOX_LIST, &q, Body::None).await?;
        decode_page::<PrewarmupDomain>(&env.data, "inventory", 1)
            .map(|p| p.items)
            .map_err(|e| super::list_decode_error(e, &routes::PREWARMUP_SANDBOX_LIST, &env))
    }

    /// A $0 sandbox order; `scenario` picks which webhooks fire.
    pub async fn sandbox_order(self, user_id: &str, order: &PrewarmupOrder) -> Result<PrewarmupOrderCreated> {
        let q = user_q(user_id)?;
        check(order)?;
        created(self.client.call(&routes::PREWARMUP_SANDBOX_ORDER, &[q], json(order)?).await?)
    }

    /// Wipe every sandbox pre-warmup record of the partner.
    pub async fn sandbox_reset(self) -> Result<Ack> {
        self.client.send(&routes::PREWARMUP_SANDBOX_RESET, &[], Body::None).await.map(|e| Ack::from_envelope(&e))
    }
}

fn check(order: &PrewarmupOrder) -> Result<()> {
    validate::non_empty_list("order", &order.order)?;
    for item in &order.order {
        validate::domain("order[].domain", &item.domain)?;
    }
    match &order.service_provider {
        ServiceProvider::Google => {
            let g = order.google.as_ref().ok_or_else(|| Error::invalid("google {googleOauthRoute, clientId, appName} is required for GOOGLE"))?;
            if g.google_oauth_route.is_none() || g.client_id.is_none() || g.app_name.is_none() {
                return Err(Error::invalid("google needs all of googleOauthRoute, clientId and appName"));
            }
        }
        ServiceProvider::Microsoft => {
            if order.microsoft_oauth_route.as_deref().is_none_or(|s| s.trim().is_empty()) {
                return Err(Error::invalid("microsoftOauthRoute is required for MICROSOFT"));
            }
        }
        ServiceProvider::Unknown(_) => {}
    }
    Ok(())
}

fn created((data, env): (Option<PrewarmupOrderCreated>, Envelope)) -> Result<PrewarmupOrderCreated> {
    let mut c = data.unwrap_or_default();
    c.message = env.message.clone();
    if c.action_id.is_none() {
        c.action_id = env.action_id().map(str::to_string);
    }
    Ok(c)
}
