//! Declaration macros shared by every model.
//!
//! * [`model!`] declares a struct with camelCase JSON names. Response models
//!   end with `#[serde(flatten)] pub extra: Extra`, which keeps every field
//!   the API sends that we do not know yet. Its JSON Schema lists the Rust
//!   field names in declaration order under `x-field-order` (a schema's
//!   properties are sorted): the generated Python models keep that order.
//!   A field whose value is a credential carries
//!   `#[cfg_attr(feature = "schema", schemars(extend("x-secret" = true)))]`:
//!   the Python models hide it in `repr`, and every model's `Debug` prints
//!   the fields named in [`SECRET_FIELDS`] as `<redacted>`.
//! * [`string_enum!`] declares an enum that (de)serialises as a string and
//!   keeps values it does not know as `Unknown(String)` instead of failing.
//!
//! With the `uniffi` feature the same declarations derive uniffi traits, so
//! the Kotlin/Swift bindings use these very types (declared once).

macro_rules! model {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        model!(@field [$(#[$meta])*] $name [] [] $($body)*);
    };
    // An optional field: also `= null` / `nil` by default in Kotlin and Swift.
    (@field $metas:tt $name:ident [$($done:tt)*] [$($names:ident)*] $(#[$fm:meta])* pub $f:ident : Option<$t:ty>, $($rest:tt)*) => {
        model!(@field $metas $name [$($done)* $(#[$fm])* #[cfg_attr(feature = "uniffi", uniffi(default = None))] pub $f: Option<$t>,] [$($names)* $f] $($rest)*);
    };
    (@field $metas:tt $name:ident [$($done:tt)*] [$($names:ident)*] $(#[$fm:meta])* pub $f:ident : $t:ty, $($rest:tt)*) => {
        model!(@field $metas $name [$($done)* $(#[$fm])* pub $f: $t,] [$($names)* $f] $($rest)*);
    };
    (@field [$(#[$meta:meta])*] $name:ident [$($done:tt)*] [$($names:ident)*]) => {
        $(#[$meta])*
        // Kotlin's `toString` and Swift's `debugDescription` are this `Debug`,
        // so credentials are redacted there too (not the data class's own).
        #[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
        #[derive(Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "schema", schemars(extend("x-field-order" = [$(stringify!($names)),*])))]
        #[serde(rename_all = "camelCase")]
        pub struct $name { $($done)* }
        redacted_debug!($name { $($names)* });
    };
}

/// Field names whose values are credentials (a mailbox's password, app
/// password and authenticator secret, a platform login's password): `Debug`
/// of every model prints them as `<redacted>`. The same fields carry
/// `x-secret` in the spec (a test checks both agree), which the Python
/// models hide in `repr`.
pub const SECRET_FIELDS: &[&str] = &["password", "app_password", "authenticator_secret"];

/// [`SECRET_FIELDS`], in the same order, as their keys appear in the API's
/// JSON (the models' `camelCase`; a test checks each against serde's
/// output): what code that only sees JSON text looks for.
pub const SECRET_JSON_KEYS: &[&str] = &["password", "appPassword", "authenticatorSecret"];

/// `Debug` as derived, except that a field named in [`SECRET_FIELDS`] with a
/// value prints `Some(<redacted>)` / `<redacted>`.
macro_rules! redacted_debug {
    ($name:ident { $($f:ident)* }) => {
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut d = f.debug_struct(stringify!($name));
                $(
                    if $crate::models::macros::SECRET_FIELDS.contains(&stringify!($f)) {
                        d.field(stringify!($f), &$crate::models::macros::Redacted(&self.$f));
                    } else {
                        d.field(stringify!($f), &self.$f);
                    }
                )*
                d.finish()
            }
        }
    };
}

pub(crate) use redacted_debug;

/// Prints `<redacted>` for a value (`None` for an absent optional string).
/// Every field type must compile here, whether or not it is secret, hence
/// the `Any` check rather than a trait bound.
pub struct Redacted<'a, T>(pub &'a T);

impl<T: std::any::Any> std::fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.0 as &dyn std::any::Any).downcast_ref::<Option<String>>() {
            Some(None) => f.write_str("None"),
            Some(Some(_)) => f.write_str("Some(<redacted>)"),
            None => f.write_str("<redacted>"),
        }
    }
}

macro_rules! string_enum {
    // An optional `#[derive(Default)]` (with `#[default]` on a variant) after
    // the docs adds to the derives.
    ($(#[doc = $doc:literal])* $(#[derive($($derive:ident),+)])? pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        ///
        /// Values this SDK version does not know are kept as `Unknown(value)`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord $($(, $derive)+)?)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this SDK version does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every known value.
            pub const KNOWN: &'static [&'static str] = &[$($s),+];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $s,)+
                    $name::Unknown(s) => s.as_str(),
                }
            }

            /// Parse a wire value; unknown values become `Unknown`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($s => $name::$variant,)+
                    other => $name::Unknown(other.to_string()),
                }
            }

            /// Is this a value this SDK version knows?
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok($name::parse(&s))
            }
        }

        /// An open enum: the known values, or any other string (kept, never rejected).
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let doc: &str = concat!($($doc, "\n"),*);
                let doc: Vec<&str> = doc.lines().map(str::trim).collect();
                schemars::json_schema!({
                    "anyOf": [{"type": "string", "enum": [$($s),+]}, {"type": "string"}],
                    "description": doc.join("\n").trim(),
                    "x-open-enum": true,
                })
            }
        }

        #[cfg(feature = "uniffi")]
        uniffi::custom_type!($name, String, {
            lower: |v| v.as_str().to_string(),
            try_lift: |s| Ok($name::parse(&s)),
        });
    };
}

