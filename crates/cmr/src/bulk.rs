//! Bulk helpers: many items in few requests, paced at the rate limit, with a
//! per-item outcome mapped back to the input position.
//!
//! * [`add_dns_records`] (`client.dns().add_many`): records are grouped by
//!   domain into `dns.add` calls carrying a `records` array.
//! * [`update_mailboxes`] (`client.mailboxes().update_all`): changes are sent
//!   as `mailboxes.update_many` calls (`mailboxData` array, per-item results).
//!
//! Batches hold [`DEFAULT_BATCH_SIZE`] items unless told otherwise. When the
//! server refuses a batch as too large, it is split in two and the job goes on
//! with the smaller size. Requests go through the client's pacer (CMR's
//! 5 req/s unless `requests_per_second` says otherwise), so a job runs at the
//! limit without drawing 429s.
//!
//! Every item ends [`BulkItemStatus::Succeeded`], `Failed` (with the server's
//! message; not applied, safe to send again) or `MaybeApplied` (sent, the
//! answer was lost, and the lookup could not confirm it). Nothing that may
//! have been applied is sent again: a batch whose answer was lost is
//! reconciled with a lookup (DNS: the domain's record list; mailboxes: the
//! user's mailboxes, comparing the changed fields).
//!
//! **DNS partial failures.** `POST /dns` answers with the created records, not
//! per item. A batch is complete when the answer lists as many records as were
//! sent. Otherwise (fewer records, a 4xx on a multi-record batch, or a lost
//! answer) the domain's records are listed once and each input is looked for
//! by host, type and value (DMARC: every given tag present, since CMR adds its
//! defaults). Found records are successes. After an answered 5xx, a record
//! not found was not applied (`dns.add` is synchronous): it fails. After a
//! lost answer (timeout, broken connection) it is `MaybeApplied`: the server
//! may still be working on it. A refused batch whose records are
//! not found is split in halves and sent again until each refused record
//! stands alone with its own error message. A lookup cannot tell a record we
//! added from an identical one that already existed; either way the record is
//! there, which is what the caller asked for.
//!
//! The jobs are cancel-safe: each outcome is reported to the `on_event`
//! callback as soon as it is known, and `Sending` announces each batch
//! before it is sent, so a caller that journals events (the CLI does) knows
//! exactly which items were in flight when the job was dropped.

use std::collections::{HashMap, VecDeque};

use crate::models::*;
use crate::{validate, Client, Error, Result};

/// Items per request unless told otherwise. The API documents no maximum;
/// 50 keeps a batch body around 5 KB (DNS) and answers well under any
/// plausible server limit, while 500 records still take 10 requests (2 s at
/// 5 req/s). A server that refuses it makes the job halve it.
pub const DEFAULT_BATCH_SIZE: usize = 50;
/// Largest batch size accepted from the caller.
pub const MAX_BATCH_SIZE: usize = 1000;
/// Times one mailbox change refused per item with "rate limit" is sent again.
const ITEM_RATE_LIMIT_RETRIES: u32 = 3;

/// Progress of a bulk job, reported while it runs.
#[derive(Debug)]
pub enum BulkEvent<'a> {
    /// These input positions are about to be sent in one request.
    Sending(&'a [usize]),
    /// The final outcome of one input item.
    Done(&'a BulkItemResult),
}

fn batch_size(opts: &BulkOptions) -> Result<usize> {
    match opts.batch_size {
        None => Ok(DEFAULT_BATCH_SIZE),
        Some(n) if n >= 1 && (n as usize) <= MAX_BATCH_SIZE => Ok(n as usize),
        Some(n) => Err(Error::invalid(format!("batch_size must be between 1 and {MAX_BATCH_SIZE}, got {n}"))),
    }
}

/// Collects outcomes in input order and reports each one once.
struct Tracker<'f> {
    items: Vec<Option<BulkItemResult>>,
    requests: u32,
    on_event: &'f mut (dyn FnMut(BulkEvent<'_>) + Send),
}

