//! `crates/cmr-cli/src/args_generated.rs`: the `cmr` subcommand of every
//! operation of the route table and of `routes::COMPOSITE`, and their dispatch.
//!
//! - **Commands**: `cmr <resource> <method>` in kebab-case (`send_error`, with
//!   no resource, is `cmr send-error`); groups in `routes::RESOURCES` order,
//!   operations in table order. The about text is [`ABOUT`]'s, else the first
//!   paragraph of the operation's `doc` (or the resource's docstring).
//! - **Flags**: one per argument of the signature, in its order; the request
//!   model's fields in declaration order (its JSON Schema, as the core accepts
//!   it). A flag is the kebab-case of the JSON name ([`FLAG_NAMES`] for the
//!   exceptions), never required (the core validates), typed from the schema:
//!   string, integer, number, boolean; an enum takes any value but lists the
//!   known ones (CMR's enums are open); a list of those repeats the flag or
//!   takes a comma list, and is named in the singular. Help: [`FLAG_HELP`],
//!   else the field's description.
//! - **Pagination**: a paginated operation also gets `--all` (every page).
//! - **`--file FILE.json|-`**: when the arguments have one no flag can carry
//!   (an object, a map, a list of objects), or the body [`FILE_FIELDS`] fields or more: a
//!   JSON object with the request fields, which the flags override. With a
//!   field no flag can carry, the command needs it.
//! - **Hand-written**: the operations of [`HAND_WRITTEN`] keep the command of
//!   `crates/cmr-cli/src/args.rs` (a struct of the generated name with a
//!   `plan` method), or none when another command covers them. [`EXTRA`]
//!   adds hand-written commands that are no operation to a group.
//! - **Dispatch**: every generated struct's `plan` serialises its flags into
//!   the argument object of `cmr::ops::call` (via `crate::op_job`).

use crate::names::{self, pascal};
use std::collections::BTreeSet;

use cmr::routes::{self, ArgKind, Signature};
use schemars::generate::{Contract, SchemaSettings};
use serde_json::{Map, Value};

/// THE skip list: operations whose command is hand-written in `args.rs`
/// (as the struct the generator would name, with a `plan(self)` method), or,
/// with `Some(command)`, that have no command of their own because that
/// hand-written command covers them.
pub const HAND_WRITTEN: &[(&str, Option<&str>, &str)] = &[
    ("dns.add", None, "the record flags build one element of `records`, appended to those of --file"),
    ("mailboxes.update", None, "--file CSV runs the paced bulk job (with --report, --journal, ...)"),
    ("mailboxes.update_many", None, "--file is the JSON list itself (or {mailboxData: [..]})"),
    ("exports.add_credential", None, "flags of the nested `credentials` and `metadata` objects"),
    ("dns.add_many", Some("dns import"), "bulk from CSV"),
    ("mailboxes.update_all", Some("mailboxes update"), "bulk with --file CSV"),
];

/// Hand-written commands that are no operation, per group: a `Subcommand`
/// enum of `args.rs` flattened into the group (with a `plan(self)` method).
pub const EXTRA: &[(&str, &str)] = &[("dns", "DnsMore")];

/// A body of this many fields or more also takes `--file`.
pub const FILE_FIELDS: usize = 5;

