//! `cmr demo`: the whole CMR lifecycle against an embedded sandbox, with a
//! local webhook receiver that verifies every delivery. No key needed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use tokio::sync::mpsc;

use cmr::models::*;
use cmr::webhooks::{construct_event, WebhookEvent, DEFAULT_TOLERANCE};

use crate::fail::{failed, CliResult, Failure};
use crate::listen::summary;
use crate::output;

struct Receiver {
    secret: OnceLock<String>,
    tx: mpsc::UnboundedSender<WebhookEvent>,
    rejected: AtomicUsize,
}

async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let secret = r.secret.get().map(String::as_str).unwrap_or("");
    match construct_event(&body, &headers, secret, DEFAULT_TOLERANCE) {
        Ok(ev) => {
            println!("    <- webhook verified: {}", summary(&ev));
            let _ = r.tx.send(ev);
            StatusCode::OK
        }
        Err(e) => {
            println!("    <- webhook REJECTED: {e}");
            r.rejected.fetch_add(1, Ordering::SeqCst);
            StatusCode::BAD_REQUEST
        }
    }
}

struct Demo {
    client: cmr::Client,
    control: cmr_sandbox::Control,
    events: mpsc::UnboundedReceiver<WebhookEvent>,
    received: Vec<WebhookEvent>,
    step: usize,
}

/// Attach the step name to an SDK error.
trait Step<T> {
    fn during(self, what: &str) -> CliResult<T>;
}
impl<T> Step<T> for Result<T, cmr::Error> {
    fn during(self, what: &str) -> CliResult<T> {
        self.map_err(|e| failed(format!("demo step \"{what}\" failed: {e}")))
    }
}

impl Demo {
    fn step(&mut self, title: &str) {
        self.step += 1;
        println!("\n==> {}. {title}", self.step);
    }

    /// Advance the virtual clock; the sandbox delivers due webhooks before answering.
    async fn advance(&mut self, seconds: u64) -> CliResult<Vec<WebhookEvent>> {
        println!("    advancing the sandbox clock by {seconds}s ...");
        self.control.advance(seconds as f64).await.map_err(|e| failed(format!("sandbox clock advance failed: {e}")))?;
        let mut new = Vec::new();
        while let Ok(ev) = self.events.try_recv() {
            new.push(ev);
        }
        println!("    {} webhook(s) received and verified", new.len());
        self.received.extend(new.iter().cloned());
        Ok(new)
    }

    fn table(&self, op: &str, v: &impl serde::Serialize) {
        let v = serde_json::to_value(v).unwrap_or(Value::Null);
        for line in output::human(op, &v).lines() {
            println!("    {line}");
        }
    }
}

fn demo_user() -> CreateUser {
    CreateUser {
        email: "jane.doe@acme-demo.example".into(),
        company: "Acme Outreach Inc.".into(),
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        country: "US".into(),
        city: "Austin".into(),
        address_line_one: "1 Congress Ave".into(),
        language_preference: "en".into(),
        postal_code: "73301".into(),
        state: "TX".into(),
        phone_cc: "1".into(),
        phone: "5125550100".into(),
        ..Default::default()
    }
}

