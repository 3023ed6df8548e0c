use super::{json, user_q, Exports};
use crate::client::Body;
use crate::models::*;
use crate::{routes, validate, Result};

impl Exports<'_> {
    /// Re-run the OAuth export of a mailbox (asynchronous).
    pub async fn reexport(self, user_id: &str, mailbox_id: &str) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::id("mailboxId", mailbox_id)?;
        let body = json(&ReexportMailbox { mailbox_id: mailbox_id.to_string() })?;
        self.client.send(&routes::EXPORTS_REEXPORT, &[q], body).await.map(|e| Ack::from_envelope(&e))
    }

    /// Connected platforms of a user and their stored credentials.
    pub async fn list_credentials(self, user_id: &str) -> Result<Vec<PlatformConnection>> {
        let (map, _): (Option<std::collections::BTreeMap<String, PlatformConnection>>, _) =
            self.client.call(&routes::EXPORTS_LIST_CREDENTIALS, &[user_q(user_id)?], Body::None).await?;
        Ok(map
            .unwrap_or_default()
            .into_iter()
            .map(|(app, mut c)| {
                c.app = PlatformApp::parse(&app);
                c
            })
            .collect())
    }

    /// Validate credentials live on the platform and store them (each call adds a new one).
    pub async fn add_credential(self, user_id: &str, req: &AddPlatformCredential) -> Result<CredentialCreated> {
        let q = user_q(user_id)?;
        validate::email("credentials.email", &req.credentials.email)?;
        validate::non_empty("credentials.password", &req.credentials.password)?;
        Ok(self.client.call(&routes::EXPORTS_ADD_CREDENTIAL, &[q], json(req)?).await?.0)
    }

    /// Delete a stored credential.
    pub async fn remove_credential(self, user_id: &str, credential_id: &str) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::id("credentialId", credential_id)?;
        self.client
            .send(&routes::EXPORTS_REMOVE_CREDENTIAL, &[q, ("credentialId", credential_id.to_string())], Body::None)
            .await
            .map(|e| Ack::from_envelope(&e))
    }

    /// Queue ACTIVE mailboxes for export to a connected platform (asynchronous).
    pub async fn export_mailboxes(self, user_id: &str, req: &ExportMailboxes) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::id("credentialId", &req.credential_id)?;
        validate::non_empty_list("componentMailboxIds", &req.component_mailbox_ids)?;
        validate::ids("componentMailboxIds[]", &req.component_mailbox_ids)?;
        self.client.send(&routes::EXPORTS_EXPORT_MAILBOXES, &[q], json(req)?).await.map(|e| Ack::from_envelope(&e))
    }
}
