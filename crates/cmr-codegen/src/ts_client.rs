//! `node/src/resources.ts`: the resource classes of the Node client, one per
//! resource of `routes::RESOURCES`, with one typed method per operation of
//! the route table and of `routes::COMPOSITE`.
//!
//! - **Arguments**: one object, `args`, from the signature: `userId` (a
//!   required string) is `UserRef`; the request model is `M.<Model>` (its
//!   fields, flattened: the core takes them beside the others); every other
//!   argument is a field of an object literal (`?` when optional). Every
//!   argument optional and the route a GET (a filter of a read): the object
//!   is optional too (`params?` for a paginated list). A write keeps its
//!   object required even then: its rules need one of the fields.
//! - **Result**: `Page<T>` -> `PagePromise<M.T>`, `Vec<T>` -> `Promise<M.T[]>`,
//!   `Option<T>` -> `Promise<M.T | null>`, `T` -> `Promise<M.T>`.
//! - **TSDoc** from `Route::doc` / `Composite::doc` (reST ``code`` becomes
//!   Markdown `code`, in the Node spelling) and the resource's entry of
//!   `routes::RESOURCES`; `Route::deprecated` adds `@deprecated`.
//! - **Hand-written methods**: the generated class `X` extends `XCustom` of
//!   `node/src/resources_custom.ts` when that file declares it, and does not
//!   generate the methods defined there (the file is read for its
//!   `export abstract class <Name>Custom` lines and their methods' names).
//!
//! Operations without a resource (`send_error`) are methods of `Client`
//! itself, hand-written in `client.ts`.

use crate::names::{camel, pascal};
use std::collections::{BTreeMap, BTreeSet};

use cmr::routes::{self, ArgKind, Method, Signature};
use schemars::generate::Contract;
use serde_json::{Map, Value};

/// The hand-written methods, from the repository root.
pub const CUSTOM: &str = "node/src/resources_custom.ts";

/// Operations whose plain arguments (besides `userId`) the client spells as
/// the wire body model the core builds from them (`models.ts` has it for
/// this). The generator checks that the model has exactly those fields.
const WIRE_BODIES: &[(&str, &str)] = &[("domains.check_availability", "CheckAvailability"), ("domains.remove", "RemoveDomains")];

struct Op {
    op: &'static str,
    method: String,
    sig: &'static Signature,
    /// GET: a read (only these take an optional argument object).
    read: bool,
    doc: &'static str,
    deprecated: Option<&'static str>,
}

/// The TypeScript type of a Rust type name of the route table.
fn ts_type(rust: &str, models: &BTreeSet<String>) -> String {
    let rust = rust.replace(' ', "");
    if let Some(inner) = rust.strip_prefix("Vec<").and_then(|r| r.strip_suffix('>')) {
        return format!("{}[]", ts_type(inner, models));
    }
    match rust.as_str() {
        "String" | "str" => "string".into(),
        "bool" => "boolean".into(),
        "u8" | "u16" | "u32" | "u64" | "i32" | "i64" | "f64" | "usize" => "number".into(),
        name => {
            assert!(models.contains(name), "ts_client: {name} is not a model of node/src/models.ts");
            format!("M.{name}")
        }
    }
}

/// The result type of a method (the whole return annotation) and whether the
/// operation is paginated.
fn result(response: &str, models: &BTreeSet<String>) -> (String, bool) {
    let strip = |pre: &str| response.strip_prefix(pre).and_then(|r| r.strip_suffix('>')).map(str::trim);
    if let Some(t) = strip("Page<") {
        (format!("PagePromise<{}>", ts_type(t, models)), true)
    } else if let Some(t) = strip("Option<") {
        (format!("Promise<{} | null>", ts_type(t, models)), false)
    } else {
        (format!("Promise<{}>", ts_type(response, models)), false)
    }
}

/// Are all the fields of this (deserialised) model optional?
fn all_optional(defs: &Map<String, Value>, model: &str) -> bool {
    defs.get(model).and_then(|d| d.get("required")).and_then(Value::as_array).is_none_or(|r| r.is_empty())
}