pub async fn run() -> CliResult<()> {
    println!("cmr demo: the whole CMR lifecycle against an embedded sandbox (no key, no network).");

    // A local webhook receiver first, so the sandbox can be told where to deliver.
    let (tx, rx) = mpsc::unbounded_channel();
    let recv = Arc::new(Receiver { secret: OnceLock::new(), tx, rejected: AtomicUsize::new(0) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| failed(format!("could not open the webhook receiver: {e}")))?;
    let hook_url = format!("http://{}/webhooks", listener.local_addr().map_err(|e| failed(e.to_string()))?);
    let app = Router::new().route("/webhooks", post(receive)).with_state(recv.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let sb = cmr_sandbox::Sandbox::start(cmr_sandbox::SandboxOptions {
        port: 0,
        rate_limit: None,
        webhook_url: Some(hook_url.clone()),
        ..Default::default()
    })
    .await
    .map_err(|e| failed(format!("could not start the embedded sandbox: {e}")))?;
    let _ = recv.secret.set(sb.webhook_secret().to_string());
    let client = cmr::Client::builder()
        .api_key(sb.api_key())
        .base_url(sb.base_url())
        .user_agent_prefix(concat!("cmr-cli-demo/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let mut d = Demo {
        client,
        control: sb.control(),
        events: rx,
        received: Vec::new(),
        step: 0,
    };
    let result = lifecycle(&mut d, &sb, &hook_url).await;
    sb.shutdown().await;
    let rejected = recv.rejected.load(Ordering::SeqCst);
    match result {
        Ok(()) if rejected == 0 => {
            println!("\nDemo complete: {} webhooks received and verified, 0 rejected.", d.received.len());
            println!("Next: `cmr sandbox` runs this emulator in the foreground; `cmr --help` lists every command.");
            Ok(())
        }
        Ok(()) => Err(failed(format!("{rejected} webhook deliveries failed verification"))),
        Err(e) => Err(e),
    }
}

async fn lifecycle(d: &mut Demo, sb: &cmr_sandbox::Sandbox, hook_url: &str) -> CliResult<()> {
    d.step("Start the sandbox and a local webhook receiver");
    println!("    API:              {}", sb.base_url());
    println!("    webhook receiver: {hook_url} (verifies cmr-x-signature with cmr::webhooks::construct_event)");
    d.control.set_wallet(500.0).map_err(|e| failed(format!("sandbox wallet: {e}")))?;
    let wallet = d.client.wallet().get().await.during("read the wallet")?;
    println!("    wallet balance:   {}", wallet.balance.map_or("?".into(), |b| format!("{b:.2}")));

    d.step("Create a customer");
    let user = d.client.users().create(&demo_user()).await.during("create a user")?;
    println!("    user {} <{}>", user.id, user.email.as_deref().unwrap_or(""));

    d.step("Check domain availability and workspace");
    let mut domain = None;
    for candidate in ["acme-outreach.com", "acme-outreach-mail.com", "acme-outreach-demo.io"] {
        let a = d.client.domains().check_availability(&user.id, candidate).await.during("check availability")?;
        println!(
            "    {candidate}: {}{}",
            if a.available == Some(false) { "taken" } else { "available" },
            a.price.map_or(String::new(), |p| format!(", {p:.2} {}", a.currency.as_deref().unwrap_or("")))
        );
        if a.available != Some(false) {
            domain = Some(candidate.to_string());
            break;
        }
    }
    let domain = domain.ok_or_else(|| failed("demo step \"check availability\" failed: no candidate domain is available"))?;
    let ws = d
        .client
        .domains()
        .check_workspace(&user.id, &CheckWorkspace { domain: domain.clone(), service_provider: Some(ServiceProvider::Google) })
        .await
        .during("check the workspace")?;
    println!("    Google workspace on {domain}: {}", if ws.exists == Some(true) { "exists" } else { "none (safe to order)" });

    d.step(&format!("Order {domain} with two Google mailboxes (confirm: true)"));
    let mut mailboxes = HashMap::new();
    mailboxes.insert(
        domain.clone(),
        vec![
            NewMailbox { username: "jane".into(), first_name: "Jane".into(), last_name: "Doe".into(), ..Default::default() },
            NewMailbox { username: "john".into(), first_name: "John".into(), last_name: "Roe".into(), ..Default::default() },
        ],
    );
    let order = CreateOrder {
        domains: vec![OrderDomain { domain: domain.clone(), years: 1, ..Default::default() }],
        mailboxes,
        billing_cycle: Some(BillingCycle::Monthly),
        confirm: Some(true),
        service_provider: Some(ServiceProvider::Google),
        google: Some(GoogleConfig {
            google_oauth_route: Some("https://app.acme-demo.example/oauth/google".into()),
            client_id: Some("demo-client-id".into()),
            app_name: Some("Acme Outreach".into()),
        }),
        auto_renew: Some(true),
        ..Default::default()
    };
    let created = d.client.orders().create(&user.id, &order).await.during("order a domain")?;
    let order_id = created.order_id.clone().unwrap_or_default();
    println!("    order {order_id} accepted: {}", created.message);
    if !created.unavailable_domains.is_empty() {
        return Err(failed(format!("demo step \"order a domain\" failed: unavailable {:?}", created.unavailable_domains)));
    }

    d.step("Let the order run: advance the sandbox clock, watch the webhooks");
    let evs = d.advance(60).await?;
    for needed in ["domain.order.success", "mailbox.order.success", "mailbox.created"] {
        if !evs.iter().any(|e| e.event == needed) {
            return Err(failed(format!("demo step \"advance the clock\" failed: no {needed} webhook arrived")));
        }
    }
    if !order_id.is_empty() {
        let st = d.client.orders().status(&user.id, &order_id).await.during("order status")?;
        println!("    order status: {}", st.status.map_or("?".into(), |s| s.to_string()));
    }

    d.step("List the mailboxes and the DNS records");
    let mbs = d.client.mailboxes().list(&user.id).await.during("list mailboxes")?;
    d.table("mailboxes.list", &mbs);
    let dns = d.client.dns().list(&user.id, &domain).await.during("list DNS records")?;
    d.table("dns.list", &dns.records);

    d.step("Add a DNS record");
    let added = d
        .client
        .dns()
        .add(
            &user.id,
            &AddDnsRecords {
                domain: domain.clone(),
                records: vec![NewDnsRecord {
                    host: "_demo".into(),
                    value: "cmr-demo-verification=1".into(),
                    record_type: RecordType::Txt,
                    ..Default::default()
                }],
            },
        )
        .await
        .during("add a DNS record")?;
    d.table("dns.add", &added);
    let after = d.client.dns().list(&user.id, &domain).await.during("list DNS records")?;
    if !after.records.iter().any(|r| r.host == "_demo") {
        return Err(failed("demo step \"add a DNS record\" failed: the new record is not listed"));
    }
    println!("    {domain} now has {} records", after.records.len());

    d.step("Renew the subscription");
    let subs = d
        .client
        .subscriptions()
        .list(&ListSubscriptionsParams { domain: Some(domain.clone()), ..Default::default() })
        .await
        .during("list subscriptions")?;
    d.table("subscriptions.list", &subs.items);
    let sub = subs
        .items
        .first()
        .cloned()
        .ok_or_else(|| failed(format!("demo step \"renew\" failed: no subscription for {domain}")))?;
    let ack = d.client.subscriptions().renew(std::slice::from_ref(&sub.subscription_id)).await.during("renew the subscription")?;
    println!("    {} (actionId {})", ack.message, ack.action_id.as_deref().unwrap_or("-"));
    d.advance(60).await?;

    d.step("Turn domain auto-renew off");
    let toggled = d
        .client
        .domains()
        .toggle_auto_renew(&ToggleDomainAutoRenew { user_id: user.id.clone(), domains: Some(vec![domain.clone()]), auto_renew: false })
        .await
        .during("toggle domain auto-renew")?;
    d.table("domains.toggle_auto_renew", &toggled);

    d.step("Cancel the subscription");
    let ack = d.client.subscriptions().cancel(&CancelSubscription::by_id(sub.subscription_id.clone())).await.during("cancel")?;
    println!("    {}", ack.message);
    d.advance(60).await?;

    d.step("Clean up: remove mailboxes and the domain");
    let remaining = d.client.mailboxes().list(&user.id).await.during("list mailboxes")?;
    if remaining.is_empty() {
        println!("    no mailboxes left to remove (cancelling removed the workspace)");
    }
    for mb in remaining {
        match d.client.mailboxes().remove(&user.id, &mb.mailbox_id).await {
            Ok(a) => println!("    removed {}: {}", mb.email.as_deref().unwrap_or(&mb.mailbox_id), a.message),
            Err(e) if e.kind() == cmr::ErrorKind::NotFound => println!("    {} already gone", mb.mailbox_id),
            Err(e) => return Err(failed(format!("demo step \"remove mailboxes\" failed: {e}"))),
        }
    }
    d.advance(60).await?;
    let left = d.client.mailboxes().list(&user.id).await.during("list mailboxes")?;
    println!("    mailboxes left: {}", left.len());
    if d.client.domains().list(&user.id).await.during("list domains")?.iter().any(|x| x.domain_name == domain) {
        let ack = d.client.domains().remove(&user.id, std::slice::from_ref(&domain)).await.during("remove the domain")?;
        println!("    removed {domain}: {}", ack.message);
        d.advance(60).await?;
    }

    d.step("Delete the customer");
    let ack = d.client.users().delete(&user.id).await.during("delete the user")?;
    println!("    {}", ack.message);
    match d.client.users().get(&user.id).await {
        Err(e) if e.kind() == cmr::ErrorKind::NotFound => println!("    user {} is gone (404 on get)", user.id),
        Ok(_) => return Err(failed("demo step \"delete the user\" failed: the user is still there")),
        Err(e) => return Err(Failure::Api(e)),
    }
    Ok(())
}
