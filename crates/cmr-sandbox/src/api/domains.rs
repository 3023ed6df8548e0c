//! Domains: list, suggestions, availability, forwarding, removal, renewal.

use cmr::models::*;
use serde_json::{json, Value};

use super::views::{self, domain_status, DOMAIN_GRACE_MS, DOMAIN_RENEWAL_WINDOW_MS};
use super::{body, debit, money, q, user, user_q, R};
use crate::clock::{add_months, rfc3339};
use crate::pricing::*;
use crate::reply::{Reply, Req};
use crate::state::{new_action_id, new_id, DomainRec, World};

pub use super::RECORD_NOT_FOUND;

/// Is `name` a syntactically valid domain name?
pub fn valid_domain(name: &str) -> bool {
    let n = name.trim();
    n.len() <= 253
        && n.contains('.')
        && n.split('.').all(|l| {
            !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && n.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

pub fn check_domain_name(field: &str, name: &str) -> Result<String, Reply> {
    if !valid_domain(name) {
        return Err(Reply::err(400, format!("{field}: '{name}' is not a valid domain name")));
    }
    Ok(name.trim().to_ascii_lowercase())
}

/// Is `name` free to register (not taken in the sandbox's world nor "taken" by name)?
pub fn available(w: &World, name: &str) -> Result<(), String> {
    if name.contains(TAKEN_DOMAIN_MARKER) {
        return Err("Domain is already registered by someone else".into());
    }
    if w.domain_by_name(name).is_some() {
        return Err("Domain is already registered".into());
    }
    let pending = w.orders.values().any(|o| {
        matches!(o.status.as_str(), "CREATED" | "QUEUED")
            && o.request.get("domains").and_then(|d| d.as_array()).is_some_and(|ds| ds.iter().any(|d| d["domain"] == name))
    });
    if pending {
        return Err("Domain is already part of a pending order".into());
    }
    Ok(())
}

/// The user's domain of this name: 404 when nobody has it, 403 when another user does.
pub fn owned_domain<'a>(w: &'a World, user_id: &str, name: &str) -> Result<&'a DomainRec, Reply> {
    match w.domain_by_name(name) {
        None => Err(Reply::err(404, RECORD_NOT_FOUND)),
        Some(d) if d.user_id != user_id => Err(Reply::err(403, format!("Domain {} does not belong to this user", d.name))),
        Some(d) => Ok(d),
    }
}

pub fn list(w: &mut World, r: &Req, now: i64) -> R {
    let uid = q(r, "userId")?;
    // A wrong userId answers an empty list, not 404 (guide).
    let mut ds: Vec<&DomainRec> = w.domains.values().filter(|d| d.user_id == uid).collect();
    ds.sort_by_key(|d| d.seq);
    let mut list: Vec<Domain> = ds.into_iter().map(|d| views::domain(w, d, now)).collect();
    // A domain ordered but not registered yet shows as PENDING (registration
    // in progress), so a partner can see that an order was applied.
    let mut pending: Vec<_> = w.orders.values().filter(|o| o.user_id == uid && matches!(o.status.as_str(), "CREATED" | "QUEUED")).collect();
    pending.sort_by(|a, b| a.order_id.cmp(&b.order_id));
    for o in pending {
        for d in o.request.get("domains").and_then(|d| d.as_array()).into_iter().flatten() {
            let Some(name) = d.get("domain").and_then(|n| n.as_str()) else { continue };
            if list.iter().any(|x| x.domain_name == name) {
                continue;
            }
            list.push(Domain {
                domain_name: name.to_string(),
                status: Some(DomainStatus::Pending),
                user_id: Some(uid.to_string()),
                extra: views::extra(json!({"orderId": o.order_id})),
                ..Default::default()
            });
        }
    }
    let n = list.len();
    Ok(Reply::ok("Domains fetched successfully", json!({"domains": list, "totalDomains": n})))
}

fn availability(w: &World, name: &str) -> DomainAvailability {
    let (avail, reason) = match available(w, name) {
        Ok(()) => (true, None),
        Err(e) => (false, Some(e)),
    };
    DomainAvailability {
        domain: name.to_string(),
        available: Some(avail),
        price: Some(DOMAIN_PRICE_PER_YEAR),
        renewal_price: Some(DOMAIN_PRICE_PER_YEAR),
        currency: Some("USD".into()),
        reason,
        extra: Default::default(),
    }
}

pub fn suggest(w: &mut World, r: &Req) -> R {
    user_q(w, r)?;
    let b: SuggestDomains = body(r)?;
    let slug: String = b.query.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        return Err(Reply::err(400, "query must contain letters or digits"));
    }
    let limit = b.limit.unwrap_or(5).clamp(1, 50) as usize;
    let tlds = b.tlds.filter(|t| !t.is_empty()).unwrap_or_else(|| vec!["com".into(), "io".into(), "co".into(), "net".into(), "org".into()]);
    let mut out = Vec::new();
    'outer: for prefix in ["", "get", "try", "mail", "hq"] {
        for tld in &tlds {
            let tld = tld.trim_start_matches('.').to_ascii_lowercase();
            let name = if prefix.is_empty() { format!("{slug}.{tld}") } else { format!("{prefix}{slug}.{tld}") };
            if !valid_domain(&name) {
                return Err(Reply::err(400, format!("'{tld}' is not a valid TLD")));
            }
            out.push(availability(w, &name));
            if out.len() >= limit {
                break 'outer;
            }
        }
    }
    Ok(Reply::ok("Domain suggestions fetched successfully", json!(out)))
}