impl<'f> Tracker<'f> {
    fn new(n: usize, on_event: &'f mut (dyn FnMut(BulkEvent<'_>) + Send)) -> Self {
        Tracker { items: vec![None; n], requests: 0, on_event }
    }
    fn done(&mut self, i: usize, status: BulkItemStatus, message: Option<String>, id: Option<String>) {
        if self.items[i].is_some() {
            return;
        }
        let r = BulkItemResult { index: i as u32, status, message, id };
        (self.on_event)(BulkEvent::Done(&r));
        self.items[i] = Some(r);
    }
    fn sending(&mut self, idx: &[usize]) {
        self.requests += 1;
        (self.on_event)(BulkEvent::Sending(idx));
    }
    fn finish(self) -> BulkResult {
        let items: Vec<BulkItemResult> = self
            .items
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                r.unwrap_or(BulkItemResult {
                    index: i as u32,
                    status: BulkItemStatus::Failed,
                    message: Some("not attempted".into()),
                    id: None,
                })
            })
            .collect();
        let count = |s: BulkItemStatus| items.iter().filter(|r| r.status == s).count() as u32;
        BulkResult {
            succeeded: count(BulkItemStatus::Succeeded),
            failed: count(BulkItemStatus::Failed),
            maybe_applied: count(BulkItemStatus::MaybeApplied),
            requests: self.requests,
            items,
        }
    }
}

/// Does this error say the batch had too many items (not the rate limit)?
pub(crate) fn is_too_many(e: &Error) -> bool {
    if e.status() == Some(413) {
        return true;
    }
    if !matches!(e.status(), Some(400 | 422)) {
        return false;
    }
    let m = e.message().to_ascii_lowercase();
    !m.contains("rate limit") && ["too many", "at most", "maximum", "too large", "max "].iter().any(|k| m.contains(k))
}

/// A refusal the server made without acting: a 4xx other than 408/429.
fn is_refusal(e: &Error) -> bool {
    matches!(e.status(), Some(s) if (400..500).contains(&s) && s != 408 && s != 429)
}

/// Pushes `idx` back at the front of `queue` in chunks of at most `size`, in order.
fn push_front_chunks<K: Clone>(queue: &mut VecDeque<(K, Vec<usize>)>, key: &K, idx: &[usize], size: usize) {
    for c in idx.chunks(size.max(1)).rev() {
        queue.push_front((key.clone(), c.to_vec()));
    }
}

// ------------------------------------------------------------------- DNS --

fn norm_host(h: &str) -> String {
    h.trim().trim_end_matches('.').to_ascii_lowercase()
}

