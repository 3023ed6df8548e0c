//! The ONE route table of the CMR partner API.
//!
//! Every operation of the SDK names its [`Route`] here; the client, the
//! sandbox server, the CLI and the docs all read this table, so a path fixed
//! here is fixed everywhere. Paths are relative to the base URL
//! (`https://customers.coldmailreseller.com/api/v1/integration`).
//!
//! Each route carries its operation's whole [`Signature`] (arguments, request
//! model, result, pagination) and its [`Provenance`]: `Docs` when a page of the
//! API docs shows the method and path, `Guide` when only the integration guide
//! does, `Guessed` when the reference (`shared/cmr-api`) does not know the
//! path or the method and the value here is our most plausible choice; `note`
//! says which. [`COMPOSITE`] lists the operations built from several calls,
//! with the same signature fields. `docs/routes.md` lists both tables. Use
//! `client.request(...)` to reach a path we have wrong.

/// HTTP method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
    /// GET is the only method we treat as safe to repeat.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get)
    }
    pub fn parse(s: &str) -> Option<Method> {
        Some(match s.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ => return None,
        })
    }
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Json,
    Multipart,
}

/// How sure we are of a route's method and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provenance {
    /// A page of the API documentation shows the method and the path.
    Docs,
    /// Only the integration guide shows them (no docs page stored).
    Guide,
    /// Neither shows both: the method or the path is our most plausible guess.
    Guessed,
}

impl Provenance {
    /// `docs`, `guide` or `guessed` (the spec's `x-provenance`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Docs => "docs",
            Provenance::Guide => "guide",
            Provenance::Guessed => "guessed",
        }
    }
}

/// How the operation registry ([`crate::ops::call`]) reads one argument
/// from the JSON arguments and passes it to the typed core method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A required string (`&str`).
    Str,
    /// An optional string (`Option<&str>`).
    OptStr,
    /// The request model: every argument not named by another [`Arg`] of
    /// the operation, as the model type named here (`&T`). On the wire it
    /// is the body itself, or, when the [`Arg`] has a name, the value of
    /// that one body field (`mailboxes.update` sends `{mailboxData: {...}}`).
    Model(&'static str),
    /// A required JSON value of this Rust type (`&T`).
    Json(&'static str),
    /// An optional JSON value of this Rust type (`Option<&T>`).
    OptJson(&'static str),
    /// An optional JSON value, its `Default` when absent (`&T`).
    JsonOrDefault(&'static str),
    /// A string enum given in any case (upper-cased, then parsed: `&T`).
    UpperEnum(&'static str),
}

/// One argument of an operation, in the order of the core method's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg {
    /// Its camelCase name in the JSON arguments (and on the wire, when the
    /// route sends it as a query parameter or body field). For
    /// [`ArgKind::Model`], empty, or the body field that wraps the model.
    pub name: &'static str,
    pub kind: ArgKind,
}

/// An operation's signature: what it takes and what it gives back. The same
/// shape for a [`Route`] and a [`Composite`], so generators read both alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    /// Arguments, in the order of the core method's parameters.
    pub args: &'static [Arg],
    /// Rust type of the result (`User`, `Vec<Domain>`, `Page<User>`, `Option<User>`).
    pub response: &'static str,
    /// Rust type the answer's `data` is decoded as, when the core reshapes
    /// it into the result (`geo.countries`: a `name -> code` map becomes a
    /// list); `None` when `data` is the result (or, for [`Ack`], unused).
    ///
    /// [`Ack`]: crate::models::Ack
    pub data: Option<&'static str>,
    /// For a paginated operation, the key of the items array in the
    /// answer's `data` (`"users"`); `None` when the operation is not paginated.
    pub paginated: Option<&'static str>,
}

impl Signature {
    /// The request model's type name, if the operation takes one.
    pub fn request(&self) -> Option<&'static str> {
        self.args.iter().find_map(|a| match a.kind {
            ArgKind::Model(t) => Some(t),
            _ => None,
        })
    }
    pub fn is_paginated(&self) -> bool {
        self.paginated.is_some()
    }
}

/// One API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// Operation name, `resource.method` (snake_case); the same in every
    /// language (adapted to its case convention).
    pub op: &'static str,
    pub method: Method,
    /// Path relative to the base URL, without query string.
    pub path: &'static str,
    /// Query parameters this route takes (the client adds only those set).
    pub query: &'static [&'static str],
    pub body: BodyKind,
    /// Does the operation start asynchronous work (an `actionId`, a webhook later)?
    pub asynchronous: bool,
    /// Arguments and result.
    pub sig: Signature,
    /// Where the method and path come from.
    pub provenance: Provenance,
    /// Where the route comes from, or why this path was chosen.
    pub note: &'static str,
    /// What the operation does, for the SDK's users (the docstring of the
    /// generated Python method); empty when its name says it all.
    pub doc: &'static str,
    /// When CMR deprecates the operation: the operation to use instead (the
    /// generated methods warn).
    pub deprecated: Option<&'static str>,
}

