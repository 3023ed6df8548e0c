//! One error type for the whole SDK.
//!
//! [`Error`] carries a [`ErrorKind`] chosen by *what the caller should do*
//! (re-authenticate, fix the input, wait and retry, ...) plus the request
//! details: HTTP method, path (never the query string, which may hold ids but
//! never the key), status, the server's message and the raw body.
//!
//! Every binding maps [`ErrorKind::code`] to one exception/error class, so the
//! codes below are part of the public contract of every language.

use std::fmt;
use std::time::Duration;

/// Longest body an [`Error`] keeps (64 KiB); longer ones are cut and
/// flagged with [`Error::body_truncated`].
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// What went wrong, in terms of what the caller should do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401: the API key is missing, wrong or revoked. Re-authenticate.
    Authentication,
    /// 403: the key is valid but the resource belongs to someone else or the
    /// current state forbids the action.
    Permission,
    /// 404: the record does not exist (or not under this partner account).
    NotFound,
    /// 409: conflict with existing state (e-mail already used, workspace exists).
    Conflict,
    /// 400/422 and every other 4xx, or input rejected by the client before
    /// sending. Fix the input; retrying will not help.
    Validation,
    /// 402: the partner wallet does not cover the operation. Top it up.
    PaymentRequired,
    /// 429: too many requests. Wait `retry_after` and retry.
    RateLimited,
    /// 5xx: CMR failed. Safe to retry only if the operation is idempotent.
    Server,
    /// The connection failed (DNS, refused, reset, TLS).
    Network,
    /// The request did not complete within the configured timeout.
    Timeout,
    /// The server answered but the body was not what the API documents.
    Decode,
    /// A webhook delivery failed verification (bad or missing signature,
    /// stale timestamp). Reject the delivery.
    Signature,
    /// The server answered with a redirect (3xx). The SDK never follows
    /// redirects, so the API key cannot leave the configured origin; the
    /// error carries the `Location` the server named. Check the base URL.
    Redirect,
    /// A bug inside the SDK (a caught panic). The request may or may not
    /// have been sent; please report it.
    Internal,
}

impl ErrorKind {
    /// Stable snake_case code shared by every language binding.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Authentication => "authentication",
            ErrorKind::Permission => "permission",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Validation => "validation",
            ErrorKind::PaymentRequired => "payment_required",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode",
            ErrorKind::Signature => "signature",
            ErrorKind::Redirect => "redirect",
            ErrorKind::Internal => "internal",
        }
    }

    /// Every kind, in a stable order (used by binding tests and docs).
    pub const ALL: [ErrorKind; 14] = [
        ErrorKind::Authentication,
        ErrorKind::Permission,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::Validation,
        ErrorKind::PaymentRequired,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Decode,
        ErrorKind::Signature,
        ErrorKind::Redirect,
        ErrorKind::Internal,
    ];

    /// The kind for an HTTP error status.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Authentication,
            402 => ErrorKind::PaymentRequired,
            403 => ErrorKind::Permission,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            300..=399 => ErrorKind::Redirect,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Validation,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The SDK's error: a kind plus everything known about the failed request.
///
/// The details live behind one pointer, so a `Result<T>` is as small as
/// `T` and a pointer: results move through every future of a call, and
/// only the failure path allocates.
#[derive(Clone)]
pub struct Error(Box<details::Error>);

/// The details' struct is named `Error` too, so that the derived `Debug`
/// of [`Error`] (which shows them) reads `Error { kind: .., .. }`.
mod details {
    use super::*;

    #[derive(Debug, Clone)]
    pub(super) struct Error {
        pub(super) kind: ErrorKind,
        pub(super) message: String,
        pub(super) status: Option<u16>,
        pub(super) method: Option<String>,
        pub(super) path: Option<String>,
        pub(super) body: Option<String>,
        /// The body was longer than [`MAX_ERROR_BODY_BYTES`] and was cut.
        pub(super) body_truncated: bool,
        pub(super) retry_after: Option<Duration>,
        /// `Location` of a redirect answer.
        pub(super) location: Option<String>,
        /// True when the request was (or may have been) received by the server.
        /// A write with `sent == true` is never retried.
        pub(super) sent: bool,
    }
}

