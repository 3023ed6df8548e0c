//! The client's request log, forwarded to a Kotlin/Swift callback.

use std::collections::HashMap;
use std::sync::Arc;

/// One line of the client's request log (see `docs/kotlin.md`, "Logging").
/// `fields`: method, path, query (keys), status, duration_ms, attempt,
/// retry, action_id, code, body (debug only). Never the API key.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CmrLogRecord {
    pub level: cmr::LogLevel,
    pub message: String,
    pub fields: HashMap<String, String>,
}

/// Receives the client's log lines: implement it in Kotlin/Swift to forward
/// them to Logcat, `os.Logger`, SLF4J... Called on the client's worker
/// threads; keep it quick and do not throw.
#[uniffi::export(foreign)]
pub trait CmrLogger: Send + Sync {
    fn log(&self, record: CmrLogRecord);
}

pub(crate) struct ForeignSink(pub(crate) Arc<dyn CmrLogger>);

impl cmr::LogSink for ForeignSink {
    fn log(&self, r: &cmr::LogRecord) {
        let record = CmrLogRecord {
            level: r.level,
            message: r.message.clone(),
            fields: r.fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        };
        // A callback that throws must not fail the request being logged.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.0.log(record)));
    }
}