/// An operation composed of several calls (a lookup after a write that may
/// have been applied, or a bulk helper): no route of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Composite {
    pub op: &'static str,
    pub sig: Signature,
    /// The operations it calls.
    pub uses: &'static [&'static str],
    pub note: &'static str,
    /// What the operation does, for the SDK's users (see [`Route::doc`]).
    pub doc: &'static str,
}

/// The argument and schema rules shared by [`routes!`] and [`composites!`].
macro_rules! arg {
    (@arg s $n:literal) => { Arg { name: $n, kind: ArgKind::Str } };
    (@arg opt_s $n:literal) => { Arg { name: $n, kind: ArgKind::OptStr } };
    (@arg model $t:ty) => { Arg { name: "", kind: ArgKind::Model(stringify!($t)) } };
    (@arg model $key:literal : $t:ty) => { Arg { name: $key, kind: ArgKind::Model(stringify!($t)) } };
    (@arg json $n:literal : $t:ty) => { Arg { name: $n, kind: ArgKind::Json(stringify!($t)) } };
    (@arg opt_json $n:literal : $t:ty) => { Arg { name: $n, kind: ArgKind::OptJson(stringify!($t)) } };
    (@arg json_or_default $n:literal : $t:ty) => { Arg { name: $n, kind: ArgKind::JsonOrDefault(stringify!($t)) } };
    (@arg upper_enum $n:literal : $t:ty) => { Arg { name: $n, kind: ArgKind::UpperEnum(stringify!($t)) } };
    (@schema $g:ident s $n:literal) => { $g.subschema_for::<String>() };
    (@schema $g:ident opt_s $n:literal) => { $g.subschema_for::<String>() };
    (@schema $g:ident model $t:ty) => { $g.subschema_for::<$t>() };
    (@schema $g:ident model $key:literal : $t:ty) => { $g.subschema_for::<$t>() };
    (@schema $g:ident $k:ident $n:literal : $t:ty) => { $g.subschema_for::<$t>() };
    (@fields model $t:ty) => { field_order::<$t>() };
    (@fields model $key:literal : $t:ty) => { field_order::<$t>() };
    (@fields $($other:tt)*) => { &[] };
}

macro_rules! routes {
    ($( $konst:ident = $op:literal, $method:ident $path:literal, query [$($q:literal),*], $body:ident, async $async_:literal,
        args [$(($($arg:tt)*)),*], returns $resp:ty $(, data $data:ty)?, paginated $pag:tt,
        $prov:ident, $note:literal $(, doc $doc:literal)? $(, deprecated $dep:literal)?; )*) => {
        $(
            #[doc = concat!("`", $op, "`: ", stringify!($method), " `", $path, "`. ", $note)]
            pub const $konst: Route = Route {
                op: $op,
                method: Method::$method,
                path: $path,
                query: &[$($q),*],
                body: BodyKind::$body,
                asynchronous: $async_,
                sig: Signature {
                    args: &[$(arg!(@arg $($arg)*)),*],
                    response: stringify!($resp),
                    data: routes!(@data $($data)?),
                    paginated: routes!(@pag $pag),
                },
                provenance: Provenance::$prov,
                note: $note,
                doc: routes!(@doc $($doc)?),
                deprecated: routes!(@dep $($dep)?),
            };
        )*
        /// Every route, in reference order.
        pub const ALL: &[Route] = &[$($konst),*];

        /// The JSON Schemas of a route's arguments (in [`Signature::args`]
        /// order) and of its result, as the Rust types declare them.
        #[cfg(feature = "schema")]
        fn route_schemas(op: &str, g: &mut schemars::SchemaGenerator) -> Option<OpSchemas> {
            #[allow(unused_imports)]
            use crate::models::*;
            #[allow(unused_imports)]
            use std::collections::BTreeMap;
            match op {
                $( $op => Some(OpSchemas {
                    args: vec![$(arg!(@schema g $($arg)*)),*],
                    fields: vec![$(arg!(@fields $($arg)*)),*],
                    response: g.subschema_for::<$resp>(),
                    data: routes!(@data_schema g $($data)?),
                }), )*
                _ => None,
            }
        }
    };
    (@data) => { None };
    (@data $t:ty) => { Some(stringify!($t)) };
    (@data_schema $g:ident) => { None };
    (@data_schema $g:ident $t:ty) => { Some($g.subschema_for::<$t>()) };
    (@doc) => { "" };
    (@doc $d:literal) => { $d };
    (@dep) => { None };
    (@dep $d:literal) => { Some($d) };
    (@pag none) => { None };
    (@pag $key:literal) => { Some($key) };
}

