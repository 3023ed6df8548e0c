//! `ThreadTransports`: a thread's own connection pool per client, each
//! thread on its own `current_thread` runtime, everything else shared.

mod common;

use std::time::Duration;

use cmr::client::ThreadTransports;
use cmr::RequestOptions;
use cmr_sandbox::SandboxOptions;
use common::*;

/// Run `f` on a new OS thread with its own `current_thread` runtime and
/// `ThreadTransports`, as the Python binding runs blocking calls.
fn on_own_thread<T: Send + 'static>(
    f: impl FnOnce(&tokio::runtime::Runtime, &mut ThreadTransports) -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mut transports = ThreadTransports::new();
        f(&rt, &mut transports)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads_with_their_own_pools_share_the_clients_pacer() {
    // The sandbox answers 429 beyond 5 requests per rolling second; with no
    // retries, a pacer per thread (3 x 5 at once) would draw 429s.
    let e = env_with(SandboxOptions { port: 0, rate_limit: Some(5), ..Default::default() }, |b| {
        b.max_retries(0).requests_per_second(5.0)
    })
    .await;
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let client = e.client.clone();
            on_own_thread(move |rt, transports| {
                let local = transports.client(&client).unwrap();
                rt.block_on(async {
                    for _ in 0..5 {
                        local.wallet().get().await.unwrap();
                    }
                });
            })
        })
        .collect();
    tokio::task::spawn_blocking(move || threads.into_iter().for_each(|t| t.join().unwrap())).await.unwrap();
    assert_eq!(e.hits("GET", "/wallet").await, 15);
    let log = e.control("GET", "/requests", serde_json::Value::Null).await;
    let statuses: Vec<u64> = log.as_array().unwrap().iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, vec![200; 15]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_pool_per_live_client_and_views_share_it() {
    let e = env().await;
    let client = e.client.clone();
    let t = on_own_thread(move |rt, transports| {
        let another = || {
            cmr::Client::builder().api_key("another-key").base_url(client.base_url()).build().unwrap()
        };
        let view = client.with_options(RequestOptions { timeout: Some(Duration::from_secs(30)), ..Default::default() });
        for c in [&client, &view] {
            let local = transports.client(c).unwrap();
            rt.block_on(local.wallet().get()).unwrap();
        }
        // A clone and an options view are the same client: one pool.
        assert_eq!(transports.len(), 1);
        let second = another();
        transports.client(&second).unwrap();
        assert_eq!(transports.len(), 2);
        drop(second);
        // The dropped client's pool goes when the next new client comes.
        let third = another();
        transports.client(&third).unwrap();
        assert_eq!(transports.len(), 2);
        // The debug form says nothing but the count.
        assert_eq!(format!("{transports:?}"), "ThreadTransports { pools: 2 }");
    });
    tokio::task::spawn_blocking(move || t.join().unwrap()).await.unwrap();
    assert_eq!(e.hits("GET", "/wallet").await, 2);
}
