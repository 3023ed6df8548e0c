//! `cmr`: the Cold Mail Reseller partner API from the command line.
//!
//! Every operation goes through the core's typed API (via `cmr::ops::call`,
//! which decodes the flags into the typed request model and calls the typed
//! method); this crate has no HTTP code of its own for the API.

mod args;
mod args_generated;
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
pub(crate) enum Job {
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
        Command::Api(a) => a.plan()?,
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
fn merged<T: Serialize>(a: &T, file: Option<&Path>) -> CliResult<Value> {
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

/// The job of a generated command (`args_generated.rs`): `op` with the
/// flags as its argument object, laid over the `--file` object if any.
/// `needs_file`: the body has a field no flag can carry.
pub(crate) fn op_job<T: Serialize>(
    op: &'static str,
    a: &T,
    file: Option<&Path>,
    needs_file: bool,
    all: bool,
) -> CliResult<Job> {
    if needs_file && file.is_none() {
        let what = op.replace('.', " ").replace('_', "-");
        return Err(usage(format!("{what} needs --file FILE.json (or - for stdin) with the request body")));
    }
    Ok(Job::Op { op, args: merged(a, file)?, all })
}

fn op(op: &'static str, args: Value) -> Job {
    Job::Op { op, args, all: false }
}

// ----------------------------------------------- hand-written operations --
// The operations of the generator's skip list (`HAND_WRITTEN`).

impl DnsAdd {
    pub fn plan(self) -> CliResult<Job> {
        let mut v = merged(&self, self.input.file.as_deref())?;
        let rec = flags(&self.record);
        if !rec.is_empty() {
            let records = v.as_object_mut().unwrap().entry("records").or_insert_with(|| json!([]));
            match records.as_array_mut() {
                Some(list) => list.push(Value::Object(rec)),
                None => return Err(usage("`records` in --file must be a list")),
            }
        }
        Ok(op("dns.add", v))
    }
}

impl DnsMore {
    pub fn plan(self) -> CliResult<Job> {
        match self {
            DnsMore::Import(b) => Ok(Job::DnsImport(b)),
        }
    }
}

impl MailboxesUpdate {
    pub fn plan(self) -> CliResult<Job> {
        match &self.file {
            Some(p) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) => {
                let user_id = self.user_id.clone().ok_or_else(|| usage("--user-id is required"))?;
                Ok(Job::MailboxesBulk {
                    args: BulkArgs {
                        csv: p.clone(),
                        user_id,
                        report: self.report.clone(),
                        rate: self.rate,
                        batch_size: self.batch_size,
                        journal: self.journal.clone(),
                    },
                })
            }
            file => Ok(op("mailboxes.update", merged(&self, file.as_deref())?)),
        }
    }
}

impl MailboxesUpdateMany {
    pub fn plan(self) -> CliResult<Job> {
        let file = self.input.file.as_ref().ok_or_else(|| usage("mailboxes update-many needs --file"))?;
        let data = match read_json(file)? {
            Value::Array(list) => Value::Array(list),
            Value::Object(mut m) => m.remove("mailboxData").unwrap_or(Value::Null),
            _ => Value::Null,
        };
        let mut args = flags(&self);
        args.insert("mailboxData".into(), data);
        Ok(op("mailboxes.update_many", Value::Object(args)))
    }
}

impl ExportsAddCredential {
    pub fn plan(self) -> CliResult<Job> {
        let mut v = merged(&self, self.input.file.as_deref())?;
        let m = v.as_object_mut().unwrap();
        let mut set = |outer: &str, key: &str, val: &Option<String>| {
            if let Some(val) = val {
                let o = m.entry(outer.to_string()).or_insert_with(|| json!({}));
                if let Some(o) = o.as_object_mut() {
                    o.insert(key.to_string(), json!(val));
                }
            }
        };
        set("credentials", "email", &self.email);
        set("credentials", "password", &self.password);
        set("metadata", "appBaseUrl", &self.app_base_url);
        set("metadata", "clientId", &self.client_id);
        set("metadata", "appName", &self.app_name);
        set("metadata", "workspace", &self.workspace);
        m.entry("metadata").or_insert_with(|| json!({}));
        Ok(op("exports.add_credential", v))
    }
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

    /// The command at `path` (`["dns", "import"]`), if there is one.
    fn find<'a>(cli: &'a clap::Command, path: &[&str]) -> Option<&'a clap::Command> {
        path.iter().try_fold(cli, |cmd, p| cmd.find_subcommand(p))
    }

    /// Every operation of the route table and of `routes::COMPOSITE` has its
    /// `cmr <resource> <method>` command, or one of the generator's skip list
    /// covers it.
    #[test]
    fn every_operation_has_a_subcommand() {
        let cli = Cli::command();
        let ops = cmr::routes::ALL.iter().map(|r| r.op).chain(cmr::routes::COMPOSITE.iter().map(|c| c.op));
        for op in ops {
            let kebab = op.replace('_', "-");
            let own: Vec<&str> = kebab.split('.').collect();
            let path: Vec<&str> = match args_generated::HAND_WRITTEN.iter().find(|(o, _)| *o == op) {
                Some((_, cover)) => cover.split(' ').collect(),
                None => own,
            };
            assert!(find(&cli, &path).is_some(), "no `cmr {}` for {op}", path.join(" "));
        }
    }

    /// Every command of a group is an operation, or a hand-written one named in
    /// the skip list (so a renamed operation cannot leave a stale command).
    #[test]
    fn every_subcommand_is_an_operation() {
        let cli = Cli::command();
        let hand_written: Vec<&str> = args_generated::HAND_WRITTEN.iter().map(|(_, c)| *c).collect();
        for group in cli.get_subcommands().filter(|g| g.has_subcommands() && g.get_name() != "webhooks") {
            for c in group.get_subcommands() {
                let path = format!("{} {}", group.get_name(), c.get_name());
                let op = format!("{}.{}", group.get_name(), c.get_name().replace('-', "_"));
                assert!(
                    cmr::routes::signature(&op).is_some() || hand_written.contains(&path.as_str()),
                    "`cmr {path}` is no operation"
                );
            }
        }
    }

    /// An enum flag lists the known values but takes an unknown one (CMR's enums are open).
    #[test]
    fn enum_flags_are_open() {
        let cli = Cli::command();
        let list = find(&cli, &["subscriptions", "list"]).unwrap();
        let status = list.get_arguments().find(|a| a.get_id() == "status").unwrap();
        let known: Vec<String> = status.get_possible_values().iter().map(|v| v.get_name().to_string()).collect();
        assert!(known.contains(&"PAST_DUE".to_string()), "{known:?}");
        let m = Cli::try_parse_from(["cmr", "subscriptions", "list", "--status", "SOMETHING_NEW"]).unwrap();
        let Command::Api(api) = m.command else { panic!("not an operation") };
        let Api::Subscriptions(Subscriptions::List(a)) = *api else { panic!("not subscriptions list") };
        assert_eq!(a.status.as_deref(), Some("SOMETHING_NEW"));
    }
}
