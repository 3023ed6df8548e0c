//! Output: `--json` prints the typed result serialised as JSON; otherwise a
//! human table built from the same value.

use comfy_table::{presets, ContentArrangement, Table};
use serde_json::{Map, Value};

/// Print a result.
pub fn print(op: &str, v: &Value, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()));
    } else {
        print!("{}", human(op, v));
    }
}

/// The model an operation's rows are: its result type from the route table,
/// without `Page<..>`, `Vec<..>` or `Option<..>` (`Page<User>` -> `User`).
fn row_type(op: &str) -> &'static str {
    let mut t = cmr::routes::signature(op).map_or("", |s| s.response);
    for wrapper in ["Page<", "Vec<", "Option<"] {
        if let Some(inner) = t.strip_prefix(wrapper).and_then(|r| r.strip_suffix('>')) {
            t = inner;
        }
    }
    t
}

/// Preferred columns per row model (others fall back to the first scalar fields).
fn columns_for(op: &str) -> &'static [&'static str] {
    match row_type(op) {
        "User" => &["id", "email", "company", "firstName", "lastName", "country", "createdAt"],
        "Country" | "State" => &["name", "code"],
        "Domain" => &["domainId", "domainName", "status", "expiryDate", "autoRenew", "subscriptionId"],
        "DomainAvailability" => &["domain", "available", "price", "renewalPrice", "currency", "reason"],
        "DomainRenewalItem" | "DomainRenewResult" => &["domainName", "years", "renewalPrice", "expireOn", "autoRenew", "error"],
        "DomainAutoRenew" => &["domainName", "domain", "autoRenew", "error"],
        "DnsRecords" | "DnsRecord" => &["recordId", "host", "recordType", "value", "priority", "ttl"],
        "Mailbox" => &["mailboxId", "email", "status", "domain", "serviceProvider", "firstName", "lastName", "subscriptionId"],
        "Subscription" => &["subscriptionId", "domain", "subscriptionStatus", "totalMailboxQuantity", "autoRenew", "periodEnd", "userId"],
        "PrewarmupDomain" => &["domain", "serviceProvider", "purchasePrice", "renewalPrice", "preWarmedUpMailboxes"],
        "PlatformConnection" => &["app", "connected", "credentials"],
        _ => &[],
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(_) | Value::Number(_) => v.to_string(),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            a.iter().map(cell).collect::<Vec<_>>().join(", ")
        }
        Value::Array(a) => format!("[{} items]", a.len()),
        Value::Object(_) => {
            let s = v.to_string();
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(59).collect::<String>())
            } else {
                s
            }
        }
    }
}

fn new_table() -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t
}

/// A table of objects: preferred columns when present, else the first scalar fields.
fn objects_table(op: &str, items: &[Value]) -> String {
    if items.is_empty() {
        return "(none)\n".to_string();
    }
    if !items.iter().all(Value::is_object) {
        return items.iter().map(|i| format!("{}\n", cell(i))).collect();
    }
    let mut cols: Vec<String> = columns_for(op)
        .iter()
        .filter(|c| items.iter().any(|i| i.get(**c).is_some_and(|v| !v.is_null())))
        .map(|c| c.to_string())
        .collect();
    if cols.is_empty() {
        for i in items {
            for (k, v) in i.as_object().unwrap() {
                if !v.is_object() && !cols.contains(k) && cols.len() < 8 {
                    cols.push(k.clone());
                }
            }
        }
    }
    let mut t = new_table();
    t.set_header(cols.clone());
    for i in items {
        t.add_row(cols.iter().map(|c| cell(i.get(c).unwrap_or(&Value::Null))).collect::<Vec<_>>());
    }
    format!("{t}\n")
}

fn kv_table(m: &Map<String, Value>) -> String {
    let mut t = new_table();
    let mut any = false;
    for (k, v) in m {
        if v.is_null() || is_object_list(v) {
            continue;
        }
        t.add_row(vec![k.clone(), cell(v)]);
        any = true;
    }
    if any {
        format!("{t}\n")
    } else {
        String::new()
    }
}

fn is_object_list(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_object))
}

fn is_page(m: &Map<String, Value>) -> bool {
    m.get("items").is_some_and(Value::is_array) && m.contains_key("currentPage")
}

/// The human rendering of a result.
pub fn human(op: &str, v: &Value) -> String {
    match v {
        Value::Array(items) => objects_table(op, items),
        Value::Object(m) if is_page(m) => {
            let items = m["items"].as_array().cloned().unwrap_or_default();
            let mut out = objects_table(op, &items);
            let mut footer = format!("page {}", m["currentPage"]);
            if let Some(tp) = m.get("totalPages").and_then(Value::as_u64) {
                footer.push_str(&format!(" of {tp}"));
            }
            if let Some(tc) = m.get("totalCount").and_then(Value::as_u64) {
                footer.push_str(&format!(", {tc} in total"));
            }
            match m.get("nextPage").and_then(Value::as_u64) {
                Some(n) => footer.push_str(&format!("; next: --page {n} (or --all)")),
                None => footer.push_str("; last page"),
            }
            out.push_str(&footer);
            out.push('\n');
            out
        }
        Value::Object(m) => {
            let mut out = kv_table(m);
            for (k, v) in m {
                if let Value::Array(a) = v {
                    if is_object_list(v) || (a.is_empty() && (k.ends_with("ecords") || k == "results")) {
                        out.push_str(&format!("{k}:\n"));
                        out.push_str(&objects_table(op, a));
                    }
                }
            }
            if out.is_empty() {
                out.push_str("ok\n");
            }
            out
        }
        Value::Null => "ok\n".to_string(),
        other => format!("{}\n", cell(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_from_the_result_type_in_the_route_table() {
        assert_eq!(row_type("users.list"), "User");
        assert_eq!(row_type("dns.find"), "DnsRecord");
        assert_eq!(columns_for("users.list"), columns_for("users.get"));
        assert_eq!(columns_for("prewarmup.sandbox_list"), columns_for("prewarmup.list"));
        assert_eq!(columns_for("mailboxes.list_all")[0], "mailboxId");
        assert!(columns_for("wallet.get").is_empty());
        assert!(columns_for("no.such_op").is_empty());
    }
}
