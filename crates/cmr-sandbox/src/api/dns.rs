//! DNS records of a user's domains.

use cmr::models::{is_dmarc_host, DnsRecords, NewDnsRecord, RecordType, UpdateDnsRecord, DMARC_DEFAULT_TAGS};
use serde_json::{json, Value};

use super::domains::{check_domain_name, owned_domain, RECORD_NOT_FOUND};
use super::{body, body_obj, q, user_q, views, R};
use crate::reply::{Reply, Req};
use crate::state::{new_id, DnsRec, World};

pub const DEFAULT_TTL: u32 = 3600;

/// The stored value of a DMARC record: the given tags plus every default tag
/// neither given nor excluded (`rua`/`ruf` point at `dmarc@<domain>`).
pub fn dmarc_value(value: &str, excluded: &[String], domain: &str) -> String {
    let mut parts: Vec<String> = value.split(';').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
    if parts.first().is_none_or(|p| !p.eq_ignore_ascii_case("v=DMARC1")) {
        parts.retain(|p| !p.to_ascii_lowercase().starts_with("v="));
        parts.insert(0, "v=DMARC1".into());
    }
    if !parts.iter().any(|p| p.to_ascii_lowercase().starts_with("p=")) {
        parts.insert(1, "p=none".into());
    }
    for (tag, default) in DMARC_DEFAULT_TAGS {
        let present = parts.iter().any(|p| p.split('=').next().is_some_and(|k| k.trim().eq_ignore_ascii_case(tag)));
        if present || excluded.iter().any(|e| e.eq_ignore_ascii_case(tag)) {
            continue;
        }
        parts.push(format!("{tag}={}", default.replace("<email>", &format!("dmarc@{domain}"))));
    }
    parts.join("; ")
}

fn check(host: &str, value: &str, t: &RecordType, priority: Option<u32>, excluded: Option<&[String]>) -> Result<(), Reply> {
    if host.trim().is_empty() {
        return Err(Reply::err(400, "host is required"));
    }
    if value.trim().is_empty() {
        return Err(Reply::err(400, "value is required"));
    }
    if !t.is_known() {
        return Err(Reply::err(400, format!("Unsupported recordType '{t}' (A, AAAA, CNAME, MX, TXT, NS, SRV, CAA)")));
    }
    if let Some(tags) = excluded {
        if !(*t == RecordType::Txt && is_dmarc_host(host)) {
            return Err(Reply::err(400, "excludedDMARCtags is only allowed on a TXT record whose host is _dmarc"));
        }
        for tag in tags {
            if !DMARC_DEFAULT_TAGS.iter().any(|(k, _)| k.eq_ignore_ascii_case(tag)) {
                return Err(Reply::err(400, format!("Unknown DMARC tag '{tag}' in excludedDMARCtags")));
            }
        }
    }
    if *t == RecordType::Mx && priority.is_none() {
        return Err(Reply::err(400, "priority is required on MX records"));
    }
    if priority.is_some_and(|p| p > 65535) {
        return Err(Reply::err(400, "priority must be between 0 and 65535"));
    }
    Ok(())
}

fn stored_value(host: &str, value: &str, t: &RecordType, excluded: Option<&[String]>, domain: &str) -> String {
    if *t == RecordType::Txt && is_dmarc_host(host) {
        dmarc_value(value, excluded.unwrap_or(&[]), domain)
    } else {
        value.to_string()
    }
}

pub fn list(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let name = check_domain_name("domain", q(r, "domain")?)?;
    let d = owned_domain(w, &uid, &name)?;
    let mut recs: Vec<&DnsRec> = w.dns.values().filter(|x| x.domain_id == d.domain_id).collect();
    recs.sort_by_key(|x| x.seq);
    let out = DnsRecords { records: recs.into_iter().map(views::dns).collect(), disabled_records: vec![], extra: Default::default() };
    Ok(Reply::ok("DNS records fetched successfully", json!(out)))
}

