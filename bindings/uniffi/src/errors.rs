//! The one error type of every call, its conversion from the core's error,
//! and [`guard`], which turns a panic into `CmrError.Internal`.

use std::fmt;

/// The fields every error carries, whatever its kind (Kotlin and Swift:
/// `e.info`, readable on the base type through the `Idioms` extensions).
///
/// `message` is the server's message, or the client's for local failures.
/// `path` is relative to the base URL and never holds the query string;
/// `body` is the raw response body, at most 64 KiB (`bodyTruncated`: it was
/// cut); `retryAfterSeconds` is set on 429s; `location` is the `Location` of
/// a refused redirect. `mayHaveBeenSent` is true when the server may have
/// received the request, so a write that failed with it may have been
/// applied: look it up before sending it again. None of them ever holds the
/// API key.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Display)]
pub struct CmrErrorInfo {
    /// The stable snake_case code (`not_found`, ...), shared with every language.
    pub code: String,
    pub message: String,
    pub status: Option<u16>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub body: Option<String>,
    pub body_truncated: bool,
    pub retry_after_seconds: Option<f64>,
    pub location: Option<String>,
    pub may_have_been_sent: bool,
}

/// `code: message`, the line Kotlin's `Throwable.message` and Swift's
/// `description` show. Never the body (it may be 64 KiB).
impl fmt::Display for CmrErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// The one error type of every call (Kotlin: `CmrException.NotFound`, ...;
/// Swift: `CmrError.NotFound`), one variant per `cmr::ErrorKind`, each
/// carrying the same [`CmrErrorInfo`].
#[derive(Debug, Clone, PartialEq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum CmrError {
    /// 401: the key is missing, wrong or revoked.
    Authentication { info: CmrErrorInfo },
    /// 403.
    PermissionDenied { info: CmrErrorInfo },
    /// 404.
    NotFound { info: CmrErrorInfo },
    /// 409.
    Conflict { info: CmrErrorInfo },
    /// 400/422/other 4xx, or input rejected before sending.
    Validation { info: CmrErrorInfo },
    /// 402: the wallet does not cover the operation.
    PaymentRequired { info: CmrErrorInfo },
    /// 429: wait `info.retryAfterSeconds`.
    RateLimited { info: CmrErrorInfo },
    /// 5xx.
    Server { info: CmrErrorInfo },
    /// Connection failed.
    Network { info: CmrErrorInfo },
    /// The request did not complete within the timeout.
    Timeout { info: CmrErrorInfo },
    /// The answer was not what the API documents.
    Decode { info: CmrErrorInfo },
    /// A webhook delivery failed verification.
    SignatureVerification { info: CmrErrorInfo },
    /// The server answered with a redirect, which is never followed (the key
    /// must not leave the configured origin): see `info.location`.
    Redirect { info: CmrErrorInfo },
    /// A bug inside the SDK (a caught panic). Please report it.
    Internal { info: CmrErrorInfo },
}

impl CmrError {
    /// The fields of any variant.
    pub fn info(&self) -> &CmrErrorInfo {
        use CmrError::*;
        match self {
            Authentication { info } | PermissionDenied { info } | NotFound { info }
            | Conflict { info } | Validation { info } | PaymentRequired { info }
            | RateLimited { info } | Server { info } | Network { info } | Timeout { info }
            | Decode { info } | SignatureVerification { info } | Redirect { info }
            | Internal { info } => info,
        }
    }
}

impl fmt::Display for CmrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.info(), f)
    }
}

impl std::error::Error for CmrError {}

/// The one conversion from the core's error.
impl From<cmr::Error> for CmrError {
    fn from(e: cmr::Error) -> Self {
        let info = CmrErrorInfo {
            code: e.code().to_string(),
            message: e.message().to_string(),
            status: e.status(),
            method: e.method().map(str::to_string),
            path: e.path().map(str::to_string),
            body: e.body().map(str::to_string),
            body_truncated: e.body_truncated(),
            retry_after_seconds: e.retry_after().map(|d| d.as_secs_f64()),
            location: e.location().map(str::to_string),
            may_have_been_sent: e.may_have_been_sent(),
        };
        use cmr::ErrorKind as K;
        match e.kind() {
            K::Authentication => CmrError::Authentication { info },
            K::Permission => CmrError::PermissionDenied { info },
            K::NotFound => CmrError::NotFound { info },
            K::Conflict => CmrError::Conflict { info },
            K::Validation => CmrError::Validation { info },
            K::PaymentRequired => CmrError::PaymentRequired { info },
            K::RateLimited => CmrError::RateLimited { info },
            K::Server => CmrError::Server { info },
            K::Network => CmrError::Network { info },
            K::Timeout => CmrError::Timeout { info },
            K::Decode => CmrError::Decode { info },
            K::Signature => CmrError::SignatureVerification { info },
            K::Redirect => CmrError::Redirect { info },
            K::Internal => CmrError::Internal { info },
            // `ErrorKind` is non-exhaustive: a kind added later maps here
            // until it gets its own variant.
            _ => CmrError::Internal { info },
        }
    }
}

/// A foreign callback (an `EventStore`) that threw something other than a
/// `CmrException`/`CmrError`.
impl From<uniffi::UnexpectedUniFFICallbackError> for CmrError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        cmr::Error::invalid(format!("the event store failed: {}", e.reason)).into()
    }
}

/// The result of every fallible export.
pub type R<T> = Result<T, CmrError>;

/// Run a call, turning a panic inside it into `CmrError.Internal` (uniffi
/// alone would raise its own `InternalException`, which callers catching
/// `CmrException` would miss). Every async export's body is `guard(...)`
/// (a unit test checks it).
pub(crate) async fn guard<T>(fut: impl std::future::Future<Output = R<T>>) -> R<T> {
    cmr::error::catch_unwind(fut).await
}

/// A local input error (no request sent).
pub(crate) fn invalid(msg: impl Into<String>) -> CmrError {
    cmr::Error::invalid(msg).into()
}

/// Test hook: panics inside a call, to prove a panic reaches the caller as
/// `CmrError.Internal` (used by the Kotlin and Swift suites).
#[uniffi::export(async_runtime = "tokio")]
pub async fn panic_for_tests() -> R<()> {
    guard(async { panic!("deliberate panic inside the cmr core (test hook)") }).await
}
