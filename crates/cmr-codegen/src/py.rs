//! `python/coldmailreseller/_resources.py` and `_async_resources.py`: one
//! class per resource of `routes::RESOURCES`, one typed method per operation
//! of the route table and of `routes::COMPOSITE`.
//!
//! - **Parameters** (keyword-only) from the signature: a plain argument is
//!   itself; the request model is its fields, in declaration order (the JSON
//!   Schemas the core accepts: `Contract::Deserialize`); required ones first.
//!   A model input accepts the model or a plain mapping; an enum input the
//!   enum or any string; an optional list defaults to `()`, anything else
//!   optional to `None`.
//! - **Result** from the signature's result type: `Page<T>` -> `self._c._page`,
//!   `Vec<T>` -> a list, `Option<T>` -> `None` or `T`.
//! - **Docstrings** from `Route::doc` / `Composite::doc` and the resource's
//!   entry of `routes::RESOURCES`; `Route::deprecated` adds the warning.
//! - **Hand-written conveniences**: a method defined in the mixin
//!   `<Class>Custom` / `Async<Class>Custom` of `_resources_custom.py` is not
//!   generated; the generated class inherits the mixin (the file is read for
//!   its class and `def` names only).

use crate::names::{non_null, pascal, snake};
use std::collections::{BTreeMap, BTreeSet};

use cmr::routes::{self, Arg, ArgKind, Signature};
use schemars::generate::{Contract, SchemaSettings};
use serde_json::{Map, Value};

/// The hand-written mixins, from the repository root.
pub const CUSTOM: &str = "python/coldmailreseller/_resources_custom.py";

/// Argument types spelled by an alias of `_resources_custom.py`.
const ALIASES: &[(&str, &str)] = &[
    ("Mapping[str, Sequence[Union[NewMailbox, Mapping[str, Any]]]]", "MailboxesArg"),
    ("Union[GoogleConfig, Mapping[str, Any]]", "GoogleArg"),
];

struct Param {
    name: String,
    ty: String,
    default: Option<String>,
}

struct Op {
    method: String,
    sig: &'static Signature,
    op: &'static str,
    doc: &'static str,
    deprecated: Option<&'static str>,
    params: Vec<Param>,
}

fn ref_name(s: &Value) -> Option<&str> {
    s.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next())
}

fn resolve<'a>(defs: &'a Map<String, Value>, s: &'a Value) -> &'a Value {
    ref_name(s).and_then(|n| defs.get(n)).unwrap_or(s)
}

fn is_enum(def: &Value) -> bool {
    def.get("enum").is_some()
        || def.get("anyOf").and_then(Value::as_array).is_some_and(|a| a.iter().any(|v| v.get("enum").is_some()))
}

/// The Python type accepted for a (non-null) schema.
fn py_type(s: &Value, defs: &Map<String, Value>, models: &mut BTreeSet<String>) -> String {
    let t = if let Some(name) = ref_name(s) {
        models.insert(name.to_string());
        if defs.get(name).is_some_and(is_enum) {
            format!("Union[{name}, str]")
        } else {
            format!("Union[{name}, Mapping[str, Any]]")
        }
    } else {
        match s.get("type").and_then(Value::as_str) {
            Some("string") => "str".into(),
            Some("integer") => "int".into(),
            Some("number") => "float".into(),
            Some("boolean") => "bool".into(),
            Some("array") => format!("Sequence[{}]", py_type(&s["items"], defs, models)),
            Some("object") => match s.get("additionalProperties") {
                Some(v) if v.is_object() => format!("Mapping[str, {}]", py_type(v, defs, models)),
                _ => "Mapping[str, Any]".into(),
            },
            _ => "Any".into(),
        }
    };
    ALIASES.iter().find(|(long, _)| *long == t).map(|(_, a)| a.to_string()).unwrap_or(t)
}

