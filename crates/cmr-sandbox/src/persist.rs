//! Optional persistence: a JSON snapshot of the world in one SQLite row,
//! read on start and written by the background saver (see `lib.rs`) after
//! mutations, and on shutdown.
//!
//! Every save opens the file anew: a data file (or directory) that was
//! removed or became unusable makes the save fail, visibly, instead of
//! writing to an unlinked inode that no later start will ever read.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::state::World;

fn connect(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| format!("open {}: {e}", path.display()))?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, saved_at TEXT NOT NULL);",
    )
    .map_err(|e| format!("prepare {}: {e}", path.display()))?;
    Ok(conn)
}

/// Check the file is usable and read the saved world, if any.
pub fn open(path: &Path) -> Result<Option<World>, String> {
    let conn = connect(path)?;
    let json: Option<String> = conn
        .query_row("SELECT json FROM snapshot WHERE id = 1", [], |r| r.get(0))
        .optional()
        .map_err(|e| format!("read {}: {e}", path.display()))?;
    match json {
        Some(j) => serde_json::from_str(&j).map(Some).map_err(|e| format!("{} holds an unreadable state: {e}", path.display())),
        None => Ok(None),
    }
}

/// Write `json` (a serialized world) as the snapshot.
pub fn save(path: &Path, json: &str) -> Result<(), String> {
    let conn = connect(path)?;
    conn.execute(
        "INSERT INTO snapshot (id, json, saved_at) VALUES (1, ?1, datetime('now'))
         ON CONFLICT(id) DO UPDATE SET json = excluded.json, saved_at = excluded.saved_at",
        params![json],
    )
    .map(|_| ())
    .map_err(|e| format!("write {}: {e}", path.display()))
}

/// How long the saver waits after the first change before saving, so that
/// a burst of mutations costs one write.
pub const SAVE_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(50);
/// Retry delays after a failed save: doubling from the first to the last.
pub const RETRY_FIRST: std::time::Duration = std::time::Duration::from_millis(100);
pub const RETRY_MAX: std::time::Duration = std::time::Duration::from_secs(2);

/// The background saver: waits for `Shared::request_save`, debounces, and
/// writes the world on the blocking pool, so no request waits for the disk.
/// A failed save leaves the world dirty and is retried with a growing delay
/// until it succeeds; the failure is visible in `GET /__sandbox/health`.
/// Runs until aborted (by `Sandbox::shutdown`/drop, which then saves once more).
pub async fn saver(shared: std::sync::Arc<crate::state::Shared>) {
    let mut retry: Option<std::time::Duration> = None;
    loop {
        match retry {
            None => {
                shared.save_signal.notified().await;
                tokio::time::sleep(SAVE_DEBOUNCE).await;
            }
            Some(d) => tokio::time::sleep(d).await,
        }
        let s = shared.clone();
        let result = tokio::task::spawn_blocking(move || s.save_now(false)).await.unwrap_or_else(|e| {
            shared.world.lock().dirty = true;
            Err(format!("save task failed: {e}"))
        });
        match result {
            Ok(()) => {
                if retry.is_some() {
                    eprintln!("cmr-sandbox: the state is saved again");
                }
                retry = None;
            }
            Err(e) => {
                if retry.is_none() {
                    eprintln!("cmr-sandbox: could not persist the state (kept in memory, retrying): {e}");
                }
                retry = Some(retry.map_or(RETRY_FIRST, |d| (d * 2).min(RETRY_MAX)));
            }
        }
    }
}
