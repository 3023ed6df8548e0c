use futures_util::Stream;

use super::{json, query_of, user_q, Users};
use crate::client::Body;
use crate::models::{Ack, CreateUser, ListUsersParams, Page, UpdateUser, User};
use crate::pagination::{decode_page, paginate};
use crate::{routes, validate, Result};

impl Users<'_> {
    /// One page of the partner's users (`GET /users/list`).
    pub async fn list(self, params: &ListUsersParams) -> Result<Page<User>> {
        validate::page_params(params.page, params.limit)?;
        let env = self.client.send(&routes::USERS_LIST, &query_of(&routes::USERS_LIST, params), Body::None).await?;
        decode_page(&env.data, "users", params.page.unwrap_or(1)).map_err(|e| super::list_decode_error(e, &routes::USERS_LIST, &env))
    }

    /// Every user, page after page.
    pub fn list_stream(self, params: ListUsersParams) -> impl Stream<Item = Result<User>> + Send + 'static {
        let client = self.client.clone();
        let first = params.page.unwrap_or(1);
        paginate(first, move |page| {
            let client = client.clone();
            let params = ListUsersParams { page: Some(page), ..params.clone() };
            async move { client.users().list(&params).await }
        })
    }

    /// The user with this e-mail address (case-insensitive), or `None`.
    /// After a `create` that failed with `may_have_been_sent()`, call this
    /// before creating again. Searches `users.list` page by page with the
    /// e-mail as the search term, checking every match exactly.
    pub async fn find_by_email(self, email: &str) -> Result<Option<User>> {
        validate::email("email", email)?;
        let params = ListUsersParams { search: Some(email.to_string()), limit: Some(100), ..Default::default() };
        let mut stream = std::pin::pin!(self.list_stream(params));
        while let Some(user) = futures_util::StreamExt::next(&mut stream).await {
            let user = user?;
            if user.email.as_deref().is_some_and(|e| e.trim().eq_ignore_ascii_case(email.trim())) {
                return Ok(Some(user));
            }
        }
        Ok(None)
    }

    /// One user's profile and billing details.
    pub async fn get(self, user_id: &str) -> Result<User> {
        Ok(self.client.call(&routes::USERS_GET, &[user_q(user_id)?], Body::None).await?.0)
    }

    /// Create a customer. Keep the returned `id` for every later call.
    pub async fn create(self, user: &CreateUser) -> Result<User> {
        validate::email("email", &user.email)?;
        for (f, v) in [
            ("company", &user.company),
            ("firstName", &user.first_name),
            ("lastName", &user.last_name),
            ("country", &user.country),
            ("city", &user.city),
            ("addressLineOne", &user.address_line_one),
            ("languagePreference", &user.language_preference),
            ("postalCode", &user.postal_code),
            ("state", &user.state),
            ("phoneCc", &user.phone_cc),
            ("phone", &user.phone),
        ] {
            validate::non_empty(f, v)?;
        }
        let (mut created, _): (User, _) = self.client.call(&routes::USERS_CREATE, &[], json(user)?).await?;
        // The API may answer only `{id}`: fill the rest from what we sent.
        fill_from_request(&mut created, user);
        Ok(created)
    }

    /// Update fields of a customer (only those set are sent).
    pub async fn update(self, user_id: &str, changes: &UpdateUser) -> Result<Ack> {
        let q = user_q(user_id)?;
        if let Some(e) = &changes.email {
            validate::email("email", e)?;
        }
        if *changes == UpdateUser::default() {
            return Err(crate::Error::invalid("nothing to update: set at least one field"));
        }
        let env = self.client.send(&routes::USERS_UPDATE, &[q], json(changes)?).await?;
        Ok(Ack::from_envelope(&env))
    }

    /// Delete a customer who owns no domains and no mailboxes (permanent).
    pub async fn delete(self, user_id: &str) -> Result<Ack> {
        let env = self.client.send(&routes::USERS_DELETE, &[user_q(user_id)?], Body::None).await?;
        Ok(Ack::from_envelope(&env))
    }
}

fn fill_from_request(u: &mut User, r: &CreateUser) {
    macro_rules! fill { ($($f:ident),*) => { $( if u.$f.is_none() { u.$f = Some(r.$f.clone()); } )* } }
    fill!(email, company, first_name, last_name, country, city, address_line_one, language_preference, postal_code, state, phone_cc, phone);
    if u.address_line_two.is_none() {
        u.address_line_two = r.address_line_two.clone();
    }
    if u.address_line_three.is_none() {
        u.address_line_three = r.address_line_three.clone();
    }
}
