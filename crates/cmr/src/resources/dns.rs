use super::{json, user_q, Dns};
use crate::client::Body;
use crate::models::*;
use crate::{routes, validate, Error, Result};

impl Dns<'_> {
    /// Active and disabled records of a domain.
    pub async fn list(self, user_id: &str, domain: &str) -> Result<DnsRecords> {
        let q = user_q(user_id)?;
        validate::domain("domain", domain)?;
        Ok(self.client.call(&routes::DNS_LIST, &[q, ("domain", domain.to_string())], Body::None).await?.0)
    }

    /// Add records to a domain. Returns the created records with their `recordId`.
    pub async fn add(self, user_id: &str, req: &AddDnsRecords) -> Result<Vec<DnsRecord>> {
        let q = user_q(user_id)?;
        validate::domain("domain", &req.domain)?;
        validate::non_empty_list("records", &req.records)?;
        for r in &req.records {
            check_record(&r.host, &r.value, &r.record_type, r.priority, r.excluded_dmarc_tags.as_deref())?;
        }
        let (records, _): (Option<Vec<DnsRecord>>, _) = self.client.call(&routes::DNS_ADD, &[q], json(req)?).await?;
        Ok(records.unwrap_or_default())
    }

    /// Replace a record (send the complete record).
    pub async fn update(self, user_id: &str, req: &UpdateDnsRecord) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::id("recordId", &req.record_id)?;
        validate::domain("domain", &req.domain)?;
        check_record(&req.host, &req.value, &req.record_type, req.priority, req.excluded_dmarc_tags.as_deref())?;
        self.client.send(&routes::DNS_UPDATE, &[q], json(req)?).await.map(|e| Ack::from_envelope(&e))
    }

    /// Add many records (any domains of the user) in few requests, paced at
    /// the rate limit; one result per input record, in input order. See [`crate::bulk`].
    pub async fn add_many(self, user_id: &str, records: &[BulkDnsRecord], opts: &BulkOptions) -> Result<BulkResult> {
        crate::bulk::add_dns_records(self.client, user_id, records, opts, &mut |_| {}).await
    }

    /// Same as [`Dns::add_many`], reporting each batch and outcome to `on_event` as it happens.
    pub async fn add_many_with(
        self,
        user_id: &str,
        records: &[BulkDnsRecord],
        opts: &BulkOptions,
        on_event: &mut (dyn FnMut(crate::bulk::BulkEvent<'_>) + Send),
    ) -> Result<BulkResult> {
        crate::bulk::add_dns_records(self.client, user_id, records, opts, on_event).await
    }

    /// The record of `domain` with this type, host and value, or `None`:
    /// "was it applied?" after a write whose answer was lost. Hosts compare
    /// case-insensitively; a DMARC record matches when it has every given tag.
    pub async fn find(self, user_id: &str, domain: &str, record_type: &RecordType, host: &str, value: &str) -> Result<Option<DnsRecord>> {
        crate::bulk::find_dns_record(self.client, user_id, domain, record_type, host, value).await
    }

    /// Delete a record (`recordId` from `dns.list`).
    pub async fn delete(self, user_id: &str, record_id: &str) -> Result<Ack> {
        let q = user_q(user_id)?;
        validate::id("recordId", record_id)?;
        self.client
            .send(&routes::DNS_DELETE, &[q, ("recordId", record_id.to_string())], Body::None)
            .await
            .map(|e| Ack::from_envelope(&e))
    }
}

pub(crate) fn check_record(host: &str, value: &str, t: &RecordType, priority: Option<u32>, excluded: Option<&[String]>) -> Result<()> {
    validate::non_empty("host", host)?;
    validate::non_empty("value", value)?;
    if excluded.is_some() && !(*t == RecordType::Txt && is_dmarc_host(host)) {
        return Err(Error::invalid("excludedDMARCtags is only allowed on a TXT record whose host is _dmarc"));
    }
    if let Some(tags) = excluded {
        for tag in tags {
            if !DMARC_DEFAULT_TAGS.iter().any(|(k, _)| k == tag) {
                return Err(Error::invalid(format!(
                    "unknown DMARC tag {tag:?} in excludedDMARCtags (known: rua, ruf, fo, rf, ri, pct, sp, aspf, adkim)"
                )));
            }
        }
    }
    if priority.is_some() && !matches!(t, RecordType::Mx | RecordType::Srv | RecordType::Unknown(_)) {
        return Err(Error::invalid(format!("priority is only meaningful on MX/SRV records, not {t}")));
    }
    if priority.is_some_and(|p| p > 65535) {
        return Err(Error::invalid("priority must be between 0 and 65535"));
    }
    Ok(())
}
