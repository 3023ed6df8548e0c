//! DNS records.

use super::common::{lenient, Extra};

string_enum! {
    /// DNS record type.
    #[derive(Default)]
    pub enum RecordType {
        #[default]
        A = "A",
        Aaaa = "AAAA",
        Cname = "CNAME",
        Mx = "MX",
        Txt = "TXT",
        Ns = "NS",
        Srv = "SRV",
        Caa = "CAA",
    }
}

model! {
    /// A DNS record of a domain.
    pub struct DnsRecord {
        #[serde(default, alias = "id")] pub record_id: String,
        #[serde(default)] pub host: String,
        #[serde(default)] pub value: String,
        #[serde(default)] pub record_type: RecordType,
        /// MX priority (CMR sends `""` when absent).
        #[serde(default, deserialize_with = "lenient::opt_u32", skip_serializing_if = "Option::is_none")]
        pub priority: Option<u32>,
        #[serde(default, rename = "excludedDMARCtags", skip_serializing_if = "Option::is_none")]
        pub excluded_dmarc_tags: Option<Vec<String>>,
        #[serde(default, deserialize_with = "lenient::opt_u32", skip_serializing_if = "Option::is_none")]
        pub ttl: Option<u32>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// Records of a domain: active and disabled.
    pub struct DnsRecords {
        #[serde(default, deserialize_with = "lenient::vec")] pub records: Vec<DnsRecord>,
        #[serde(default, deserialize_with = "lenient::vec")] pub disabled_records: Vec<DnsRecord>,
        #[serde(flatten)] pub extra: Extra,
    }
}

model! {
    /// A record to create.
    pub struct NewDnsRecord {
        /// `@`, `mail`, `_dmarc`, ...
        pub host: String,
        pub value: String,
        pub record_type: RecordType,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub priority: Option<u32>,
        /// DMARC tags CMR must not add. Only valid on a TXT record whose host
        /// is `_dmarc` (or starts with `_dmarc.`); anything else is refused.
        #[serde(default, rename = "excludedDMARCtags", skip_serializing_if = "Option::is_none")]
        pub excluded_dmarc_tags: Option<Vec<String>>,
    }
}

model! {
    /// Body of `dns.add`.
    pub struct AddDnsRecords {
        pub domain: String,
        pub records: Vec<NewDnsRecord>,
    }
}

model! {
    /// Body of `dns.update`: the complete new record (writable fields are replaced).
    pub struct UpdateDnsRecord {
        pub record_id: String,
        pub domain: String,
        pub host: String,
        pub value: String,
        pub record_type: RecordType,
        #[serde(default, skip_serializing_if = "Option::is_none")] pub priority: Option<u32>,
        #[serde(default, rename = "excludedDMARCtags", skip_serializing_if = "Option::is_none")]
        pub excluded_dmarc_tags: Option<Vec<String>>,
    }
}

/// DMARC tags CMR adds by default to a `_dmarc` TXT record, with their defaults.
pub const DMARC_DEFAULT_TAGS: &[(&str, &str)] = &[
    ("rua", "mailto:<email>"),
    ("ruf", "mailto:<email>"),
    ("fo", "0"),
    ("rf", "afrf"),
    ("ri", "604800"),
    ("pct", "100"),
    ("sp", "reject"),
    ("aspf", "r"),
    ("adkim", "r"),
];

/// Is `host` a DMARC host (`_dmarc` or `_dmarc.<sub>`)?
pub fn is_dmarc_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h == "_dmarc" || h.starts_with("_dmarc.")
}
