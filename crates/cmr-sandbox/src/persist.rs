//! Optional persistence: a JSON snapshot of the world in one SQLite row,
//! written after every mutation and read on start.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::state::World;

pub fn open(path: &Path) -> Result<(Connection, Option<World>), String> {
    let conn = Connection::open(path).map_err(|e| format!("open {}: {e}", path.display()))?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, saved_at TEXT NOT NULL);",
    )
    .map_err(|e| format!("prepare {}: {e}", path.display()))?;
    let json: Option<String> = conn
        .query_row("SELECT json FROM snapshot WHERE id = 1", [], |r| r.get(0))
        .optional()
        .map_err(|e| format!("read {}: {e}", path.display()))?;
    let world = match json {
        Some(j) => Some(serde_json::from_str(&j).map_err(|e| format!("{} holds an unreadable state: {e}", path.display()))?),
        None => None,
    };
    Ok((conn, world))
}

pub fn save(conn: &Connection, w: &World) -> Result<(), String> {
    let json = serde_json::to_string(w).map_err(|e| e.to_string())?;
    conn.execute(
        "INSERT INTO snapshot (id, json, saved_at) VALUES (1, ?1, datetime('now'))
         ON CONFLICT(id) DO UPDATE SET json = excluded.json, saved_at = excluded.saved_at",
        params![json],
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}
