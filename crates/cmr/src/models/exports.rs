//! Mailbox exports: OAuth re-export and platform credentials.

use super::common::Extra;

string_enum! {
    /// Sending platform a credential belongs to.
    #[derive(Default)]
    pub enum PlatformApp {
        #[default]
        EmailBison = "EMAILBISON",
    }
}

model! {
    /// Login on the sending platform.
    pub struct PlatformLogin {
        pub email: String,
        #[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))]
        pub password: String,
    }
}

model! {
    /// Platform account details (`clientId` is sent, never echoed back).
    pub struct PlatformMetadata {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub app_base_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub client_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub app_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub workspace: Option<String>,
    }
}

model! {
    /// Body of `exports.add_credential`.
    pub struct AddPlatformCredential {
        pub app: PlatformApp,
        pub credentials: PlatformLogin,
        pub metadata: PlatformMetadata,
    }
}

model! {
    /// Answer of `exports.add_credential`.
    pub struct CredentialCreated {
        pub credential_id: String,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// A stored platform credential.
    pub struct PlatformCredential {
        pub credential_id: String,
        #[serde(default)] pub email: Option<String>,
        #[serde(default)] pub connected_at: Option<String>,
        #[serde(default)] pub metadata: Option<PlatformMetadata>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Connection state of one platform (the API keys these by app; the SDK
    /// returns a list with `app` filled in).
    pub struct PlatformConnection {
        #[serde(default)] pub app: PlatformApp,
        #[serde(default)] pub connected: bool,
        #[serde(default)] pub credentials: Vec<PlatformCredential>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Body of `exports.export_mailboxes`.
    pub struct ExportMailboxes {
        pub credential_id: String,
        /// Mailbox ids (only ACTIVE mailboxes can be exported).
        pub component_mailbox_ids: Vec<String>,
    }
}

model! {
    /// Body of `exports.reexport` (OAuth re-export of one mailbox).
    pub struct ReexportMailbox {
        pub mailbox_id: String,
    }
}
