//! `bindings/uniffi/src/resources_generated.rs`: the resource objects of the
//! Kotlin and Swift bindings (one per resource of `routes::RESOURCES`), the
//! records of their pages, and one exported async method per operation of the
//! route table and of `routes::COMPOSITE`, calling the typed core method
//! inside `guard(...)`.
//! Included by `bindings/uniffi/src/resources.rs`, which holds the imports and
//! the hand-written methods ([`HAND_WRITTEN`]).
//!
//! - **Parameters** from the signature, in its order: `Str` -> `String`,
//!   `OptStr` -> `Option<String>` (default `None`), the request model -> the
//!   record (`Option<T>`, default `None`, for a paginated operation's query),
//!   `Json(T)` / `JsonOrDefault(T)` / `UpperEnum(T)` -> `T`, `OptJson(T)` ->
//!   `Option<T>` (default `None`). Names: [`param_name`], with the exceptions
//!   of [`NAMES`] (Swift uses them as argument labels, so they are API).
//! - **Result** from the result type: `Page<T>` -> a concrete page record
//!   ([`page_record`]), declared here with the `page!` macro of
//!   `bindings/uniffi/src/pages.rs`; anything else as is.
//! - **Doc comments** from `Route::doc` / `Composite::doc` (their reST markup
//!   turned into Markdown, Python names into the bindings' camelCase), else the
//!   operation's name; `Route::deprecated` adds the replacement when the doc
//!   does not name it (uniffi 0.32 has no deprecation attribute for methods).

use crate::names::{camel, pascal, snake};
use cmr::routes::{self, ArgKind, Signature};

/// Operations whose uniffi method is hand-written in `resources.rs` (in a
/// second `#[uniffi::export] impl` block of the same object): their shape is
/// an idiom of these bindings, not the table's. The bulk helpers take the
/// fields of `BulkOptions` (`batchSize`) flat rather than the record.
pub const HAND_WRITTEN: &[&str] = &["dns.add_many", "mailboxes.update_all"];

/// Parameter names that [`param_name`] does not give: (operation, argument's
/// name in the table, or the model's type for an unnamed model, parameter).
const NAMES: &[(&str, &str, &str)] = &[
    ("users.create", "CreateUser", "user"),
    ("users.update", "UpdateUser", "changes"),
    ("mailboxes.update", "mailboxData", "change"),
    ("mailboxes.update_many", "mailboxData", "changes"),
    ("send_error", "SendErrorReport", "report"),
];

/// Page records whose name is not `<Item>Page`.
const PAGES: &[(&str, &str)] = &[("PrewarmupDomain", "PrewarmupPage")];

/// The Rust parameter name of an argument: a named one is its snake_case
/// name; the request model is `params` (a paginated operation's query),
/// `order` (a model named `...Order`), else `req`; [`NAMES`] overrides.
fn param_name(op: &str, sig: &Signature, name: &str, kind: ArgKind) -> String {
    let key = match kind {
        ArgKind::Model(t) if name.is_empty() => t,
        _ => name,
    };
    if let Some((_, _, p)) = NAMES.iter().find(|(o, k, _)| *o == op && *k == key) {
        return p.to_string();
    }
    match kind {
        ArgKind::Model(_) if sig.is_paginated() => "params".into(),
        ArgKind::Model(t) if t.ends_with("Order") => "order".into(),
        ArgKind::Model(_) => "req".into(),
        _ => snake(name),
    }
}

/// The concrete record of `Page<item>`.
fn page_record(item: &str) -> String {
    PAGES.iter().find(|(i, _)| *i == item).map(|(_, p)| p.to_string()).unwrap_or_else(|| format!("{item}Page"))
}

/// One piece of reST markup of a `doc` as Markdown for KDoc and Swift doc
/// comments: `None`/`True`/`False` in Kotlin's spelling, Python's snake_case
/// names in the bindings' camelCase.
fn code(text: &str) -> String {
    match text {
        "None" => return "null".into(),
        "True" => return "true".into(),
        "False" => return "false".into(),
        _ => {}
    }
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let w = match word.as_str() {
            "None" => "null".to_string(),
            "True" => "true".to_string(),
            "False" => "false".to_string(),
            w if w.contains('_') && !w.starts_with('_') => camel(w),
            w => w.to_string(),
        };
        out.push_str(&w);
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A `doc` of the table (reST: ``` ``x`` ```, ``:meth:`x` ``, ``:class:`X` ``)
/// as Markdown.
fn markdown(doc: &str) -> String {
    let mut out = String::new();
    let mut rest = doc;
    loop {
        let next = [("``", "``"), (":meth:`", "`"), (":class:`", "`")]
            .iter()
            .filter_map(|(open, close)| rest.find(open).map(|i| (i, *open, *close)))
            .min_by_key(|(i, ..)| *i);
        let Some((i, open, close)) = next else { break };
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(close) else { break };
        out.push_str(&rest[..i]);
        out.push('`');
        out.push_str(&code(&after[..j]));
        out.push('`');
        rest = &after[j + close.len()..];
    }
    out.push_str(rest);
    out
}

fn doc_comment(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| if l.is_empty() { format!("{indent}///\n") } else { format!("{indent}/// {l}\n") })
        .collect()
}

struct Op {
    op: &'static str,
    sig: &'static Signature,
    doc: &'static str,
    deprecated: Option<&'static str>,
}

