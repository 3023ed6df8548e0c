//! Request logging: what was sent and what came back, for every language.
//!
//! The transport hands every attempt's outcome to [`Logger::attempt`]. When
//! the client's level allows it, that builds a plain [`LogRecord`] (level,
//! one human line, structured fields), gives it to the client's [`LogSink`]
//! (the Python `logging` bridge, a Node logger object, a Kotlin/Swift
//! callback, or stderr) and emits the same line as a `tracing` event under
//! the target `cmr` for Rust applications.
//!
//! Levels (`CMR_LOG=debug|info|warn|off`, or the client option):
//! * `warn`: a call that fails on a transient error the client gave up on
//!   (retries exhausted, `Retry-After` too long, a write that may have
//!   reached the server).
//! * `info`: one line per attempt: method, path, query keys, status,
//!   duration, attempt number, retry decision, `actionId`, error code.
//! * `debug`: also the request and response bodies, truncated to
//!   [`MAX_BODY_CHARS`] and redacted (secret-looking JSON fields).
//!
//! What is never logged: the API key (it only travels in a header, header
//! values are not logged, and any occurrence of the key in a logged text is
//! replaced by `****`), webhook secrets and passwords (JSON fields whose name
//! says so are replaced by `"****"`).
//!
//! When logging is off (the default) an attempt costs one integer
//! comparison and one `tracing` interest check; nothing is formatted.

use std::fmt;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::client::Body;
use crate::config::ApiKey;
use crate::error::Error;
use crate::models::Envelope;
use crate::routes::Method;

/// Environment variable selecting the log level: `debug`, `info`, `warn` or `off`.
pub const ENV_LOG: &str = "CMR_LOG";

/// Bodies are cut after this many characters in debug lines.
pub const MAX_BODY_CHARS: usize = 2048;

/// How much the client logs. Ordered: `Off < Warn < Info < Debug`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum LogLevel {
    #[default]
    Off,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    /// Parse `debug|info|warn|off` (case-insensitive; `trace` = debug,
    /// `warning`/`error` = warn, `none`/empty = off).
    pub fn parse(s: &str) -> Option<LogLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "debug" | "trace" => Some(LogLevel::Debug),
            "info" => Some(LogLevel::Info),
            "warn" | "warning" | "error" => Some(LogLevel::Warn),
            "off" | "none" | "" => Some(LogLevel::Off),
            _ => None,
        }
    }

    /// The level `CMR_LOG` asks for; unset or unknown values mean off.
    pub fn from_env() -> LogLevel {
        std::env::var(ENV_LOG).ok().and_then(|v| LogLevel::parse(&v)).unwrap_or(LogLevel::Off)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One log line: a level (never `Off`), a human-readable message, and the
/// same facts as structured fields (`method`, `path`, `query`, `status`,
/// `duration_ms`, `attempt`, `retry`, `action_id`, `code`, `body`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    pub level: LogLevel,
    pub message: String,
    pub fields: Vec<(&'static str, String)>,
}

impl LogRecord {
    /// The value of a field, if present.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }
}

/// Receives the client's log records. Called on the runtime's threads, in
/// order for one request; must not block for long.
pub trait LogSink: Send + Sync {
    fn log(&self, record: &LogRecord);
}

impl<F: Fn(&LogRecord) + Send + Sync> LogSink for F {
    fn log(&self, record: &LogRecord) {
        self(record)
    }
}

/// Writes `cmr <level> <message>` lines to stderr (used when logging is on
/// and no sink was given). Write errors are ignored.
#[derive(Debug, Clone, Copy, Default)]
pub struct StderrSink;

impl LogSink for StderrSink {
    fn log(&self, record: &LogRecord) {
        let _ = writeln!(std::io::stderr().lock(), "cmr {}: {}", record.level, record.message);
    }
}

/// The client's logging settings: a level and a sink.
#[derive(Clone, Default)]
pub(crate) struct Logger {
    level: LogLevel,
    sink: Option<Arc<dyn LogSink>>,
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger").field("level", &self.level).field("sink", &self.sink.is_some()).finish()
    }
}

/// What the client decided after an attempt.
pub(crate) enum Decision<'a> {
    /// The attempt succeeded.
    Done,
    /// The attempt failed and will be retried after this delay.
    Retry(Duration),
    /// The attempt failed and the error is returned; why not retried.
    GiveUp(&'a str),
}

impl Logger {
    pub(crate) fn new(level: LogLevel, sink: Option<Arc<dyn LogSink>>) -> Logger {
        let sink = match (level, sink) {
            (LogLevel::Off, s) => s,
            (_, None) => Some(Arc::new(StderrSink) as Arc<dyn LogSink>),
            (_, s) => s,
        };
        Logger { level, sink }
    }

