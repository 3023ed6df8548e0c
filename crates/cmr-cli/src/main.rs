//! `cmr`: the Cold Mail Reseller partner API from the command line.
//!
//! Every operation goes through the core's typed API (via `cmr::ops::call`,
//! which decodes the flags into the typed request model and calls the typed
//! method); this crate has no HTTP code of its own for the API.

mod args;
mod bulk;
mod demo;
mod fail;
mod listen;
mod output;

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use clap::Parser;
use serde::Serialize;
use serde_json::{json, Map, Value};

use args::*;
use fail::{failed, usage, CliResult};

fn main() {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = match rt.block_on(run(cli)) {
        Ok(()) => 0,
        Err(f) => {
            eprintln!("{}", f.line());
            f.exit_code()
        }
    };
    // Do not wait for background tasks (servers) to wind down.
    rt.shutdown_timeout(Duration::from_millis(100));
    std::process::exit(code);
}

/// What a subcommand does.
enum Job {
    /// One operation of the route table: `op` with its argument object.
    Op { op: &'static str, args: Value, all: bool },
    DnsImport(BulkArgs),
    MailboxesBulk { args: BulkArgs },
}

async fn run(cli: Cli) -> CliResult<()> {
    let g = cli.global.clone();
    let job = match cli.command {
        Command::Sandbox(s) => return run_sandbox(s).await,
        Command::Demo => return demo::run().await,
        Command::Webhooks(Webhooks::Listen(l)) => return listen::run(l, g.json).await,
        Command::Request(r) => {
            let (client, _sb) = connect(&g, None).await?;
            return raw_request(&client, r, g.json).await;
        }
        other => plan(other)?,
    };
    match job {
        Job::Op { op, args, all } => {
            let (client, _sb) = connect(&g, None).await?;
            let result = if all { fetch_all(&client, op, args).await? } else { cmr::ops::call(&client, op, args).await? };
            output::print(op, &result, g.json);
            Ok(())
        }
        Job::DnsImport(b) => {
            let (client, _sb) = connect(&g, Some(b.rate)).await?;
            bulk::dns_import(&client, &b, g.json).await
        }
        Job::MailboxesBulk { args } => {
            let (client, _sb) = connect(&g, Some(args.rate)).await?;
            bulk::mailboxes_update(&client, &args, g.json).await
        }
    }
}

/// Build the client from the global flags; with `--sandbox`, start an
/// embedded (seeded) sandbox first and point the client at it.
async fn connect(g: &Global, rps: Option<f64>) -> CliResult<(cmr::Client, Option<cmr_sandbox::Sandbox>)> {
    let mut b = cmr::Client::builder();
    let mut sb = None;
    if g.sandbox {
        let s = cmr_sandbox::Sandbox::start(cmr_sandbox::SandboxOptions { port: 0, ..Default::default() })
            .await
            .map_err(|e| failed(format!("could not start the embedded sandbox: {e}")))?;
        s.control().seed();
        b = b.api_key(s.api_key()).base_url(s.base_url());
        sb = Some(s);
    } else {
        if let Some(k) = g.api_key.as_ref().filter(|k| !k.is_empty()) {
            b = b.api_key(k.as_str());
        }
        if let Some(u) = g.base_url.as_ref().filter(|u| !u.is_empty()) {
            b = b.base_url(u.as_str());
        }
    }
    if let Some(n) = g.max_retries {
        b = b.max_retries(n);
    }
    match g.verbose {
        0 => {} // CMR_LOG decides
        1 => b = b.log_level(cmr::LogLevel::Info),
        _ => b = b.log_level(cmr::LogLevel::Debug),
    }
    if let Some(t) = g.timeout {
        if !(t > 0.0 && t.is_finite()) {
            return Err(usage("--timeout must be a positive number of seconds"));
        }
        b = b.timeout(Duration::from_secs_f64(t));
    }
    if let Some(r) = rps {
        b = b.requests_per_second(r);
    }
    b = b.user_agent_prefix(concat!("cmr-cli/", env!("CARGO_PKG_VERSION")));
    Ok((b.build()?, sb))
}

/// Every page of a paginated operation: the items of all pages as one list.
async fn fetch_all(client: &cmr::Client, op: &str, mut args: Value) -> CliResult<Value> {
    if !cmr::ops::is_paginated(op) {
        return Err(usage(format!("--all applies to paginated lists only, not {op}")));
    }
    let mut page = args.get("page").and_then(Value::as_u64).unwrap_or(1);
    let mut items = Vec::new();
    loop {
        args["page"] = json!(page);
        let v = cmr::ops::call(client, op, args.clone()).await?;
        items.extend(v.get("items").and_then(Value::as_array).cloned().unwrap_or_default());
        match v.get("nextPage").and_then(Value::as_u64) {
            Some(n) if n > page => page = n,
            _ => break,
        }
    }
    Ok(Value::Array(items))
}

// ---------------------------------------------------------------- inputs --

/// Read a JSON document from a file, or stdin for `-`.
fn read_json(path: &Path) -> CliResult<Value> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| usage(format!("could not read stdin: {e}")))?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| usage(format!("could not read {}: {e}", path.display())))?
    };
    serde_json::from_str(&text).map_err(|e| usage(format!("{} is not valid JSON: {e}", path.display())))
}