#[cfg(test)]
mod tests {
    use crate::models::{MailboxAdminDetails, PlatformLogin};

    #[test]
    fn secret_json_keys_are_the_secret_fields_as_serialised() {
        assert_eq!(super::SECRET_JSON_KEYS.len(), super::SECRET_FIELDS.len());
        let plain = serde_json::to_value(MailboxAdminDetails::default()).unwrap();
        for (i, key) in super::SECRET_JSON_KEYS.iter().enumerate() {
            let mut m = MailboxAdminDetails::default();
            match super::SECRET_FIELDS[i] {
                "password" => m.password = Some("x".into()),
                "app_password" => m.app_password = Some("x".into()),
                "authenticator_secret" => m.authenticator_secret = Some("x".into()),
                other => panic!("{other}: add it to this test"),
            }
            let v = serde_json::to_value(&m).unwrap();
            assert_eq!(v[key], "x", "{key}: {v}");
            assert_ne!(plain[key], "x");
        }
    }

    #[test]
    fn debug_redacts_credentials_and_keeps_the_rest() {
        let m = MailboxAdminDetails {
            password: Some("hunter2-pass".into()),
            app_password: Some("app-pass-xyz".into()),
            authenticator_secret: None,
            ..Default::default()
        };
        let d = format!("{m:?}");
        assert!(!d.contains("hunter2-pass") && !d.contains("app-pass-xyz"), "{d}");
        assert!(d.contains("password: Some(<redacted>)") && d.contains("authenticator_secret: None"), "{d}");
        let l = PlatformLogin { email: "ops@acme.com".into(), password: "s3cret-login".into() };
        let d = format!("{l:#?}");
        assert!(!d.contains("s3cret-login") && d.contains("ops@acme.com") && d.contains("<redacted>"), "{d}");
    }

    #[test]
    fn debug_redacts_webhook_credentials() {
        let e: crate::webhooks::MailboxEvent =
            serde_json::from_value(serde_json::json!({"password": "pw-in-event", "email": "a@b.co"})).unwrap();
        let d = format!("{e:?}");
        assert!(!d.contains("pw-in-event") && d.contains("<redacted>"), "{d}");
        // The whole delivery too: its raw body is left out.
        let body = br#"{"event":"mailbox.created","eventId":"ev1","data":{"password":"pw-in-body","appPassword":"app-in-body","email":"a@b.co"}}"#;
        let ev = crate::webhooks::parse(body).unwrap();
        let d = format!("{ev:?}");
        assert!(!d.contains("pw-in-body") && !d.contains("app-in-body"), "{d}");
        assert!(d.contains("mailbox.created") && d.contains("a@b.co") && d.contains("<redacted>"), "{d}");
        assert_eq!(ev.raw["data"]["password"], "pw-in-body", "the value itself is kept");
    }
}
