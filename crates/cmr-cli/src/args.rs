//! The command-line surface: one subcommand per operation of the route table
//! (`crates/cmr/src/routes.rs`), kebab-case.
//!
//! The operations' commands are generated (`args_generated.rs`, by
//! `cargo run -p cmr-codegen -- write`): each operation's flags are a struct
//! that derives both `clap::Args` and `Serialize`: serialised (camelCase,
//! unset flags dropped) it *is* the argument object of `cmr::ops::call`,
//! which decodes it into the core's typed request model and calls the typed
//! method (`client.users().create`, ...). Validation therefore happens in the
//! core, before anything is sent. `--file FILE.json` (or `-` for stdin)
//! supplies a JSON object for complex bodies; flags given on the command line
//! override its fields.
//!
//! Hand-written here: the global flags, the commands that are no operation
//! (`request`, `sandbox`, `demo`, `webhooks listen`, `dns import`) and the
//! operations of the generator's skip list (`HAND_WRITTEN`), whose flags do
//! not map one to one onto the request (`dns add`, `mailboxes update`,
//! `mailboxes update-many`, `exports add-credential`).

use std::path::PathBuf;

use std::ffi::OsStr;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

pub use crate::args_generated::*;

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
    /// Every operation of the route table (generated: `args_generated.rs`).
    /// Boxed: it is by far the largest variant (`clippy::large_enum_variant`).
    #[command(flatten)]
    Api(Box<Api>),
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

/// The value parser of an enum flag: lists the known values (help,
/// completion) but takes any other too, as CMR's enums are open (the core
/// keeps an unknown value as `Unknown`).
#[derive(Clone, Debug)]
pub struct OpenEnum(pub &'static [&'static str]);

impl TypedValueParser for OpenEnum {
    type Value = String;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(|v| PossibleValue::new(*v))))
    }
}

// ------------------------------------------------ hand-written operations --
// The skip list of the generator (`crates/cmr-codegen/src/cli.rs`,
// `HAND_WRITTEN`): each struct has the generated name and a `plan` (main.rs).

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
    #[arg(long = "type", value_parser = OpenEnum(cmr::models::RecordType::KNOWN))]
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
pub struct MailboxesUpdateMany {
    #[arg(long)]
    pub user_id: Option<String>,
    #[command(flatten)]
    #[serde(skip)]
    pub input: FileArg,
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

// ------------------------------------------------------------ dns import --

/// Commands of `cmr dns` that are no operation.
#[derive(Subcommand, Debug)]
pub enum DnsMore {
    /// Add records from a CSV file (domain,host,type,value,priority): batched per domain, paced at the rate limit.
    Import(BulkArgs),
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

// --------------------------------------------------------------- request --

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
