//! `bindings/uniffi/swift/Sources/Cmr/Redaction.swift`: what Swift's
//! `dump()` and `Mirror` show of the records that hold credentials.
//!
//! `print`, `"\(x)"` and `String(describing:)` use the record's
//! `debugDescription`, the core's redacted `Debug`. `dump()` and other
//! reflection read the stored properties instead, so every record with an
//! `x-secret` property gets a `CustomReflectable` conformance that shows its
//! fields in declaration order (`x-field-order`), the secret ones as
//! `"<redacted>"` when set. The values stay readable as properties.

use serde_json::Value;

/// The records with credentials: `(name, [(swift field, secret)])`.
fn records() -> Vec<(String, Vec<(String, bool)>)> {
    let mut out = Vec::new();
    for (name, def) in crate::ts::definitions(schemars::generate::Contract::Deserialize) {
        let Some(props) = def.get("properties").and_then(Value::as_object) else { continue };
        let secret = |json: &str| props.get(json).and_then(|p| p.get("x-secret")) == Some(&Value::Bool(true));
        if !props.keys().any(|k| secret(k)) {
            continue;
        }
        let order = def
            .get("x-field-order")
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{name} holds credentials but has no x-field-order"));
        let fields = order
            .iter()
            .filter_map(Value::as_str)
            .map(|f| (crate::names::lower_camel(f), secret(&crate::names::camel(f))))
            .collect();
        out.push((name, fields));
    }
    out
}

pub fn render() -> String {
    let mut s = format!(
        "// {}: `cargo run -p cmr-codegen -- write` (crates/cmr-codegen/src/swift.rs).\n\
         // `dump()` and `Mirror` of the records that hold credentials: every field in\n\
         // declaration order, the credentials as \"<redacted>\" when set (`print` and\n\
         // string interpolation use `debugDescription`, the core's redacted `Debug`).\n\
         import Foundation\n\n\
         /// What reflection shows of a credential: `\"<redacted>\"` when set.\n\
         func redactedForMirror(_ value: String?) -> Any {{\n    \
         value == nil ? Optional<String>.none as Any : \"<redacted>\"\n}}\n",
        crate::GENERATED
    );
    for (name, fields) in records() {
        s.push_str(&format!("\nextension {name}: CustomReflectable {{\n    public var customMirror: Mirror {{\n"));
        s.push_str("        Mirror(self, children: [\n");
        for (f, secret) in &fields {
            let value = if *secret { format!("redactedForMirror({f})") } else { format!("{f} as Any") };
            s.push_str(&format!("            \"{f}\": {value},\n"));
        }
        s.push_str("        ], displayStyle: .struct)\n    }\n}\n");
    }
    s
}

#[cfg(test)]
mod tests {
    /// Every record the Python `repr` and the Rust `Debug` redact is covered.
    #[test]
    fn every_record_with_credentials_is_covered() {
        let names: Vec<String> = super::records().into_iter().map(|(n, _)| n).collect();
        for n in ["MailboxAdminDetails", "MailboxEvent", "PlatformLogin", "PrewarmedMailbox"] {
            assert!(names.iter().any(|m| m == n), "{n} missing from {names:?}");
        }
        let out = super::render();
        assert!(out.contains("\"password\": redactedForMirror(password),"), "{out}");
        assert!(out.contains("\"mailboxId\": mailboxId as Any,"), "{out}");
    }
}
