//! Failures and exit codes (the table is documented in docs/cli.md).

use cmr::ErrorKind;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// An SDK error (from the API, the transport, or the core's validation).
    Api(cmr::Error),
    /// Bad input found by the CLI itself (unreadable file, malformed JSON/CSV, ...).
    Usage(String),
    /// Anything else (a demo step that did not go as expected, a bulk job with failed rows, ...).
    Failed(String),
}

pub type CliResult<T> = Result<T, Failure>;

impl From<cmr::Error> for Failure {
    fn from(e: cmr::Error) -> Self {
        Failure::Api(e)
    }
}

pub fn usage(msg: impl Into<String>) -> Failure {
    Failure::Usage(msg.into())
}

pub fn failed(msg: impl Into<String>) -> Failure {
    Failure::Failed(msg.into())
}

/// Exit code of an SDK error kind.
pub fn exit_code_of(kind: ErrorKind) -> i32 {
    match kind {
        ErrorKind::Validation => 2,
        ErrorKind::Authentication => 3,
        ErrorKind::NotFound => 4,
        ErrorKind::Conflict => 5,
        ErrorKind::RateLimited => 6,
        ErrorKind::Server => 7,
        ErrorKind::Network | ErrorKind::Timeout => 8,
        ErrorKind::Decode => 9,
        ErrorKind::Permission => 10,
        ErrorKind::PaymentRequired => 11,
        ErrorKind::Signature => 12,
        _ => 1,
    }
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Api(e) => exit_code_of(e.kind()),
            Failure::Usage(_) => 2,
            Failure::Failed(_) => 1,
        }
    }

    /// The one line printed on stderr (the API key is never part of an error).
    pub fn line(&self) -> String {
        match self {
            Failure::Api(e) => format!("error: {e}"),
            Failure::Usage(m) => format!("error: usage: {m}"),
            Failure::Failed(m) => format!("error: {m}"),
        }
        .replace('\n', " ")
    }
}
