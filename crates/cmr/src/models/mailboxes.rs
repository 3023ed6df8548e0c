//! Mailboxes.

use super::common::{lenient, Extra, ServiceProvider};

string_enum! {
    /// Lifecycle of a mailbox: `IN_PROGRESS` -> `CREATING_PASSWORD` -> `ACTIVE`.
    pub enum MailboxStatus {
        InProgress = "IN_PROGRESS",
        CreatingPassword = "CREATING_PASSWORD",
        /// Ready: export, connect and send only from here.
        Active = "ACTIVE",
        /// Subscription lapsed; sending disabled until renewed.
        Expired = "EXPIRED",
    }
}

model! {
    /// A mailbox.
    pub struct Mailbox {
        #[serde(default, alias = "id", alias = "componentMailboxId")] pub mailbox_id: String,
        #[serde(default)] pub email: Option<String>,
        #[serde(default, alias = "username")] pub user_name: Option<String>,
        #[serde(default)] pub first_name: Option<String>,
        #[serde(default)] pub last_name: Option<String>,
        #[serde(default, alias = "domainName")] pub domain: Option<String>,
        #[serde(default)] pub domain_id: Option<String>,
        #[serde(default)] pub status: Option<MailboxStatus>,
        #[serde(default, alias = "workspaceType")] pub service_provider: Option<ServiceProvider>,
        #[serde(default)] pub profile_picture: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub on_warmup: Option<bool>,
        #[serde(default)] pub subscription_id: Option<String>,
        #[serde(default)] pub user_id: Option<String>,
        #[serde(default)] pub created_at: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Workspace admin mailbox, with credentials.
    pub struct MailboxAdminDetails {
        #[serde(default, alias = "id")] pub mailbox_id: String,
        #[serde(default)] pub email: Option<String>,
        #[serde(default)] #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))] pub password: Option<String>,
        #[serde(default)] #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))] pub app_password: Option<String>,
        #[serde(default)] #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))] pub authenticator_secret: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub is_admin: Option<bool>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// One mailbox change for `mailboxes.update` / `update_many`.
    pub struct MailboxUpdate {
        pub mailbox_id: String,
        /// New username (CMR spells it `userName`).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub user_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub first_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub last_name: Option<String>,
        /// Picture URL to set or replace.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub profile_picture: Option<String>,
        /// `true` clears the picture (not together with `profile_picture`).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub remove_profile_picture: Option<bool>,
    }
}

model! {
    /// Result for one mailbox of a bulk update.
    pub struct MailboxUpdateItem {
        #[serde(default)] pub mailbox_id: String,
        #[serde(default)] pub success: bool,
        #[serde(default)] pub message: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Answer of `mailboxes.update` / `update_many`. The change is applied
    /// asynchronously; `mailbox.updated` webhooks follow.
    pub struct MailboxUpdateResult {
        pub message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub action_id: Option<String>,
        /// Per-mailbox results (bulk updates; may mix successes and failures).
        pub results: Vec<MailboxUpdateItem>,
    }
}

model! {
    /// Query of `mailboxes.list_all`.
    pub struct ListMailboxesParams {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub page: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub limit: Option<u32>,
    }
}