fn dmarc_tags(v: &str) -> Vec<String> {
    v.trim_matches('"')
        .split(';')
        .map(|p| p.split('=').map(str::trim).collect::<Vec<_>>().join("=").to_ascii_lowercase())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Is `rec` the record described by (type, host, value[, priority])?
pub fn record_matches(t: &RecordType, host: &str, value: &str, priority: Option<u32>, rec: &DnsRecord) -> bool {
    if !rec.record_type.as_str().eq_ignore_ascii_case(t.as_str()) || norm_host(&rec.host) != norm_host(host) {
        return false;
    }
    if priority.is_some() && rec.priority != priority {
        return false;
    }
    let (want, got) = (value.trim().trim_matches('"'), rec.value.trim().trim_matches('"'));
    if *t == RecordType::Txt && is_dmarc_host(host) {
        let have = dmarc_tags(got);
        dmarc_tags(want).iter().all(|w| have.contains(w))
    } else if *t == RecordType::Txt {
        want == got
    } else {
        want.trim_end_matches('.').eq_ignore_ascii_case(got.trim_end_matches('.'))
    }
}

fn to_new(r: &BulkDnsRecord) -> NewDnsRecord {
    NewDnsRecord {
        host: r.host.clone(),
        value: r.value.clone(),
        record_type: r.record_type.clone(),
        priority: r.priority,
        excluded_dmarc_tags: r.excluded_dmarc_tags.clone(),
    }
}

/// Match inputs to records, each record used at most once. Returns `(input, recordId)` pairs.
fn match_records(records: &[BulkDnsRecord], idx: &[usize], found: &[DnsRecord]) -> Vec<(usize, String)> {
    let mut used = vec![false; found.len()];
    let mut out = Vec::new();
    for &i in idx {
        let r = &records[i];
        if let Some(j) = (0..found.len())
            .find(|&j| !used[j] && record_matches(&r.record_type, &r.host, &r.value, r.priority, &found[j]))
        {
            used[j] = true;
            out.push((i, found[j].record_id.clone()));
        }
    }
    out
}

/// Add many DNS records (any domains of one user) in as few `dns.add` calls
/// as the batch size allows. Fails only on an invalid `user_id`; every other
/// problem is reported on its item.
pub async fn add_dns_records(
    client: &Client,
    user_id: &str,
    records: &[BulkDnsRecord],
    opts: &BulkOptions,
    on_event: &mut (dyn FnMut(BulkEvent<'_>) + Send),
) -> Result<BulkResult> {
    validate::id("userId", user_id)?;
    let mut size = batch_size(opts)?;
    let c = client.for_bulk();
    let mut t = Tracker::new(records.len(), on_event);

    // Group by domain, keeping first-appearance order; invalid rows fail here.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        let check = validate::domain("domain", &r.domain).and_then(|_| {
            crate::resources::check_dns_record(&r.host, &r.value, &r.record_type, r.priority, r.excluded_dmarc_tags.as_deref())
        });
        if let Err(e) = check {
            t.done(i, BulkItemStatus::Failed, Some(e.message().to_string()), None);
            continue;
        }
        let d = r.domain.trim().to_ascii_lowercase();
        if !groups.contains_key(&d) {
            order.push(d.clone());
        }
        groups.entry(d).or_default().push(i);
    }
    let mut queue: VecDeque<(String, Vec<usize>)> = VecDeque::new();
    for d in order {
        let idx = groups.remove(&d).unwrap_or_default();
        for chunk in idx.chunks(size) {
            queue.push_back((d.clone(), chunk.to_vec()));
        }
    }

    while let Some((domain, idx)) = queue.pop_front() {
        if idx.len() > size {
            push_front_chunks(&mut queue, &domain, &idx, size);
            continue;
        }
        let req = AddDnsRecords { domain: domain.clone(), records: idx.iter().map(|&i| to_new(&records[i])).collect() };
        t.sending(&idx);
        match c.dns().add(user_id, &req).await {
            Ok(created) if created.len() == idx.len() => {
                for (k, &i) in idx.iter().enumerate() {
                    t.done(i, BulkItemStatus::Succeeded, None, Some(created[k].record_id.clone()));
                }
            }
            Ok(created) => {
                // Fewer (or more) records than sent: find each one.
                let mut left: Vec<usize> = idx.clone();
                for (i, id) in match_records(records, &idx, &created) {
                    t.done(i, BulkItemStatus::Succeeded, None, Some(id));
                    left.retain(|&x| x != i);
                }
                if left.is_empty() {
                    continue;
                }
                t.requests += 1;
                let listed = c.dns().list(user_id, &domain).await;
                if let Ok(l) = &listed {
                    for (i, id) in match_records(records, &left, &l.records) {
                        t.done(i, BulkItemStatus::Succeeded, Some("found by lookup".into()), Some(id));
                    }
                }
                let why = if listed.is_ok() {
                    "the server accepted the batch but did not create this record"
                } else {
                    "the server's answer did not include this record and the lookup failed"
                };
                let status = if listed.is_ok() { BulkItemStatus::Failed } else { BulkItemStatus::MaybeApplied };
                for i in left {
                    t.done(i, status.clone(), Some(why.into()), None);
                }
            }
            Err(e) if idx.len() > 1 && is_too_many(&e) => {
                size = (idx.len() / 2).max(1);
                tracing::debug!(size, "cmr bulk: batch refused as too large, splitting");
                push_front_chunks(&mut queue, &domain, &idx, size);
            }
            Err(e) if !e.may_have_been_sent() => {
                for &i in &idx {
                    t.done(i, BulkItemStatus::Failed, Some(format!("not sent: {}", e.message())), None);
                }
            }
            Err(e) if is_refusal(&e) && idx.len() == 1 => {
                t.done(idx[0], BulkItemStatus::Failed, Some(e.message().to_string()), None);
            }
            Err(e) => {
                // A refused multi-record batch, or a lost answer: look.
                let refused = is_refusal(&e);
                t.requests += 1;
                match c.dns().list(user_id, &domain).await {
                    Ok(l) => {
                        let mut left = idx.clone();
                        for (i, id) in match_records(records, &idx, &l.records) {
                            t.done(i, BulkItemStatus::Succeeded, Some("found by lookup".into()), Some(id));
                            left.retain(|&x| x != i);
                        }
                        if refused {
                            // Not applied: split until each refusal stands alone.
                            let half = left.len().div_ceil(2).max(1);
                            push_front_chunks(&mut queue, &domain, &left, half);
                        } else if e.status().is_some() {
                            // The server answered (5xx): it is done with the
                            // request, and `dns.add` is synchronous, so a record
                            // it does not list was not applied.
                            for i in left {
                                let m = format!("{} (not applied: checked by lookup)", e.message());
                                t.done(i, BulkItemStatus::Failed, Some(m), None);
                            }
                        } else {
                            for i in left {
                                let m = format!("sent, answer lost ({}); not found by lookup yet", e.message());
                                t.done(i, BulkItemStatus::MaybeApplied, Some(m), None);
                            }
                        }
                    }
                    Err(le) => {
                        for &i in &idx {
                            let (status, m) = if refused {
                                (BulkItemStatus::Failed, format!("{} (batch refused; lookup failed: {})", e.message(), le.message()))
                            } else {
                                (BulkItemStatus::MaybeApplied, format!("sent, answer lost ({}); lookup failed: {}", e.message(), le.message()))
                            };
                            t.done(i, status, Some(m), None);
                        }
                    }
                }
            }
        }
    }
    Ok(t.finish())
}

