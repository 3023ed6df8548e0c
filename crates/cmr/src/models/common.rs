//! Types shared by every resource: the unknown-field bag, acknowledgements,
//! pages, and lenient number decoding.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};


/// Fields the API sent that this SDK version does not model (kept, never dropped).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extra(pub Map<String, Value>);

/// Any other fields: an object open to any property.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Extra {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Extra".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "object", "additionalProperties": true})
    }
}

impl Extra {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(feature = "uniffi")]
uniffi::custom_type!(Extra, String, {
    lower: |v| serde_json::to_string(&v.0).unwrap_or_else(|_| "{}".to_string()),
    try_lift: |s| Ok(Extra(serde_json::from_str(&s)?)),
});

/// The `{status, message, data, actionId}` envelope every CMR answer uses.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// Mirrors the HTTP status (absent in some guide examples). Any other
    /// JSON type, or a number out of range, reads as absent.
    #[serde(default, deserialize_with = "lenient::any_u16")]
    pub status: Option<u16>,
    /// A non-string message is kept as its JSON text.
    #[serde(default, deserialize_with = "lenient::any_string")]
    pub message: String,
    /// Object, array, `null`, or absent (`Value::Null`).
    #[serde(default)]
    pub data: Value,
    /// Top-level `actionId` of an asynchronous operation.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient::any_opt_string")]
    pub action_id: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Envelope {
    /// The `actionId` at top level, or inside `data` (both forms are documented).
    pub fn action_id(&self) -> Option<&str> {
        self.action_id
            .as_deref()
            .or_else(|| self.data.get("actionId").and_then(Value::as_str))
    }
}

model! {
    /// Answer of an operation that returns no data: the server's message and,
    /// for asynchronous operations, the `actionId` its webhooks will carry.
    pub struct Ack {
        pub message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub action_id: Option<String>,
    }
}

impl Ack {
    pub(crate) fn from_envelope(env: &Envelope) -> Ack {
        Ack { message: env.message.clone(), action_id: env.action_id().map(str::to_string) }
    }
}

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Page number of this page (from 1).
    pub current_page: u32,
    /// Total pages, when the API says.
    pub total_pages: Option<u32>,
    /// The next page to ask for, or `None` on the last page. Computed by the
    /// SDK: the API's own `nextPage` is not trusted past `totalPages`.
    pub next_page: Option<u32>,
    /// Total matching records, when the API says (`totalSearchedCount`, `totalDomains`, ...).
    pub total_count: Option<u64>,
    /// Other fields of the page object (for example `totalMailboxes`).
    pub extra: Extra,
}

impl<T> Page<T> {
    pub fn has_next(&self) -> bool {
        self.next_page.is_some()
    }
    /// Map the items, keeping the page information.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            current_page: self.current_page,
            total_pages: self.total_pages,
            next_page: self.next_page,
            total_count: self.total_count,
            extra: self.extra,
        }
    }
}

string_enum! {
    /// Mailbox provider of a workspace.
    #[derive(Default)]
    pub enum ServiceProvider {
        #[default]
        Google = "GOOGLE",
        Microsoft = "MICROSOFT",
    }
}

string_enum! {
    /// Billing cycle of a subscription (CMR accepts only `MONTHLY` today).
    pub enum BillingCycle {
        Monthly = "MONTHLY",
    }
}

/// Lenient decoders: CMR sends some numbers as strings (`"renewalPrice": "14.50"`,
/// `"priority": ""`). These accept both and treat `""`/`null` as absent.
pub(crate) mod lenient {
    use super::*;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumOrStr {
        F(f64),
        S(String),
        B(bool),
    }

    pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(match Option::<NumOrStr>::deserialize(d)? {
            Some(NumOrStr::F(f)) => Some(f),
            Some(NumOrStr::S(s)) => s.trim().parse().ok(),
            _ => None,
        })
    }

    pub fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        Ok(opt_f64(d)?.filter(|f| *f >= 0.0 && *f <= u32::MAX as f64).map(|f| f as u32))
    }

    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Option::<NumOrStr>::deserialize(d)? {
            Some(NumOrStr::F(f)) => Some(if f.fract() == 0.0 { format!("{}", f as i64) } else { f.to_string() }),
            Some(NumOrStr::S(s)) if !s.is_empty() => Some(s),
            Some(NumOrStr::B(b)) => Some(b.to_string()),
            _ => None,
        })
    }

    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        Ok(match Option::<NumOrStr>::deserialize(d)? {
            Some(NumOrStr::B(b)) => Some(b),
            Some(NumOrStr::S(s)) => match s.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            Some(NumOrStr::F(f)) => Some(f != 0.0),
            None => None,
        })
    }

    /// Any JSON: a number in 0..=65535 (or such a number as a string), else `None`.
    pub fn any_u16<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
    }

    /// Any JSON: a string as is, `null` as empty, anything else as its JSON text.
    pub fn any_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        })
    }

    /// Any JSON: a non-empty string (or a number as text), else `None`.
    pub fn any_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) if !s.is_empty() => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    }

    /// `null` or absent becomes an empty vector.
    pub fn vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }
}

/// Bytes as base64 in JSON (profile pictures in multipart orders).
pub(crate) mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(s.as_bytes()).map_err(serde::de::Error::custom)
    }
}
