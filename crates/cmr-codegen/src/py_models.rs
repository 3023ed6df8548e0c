//! `python/coldmailreseller/_models.py` and `_model_names.py`: one dataclass
//! per model and one `StrEnum` per open enum, from the models' JSON Schemas
//! (`Contract::Deserialize`: what the core accepts).
//!
//! - **Which models**: every one reachable from an operation's result, its
//!   JSON arguments, the fields of its request model (not the request model
//!   itself: Python takes its fields as keyword arguments) and the webhook
//!   payloads. Enums first, then the models in sections by resource (the
//!   first operation of `routes::ALL` / `routes::COMPOSITE` that reaches
//!   them), each after the models it names; webhook payloads last.
//! - **Fields** in the Rust declaration order (`x-field-order` of the schema),
//!   named as in Rust. A field is required when the core requires it and it
//!   is not a list or map; otherwise its default is the schema's `default`,
//!   else `None` when nullable, else the type's zero. `_models_custom.py`'s
//!   `PY_DEFAULTS` gives Python-only defaults to fields Rust requires.
//! - **Types**: `$ref` enum -> `Union[E, str]` (unknown values stay `str`),
//!   `contentEncoding: base64` -> `bytes`, nullable -> `Optional`.
//! - **Docstrings** from the Rust doc comments (`description`), Markdown
//!   code spans as reST literals. **Secrets** (`x-secret`) go to
//!   `_secret_fields` (hidden in `repr`).
//! - The hand-written classes of `_models_custom.py` (`Envelope`) are
//!   imported and exported with the generated ones; `_model_names.py` lists
//!   the names the package exports (lazily), all but the webhook payloads
//!   (`coldmailreseller.webhooks` wraps those).

use crate::names::{camel, non_null, snake};
use std::collections::{BTreeMap, BTreeSet};

use cmr::routes::{self, ArgKind};
use schemars::generate::{Contract, SchemaSettings};
use serde_json::{Map, Value};

/// The hand-written part, from the repository root.
pub const CUSTOM: &str = "python/coldmailreseller/_models_custom.py";

fn ref_name(s: &Value) -> Option<&str> {
    s.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next())
}

fn is_enum(def: &Value) -> bool {
    def.get("x-open-enum").is_some()
}

