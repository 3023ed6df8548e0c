//! `cmr-sandbox --port N [--data FILE] [--api-key K] [--no-rate-limit] [--rate-limit N] [--max-batch N]
//! [--webhook-url URL] [--webhook-secret S] [--wallet USD]`

use std::io::Write;

fn usage() -> ! {
    eprintln!(
        "usage: cmr-sandbox [--port N] [--data FILE] [--api-key K] [--no-rate-limit] [--rate-limit N] [--max-batch N]\n\
         \x20                  [--webhook-url URL] [--webhook-secret S] [--wallet USD]\n\
         Prints `cmr-sandbox listening on http://127.0.0.1:PORT` when ready; Ctrl-C stops it."
    );
    std::process::exit(2)
}

fn main() {
    let mut opts = cmr_sandbox::SandboxOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut val = |name: &str| -> String {
            inline.clone().or_else(|| args.next()).unwrap_or_else(|| {
                eprintln!("cmr-sandbox: {name} needs a value");
                usage()
            })
        };
        match flag.as_str() {
            "--port" | "-p" => opts.port = val("--port").parse().unwrap_or_else(|_| usage()),
            "--data" => opts.data_file = Some(val("--data").into()),
            "--api-key" => opts.api_key = val("--api-key"),
            "--no-rate-limit" => opts.rate_limit = None,
            "--rate-limit" => opts.rate_limit = Some(val("--rate-limit").parse().unwrap_or_else(|_| usage())),
            "--max-batch" => opts.max_batch = val("--max-batch").parse().ok().filter(|n| *n > 0).unwrap_or_else(|| usage()),
            "--webhook-url" => opts.webhook_url = Some(val("--webhook-url")),
            "--webhook-secret" => opts.webhook_secret = Some(val("--webhook-secret")),
            "--wallet" => opts.wallet_balance = val("--wallet").parse().unwrap_or_else(|_| usage()),
            "--help" | "-h" => usage(),
            other => {
                eprintln!("cmr-sandbox: unknown argument {other}");
                usage()
            }
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    rt.block_on(async move {
        let sb = match cmr_sandbox::Sandbox::start(opts).await {
            Ok(sb) => sb,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "cmr-sandbox listening on {}", sb.url());
            let _ = out.flush();
        }
        let _ = tokio::signal::ctrl_c().await;
        sb.shutdown().await;
    });
}
