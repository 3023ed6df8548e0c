//! Name conversions and schema helpers shared by the generators.

use serde_json::Value;

/// JSON names whose snake_case name is not the plain conversion, as
/// `(json, snake)` (the inverse of `_SPECIAL_JSON_NAMES` in `_base.py`).
pub const SPECIAL_NAMES: &[(&str, &str)] = &[("excludedDMARCtags", "excluded_dmarc_tags")];

/// camelCase -> snake_case: `_` before each capital ([`SPECIAL_NAMES`] first).
pub fn snake(camel: &str) -> String {
    if let Some((_, s)) = SPECIAL_NAMES.iter().find(|(c, _)| *c == camel) {
        return s.to_string();
    }
    let mut out = String::new();
    for ch in camel.chars() {
        if ch.is_ascii_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// snake_case -> camelCase (`check_availability` -> `checkAvailability`,
/// what uniffi and the JSON show; [`SPECIAL_NAMES`] first).
pub fn camel(snake: &str) -> String {
    if let Some((c, _)) = SPECIAL_NAMES.iter().find(|(_, s)| *s == snake) {
        return c.to_string();
    }
    lower_camel(snake)
}

/// snake_case -> lowerCamelCase by the plain rule only (what uniffi names a
/// Rust field in Kotlin and Swift, special JSON spellings or not).
pub fn lower_camel(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for ch in snake.chars() {
        if ch == '_' {
            up = !out.is_empty();
        } else if up {
            out.push(ch.to_ascii_uppercase());
            up = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// snake_case -> PascalCase (`check_availability` -> `CheckAvailability`).
pub fn pascal(snake: &str) -> String {
    let c = camel(snake);
    let mut it = c.chars();
    it.next().map(|f| f.to_ascii_uppercase().to_string() + it.as_str()).unwrap_or_default()
}

/// The schema without its `null` alternative, and whether it had one.
pub fn non_null(s: &Value) -> (Value, bool) {
    if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
        let rest: Vec<&Value> = any.iter().filter(|v| v.get("type").and_then(Value::as_str) != Some("null")).collect();
        if rest.len() < any.len() && rest.len() == 1 {
            return (rest[0].clone(), true);
        }
    }
    if let Some(Value::Array(types)) = s.get("type") {
        let rest: Vec<&Value> = types.iter().filter(|t| t.as_str() != Some("null")).collect();
        if rest.len() < types.len() {
            let mut s = s.clone();
            s["type"] = if rest.len() == 1 { rest[0].clone() } else { Value::Array(rest.into_iter().cloned().collect()) };
            return (s, true);
        }
    }
    (s.clone(), false)
}