/// The record of `domain` with this type, host and value, if it exists.
pub async fn find_dns_record(
    client: &Client,
    user_id: &str,
    domain: &str,
    record_type: &RecordType,
    host: &str,
    value: &str,
) -> Result<Option<DnsRecord>> {
    validate::non_empty("host", host)?;
    validate::non_empty("value", value)?;
    let l = client.dns().list(user_id, domain).await?;
    Ok(l.records
        .into_iter()
        .chain(l.disabled_records)
        .find(|r| record_matches(record_type, host, value, None, r)))
}

// ------------------------------------------------------------- mailboxes --

/// Does `m` show every field `c` changes?
pub fn mailbox_shows(c: &MailboxUpdate, m: &Mailbox) -> bool {
    let eq = |want: &Option<String>, got: &Option<String>| match want {
        None => true,
        Some(w) => got.as_deref().map(str::trim) == Some(w.trim()),
    };
    let user_ok = match &c.user_name {
        None => true,
        Some(u) => {
            let u = u.trim().to_ascii_lowercase();
            let from_email = m.email.as_deref().and_then(|e| e.split('@').next()).map(str::to_ascii_lowercase);
            m.user_name.as_deref().map(str::to_ascii_lowercase) == Some(u.clone()) || from_email == Some(u)
        }
    };
    let pic_ok = match (c.remove_profile_picture, &c.profile_picture) {
        (Some(true), _) => m.profile_picture.as_deref().is_none_or(str::is_empty),
        (_, p) => eq(p, &m.profile_picture),
    };
    user_ok && eq(&c.first_name, &m.first_name) && eq(&c.last_name, &m.last_name) && pic_ok
}

fn looks_rate_limited(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    m.contains("rate limit") || m.contains("too many requests")
}

