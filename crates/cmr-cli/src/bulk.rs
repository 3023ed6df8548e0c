//! Bulk jobs from CSV: `cmr dns import` and `cmr mailboxes update --file x.csv`.
//!
//! Rows go through the core's bulk helpers (`dns.add_many`,
//! `mailboxes.update_all`): many rows per request (`--batch-size`, 50 by
//! default), paced at `--rate` requests per second (CMR's 5 by default)
//! without drawing a 429.
//!
//! Every row ends ok, failed (definite: not applied, safe to send again) or
//! maybe applied (sent, answer lost, not confirmed by the lookup). With
//! `--report FAILURES.csv`, failed rows go there (plus an `error` column:
//! a valid input to resume with) and maybe-applied rows to
//! `FAILURES.maybe-applied.csv`, kept apart: check them (`cmr dns find`)
//! before sending them again. A succeeded row is in neither file.
//!
//! Kill safety: a journal (`--journal`, default `<input>.journal`) gets one
//! line per batch sent and per row outcome, written as it happens (no user
//! space buffer), and so do both reports. Run the same command again after a
//! crash or `kill -9`: rows the journal has as ok are skipped, rows that
//! were in flight are looked up (found: ok; not found: maybe applied) and
//! never sent again blindly; the others are sent. Ctrl-C and SIGTERM stop
//! the job the same way: nothing new is sent, rows in flight are looked up.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use cmr::bulk::BulkEvent;
use cmr::models::{BulkDnsRecord, BulkItemStatus, BulkOptions, MailboxUpdate, RecordType};

use crate::fail::{failed, usage, CliResult};

/// Name of the column the report adds (ignored when a report is read back).
const ERROR_COLUMN: &str = "error";

struct Rows {
    /// Input columns (without `error`).
    headers: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

fn read_csv(path: &Path, required: &[&str]) -> CliResult<Rows> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(path)
        .map_err(|e| usage(format!("could not read {}: {e}", path.display())))?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| usage(format!("{}: bad header line: {e}", path.display())))?
        .iter()
        .map(str::to_string)
        .collect();
    for r in required {
        if !headers.iter().any(|h| h.eq_ignore_ascii_case(r)) {
            return Err(usage(format!("{}: missing column {r:?} (have: {})", path.display(), headers.join(","))));
        }
    }
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| usage(format!("{}: line {}: {e}", path.display(), i + 2)))?;
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        let mut row = HashMap::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            if !h.eq_ignore_ascii_case(ERROR_COLUMN) {
                row.insert(h.to_ascii_lowercase(), v.to_string());
            }
        }
        rows.push(row);
    }
    let headers = headers.into_iter().filter(|h| !h.eq_ignore_ascii_case(ERROR_COLUMN)).collect();
    Ok(Rows { headers, rows })
}

fn get<'a>(row: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    row.get(&key.to_ascii_lowercase()).map(String::as_str).filter(|s| !s.is_empty())
}

fn progress(len: usize, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len as u64);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}


#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Ok,
    Failed,
    Maybe,
}

impl Outcome {
    fn word(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Maybe => "maybe_applied",
        }
    }
}

/// An append-only file whose every line reaches the OS as it is written.
struct Appender(File);

impl Appender {
    fn open(path: &Path, truncate: bool) -> CliResult<Appender> {
        let mut o = OpenOptions::new();
        o.create(true);
        if truncate {
            o.write(true).truncate(true);
        } else {
            o.append(true);
        }
        o.open(path).map(Appender).map_err(|e| failed(format!("could not write {}: {e}", path.display())))
    }
    fn line(&mut self, s: &str) {
        // A failing journal write must not stop the job mid-batch; it is reported.
        if let Err(e) = self.0.write_all(format!("{s}\n").as_bytes()) {
            eprintln!("warning: could not write the journal/report: {e}");
        }
    }
}

/// A CSV report written row by row.
struct Report {
    path: PathBuf,
    headers: Vec<String>,
    out: Appender,
    n: usize,
}