fn param(name: &str, s: &Value, required: bool, defs: &Map<String, Value>, models: &mut BTreeSet<String>) -> Param {
    let (inner, nullable) = non_null(s);
    let base = py_type(&inner, defs, models);
    let name = snake(name);
    if required && !nullable {
        return Param { name, ty: base, default: None };
    }
    if base.starts_with("Sequence[") && !nullable {
        return Param { name, ty: base, default: Some("()".into()) };
    }
    let ty = if base.starts_with("Union[") {
        format!("{}, None]", &base[..base.len() - 1])
    } else {
        format!("Optional[{base}]")
    };
    Param { name, ty, default: Some("None".into()) }
}

fn params(
    sig: &Signature,
    args: &[schemars::Schema],
    fields: &[&[&str]],
    defs: &Map<String, Value>,
    models: &mut BTreeSet<String>,
) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let named: BTreeSet<&str> = sig.args.iter().filter(|a| !matches!(a.kind, ArgKind::Model(_))).map(|a| a.name).collect();
    for (i, (a, s)) in sig.args.iter().zip(args).enumerate() {
        let s = s.as_value();
        let Arg { name, kind } = *a;
        match kind {
            ArgKind::Model(_) => {
                let def = resolve(defs, s);
                let required: Vec<&str> =
                    def.get("required").and_then(Value::as_array).map(|v| v.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                if let Some(props) = def.get("properties").and_then(Value::as_object) {
                    // Declaration order (the schema's properties are sorted); any
                    // property serde did not list, after them.
                    let mut order: Vec<&str> = fields[i].iter().copied().filter(|f| props.contains_key(*f)).collect();
                    order.extend(props.keys().map(String::as_str).filter(|k| !order.contains(k)).collect::<Vec<_>>());
                    for p in order {
                        let p = &p.to_string();
                        let ps = &props[p];
                        if named.contains(p.as_str()) || !seen.insert(p.clone()) {
                            continue;
                        }
                        out.push(param(p, ps, required.contains(&p.as_str()), defs, models));
                    }
                }
                continue;
            }
            _ if !seen.insert(name.to_string()) => continue,
            ArgKind::Str => out.push(Param { name: snake(name), ty: "str".into(), default: None }),
            ArgKind::OptStr => out.push(Param { name: snake(name), ty: "Optional[str]".into(), default: Some("None".into()) }),
            ArgKind::Json(_) | ArgKind::UpperEnum(_) => out.push(param(name, s, true, defs, models)),
            ArgKind::OptJson(_) | ArgKind::JsonOrDefault(_) => out.push(param(name, s, false, defs, models)),
        }
    }
    // Required first (keyword-only: for the reader), each group in order.
    let (mut req, opt): (Vec<Param>, Vec<Param>) = out.into_iter().partition(|p| p.default.is_none());
    req.extend(opt);
    req
}

/// (return annotation, conversion of the answer, paginated?) for a result type.
fn result(response: &str, page: &str, models: &mut BTreeSet<String>) -> (String, String, bool) {
    let strip = |s: &str, pre: &str| s.strip_prefix(pre).and_then(|r| r.strip_suffix('>')).map(str::trim).map(str::to_string);
    if let Some(t) = strip(response, "Page<") {
        models.insert(t.clone());
        (format!("{page}[{t}]"), format!("{t}.from_dict"), true)
    } else if let Some(t) = strip(response, "Vec<") {
        models.insert(t.clone());
        (format!("List[{t}]"), format!("_list_of({t}.from_dict)"), false)
    } else if let Some(t) = strip(response, "Option<") {
        models.insert(t.clone());
        (format!("Optional[{t}]"), format!("_optional({t}.from_dict)"), false)
    } else {
        models.insert(response.to_string());
        (response.to_string(), format!("{response}.from_dict"), false)
    }
}

/// The mixins of `_resources_custom.py`: class name -> its method names.
fn custom_mixins(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        if let Some(rest) = line.strip_prefix("class ") {
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            current = name.ends_with("Custom").then(|| name.clone());
            if let Some(n) = &current {
                out.entry(n.clone()).or_default();
            }
        } else if let Some(cls) = &current {
            let rest = line.strip_prefix("    async def ").or_else(|| line.strip_prefix("    def "));
            if let Some(rest) = rest {
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                out.entry(cls.clone()).or_default().insert(name);
            }
        }
    }
    out
}