pub fn check_availability(w: &mut World, r: &Req) -> R {
    user_q(w, r)?;
    let b: CheckAvailability = body(r)?;
    let name = check_domain_name("domain", &b.domain)?;
    Ok(Reply::ok("Domain availability fetched successfully", json!(availability(w, &name))))
}

pub fn check_workspace(w: &mut World, r: &Req) -> R {
    user_q(w, r)?;
    let b: CheckWorkspace = body(r)?;
    let name = check_domain_name("domain", &b.domain)?;
    let provider = b.service_provider.clone().unwrap_or_default();
    let exists = w
        .subscriptions
        .values()
        .any(|s| s.domain == name && s.status != "CANCELLED" && s.service_provider == provider.as_str());
    let check = WorkspaceCheck { domain: name, exists: Some(exists), service_provider: Some(provider), extra: Default::default() };
    Ok(Reply::ok("Workspace check completed", json!(check)))
}

pub fn add_forwarding(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let b: DomainForwarding = body(r)?;
    let name = check_domain_name("domain", &b.domain)?;
    if !(b.forward_to.starts_with("http://") || b.forward_to.starts_with("https://")) {
        return Err(Reply::err(400, "forwardTo must be an http(s) URL"));
    }
    let id = owned_domain(w, &uid, &name)?.domain_id.clone();
    let d = w.domains.get_mut(&id).expect("exists");
    d.forward_to = Some(b.forward_to);
    d.mask_forwarding = b.mask_forwarding;
    Ok(Reply::ok("Domain forwarding will be added shortly", Value::Null).action(new_action_id()))
}

pub fn add_email_forwarding(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let b: EmailForwarding = body(r)?;
    let name = check_domain_name("domain", &b.domain)?;
    if !super::valid_email(&b.forward_to) {
        return Err(Reply::err(400, format!("forwardTo: '{}' is not a valid e-mail address", b.forward_to)));
    }
    let id = owned_domain(w, &uid, &name)?.domain_id.clone();
    let mbs: Vec<&str> = w.mailboxes.values().filter(|m| m.domain_id == id).map(|m| m.status.as_str()).collect();
    if mbs.is_empty() || mbs.iter().any(|s| *s != "ACTIVE") {
        return Err(Reply::err(400, format!("Email forwarding needs ACTIVE mailboxes on {name} (found {} mailbox(es), not all ACTIVE)", mbs.len())));
    }
    w.domains.get_mut(&id).expect("exists").email_forward_to = Some(b.forward_to);
    Ok(Reply::ok("Email forwarding will be added shortly", Value::Null).action(new_action_id()))
}