impl Error {
    /// An error of `kind` with a message and no request details.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(details::Error {
            kind,
            message: message.into(),
            status: None,
            method: None,
            path: None,
            body: None,
            body_truncated: false,
            retry_after: None,
            location: None,
            sent: false,
        }))
    }

    /// Input rejected before any request was sent.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Validation, message)
    }

    pub(crate) fn with_request(mut self, method: &str, path: &str) -> Self {
        self.0.method = Some(method.to_string());
        self.0.path = Some(path.to_string());
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Keep the raw body, cut to [`MAX_ERROR_BODY_BYTES`] (on a character
    /// boundary) so that an error never holds a huge answer in memory.
    pub(crate) fn with_body(mut self, body: impl Into<String>) -> Self {
        let mut body = body.into();
        if body.len() > MAX_ERROR_BODY_BYTES {
            let mut cut = MAX_ERROR_BODY_BYTES;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
            body.shrink_to_fit();
            self.0.body_truncated = true;
        }
        self.0.body = Some(body);
        self
    }

    /// Mark the body as cut short (it was read only partly).
    pub(crate) fn with_body_truncated(mut self, truncated: bool) -> Self {
        self.0.body_truncated |= truncated;
        self
    }

    pub(crate) fn with_location(mut self, location: Option<String>) -> Self {
        self.0.location = location;
        self
    }

    /// An unexpected failure inside the SDK (a bug): what a binding returns
    /// when it catches a panic, so callers see a `CmrError`, never a crash.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, format!("internal error in the cmr SDK (please report it): {}", message.into()))
            .mark_sent(true)
    }

    pub(crate) fn with_retry_after(mut self, d: Option<Duration>) -> Self {
        self.0.retry_after = d;
        self
    }

    pub(crate) fn mark_sent(mut self, sent: bool) -> Self {
        self.0.sent = sent;
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// Shorthand for `self.0.kind().code()`.
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }
    /// The server's message (or the client's, for local failures).
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    /// HTTP method of the failed request.
    pub fn method(&self) -> Option<&str> {
        self.0.method.as_deref()
    }
    /// Path of the failed request relative to the base URL, without query.
    pub fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }
    /// Raw response body, when the server answered; at most
    /// [`MAX_ERROR_BODY_BYTES`] (see [`Error::body_truncated`]).
    pub fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }
    /// Whether [`Error::body`] was cut to [`MAX_ERROR_BODY_BYTES`].
    pub fn body_truncated(&self) -> bool {
        self.0.body_truncated
    }
    /// The `Location` header of a redirect answer ([`ErrorKind::Redirect`]).
    pub fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
    /// How long the server asked us to wait (429 `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }
    /// Whether the server may have received the request. A write that fails
    /// with `may_have_been_sent() == true` may have been accepted: check its
    /// effect (webhooks, status endpoints) before sending it again.
    pub fn may_have_been_sent(&self) -> bool {
        self.0.sent
    }
}

impl Error {
    /// The error for a caught panic payload (see [`catch_unwind`]).
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Error {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        Error::internal(what)
    }
}

/// Run `fut`, turning a panic inside it into an [`ErrorKind::Internal`]
/// error. Every FFI entry point of the bindings goes through this (or
/// [`catch_unwind_sync`]), so a bug surfaces as the language's `CmrError`
/// instead of a crash or a foreign exception type.
///
/// Generic over the error type, so a binding whose own error converts from
/// [`Error`] (uniffi's `CmrError`) uses this same function.
pub async fn catch_unwind<T, E: From<Error>>(fut: impl std::future::Future<Output = Result<T, E>>) -> Result<T, E> {
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(fut).catch_unwind().await {
        Ok(r) => r,
        Err(p) => Err(Error::from_panic(&*p).into()),
    }
}

/// [`catch_unwind`] for synchronous code.
pub fn catch_unwind_sync<T, E: From<Error>>(f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(Error::from_panic(&*p).into()),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.kind.code())?;
        if let Some(s) = self.0.status {
            write!(f, " ({s})")?;
        }
        write!(f, ": {}", self.0.message)?;
        if let (Some(m), Some(p)) = (&self.0.method, &self.0.path) {
            write!(f, " [{m} {p}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {}

/// Shorthand for `Result<T, cmr::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_a_pointer_wider_than_its_value_at_most() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
        assert_eq!(std::mem::size_of::<Result<()>>(), std::mem::size_of::<usize>());
        assert!(std::mem::size_of::<Result<u64>>() <= 2 * std::mem::size_of::<usize>());
    }

    #[test]
    fn debug_shows_every_detail_under_the_type_name() {
        let e = Error::new(ErrorKind::NotFound, "no such user")
            .with_request("GET", "/users")
            .with_status(404)
            .with_body("{}")
            .mark_sent(true);
        let d = format!("{e:?}");
        assert!(d.starts_with("Error { kind: NotFound, message: \"no such user\", status: Some(404)"), "{d}");
        assert!(d.contains("sent: true"), "{d}");
        assert_eq!(e.to_string(), "not_found (404): no such user [GET /users]");
    }
}