/// Flags as an argument object: camelCase, unset flags dropped.
fn flags<T: Serialize>(a: &T) -> Map<String, Value> {
    match serde_json::to_value(a) {
        Ok(Value::Object(m)) => m.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => Map::new(),
    }
}

/// The `--file` object (if any) with the flags laid over it.
fn merged<T: Serialize>(a: &T, file: &Option<std::path::PathBuf>) -> CliResult<Value> {
    let mut base = match file {
        Some(p) => match read_json(p)? {
            Value::Object(m) => m,
            _ => return Err(usage(format!("{} must hold a JSON object", p.display()))),
        },
        None => Map::new(),
    };
    base.extend(flags(a));
    Ok(Value::Object(base))
}

fn op(op: &'static str, args: Value) -> Job {
    Job::Op { op, args, all: false }
}

fn plan(cmd: Command) -> CliResult<Job> {
    fn f<T: Serialize>(a: &T) -> Value {
        Value::Object(flags(a))
    }
    Ok(match cmd {
        Command::Users(c) => match c {
            Users::List(a) => Job::Op { op: "users.list", all: a.pages.all, args: f(&a) },
            Users::Get(a) => op("users.get", f(&a)),
            Users::Create(a) => op("users.create", merged(&a, &a.input.file)?),
            Users::Update(a) => op("users.update", merged(&a, &a.input.file)?),
            Users::Delete(a) => op("users.delete", f(&a)),
        },
        Command::Geo(c) => match c {
            Geo::Countries => op("geo.countries", json!({})),
            Geo::States(a) => op("geo.states", f(&a)),
        },
        Command::Domains(c) => match c {
            Domains::List(a) => op("domains.list", f(&a)),
            Domains::Suggest(a) => op("domains.suggest", f(&a)),
            Domains::CheckAvailability(a) => op("domains.check_availability", f(&a)),
            Domains::CheckWorkspace(a) => op("domains.check_workspace", f(&a)),
            Domains::AddForwarding(a) => op("domains.add_forwarding", f(&a)),
            Domains::AddEmailForwarding(a) => op("domains.add_email_forwarding", f(&a)),
            Domains::AddGoogleClientId(a) => op("domains.add_google_client_id", f(&a)),
            Domains::Remove(a) => op("domains.remove", f(&a)),
            Domains::RenewalPrice(a) => op("domains.renewal_price", f(&a)),
            Domains::Renew(a) => op("domains.renew", f(&a)),
            Domains::ToggleAutoRenew(a) => op("domains.toggle_auto_renew", f(&a)),
        },
        Command::Dns(c) => match c {
            Dns::List(a) => op("dns.list", f(&a)),
            Dns::Add(a) => {
                let mut v = merged(&a, &a.input.file)?;
                let rec = flags(&a.record);
                if !rec.is_empty() {
                    let records = v.as_object_mut().unwrap().entry("records").or_insert_with(|| json!([]));
                    match records.as_array_mut() {
                        Some(list) => list.push(Value::Object(rec)),
                        None => return Err(usage("`records` in --file must be a list")),
                    }
                }
                op("dns.add", v)
            }
            Dns::Update(a) => op("dns.update", merged(&a, &a.input.file)?),
            Dns::Delete(a) => op("dns.delete", f(&a)),
            Dns::Import(b) => Job::DnsImport(b),
            Dns::Find(a) => op("dns.find", f(&a)),
        },
        Command::Orders(c) => match c {
            Orders::Create(a) => op("orders.create", need_file(&a, "orders create")?),
            Orders::CreateMultipart(a) => op("orders.create_multipart", need_file(&a, "orders create-multipart")?),
            Orders::OrderMailboxes(a) => op("orders.order_mailboxes", need_file(&a, "orders order-mailboxes")?),
            Orders::AddMailboxesToSubscription(a) => {
                op("orders.add_mailboxes_to_subscription", need_file(&a, "orders add-mailboxes-to-subscription")?)
            }
            Orders::Process(a) => op("orders.process", f(&a)),
            Orders::Status(a) => op("orders.status", f(&a)),
            Orders::Get(a) => op("orders.get", f(&a)),
        },
        Command::Mailboxes(c) => match c {
            Mailboxes::ListAll(a) => Job::Op { op: "mailboxes.list_all", all: a.all, args: f(&a) },
            Mailboxes::List(a) => op("mailboxes.list", f(&a)),
            Mailboxes::Get(a) => op("mailboxes.get", f(&a)),
            Mailboxes::AdminDetails(a) => op("mailboxes.admin_details", f(&a)),
            Mailboxes::Update(a) => match &a.file {
                Some(p) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) => {
                    let user_id = a.user_id.clone().ok_or_else(|| usage("--user-id is required"))?;
                    Job::MailboxesBulk {
                        args: BulkArgs {
                            csv: p.clone(),
                            user_id,
                            report: a.report.clone(),
                            rate: a.rate,
                            batch_size: a.batch_size,
                            journal: a.journal.clone(),
                        },
                    }
                }
                file => op("mailboxes.update", merged(&a, file)?),
            },
            Mailboxes::UpdateMany(a) => {
                let file = a.input.file.as_ref().ok_or_else(|| usage("mailboxes update-many needs --file"))?;
                let data = match read_json(file)? {
                    Value::Array(list) => Value::Array(list),
                    Value::Object(mut m) => m.remove("mailboxData").unwrap_or(Value::Null),
                    _ => Value::Null,
                };
                let mut args = flags(&a);
                args.insert("mailboxData".into(), data);
                op("mailboxes.update_many", Value::Object(args))
            }
            Mailboxes::Remove(a) => op("mailboxes.remove", f(&a)),
        },
        Command::Subscriptions(c) => match c {
            Subscriptions::List(a) => Job::Op { op: "subscriptions.list", all: a.pages.all, args: f(&a) },
            Subscriptions::Renew(a) => op("subscriptions.renew", f(&a)),
            Subscriptions::Cancel(a) => op("subscriptions.cancel", f(&a)),
            Subscriptions::ToggleAutoRenew(a) => op("subscriptions.toggle_auto_renew", f(&a)),
            Subscriptions::Recreate(a) => op("subscriptions.recreate", f(&a)),
        },
        Command::Exports(c) => match c {
            Exports::Reexport(a) => op("exports.reexport", f(&a)),
            Exports::ListCredentials(a) => op("exports.list_credentials", f(&a)),
            Exports::AddCredential(a) => {
                let mut v = merged(&a, &a.input.file)?;
                let m = v.as_object_mut().unwrap();
                let mut set = |outer: &str, key: &str, val: &Option<String>| {
                    if let Some(val) = val {
                        let o = m.entry(outer.to_string()).or_insert_with(|| json!({}));
                        if let Some(o) = o.as_object_mut() {
                            o.insert(key.to_string(), json!(val));
                        }
                    }
                };
                set("credentials", "email", &a.email);
                set("credentials", "password", &a.password);
                set("metadata", "appBaseUrl", &a.app_base_url);
                set("metadata", "clientId", &a.client_id);
                set("metadata", "appName", &a.app_name);
                set("metadata", "workspace", &a.workspace);
                m.entry("metadata").or_insert_with(|| json!({}));
                op("exports.add_credential", v)
            }
            Exports::RemoveCredential(a) => op("exports.remove_credential", f(&a)),
            Exports::ExportMailboxes(a) => op("exports.export_mailboxes", f(&a)),
        },
        Command::Prewarmup(c) => match c {
            Prewarmup::List(a) => Job::Op { op: "prewarmup.list", all: a.pages.all, args: f(&a) },
            Prewarmup::Order(a) => op("prewarmup.order", need_file(&a, "prewarmup order")?),
            Prewarmup::SandboxList(a) => op("prewarmup.sandbox_list", f(&a)),
            Prewarmup::SandboxOrder(a) => op("prewarmup.sandbox_order", merged(&a, &a.input.file)?),
            Prewarmup::SandboxReset => op("prewarmup.sandbox_reset", json!({})),
        },
        Command::Wallet(Wallet::Get) => op("wallet.get", json!({})),
        Command::SendError(a) => op("send_error", f(&a)),
        Command::Sandbox(_) | Command::Demo | Command::Webhooks(_) | Command::Request(_) => unreachable!("handled in run"),
    })
}