/// The about text of a command (operation) or group (resource), when the
/// route's `doc` (or the resource's docstring) is not the one to show.
const ABOUT: &[(&str, &str)] = &[
    ("users", "Customers of the partner."),
    ("users.list", "One page of users (or every user with --all)."),
    ("users.get", "One user's profile."),
    ("users.create", "Create a customer."),
    ("users.update", "Update fields of a customer (only those given are sent)."),
    ("users.delete", "Delete a customer who owns no domains and no mailboxes."),
    ("geo", "Countries and states."),
    ("geo.countries", "Every country (name and code)."),
    ("geo.states", "States of a country."),
    ("domains", "Domains: availability, forwarding, removal, renewal."),
    ("domains.list", "Every domain of a user."),
    ("domains.suggest", "Available domain names built from a keyword."),
    ("domains.check_availability", "Availability and price of one domain name."),
    ("domains.check_workspace", "Does a Google/Microsoft workspace already exist on the domain?"),
    ("domains.add_forwarding", "Forward the domain's web traffic to a URL."),
    ("domains.add_email_forwarding", "Catch-all e-mail forwarding."),
    ("domains.add_google_client_id", "Attach a Google OAuth client id to a domain."),
    ("domains.remove", "Remove domains."),
    ("domains.renewal_price", "Renewal price of domains."),
    ("domains.renew", "Renew domains now (paid from the wallet)."),
    ("domains.toggle_auto_renew", "Switch automatic renewal of domains on or off."),
    ("dns", "DNS records (and `dns import` from CSV)."),
    ("dns.list", "Records of a domain."),
    ("dns.add", "Add a record (or several, with --file)."),
    ("dns.update", "Replace a record."),
    ("dns.delete", "Delete a record."),
    ("orders", "Orders of domains and mailboxes."),
    ("orders.create", "Order domains and mailboxes (JSON body from --file)."),
    (
        "orders.create_multipart",
        "Same as create, multipart (profile pictures as `files` [{key, fileName, contentType, data(base64)}]).",
    ),
    ("orders.order_mailboxes", "Order mailboxes on a domain CMR already has (--file)."),
    ("orders.add_mailboxes_to_subscription", "DEPRECATED upstream: add mailboxes to a subscription (--file)."),
    ("orders.process", "Process an order created with `confirm: false`."),
    ("orders.status", "Status of an order."),
    ("orders.get", "Details of an order."),
    ("orders.find_by_domain", "Was an order for this domain applied? The user's record of the domain, or null."),
    ("mailboxes", "Mailboxes (and bulk `mailboxes update --file changes.csv`)."),
    ("mailboxes.list_all", "Every mailbox of the partner (paginated)."),
    ("mailboxes.get", "One mailbox."),
    ("mailboxes.admin_details", "Admin mailbox of the workspace, with credentials."),
    ("mailboxes.update", "Change one mailbox; `--file changes.csv` updates many (bulk, paced, with --report)."),
    ("mailboxes.update_many", "Change several mailboxes in one request (--file: JSON array or {mailboxData:[..]})."),
    ("mailboxes.remove", "Remove a mailbox."),
    ("subscriptions", "Mailbox subscriptions."),
    ("subscriptions.list", "Subscriptions (paginated, filterable)."),
    ("subscriptions.renew", "Queue renewals."),
    ("subscriptions.cancel", "Cancel a subscription (by id or domain). Permanent."),
    ("subscriptions.toggle_auto_renew", "Switch automatic renewal on or off."),
    ("subscriptions.recreate", "Recreate subscriptions after their first year (by ids or domains)."),
    ("exports", "Exports to sending platforms."),
    ("exports.reexport", "Re-run the OAuth export of a mailbox."),
    ("exports.list_credentials", "Connected platforms and their credentials."),
    ("exports.add_credential", "Store a platform credential (flags or --file)."),
    ("exports.remove_credential", "Delete a stored credential."),
    ("exports.export_mailboxes", "Queue ACTIVE mailboxes for export to a platform."),
    ("prewarmup", "Pre-warmed mailboxes."),
    ("prewarmup.list", "The pre-warmed inventory (paginated)."),
    ("prewarmup.order", "Buy pre-warmed domain packages (--file)."),
    ("prewarmup.sandbox_list", "Domains of CMR's pre-warmup sandbox."),
    ("prewarmup.sandbox_order", "A $0 sandbox order (--file; --scenario success|full_failure|partial_failure)."),
    ("prewarmup.sandbox_reset", "Wipe every sandbox pre-warmup record."),
    ("wallet", "The partner wallet."),
    ("wallet.get", "Balance of the partner wallet."),
    ("send_error", "Report a problem to CMR."),
];

/// Flags not named after their JSON name (whose kebab-case is the default;
/// a list's is in the singular).
const FLAG_NAMES: &[(&str, &str)] = &[
    ("recordType", "type"),
    ("domainNames", "domain"),
    ("componentMailboxIds", "mailbox-id"),
    ("excludedDMARCtags", "exclude-dmarc-tag"),
];