macro_rules! composites {
    ($( $op:literal, args [$(($($arg:tt)*)),*], returns $resp:ty, uses [$($u:literal),*], $note:literal $(, doc $doc:literal)?; )*) => {
        /// Operations composed of several routes: lookups after a write that
        /// may have been applied, and bulk helpers.
        pub const COMPOSITE: &[Composite] = &[$(
            Composite {
                op: $op,
                sig: Signature { args: &[$(arg!(@arg $($arg)*)),*], response: stringify!($resp), data: None, paginated: None },
                uses: &[$($u),*],
                note: $note,
                doc: routes!(@doc $($doc)?),
            },
        )*];

        #[cfg(feature = "schema")]
        fn composite_schemas(op: &str, g: &mut schemars::SchemaGenerator) -> Option<OpSchemas> {
            #[allow(unused_imports)]
            use crate::models::*;
            #[allow(unused_imports)]
            use std::collections::BTreeMap;
            match op {
                $( $op => Some(OpSchemas {
                    args: vec![$(arg!(@schema g $($arg)*)),*],
                    fields: vec![$(arg!(@fields $($arg)*)),*],
                    response: g.subschema_for::<$resp>(),
                    data: None,
                }), )*
                _ => None,
            }
        }
    };
}

/// JSON Schemas of one operation (feature `schema`): its arguments, in
/// [`Signature::args`] order, and its result.
#[cfg(feature = "schema")]
#[derive(Debug, Clone)]
pub struct OpSchemas {
    pub args: Vec<schemars::Schema>,
    /// For the request model argument, its fields' JSON names in declaration
    /// order (a schema's properties are sorted); empty for the others.
    pub fields: Vec<&'static [&'static str]>,
    pub response: schemars::Schema,
    /// The schema of the answer's `data`, when [`Signature::data`] names a type.
    pub data: Option<schemars::Schema>,
}

/// The JSON names of a struct's fields (aliases included) in declaration
/// order, as serde's derived `Deserialize` hands them to `deserialize_struct`;
/// empty for a type that does not deserialize as a struct.
#[cfg(feature = "schema")]
pub fn field_order<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::Visitor;

    #[derive(Debug)]
    struct Fields(&'static [&'static str]);
    impl std::fmt::Display for Fields {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "fields {:?}", self.0)
        }
    }
    impl std::error::Error for Fields {}
    impl serde::de::Error for Fields {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Fields(&[])
        }
    }
    struct Capture;
    impl<'de> serde::Deserializer<'de> for Capture {
        type Error = Fields;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
            Err(Fields(&[]))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Fields> {
            Err(Fields(fields))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    match T::deserialize(Capture) {
        Err(Fields(f)) => f,
        Ok(_) => &[],
    }
}

/// The JSON Schemas of any operation, route or composite (feature `schema`).
/// Named types become `$ref`s into the generator's definitions.
#[cfg(feature = "schema")]
pub fn schemas(op: &str, g: &mut schemars::SchemaGenerator) -> Option<OpSchemas> {
    route_schemas(op, g).or_else(|| composite_schemas(op, g))
}

/// One query parameter of a route, as the spec declares it (feature `schema`).
#[cfg(feature = "schema")]
#[derive(Debug, Clone)]
pub struct QueryParam {
    pub name: &'static str,
    pub schema: serde_json::Value,
    pub required: bool,
}

/// What a route's request must carry (feature `schema`): its query
/// parameters and the JSON Schema of its body (`None` for a route without
/// one). The spec (`cmr-codegen`) and the sandbox's request validation both
/// read it, so they describe a request alike.
#[cfg(feature = "schema")]
#[derive(Debug, Clone)]
pub struct RequestSchemas {
    pub query: Vec<QueryParam>,
    pub body: Option<serde_json::Value>,
}

/// The query parameters and body schema of a route, from its arguments'
/// schemas ([`OpSchemas::args`]) and the generator's definitions (`defs`,
/// which the `$ref`s of `args` name by their last path segment).
///
/// A query parameter is required when its argument is (a string, a JSON
/// value, an enum) or when the request model requires the field. The body is
/// the request model, plus the other arguments that are not query parameters
/// as fields (required unless optional); a model sent under one body field
/// (`mailboxes.update`) is that field.
#[cfg(feature = "schema")]
pub fn request_schemas(r: &Route, args: &[schemars::Schema], defs: &serde_json::Map<String, serde_json::Value>) -> RequestSchemas {
    use serde_json::{json, Map, Value};
    let deref = |s: &Value| -> Option<Value> {
        match s.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
            Some(name) => defs.get(name).cloned(),
            None => Some(s.clone()),
        }
    };
    let model_arg = r.sig.args.iter().zip(args).find(|(a, _)| matches!(a.kind, ArgKind::Model(_)));
    let model = model_arg.map(|(_, s)| s.as_value());
    let model_def = model.and_then(deref);
    let model_props = model_def.as_ref().and_then(|d| d.get("properties")).and_then(Value::as_object);
    let model_required: Vec<&str> = model_def
        .as_ref()
        .and_then(|d| d.get("required"))
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let required_kind = |k: ArgKind| matches!(k, ArgKind::Str | ArgKind::Json(_) | ArgKind::UpperEnum(_));

    let mut query = Vec::new();
    for q in r.query {
        let (schema, required) = match r.sig.args.iter().zip(args).find(|(a, _)| a.name == *q) {
            Some((a, s)) => (s.as_value().clone(), required_kind(a.kind)),
            None => match model_props.and_then(|p| p.get(*q)) {
                Some(s) => (s.clone(), model_required.contains(q)),
                None => (json!({"type": "string"}), false),
            },
        };
        query.push(QueryParam { name: q, schema, required });
    }

    if r.body == BodyKind::None {
        return RequestSchemas { query, body: None };
    }
    let mut extra = Map::new();
    let mut extra_required = Vec::new();
    for (a, s) in r.sig.args.iter().zip(args) {
        if matches!(a.kind, ArgKind::Model(_)) || r.query.contains(&a.name) {
            continue;
        }
        extra.insert(a.name.to_string(), s.as_value().clone());
        if required_kind(a.kind) {
            extra_required.push(a.name);
        }
    }
    let wrapped = model_arg.filter(|(a, _)| !a.name.is_empty());
    if let Some((a, m)) = wrapped {
        extra.insert(a.name.to_string(), m.as_value().clone());
        extra_required.push(a.name);
    }
    let model = if wrapped.is_some() { None } else { model };
    let extra_schema = json!({"type": "object", "properties": extra, "required": extra_required});
    let body = match (model, extra.is_empty()) {
        (Some(m), true) => m.clone(),
        (Some(m), false) => json!({"allOf": [m, extra_schema]}),
        (None, false) => extra_schema,
        (None, true) => json!({"type": "object"}),
    };
    RequestSchemas { query, body: Some(body) }
}