/// Every `$ref` inside a schema, in document order.
fn refs<'a>(s: &'a Value, out: &mut Vec<&'a str>) {
    match s {
        Value::Object(m) => {
            if let Some(n) = ref_name(s) {
                out.push(n);
            }
            for (k, v) in m {
                if k != "$ref" {
                    refs(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Python names in declaration order, each with its JSON property name.
fn fields(name: &str, def: &Value) -> Vec<(String, String)> {
    let empty = Map::new();
    let props = def.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let Some(order) = def.get("x-field-order").and_then(Value::as_array) else {
        return props.keys().map(|p| (snake(p), p.clone())).collect();
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for f in order.iter().filter_map(Value::as_str) {
        if props.contains_key(&camel(f)) {
            out.push((f.to_string(), camel(f)));
        }
        // else: a flattened field (`extra`), not a property.
    }
    for p in props.keys() {
        assert!(
            out.iter().any(|(_, j)| j == p),
            "{name}.{p}: no Rust field of x-field-order is spelled so in JSON \
             (add the pair to names::SPECIAL_NAMES and to _SPECIAL_JSON_NAMES in _base.py)"
        );
    }
    out
}

/// The last section: the payloads `coldmailreseller.webhooks` wraps (not
/// exported by the package itself).
const WEBHOOKS: &str = "webhook payloads";

/// The placement of the models: enums, then (section, models) in order.
struct Layout {
    enums: Vec<String>,
    sections: Vec<(String, Vec<String>)>,
}

struct Walk<'a> {
    defs: &'a Map<String, Value>,
    placed: BTreeSet<String>,
    enums: Vec<String>,
    section: Vec<String>,
}

impl Walk<'_> {
    /// Place `name` after every model it names (depth first).
    fn visit(&mut self, name: &str) {
        if self.placed.contains(name) {
            return;
        }
        let Some(def) = self.defs.get(name) else { return };
        self.placed.insert(name.to_string());
        if is_enum(def) {
            self.enums.push(name.to_string());
            return;
        }
        let mut inner = Vec::new();
        refs(def, &mut inner);
        for r in inner {
            self.visit(r);
        }
        // Pages are the SDK's own types (`SyncPage`, `AsyncPage`), not models.
        if !name.starts_with("Page") {
            self.section.push(name.to_string());
        }
    }

    fn visit_schema(&mut self, s: &Value) {
        let mut inner = Vec::new();
        refs(s, &mut inner);
        for r in inner {
            self.visit(r);
        }
    }
}

fn layout(g: &mut schemars::SchemaGenerator) -> (Map<String, Value>, Layout) {
    let mut ops: Vec<(&str, &routes::Signature)> = routes::ALL.iter().map(|r| (r.op, &r.sig)).collect();
    ops.extend(routes::COMPOSITE.iter().map(|c| (c.op, &c.sig)));
    let schemas: Vec<_> = ops.iter().map(|(op, _)| routes::schemas(op, g).expect("every operation has schemas")).collect();
    let mut events = Vec::new();
    for name in cmr::webhooks::EVENT_NAMES {
        events.push(crate::openapi::event_schema(name, g));
    }
    let defs = g.definitions().clone();
    let mut walk = Walk { defs: &defs, placed: BTreeSet::new(), enums: Vec::new(), section: Vec::new() };
    let mut by_resource: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((op, sig), sch) in ops.iter().zip(&schemas) {
        for (a, s) in sig.args.iter().zip(&sch.args) {
            let s = s.as_value();
            match a.kind {
                // The request model itself is keyword arguments; the models it names are classes.
                ArgKind::Model(_) => match ref_name(s).and_then(|n| defs.get(n)) {
                    Some(def) => walk.visit_schema(def),
                    None => walk.visit_schema(s),
                },
                _ => walk.visit_schema(s),
            }
        }
        walk.visit_schema(sch.response.as_value());
        if let Some(d) = &sch.data {
            walk.visit_schema(d.as_value());
        }
        let resource = op.split_once('.').map_or("client", |(r, _)| r);
        by_resource.entry(resource.to_string()).or_default().append(&mut walk.section);
    }
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for (resource, _) in routes::RESOURCES {
        if let Some(models) = by_resource.remove(*resource) {
            sections.push((resource.to_string(), models));
        }
    }
    sections.extend(by_resource);
    for e in &events {
        walk.visit_schema(e.as_value());
    }
    sections.push((WEBHOOKS.into(), std::mem::take(&mut walk.section)));
    sections.retain(|(_, m)| !m.is_empty());
    let enums = walk.enums;
    (defs, Layout { enums, sections })
}

/// Rust doc text as a Python docstring body: Markdown code spans and
/// intra-doc links become reST literals.
fn rest(text: &str) -> String {
    let text = text.replace("[`", "`").replace("`]", "`");
    if text.contains("``") { text } else { text.replace('`', "``") }
}

fn docstring(text: &str, indent: &str) -> String {
    let text = rest(text.trim());
    assert!(!text.contains("\"\"\"") && !text.contains('\\'), "docstring needs escaping: {text}");
    let lines: Vec<String> =
        text.lines().enumerate().map(|(i, l)| if i == 0 || l.trim().is_empty() { l.trim().to_string() } else { format!("{indent}{}", l.trim()) }).collect();
    format!("{indent}\"\"\"{}\"\"\"\n", lines.join("\n"))
}

fn description(s: &Value) -> Option<&str> {
    s.get("description").and_then(Value::as_str).filter(|d| !d.trim().is_empty())
}

/// The member name of an enum value: `partial_failure` -> `PARTIAL_FAILURE`.
fn member(value: &str) -> String {
    let m: String = value.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    if m.starts_with(|c: char| c.is_ascii_digit()) { format!("_{m}") } else { m }
}

fn enum_values(def: &Value) -> Vec<String> {
    def["anyOf"][0]["enum"].as_array().map(|v| v.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default()
}

/// The Python annotation of a non-null schema.
fn py_type(s: &Value, defs: &Map<String, Value>) -> String {
    if let Some(name) = ref_name(s) {
        return if defs.get(name).is_some_and(is_enum) { format!("Union[{name}, str]") } else { name.to_string() };
    }
    match s.get("type").and_then(Value::as_str) {
        Some("string") if s.get("contentEncoding").and_then(Value::as_str) == Some("base64") => "bytes".into(),
        Some("string") => "str".into(),
        Some("integer") => "int".into(),
        Some("number") => "float".into(),
        Some("boolean") => "bool".into(),
        Some("array") => format!("list[{}]", py_type(&non_null(&s["items"]).0, defs)),
        Some("object") => match s.get("additionalProperties") {
            Some(v) if v.is_object() => format!("dict[str, {}]", py_type(&non_null(v).0, defs)),
            _ => "dict[str, Any]".into(),
        },
        _ => "Any".into(),
    }
}

fn optional(t: &str) -> String {
    match t.strip_prefix("Union[") {
        Some(inner) => format!("Union[{}, None]", &inner[..inner.len() - 1]),
        None if t == "Any" => t.to_string(),
        None => format!("Optional[{t}]"),
    }
}

/// A JSON default as a Python expression (`None` for a list or a map: a factory).
fn literal(v: &Value, base: &str, s: &Value, defs: &Map<String, Value>) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(text) => {
            if let Some(e) = ref_name(s).filter(|n| defs.get(*n).is_some_and(is_enum)) {
                if enum_values(&defs[e]).contains(text) {
                    return format!("{e}.{}", member(text));
                }
            }
            serde_json::to_string(text).unwrap_or_default()
        }
        Value::Array(a) if a.is_empty() => "field(default_factory=list)".into(),
        Value::Object(o) if o.is_empty() => "field(default_factory=dict)".into(),
        other => panic!("no Python literal for the default {other} of a {base}"),
    }
}

fn zero(base: &str) -> &'static str {
    match base {
        "str" => "\"\"",
        "int" => "0",
        "float" => "0.0",
        "bool" => "False",
        "bytes" => "b\"\"",
        b if b.starts_with("list[") => "field(default_factory=list)",
        b if b.starts_with("dict[") => "field(default_factory=dict)",
        _ => "None",
    }
}

/// `PY_DEFAULTS` of `_models_custom.py`: `"Model.field": <expression>,`, one a line.
fn custom_defaults(source: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut inside = false;
    for line in source.lines() {
        if line.starts_with("PY_DEFAULTS") {
            inside = true;
        } else if inside && line.starts_with('}') {
            break;
        } else if inside {
            let l = line.trim();
            if let Some((k, v)) = l.strip_prefix('"').and_then(|r| r.split_once("\":")) {
                out.insert(k.to_string(), v.trim().trim_end_matches(',').trim().to_string());
            }
        }
    }
    out
}

/// Top-level class names of `_models_custom.py`.
fn custom_classes(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.strip_prefix("class "))
        .map(|r| r.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>())
        .filter(|n| !n.starts_with('_'))
        .collect()
}

fn class(name: &str, def: &Value, defs: &Map<String, Value>, defaults: &mut BTreeMap<String, String>) -> String {
    let mut s = format!("\n\n@_m\nclass {name}(Model):\n");
    if let Some(d) = description(def) {
        s.push_str(&docstring(d, "    "));
    }
    let props = def.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    let required: Vec<&str> =
        def.get("required").and_then(Value::as_array).map(|v| v.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let fields = fields(name, def);
    let secrets: Vec<&str> =
        fields.iter().filter(|(_, j)| props[j].get("x-secret") == Some(&Value::Bool(true))).map(|(p, _)| p.as_str()).collect();
    if !secrets.is_empty() {
        if description(def).is_some() {
            s.push('\n');
        }
        let set: Vec<String> = secrets.iter().map(|f| format!("\"{f}\"")).collect();
        s.push_str(&format!("    _secret_fields: ClassVar[frozenset[str]] = frozenset({{{}}})\n", set.join(", ")));
    }
    if description(def).is_some() || !secrets.is_empty() {
        s.push('\n');
    }
    if fields.is_empty() {
        s.push_str("    pass\n");
    }
    for (py, json) in &fields {
        let ps = &props[json];
        let (inner, nullable) = non_null(ps);
        let base = py_type(&inner, defs);
        let ty = if nullable { optional(&base) } else { base.clone() };
        let collection = base.starts_with("list[") || base.starts_with("dict[");
        let default = if let Some(d) = defaults.remove(&format!("{name}.{py}")) {
            Some(d)
        } else if required.contains(&json.as_str()) && !collection {
            None
        } else if let Some(d) = ps.get("default") {
            Some(literal(d, &base, &inner, defs))
        } else if nullable {
            Some("None".into())
        } else {
            Some(zero(&base).to_string())
        };
        match default {
            Some(d) => s.push_str(&format!("    {py}: {ty} = {d}\n")),
            None => s.push_str(&format!("    {py}: {ty}\n")),
        }
        if let Some(d) = description(ps) {
            s.push_str(&docstring(d, "    "));
        }
    }
    s
}

fn enum_class(name: &str, def: &Value) -> String {
    let mut s = format!("\n\nclass {name}(StrEnum):\n");
    if let Some(d) = description(def) {
        s.push_str(&docstring(d, "    "));
        s.push('\n');
    }
    for v in enum_values(def) {
        s.push_str(&format!("    {} = {}\n", member(&v), serde_json::to_string(&v).unwrap_or_default()));
    }
    s
}

fn section(title: &str) -> String {
    format!("\n\n# {} {title}\n", "-".repeat(75))
}

/// `_models.py`, from the schemas and `_models_custom.py` on disk.
pub fn models_file() -> String {
    render(&std::fs::read_to_string(crate::root().join(CUSTOM)).unwrap_or_default()).0
}

/// `_model_names.py`, from the schemas and `_models_custom.py` on disk.
pub fn names_file() -> String {
    render(&std::fs::read_to_string(crate::root().join(CUSTOM)).unwrap_or_default()).1
}

/// (`_models.py`, `_model_names.py`), given the content of `_models_custom.py`.
pub fn render(custom_source: &str) -> (String, String) {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.contract = Contract::Deserialize;
    let mut g = schemars::SchemaGenerator::new(settings);
    let (defs, layout) = layout(&mut g);
    let mut defaults = custom_defaults(custom_source);
    let custom = custom_classes(custom_source);

    let mut body = section("enums");
    for e in &layout.enums {
        body.push_str(&enum_class(e, &defs[e]));
    }
    let mut names: Vec<String> = layout.enums.clone();
    for (title, models) in &layout.sections {
        body.push_str(&section(title));
        for m in models {
            body.push_str(&class(m, &defs[m], &defs, &mut defaults));
            if title != WEBHOOKS {
                names.push(m.clone());
            }
        }
    }
    assert!(defaults.is_empty(), "PY_DEFAULTS of {CUSTOM} names fields no model has: {:?}", defaults.keys());
    names.extend(custom.iter().cloned());

    let typing: Vec<&str> = ["Any", "ClassVar", "Optional", "Union"]
        .into_iter()
        .filter(|t| body.contains(&format!("{t}[")) || body.contains(&format!(" {t}\n")) || body.contains(&format!("{t}]")))
        .collect();
    let mut models = format!(
        "# {}: `cargo run -p cmr-codegen -- write`, from the JSON Schemas of\n\
         # crates/cmr/src/models and webhooks.rs. Change the Rust model, then regenerate;\n\
         # Python-only additions go in _models_custom.py.\n\
         \"\"\"Typed models of every operation (generated from ``crates/cmr/src/models``).\n\n\
         Attributes are snake_case; the JSON is the API's camelCase. Unknown fields\n\
         are kept in ``extra``; enum values this SDK does not know stay plain ``str``.\n\
         \"\"\"\n\n\
         from __future__ import annotations\n\n\
         from dataclasses import dataclass{}\n\
         from typing import {}\n\n\
         from ._base import Model, StrEnum\n",
        super::GENERATED,
        if body.contains("field(") { ", field" } else { "" },
        typing.join(", "),
    );
    if !custom.is_empty() {
        // `X as X`: an explicit re-export (mypy --strict has no implicit ones).
        let names: Vec<String> = custom.iter().map(|c| format!("{c} as {c}")).collect();
        models.push_str(&format!("from ._models_custom import {}\n", names.join(", ")));
    }
    models.push_str("\n_m = dataclass(kw_only=True, repr=False)\n");
    models.push_str(&body);

    let mut list = format!(
        "# {}: `cargo run -p cmr-codegen -- write`.\n\
         \"\"\"The names of ``_models.py`` the package exports (lazily): the generated\n\
         enums and models but the webhook payloads, then the hand-written classes of\n\
         ``_models_custom.py``.\"\"\"\n\n\
         MODELS = (\n",
        super::GENERATED
    );
    for n in &names {
        list.push_str(&format!("    \"{n}\",\n"));
    }
    list.push_str(")\n");
    (models, list)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `x-secret` (the Python `repr` mask, the spec) and the Rust `Debug`
    /// mask (`cmr::models::SECRET_FIELDS`, by field name) cover the same fields.
    #[test]
    fn secret_marks_match_the_fields_rust_debug_redacts() {
        let mut seen = 0;
        for contract in [schemars::generate::Contract::Deserialize, schemars::generate::Contract::Serialize] {
            for (name, def) in &crate::ts::definitions(contract) {
                let Some(props) = def.get("properties").and_then(Value::as_object) else { continue };
                for (json, p) in props {
                    let marked = p.get("x-secret") == Some(&Value::Bool(true));
                    let named = cmr::models::SECRET_FIELDS.contains(&snake(json).as_str());
                    assert_eq!(marked, named, "{name}.{json}: x-secret {marked}, in SECRET_FIELDS {named}");
                    seen += usize::from(marked);
                }
            }
        }
        assert!(seen >= 10, "only {seen} secret fields found");
    }

    #[test]
    fn names_round_trip_between_python_and_json() {
        for n in ["address_line_one", "id", "excluded_dmarc_tags", "pre_warmed_up_mailboxes"] {
            assert_eq!(snake(&camel(n)), n);
        }
        assert_eq!(camel("excluded_dmarc_tags"), "excludedDMARCtags");
    }

    #[test]
    fn custom_defaults_and_classes_are_read_from_the_source() {
        let src = "class Envelope(Model):\n    x: int = 0\n\n\nclass _Private:\n    pass\n\n\
                   PY_DEFAULTS = {\n    \"Ack.message\": \"\",\n    \"OrderDomain.years\": 1,\n}\nOTHER = {\n    \"X.y\": 2,\n}\n";
        assert_eq!(custom_classes(src), vec!["Envelope".to_string()]);
        let d = custom_defaults(src);
        assert_eq!(d.get("Ack.message").map(String::as_str), Some("\"\""));
        assert_eq!(d.get("OrderDomain.years").map(String::as_str), Some("1"));
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn every_model_has_its_declaration_order_and_secrets_are_marked() {
        let (models, names) = render("");
        assert!(models.contains("class Mailbox(Model):"));
        assert!(names.contains("\"MailboxStatus\","));
        // Credentials are hidden in repr; the Rust schema says which fields hold them.
        assert!(models.contains(
            "class MailboxAdminDetails(Model):\n    \"\"\"Workspace admin mailbox, with credentials.\"\"\"\n\n    \
             _secret_fields: ClassVar[frozenset[str]] = frozenset({\"password\", \"app_password\", \"authenticator_secret\"})\n"
        ));
        // Declaration order, not the schema's sorted properties.
        let user = &models[models.find("class User(Model):").unwrap()..];
        assert!(user.find("    id: str").unwrap() < user.find("    email:").unwrap());
        assert!(user.find("    email:").unwrap() < user.find("    company:").unwrap());
    }
}