fn method(o: &Op) -> String {
    let (owner, name) = match o.op.split_once('.') {
        Some((resource, method)) => (format!("self.c.{resource}()"), method),
        None => ("self.inner".to_string(), o.op),
    };
    let mut params = Vec::new();
    let mut defaults = Vec::new();
    let mut pass = Vec::new();
    for a in o.sig.args {
        let p = param_name(o.op, o.sig, a.name, a.kind);
        let (ty, expr, optional) = match a.kind {
            ArgKind::Str => ("String".to_string(), format!("&{p}"), false),
            ArgKind::OptStr => ("Option<String>".to_string(), format!("{p}.as_deref()"), true),
            ArgKind::Model(t) if o.sig.is_paginated() => (format!("Option<{t}>"), format!("&{p}.unwrap_or_default()"), true),
            ArgKind::Model(t) | ArgKind::Json(t) | ArgKind::JsonOrDefault(t) | ArgKind::UpperEnum(t) => {
                (t.to_string(), format!("&{p}"), false)
            }
            ArgKind::OptJson(t) => (format!("Option<{t}>"), format!("{p}.as_ref()"), true),
        };
        if optional {
            defaults.push(format!("{p} = None"));
        }
        params.push(format!("{p}: {ty}"));
        pass.push(expr);
    }
    let (ret, into) = match o.sig.response.strip_prefix("Page<").and_then(|r| r.strip_suffix('>')) {
        Some(item) => (page_record(item.trim()), ".into()"),
        None => (o.sig.response.to_string(), ""),
    };
    let mut doc = if o.doc.is_empty() { format!("`{}`.", o.op) } else { markdown(o.doc) };
    if let Some(instead) = o.deprecated {
        let instead = camel(instead.rsplit('.').next().unwrap_or(instead));
        if !doc.contains(&format!("`{instead}`")) {
            doc.push_str(&format!("\n\nDeprecated by CMR: use `{instead}`."));
        }
    }
    let mut s = doc_comment(&doc, "    ");
    if !defaults.is_empty() {
        s.push_str(&format!("    #[uniffi::method(default({}))]\n", defaults.join(", ")));
    }
    if o.deprecated.is_some() {
        s.push_str("    #[allow(deprecated)]\n");
    }
    let params = std::iter::once("&self".to_string()).chain(params).collect::<Vec<_>>().join(", ");
    s.push_str(&format!("    pub async fn {name}({params}) -> R<{ret}> {{\n"));
    s.push_str(&format!(
        "        guard(async move {{ Ok({owner}.{name}({}).await?{into}) }}).await\n",
        pass.join(", ")
    ));
    s.push_str("    }\n");
    s
}

fn export_block(owner: &str, ops: &[&Op]) -> String {
    let mut s = format!("\n#[uniffi::export(async_runtime = \"tokio\")]\nimpl {owner} {{\n");
    for (i, o) in ops.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&method(o));
    }
    s.push_str("}\n");
    s
}

pub fn render() -> String {
    let mut all: Vec<Op> = Vec::new();
    for r in routes::ALL {
        all.push(Op { op: r.op, sig: &r.sig, doc: r.doc, deprecated: r.deprecated });
    }
    for c in routes::COMPOSITE {
        all.push(Op { op: c.op, sig: &c.sig, doc: c.doc, deprecated: None });
    }
    all.retain(|o| !HAND_WRITTEN.contains(&o.op));
    let mut s = format!(
        "// {}: `cargo run -p cmr-codegen -- write`.\n\
         // The resource objects of the Kotlin and Swift bindings, their page records\n\
         // and one method per operation of `routes::ALL` and `routes::COMPOSITE`,\n\
         // from their signatures (crates/cmr-codegen/src/uniffi.rs). Included by\n\
         // `resources.rs`, which holds the hand-written methods.\n",
        super::GENERATED
    );
    for (resource, doc) in routes::RESOURCES {
        let ty = format!("{}Resource", pascal(resource));
        s.push('\n');
        s.push_str(&doc_comment(&format!("{}\n\nReached with `client.{resource}()`.", markdown(doc)), ""));
        s.push_str(&format!("#[derive(uniffi::Object)]\npub struct {ty} {{\n    pub(crate) c: cmr::Client,\n}}\n"));
    }
    // The page records, declared by `pages::page!`, one per paginated result.
    let mut pages: Vec<String> = Vec::new();
    for o in &all {
        let Some(item) = o.sig.response.strip_prefix("Page<").and_then(|r| r.strip_suffix('>')) else { continue };
        let record = page_record(item.trim());
        if !pages.contains(&record) {
            s.push_str(&format!("\npage!(\n    /// A page of `{}`.\n    {record},\n    {}\n);\n", o.op, item.trim()));
            pages.push(record);
        }
    }
    for (resource, _) in routes::RESOURCES {
        let ops: Vec<&Op> = all.iter().filter(|o| o.op.split_once('.').is_some_and(|(r, _)| r == *resource)).collect();
        if !ops.is_empty() {
            s.push_str(&export_block(&format!("{}Resource", pascal(resource)), &ops));
        }
    }
    let client: Vec<&Op> = all.iter().filter(|o| !o.op.contains('.')).collect();
    if !client.is_empty() {
        s.push_str(&export_block("CmrClient", &client));
    }
    s
}
