//! # cmr: the Cold Mail Reseller partner API client
//!
//! One Rust core for the CMR partner API, also exposed to Python, Node,
//! Kotlin and Swift. Every operation of the API is a typed async method,
//! grouped by resource:
//!
//! ```no_run
//! # async fn demo() -> cmr::Result<()> {
//! use cmr::models::CreateUser;
//! let client = cmr::Client::builder().api_key("ck_live_...").build()?;
//! let user = client.users().create(&CreateUser {
//!     email: "jane@acme.com".into(),
//!     company: "Acme".into(),
//!     first_name: "Jane".into(),
//!     last_name: "Doe".into(),
//!     country: "US".into(),
//!     city: "Austin".into(),
//!     address_line_one: "1 Main St".into(),
//!     language_preference: "en".into(),
//!     postal_code: "73301".into(),
//!     state: "TX".into(),
//!     phone_cc: "1".into(),
//!     phone: "5125550100".into(),
//!     ..Default::default()
//! }).await?;
//! let domains = client.domains().list(&user.id).await?;
//! # Ok(()) }
//! ```
//!
//! * Errors: [`Error`] with an [`ErrorKind`] chosen by what to do next.
//! * Retries: GETs on transient failures; writes only when the server
//!   provably did not act (429, connection refused). See [`client`].
//! * Pagination: `list` returns a [`models::Page`]; `list_stream` streams every item of every page.
//! * Webhooks: [`webhooks::verify`] and [`webhooks::parse`].
//! * Logging: `CMR_LOG=debug|info|warn|off` or [`ClientBuilder::log_level`]; see [`logging`].
//! * Paths: one table, [`routes`]; unconfirmed ones are marked there.

#![forbid(unsafe_code)]

pub mod client;
pub mod config;
pub mod error;
pub mod http;
pub mod logging;
pub mod models;
mod multipart;
pub mod ops;
pub mod pacer;
pub mod pagination;
pub mod bulk;
pub mod resources;
pub mod routes;
mod transport;
mod validate;
pub mod webhooks;

pub use client::Client;
pub use config::{ApiKey, ClientBuilder, RequestOptions};
pub use error::{Error, ErrorKind, Result};
pub use logging::{LogLevel, LogRecord, LogSink};
pub use routes::Method;

/// SDK version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("cmr");
