//! Bulk helpers (`dns.add_many`, `mailboxes.update_all`): inputs and per-item results.

use super::dns::RecordType;

string_enum! {
    /// What became of one input item of a bulk job.
    #[derive(Default)]
    pub enum BulkItemStatus {
        /// Applied (confirmed by the answer, or found by the lookup after a lost answer).
        Succeeded = "succeeded",
        /// Not applied: refused by the server (its message says why), invalid
        /// before sending, or never sent. Safe to send again once fixed.
        #[default]
        Failed = "failed",
        /// Sent, the answer was lost and the lookup could not tell. Check
        /// (`dns.find`, `mailboxes.get`) before sending it again.
        MaybeApplied = "maybe_applied",
    }
}

model! {
    /// A DNS record to add, with its domain (input of `dns.add_many`).
    pub struct BulkDnsRecord {
        pub domain: String,
        pub host: String,
        pub value: String,
        pub record_type: RecordType,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub priority: Option<u32>,
        #[serde(default, rename = "excludedDMARCtags", skip_serializing_if = "Option::is_none")]
        pub excluded_dmarc_tags: Option<Vec<String>>,
    }
}

model! {
    /// The outcome of one input item, at its position in the input.
    pub struct BulkItemResult {
        /// Position of the item in the input list (0-based).
        pub index: u32,
        pub status: BulkItemStatus,
        /// The server's message (failures), or how the outcome was established.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub message: Option<String>,
        /// `recordId` of a created DNS record, `mailboxId` of a changed mailbox.
        #[serde(default, skip_serializing_if = "Option::is_none")] pub id: Option<String>,
    }
}

model! {
    /// Per-item results of a bulk job, in input order, plus counts.
    pub struct BulkResult {
        pub items: Vec<BulkItemResult>,
        pub succeeded: u32,
        pub failed: u32,
        pub maybe_applied: u32,
        /// Requests sent (writes, lookups and splits included; retries of a 429 not).
        pub requests: u32,
    }
}

model! {
    /// Options of a bulk job.
    pub struct BulkOptions {
        /// Items per request (default 50, at most 1000). Halved for the rest of
        /// the job when the server answers "too many".
        #[serde(default, skip_serializing_if = "Option::is_none")] pub batch_size: Option<u32>,
    }
}
