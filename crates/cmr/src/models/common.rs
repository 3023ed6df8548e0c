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

    /// A JSON scalar as the API may send it.
    enum NumOrStr {
        F(f64),
        S(String),
        B(bool),
    }

    /// Reads a scalar (or `null`) in one pass. An `#[serde(untagged)]` enum
    /// did the same by buffering the value, trying `f64` first and building
    /// (formatting) an error for every string it then read as a string:
    /// about a quarter of the time it took to decode a user.
    struct ScalarVisitor;

    impl<'de> serde::de::Visitor<'de> for ScalarVisitor {
        type Value = Option<NumOrStr>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number, a string, a boolean or null")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(NumOrStr::B(v)))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(NumOrStr::F(v as f64)))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(NumOrStr::F(v as f64)))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(NumOrStr::F(v)))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(NumOrStr::S(v.to_owned())))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(NumOrStr::S(v)))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(ScalarVisitor)
        }
    }

    /// A scalar, or `None` for `null`; an array or object is an error.
    fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NumOrStr>, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }

    pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(match scalar(d)? {
            Some(NumOrStr::F(f)) => Some(f),
            Some(NumOrStr::S(s)) => s.trim().parse().ok(),
            _ => None,
        })
    }

    pub fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        Ok(opt_f64(d)?.filter(|f| *f >= 0.0 && *f <= u32::MAX as f64).map(|f| f as u32))
    }

    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match scalar(d)? {
            Some(NumOrStr::F(f)) => Some(if f.fract() == 0.0 { format!("{}", f as i64) } else { f.to_string() }),
            Some(NumOrStr::S(s)) if !s.is_empty() => Some(s),
            Some(NumOrStr::B(b)) => Some(b.to_string()),
            _ => None,
        })
    }

    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        Ok(match scalar(d)? {
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

#[cfg(test)]
mod tests {
    use super::lenient;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct L {
        #[serde(default, deserialize_with = "lenient::opt_f64")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "lenient::opt_u32")]
        u: Option<u32>,
        #[serde(default, deserialize_with = "lenient::opt_string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")]
        b: Option<bool>,
    }

    fn l(json: &str) -> L {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn lenient_scalars_from_text_and_from_values() {
        let a = l(r#"{"f": "14.50", "u": 3, "s": 44, "b": "true"}"#);
        assert_eq!((a.f, a.u, a.s.as_deref(), a.b), (Some(14.5), Some(3), Some("44"), Some(true)));
        let b = l(r#"{"f": 2, "u": "7", "s": 1.5, "b": 0}"#);
        assert_eq!((b.f, b.u, b.s.as_deref(), b.b), (Some(2.0), Some(7), Some("1.5"), Some(false)));
        let c = l(r#"{"f": "", "u": -1, "s": "", "b": "maybe"}"#);
        assert_eq!((c.f, c.u, c.s, c.b), (None, None, None, None));
        let d = l(r#"{"f": null, "u": null, "s": true, "b": null}"#);
        assert_eq!((d.f, d.u, d.s.as_deref(), d.b), (None, None, Some("true"), None));
        let e = l("{}");
        assert_eq!((e.f, e.u, e.s, e.b), (None, None, None, None));
        // A string with escapes (not borrowed from the input) and a big id.
        let g = l(r#"{"s": "a\"b", "f": -12345678901}"#);
        assert_eq!((g.s.as_deref(), g.f), (Some("a\"b"), Some(-12345678901.0)));
        // Through serde_json::Value too (how some answers are decoded).
        let v: L = serde_json::from_value(serde_json::json!({"s": 5, "f": "1e3"})).unwrap();
        assert_eq!((v.s.as_deref(), v.f), (Some("5"), Some(1000.0)));
    }

    #[test]
    fn lenient_rejects_arrays_and_objects() {
        for bad in [r#"{"s": []}"#, r#"{"f": {"a": 1}}"#, r#"{"b": [true]}"#] {
            let e = serde_json::from_str::<L>(bad).err().expect(bad);
            assert!(e.to_string().contains("a number, a string, a boolean or null"), "{e}");
        }
    }
}