    #[inline]
    fn sink_wants(&self, level: LogLevel) -> bool {
        level <= self.level && self.level != LogLevel::Off
    }

    #[inline]
    fn tracing_wants(level: LogLevel) -> bool {
        match level {
            LogLevel::Off => false,
            LogLevel::Warn => tracing::enabled!(target: "cmr", tracing::Level::WARN),
            LogLevel::Info => tracing::enabled!(target: "cmr", tracing::Level::INFO),
            LogLevel::Debug => tracing::enabled!(target: "cmr", tracing::Level::DEBUG),
        }
    }

    /// Does a successful attempt produce a log line (its status and
    /// `actionId`, at debug its body)?
    pub(crate) fn logs_answers(&self) -> bool {
        self.wants(LogLevel::Info)
    }

    #[inline]
    fn wants(&self, level: LogLevel) -> bool {
        self.sink_wants(level) || Self::tracing_wants(level)
    }

    fn emit(&self, key: &ApiKey, mut record: LogRecord) {
        // The key is only ever sent in a header, but a server (or a caller
        // passing it as an id) could echo it: scrub every logged text.
        let k = key.expose();
        if !k.is_empty() {
            if record.message.contains(k) {
                record.message = record.message.replace(k, "****");
            }
            for (_, v) in record.fields.iter_mut() {
                if v.contains(k) {
                    *v = v.replace(k, "****");
                }
            }
        }
        let msg = record.message.as_str();
        match record.level {
            LogLevel::Off => return,
            LogLevel::Warn => tracing::warn!(target: "cmr", "{msg}"),
            LogLevel::Info => tracing::info!(target: "cmr", "{msg}"),
            LogLevel::Debug => tracing::debug!(target: "cmr", "{msg}"),
        }
        if self.sink_wants(record.level) {
            if let Some(s) = &self.sink {
                s.log(&record);
            }
        }
    }

    /// Log one attempt's outcome and the decision taken after it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn attempt(
        &self,
        key: &ApiKey,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: &Body,
        attempt: u32,
        elapsed: Duration,
        result: std::result::Result<&Envelope, &Error>,
        decision: Decision<'_>,
    ) {
        let level = match (&result, &decision) {
            (Err(e), Decision::GiveUp(_)) if is_transient(e) => LogLevel::Warn,
            _ => LogLevel::Info,
        };
        let debug = self.wants(LogLevel::Debug);
        if !debug && !self.wants(level) {
            return;
        }
        let m = method.as_str();
        let keys: Vec<&str> = query.iter().map(|(k, _)| *k).collect();
        let query_keys = keys.join(",");
        let number = attempt + 1;
        let ms = elapsed.as_secs_f64() * 1000.0;

        if debug {
            let mut fields = vec![("method", m.to_string()), ("path", path.to_string())];
            let mut line = format!("request {m} {path}");
            if !query.is_empty() {
                let q = query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
                line.push('?');
                line.push_str(&q);
                fields.push(("query", q));
            }
            line.push_str(&format!(" (attempt {number})"));
            fields.push(("attempt", number.to_string()));
            if let Some(b) = body_text(body) {
                line.push_str(": ");
                line.push_str(&b);
                fields.push(("body", b));
            }
            self.emit(key, LogRecord { level: LogLevel::Debug, message: line, fields });
        }

        let mut fields: Vec<(&'static str, String)> = vec![("method", m.to_string()), ("path", path.to_string())];
        if !query_keys.is_empty() {
            fields.push(("query", query_keys.clone()));
        }
        let shown_path = if query_keys.is_empty() { path.to_string() } else { format!("{path}?{query_keys}") };
        let mut line = format!("{m} {shown_path}");
        let status = match result {
            Ok(env) => Some(env.status.filter(|s| (200..300).contains(s)).unwrap_or(200)),
            Err(e) => e.status(),
        };
        match (status, result) {
            (Some(s), _) => {
                line.push_str(&format!(" -> {s}"));
                fields.push(("status", s.to_string()));
            }
            (None, Err(e)) => line.push_str(&format!(" -> {}", e.code())),
            (None, Ok(_)) => {}
        }
        line.push_str(&format!(" in {ms:.1} ms (attempt {number})"));
        fields.push(("duration_ms", format!("{ms:.1}")));
        fields.push(("attempt", number.to_string()));
        match result {
            Ok(env) => {
                if let Some(a) = env.action_id() {
                    line.push_str(&format!(" actionId={a}"));
                    fields.push(("action_id", a.to_string()));
                }
            }
            Err(e) => {
                line.push_str(&format!(" {}: {}", e.code(), e.message()));
                fields.push(("code", e.code().to_string()));
            }
        }
        match decision {
            Decision::Done => {}
            Decision::Retry(d) => {
                let ms = d.as_secs_f64() * 1000.0;
                line.push_str(&format!("; retrying in {ms:.0} ms"));
                fields.push(("retry", format!("in {ms:.0} ms")));
            }
            Decision::GiveUp(why) => {
                line.push_str(&format!("; not retried: {why}"));
                fields.push(("retry", format!("no: {why}")));
            }
        }
        let response_body = if debug {
            match result {
                Ok(env) => serde_json::to_value(env).ok().map(|v| truncate(redact(v).to_string())),
                Err(e) => e.body().map(|b| match serde_json::from_str::<Value>(b) {
                    Ok(v) => truncate(redact(v).to_string()),
                    Err(_) => truncate(b.to_string()),
                }),
            }
        } else {
            None
        };
        if self.wants(level) {
            self.emit(key, LogRecord { level, message: line, fields: fields.clone() });
        }
        if let Some(b) = response_body {
            let mut f = vec![("method", m.to_string()), ("path", path.to_string())];
            if let Some(s) = status {
                f.push(("status", s.to_string()));
            }
            f.push(("attempt", number.to_string()));
            let message = format!("response {m} {path} (attempt {number}): {b}");
            f.push(("body", b));
            self.emit(key, LogRecord { level: LogLevel::Debug, message, fields: f });
        }
    }
}