impl Report {
    fn create(path: &Path, headers: &[String]) -> CliResult<Report> {
        let mut r = Report { path: path.to_path_buf(), headers: headers.to_vec(), out: Appender::open(path, true)?, n: 0 };
        let mut head: Vec<String> = headers.to_vec();
        head.push(ERROR_COLUMN.into());
        r.write(&head);
        Ok(r)
    }
    fn write(&mut self, rec: &[String]) {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = w.write_record(rec);
        let bytes = w.into_inner().unwrap_or_default();
        let line = String::from_utf8_lossy(&bytes);
        self.out.line(line.trim_end_matches(['\r', '\n']));
    }
    fn row(&mut self, row: &HashMap<String, String>, err: &str) {
        let mut rec: Vec<String> = self.headers.iter().map(|h| row.get(&h.to_ascii_lowercase()).cloned().unwrap_or_default()).collect();
        rec.push(err.replace(['\n', '\r'], " "));
        self.write(&rec);
        self.n += 1;
    }
}

fn maybe_path(report: &Path) -> PathBuf {
    let stem = report.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "report".into());
    report.with_file_name(format!("{stem}.maybe-applied.csv"))
}

/// What the journal of an earlier run says about each row (last word wins).
fn read_journal(path: &Path, header: &str) -> CliResult<HashMap<usize, (String, String)>> {
    let mut out = HashMap::new();
    let Ok(f) = File::open(path) else { return Ok(out) };
    let mut lines = std::io::BufReader::new(f).lines();
    match lines.next() {
        None => return Ok(out),
        Some(Ok(h)) if h == header => {}
        Some(_) => {
            return Err(usage(format!(
                "{} is the journal of another job (not `{header}`): remove it or pass --journal",
                path.display()
            )))
        }
    }
    for l in lines.map_while(Result::ok) {
        let mut p = l.splitn(3, '\t');
        let (Some(row), Some(word)) = (p.next().and_then(|r| r.parse::<usize>().ok()), p.next()) else { continue };
        out.insert(row, (word.to_string(), p.next().unwrap_or("").to_string()));
    }
    Ok(out)
}

/// One bulk job: the rows, what to do with a batch of them, how to look one up.
trait Job {
    fn what(&self) -> &'static str;
    /// Parse every row; `Err(message)` fails the row before sending.
    fn parse(&mut self, rows: &[HashMap<String, String>]) -> Vec<Result<(), String>>;
    /// Run the bulk helper on these row positions, reporting events by row position.
    fn run<'a>(
        &'a self,
        rows: &'a [usize],
        opts: &'a BulkOptions,
        on: &'a mut (dyn FnMut(BulkEvent<'_>) + Send),
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = cmr::Result<cmr::models::BulkResult>> + Send + 'a>>;
    /// Was each of these rows applied? `Some(found)`, or `None` when the lookup failed.
    fn lookup<'a>(&'a self, rows: &'a [usize]) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Option<bool>>> + Send + 'a>>;
}

struct DnsJob {
    client: cmr::Client,
    user: String,
    items: Vec<BulkDnsRecord>,
}

impl Job for DnsJob {
    fn what(&self) -> &'static str {
        "dns import"
    }
    fn parse(&mut self, rows: &[HashMap<String, String>]) -> Vec<Result<(), String>> {
        rows.iter()
            .map(|row| {
                let priority = match get(row, "priority") {
                    None => Ok(None),
                    Some(p) => p.parse::<u32>().map(Some).map_err(|_| format!("validation: priority {p:?} is not a number")),
                };
                self.items.push(BulkDnsRecord {
                    domain: get(row, "domain").unwrap_or_default().to_string(),
                    host: get(row, "host").unwrap_or_default().to_string(),
                    value: get(row, "value").unwrap_or_default().to_string(),
                    record_type: RecordType::parse(&get(row, "type").unwrap_or_default().to_ascii_uppercase()),
                    priority: priority.clone().unwrap_or(None),
                    excluded_dmarc_tags: None,
                });
                priority.map(|_| ())
            })
            .collect()
    }
    fn run<'a>(
        &'a self,
        rows: &'a [usize],
        opts: &'a BulkOptions,
        on: &'a mut (dyn FnMut(BulkEvent<'_>) + Send),
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = cmr::Result<cmr::models::BulkResult>> + Send + 'a>> {
        Box::pin(async move {
            let list: Vec<BulkDnsRecord> = rows.iter().map(|&i| self.items[i].clone()).collect();
            self.client.dns().add_many_with(&self.user, &list, opts, on).await
        })
    }
    fn lookup<'a>(&'a self, rows: &'a [usize]) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Option<bool>>> + Send + 'a>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for &i in rows {
                let r = &self.items[i];
                let found = self.client.dns().find(&self.user, &r.domain, &r.record_type, &r.host, &r.value).await;
                out.push(found.ok().map(|f| f.is_some()));
            }
            out
        })
    }
}