routes! {
    // --- Users ---------------------------------------------------------------
    USERS_LIST = "users.list", Get "/users/list", query ["page", "limit", "search"], None, async false,
        args [(model ListUsersParams)], returns Page<User>, paginated "users",
        Guide, "Path from the guide; query names not captured: page/limit/search chosen (generic pagination rule).",
        doc "One page of users; iterate it to walk every page.";
    USERS_GET = "users.get", Get "/users", query ["userId"], None, async false,
        args [(s "userId")], returns User, paginated none,
        Guide, "Path from the guide.";
    USERS_CREATE = "users.create", Post "/users", query [], Json, async false,
        args [(model CreateUser)], returns User, paginated none,
        Docs, "Docs.",
        doc "Create a customer (``country``: ISO alpha-2; ``phone_cc`` without ``+``).";
    USERS_UPDATE = "users.update", Put "/users", query ["userId"], Json, async false,
        args [(s "userId"), (model UpdateUser)], returns Ack, paginated none,
        Docs, "Docs.",
        doc "Change the fields given (the others are left as they are).";
    USERS_DELETE = "users.delete", Delete "/users", query ["userId"], None, async false,
        args [(s "userId")], returns Ack, paginated none,
        Docs, "Docs.";

    // --- Geo -----------------------------------------------------------------
    GEO_COUNTRIES = "geo.countries", Get "/geo/countries", query [], None, async false,
        args [], returns Vec<Country>, data BTreeMap<String, String>, paginated none,
        Guide, "Guide.";
    GEO_STATES = "geo.states", Get "/geo/states", query ["countryCode"], None, async false,
        args [(s "countryCode")], returns Vec<State>, data BTreeMap<String, String>, paginated none,
        Guide, "Guide.";

    // --- Domains -------------------------------------------------------------
    DOMAINS_LIST = "domains.list", Get "/domains/by-user", query ["userId"], None, async false,
        args [(s "userId")], returns Vec<Domain>, paginated none,
        Guide, "Guide. A wrong userId answers an empty list, not 404.";
    DOMAINS_SUGGEST = "domains.suggest", Post "/domains/suggest", query ["userId"], Json, async false,
        args [(s "userId"), (model SuggestDomains)], returns Vec<DomainAvailability>, paginated none,
        Guessed, "UNCONFIRMED: 'Suggest Available Domains' (POST) has no stored page; path chosen by analogy.";
    DOMAINS_CHECK_AVAILABILITY = "domains.check_availability", Post "/domains/availability", query ["userId"], Json, async false,
        args [(s "userId"), (s "domain")], returns DomainAvailability, paginated none,
        Guessed, "UNCONFIRMED: 'Get Single Available Domain' (POST) has no stored page; path chosen by analogy.";
    DOMAINS_CHECK_WORKSPACE = "domains.check_workspace", Post "/domains/check-workspace", query ["userId"], Json, async false,
        args [(s "userId"), (model CheckWorkspace)], returns WorkspaceCheck, paginated none,
        Guessed, "UNCONFIRMED: 'Check If Workspace Exists' (POST), navigation only.";
    DOMAINS_ADD_FORWARDING = "domains.add_forwarding", Post "/domains/forwarding", query ["userId"], Json, async true,
        args [(s "userId"), (model DomainForwarding)], returns Ack, paginated none,
        Guessed, "UNCONFIRMED: 'Add domain forwarding' (POST), no stored content. Asynchronous per guide.",
        doc "Forward the domain to a URL (asynchronous: ``action_id``).";
    DOMAINS_ADD_EMAIL_FORWARDING = "domains.add_email_forwarding", Post "/domains/email-forwarding", query ["userId"], Json, async true,
        args [(s "userId"), (model EmailForwarding)], returns Ack, paginated none,
        Guessed, "UNCONFIRMED: 'Add email forwarding' (POST), navigation only. Needs ACTIVE mailboxes (guide).",
        doc "Catch-all e-mail forwarding (needs ACTIVE mailboxes).";
    DOMAINS_ADD_GOOGLE_CLIENT_ID = "domains.add_google_client_id", Post "/domains/google-client-id", query ["userId"], Json, async false,
        args [(s "userId"), (model GoogleClientId)], returns Ack, paginated none,
        Guessed, "UNCONFIRMED: 'Add Google Client ID to Domain' (POST), no stored content.";
    DOMAINS_REMOVE = "domains.remove", Delete "/domains/remove", query ["userId"], Json, async true,
        args [(s "userId"), (json "domains": Vec<String>)], returns Ack, paginated none,
        Guessed, "UNCONFIRMED: 'Remove domains' (DELETE); body {domains} chosen to mirror DELETE /mailboxes/remove.";
    DOMAINS_RENEWAL_PRICE = "domains.renewal_price", Post "/domains/renewal-price", query [], Json, async false,
        args [(model DomainRenewal)], returns Vec<DomainRenewalItem>, paginated none,
        Docs, "Docs. userId travels in the body.",
        doc "Price of renewing ``domains`` (all eligible ones when omitted).";
    DOMAINS_RENEW = "domains.renew", Post "/domains/renew", query [], Json, async true,
        args [(model DomainRenewal)], returns DomainRenewResult, data Vec<DomainRenewalItem>, paginated none,
        Docs, "Docs (path from the page header); body inferred from the pricing call: userId, domains, years.";
    DOMAINS_TOGGLE_AUTO_RENEW = "domains.toggle_auto_renew", Patch "/domains/toggle-auto-renew", query [], Json, async false,
        args [(model ToggleDomainAutoRenew)], returns Vec<DomainAutoRenew>, paginated none,
        Docs, "Docs (curl says PATCH; one menu says POST: PATCH chosen).";

    // --- DNS -----------------------------------------------------------------
    DNS_LIST = "dns.list", Get "/dns", query ["userId", "domain"], None, async false,
        args [(s "userId"), (s "domain")], returns DnsRecords, paginated none,
        Guide, "Guide.";
    DNS_ADD = "dns.add", Post "/dns", query ["userId"], Json, async false,
        args [(s "userId"), (model AddDnsRecords)], returns Vec<DnsRecord>, paginated none,
        Guide, "Docs (body) and guide (path).";
    DNS_UPDATE = "dns.update", Put "/dns", query ["userId"], Json, async false,
        args [(s "userId"), (model UpdateDnsRecord)], returns Ack, paginated none,
        Guide, "Guide. The body carries recordId and the complete record.",
        doc "Replace a record with the complete new one.";
    DNS_DELETE = "dns.delete", Delete "/dns", query ["userId", "recordId"], None, async false,
        args [(s "userId"), (s "recordId")], returns Ack, paginated none,
        Guide, "Guide.";

    // --- Orders --------------------------------------------------------------
    ORDERS_CREATE = "orders.create", Post "/orders/json", query ["userId"], Json, async true,
        args [(s "userId"), (model CreateOrder)], returns OrderCreated, paginated none,
        Docs, "Docs and guide ('Creates order json').",
        doc "Order domains and mailboxes (``mailboxes`` keyed by domain name).\n``confirm=True`` queues it now; webhooks report the progress.";
    ORDERS_CREATE_MULTIPART = "orders.create_multipart", Post "/orders", query ["userId"], Multipart, async true,
        args [(s "userId"), (model CreateOrder), (json_or_default "files": Vec<ProfilePicture>)], returns OrderCreated, paginated none,
        Guessed, "UNCONFIRMED: 'Create Order' (multipart/form-data); curl beyond the stored text, POST /orders chosen as the reference suggests.",
        doc ":meth:`create` as multipart/form-data, with profile picture files.";
    ORDERS_ORDER_MAILBOXES = "orders.order_mailboxes", Post "/orders/create-mailbox-order/json", query ["userId"], Json, async true,
        args [(s "userId"), (model MailboxOrder)], returns OrderCreated, paginated none,
        Docs, "Docs and guide ('Order mailboxes (json)').",
        doc "Mailboxes on a domain CMR already has: exactly one of ``subscription_id``\nand ``domain_id``.";
    ORDERS_ADD_MAILBOXES_TO_SUBSCRIPTION = "orders.add_mailboxes_to_subscription", Post "/orders/add-mailboxes", query ["userId"], Multipart, async true,
        args [(s "userId"), (model AddMailboxesToSubscription), (json_or_default "files": Vec<ProfilePicture>)], returns OrderCreated, paginated none,
        Guessed, "UNCONFIRMED and DEPRECATED upstream: 'Add mailboxes to a subscription' (multipart); use orders.order_mailboxes.",
        doc "Deprecated upstream: use :meth:`order_mailboxes`.",
        deprecated "orders.order_mailboxes";
    ORDERS_PROCESS = "orders.process", Post "/orders/process", query ["userId"], Json, async true,
        args [(s "userId"), (s "orderId")], returns Ack, paginated none,
        Guessed, "UNCONFIRMED: 'Process the Order' (POST), no stored content; body {orderId} chosen.",
        doc "Queue an order created with ``confirm=False``.";
    ORDERS_STATUS = "orders.status", Get "/orders/status", query ["userId", "orderId"], None, async false,
        args [(s "userId"), (s "orderId")], returns OrderStatus, paginated none,
        Guide, "Guide (Quick Start).";
    ORDERS_GET = "orders.get", Get "/orders/details", query ["userId", "orderId"], None, async false,
        args [(s "userId"), (s "orderId")], returns Order, paginated none,
        Guessed, "UNCONFIRMED: 'Get Order Details' (GET), no stored content.";

    // --- Mailboxes -----------------------------------------------------------
    MAILBOXES_LIST_ALL = "mailboxes.list_all", Get "/mailboxes", query ["page", "limit"], None, async false,
        args [(model ListMailboxesParams)], returns Page<Mailbox>, paginated "mailboxes",
        Guide, "Guide only (partner-wide list); query names chosen (generic pagination rule).",
        doc "Every mailbox of the partner, one page at a time; iterate to walk them all.";
    MAILBOXES_LIST = "mailboxes.list", Get "/mailboxes/single", query ["userId"], None, async false,
        args [(s "userId")], returns Vec<Mailbox>, paginated none,
        Guide, "Guide. Despite 'single', lists every mailbox of one user.",
        doc "Every mailbox of one user.";
    MAILBOXES_GET = "mailboxes.get", Get "/mailboxes/mailbox", query ["mailboxId", "userId"], None, async false,
        args [(s "mailboxId"), (opt_s "userId")], returns Mailbox, paginated none,
        Guide, "Guide.";
    MAILBOXES_ADMIN_DETAILS = "mailboxes.admin_details", Get "/mailboxes/admin-mailbox-details", query ["userId", "mailboxId"], None, async false,
        args [(s "userId"), (s "mailboxId")], returns MailboxAdminDetails, paginated none,
        Guide, "Guide.";
    MAILBOXES_UPDATE = "mailboxes.update", Patch "/mailboxes/update-mailbox-details", query ["userId"], Json, async true,
        args [(s "userId"), (model "mailboxData": MailboxUpdate)], returns MailboxUpdateResult, data Vec<MailboxUpdateItem>, paginated none,
        Guide, "Guide ('Update mailbox details'); body {mailboxData: object}.";
    MAILBOXES_UPDATE_MANY = "mailboxes.update_many", Patch "/mailboxes/update-mailbox-details", query ["userId"], Json, async true,
        args [(s "userId"), (json "mailboxData": Vec<MailboxUpdate>)], returns MailboxUpdateResult, data Vec<MailboxUpdateItem>, paginated none,
        Guide, "Guide; same endpoint with {mailboxData: [..]} (bulk, per-item results).",
        doc "Bulk update; ``results`` holds one outcome per mailbox.";
    MAILBOXES_REMOVE = "mailboxes.remove", Delete "/mailboxes/remove", query ["userId"], Json, async true,
        args [(s "userId"), (s "mailboxId")], returns Ack, paginated none,
        Docs, "Docs (a DELETE with a JSON body {mailboxId}).";

    // --- Subscriptions -------------------------------------------------------
    SUBSCRIPTIONS_LIST = "subscriptions.list", Get "/subscriptions", query ["status", "componentSubscriptionId", "domain", "userId", "page", "limit"], None, async false,
        args [(model ListSubscriptionsParams)], returns Page<Subscription>, paginated "subscriptions",
        Docs, "Docs (userId filter is our assumption).",
        doc "One page of subscriptions; iterate it to walk every page.";
    SUBSCRIPTIONS_RENEW = "subscriptions.renew", Post "/subscriptions/renew-subscriptions", query [], Json, async true,
        args [(json "subscriptionIds": Vec<String>)], returns Ack, paginated none,
        Docs, "Docs (newer page version: top-level actionId).";
    SUBSCRIPTIONS_CANCEL = "subscriptions.cancel", Post "/subscriptions/cancel", query [], Json, async true,
        args [(model CancelSubscription)], returns Ack, paginated none,
        Docs, "Docs. subscriptionId xor domain.",
        doc "Cancel by ``subscription_id`` or by ``domain`` (exactly one).";
    SUBSCRIPTIONS_TOGGLE_AUTO_RENEW = "subscriptions.toggle_auto_renew", Post "/subscriptions/toggle-auto-renew", query [], Json, async false,
        args [(model ToggleSubscriptionAutoRenew)], returns Ack, paginated none,
        Guessed, "UNCONFIRMED: 'Toggle Auto renewal' (POST); body {subscriptionIds, autoRenew} chosen by analogy with domains.";
    SUBSCRIPTIONS_RECREATE = "subscriptions.recreate", Post "/component/subscriptions/recreate", query [], Json, async true,
        args [(model RecreateSubscriptions)], returns Ack, paginated none,
        Docs, "Docs (a guide FAQ says /subscriptions/recreate; the docs page wins).",
        doc "Recreate cancelled subscriptions, by ids or by domain names (exactly one).";

    // --- Exports -------------------------------------------------------------
    EXPORTS_REEXPORT = "exports.reexport", Post "/exports/re-export", query ["userId"], Json, async true,
        args [(s "userId"), (s "mailboxId")], returns Ack, paginated none,
        Guessed, "UNCONFIRMED: 'Re-export a mailbox (Oauth)' (POST), navigation only; body {mailboxId} chosen.";
    EXPORTS_LIST_CREDENTIALS = "exports.list_credentials", Get "/exports/platform-credentials", query ["userId"], None, async false,
        args [(s "userId")], returns Vec<PlatformConnection>, data BTreeMap<String, PlatformConnection>, paginated none,
        Docs, "Docs.";
    EXPORTS_ADD_CREDENTIAL = "exports.add_credential", Post "/exports/platform-credential", query ["userId"], Json, async false,
        args [(s "userId"), (model AddPlatformCredential)], returns CredentialCreated, paginated none,
        Docs, "Docs.";
    EXPORTS_REMOVE_CREDENTIAL = "exports.remove_credential", Delete "/exports/platform-credential", query ["userId", "credentialId"], None, async false,
        args [(s "userId"), (s "credentialId")], returns Ack, paginated none,
        Docs, "Docs (credentialId in the query, per the curl).";
    EXPORTS_EXPORT_MAILBOXES = "exports.export_mailboxes", Post "/exports/platform-exports", query ["userId"], Json, async true,
        args [(s "userId"), (model ExportMailboxes)], returns Ack, paginated none,
        Docs, "Docs overview (userId query assumed like its siblings).",
        doc "Export ACTIVE mailboxes to the platform of ``credential_id``.";

    // --- Pre-warmup ----------------------------------------------------------
    PREWARMUP_LIST = "prewarmup.list", Get "/pre-warmup", query ["serviceProvider", "contains", "page", "limit"], None, async false,
        args [(model ListPrewarmupParams)], returns Page<PrewarmupDomain>, paginated "inventory",
        Guide, "Guide; page/limit names chosen.",
        doc "One page of the inventory; iterate it to walk every page.";
    PREWARMUP_ORDER = "prewarmup.order", Post "/pre-warmup/order", query ["userId"], Json, async true,
        args [(s "userId"), (model PrewarmupOrder)], returns PrewarmupOrderCreated, paginated none,
        Guide, "Guide (answers 201).";
    PREWARMUP_SANDBOX_LIST = "prewarmup.sandbox_list", Get "/sandbox/pre-warmup", query ["serviceProvider"], None, async false,
        args [(opt_json "serviceProvider": ServiceProvider)], returns Vec<PrewarmupDomain>, paginated none,
        Guessed, "Docs give the path; method GET inferred.";
    PREWARMUP_SANDBOX_ORDER = "prewarmup.sandbox_order", Post "/sandbox/pre-warmup/order", query ["userId"], Json, async true,
        args [(s "userId"), (model PrewarmupOrder)], returns PrewarmupOrderCreated, paginated none,
        Guessed, "Docs give the path and the scenario field; method POST inferred.",
        doc "A sandbox pre-warmup order; ``scenario`` picks the webhooks fired.";
    PREWARMUP_SANDBOX_RESET = "prewarmup.sandbox_reset", Post "/sandbox/pre-warmup/reset", query [], None, async false,
        args [], returns Ack, paginated none,
        Guessed, "Docs give the path; method unknown (POST chosen).";

    // --- Wallet and misc -----------------------------------------------------
    WALLET_GET = "wallet.get", Get "/wallet", query [], None, async false,
        args [], returns Wallet, paginated none,
        Guessed, "UNCONFIRMED: 'Get Wallet Details' (GET), navigation only.";
    SEND_ERROR = "send_error", Post "/send-error", query [], Json, async false,
        args [(model SendErrorReport)], returns Ack, paginated none,
        Guessed, "UNCONFIRMED: 'Send error' (POST), navigation only; body {message, details} chosen.";
}

