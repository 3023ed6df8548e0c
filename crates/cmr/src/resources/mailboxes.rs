use futures_util::Stream;

use super::{query_of, user_q, Mailboxes};
use crate::client::Body;
use crate::models::*;
use crate::pagination::{decode_page, paginate};
use crate::{routes, validate, Error, Result};

impl Mailboxes<'_> {
    /// One page of every mailbox of the partner (`GET /mailboxes`).
    pub async fn list_all(self, params: &ListMailboxesParams) -> Result<Page<Mailbox>> {
        validate::page_params(params.page, params.limit)?;
        let env = self.client.send(&routes::MAILBOXES_LIST_ALL, &query_of(&routes::MAILBOXES_LIST_ALL, params), Body::None).await?;
        decode_page(&env.data, "mailboxes", params.page.unwrap_or(1))
            .map_err(|e| super::list_decode_error(e, &routes::MAILBOXES_LIST_ALL, &env))
    }

    /// Every mailbox of the partner, page after page.
    pub fn list_all_stream(self, params: ListMailboxesParams) -> impl Stream<Item = Result<Mailbox>> + Send + 'static {
        let client = self.client.clone();
        paginate(params.page.unwrap_or(1), move |page| {
            let client = client.clone();
            let params = ListMailboxesParams { page: Some(page), ..params.clone() };
            async move { client.mailboxes().list_all(&params).await }
        })
    }

    /// Every mailbox of one user (`GET /mailboxes/single`).
    pub async fn list(self, user_id: &str) -> Result<Vec<Mailbox>> {
        let env = self.client.send(&routes::MAILBOXES_LIST, &[user_q(user_id)?], Body::None).await?;
        decode_page::<Mailbox>(&env.data, "mailboxes", 1)
            .map(|p| p.items)
            .map_err(|e| super::list_decode_error(e, &routes::MAILBOXES_LIST, &env))
    }

    /// One mailbox by id (`user_id` optional: narrows the lookup to a user).
    pub async fn get(self, mailbox_id: &str, user_id: Option<&str>) -> Result<Mailbox> {
        validate::id("mailboxId", mailbox_id)?;
        let mut q = vec![("mailboxId", mailbox_id.to_string())];
        if let Some(u) = user_id {
            q.push(user_q(u)?);
        }
        Ok(self.client.call(&routes::MAILBOXES_GET, &q, Body::None).await?.0)
    }

    /// Admin mailbox of the workspace, with credentials.
    pub async fn admin_details(self, user_id: &str, mailbox_id: &str) -> Result<MailboxAdminDetails> {
        let q = user_q(user_id)?;
        validate::id("mailboxId", mailbox_id)?;
        Ok(self.client.call(&routes::MAILBOXES_ADMIN_DETAILS, &[q, ("mailboxId", mailbox_id.to_string())], Body::None).await?.0)
    }

    /// Change one mailbox (asynchronous; `mailbox.updated` follows).
    pub async fn update(self, user_id: &str, change: &MailboxUpdate) -> Result<MailboxUpdateResult> {
        let q = user_q(user_id)?;
        check_update(change)?;
        let body = Body::Json(serde_json::json!({ "mailboxData": change }));
        update_result(self.client.call(&routes::MAILBOXES_UPDATE, &[q], body).await?)
    }

    /// Change several mailboxes; each item succeeds or fails on its own (see `results`).
    pub async fn update_many(self, user_id: &str, changes: &[MailboxUpdate]) -> Result<MailboxUpdateResult> {
        let q = user_q(user_id)?;
        validate::non_empty_list("mailboxData", changes)?;
        for c in changes {
            check_update(c)?;
        }
        let body = Body::Json(serde_json::json!({ "mailboxData": changes }));
        update_result(self.client.call(&routes::MAILBOXES_UPDATE_MANY, &[q], body).await?)
    }

    /// Apply many changes in few `update_many` requests, paced at the rate
    /// limit; one result per input change, in input order. See [`crate::bulk`].
    pub async fn update_all(self, user_id: &str, changes: &[MailboxUpdate], opts: &BulkOptions) -> Result<BulkResult> {
        crate::bulk::update_mailboxes(self.client, user_id, changes, opts, &mut |_| {}).await
    }

    /// Same as [`Mailboxes::update_all`], reporting each batch and outcome to `on_event` as it happens.
    pub async fn update_all_with(
        self,
        user_id: &str,
        changes: &[MailboxUpdate],
        opts: &BulkOptions,
        on_event: &mut (dyn FnMut(crate::bulk::BulkEvent<'_>) + Send),
    ) -> Result<BulkResult> {
        crate::bulk::update_mailboxes(self.client, user_id, changes, opts, on_event).await
    }

    /// Remove a mailbox (asynchronous, permanent; refused in the last 24 h of
    /// the subscription; the last mailbox of a workspace removes the workspace).
    pub async fn remove(self, user_id: &str, mailbox_id: &str) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::id("mailboxId", mailbox_id)?;
        let body = Body::Json(serde_json::json!({ "mailboxId": mailbox_id }));
        self.client.send(&routes::MAILBOXES_REMOVE, &[q], body).await.map(|e| Ack::from_envelope(&e))
    }
}

pub(crate) fn check_update(c: &MailboxUpdate) -> Result<()> {
    validate::id("mailboxId", &c.mailbox_id)?;
    if c.profile_picture.is_some() && c.remove_profile_picture == Some(true) {
        return Err(Error::invalid("profilePicture and removeProfilePicture are mutually exclusive"));
    }
    let nothing = c.user_name.is_none()
        && c.first_name.is_none()
        && c.last_name.is_none()
        && c.profile_picture.is_none()
        && c.remove_profile_picture.is_none();
    if nothing {
        return Err(Error::invalid(format!("nothing to update for mailbox {}", c.mailbox_id)));
    }
    if let Some(u) = &c.user_name {
        if u.trim().is_empty() || u.contains('@') || u.chars().any(char::is_whitespace) {
            return Err(Error::invalid(format!("userName {u:?} must be a bare local part")));
        }
    }
    Ok(())
}

fn update_result((data, env): (Option<Vec<MailboxUpdateItem>>, Envelope)) -> Result<MailboxUpdateResult> {
    Ok(MailboxUpdateResult {
        message: env.message.clone(),
        action_id: env.action_id().map(str::to_string),
        results: data.unwrap_or_default(),
    })
}