struct MailboxJob {
    client: cmr::Client,
    user: String,
    items: Vec<MailboxUpdate>,
}

impl Job for MailboxJob {
    fn what(&self) -> &'static str {
        "mailboxes update"
    }
    fn parse(&mut self, rows: &[HashMap<String, String>]) -> Vec<Result<(), String>> {
        rows.iter()
            .map(|row| {
                self.items.push(MailboxUpdate {
                    mailbox_id: get(row, "mailboxId").unwrap_or_default().to_string(),
                    user_name: get(row, "userName").map(str::to_string),
                    first_name: get(row, "firstName").map(str::to_string),
                    last_name: get(row, "lastName").map(str::to_string),
                    profile_picture: get(row, "profilePicture").map(str::to_string),
                    remove_profile_picture: None,
                });
                Ok(())
            })
            .collect()
    }
    fn run<'a>(
        &'a self,
        rows: &'a [usize],
        opts: &'a BulkOptions,
        on: &'a mut (dyn FnMut(BulkEvent<'_>) + Send),
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = cmr::Result<cmr::models::BulkResult>> + Send + 'a>> {
        Box::pin(async move {
            let list: Vec<MailboxUpdate> = rows.iter().map(|&i| self.items[i].clone()).collect();
            self.client.mailboxes().update_all_with(&self.user, &list, opts, on).await
        })
    }
    fn lookup<'a>(&'a self, rows: &'a [usize]) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Option<bool>>> + Send + 'a>> {
        Box::pin(async move {
            match self.client.mailboxes().list(&self.user).await {
                Err(_) => vec![None; rows.len()],
                Ok(list) => rows
                    .iter()
                    .map(|&i| {
                        let c = &self.items[i];
                        Some(list.iter().any(|m| m.mailbox_id == c.mailbox_id && cmr::bulk::mailbox_shows(c, m)))
                    })
                    .collect(),
            }
        })
    }
}

/// Resolves when Ctrl-C or SIGTERM arrives.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

struct State {
    outcome: Vec<Option<(Outcome, String)>>,
    in_flight: Vec<bool>,
    journal: Appender,
    report: Option<Report>,
    maybe: Option<Report>,
    pb: ProgressBar,
    requests: u32,
}

impl State {
    fn settle(&mut self, row: usize, o: Outcome, msg: &str, rows: &[HashMap<String, String>]) {
        if self.outcome[row].is_some() {
            return;
        }
        self.in_flight[row] = false;
        self.journal.line(&format!("{}\t{}\t{}", row + 1, o.word(), msg.replace(['\t', '\n', '\r'], " ")));
        match o {
            Outcome::Ok => {}
            Outcome::Failed => {
                self.pb.suspend(|| eprintln!("row {}: {msg}", row + 1));
                if let Some(r) = &mut self.report {
                    r.row(&rows[row], msg);
                }
            }
            Outcome::Maybe => {
                self.pb.suspend(|| eprintln!("row {}: may have been applied: {msg}", row + 1));
                if let Some(r) = &mut self.maybe {
                    r.row(&rows[row], msg);
                }
            }
        }
        self.outcome[row] = Some((o, msg.to_string()));
        self.pb.inc(1);
    }
}