composites! {
    "users.find_by_email", args [(s "email")], returns Option<User>, uses ["users.list"],
        "Walks users.list with the e-mail as search term; exact, case-insensitive match.",
        doc "The user with this e-mail (case-insensitive), or ``None``.\n\nCall it after a ``create`` that failed with ``may_have_been_sent`` before\ncreating the user again.";
    "orders.find_by_domain", args [(s "userId"), (s "domain")], returns Option<Domain>, uses ["domains.list"],
        "Was an order for this domain applied? Looks the domain up among the user's domains.",
        doc "Was an order for ``domain`` applied? The user's record of that domain\n(status ``PENDING`` while the order is processed), or ``None`` when CMR has\nno trace of it. Call it after a ``create`` that failed with\n``may_have_been_sent`` before ordering again.";
    "dns.find", args [(s "userId"), (s "domain"), (upper_enum "recordType": RecordType), (s "host"), (s "value")],
        returns Option<DnsRecord>, uses ["dns.list"],
        "Was this record added? Looks it up among the domain's records.",
        doc "Was it applied? The record with this type, host and value, or ``None``.";
    "dns.add_many", args [(s "userId"), (json "records": Vec<BulkDnsRecord>), (model BulkOptions)], returns BulkResult,
        uses ["dns.add", "dns.list"],
        "Bulk add in batches, paced, with per-item results; lost answers checked with dns.find.",
        doc "Add many records (any domains of the user) in few requests, paced at\nCMR's 5 req/s. One result per record, in input order: ``succeeded``,\n``failed`` (not applied) or ``maybe_applied`` (check with :meth:`find`).";
    "mailboxes.update_all", args [(s "userId"), (json "changes": Vec<MailboxUpdate>), (model BulkOptions)], returns BulkResult,
        uses ["mailboxes.update_many"],
        "Bulk mailbox updates in batches, paced, with per-item results.",
        doc "Apply many mailbox changes in few requests, paced at CMR's 5 req/s.\nOne result per change, in input order (see :class:`BulkResult`).";
}