fn need_file(a: &WithFile, what: &str) -> CliResult<Value> {
    if a.input.file.is_none() {
        return Err(usage(format!("{what} needs --file FILE.json (or - for stdin) with the request body")));
    }
    merged(a, &a.input.file)
}

// ------------------------------------------------------------------- raw --

async fn raw_request(client: &cmr::Client, r: RawRequest, json_out: bool) -> CliResult<()> {
    let method = cmr::Method::parse(&r.method).ok_or_else(|| usage(format!("unknown HTTP method {:?}", r.method)))?;
    let mut query = Vec::new();
    for q in &r.query {
        let (k, v) = q.split_once('=').ok_or_else(|| usage(format!("--query {q:?} must be KEY=VALUE")))?;
        query.push((k.to_string(), v.to_string()));
    }
    let body = match r.body.as_deref() {
        None => None,
        Some("-") => Some(read_json(Path::new("-"))?),
        Some(s) if s.starts_with('@') => Some(read_json(Path::new(&s[1..]))?),
        Some(s) => Some(serde_json::from_str(s).map_err(|e| usage(format!("--body is not valid JSON: {e}")))?),
    };
    let env = client.request(method, &r.path, &query, body).await?;
    let v = serde_json::to_value(&env).unwrap_or(Value::Null);
    if json_out {
        output::print("request", &v, true);
    } else {
        if !env.message.is_empty() {
            println!("{}", env.message);
        }
        print!("{}", output::human("request", &env.data));
    }
    Ok(())
}