async fn run_job(job: &mut dyn Job, args: &crate::args::BulkArgs, json_out: bool) -> CliResult<()> {
    let what = job.what();
    let required: &[&str] = if what == "dns import" { &["domain", "host", "type", "value"] } else { &["mailboxId"] };
    let Rows { headers, rows } = read_csv(&args.csv, required)?;
    let total = rows.len();
    let parsed = job.parse(&rows);
    let journal_path = args.journal.clone().unwrap_or_else(|| {
        let mut p = args.csv.clone().into_os_string();
        p.push(".journal");
        PathBuf::from(p)
    });
    let header = format!("cmr-journal v1 {what} user={}", args.user_id);
    let earlier = read_journal(&journal_path, &header)?;
    let fresh = earlier.is_empty();
    let mut journal = Appender::open(&journal_path, fresh)?;
    if fresh {
        journal.line(&header);
    }
    let report = args.report.as_deref().map(|p| Report::create(p, &headers)).transpose()?;
    let maybe = args.report.as_deref().map(|p| Report::create(&maybe_path(p), &headers)).transpose()?;
    let mut st = State {
        outcome: vec![None; total],
        in_flight: vec![false; total],
        journal,
        report,
        maybe,
        pb: progress(total, what),
        requests: 0,
    };

    // 1. What an earlier run already settled, and what it left in flight.
    let mut check = Vec::new();
    for i in 0..total {
        match earlier.get(&(i + 1)).map(|(w, m)| (w.as_str(), m.clone())) {
            Some(("ok", _)) => {
                st.outcome[i] = Some((Outcome::Ok, "done in an earlier run".into()));
                st.pb.inc(1);
            }
            Some(("maybe_applied", m)) => st.settle(i, Outcome::Maybe, &format!("earlier run: {m}"), &rows),
            Some(("sending", _)) => check.push(i),
            _ => {}
        }
    }
    if !check.is_empty() {
        let found = job.lookup(&check).await;
        st.requests += check.len() as u32;
        for (k, &i) in check.iter().enumerate() {
            match found[k] {
                Some(true) => st.settle(i, Outcome::Ok, "in flight when an earlier run stopped; found by lookup", &rows),
                Some(false) => st.settle(i, Outcome::Maybe, "in flight when an earlier run stopped; not found by lookup (yet)", &rows),
                None => st.settle(i, Outcome::Maybe, "in flight when an earlier run stopped; lookup failed", &rows),
            }
        }
    }
    // 2. Rows refused before sending.
    for (i, p) in parsed.iter().enumerate() {
        if let Err(m) = p {
            if st.outcome[i].is_none() {
                st.settle(i, Outcome::Failed, m, &rows);
            }
        }
    }
    // 3. The rest, through the core's bulk helper.
    let todo: Vec<usize> = (0..total).filter(|&i| st.outcome[i].is_none()).collect();
    let opts = BulkOptions { batch_size: Some(args.batch_size) };
    let mut stopped = false;
    {
        let st = &mut st;
        let rows_ref = &rows;
        let todo_ref = &todo;
        let mut on = |ev: BulkEvent<'_>| {
            match ev {
                BulkEvent::Sending(idx) => {
                    st.requests += 1;
                    for &k in idx {
                        let row = todo_ref[k];
                        st.in_flight[row] = true;
                        st.journal.line(&format!("{}\tsending\t", row + 1));
                    }
                }
                BulkEvent::Done(item) => {
                    let row = todo_ref[item.index as usize];
                    let o = match item.status {
                        BulkItemStatus::Succeeded => Outcome::Ok,
                        BulkItemStatus::MaybeApplied => Outcome::Maybe,
                        _ => Outcome::Failed,
                    };
                    st.settle(row, o, item.message.as_deref().unwrap_or(""), rows_ref);
                }
            }
        };
        if !todo.is_empty() {
            tokio::select! {
                biased;
                _ = interrupted() => stopped = true,
                r = job.run(&todo, &opts, &mut on) => { r?; }
            }
        }
    }
    if stopped {
        let flying: Vec<usize> = (0..total).filter(|&i| st.in_flight[i] && st.outcome[i].is_none()).collect();
        if !flying.is_empty() {
            let found = job.lookup(&flying).await;
            for (k, &i) in flying.iter().enumerate() {
                let (o, m) = match found[k] {
                    Some(true) => (Outcome::Ok, "interrupted while sending; found by lookup"),
                    _ => (Outcome::Maybe, "interrupted while sending: check whether it was applied"),
                };
                st.settle(i, o, m, &rows);
            }
        }
        for i in 0..total {
            if st.outcome[i].is_none() {
                st.settle(i, Outcome::Failed, "not attempted (interrupted)", &rows);
            }
        }
    }
    st.pb.finish_and_clear();

    let count = |o: Outcome| st.outcome.iter().filter(|x| x.as_ref().is_some_and(|(y, _)| *y == o)).count();
    let (ok, n_failed, n_maybe) = (count(Outcome::Ok), count(Outcome::Failed), count(Outcome::Maybe));
    let list = |o: Outcome| -> Vec<serde_json::Value> {
        st.outcome
            .iter()
            .enumerate()
            .filter(|(_, x)| x.as_ref().is_some_and(|(y, _)| *y == o))
            .map(|(i, x)| json!({"row": rows[i], "line": i + 2, "error": x.as_ref().map(|(_, m)| m.clone())}))
            .collect()
    };
    let report_path = st.report.as_ref().map(|r| r.path.display().to_string());
    let maybe_file = st.maybe.as_ref().map(|r| r.path.display().to_string());
    if json_out {
        let v = json!({
            "ok": ok,
            "failed": n_failed,
            "maybeApplied": n_maybe,
            "total": total,
            "requests": st.requests,
            "report": report_path,
            "maybeAppliedReport": maybe_file,
            "journal": journal_path.display().to_string(),
            "failures": list(Outcome::Failed),
            "maybeAppliedRows": list(Outcome::Maybe),
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        let maybe_txt = if n_maybe > 0 { format!(", {n_maybe} maybe applied") } else { String::new() };
        println!("{what}: {ok} ok, {n_failed} failed{maybe_txt} ({} requests)", st.requests);
        match (&report_path, n_failed > 0) {
            (Some(p), true) => println!("failed rows written to {p} (fix them and run again with it as input to resume)"),
            (None, true) => println!("tip: --report FAILURES.csv saves the failed rows, ready to resume from"),
            _ => {}
        }
        if n_maybe > 0 {
            match &maybe_file {
                Some(p) => println!("rows that may have been applied written to {p}: check them (cmr dns find / cmr mailboxes get) before sending them again"),
                None => println!("rows that may have been applied are listed above: check them before sending them again"),
            }
        }
    }
    if stopped {
        return Err(failed(format!("interrupted: {} of {total} rows not done", n_failed + n_maybe)));
    }
    if n_failed + n_maybe > 0 {
        Err(failed(format!("{} of {total} rows failed", n_failed + n_maybe)))
    } else {
        Ok(())
    }
}

/// `cmr dns import records.csv --user-id U`: columns domain,host,type,value,priority.
pub async fn dns_import(client: &cmr::Client, args: &crate::args::BulkArgs, json_out: bool) -> CliResult<()> {
    let mut job = DnsJob { client: client.clone(), user: args.user_id.clone(), items: Vec::new() };
    run_job(&mut job, args, json_out).await
}

/// `cmr mailboxes update --file changes.csv --user-id U`:
/// columns mailboxId,userName,firstName,lastName,profilePicture.
pub async fn mailboxes_update(client: &cmr::Client, args: &crate::args::BulkArgs, json_out: bool) -> CliResult<()> {
    let mut job = MailboxJob { client: client.clone(), user: args.user_id.clone(), items: Vec::new() };
    run_job(&mut job, args, json_out).await
}
