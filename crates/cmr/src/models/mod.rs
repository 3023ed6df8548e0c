//! Typed request and response models of every operation.
//!
//! Response models tolerate unknown fields (kept in `extra`) and unknown enum
//! values (kept as `Unknown(String)`).

#[macro_use]
pub(crate) mod macros;
pub use macros::{SECRET_FIELDS, SECRET_JSON_KEYS};
pub mod bulk;
pub mod common;
pub mod dns;
pub mod domains;
pub mod exports;
pub mod mailboxes;
pub mod orders;
pub mod prewarmup;
pub mod subscriptions;
pub mod users;

pub use bulk::*;
pub use common::*;
pub use dns::*;
pub use domains::*;
pub use exports::*;
pub use mailboxes::*;
pub use orders::*;
pub use prewarmup::*;
pub use subscriptions::*;
pub use users::*;
