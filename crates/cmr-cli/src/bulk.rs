//! Bulk jobs from CSV: `cmr dns import` and `cmr mailboxes update --file x.csv`.
//!
//! One request per row, sequentially, paced by the core
//! (`ClientBuilder::requests_per_second`, 4/s by default: under CMR's 5/s).
//! A 429 is retried by the core; any other error sends the row, with an
//! `error` column, to the failures report, which is a valid input for the
//! same command: re-running it resumes with exactly the rows that failed.
//! Rows that succeeded are never in the report, so they are never resent.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use cmr::models::{AddDnsRecords, MailboxUpdate, NewDnsRecord, RecordType};

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

/// Run `job` on every row, collect failures, write the report, print the summary.
async fn run_rows<F, Fut>(rows: Rows, what: &str, report: Option<&Path>, json_out: bool, mut job: F) -> CliResult<()>
where
    F: FnMut(HashMap<String, String>) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let total = rows.rows.len();
    let pb = progress(total, what);
    let mut ok = 0usize;
    let mut failures: Vec<(HashMap<String, String>, String)> = Vec::new();
    let mut pending = rows.rows.into_iter();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut interrupted = false;
    for row in pending.by_ref() {
        let r = tokio::select! {
            biased;
            _ = &mut ctrl_c => {
                interrupted = true;
                failures.push((row, "interrupted while sending: check whether it was applied".into()));
                break;
            }
            r = job(row.clone()) => r,
        };
        match r {
            Ok(()) => ok += 1,
            Err(e) => {
                pb.suspend(|| eprintln!("row {}: {e}", ok + failures.len() + 1));
                failures.push((row, e));
            }
        }
        pb.inc(1);
    }
    if interrupted {
        for row in pending {
            failures.push((row, "not attempted (interrupted)".into()));
        }
    }
    pb.finish_and_clear();
    if let Some(path) = report {
        write_report(path, &rows.headers, &failures)?;
    }
    let n_failed = failures.len();
    if json_out {
        let v = json!({
            "ok": ok,
            "failed": n_failed,
            "total": total,
            "report": report.map(|p| p.display().to_string()),
            "failures": failures.iter().map(|(row, e)| json!({"row": row, "error": e})).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        println!("{what}: {ok} ok, {n_failed} failed");
        match (report, n_failed > 0) {
            (Some(p), true) => {
                println!("failed rows written to {} (fix them and run again with it as input to resume)", p.display())
            }
            (None, true) => println!("tip: --report FAILURES.csv saves the failed rows, ready to resume from"),
            _ => {}
        }
    }
    if n_failed > 0 {
        Err(failed(format!("{n_failed} of {total} rows failed")))
    } else {
        Ok(())
    }
}

fn write_report(path: &Path, headers: &[String], failures: &[(HashMap<String, String>, String)]) -> CliResult<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| failed(format!("could not write {}: {e}", path.display())))?;
    let mut head: Vec<&str> = headers.iter().map(String::as_str).collect();
    head.push(ERROR_COLUMN);
    let werr = |e: csv::Error| failed(format!("could not write {}: {e}", path.display()));
    w.write_record(&head).map_err(werr)?;
    for (row, err) in failures {
        let mut rec: Vec<String> =
            headers.iter().map(|h| row.get(&h.to_ascii_lowercase()).cloned().unwrap_or_default()).collect();
        rec.push(err.replace('\n', " "));
        w.write_record(&rec).map_err(werr)?;
    }
    w.flush().map_err(|e| failed(format!("could not write {}: {e}", path.display())))?;
    Ok(())
}

/// `cmr dns import records.csv --user-id U`: columns domain,host,type,value,priority.
pub async fn dns_import(client: &cmr::Client, args: &crate::args::BulkArgs, json_out: bool) -> CliResult<()> {
    let rows = read_csv(&args.csv, &["domain", "host", "type", "value"])?;
    let user = args.user_id.clone();
    run_rows(rows, "dns import", args.report.as_deref(), json_out, |row| {
        let client = client.clone();
        let user = user.clone();
        async move {
            let priority = match get(&row, "priority") {
                None => None,
                Some(p) => Some(p.parse::<u32>().map_err(|_| format!("validation: priority {p:?} is not a number"))?),
            };
            let req = AddDnsRecords {
                domain: get(&row, "domain").unwrap_or_default().to_string(),
                records: vec![NewDnsRecord {
                    host: get(&row, "host").unwrap_or_default().to_string(),
                    value: get(&row, "value").unwrap_or_default().to_string(),
                    record_type: RecordType::parse(&get(&row, "type").unwrap_or_default().to_ascii_uppercase()),
                    priority,
                    excluded_dmarc_tags: None,
                }],
            };
            client.dns().add(&user, &req).await.map(|_| ()).map_err(|e| e.to_string())
        }
    })
    .await
}

/// `cmr mailboxes update --file changes.csv --user-id U`:
/// columns mailboxId,userName,firstName,lastName,profilePicture.
pub async fn mailboxes_update(client: &cmr::Client, args: &crate::args::BulkArgs, json_out: bool) -> CliResult<()> {
    let rows = read_csv(&args.csv, &["mailboxId"])?;
    let user = args.user_id.clone();
    run_rows(rows, "mailboxes update", args.report.as_deref(), json_out, |row| {
        let client = client.clone();
        let user = user.clone();
        async move {
            let change = MailboxUpdate {
                mailbox_id: get(&row, "mailboxId").unwrap_or_default().to_string(),
                user_name: get(&row, "userName").map(str::to_string),
                first_name: get(&row, "firstName").map(str::to_string),
                last_name: get(&row, "lastName").map(str::to_string),
                profile_picture: get(&row, "profilePicture").map(str::to_string),
                remove_profile_picture: None,
            };
            let res = client.mailboxes().update(&user, &change).await.map_err(|e| e.to_string())?;
            match res.results.iter().find(|r| !r.success) {
                Some(r) => Err(format!("rejected: {}", r.message.clone().unwrap_or_else(|| "no reason given".into()))),
                None => Ok(()),
            }
        }
    })
    .await
}