pub fn add_google_client_id(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let b: GoogleClientId = body(r)?;
    let name = check_domain_name("domain", &b.domain)?;
    if b.client_id.trim().is_empty() {
        return Err(Reply::err(400, "clientId is required"));
    }
    let id = owned_domain(w, &uid, &name)?.domain_id.clone();
    w.domains.get_mut(&id).expect("exists").google_client_id = Some(b.client_id);
    Ok(Reply::ok("Google client id added to the domain", Value::Null))
}

pub fn remove(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let b: RemoveDomains = body(r)?;
    if b.domains.is_empty() {
        return Err(Reply::err(400, "domains must list at least one domain"));
    }
    let mut ids = Vec::new();
    for name in &b.domains {
        let name = check_domain_name("domains[]", name)?;
        let d = owned_domain(w, &uid, &name)?;
        let n = w.mailboxes.values().filter(|m| m.domain_id == d.domain_id).count();
        if n > 0 {
            return Err(Reply::err(400, format!("Domain {name} still has {n} mailbox(es): remove them (or cancel the subscription) first")));
        }
        ids.push(d.domain_id.clone());
    }
    for id in &ids {
        w.domains.remove(id);
        w.dns.retain(|_, r| &r.domain_id != id);
        w.subscriptions.retain(|_, s| &s.domain_id != id);
    }
    Ok(Reply::ok(format!("{} domain(s) will be removed shortly", ids.len()), Value::Null).action(new_action_id()))
}

/// The renewal items of a request and whether each is eligible.
fn renewal_items(w: &World, b: &DomainRenewal, now: i64) -> Result<Vec<(DomainRenewalItem, Option<String>)>, Reply> {
    user(w, &b.user_id)?;
    let years = b.years.unwrap_or(1);
    if !(1..=10).contains(&years) {
        return Err(Reply::err(400, "years must be between 1 and 10"));
    }
    let names: Vec<String> = match &b.domains {
        Some(ds) if !ds.is_empty() => ds.iter().map(|d| d.trim().to_ascii_lowercase()).collect(),
        _ => {
            let mut ds: Vec<&DomainRec> = w.domains.values().filter(|d| d.user_id == b.user_id).collect();
            ds.sort_by_key(|d| d.seq);
            ds.into_iter().map(|d| d.name.clone()).collect()
        }
    };
    let mut out = Vec::new();
    for name in names {
        let d = w.domain_by_name(&name).filter(|d| d.user_id == b.user_id);
        let mut item = DomainRenewalItem { domain_name: name.clone(), years: Some(years), ..Default::default() };
        let error = match d {
            None => Some("Domain not found for this user".to_string()),
            Some(d) => {
                item.domain_id = Some(d.domain_id.clone());
                item.renewal_price = Some(format!("{:.2}", DOMAIN_PRICE_PER_YEAR * years as f64));
                item.expire_on = Some(rfc3339(d.expiry_ms));
                item.auto_renew = Some(d.auto_renew);
                let st = domain_status(d, now);
                if st == "EXPIRED" || now > d.expiry_ms + DOMAIN_GRACE_MS {
                    Some("Domain expired more than 7 days ago and can no longer be renewed through the API".to_string())
                } else if now < d.expiry_ms - DOMAIN_RENEWAL_WINDOW_MS {
                    Some(format!("Domain can be renewed only within 45 days before expiry ({})", rfc3339(d.expiry_ms)))
                } else if st != "ACTIVE" && st != "GRACE_PERIOD" {
                    Some(format!("Domain is {st} and cannot be renewed"))
                } else {
                    None
                }
            }
        };
        out.push((item, error));
    }
    Ok(out)
}

