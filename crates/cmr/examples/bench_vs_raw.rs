//! The core client against raw reqwest, both against one EXTERNAL release
//! `cmr-sandbox` process (rate limit off), the way the Python benchmark runs
//! (python/benchmarks/bench_http.py). Not a test: prints numbers.
//!
//! ```sh
//! cargo build --release -p cmr-sandbox
//! cargo run --release -p cmr --example bench_vs_raw -- [--sandbox-bin target/release/cmr-sandbox] [--rounds 5]
//! ```
//!
//! Same work per call on both sides: `GET /users?userId=...` with the key
//! header, check the status, decode the envelope and `data` into the typed
//! `cmr::models::User`. Rounds interleave the two clients (rotating which
//! goes first); the report gives the best round, the spread and the ratio
//! within each round, plus CPU microseconds per request of this process and
//! of the sandbox (from /proc, Linux).

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Instant;

use cmr::models::{CreateUser, Envelope, User};
use futures_util::future::join_all;

fn cpu_secs(pid: &str) -> f64 {
    let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0.0 };
    let Some((_, rest)) = s.rsplit_once(')') else { return 0.0 };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0) + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0 // USER_HZ is 100 on Linux
}

struct Sample {
    rps: f64,
    cpu_us: f64,
    server_cpu_us: f64,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut bin = "target/release/cmr-sandbox".to_string();
    let mut rounds = 5usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sandbox-bin" => bin = args.next().expect("--sandbox-bin PATH"),
            "--rounds" => rounds = args.next().and_then(|v| v.parse().ok()).expect("--rounds N"),
            _ => panic!("usage: bench_vs_raw [--sandbox-bin PATH] [--rounds N]"),
        }
    }
    let mut child = Command::new(&bin)
        .args(["--port", "0", "--no-rate-limit"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {bin}: {e} (cargo build --release -p cmr-sandbox)"));
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split("listening on").nth(1).expect("sandbox banner").trim().to_string();
    let base = format!("{url}/api/v1/integration");
    let server_pid = child.id().to_string();
    let key = cmr_sandbox::DEFAULT_API_KEY.to_string();

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let client = cmr::Client::builder().api_key(key.as_str()).base_url(&base).build().unwrap();
    let raw = cmr::http::client_builder().tcp_nodelay(true).build().unwrap();
    let user = rt
        .block_on(client.users().create(&CreateUser {
            email: "bench@acme.com".into(),
            company: "Acme".into(),
            first_name: "Jane".into(),
            last_name: "Doe".into(),
            country: "US".into(),
            city: "Austin".into(),
            state: "TX".into(),
            address_line_one: "1 Main St".into(),
            postal_code: "73301".into(),
            language_preference: "en".into(),
            phone_cc: "1".into(),
            phone: "5125550100".into(),
            ..Default::default()
        }))
        .unwrap();
    let users_url = format!("{base}/users");
    let id = user.id.clone();

    println!("sandbox pid {server_pid} at {url}; {rounds} rounds; {} CPUs", std::thread::available_parallelism().map_or(0, |n| n.get()));
    for (in_flight, calls) in [(1usize, 4000usize), (16, 20000), (64, 20000)] {
        let names = ["cmr::Client", "raw reqwest"];
        let mut res: [Vec<Sample>; 2] = [Vec::new(), Vec::new()];
        let run = |which: usize, n: usize| {
            rt.block_on(async {
                let per = n / in_flight;
                join_all((0..in_flight).map(|_| async {
                    for _ in 0..per {
                        if which == 0 {
                            let u = client.users().get(&id).await.unwrap();
                            std::hint::black_box(u);
                        } else {
                            let resp = raw.get(&users_url).query(&[("userId", id.as_str())]).header("cmr-x-api-key", &key).send().await.unwrap();
                            assert!(resp.status().is_success());
                            let bytes = resp.bytes().await.unwrap();
                            let env: Envelope = serde_json::from_slice(&bytes).unwrap();
                            assert!(!matches!(env.status, Some(s) if s >= 400));
                            let u: User = serde::Deserialize::deserialize(&env.data).unwrap();
                            std::hint::black_box(u);
                        }
                    }
                }))
                .await;
                per * in_flight
            })
        };
        run(0, 500);
        run(1, 500);
        for r in 0..rounds {
            for k in 0..2 {
                let which = (k + r) % 2;
                let (s0, c0, t0) = (cpu_secs(&server_pid), cpu_secs("self"), Instant::now());
                let n = run(which, calls);
                let wall = t0.elapsed().as_secs_f64();
                let (s1, c1) = (cpu_secs(&server_pid), cpu_secs("self"));
                res[which].push(Sample { rps: n as f64 / wall, cpu_us: (c1 - c0) / n as f64 * 1e6, server_cpu_us: (s1 - s0) / n as f64 * 1e6 });
            }
        }
        println!("\n## {in_flight} in flight ({calls} calls per client per round)\n");
        println!("| client | best req/s | median | spread (min-max) | CPU us/req (client, median) | CPU us/req (server, median) |");
        println!("|---|---|---|---|---|---|");
        for (name, s) in names.iter().zip(&res) {
            let mut rps: Vec<f64> = s.iter().map(|x| x.rps).collect();
            rps.sort_by(f64::total_cmp);
            let med = |mut v: Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            println!(
                "| {name} | {:.0} | {:.0} | {:.0} - {:.0} | {:.0} | {:.0} |",
                rps[rps.len() - 1],
                rps[rps.len() / 2],
                rps[0],
                rps[rps.len() - 1],
                med(s.iter().map(|x| x.cpu_us).collect()),
                med(s.iter().map(|x| x.server_cpu_us).collect())
            );
        }
        let ratios: Vec<f64> = res[0].iter().zip(&res[1]).map(|(a, b)| a.rps / b.rps).collect();
        let best = res[0].iter().map(|x| x.rps).fold(0.0, f64::max) / res[1].iter().map(|x| x.rps).fold(0.0, f64::max);
        println!(
            "\n- cmr / raw: **{best:.2}x** best vs best; per round {:.2}x - {:.2}x",
            ratios.iter().copied().fold(f64::INFINITY, f64::min),
            ratios.iter().copied().fold(0.0, f64::max)
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}