/// The argument object's type (`None`: the operation takes no argument) and
/// whether the object is optional.
fn args_type(o: &Op, defs: &Map<String, Value>, models: &BTreeSet<String>) -> Option<(String, bool)> {
    if o.sig.args.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    let mut fields: Vec<(String, bool, String)> = Vec::new(); // (name, required, type)
    let mut required = false;
    for a in o.sig.args {
        match a.kind {
            ArgKind::Str if a.name == "userId" => {
                parts.push("UserRef".into());
                required = true;
            }
            ArgKind::Model(t) => {
                parts.push(ts_type(t, models));
                required |= !all_optional(defs, t);
            }
            ArgKind::Str => fields.push((a.name.into(), true, "string".into())),
            ArgKind::OptStr => fields.push((a.name.into(), false, "string".into())),
            ArgKind::Json(t) | ArgKind::UpperEnum(t) => fields.push((a.name.into(), true, ts_type(t, models))),
            ArgKind::OptJson(t) | ArgKind::JsonOrDefault(t) => fields.push((a.name.into(), false, ts_type(t, models))),
        }
    }
    required |= fields.iter().any(|(_, r, _)| *r);
    if !fields.is_empty() {
        if let Some((_, model)) = WIRE_BODIES.iter().find(|(op, _)| *op == o.op) {
            let d = &defs[*model];
            let props: BTreeSet<&str> = d["properties"].as_object().map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
            let req: BTreeSet<&str> =
                d.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            let names: BTreeSet<&str> = fields.iter().map(|(n, _, _)| n.as_str()).collect();
            let req_names: BTreeSet<&str> = fields.iter().filter(|f| f.1).map(|(n, _, _)| n.as_str()).collect();
            assert!(props == names && req == req_names, "ts_client: {model} does not have exactly the arguments of {}", o.op);
            parts.push(format!("M.{model}"));
        } else {
            let lit: Vec<String> = fields.iter().map(|(n, r, t)| format!("{n}{}: {t}", if *r { "" } else { "?" })).collect();
            parts.push(format!("{{ {} }}", lit.join("; ")));
        }
    }
    Some((parts.join(" & "), !required && o.read))
}

/// A reST literal in the Node spelling: `None` -> `null`, `True` -> `true`,
/// `a=b` -> `a: b`, snake_case names -> camelCase.
fn literal(code: &str) -> String {
    if let Some((k, v)) = code.split_once('=') {
        return format!("{}: {}", literal(k), literal(v));
    }
    match code {
        "None" => "null".into(),
        "True" => "true".into(),
        "False" => "false".into(),
        _ if code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') => {
            code.split('.').map(camel).collect::<Vec<_>>().join(".")
        }
        _ => code.into(),
    }
}

/// reST markup of a doc to Markdown / TSDoc: ``x`` -> `x`, :meth:`m` ->
/// {@link Class.m}, :class:`T` -> {@link M.T}.
fn markdown(doc: &str, class: &str) -> String {
    let mut out = String::new();
    let mut rest = doc;
    loop {
        let next = [rest.find("``"), rest.find(":meth:`"), rest.find(":class:`")].into_iter().flatten().min();
        let Some(i) = next else { break };
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("``") {
            let end = r.find("``").expect("unterminated ``literal`` in a doc");
            out.push_str(&format!("`{}`", literal(&r[..end])));
            rest = &r[end + 2..];
        } else {
            let (prefix, meth) = if rest.starts_with(":meth:`") { (":meth:`", true) } else { (":class:`", false) };
            let r = &rest[prefix.len()..];
            let end = r.find('`').expect("unterminated role in a doc");
            let name = &r[..end];
            if meth {
                out.push_str(&format!("{{@link {class}.{}}}", camel(name)));
            } else {
                out.push_str(&format!("{{@link M.{name}}}"));
            }
            rest = &r[end + 1..];
        }
    }
    out.push_str(rest);
    out
}

fn tsdoc(lines: &[String], indent: &str) -> String {
    match lines {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let mut s = format!("{indent}/**\n");
            for l in many {
                if l.is_empty() {
                    s.push_str(&format!("{indent} *\n"));
                } else {
                    s.push_str(&format!("{indent} * {l}\n"));
                }
            }
            s.push_str(&format!("{indent} */\n"));
            s
        }
    }
}

fn method(o: &Op, class: &str, classes: &BTreeMap<&str, String>, defs: &Map<String, Value>, models: &BTreeSet<String>) -> String {
    let mut doc: Vec<String> = if o.doc.is_empty() { Vec::new() } else { markdown(o.doc, class).lines().map(str::to_string).collect() };
    if let Some(instead) = o.deprecated {
        let (r, m) = instead.split_once('.').unwrap_or(("", instead));
        let target = classes.get(r).map(|c| format!("{c}.{}", camel(m))).unwrap_or_else(|| camel(m));
        doc.push(format!("@deprecated Deprecated by CMR: use {{@link {target}}}."));
    }
    let (ret, paged) = result(o.sig.response, models);
    let name = camel(&o.method);
    let mut s = tsdoc(&doc, "  ");
    let (sig, pass) = match args_type(o, defs, models) {
        None => ("opts?: RequestOptions".to_string(), "{}".to_string()),
        Some((t, optional)) => {
            let var = if paged { "params" } else { "args" };
            let q = if optional { "?" } else { "" };
            let pass = if optional && !paged { format!("{var} ?? {{}}") } else { var.to_string() };
            (format!("{var}{q}: {t}, opts?: RequestOptions"), pass)
        }
    };
    let call = if paged { "page" } else { "call" };
    let head = format!("  {name}({sig}): {ret} {{\n");
    if head.len() <= 141 {
        s.push_str(&head);
    } else {
        s.push_str(&format!("  {name}(\n"));
        for p in sig.split(", opts?") {
            let p = if p.starts_with(": RequestOptions") { format!("opts?{p}") } else { p.to_string() };
            s.push_str(&format!("    {p},\n"));
        }
        s.push_str(&format!("  ): {ret} {{\n"));
    }
    s.push_str(&format!("    return this.{call}('{}', {pass}, opts);\n  }}\n", o.op));
    s
}