/// Errors worth a warning when the client gives up on them.
fn is_transient(e: &Error) -> bool {
    use crate::error::ErrorKind::*;
    matches!(e.kind(), RateLimited | Network | Timeout | Server)
}

/// The request body as logged: JSON redacted and truncated; multipart as
/// its field names and file names/sizes (file bytes are never logged).
fn body_text(body: &Body) -> Option<String> {
    match body {
        Body::None => None,
        Body::Json(v) => Some(truncate(redact(v.clone()).to_string())),
        Body::Multipart(fields, files) => {
            let mut parts: Vec<String> = fields.iter().map(|(k, _)| format!("{k}=…")).collect();
            parts.extend(files.iter().map(|f| format!("{}=<{} bytes {}>", f.key, f.data.len(), f.content_type)));
            Some(truncate(format!("multipart [{}]", parts.join(", "))))
        }
    }
}

/// Does a JSON field name suggest a secret (password, webhook secret, key, token)?
fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["secret", "password", "apikey", "api_key", "token", "authorization"].iter().any(|s| n.contains(s))
}

/// Replace the values of secret-looking fields, at any depth.
pub(crate) fn redact(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    if is_secret_name(&k) && !v.is_null() {
                        (k, Value::String("****".into()))
                    } else {
                        (k, redact(v))
                    }
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(redact).collect()),
        other => other,
    }
}

/// Cut `s` after [`MAX_BODY_CHARS`] characters (on a char boundary).
pub(crate) fn truncate(s: String) -> String {
    match s.char_indices().nth(MAX_BODY_CHARS) {
        None => s,
        Some((i, _)) => format!("{}… ({} more bytes)", &s[..i], s.len() - i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn levels_parse_and_order() {
        assert_eq!(LogLevel::parse("DEBUG"), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse(" info "), Some(LogLevel::Info));
        assert_eq!(LogLevel::parse("warning"), Some(LogLevel::Warn));
        assert_eq!(LogLevel::parse("off"), Some(LogLevel::Off));
        assert_eq!(LogLevel::parse("loud"), None);
        assert!(LogLevel::Off < LogLevel::Warn && LogLevel::Warn < LogLevel::Info && LogLevel::Info < LogLevel::Debug);
    }

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let v = redact(json!({"a": 1, "webhookSecret": "s", "items": [{"password": "p", "appPassword": "q", "x": "y"}]}));
        assert_eq!(v, json!({"a": 1, "webhookSecret": "****", "items": [{"password": "****", "appPassword": "****", "x": "y"}]}));
    }

    #[test]
    fn truncation_is_bounded_and_char_safe() {
        let s = "é".repeat(MAX_BODY_CHARS + 10);
        let t = truncate(s);
        assert!(t.starts_with(&"é".repeat(MAX_BODY_CHARS)));
        assert!(t.ends_with("(20 more bytes)"), "{t}");
        assert_eq!(truncate("short".into()), "short");
    }
}