/// The signature of any operation, route or composite.
/// The resources (the first part of an operation's name), in the order the
/// SDKs list them, each with what it holds (the docstring of the generated
/// Python class). Every resource of [`ALL`] and [`COMPOSITE`] is here.
pub const RESOURCES: &[(&str, &str)] = &[
    ("users", "The partner's customers."),
    ("geo", "Countries and states (reference data for ``users.create``)."),
    ("domains", "Domains of a user: availability, forwarding, renewal."),
    ("dns", "DNS records of a domain."),
    ("orders", "Orders of domains and mailboxes."),
    ("mailboxes", "Mailboxes."),
    ("subscriptions", "Mailbox subscriptions."),
    ("exports", "Mailbox exports to sending platforms."),
    ("prewarmup", "Pre-warmed domain packages."),
    ("wallet", "The partner wallet."),
];

pub fn signature(op: &str) -> Option<&'static Signature> {
    by_op(op).map(|r| &r.sig).or_else(|| COMPOSITE.iter().find(|c| c.op == op).map(|c| &c.sig))
}

/// The route for an operation name such as `"users.create"`.
pub fn by_op(op: &str) -> Option<&'static Route> {
    ALL.iter().find(|r| r.op == op)
}

/// Production base URL.
pub const DEFAULT_BASE_URL: &str = "https://customers.coldmailreseller.com/api/v1/integration";
/// Path prefix of the base URL; the sandbox serves the API under it too.
pub const BASE_PATH: &str = "/api/v1/integration";
/// Header carrying the production key.
pub const API_KEY_HEADER: &str = "cmr-x-api-key";
/// Header carrying a sandbox key (guide; unconfirmed by the docs).
pub const SANDBOX_API_KEY_HEADER: &str = "cmr-x-sandbox-api-key";

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn op_names_are_unique_and_resolvable() {
        let mut seen = HashSet::new();
        for r in ALL {
            assert!(seen.insert(r.op), "duplicate op {}", r.op);
            assert_eq!(by_op(r.op), Some(r));
            assert!(r.path.starts_with('/'));
        }
    }

    #[test]
    fn composites_use_known_routes_and_do_not_shadow_them() {
        for c in COMPOSITE {
            assert!(by_op(c.op).is_none(), "{} is both a route and a composite", c.op);
            for u in c.uses {
                assert!(by_op(u).is_some(), "{} uses unknown route {u}", c.op);
            }
        }
    }

    #[cfg(feature = "schema")]
    #[test]
    fn field_order_is_the_declaration_order() {
        let f = field_order::<crate::models::CreateUser>();
        assert_eq!(&f[..4], ["email", "company", "firstName", "lastName"]);
        assert!(field_order::<String>().is_empty());
    }

    #[test]
    fn every_resource_is_listed_once() {
        let listed: Vec<&str> = RESOURCES.iter().map(|(r, _)| *r).collect();
        assert_eq!(listed.iter().collect::<HashSet<_>>().len(), listed.len());
        for op in ALL.iter().map(|r| r.op).chain(COMPOSITE.iter().map(|c| c.op)) {
            if let Some((resource, _)) = op.split_once('.') {
                assert!(listed.contains(&resource), "{op}: resource {resource} missing from RESOURCES");
            }
        }
    }

    #[test]
    fn deprecated_operations_name_an_existing_replacement() {
        for r in ALL {
            if let Some(d) = r.deprecated {
                assert!(by_op(d).is_some() && d != r.op, "{} deprecated for unknown {d}", r.op);
            }
        }
    }

    #[test]
    fn paginated_operations_take_page_and_limit() {
        for r in ALL.iter().filter(|r| r.sig.is_paginated()) {
            assert!(r.query.contains(&"page") && r.query.contains(&"limit"), "{} is paginated without page/limit", r.op);
            assert!(r.sig.response.starts_with("Page<"), "{} is paginated but returns {}", r.op, r.sig.response);
        }
    }

    #[test]
    fn method_and_path_pairs_are_unique_except_the_bulk_update() {
        let mut seen = HashSet::new();
        for r in ALL {
            if r.op == "mailboxes.update_many" {
                continue;
            }
            assert!(seen.insert((r.method, r.path)), "{} reuses {} {}", r.op, r.method.as_str(), r.path);
        }
    }
}
