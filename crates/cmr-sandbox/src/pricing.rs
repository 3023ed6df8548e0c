//! Prices and other constants of the sandbox, in one place (USD). The
//! reference gives no price list; these are simple, documented choices.

/// Registration or renewal of one domain for one year.
pub const DOMAIN_PRICE_PER_YEAR: f64 = 12.0;
/// One mailbox for one monthly billing period.
pub const MAILBOX_PRICE_PER_MONTH: f64 = 3.0;
/// One pre-warmed mailbox (bought with its domain's bundle).
pub const PREWARMUP_MAILBOX_PRICE: f64 = 5.0;
/// Wallet balance of a fresh state.
pub const DEFAULT_WALLET_BALANCE: f64 = 1000.0;
/// Domains whose name contains this word are "already taken" (unavailable).
pub const TAKEN_DOMAIN_MARKER: &str = "taken";
/// Platform credentials with this password fail the live login check (400).
pub const INVALID_PASSWORD: &str = "invalid";
/// Domains whose name contains this word fail registration at the +5 s step
/// (`domain.order.failed`, refunded), to exercise the failure path.
pub const REGISTRATION_FAILURE_MARKER: &str = "failreg";