pub fn add(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let obj = body_obj(r)?;
    let domain = obj.get("domain").and_then(Value::as_str).ok_or_else(|| Reply::err(400, "domain is required"))?;
    let name = check_domain_name("domain", domain)?;
    let records: Vec<NewDnsRecord> = match obj.get("records") {
        Some(Value::Array(a)) if !a.is_empty() => serde_json::from_value(Value::Array(a.clone())).map_err(|e| Reply::err(400, format!("Invalid records: {e}")))?,
        Some(Value::Array(_)) => return Err(Reply::err(400, "records must list at least one record")),
        _ => return Err(Reply::err(400, "records is required (an array of {host, value, recordType})")),
    };
    let domain_id = owned_domain(w, &uid, &name)?.domain_id.clone();
    for rec in &records {
        check(&rec.host, &rec.value, &rec.record_type, rec.priority, rec.excluded_dmarc_tags.as_deref())?;
    }
    let mut out = Vec::new();
    for rec in records {
        if rec.record_type == RecordType::Txt && is_dmarc_host(&rec.host) {
            // A host has one DMARC policy: a new _dmarc TXT record replaces the old one.
            let host = rec.host.trim().to_ascii_lowercase();
            w.dns.retain(|_, x| !(x.domain_id == domain_id && x.record_type == "TXT" && x.host.to_ascii_lowercase() == host));
        }
        let value = stored_value(&rec.host, &rec.value, &rec.record_type, rec.excluded_dmarc_tags.as_deref(), &name);
        let id = new_id();
        let seq = w.next_seq();
        let stored = DnsRec {
            seq,
            record_id: id.clone(),
            domain_id: domain_id.clone(),
            user_id: uid.clone(),
            host: rec.host.trim().to_string(),
            value,
            record_type: rec.record_type.as_str().to_string(),
            priority: rec.priority,
            ttl: DEFAULT_TTL,
            excluded_dmarc_tags: rec.excluded_dmarc_tags,
        };
        out.push(views::dns(&stored));
        w.dns.insert(id, stored);
    }
    Ok(Reply::ok("DNS records added successfully", json!(out)))
}

pub fn update(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let obj = body_obj(r)?;
    if obj.get("recordId").and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
        return Err(Reply::err(400, "recordId is required"));
    }
    let b: UpdateDnsRecord = body(r)?;
    let name = check_domain_name("domain", &b.domain)?;
    let domain_id = owned_domain(w, &uid, &name)?.domain_id.clone();
    check(&b.host, &b.value, &b.record_type, b.priority, b.excluded_dmarc_tags.as_deref())?;
    let value = stored_value(&b.host, &b.value, &b.record_type, b.excluded_dmarc_tags.as_deref(), &name);
    let rec = w.dns.get_mut(&b.record_id).filter(|x| x.domain_id == domain_id).ok_or_else(|| Reply::err(404, RECORD_NOT_FOUND))?;
    rec.host = b.host.trim().to_string();
    rec.value = value;
    rec.record_type = b.record_type.as_str().to_string();
    rec.priority = b.priority;
    rec.excluded_dmarc_tags = b.excluded_dmarc_tags;
    let view = views::dns(rec);
    Ok(Reply::ok("DNS record updated successfully", json!(view)))
}

pub fn delete(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let id = q(r, "recordId")?.to_string();
    match w.dns.get(&id) {
        None => return Err(Reply::err(404, RECORD_NOT_FOUND)),
        Some(x) if x.user_id != uid => return Err(Reply::err(403, "This DNS record does not belong to the user")),
        Some(_) => {}
    }
    w.dns.remove(&id);
    Ok(Reply::ok("DNS record deleted successfully", Value::Null))
}

/// The records CMR sets up on a new domain.
pub fn add_defaults(w: &mut World, domain_id: &str, user_id: &str, name: &str) {
    let defs: [(&str, &str, String, Option<u32>); 3] = [
        ("@", "MX", "smtp.google.com".to_string(), Some(1)),
        ("@", "TXT", "v=spf1 include:_spf.google.com ~all".to_string(), None),
        ("_dmarc", "TXT", dmarc_value("v=DMARC1; p=none", &[], name), None),
    ];
    for (host, t, value, priority) in defs {
        let id = new_id();
        let seq = w.next_seq();
        w.dns.insert(
            id.clone(),
            DnsRec {
                seq,
                record_id: id,
                domain_id: domain_id.to_string(),
                user_id: user_id.to_string(),
                host: host.into(),
                value,
                record_type: t.into(),
                priority,
                ttl: DEFAULT_TTL,
                excluded_dmarc_tags: None,
            },
        );
    }
}