/// Help of a flag for the command line (by JSON name), before the field's
/// description: for the fields that have none, and where the CLI says it
/// better. A list's help gets " (repeat or comma-separate)" appended.
const FLAG_HELP: &[(&str, &str)] = &[
    ("userId", "Id of the customer."),
    ("countryCode", "ISO alpha-2 code, for example `US`."),
    ("country", "ISO 3166-1 alpha-2 code (see `cmr geo countries`)."),
    ("languagePreference", "For example `en`."),
    ("phoneCc", "Country calling code without `+`, for example `1`."),
    ("host", "`@`, `mail`, `_dmarc`, ..."),
    ("excludedDMARCtags", "DMARC tags CMR must not add (TXT `_dmarc` records only)."),
    ("tlds", "TLDs to try."),
    ("domainNames", "Domain name."),
    ("subscriptionIds", "Subscription id."),
    ("componentMailboxIds", "Mailbox id."),
    ("actionId", "The actionId the problem relates to."),
];

/// `page` and `limit` of a paginated operation, and its `--all`.
const PAGE_HELP: &str = "Page number (from 1).";
const LIMIT_HELP: &str = "Page size.";
const ALL_HELP: &str = "Fetch every page and print every item.";

fn find<'a>(table: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// camelCase JSON name -> snake_case Rust field (runs of capitals as one word).
fn snake(camel: &str) -> String {
    if camel == "excludedDMARCtags" {
        return "excluded_dmarc_tags".into();
    }
    let chars: Vec<char> = camel.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if i > 0 && (!prev_upper || next_lower) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn kebab(op_part: &str) -> String {
    op_part.replace('_', "-")
}

fn ref_name(s: &Value) -> Option<&str> {
    s.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next())
}

/// The known values of an enum schema (a `string_enum!`: `anyOf` of the
/// known values and any string), if it is one.
fn enum_values(def: &Value) -> Option<Vec<String>> {
    let list = |v: &Value| v.get("enum").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect());
    list(def).or_else(|| def.get("anyOf").and_then(Value::as_array).and_then(|a| a.iter().find_map(list)))
}

