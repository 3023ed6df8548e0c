//! Pre-warmed mailboxes, wallet and error reports.

use super::common::{lenient, Extra, ServiceProvider};
use super::orders::GoogleConfig;

model! {
    /// Query of `prewarmup.list`.
    pub struct ListPrewarmupParams {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub service_provider: Option<ServiceProvider>,
        /// Domain substring search.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub contains: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub page: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub limit: Option<u32>,
    }
}

model! {
    /// A mailbox of a pre-warmed domain package.
    pub struct PrewarmupMailbox {
        #[serde(default)] pub mailbox_id: Option<String>,
        #[serde(default)] pub email: String,
        #[serde(default)] pub first_name: Option<String>,
        #[serde(default)] pub last_name: Option<String>,
        #[serde(default)] pub created_at: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// A pre-warmed domain package in the inventory.
    pub struct PrewarmupDomain {
        pub domain: String,
        #[serde(default, deserialize_with = "lenient::vec")] pub pre_warmed_up_mailboxes: Vec<PrewarmupMailbox>,
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub purchase_price: Option<f64>,
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub renewal_price: Option<f64>,
        #[serde(default)] pub service_provider: Option<ServiceProvider>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// One package of a pre-warmup order.
    pub struct PrewarmupItem {
        pub domain: String,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub forward_to: Option<String>,
    }
}

string_enum! {
    /// Outcome a sandbox pre-warmup order should simulate.
    pub enum SandboxScenario {
        Success = "success",
        FullFailure = "full_failure",
        PartialFailure = "partial_failure",
    }
}

model! {
    /// Body of `prewarmup.order` and `prewarmup.sandbox_order`.
    pub struct PrewarmupOrder {
        pub order: Vec<PrewarmupItem>,
        pub service_provider: ServiceProvider,
        /// Full object required for Google.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub google: Option<GoogleConfig>,
        /// Required for Microsoft.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub microsoft_oauth_route: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub auto_renew: Option<bool>,
        /// Sandbox orders only: which webhooks to fire.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub scenario: Option<SandboxScenario>,
    }
}

model! {
    /// Answer of a pre-warmup order (HTTP 201: created and queued).
    pub struct PrewarmupOrderCreated {
        #[serde(default)] pub message: String,
        #[serde(default)] pub order_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub action_id: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// The partner wallet (one per partner, never per customer).
    pub struct Wallet {
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub balance: Option<f64>,
        #[serde(default)] pub currency: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Body of `send_error`: report a problem to CMR.
    pub struct SendErrorReport {
        pub message: String,
        /// The `actionId` the problem relates to, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub action_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub details: Option<String>,
    }
}
