//! Our client vs a raw reqwest call doing the same request against the
//! sandbox on loopback (rate limit off). Goal: >= 0.9x raw throughput.
//!
//! Run: `cargo bench -p cmr --bench client_vs_raw`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use futures_util::future::join_all;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let sandbox = rt
        .block_on(cmr_sandbox::Sandbox::start(cmr_sandbox::SandboxOptions { port: 0, rate_limit: None, ..Default::default() }))
        .unwrap();
    let client = cmr::Client::builder().api_key(sandbox.api_key()).base_url(sandbox.base_url()).build().unwrap();
    let raw = cmr::http::client_builder().tcp_nodelay(true).build().unwrap();
    let url = format!("{}/geo/states?countryCode=US", sandbox.base_url());
    let key = sandbox.api_key().to_string();

    let mut g = c.benchmark_group("geo.states");
    for in_flight in [1usize, 16] {
        g.throughput(Throughput::Elements(in_flight as u64));
        g.bench_with_input(BenchmarkId::new("cmr_client", in_flight), &in_flight, |b, &n| {
            b.to_async(&rt).iter(|| async {
                let r = join_all((0..n).map(|_| client.geo().states("US"))).await;
                assert!(r.iter().all(|x| x.is_ok()));
            })
        });
        g.bench_with_input(BenchmarkId::new("raw_reqwest", in_flight), &in_flight, |b, &n| {
            b.to_async(&rt).iter(|| async {
                let r = join_all((0..n).map(|_| async {
                    let resp = raw.get(&url).header("cmr-x-api-key", &key).send().await?;
                    let v: serde_json::Value = resp.json().await?;
                    // Do the same decode work the client does.
                    let map: std::collections::BTreeMap<String, String> = serde_json::from_value(v["data"].clone()).unwrap();
                    Ok::<_, reqwest::Error>(map.len())
                }))
                .await;
                assert!(r.iter().all(|x| x.is_ok()));
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