fn items_json(items: &[(DomainRenewalItem, Option<String>)]) -> Value {
    json!(items
        .iter()
        .map(|(i, e)| DomainRenewalItem { error: e.clone(), ..i.clone() })
        .collect::<Vec<_>>())
}

pub fn renewal_price(w: &mut World, r: &Req, now: i64) -> R {
    let b: DomainRenewal = body(r)?;
    let items = renewal_items(w, &b, now)?;
    Ok(Reply::ok("Domain renewal prices fetched successfully", items_json(&items)))
}

pub fn renew(w: &mut World, r: &Req, now: i64) -> R {
    let b: DomainRenewal = body(r)?;
    let items = renewal_items(w, &b, now)?;
    let years = b.years.unwrap_or(1);
    let eligible: Vec<String> = items.iter().filter(|(_, e)| e.is_none()).filter_map(|(i, _)| i.domain_id.clone()).collect();
    if eligible.is_empty() {
        return Err(Reply::err(422, "No domain is eligible for renewal").with_data(items_json(&items)));
    }
    let price = DOMAIN_PRICE_PER_YEAR * years as f64;
    debit(w, price * eligible.len() as f64)?;
    let action = new_action_id();
    let email = w.user_email(&b.user_id);
    for id in &eligible {
        let d = w.domains.get_mut(id).expect("eligible");
        d.expiry_ms = add_months(d.expiry_ms, 12 * years as i64);
        d.status = "ACTIVE".into();
        let data = json!({
            "userId": d.user_id, "userEmail": email, "orderId": new_id(), "domainId": d.domain_id,
            "domainName": d.name, "creationTime": rfc3339(d.created_ms), "expiryDate": rfc3339(d.expiry_ms),
            "price": money(price), "renewal": true, "actionId": action,
        });
        crate::webhooks::emit(w, now, "domain.order.success", data);
    }
    Ok(Reply::ok(format!("{} domain(s) queued for renewal", eligible.len()), items_json(&items)).action(action))
}

pub fn toggle_auto_renew(w: &mut World, r: &Req) -> R {
    let b: ToggleDomainAutoRenew = body(r)?;
    user(w, &b.user_id)?;
    let ids: Vec<String> = match &b.domains {
        Some(ds) if !ds.is_empty() => {
            let mut v = Vec::new();
            for n in ds {
                let n = check_domain_name("domains[]", n)?;
                v.push(owned_domain(w, &b.user_id, &n)?.domain_id.clone());
            }
            v
        }
        _ => w.domains.values().filter(|d| d.user_id == b.user_id).map(|d| d.domain_id.clone()).collect(),
    };
    let mut out = Vec::new();
    for id in &ids {
        let d = w.domains.get_mut(id).expect("owned");
        d.auto_renew = b.auto_renew;
        out.push(DomainAutoRenew { domain_name: d.name.clone(), domain_id: Some(d.domain_id.clone()), auto_renew: d.auto_renew, extra: Default::default() });
    }
    let msg = format!("Auto-renew toggled {} for {} domain{}.", if b.auto_renew { "on" } else { "off" }, out.len(), if out.len() == 1 { "" } else { "s" });
    Ok(Reply::ok(msg, json!(out)))
}

/// Register a domain for a user (order step or seed) with its default DNS records.
pub fn register(w: &mut World, user_id: &str, name: &str, years: u32, now: i64, order_id: Option<String>) -> String {
    let id = new_id();
    let seq = w.next_seq();
    w.domains.insert(
        id.clone(),
        DomainRec {
            seq,
            domain_id: id.clone(),
            name: name.to_string(),
            user_id: user_id.to_string(),
            status: "ACTIVE".into(),
            created_ms: now,
            expiry_ms: add_months(now, 12 * years as i64),
            auto_renew: false,
            forward_to: None,
            mask_forwarding: None,
            email_forward_to: None,
            google_client_id: None,
            order_id,
        },
    );
    super::dns::add_defaults(w, &id, user_id, name);
    id
}