/// The `export abstract class <Name>Custom` classes of `resources_custom.ts`:
/// class name -> its methods' names.
fn custom_classes(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect() };
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        let decl = line.strip_prefix("export abstract class ").or_else(|| line.strip_prefix("export class "));
        if let Some(rest) = decl {
            let name = ident(rest);
            current = name.ends_with("Custom").then(|| name.clone());
            if let Some(n) = &current {
                out.entry(n.clone()).or_default();
            }
        } else if line.starts_with('}') {
            current = None;
        } else if let Some(cls) = &current {
            // A method: two spaces, then its name and `(` or `<`.
            let Some(rest) = line.strip_prefix("  ").filter(|r| !r.starts_with(' ')) else { continue };
            let rest = rest.strip_prefix("async ").unwrap_or(rest);
            let name = ident(rest);
            if !name.is_empty() && name != "constructor" && rest[name.len()..].starts_with(['(', '<']) {
                out.entry(cls.clone()).or_default().insert(name);
            }
        }
    }
    out
}

/// `node/src/resources.ts`, given the content of `resources_custom.ts`.
pub fn render(custom_source: &str) -> String {
    let defs = crate::ts::definitions(Contract::Deserialize);
    let mut models: BTreeSet<String> = defs.keys().cloned().collect();
    models.extend(crate::ts::definitions(Contract::Serialize).keys().cloned());
    let mut ops: BTreeMap<&str, Vec<Op>> = BTreeMap::new();
    let all = routes::ALL
        .iter()
        .map(|r| (r.op, &r.sig, r.method == Method::Get, r.doc, r.deprecated))
        .chain(routes::COMPOSITE.iter().map(|c| (c.op, &c.sig, false, c.doc, None)));
    for (op, sig, read, doc, deprecated) in all {
        let Some((resource, method)) = op.split_once('.') else { continue };
        ops.entry(resource).or_default().push(Op { op, method: method.into(), sig, read, doc, deprecated });
    }
    // Class names: the resource in PascalCase, `...Resource` when a model has that name.
    let classes: BTreeMap<&str, String> = routes::RESOURCES
        .iter()
        .map(|(r, _)| {
            let mut name = pascal(r);
            if models.contains(&name) {
                name.push_str("Resource");
            }
            (*r, name)
        })
        .collect();
    let custom = custom_classes(custom_source);
    let mut body = String::new();
    let mut bases: Vec<String> = Vec::new();
    for (resource, doc) in routes::RESOURCES {
        let Some(list) = ops.get(resource) else { continue };
        let name = &classes[resource];
        let mixin = format!("{}Custom", pascal(resource));
        let skip = custom.get(&mixin);
        let base = if skip.is_some() {
            bases.push(mixin.clone());
            mixin
        } else {
            "Resource".to_string()
        };
        body.push('\n');
        body.push_str(&tsdoc(&[markdown(doc, name)], ""));
        body.push_str(&format!("export class {name} extends {base} {{\n"));
        for o in list {
            if skip.is_some_and(|c| c.contains(&camel(&o.method))) {
                continue;
            }
            body.push_str(&method(o, name, &classes, &defs, &models));
        }
        body.push_str("}\n");
    }
    let mut s = format!(
        "// {}: `cargo run -p cmr-codegen -- write`, from the route table\n\
         // (crates/cmr/src/routes.rs). Hand-written methods: resources_custom.ts.\n\
         /* eslint-disable */\n\
         import type * as M from './models';\n\
         import type {{ PagePromise }} from './pagination';\n\
         import {{ Resource, type RequestOptions, type UserRef }} from './resource';\n",
        super::GENERATED
    );
    if !bases.is_empty() {
        s.push_str(&format!("import {{ {} }} from './resources_custom';\n", bases.join(", ")));
    }
    s.push_str(&body);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_markup_becomes_markdown_in_the_node_spelling() {
        assert_eq!(markdown("``confirm=True`` queues it", "Orders"), "`confirm: true` queues it");
        assert_eq!(markdown("or ``None``; see :meth:`order_mailboxes`.", "Orders"), "or `null`; see {@link Orders.orderMailboxes}.");
        assert_eq!(markdown("failed with ``may_have_been_sent``", "Users"), "failed with `mayHaveBeenSent`");
        assert_eq!(markdown("(see :class:`BulkResult`)", "Dns"), "(see {@link M.BulkResult})");
        assert_eq!(markdown("without ``+``", "Users"), "without `+`");
    }

    #[test]
    fn custom_methods_are_read_from_the_custom_classes_only() {
        let src = "function pictures(x) {\n}\n\nexport abstract class DnsCustom extends Resource {\n  /** doc */\n  addMany(args: X): Y {\n    return this.call('x', args);\n  }\n  find<T>(a: T) {}\n}\n\nexport class Other {\n  nope() {}\n}\n";
        let c = custom_classes(src);
        assert_eq!(c.len(), 1);
        assert_eq!(c["DnsCustom"], ["addMany", "find"].into_iter().map(String::from).collect());
    }
}
