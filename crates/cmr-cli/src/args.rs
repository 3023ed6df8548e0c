//! The command-line surface: one subcommand per operation of the route table
//! (`crates/cmr/src/routes.rs`), kebab-case.
//!
//! Each operation's flags are a struct that derives both `clap::Args` and
//! `Serialize`: serialised (camelCase, unset flags dropped) it *is* the
//! argument object of `cmr::ops::call`, which decodes it into the core's
//! typed request model and calls the typed method (`client.users().create`,
//! ...). Validation therefore happens in the core, before anything is sent.
//! `--file FILE.json` (or `-` for stdin) supplies a JSON object for complex
//! bodies; flags given on the command line override its fields.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

#[derive(Parser, Debug)]
#[command(
    name = "cmr",
    version,
    about = "Cold Mail Reseller partner API from the command line",
    long_about = "Cold Mail Reseller partner API from the command line.\n\n\
                  Start with `cmr demo` (no key needed: it runs against an embedded sandbox).",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Partner API key (never printed).
    #[arg(long, env = "CMR_API_KEY", global = true, hide_env_values = true)]
    pub api_key: Option<String>,
    /// Base URL of the API (default: production).
    #[arg(long, env = "CMR_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Machine output: the typed result serialised as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Run an embedded sandbox (seeded with demo data) for this one command and point the client at it.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Retries after the first attempt (default 2).
    #[arg(long, global = true)]
    pub max_retries: Option<u32>,
    /// Timeout of one attempt, in seconds (default 60).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Log every request on stderr: -v one line per attempt, -vv also the bodies (like CMR_LOG=info / debug).
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Customers of the partner.
    #[command(subcommand)]
    Users(Users),
    /// Countries and states.
    #[command(subcommand)]
    Geo(Geo),
    /// Domains: availability, forwarding, removal, renewal.
    #[command(subcommand)]
    Domains(Domains),
    /// DNS records (and `dns import` from CSV).
    #[command(subcommand)]
    Dns(Dns),
    /// Orders of domains and mailboxes.
    #[command(subcommand)]
    Orders(Orders),
    /// Mailboxes (and bulk `mailboxes update --file changes.csv`).
    #[command(subcommand)]
    Mailboxes(Mailboxes),
    /// Mailbox subscriptions.
    #[command(subcommand)]
    Subscriptions(Subscriptions),
    /// Exports to sending platforms.
    #[command(subcommand)]
    Exports(Exports),
    /// Pre-warmed mailboxes.
    #[command(subcommand)]
    Prewarmup(Prewarmup),
    /// The partner wallet.
    #[command(subcommand)]
    Wallet(Wallet),
    /// Report a problem to CMR.
    SendError(SendError),
    /// Raw request to any path (relative to the base URL).
    Request(RawRequest),
    /// Run the CMR emulator in the foreground.
    Sandbox(SandboxCmd),
    /// Walk the whole lifecycle against an embedded sandbox (no key needed).
    Demo,
    /// Receive and verify webhooks.
    #[command(subcommand)]
    Webhooks(Webhooks),
}

// ---------------------------------------------------------------- shared --

/// `--file FILE.json` or `-` (stdin): a JSON object with the request fields.
#[derive(Args, Debug, Clone, Default)]
pub struct FileArg {
    /// JSON object with the request fields (`-` = stdin); flags override its fields.
    #[arg(long, value_name = "FILE.json")]
    pub file: Option<PathBuf>,
}

/// `--page/--limit` or `--all`.
#[derive(Args, Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageArgs {
    /// Page number (from 1).
    #[arg(long, conflicts_with = "all")]
    pub page: Option<u32>,
    /// Page size.
    #[arg(long)]
    pub limit: Option<u32>,
    /// Fetch every page and print every item.
    #[arg(long)]
    #[serde(skip)]
    pub all: bool,
}

#[derive(Args, Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserId {
    /// Id of the customer.
    #[arg(long)]
    pub user_id: Option<String>,
}

// ----------------------------------------------------------------- users --