/// What one flag holds.
enum FlagType {
    /// A Rust type (`String`, `u32`, `f64`, `bool`), with the known values of an enum.
    Scalar(&'static str, Option<Vec<String>>),
    /// A list of scalars.
    List(&'static str, Option<Vec<String>>),
}

fn scalar(s: &Value, defs: &Map<String, Value>) -> Option<(&'static str, Option<Vec<String>>)> {
    if let Some(name) = ref_name(s) {
        let def = defs.get(name)?;
        return enum_values(def).map(|v| ("String", Some(v)));
    }
    if let Some(v) = enum_values(s) {
        return Some(("String", Some(v)));
    }
    let ty = match s.get("type").and_then(Value::as_str)? {
        "string" => "String",
        "boolean" => "bool",
        "number" => "f64",
        "integer" => match s.get("format").and_then(Value::as_str) {
            Some("uint32" | "uint16" | "uint8") => "u32",
            Some("uint64" | "uint") => "u64",
            Some("int32" | "int16" | "int8") => "i32",
            _ => "i64",
        },
        _ => return None,
    };
    Some((ty, None))
}

/// The flag type of a (non-null) schema; `None` when no flag can carry it.
fn flag_type(s: &Value, defs: &Map<String, Value>) -> Option<FlagType> {
    let s = names::non_null(s).0;
    if s.get("type").and_then(Value::as_str) == Some("array") {
        let (t, known) = scalar(&names::non_null(&s["items"]).0, defs)?;
        return Some(FlagType::List(t, known));
    }
    scalar(&s, defs).map(|(t, k)| FlagType::Scalar(t, k))
}

struct Flag {
    json: String,
    ty: FlagType,
    help: Option<String>,
    /// `page` of a paginated operation: conflicts with `--all`.
    page: bool,
}

/// One operation's command.
struct Cmd {
    op: &'static str,
    /// Variant (`ListAll`) and struct name (`MailboxesListAll`).
    variant: String,
    strukt: String,
    about: String,
    flags: Vec<Flag>,
    paginated: bool,
    file: bool,
    needs_file: bool,
    hand_written: bool,
}

/// First paragraph of a reST docstring as plain text.
fn plain(doc: &str) -> String {
    let para = doc.split("\n\n").next().unwrap_or("").replace('\n', " ");
    let mut s = para.replace("``None``", "null").replace("``True``", "true").replace("``False``", "false").replace("``", "`");
    for role in [":meth:", ":class:", ":func:", ":attr:"] {
        s = s.replace(role, "");
    }
    s
}

fn description(s: &Value) -> Option<String> {
    s.get("description").and_then(Value::as_str).map(|d| d.split("\n\n").next().unwrap_or("").replace('\n', " "))
}

fn flag(json: &str, s: &Value, defs: &Map<String, Value>, paginated: bool) -> Option<Flag> {
    let ty = flag_type(s, defs)?;
    let page = paginated && json == "page";
    let fixed = match json {
        "page" if paginated => Some(PAGE_HELP.to_string()),
        "limit" if paginated => Some(LIMIT_HELP.to_string()),
        _ => None,
    };
    let mut help = fixed.or_else(|| find(FLAG_HELP, json).map(String::from)).or_else(|| description(s));
    if matches!(ty, FlagType::List(..)) {
        let h = help.unwrap_or_else(|| {
            let mut c = json.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        });
        help = Some(format!("{} (repeat or comma-separate).", h.trim_end_matches('.')));
    }
    Some(Flag { json: json.to_string(), ty, help, page })
}

fn command(
    op: &'static str,
    sig: &Signature,
    doc: &str,
    sch: &routes::OpSchemas,
    defs: &Map<String, Value>,
) -> Cmd {
    let method = op.split_once('.').map_or(op, |(_, m)| m);
    let hand_written = HAND_WRITTEN.iter().any(|(o, _, _)| *o == op);
    let paginated = sig.is_paginated();
    let has_body = routes::by_op(op).is_some_and(|r| r.body != routes::BodyKind::None);
    let mut flags: Vec<Flag> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut complex = false;
    let mut body_fields = 0;
    let named: BTreeSet<&str> = sig.args.iter().filter(|a| !matches!(a.kind, ArgKind::Model(_))).map(|a| a.name).collect();
    for (i, a) in sig.args.iter().enumerate() {
        let s = sch.args[i].as_value();
        match a.kind {
            ArgKind::Model(_) => {
                let def = ref_name(s).and_then(|n| defs.get(n)).unwrap_or(s);
                let props = def.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
                let mut order: Vec<String> = sch.fields[i].iter().filter(|f| props.contains_key(**f)).map(|f| f.to_string()).collect();
                order.extend(props.keys().filter(|k| !order.contains(k)).cloned().collect::<Vec<_>>());
                for p in order {
                    if named.contains(p.as_str()) || !seen.insert(p.clone()) {
                        continue;
                    }
                    body_fields += 1;
                    match flag(&p, &props[&p], defs, paginated) {
                        Some(f) => flags.push(f),
                        None => complex = true,
                    }
                }
            }
            _ => {
                if !seen.insert(a.name.to_string()) {
                    continue;
                }
                match flag(a.name, s, defs, paginated) {
                    Some(f) => flags.push(f),
                    None => complex = true,
                }
            }
        }
    }
    let about = find(ABOUT, op).map(String::from).unwrap_or_else(|| plain(doc));
    Cmd {
        op,
        variant: pascal(method),
        strukt: pascal(&op.replace('.', "_")),
        about,
        flags,
        paginated,
        file: complex || (has_body && body_fields >= FILE_FIELDS),
        needs_file: complex,
        hand_written,
    }
}

fn doc_lines(text: &str, indent: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("{indent}/// {text}\n")
}

fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

fn strukt(c: &Cmd) -> String {
    let mut s = format!(
        "/// Flags of `cmr {}` (`{}`).\n#[derive(Args, Debug, Serialize)]\npub struct {} {{\n",
        c.op.replace('.', " ").replace('_', "-"),
        c.op,
        c.strukt
    );
    for f in &c.flags {
        let ident = snake(&f.json);
        let ident = match ident.as_str() {
            "type" | "ref" | "match" | "fn" | "mod" => format!("r#{ident}"),
            _ => ident,
        };
        let plain_ident = ident.trim_start_matches("r#");
        if let Some(h) = &f.help {
            s.push_str(&doc_lines(h, "    "));
        }
        let mut attrs: Vec<String> = Vec::new();
        let list = matches!(f.ty, FlagType::List(..));
        let default_long = plain_ident.replace('_', "-");
        let long = match find(FLAG_NAMES, &f.json) {
            Some(n) => n.to_string(),
            None if list => default_long.strip_suffix('s').unwrap_or(&default_long).to_string(),
            None => default_long.clone(),
        };
        attrs.push(if long == default_long { "long".into() } else { format!("long = {}", rust_str(&long)) });
        if f.page {
            attrs.push("conflicts_with = \"all\"".into());
        }
        if list {
            attrs.push("value_delimiter = ','".into());
        }
        let (ty, known) = match &f.ty {
            FlagType::Scalar(t, k) => (t.to_string(), k),
            FlagType::List(t, k) => (format!("Vec<{t}>"), k),
        };
        if let Some(k) = known {
            let vals: Vec<String> = k.iter().map(|v| rust_str(v)).collect();
            attrs.push(format!("value_parser = OpenEnum(&[{}])", vals.join(", ")));
        }
        s.push_str(&format!("    #[arg({})]\n", attrs.join(", ")));
        s.push_str(&format!("    #[serde(rename = {}, skip_serializing_if = \"Option::is_none\")]\n", rust_str(&f.json)));
        s.push_str(&format!("    pub {ident}: Option<{ty}>,\n"));
    }
    if c.paginated {
        s.push_str(&format!("    /// {ALL_HELP}\n    #[arg(long)]\n    #[serde(skip)]\n    pub all: bool,\n"));
    }
    if c.file {
        s.push_str("    #[command(flatten)]\n    #[serde(skip)]\n    pub input: FileArg,\n");
    }
    s.push_str("}\n\n");
    let file = if c.file { "self.input.file.as_deref()" } else { "None" };
    let all = if c.paginated { "self.all" } else { "false" };
    s.push_str(&format!(
        "impl {} {{\n    /// The operation and its argument object.\n    pub fn plan(self) -> CliResult<Job> {{\n        \
         crate::op_job({}, &self, {file}, {}, {all})\n    }}\n}}\n\n",
        c.strukt,
        rust_str(c.op),
        c.needs_file
    ));
    s
}

pub fn render() -> String {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.contract = Contract::Deserialize;
    let mut g = schemars::SchemaGenerator::new(settings);
    let mut all: Vec<(&'static str, &'static Signature, &'static str)> = Vec::new();
    for r in routes::ALL {
        all.push((r.op, &r.sig, r.doc));
    }
    for c in routes::COMPOSITE {
        all.push((c.op, &c.sig, c.doc));
    }
    let schemas: Vec<_> = all.iter().map(|(op, ..)| routes::schemas(op, &mut g).expect("every operation has schemas")).collect();
    let defs = g.definitions().clone();
    let cmds: Vec<Cmd> = all
        .iter()
        .zip(&schemas)
        .filter(|((op, ..), _)| !HAND_WRITTEN.iter().any(|(o, cover, _)| o == op && cover.is_some()))
        .map(|((op, sig, doc), sch)| command(op, sig, doc, sch, &defs))
        .collect();

    let mut s = format!(
        "// {}: `cargo run -p cmr-codegen -- write`.\n\
         //! The `cmr` subcommand of every operation of the route table and of\n\
         //! `routes::COMPOSITE` (see `crates/cmr-codegen/src/cli.rs` for the rules),\n\
         //! and its dispatch: each struct's `plan` serialises the flags into the\n\
         //! argument object of `cmr::ops::call`.\n\n\
         use clap::{{Args, Subcommand}};\n\
         use serde::Serialize;\n\n\
         use crate::args::*;\n\
         use crate::fail::CliResult;\n\
         use crate::Job;\n\n",
        super::GENERATED
    );
    s.push_str("/// Operations with no generated command: (operation, the hand-written command that covers it).\n");
    s.push_str("#[cfg_attr(not(test), allow(dead_code))]\npub const HAND_WRITTEN: &[(&str, &str)] = &[\n");
    for (op, cover, _) in HAND_WRITTEN {
        let path = cover.map(String::from).unwrap_or_else(|| op.replace('.', " ").replace('_', "-"));
        s.push_str(&format!("    ({}, {}),\n", rust_str(op), rust_str(&path)));
    }
    s.push_str("];\n\n");

    // The groups, then the top-level operations, as one enum flattened into `Command`.
    s.push_str("/// Every operation's command.\n#[derive(Subcommand, Debug)]\npub enum Api {\n");
    let mut groups = String::new();
    for (resource, rdoc) in routes::RESOURCES {
        let list: Vec<&Cmd> = cmds.iter().filter(|c| c.op.split_once('.').map(|(r, _)| r) == Some(*resource)).collect();
        if list.is_empty() {
            continue;
        }
        let g = pascal(resource);
        let about = find(ABOUT, resource).map(String::from).unwrap_or_else(|| plain(rdoc));
        s.push_str(&doc_lines(&about, "    "));
        s.push_str(&format!("    #[command(subcommand)]\n    {g}({g}),\n"));
        groups.push_str(&format!("/// `cmr {}`.\n#[derive(Subcommand, Debug)]\npub enum {g} {{\n", kebab(resource)));
        let mut arms = String::new();
        for c in &list {
            groups.push_str(&doc_lines(&c.about, "    "));
            if c.flags.is_empty() && !c.file && !c.paginated && !c.hand_written {
                groups.push_str(&format!("    {},\n", c.variant));
                arms.push_str(&format!(
                    "            {g}::{} => crate::op_job({}, &serde_json::json!({{}}), None, false, false),\n",
                    c.variant,
                    rust_str(c.op)
                ));
            } else {
                groups.push_str(&format!("    {}({}),\n", c.variant, c.strukt));
                arms.push_str(&format!("            {g}::{}(a) => a.plan(),\n", c.variant));
            }
        }
        if let Some(extra) = find(EXTRA, resource) {
            groups.push_str(&format!("    #[command(flatten)]\n    More({extra}),\n"));
            arms.push_str(&format!("            {g}::More(c) => c.plan(),\n"));
        }
        groups.push_str("}\n\n");
        groups.push_str(&format!(
            "impl {g} {{\n    pub fn plan(self) -> CliResult<Job> {{\n        match self {{\n{arms}        }}\n    }}\n}}\n\n"
        ));
    }
    let top: Vec<&Cmd> = cmds.iter().filter(|c| !c.op.contains('.')).collect();
    for c in &top {
        s.push_str(&doc_lines(&c.about, "    "));
        s.push_str(&format!("    {}({}),\n", c.variant, c.strukt));
    }
    s.push_str("}\n\nimpl Api {\n    pub fn plan(self) -> CliResult<Job> {\n        match self {\n");
    for (resource, _) in routes::RESOURCES {
        if cmds.iter().any(|c| c.op.split_once('.').map(|(r, _)| r) == Some(*resource)) {
            let g = pascal(resource);
            s.push_str(&format!("            Api::{g}(c) => c.plan(),\n"));
        }
    }
    for c in &top {
        s.push_str(&format!("            Api::{}(a) => a.plan(),\n", c.variant));
    }
    s.push_str("        }\n    }\n}\n\n");
    s.push_str(&groups);
    for c in cmds.iter().filter(|c| !c.hand_written && (!c.flags.is_empty() || c.file || c.paginated)) {
        s.push_str(&strukt(c));
    }
    s.truncate(s.trim_end().len());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_json_names() {
        assert_eq!(snake("userId"), "user_id");
        assert_eq!(snake("excludedDMARCtags"), "excluded_dmarc_tags");
        assert_eq!(snake("appBaseURL"), "app_base_url");
        assert_eq!(snake("componentMailboxIds"), "component_mailbox_ids");
    }

    #[test]
    fn skip_list_names_known_operations() {
        for (op, cover, _) in HAND_WRITTEN {
            assert!(routes::signature(op).is_some(), "{op} is not an operation");
            if let Some(c) = cover {
                assert!(!c.is_empty());
            }
        }
    }
}
