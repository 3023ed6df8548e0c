//! Domains, availability, forwarding and renewal.

use super::common::{lenient, Extra, ServiceProvider};

string_enum! {
    /// Registration state of a domain.
    pub enum DomainStatus {
        Active = "ACTIVE",
        /// Registration in progress.
        Pending = "PENDING",
        Renewing = "RENEWING",
        /// Expired, recoverable for 7 days.
        GracePeriod = "GRACE_PERIOD",
        /// Past the API recovery window.
        Expired = "EXPIRED",
        Transferred = "TRANSFERRED",
        Inactive = "INACTIVE",
    }
}

model! {
    /// A domain owned by a user.
    pub struct Domain {
        #[serde(default, alias = "id", alias = "_id")] pub domain_id: String,
        #[serde(default, alias = "domain", alias = "name")] pub domain_name: String,
        #[serde(default)] pub status: Option<DomainStatus>,
        #[serde(default, alias = "expireOn", alias = "expiresAt")] pub expiry_date: Option<String>,
        #[serde(default, alias = "creationTime")] pub created_at: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub auto_renew: Option<bool>,
        #[serde(default)] pub subscription_id: Option<String>,
        #[serde(default)] pub forward_to: Option<String>,
        #[serde(default)] pub user_id: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Body of `domains.suggest`.
    pub struct SuggestDomains {
        /// Keyword or name to build suggestions from.
        pub query: String,
        /// TLDs to try, for example `["com", "io"]` (server default when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub tlds: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub limit: Option<u32>,
    }
}

model! {
    /// Availability and price of one domain name.
    pub struct DomainAvailability {
        #[serde(alias = "domainName")] pub domain: String,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub available: Option<bool>,
        /// Registration price for one year, in the wallet currency.
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub price: Option<f64>,
        #[serde(default, deserialize_with = "lenient::opt_f64")] pub renewal_price: Option<f64>,
        #[serde(default)] pub currency: Option<String>,
        /// Why the name is unavailable, when it is.
        #[serde(default)] pub reason: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Body of `domains.check_availability`.
    pub struct CheckAvailability {
        pub domain: String,
    }
}

model! {
    /// Body of `domains.check_workspace`.
    pub struct CheckWorkspace {
        pub domain: String,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub service_provider: Option<ServiceProvider>,
    }
}

model! {
    /// Whether a Google/Microsoft workspace already exists on a domain.
    pub struct WorkspaceCheck {
        #[serde(default)] pub domain: String,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub exists: Option<bool>,
        #[serde(default)] pub service_provider: Option<ServiceProvider>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Body of `domains.add_forwarding` (URL forwarding).
    pub struct DomainForwarding {
        pub domain: String,
        /// Target URL.
        pub forward_to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub mask_forwarding: Option<bool>,
    }
}

model! {
    /// Body of `domains.add_email_forwarding` (catch-all forwarding).
    pub struct EmailForwarding {
        pub domain: String,
        /// Target e-mail address.
        pub forward_to: String,
    }
}

model! {
    /// Body of `domains.add_google_client_id`.
    pub struct GoogleClientId {
        pub domain: String,
        pub client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub app_name: Option<String>,
    }
}

model! {
    /// Body of `domains.remove`.
    pub struct RemoveDomains {
        pub domains: Vec<String>,
    }
}

model! {
    /// Body of `domains.renewal_price` and `domains.renew`.
    pub struct DomainRenewal {
        pub user_id: String,
        /// Domain names; absent or empty means every eligible domain of the user.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub domains: Option<Vec<String>>,
        /// Renewal term in years (server default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub years: Option<u32>,
    }
}

model! {
    /// One domain of a renewal price or renewal answer; ineligible domains carry `error`.
    pub struct DomainRenewalItem {
        #[serde(default, alias = "domain")] pub domain_name: String,
        #[serde(default)] pub domain_id: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_u32")] pub years: Option<u32>,
        /// Decimal string as sent by CMR (for example `"14.50"`).
        #[serde(default, deserialize_with = "lenient::opt_string")] pub renewal_price: Option<String>,
        #[serde(default)] pub expire_on: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")] pub auto_renew: Option<bool>,
        /// Per-domain error (outside the renewal window, unknown domain, ...).
        #[serde(default, alias = "message")] pub error: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Answer of `domains.renew`: queued renewals and per-domain errors.
    pub struct DomainRenewResult {
        pub message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub action_id: Option<String>,
        pub domains: Vec<DomainRenewalItem>,
    }
}

model! {
    /// Body of `domains.toggle_auto_renew`.
    pub struct ToggleDomainAutoRenew {
        pub user_id: String,
        /// Absent or empty: every domain of the user.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub domains: Option<Vec<String>>,
        pub auto_renew: bool,
    }
}

model! {
    /// Auto-renew state of one domain.
    pub struct DomainAutoRenew {
        #[serde(default, alias = "domain")] pub domain_name: String,
        #[serde(default)] pub domain_id: Option<String>,
        #[serde(default)] pub auto_renew: bool,
        #[serde(flatten)] pub extra: Extra,
    }
}