fn docstring(doc: &str, indent: &str) -> String {
    let body = doc.replace('\n', &format!("\n{indent}")).replace(&format!("\n{indent}\n"), "\n\n");
    format!("{indent}\"\"\"{body}\"\"\"\n")
}

fn method(o: &Op, asynchronous: bool) -> String {
    let mut models = BTreeSet::new();
    let (ret, conv, paged) = result(o.sig.response, if asynchronous { "AsyncPage" } else { "SyncPage" }, &mut models);
    let def = if asynchronous { "async def" } else { "def" };
    let params: Vec<String> = o
        .params
        .iter()
        .map(|p| match &p.default {
            Some(d) => format!("{}: {} = {d}", p.name, p.ty),
            None => format!("{}: {}", p.name, p.ty),
        })
        .collect();
    let mut s = String::new();
    let one_line = if params.is_empty() {
        format!("    {def} {}(self) -> {ret}:\n", o.method)
    } else {
        format!("    {def} {}(self, *, {}) -> {ret}:\n", o.method, params.join(", "))
    };
    if one_line.len() <= 121 {
        s.push_str(&one_line);
    } else {
        s.push_str(&format!("    {def} {}(\n        self,\n        *,\n", o.method));
        for p in &params {
            s.push_str(&format!("        {p},\n"));
        }
        s.push_str(&format!("    ) -> {ret}:\n"));
    }
    if !o.doc.is_empty() {
        s.push_str(&docstring(o.doc, "        "));
    }
    if let Some(instead) = o.deprecated {
        s.push_str(&format!(
            "        warnings.warn(\n            \"{} is deprecated by CMR; use {instead}\",\n            DeprecationWarning,\n            stacklevel=2,\n        )\n",
            o.op
        ));
    }
    let args = if o.params.is_empty() { "{}" } else { "_args(locals())" };
    let call = if paged { "_page" } else { "_call" };
    let aw = if asynchronous { "await " } else { "" };
    s.push_str(&format!("        return {aw}self._c.{call}(\"{}\", {args}, {conv})\n", o.op));
    s
}

/// Does `text` name `word` (not as a part of a longer name)?
fn mentions(text: &str, word: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    text.match_indices(word).any(|(i, _)| !ident(text[..i].chars().next_back()) && !ident(text[i + word.len()..].chars().next()))
}

fn types_used(text: &str) -> Vec<&'static str> {
    ["Any", "List", "Mapping", "Optional", "Sequence", "Union"]
        .into_iter()
        .filter(|t| text.contains(&format!("{t}[")) || text.contains(&format!("{t}]")) || text.contains(&format!(" {t},")))
        .collect()
}

/// Both files: (`_resources.py`, `_async_resources.py`), given the content of
/// `_resources_custom.py`.
pub fn render(custom_source: &str) -> (String, String) {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.contract = Contract::Deserialize;
    let mut g = schemars::SchemaGenerator::new(settings);
    let mut all: Vec<(&'static str, &'static Signature, &'static str, Option<&'static str>)> = Vec::new();
    for r in routes::ALL {
        all.push((r.op, &r.sig, r.doc, r.deprecated));
    }
    for c in routes::COMPOSITE {
        all.push((c.op, &c.sig, c.doc, None));
    }
    let schemas: Vec<_> = all.iter().map(|(op, ..)| routes::schemas(op, &mut g).expect("every operation has schemas")).collect();
    let defs = g.definitions().clone();
    // Model names of the serialised contract too (a class name must not shadow one).
    let mut models = BTreeSet::new();
    let mut ops: BTreeMap<&str, Vec<Op>> = BTreeMap::new();
    for ((op, sig, doc, deprecated), sch) in all.iter().zip(&schemas) {
        let Some((resource, method)) = op.split_once('.') else { continue };
        let params = params(sig, &sch.args, &sch.fields, &defs, &mut models);
        ops.entry(resource).or_default().push(Op { method: method.into(), sig, op, doc, deprecated: *deprecated, params });
    }
    let mixins = custom_mixins(custom_source);
    let sync = file(&ops, &defs, &mixins, models.clone(), false);
    let asy = file(&ops, &defs, &mixins, models, true);
    (sync, asy)
}

