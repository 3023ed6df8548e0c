//! Users (the partner's customers) and geo reference data.

use super::common::{lenient, Extra};

model! {
    /// A customer of the partner. Every customer resource hangs off `id`.
    pub struct User {
        /// CMR user id (28 upper-case base32 characters in production).
        #[serde(alias = "userId", alias = "_id")]
        pub id: String,
        #[serde(default)] pub email: Option<String>,
        #[serde(default)] pub company: Option<String>,
        #[serde(default)] pub first_name: Option<String>,
        #[serde(default)] pub last_name: Option<String>,
        #[serde(default)] pub country: Option<String>,
        #[serde(default)] pub city: Option<String>,
        #[serde(default)] pub address_line_one: Option<String>,
        #[serde(default)] pub address_line_two: Option<String>,
        #[serde(default)] pub address_line_three: Option<String>,
        #[serde(default)] pub language_preference: Option<String>,
        #[serde(default)] pub postal_code: Option<String>,
        #[serde(default)] pub state: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_string")] pub phone_cc: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_string")] pub phone: Option<String>,
        #[serde(default)] pub created_at: Option<String>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Body of `users.create`. Every field but the two extra address lines is required.
    pub struct CreateUser {
        pub email: String,
        pub company: String,
        pub first_name: String,
        pub last_name: String,
        /// ISO 3166-1 alpha-2 code (see `geo.countries`).
        pub country: String,
        pub city: String,
        pub address_line_one: String,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub address_line_two: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub address_line_three: Option<String>,
        /// For example `en`.
        pub language_preference: String,
        pub postal_code: String,
        pub state: String,
        /// Country calling code without `+`, for example `"1"`.
        pub phone_cc: String,
        /// Phone number without the country code.
        pub phone: String,
    }
}

model! {
    /// Body of `users.update`: only the fields set are sent.
    pub struct UpdateUser {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub email: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub company: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub first_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub last_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub country: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub city: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub address_line_one: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub address_line_two: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub address_line_three: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub language_preference: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub postal_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub phone_cc: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub phone: Option<String>,
    }
}

model! {
    /// Query of `users.list`.
    pub struct ListUsersParams {
        #[serde(default, skip_serializing_if = "Option::is_none")] pub page: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub limit: Option<u32>,
        /// Free-text search (name, e-mail, company).
        #[serde(default, skip_serializing_if = "Option::is_none")] pub search: Option<String>,
    }
}

model! {
    /// A country (the API answers a `name -> code` map; the SDK sorts it by name).
    pub struct Country {
        pub name: String,
        /// ISO 3166-1 alpha-2 code, the value for `CreateUser.country`.
        pub code: String,
    }
}

model! {
    /// A state or province of a country.
    pub struct State {
        pub name: String,
        pub code: String,
    }
}
