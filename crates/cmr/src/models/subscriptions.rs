//! Mailbox subscriptions.

use super::common::{lenient, BillingCycle, Extra, ServiceProvider};

string_enum! {
    /// State of a subscription.
    pub enum SubscriptionStatus {
        Active = "ACTIVE",
        Renewing = "RENEWING",
        /// Renewal payment failed; 7-day grace running.
        PastDue = "PAST_DUE",
        /// Cancelled by the partner (permanent).
        Cancelled = "CANCELLED",
        /// Not renewed in time; mailboxes disabled.
        Expired = "EXPIRED",
    }
}

model! {
    /// A domain's mailbox subscription.
    pub struct Subscription {
        #[serde(default, alias = "id", alias = "componentSubscriptionId")] pub subscription_id: String,
        #[serde(default, alias = "status")] pub subscription_status: Option<SubscriptionStatus>,
        #[serde(default, deserialize_with = "lenient::opt_u32", alias = "quantity")] pub total_mailbox_quantity: Option<u32>,
        #[serde(default)] pub billing_cycle: Option<BillingCycle>,
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub price_per_mailbox: Option<f64>,
        #[serde(default)] pub period_start: Option<String>,
        #[serde(default)] pub period_end: Option<String>,
        #[serde(default, alias = "workspaceType")] pub service_provider: Option<ServiceProvider>,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub auto_renew: Option<bool>,
        #[serde(default)] pub user_id: Option<String>,
        #[serde(default, alias = "domainName")] pub domain: Option<String>,
        #[serde(default)] pub domain_id: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Query of `subscriptions.list`.
    pub struct ListSubscriptionsParams {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub status: Option<SubscriptionStatus>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub component_subscription_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub domain: Option<String>,
        /// Filter by owner (our assumption; not in the captured docs).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub user_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub page: Option<u32>,
        /// Page size (server default 50).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub limit: Option<u32>,
    }
}

model! {
    /// Body of `subscriptions.cancel`: exactly one of the two.
    pub struct CancelSubscription {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub subscription_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub domain: Option<String>,
    }
}

impl CancelSubscription {
    pub fn by_id(id: impl Into<String>) -> Self {
        CancelSubscription { subscription_id: Some(id.into()), domain: None }
    }
    pub fn by_domain(domain: impl Into<String>) -> Self {
        CancelSubscription { subscription_id: None, domain: Some(domain.into()) }
    }
}

model! {
    /// Body of `subscriptions.toggle_auto_renew`.
    pub struct ToggleSubscriptionAutoRenew {
        pub subscription_ids: Vec<String>,
        pub auto_renew: bool,
    }
}

model! {
    /// Body of `subscriptions.recreate`: exactly one of the two lists.
    pub struct RecreateSubscriptions {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub subscription_ids: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub domain_names: Option<Vec<String>>,
    }
}

impl RecreateSubscriptions {
    pub fn by_ids(ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        RecreateSubscriptions { subscription_ids: Some(ids.into_iter().map(Into::into).collect()), domain_names: None }
    }
    pub fn by_domains(names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        RecreateSubscriptions { subscription_ids: None, domain_names: Some(names.into_iter().map(Into::into).collect()) }
    }
}