// --------------------------------------------------------------- sandbox --

async fn run_sandbox(s: SandboxCmd) -> CliResult<()> {
    let opts = cmr_sandbox::SandboxOptions {
        port: s.port,
        rate_limit: if s.no_rate_limit { None } else { Some(5) },
        webhook_url: s.webhook_url.clone(),
        data_file: s.data.clone(),
        max_batch: s.max_batch.max(1),
        ..Default::default()
    };
    let sb = cmr_sandbox::Sandbox::start(opts).await.map_err(|e| failed(format!("could not start the sandbox: {e}")))?;
    println!("cmr sandbox listening on {}", sb.url());
    println!("  base URL:        {}", sb.base_url());
    println!("  API key:         {}", sb.api_key());
    println!("  webhook secret:  {}", sb.webhook_secret());
    println!("  control API:     {}/__sandbox", sb.url());
    println!("  rate limit:      {}", if s.no_rate_limit { "off" } else { "5 requests/second" });
    println!("Try: CMR_BASE_URL={} CMR_API_KEY={} cmr users list", sb.base_url(), sb.api_key());
    println!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    sb.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }

    /// Every operation of the route table has its `cmr <resource> <method>` command.
    #[test]
    fn every_route_has_a_subcommand() {
        let cli = Cli::command();
        for r in cmr::routes::ALL {
            let path: Vec<String> = r.op.split('.').map(|p| p.replace('_', "-")).collect();
            let mut cmd = &cli;
            for p in &path {
                cmd = cmd.find_subcommand(p).unwrap_or_else(|| panic!("no `cmr {}` for {}", path.join(" "), r.op));
            }
        }
    }
}