#[derive(Subcommand, Debug)]
pub enum Users {
    /// One page of users (or every user with --all).
    List(UsersList),
    /// One user's profile.
    Get(UserId),
    /// Create a customer.
    Create(UserFields),
    /// Update fields of a customer (only those given are sent).
    Update(UserFields),
    /// Delete a customer who owns no domains and no mailboxes.
    Delete(UserId),
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersList {
    #[command(flatten)]
    #[serde(flatten)]
    pub pages: PageArgs,
    /// Free-text search (name, e-mail, company).
    #[arg(long)]
    pub search: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserFields {
    /// Id of the customer (update only).
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub company: Option<String>,
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    /// ISO 3166-1 alpha-2 code (see `cmr geo countries`).
    #[arg(long)]
    pub country: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub address_line_one: Option<String>,
    #[arg(long)]
    pub address_line_two: Option<String>,
    #[arg(long)]
    pub address_line_three: Option<String>,
    /// For example `en`.
    #[arg(long)]
    pub language_preference: Option<String>,
    #[arg(long)]
    pub postal_code: Option<String>,
    #[arg(long)]
    pub state: Option<String>,
    /// Country calling code without `+`, for example `1`.
    #[arg(long)]
    pub phone_cc: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[command(flatten)]
    #[serde(skip)]
    pub input: FileArg,
}

// ------------------------------------------------------------------- geo --

#[derive(Subcommand, Debug)]
pub enum Geo {
    /// Every country (name and code).
    Countries,
    /// States of a country.
    States(GeoStates),
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoStates {
    /// ISO alpha-2 code, for example `US`.
    #[arg(long)]
    pub country_code: Option<String>,
}

// --------------------------------------------------------------- domains --

#[derive(Subcommand, Debug)]
pub enum Domains {
    /// Every domain of a user.
    List(UserId),
    /// Available domain names built from a keyword.
    Suggest(DomainsSuggest),
    /// Availability and price of one domain name.
    CheckAvailability(DomainOnly),
    /// Does a Google/Microsoft workspace already exist on the domain?
    CheckWorkspace(DomainsCheckWorkspace),
    /// Forward the domain's web traffic to a URL.
    AddForwarding(DomainsForwarding),
    /// Catch-all e-mail forwarding.
    AddEmailForwarding(DomainsEmailForwarding),
    /// Attach a Google OAuth client id to a domain.
    AddGoogleClientId(DomainsGoogleClientId),
    /// Remove domains.
    Remove(DomainsList),
    /// Renewal price of domains.
    RenewalPrice(DomainsRenewal),
    /// Renew domains now (paid from the wallet).
    Renew(DomainsRenewal),
    /// Switch automatic renewal of domains on or off.
    ToggleAutoRenew(DomainsToggle),
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainsSuggest {
    #[arg(long)]
    pub user_id: Option<String>,
    /// Keyword or name to build suggestions from.
    #[arg(long)]
    pub query: Option<String>,
    /// TLDs to try (repeat or comma-separate: --tld com,io).
    #[arg(long = "tld", value_delimiter = ',')]
    pub tlds: Option<Vec<String>>,
    #[arg(long)]
    pub limit: Option<u32>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainOnly {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainsCheckWorkspace {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    /// GOOGLE or MICROSOFT.
    #[arg(long)]
    pub service_provider: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainsForwarding {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    /// Target URL.
    #[arg(long)]
    pub forward_to: Option<String>,
    #[arg(long)]
    pub mask_forwarding: Option<bool>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainsEmailForwarding {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    /// Target e-mail address.
    #[arg(long)]
    pub forward_to: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainsGoogleClientId {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    #[arg(long)]
    pub client_id: Option<String>,
    #[arg(long)]
    pub app_name: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainsList {
    #[arg(long)]
    pub user_id: Option<String>,
    /// Domain name (repeat or comma-separate).
    #[arg(long = "domain", value_delimiter = ',')]
    pub domains: Option<Vec<String>>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainsRenewal {
    #[arg(long)]
    pub user_id: Option<String>,
    /// Domain name (repeat or comma-separate; none = every eligible domain).
    #[arg(long = "domain", value_delimiter = ',')]
    pub domains: Option<Vec<String>>,
    /// Renewal term in years.
    #[arg(long)]
    pub years: Option<u32>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainsToggle {
    #[arg(long)]
    pub user_id: Option<String>,
    /// Domain name (repeat or comma-separate; none = every domain of the user).
    #[arg(long = "domain", value_delimiter = ',')]
    pub domains: Option<Vec<String>>,
    /// true or false.
    #[arg(long)]
    pub auto_renew: Option<bool>,
}

// ------------------------------------------------------------------- dns --

#[derive(Subcommand, Debug)]
pub enum Dns {
    /// Records of a domain.
    List(DomainOnly),
    /// Add a record (or several, with --file).
    Add(DnsAdd),
    /// Replace a record.
    Update(DnsUpdate),
    /// Delete a record.
    Delete(DnsDelete),
    /// Add records from a CSV file (domain,host,type,value,priority): batched per domain, paced at the rate limit.
    Import(BulkArgs),
    /// Was it applied? The record with this type, host and value, or null.
    Find(DnsFind),
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsFind {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    /// A, AAAA, CNAME, MX, TXT, NS, SRV, CAA.
    #[arg(long = "type")]
    pub record_type: Option<String>,
    #[arg(long)]
    pub host: Option<String>,
    #[arg(long)]
    pub value: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsAdd {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    #[command(flatten)]
    #[serde(skip)]
    pub record: RecordFlags,
    #[command(flatten)]
    #[serde(skip)]
    pub input: FileArg,
}

#[derive(Args, Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordFlags {
    /// `@`, `mail`, `_dmarc`, ...
    #[arg(long)]
    pub host: Option<String>,
    /// A, AAAA, CNAME, MX, TXT, NS, SRV, CAA.
    #[arg(long = "type")]
    pub record_type: Option<String>,
    #[arg(long)]
    pub value: Option<String>,
    #[arg(long)]
    pub priority: Option<u32>,
    /// DMARC tags CMR must not add (TXT `_dmarc` records only; comma-separated).
    #[arg(long = "exclude-dmarc-tag", value_delimiter = ',')]
    #[serde(rename = "excludedDMARCtags")]
    pub excluded_dmarc_tags: Option<Vec<String>>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsUpdate {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub record_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    #[command(flatten)]
    #[serde(flatten)]
    pub record: RecordFlags,
    #[command(flatten)]
    #[serde(skip)]
    pub input: FileArg,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsDelete {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub record_id: Option<String>,
}

/// A bulk CSV job.
#[derive(Args, Debug, Clone)]
pub struct BulkArgs {
    /// CSV file (a failures report of an earlier run works as input: it resumes).
    pub csv: PathBuf,
    #[arg(long)]
    pub user_id: String,
    /// Write the failed rows, plus an `error` column, to this CSV.
    #[arg(long, value_name = "FAILURES.csv")]
    pub report: Option<PathBuf>,
    /// Requests per second (CMR allows 5; the pacer never draws a 429 at 5).
    #[arg(long, default_value_t = 5.0)]
    pub rate: f64,
    /// Rows per request (DNS records of one domain, or mailbox changes).
    #[arg(long, default_value_t = cmr::bulk::DEFAULT_BATCH_SIZE as u32, value_parser = clap::value_parser!(u32).range(1..=cmr::bulk::MAX_BATCH_SIZE as i64))]
    pub batch_size: u32,
    /// Progress journal, written row by row (default: `<CSV>.journal`); running
    /// the same command again resumes from it.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
}

// ---------------------------------------------------------------- orders --

#[derive(Subcommand, Debug)]
pub enum Orders {
    /// Order domains and mailboxes (JSON body from --file).
    Create(WithFile),
    /// Same as create, multipart (profile pictures as `files` [{key, fileName, contentType, data(base64)}]).
    CreateMultipart(WithFile),
    /// Order mailboxes on a domain CMR already has (--file).
    OrderMailboxes(WithFile),
    /// DEPRECATED upstream: add mailboxes to a subscription (--file).
    AddMailboxesToSubscription(WithFile),
    /// Process an order created with `confirm: false`.
    Process(OrderId),
    /// Status of an order.
    Status(OrderId),
    /// Details of an order.
    Get(OrderId),
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithFile {
    #[arg(long)]
    pub user_id: Option<String>,
    #[command(flatten)]
    #[serde(skip)]
    pub input: FileArg,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderId {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub order_id: Option<String>,
}

// ------------------------------------------------------------- mailboxes --

#[derive(Subcommand, Debug)]
pub enum Mailboxes {
    /// Every mailbox of the partner (paginated).
    ListAll(PageArgs),
    /// Every mailbox of one user.
    List(UserId),
    /// One mailbox.
    Get(MailboxRef),
    /// Admin mailbox of the workspace, with credentials.
    AdminDetails(MailboxRef),
    /// Change one mailbox; `--file changes.csv` updates many (bulk, paced, with --report).
    Update(MailboxesUpdate),
    /// Change several mailboxes in one request (--file: JSON array or {mailboxData:[..]}).
    UpdateMany(WithFile),
    /// Remove a mailbox.
    Remove(MailboxRef),
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxRef {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub mailbox_id: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxesUpdate {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub mailbox_id: Option<String>,
    #[arg(long)]
    pub user_name: Option<String>,
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    /// Picture URL.
    #[arg(long)]
    pub profile_picture: Option<String>,
    #[arg(long)]
    pub remove_profile_picture: Option<bool>,
    /// JSON object (one change) or CSV (mailboxId,userName,firstName,lastName,profilePicture: bulk).
    #[arg(long, value_name = "FILE.json|FILE.csv")]
    #[serde(skip)]
    pub file: Option<PathBuf>,
    /// Bulk only: write failed rows (plus `error`) to this CSV.
    #[arg(long, value_name = "FAILURES.csv")]
    #[serde(skip)]
    pub report: Option<PathBuf>,
    /// Bulk only: requests per second (CMR allows 5).
    #[arg(long, default_value_t = 5.0)]
    #[serde(skip)]
    pub rate: f64,
    /// Bulk only: mailbox changes per request.
    #[arg(long, default_value_t = cmr::bulk::DEFAULT_BATCH_SIZE as u32, value_parser = clap::value_parser!(u32).range(1..=cmr::bulk::MAX_BATCH_SIZE as i64))]
    #[serde(skip)]
    pub batch_size: u32,
    /// Bulk only: progress journal (default: `<CSV>.journal`).
    #[arg(long, value_name = "FILE")]
    #[serde(skip)]
    pub journal: Option<PathBuf>,
}

// --------------------------------------------------------- subscriptions --

#[derive(Subcommand, Debug)]
pub enum Subscriptions {
    /// Subscriptions (paginated, filterable).
    List(SubscriptionsList),
    /// Queue renewals.
    Renew(SubscriptionIds),
    /// Cancel a subscription (by id or domain). Permanent.
    Cancel(SubscriptionsCancel),
    /// Switch automatic renewal on or off.
    ToggleAutoRenew(SubscriptionsToggle),
    /// Recreate subscriptions after their first year (by ids or domains).
    Recreate(SubscriptionsRecreate),
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionsList {
    /// ACTIVE, RENEWING, PAST_DUE, CANCELLED, EXPIRED.
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub component_subscription_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    #[arg(long)]
    pub user_id: Option<String>,
    #[command(flatten)]
    #[serde(flatten)]
    pub pages: PageArgs,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionIds {
    /// Subscription id (repeat or comma-separate).
    #[arg(long = "subscription-id", value_delimiter = ',')]
    pub subscription_ids: Option<Vec<String>>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionsCancel {
    #[arg(long)]
    pub subscription_id: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionsToggle {
    /// Subscription id (repeat or comma-separate).
    #[arg(long = "subscription-id", value_delimiter = ',')]
    pub subscription_ids: Option<Vec<String>>,
    /// true or false.
    #[arg(long)]
    pub auto_renew: Option<bool>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionsRecreate {
    /// Subscription id (repeat or comma-separate).
    #[arg(long = "subscription-id", value_delimiter = ',')]
    pub subscription_ids: Option<Vec<String>>,
    /// Domain name (repeat or comma-separate).
    #[arg(long = "domain", value_delimiter = ',')]
    pub domain_names: Option<Vec<String>>,
}

// --------------------------------------------------------------- exports --

#[derive(Subcommand, Debug)]
pub enum Exports {
    /// Re-run the OAuth export of a mailbox.
    Reexport(MailboxRef),
    /// Connected platforms and their credentials.
    ListCredentials(UserId),
    /// Store a platform credential (flags or --file).
    AddCredential(ExportsAddCredential),
    /// Delete a stored credential.
    RemoveCredential(ExportsRemoveCredential),
    /// Queue ACTIVE mailboxes for export to a platform.
    ExportMailboxes(ExportsExport),
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportsAddCredential {
    #[arg(long)]
    pub user_id: Option<String>,
    /// Platform, for example EMAILBISON.
    #[arg(long)]
    pub app: Option<String>,
    /// Login e-mail on the platform.
    #[arg(long)]
    #[serde(skip)]
    pub email: Option<String>,
    /// Login password on the platform.
    #[arg(long)]
    #[serde(skip)]
    pub password: Option<String>,
    #[arg(long)]
    #[serde(skip)]
    pub app_base_url: Option<String>,
    #[arg(long)]
    #[serde(skip)]
    pub client_id: Option<String>,
    #[arg(long)]
    #[serde(skip)]
    pub app_name: Option<String>,
    #[arg(long)]
    #[serde(skip)]
    pub workspace: Option<String>,
    #[command(flatten)]
    #[serde(skip)]
    pub input: FileArg,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportsRemoveCredential {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub credential_id: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportsExport {
    #[arg(long)]
    pub user_id: Option<String>,
    #[arg(long)]
    pub credential_id: Option<String>,
    /// Mailbox id (repeat or comma-separate).
    #[arg(long = "mailbox-id", value_delimiter = ',')]
    pub component_mailbox_ids: Option<Vec<String>>,
}

// ------------------------------------------------------------- prewarmup --

#[derive(Subcommand, Debug)]
pub enum Prewarmup {
    /// The pre-warmed inventory (paginated).
    List(PrewarmupList),
    /// Buy pre-warmed domain packages (--file).
    Order(WithFile),
    /// Domains of CMR's pre-warmup sandbox.
    SandboxList(ServiceProviderArg),
    /// A $0 sandbox order (--file; --scenario success|full_failure|partial_failure).
    SandboxOrder(PrewarmupSandboxOrder),
    /// Wipe every sandbox pre-warmup record.
    SandboxReset,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrewarmupList {
    /// GOOGLE or MICROSOFT.
    #[arg(long)]
    pub service_provider: Option<String>,
    /// Domain substring.
    #[arg(long)]
    pub contains: Option<String>,
    #[command(flatten)]
    #[serde(flatten)]
    pub pages: PageArgs,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceProviderArg {
    /// GOOGLE or MICROSOFT.
    #[arg(long)]
    pub service_provider: Option<String>,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrewarmupSandboxOrder {
    #[arg(long)]
    pub user_id: Option<String>,
    /// success, full_failure or partial_failure.
    #[arg(long)]
    pub scenario: Option<String>,
    #[command(flatten)]
    #[serde(skip)]
    pub input: FileArg,
}

// ---------------------------------------------------------------- wallet --

#[derive(Subcommand, Debug)]
pub enum Wallet {
    /// Balance of the partner wallet.
    Get,
}

#[derive(Args, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendError {
    #[arg(long)]
    pub message: Option<String>,
    /// The actionId the problem relates to.
    #[arg(long)]
    pub action_id: Option<String>,
    #[arg(long)]
    pub details: Option<String>,
}

#[derive(Args, Debug)]
pub struct RawRequest {
    /// GET, POST, PUT, PATCH or DELETE.
    pub method: String,
    /// Path relative to the base URL, for example /users/list.
    pub path: String,
    /// Query parameter (repeatable).
    #[arg(long = "query", value_name = "K=V")]
    pub query: Vec<String>,
    /// JSON body (`@file.json` reads a file, `-` reads stdin).
    #[arg(long)]
    pub body: Option<String>,
}

// --------------------------------------------------------------- sandbox --

#[derive(Args, Debug)]
pub struct SandboxCmd {
    /// Port on 127.0.0.1 (0 = a free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Load (and save) the state from this JSON file.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Turn CMR's 5 requests/second limit off.
    #[arg(long)]
    pub no_rate_limit: bool,
    /// Most items per batch request (dns add records, mailbox updates); bigger batches answer 400.
    #[arg(long, default_value_t = cmr_sandbox::DEFAULT_MAX_BATCH)]
    pub max_batch: usize,
    /// Deliver webhooks to this URL.
    #[arg(long)]
    pub webhook_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Webhooks {
    /// Receive webhooks (POST any path), verify each, print it; 200 if valid, 400 if not.
    Listen(Listen),
}

#[derive(Args, Debug)]
pub struct Listen {
    /// Port on 127.0.0.1 (0 = a free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Webhook signing secret (never printed).
    #[arg(long, env = "CMR_WEBHOOK_SECRET", hide_env_values = true)]
    pub secret: String,
    /// Forward each verified delivery (raw body and signature headers) to this URL.
    #[arg(long)]
    pub forward_to: Option<String>,
    /// Replay window in seconds.
    #[arg(long, default_value_t = 300)]
    pub tolerance: u64,
}
