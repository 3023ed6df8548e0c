//! Load generator for the sandbox (a benchmark, not a test).
//!
//! `cargo run --release -p cmr-sandbox --example loadgen -- [--seconds 10] [--concurrency 64] [--url http://127.0.0.1:PORT] [--mix read|mixed]`
//!
//! Without `--url` it starts an in-process sandbox (rate limit off) on the same
//! runtime, so client and server share the machine's cores. Requests go over
//! loopback HTTP/1.1 keep-alive connections. `read` = GET users.get / wallet.get /
//! users.list; `mixed` adds one users.create in ten.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main]
async fn main() {
    let seconds: u64 = arg("--seconds").and_then(|s| s.parse().ok()).unwrap_or(10);
    let conc: usize = arg("--concurrency").and_then(|s| s.parse().ok()).unwrap_or(64);
    let mix = arg("--mix").unwrap_or_else(|| "read".into());
    let (_sb, url) = match arg("--url") {
        Some(u) => (None, u),
        None => {
            let sb = cmr_sandbox::Sandbox::start(cmr_sandbox::SandboxOptions { rate_limit: None, ..Default::default() }).await.expect("sandbox");
            let u = sb.url();
            (Some(sb), u)
        }
    };
    let base = format!("{url}/api/v1/integration");
    let http = cmr::http::client_builder().pool_max_idle_per_host(conc).build().unwrap();
    let key = cmr_sandbox::DEFAULT_API_KEY;
    // A user to read.
    let body = serde_json::json!({
        "email": "load@acme.com", "company": "Acme", "firstName": "L", "lastName": "G", "country": "US", "city": "A",
        "addressLineOne": "1", "languagePreference": "en", "postalCode": "1", "state": "TX", "phoneCc": "1", "phone": "1"
    });
    let created: serde_json::Value = http.post(format!("{base}/users")).header("cmr-x-api-key", key).json(&body).send().await.unwrap().json().await.unwrap();
    let uid = created["data"]["id"].as_str().map(str::to_string).unwrap_or_default();

    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let writes = mix == "mixed";
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..conc {
        let (http, base, uid, stop, ok, errors) = (http.clone(), base.clone(), uid.clone(), stop.clone(), ok.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(100_000);
            let mut i: u64 = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let t = Instant::now();
                let req = match i % 10 {
                    0 if writes => {
                        let mut b = serde_json::json!({
                            "company": "Acme", "firstName": "L", "lastName": "G", "country": "US", "city": "A",
                            "addressLineOne": "1", "languagePreference": "en", "postalCode": "1", "state": "TX", "phoneCc": "1", "phone": "1"
                        });
                        b["email"] = serde_json::json!(format!("w{w}-{i}@load.com"));
                        http.post(format!("{base}/users")).json(&b)
                    }
                    1..=3 => http.get(format!("{base}/wallet")),
                    4 => http.get(format!("{base}/users/list")).query(&[("limit", "5")]),
                    _ => http.get(format!("{base}/users")).query(&[("userId", uid.as_str())]),
                };
                match req.header("cmr-x-api-key", key).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let el = t0.elapsed().as_secs_f64();
    lat.sort();
    let pct = |p: f64| lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).copied().unwrap_or_default();
    let n = ok.load(Ordering::Relaxed);
    println!(
        "cmr-sandbox loadgen: mix={mix} concurrency={conc} duration={el:.1}s ok={n} errors={} => {:.0} req/s (p50 {:?}, p99 {:?}) on {} cores",
        errors.load(Ordering::Relaxed),
        n as f64 / el,
        pct(0.50),
        pct(0.99),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
}
