//! Orders: domains and mailboxes, JSON and multipart.

use std::collections::HashMap;

use super::common::{lenient, BillingCycle, Extra, ServiceProvider};

model! {
    /// A domain to register in an order.
    pub struct OrderDomain {
        pub domain: String,
        /// Registration term in years.
        pub years: u32,
        /// URL to forward the domain to.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub forward_to: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub mask_forwarding: Option<bool>,
    }
}

model! {
    /// A mailbox to create in an order.
    pub struct NewMailbox {
        /// Local part of the address (`alice` for `alice@example.com`).
        pub username: String,
        pub first_name: String,
        pub last_name: String,
        /// Picture URL (JSON orders; multipart orders send files instead).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub profile_picture: Option<String>,
        /// Enrol the mailbox in warmup once provisioned (default false).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub on_warmup: Option<bool>,
    }
}

model! {
    /// Google OAuth configuration, required for Google mailboxes.
    pub struct GoogleConfig {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub google_oauth_route: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient::opt_string")]
        pub client_id: Option<String>,
        /// Name shown after entering the client id in the Google Admin Console.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub app_name: Option<String>,
    }
}

model! {
    /// Body of `orders.create` (and of `orders.create_multipart` without files).
    pub struct CreateOrder {
        #[serde(default, skip_serializing_if = "Vec::is_empty")] pub domains: Vec<OrderDomain>,
        /// Mailboxes keyed by domain name (never by domain id).
        #[serde(default)] pub mailboxes: HashMap<String, Vec<NewMailbox>>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub billing_cycle: Option<BillingCycle>,
        /// `true`: queue now (wallet must cover it). `false`: create only; run `orders.process` later.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub confirm: Option<bool>,
        /// Server default `GOOGLE`.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub service_provider: Option<ServiceProvider>,
        /// Required for Microsoft mailboxes.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub microsoft_oauth_route: Option<String>,
        /// Required for Google mailboxes.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub google: Option<GoogleConfig>,
        /// Mailbox subscription auto-renewal (not the domain's).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub auto_renew: Option<bool>,
    }
}

model! {
    /// A profile picture sent as a multipart file part.
    pub struct ProfilePicture {
        /// Part name: `username@domainName`.
        pub key: String,
        pub file_name: String,
        /// For example `image/png`.
        pub content_type: String,
        /// File bytes (base64 in JSON).
        #[serde(with = "crate::models::common::base64_bytes")]
        #[cfg_attr(feature = "schema", schemars(with = "String", extend("contentEncoding" = "base64")))]
        pub data: Vec<u8>,
    }
}

model! {
    /// Body of `orders.order_mailboxes`: mailboxes on a domain CMR already has.
    /// Exactly one of `subscription_id` (active subscription) and `domain_id`
    /// (cancelled subscription: a new one is created) must be set.
    pub struct MailboxOrder {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub subscription_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub domain_id: Option<String>,
        /// Only with `domain_id`: renewal preference of the new subscription.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub auto_renew: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub confirm: Option<bool>,
        pub mailboxes: HashMap<String, Vec<NewMailbox>>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub service_provider: Option<ServiceProvider>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub microsoft_oauth_route: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub google: Option<GoogleConfig>,
    }
}

model! {
    /// Body of the deprecated `orders.add_mailboxes_to_subscription` (Google only, multipart).
    pub struct AddMailboxesToSubscription {
        pub subscription_id: String,
        pub mailboxes: HashMap<String, Vec<NewMailbox>>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub confirm: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub google: Option<GoogleConfig>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub auto_renew: Option<bool>,
    }
}

model! {
    /// Answer of an order creation: queued (or created, with `confirm: false`).
    pub struct OrderCreated {
        #[serde(default)] pub message: String,
        #[serde(default)] pub order_id: Option<String>,
        /// Domains that could not be registered (already taken, restricted).
        #[serde(default, deserialize_with = "lenient::vec")] pub unavailable_domains: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub action_id: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

string_enum! {
    /// State of an order.
    pub enum OrderState {
        /// Created with `confirm: false`; waits for `orders.process`.
        Created = "CREATED",
        Queued = "QUEUED",
        Processing = "PROCESSING",
        Completed = "COMPLETED",
        Failed = "FAILED",
        PartiallyFailed = "PARTIALLY_FAILED",
    }
}

model! {
    /// Answer of `orders.status`.
    pub struct OrderStatus {
        #[serde(default, alias = "id")] pub order_id: String,
        #[serde(default)] pub status: Option<OrderState>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Answer of `orders.get`.
    pub struct Order {
        #[serde(default, alias = "id")] pub order_id: String,
        #[serde(default)] pub user_id: Option<String>,
        #[serde(default)] pub status: Option<OrderState>,
        #[serde(default)] pub service_provider: Option<ServiceProvider>,
        #[serde(default, deserialize_with = "lenient::vec")] pub domains: Vec<OrderDomain>,
        #[serde(default)] pub mailboxes: HashMap<String, Vec<NewMailbox>>,
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub total_price: Option<f64>,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub confirmed: Option<bool>,
        #[serde(default)] pub created_at: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}
