use super::{json, user_q, Domains};
use crate::client::Body;
use crate::models::*;
use crate::{routes, validate, Result};

impl Domains<'_> {
    /// Every domain of a user (`GET /domains/by-user`). A wrong user id gives an empty list.
    pub async fn list(self, user_id: &str) -> Result<Vec<Domain>> {
        let env = self.client.send(&routes::DOMAINS_LIST, &[user_q(user_id)?], Body::None).await?;
        crate::pagination::decode_page::<Domain>(&env.data, "domains", 1)
            .map(|p| p.items)
            .map_err(|e| super::list_decode_error(e, &routes::DOMAINS_LIST, &env))
    }

    /// Available domain names built from a keyword, with prices.
    pub async fn suggest(self, user_id: &str, req: &SuggestDomains) -> Result<Vec<DomainAvailability>> {
        let q = user_q(user_id)?;
        validate::non_empty("query", &req.query)?;
        Ok(self.client.call(&routes::DOMAINS_SUGGEST, &[q], json(req)?).await?.0)
    }

    /// Availability and price of one domain name.
    pub async fn check_availability(self, user_id: &str, domain: &str) -> Result<DomainAvailability> {
        let q = user_q(user_id)?;
        validate::domain("domain", domain)?;
        let body = json(&CheckAvailability { domain: domain.to_string() })?;
        Ok(self.client.call(&routes::DOMAINS_CHECK_AVAILABILITY, &[q], body).await?.0)
    }

    /// Does a Google/Microsoft workspace already exist on the domain? Check
    /// before ordering: a conflict can fail provisioning after the domain was paid.
    pub async fn check_workspace(self, user_id: &str, req: &CheckWorkspace) -> Result<WorkspaceCheck> {
        let q = user_q(user_id)?;
        validate::domain("domain", &req.domain)?;
        Ok(self.client.call(&routes::DOMAINS_CHECK_WORKSPACE, &[q], json(req)?).await?.0)
    }

    /// Forward the domain's web traffic to a URL (asynchronous).
    pub async fn add_forwarding(self, user_id: &str, req: &DomainForwarding) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::domain("domain", &req.domain)?;
        validate::non_empty("forwardTo", &req.forward_to)?;
        self.client.send(&routes::DOMAINS_ADD_FORWARDING, &[q], json(req)?).await.map(|e| Ack::from_envelope(&e))
    }

    /// Catch-all e-mail forwarding (asynchronous; mailboxes must be ACTIVE).
    pub async fn add_email_forwarding(self, user_id: &str, req: &EmailForwarding) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::domain("domain", &req.domain)?;
        validate::email("forwardTo", &req.forward_to)?;
        self.client.send(&routes::DOMAINS_ADD_EMAIL_FORWARDING, &[q], json(req)?).await.map(|e| Ack::from_envelope(&e))
    }

    /// Attach a Google OAuth client id to a domain.
    pub async fn add_google_client_id(self, user_id: &str, req: &GoogleClientId) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::domain("domain", &req.domain)?;
        validate::non_empty("clientId", &req.client_id)?;
        self.client.send(&routes::DOMAINS_ADD_GOOGLE_CLIENT_ID, &[q], json(req)?).await.map(|e| Ack::from_envelope(&e))
    }

    /// Remove domains (refused while a domain still has mailboxes).
    pub async fn remove(self, user_id: &str, domains: &[String]) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::non_empty_list("domains", domains)?;
        validate::domains("domains[]", domains)?;
        let body = json(&RemoveDomains { domains: domains.to_vec() })?;
        self.client.send(&routes::DOMAINS_REMOVE, &[q], body).await.map(|e| Ack::from_envelope(&e))
    }

    /// Renewal price per domain; ineligible domains carry `error`.
    pub async fn renewal_price(self, req: &DomainRenewal) -> Result<Vec<DomainRenewalItem>> {
        check_renewal(req)?;
        Ok(self.client.call(&routes::DOMAINS_RENEWAL_PRICE, &[], json(req)?).await?.0)
    }

    /// Renew domains now, paid from the wallet. No `domains` = every eligible
    /// domain of the user (45 days before expiry up to 7 days after).
    pub async fn renew(self, req: &DomainRenewal) -> Result<DomainRenewResult> {
        check_renewal(req)?;
        let (domains, env): (Option<Vec<DomainRenewalItem>>, _) =
            self.client.call(&routes::DOMAINS_RENEW, &[], json(req)?).await?;
        Ok(DomainRenewResult {
            message: env.message.clone(),
            action_id: env.action_id().map(str::to_string),
            domains: domains.unwrap_or_default(),
        })
    }

    /// Switch automatic renewal on or off. No `domains` = every domain of the user.
    pub async fn toggle_auto_renew(self, req: &ToggleDomainAutoRenew) -> Result<Vec<DomainAutoRenew>> {
        validate::id("userId", &req.user_id)?;
        if let Some(ds) = &req.domains {
            validate::domains("domains[]", ds)?;
        }
        Ok(self.client.call(&routes::DOMAINS_TOGGLE_AUTO_RENEW, &[], json(req)?).await?.0)
    }
}

fn check_renewal(req: &DomainRenewal) -> Result<()> {
    validate::id("userId", &req.user_id)?;
    if let Some(ds) = &req.domains {
        validate::domains("domains[]", ds)?;
    }
    if let Some(y) = req.years {
        if !(1..=10).contains(&y) {
            return Err(crate::Error::invalid("years must be between 1 and 10"));
        }
    }
    Ok(())
}