fn file(
    ops: &BTreeMap<&str, Vec<Op>>,
    defs: &Map<String, Value>,
    mixins: &BTreeMap<String, BTreeSet<String>>,
    mut models: BTreeSet<String>,
    asynchronous: bool,
) -> String {
    let prefix = if asynchronous { "Async" } else { "" };
    let mut body = String::new();
    let mut used_mixins = Vec::new();
    let mut warns = false;
    for (resource, doc) in routes::RESOURCES {
        let Some(list) = ops.get(resource) else { continue };
        let mut name = pascal(resource);
        if defs.contains_key(&name) || models.contains(&name) {
            name.push_str("Resource");
        }
        let mixin = format!("{prefix}{}Custom", pascal(resource));
        let custom = mixins.get(&mixin);
        let bases = if custom.is_some() {
            used_mixins.push(mixin.clone());
            format!("{mixin}, _Resource")
        } else {
            "_Resource".to_string()
        };
        body.push_str(&format!("\n\nclass {prefix}{name}({bases}):\n"));
        body.push_str(&docstring(doc, "    "));
        for o in list {
            if custom.is_some_and(|c| c.contains(&o.method)) {
                continue;
            }
            warns |= o.deprecated.is_some();
            body.push('\n');
            body.push_str(&method(o, asynchronous));
            result(o.sig.response, "", &mut models);
        }
    }
    let (client, page) = if asynchronous { ("AsyncClient", "AsyncPage") } else { ("Client", "SyncPage") };
    let what = if asynchronous { ":class:`cmr.AsyncClient`" } else { "the blocking :class:`cmr.Client`" };
    let mut s = format!(
        "# {}: `cargo run -p cmr-codegen -- write`.\n\
         \"\"\"Resources of {what}: every operation of the route\n\
         table (``crates/cmr/src/routes.rs``) as a typed method.\n\n\
         Generated from the table and the models' JSON Schemas; the hand-written\n\
         conveniences are the mixins of ``_resources_custom.py``.\n\"\"\"\n\n\
         from __future__ import annotations\n\n",
        super::GENERATED
    );
    if warns {
        s.push_str("import warnings\n");
    }
    let typing: Vec<&str> = std::iter::once("TYPE_CHECKING").chain(types_used(&body)).collect();
    s.push_str(&format!("from typing import {}\n\n", typing.join(", ")));
    s.push_str(&format!("from ._base import {page}\n"));
    let models: Vec<String> = models.into_iter().filter(|m| mentions(&body, m)).collect();
    s.push_str("from ._models import (\n");
    for m in &models {
        s.push_str(&format!("    {m},\n"));
    }
    s.push_str(")\n");
    let mut custom: Vec<String> = ["GoogleArg", "MailboxesArg", "_args", "_list_of", "_optional"]
        .into_iter()
        .filter(|n| mentions(&body, n))
        .map(str::to_string)
        .collect();
    custom.extend(used_mixins);
    custom.sort_by_key(|n| (n.starts_with('_'), n.clone()));
    s.push_str("from ._resources_custom import (\n");
    for c in &custom {
        s.push_str(&format!("    {c},\n"));
    }
    s.push_str(")\n\n");
    s.push_str(&format!("if TYPE_CHECKING:\n    from ._client import {client} as _Owner\n"));
    s.push_str(
        "\n\nclass _Resource:\n    def __init__(self, client: \"_Owner\") -> None:\n        self._c = client\n\n    \
         def __repr__(self) -> str:\n        return f\"<{type(self).__name__} resource>\"\n",
    );
    s.push_str(&body);
    s
}