/// Apply many mailbox changes of one user in as few
/// `mailboxes.update_many` calls as the batch size allows. Fails only on an
/// invalid `user_id`; every other problem is reported on its item.
pub async fn update_mailboxes(
    client: &Client,
    user_id: &str,
    changes: &[MailboxUpdate],
    opts: &BulkOptions,
    on_event: &mut (dyn FnMut(BulkEvent<'_>) + Send),
) -> Result<BulkResult> {
    validate::id("userId", user_id)?;
    let mut size = batch_size(opts)?;
    let c = client.for_bulk();
    let mut t = Tracker::new(changes.len(), on_event);
    let mut valid = Vec::new();
    for (i, ch) in changes.iter().enumerate() {
        match crate::resources::check_mailbox_update(ch) {
            Ok(()) => valid.push(i),
            Err(e) => t.done(i, BulkItemStatus::Failed, Some(e.message().to_string()), None),
        }
    }
    let mut queue: VecDeque<((), Vec<usize>)> = valid.chunks(size).map(|c| ((), c.to_vec())).collect();
    let mut item_retries: HashMap<usize, u32> = HashMap::new();

    while let Some(((), idx)) = queue.pop_front() {
        if idx.len() > size {
            push_front_chunks(&mut queue, &(), &idx, size);
            continue;
        }
        let batch: Vec<MailboxUpdate> = idx.iter().map(|&i| changes[i].clone()).collect();
        t.sending(&idx);
        match c.mailboxes().update_many(user_id, &batch).await {
            Ok(res) => {
                let mut used = vec![false; res.results.len()];
                let mut unknown = Vec::new();
                let mut again = Vec::new();
                for (k, &i) in idx.iter().enumerate() {
                    let id = &changes[i].mailbox_id;
                    // By mailboxId; an answer without ids is read by position.
                    let j = (0..res.results.len())
                        .find(|&j| !used[j] && res.results[j].mailbox_id == *id)
                        .or_else(|| (k < res.results.len() && !used[k] && res.results[k].mailbox_id.is_empty()).then_some(k));
                    let Some(j) = j else {
                        unknown.push(i);
                        continue;
                    };
                    used[j] = true;
                    let r = &res.results[j];
                    let msg = r.message.clone();
                    if r.success {
                        t.done(i, BulkItemStatus::Succeeded, msg, Some(id.clone()));
                    } else if msg.as_deref().is_some_and(looks_rate_limited)
                        && *item_retries.entry(i).and_modify(|n| *n += 1).or_insert(1) <= ITEM_RATE_LIMIT_RETRIES
                    {
                        // Refused unprocessed: safe to send again, later.
                        again.push(i);
                    } else {
                        let m = msg.unwrap_or_else(|| "refused (no reason given)".into());
                        t.done(i, BulkItemStatus::Failed, Some(m), Some(id.clone()));
                    }
                }
                if !again.is_empty() {
                    queue.push_back(((), again));
                }
                if !unknown.is_empty() {
                    reconcile_mailboxes(&c, user_id, changes, &unknown, "the answer had no result for it", &mut t).await;
                }
            }
            Err(e) if idx.len() > 1 && is_too_many(&e) => {
                size = (idx.len() / 2).max(1);
                tracing::debug!(size, "cmr bulk: batch refused as too large, splitting");
                push_front_chunks(&mut queue, &(), &idx, size);
            }
            Err(e) if !e.may_have_been_sent() || is_refusal(&e) => {
                // Refused as a whole (per-item refusals come in a 2xx answer).
                let m = if e.may_have_been_sent() { e.message().to_string() } else { format!("not sent: {}", e.message()) };
                for &i in &idx {
                    t.done(i, BulkItemStatus::Failed, Some(m.clone()), Some(changes[i].mailbox_id.clone()));
                }
            }
            Err(e) => {
                let why = format!("sent, answer lost ({})", e.message());
                reconcile_mailboxes(&c, user_id, changes, &idx, &why, &mut t).await;
            }
        }
    }
    Ok(t.finish())
}

/// List the user's mailboxes; a change they show is a success, else maybe applied
/// (updates apply asynchronously: not showing it yet proves nothing).
async fn reconcile_mailboxes(c: &Client, user_id: &str, changes: &[MailboxUpdate], idx: &[usize], why: &str, t: &mut Tracker<'_>) {
    t.requests += 1;
    match c.mailboxes().list(user_id).await {
        Ok(list) => {
            for &i in idx {
                let ch = &changes[i];
                let shown = list.iter().find(|m| m.mailbox_id == ch.mailbox_id).is_some_and(|m| mailbox_shows(ch, m));
                if shown {
                    t.done(i, BulkItemStatus::Succeeded, Some(format!("{why}; confirmed by lookup")), Some(ch.mailbox_id.clone()));
                } else {
                    let m = format!("{why}; the mailbox does not show the change (yet)");
                    t.done(i, BulkItemStatus::MaybeApplied, Some(m), Some(ch.mailbox_id.clone()));
                }
            }
        }
        Err(le) => {
            for &i in idx {
                let m = format!("{why}; lookup failed: {}", le.message());
                t.done(i, BulkItemStatus::MaybeApplied, Some(m), Some(changes[i].mailbox_id.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn rec(t: &str, host: &str, value: &str) -> DnsRecord {
        DnsRecord { record_type: RecordType::parse(t), host: host.into(), value: value.into(), ..Default::default() }
    }

    #[test]
    fn records_match_by_type_host_value() {
        let r = rec("TXT", "@", "\"hello\"");
        assert!(record_matches(&RecordType::Txt, "@", "hello", None, &r));
        assert!(!record_matches(&RecordType::Txt, "@", "Hello", None, &r));
        assert!(!record_matches(&RecordType::Txt, "www", "hello", None, &r));
        assert!(!record_matches(&RecordType::A, "@", "hello", None, &r));
        let c = rec("CNAME", "WWW.", "Target.example.com.");
        assert!(record_matches(&RecordType::Cname, "www", "target.example.com", None, &c));
        let mx = DnsRecord { priority: Some(10), ..rec("MX", "@", "mx.example.com") };
        assert!(record_matches(&RecordType::Mx, "@", "mx.example.com", Some(10), &mx));
        assert!(!record_matches(&RecordType::Mx, "@", "mx.example.com", Some(20), &mx));
    }

    #[test]
    fn dmarc_matches_when_every_given_tag_is_stored() {
        let r = rec("TXT", "_dmarc", "v=DMARC1; p=reject; rua=mailto:dmarc@x.com; fo=0");
        assert!(record_matches(&RecordType::Txt, "_dmarc", "v=DMARC1;p = reject", None, &r));
        assert!(!record_matches(&RecordType::Txt, "_dmarc", "v=DMARC1; p=none", None, &r));
    }

    #[test]
    fn too_many_is_told_apart_from_the_rate_limit() {
        let e = |s: u16, m: &str| Error::new(ErrorKind::from_status(s), m).with_status(s).mark_sent(true);
        assert!(is_too_many(&e(400, "Too many records: at most 100 per request")));
        assert!(is_too_many(&e(413, "Payload Too Large")));
        assert!(!is_too_many(&e(429, "Rate limit exceeded")));
        assert!(!is_too_many(&e(400, "Rate limit exceeded: too many requests")));
        assert!(!is_too_many(&e(400, "host is required")));
        assert!(!is_too_many(&e(500, "maximum exceeded")));
    }

    #[test]
    fn mailbox_changes_are_compared_field_by_field() {
        let m = Mailbox {
            mailbox_id: "m1".into(),
            email: Some("jane@acme.com".into()),
            first_name: Some("Jane".into()),
            ..Default::default()
        };
        let c = |u: Option<&str>, f: Option<&str>| MailboxUpdate {
            mailbox_id: "m1".into(),
            user_name: u.map(Into::into),
            first_name: f.map(Into::into),
            ..Default::default()
        };
        assert!(mailbox_shows(&c(Some("Jane"), None), &m));
        assert!(mailbox_shows(&c(None, Some("Jane")), &m));
        assert!(!mailbox_shows(&c(Some("joe"), None), &m));
        assert!(!mailbox_shows(&c(None, Some("Joan")), &m));
    }

    #[test]
    fn batch_size_is_bounded() {
        assert_eq!(batch_size(&BulkOptions::default()).unwrap(), DEFAULT_BATCH_SIZE);
        assert_eq!(batch_size(&BulkOptions { batch_size: Some(7) }).unwrap(), 7);
        assert!(batch_size(&BulkOptions { batch_size: Some(0) }).is_err());
        assert!(batch_size(&BulkOptions { batch_size: Some(1001) }).is_err());
    }
}
