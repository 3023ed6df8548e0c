//! `node/src/models.ts`: one TypeScript interface per model and one open
//! string-literal union per enum, from the models' JSON Schemas (both serde
//! contracts: what the core accepts and what it sends back).
//!
//! Response models (open to unknown fields) keep them under an index
//! signature; a field the core always serialises is required, `null` when
//! absent. Request models: `Option` / `#[serde(default)]` fields are optional.

use schemars::generate::{Contract, SchemaSettings};
use serde_json::{Map, Value};

/// Every definition reachable from the route table and the webhook events.
pub fn definitions(contract: Contract) -> Map<String, Value> {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.contract = contract;
    let mut g = schemars::SchemaGenerator::new(settings);
    for op in cmr::routes::ALL.iter().map(|r| r.op).chain(cmr::routes::COMPOSITE.iter().map(|c| c.op)) {
        cmr::routes::schemas(op, &mut g);
    }
    crate::openapi::event_schemas(&mut g);
    // Wire bodies the core builds from plain arguments (no operation takes
    // them as a model); the Node client names them in its signatures.
    g.subschema_for::<cmr::models::CheckAvailability>();
    g.subschema_for::<cmr::models::RemoveDomains>();
    g.subschema_for::<cmr::models::ReexportMailbox>();
    g.take_definitions(true)
}

const SKIP: &[&str] = &["Envelope", "Extra"];

fn is_null(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("null")
}

/// The TypeScript type of a schema; `nullable` false drops its `null`.
fn ts(s: &Value, nullable: bool) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or("unknown").to_string();
    }
    if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
        let (nulls, rest): (Vec<&Value>, Vec<&Value>) = any.iter().partition(|v| is_null(v));
        let mut t: Vec<String> = rest.iter().map(|v| ts(v, true)).collect();
        if nullable && !nulls.is_empty() {
            t.push("null".into());
        }
        return t.join(" | ");
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => return "unknown".into(),
    };
    let mut out = Vec::new();
    for t in &types {
        out.push(match *t {
            "string" => "string".to_string(),
            "integer" | "number" => "number".to_string(),
            "boolean" => "boolean".to_string(),
            "array" => {
                let it = ts(s.get("items").unwrap_or(&Value::Null), true);
                if it.contains(' ') { format!("Array<{it}>") } else { format!("{it}[]") }
            }
            "object" => match s.get("additionalProperties") {
                Some(v @ Value::Object(_)) => format!("Record<string, {}>", ts(v, true)),
                _ => "Record<string, unknown>".to_string(),
            },
            "null" if nullable => "null".to_string(),
            _ => continue,
        });
    }
    out.join(" | ")
}

fn doc(text: Option<&str>, indent: usize) -> String {
    let lines: Vec<&str> = text.unwrap_or("").lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let pad = " ".repeat(indent);
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("{pad}/** {one} */\n"),
        many => {
            let mut s = format!("{pad}/**\n");
            for l in many {
                s.push_str(&format!("{pad} * {l}\n"));
            }
            s.push_str(&format!("{pad} */\n"));
            s
        }
    }
}

fn required(s: &Value) -> Vec<&str> {
    s.get("required").and_then(Value::as_array).map(|v| v.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

fn nullable(s: &Value) -> bool {
    match s.get("type") {
        Some(Value::Array(a)) => a.iter().any(|t| t == "null"),
        _ => s.get("anyOf").and_then(Value::as_array).is_some_and(|a| a.iter().any(is_null)),
    }
}

pub fn render() -> String {
    let de = definitions(Contract::Deserialize);
    let ser = definitions(Contract::Serialize);
    let mut out = format!(
        "// {}: `cargo run -p cmr-codegen -- write`, from the JSON Schemas of\n\
         // crates/cmr/src/models and webhooks.rs. Change the Rust model, then regenerate.\n\
         /* eslint-disable */\n",
        super::GENERATED
    );
    for (name, d) in &de {
        if SKIP.contains(&name.as_str()) || name.starts_with("Page") {
            continue;
        }
        out.push('\n');
        if d.get("x-open-enum").is_some() {
            let values: Vec<String> = d["anyOf"][0]["enum"]
                .as_array()
                .map(|v| v.iter().filter_map(Value::as_str).map(|s| format!("'{s}'")).collect())
                .unwrap_or_default();
            out.push_str(&doc(d.get("description").and_then(Value::as_str), 0));
            out.push_str(&format!("export type {name} = {} | (string & {{}});\n", values.join(" | ")));
            continue;
        }
        let s = ser.get(name).unwrap_or(d);
        let is_response = d.get("additionalProperties") == Some(&Value::Bool(true));
        let (de_req, ser_req) = (required(d), required(s));
        out.push_str(&doc(d.get("description").and_then(Value::as_str), 0));
        out.push_str(&format!("export interface {name} {{\n"));
        let empty = Map::new();
        for (field, fs) in d.get("properties").and_then(Value::as_object).unwrap_or(&empty) {
            let always_sent = ser_req.contains(&field.as_str());
            let decl = if is_response {
                if always_sent { format!("{field}: {}", ts(fs, true)) } else { format!("{field}?: {}", ts(fs, false)) }
            } else if de_req.contains(&field.as_str()) {
                format!("{field}: {}", ts(fs, true))
            } else if nullable(fs) && always_sent {
                format!("{field}?: {}", ts(fs, true))
            } else {
                format!("{field}?: {}", ts(fs, false))
            };
            out.push_str(&doc(fs.get("description").and_then(Value::as_str), 2));
            out.push_str(&format!("  {decl};\n"));
        }
        if is_response {
            out.push_str("  /** Fields this SDK version does not model yet (kept, never dropped). */\n");
            out.push_str("  [key: string]: unknown;\n");
        }
        out.push_str("}\n");
    }
    out
}
