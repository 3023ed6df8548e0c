//! Request validation against the operation's schemas, before any handler
//! runs: the required query parameters, and the JSON body against the request
//! body schema of `spec/openapi.json`.
//!
//! The schemas are not written here: they are derived at run time, once per
//! operation (on its first request), from the same source as the spec,
//! `cmr::routes::request_schemas` over the models' JSON Schemas (schemars),
//! and compiled into a small validator of the subset of JSON Schema schemars
//! emits (`type`, `properties`, `required`, `additionalProperties`, `items`,
//! `enum`, `const`, `anyOf`, `oneOf`, `allOf`, `$ref`, numeric and length
//! bounds). Annotations (`description`, `default`, `format`, `contentEncoding`
//! (an annotation in JSON Schema 2020-12: a base64 field is checked as a string), `x-*`) are
//! ignored; any other keyword is listed by [`unsupported_keywords`], which a
//! test keeps empty. Unknown body fields are accepted, as the schemas allow
//! them (no `additionalProperties: false`) and CMR ignores them.
//!
//! Work is bounded: the body is at most `MAX_BODY_BYTES` and nested at most
//! 128 deep (serde_json's limit), validation stops at the first error, and a
//! step budget caps the walk whatever the schema.

use std::collections::HashMap;
use std::sync::OnceLock;

use cmr::routes::Route;
use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::{json, Map, Value};

use crate::reply::Reply;

type Id = usize;

// JSON types, as bits.
const NULL: u8 = 1;
const BOOLEAN: u8 = 2;
const OBJECT: u8 = 4;
const ARRAY: u8 = 8;
const NUMBER: u8 = 16;
const STRING: u8 = 32;
const INTEGER: u8 = 64;

const TYPE_NAMES: &[(u8, &str)] =
    &[(OBJECT, "object"), (ARRAY, "array"), (STRING, "string"), (INTEGER, "integer"), (NUMBER, "number"), (BOOLEAN, "boolean"), (NULL, "null")];

/// Keywords that assert nothing.
const ANNOTATIONS: &[&str] =
    &["description", "title", "default", "examples", "format", "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType", "$schema", "$id", "$comment", "$defs", "definitions"];

/// Nesting of the validation walk (instance depth plus `$ref` hops).
const MAX_DEPTH: usize = 256;
/// Schema nodes visited for one request: far above what a 1 MiB body needs
/// with these schemas (each value is visited a few times at most).
const MAX_STEPS: usize = 10_000_000;

/// One compiled schema. `None` / empty fields assert nothing.
#[derive(Debug, Default)]
struct Node {
    never: bool,
    types: Option<u8>,
    enum_: Option<Vec<Value>>,
    const_: Option<Value>,
    properties: Vec<(String, Id)>,
    required: Vec<String>,
    additional: Option<Id>,
    items: Option<Id>,
    any_of: Vec<Id>,
    one_of: Vec<Id>,
    all_of: Vec<Id>,
    ref_: Option<Id>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: Option<f64>,
    exclusive_maximum: Option<f64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    min_items: Option<u64>,
    max_items: Option<u64>,
}

/// A set of compiled schemas sharing their `$ref` targets.
#[derive(Debug, Default)]
struct Schemas {
    nodes: Vec<Node>,
    unsupported: Vec<String>,
}

struct Compiler<'a> {
    defs: &'a Map<String, Value>,
    out: Schemas,
    by_def: HashMap<String, Id>,
}

impl Compiler<'_> {
    fn compile(&mut self, s: &Value) -> Id {
        let id = self.out.nodes.len();
        self.out.nodes.push(Node::default());
        let node = self.build(s);
        self.out.nodes[id] = node;
        id
    }

    fn def(&mut self, reference: &str) -> Option<Id> {
        let name = reference.rsplit('/').next()?;
        if let Some(&id) = self.by_def.get(name) {
            return Some(id);
        }
        let schema = self.defs.get(name)?.clone();
        let id = self.out.nodes.len();
        self.out.nodes.push(Node::default());
        self.by_def.insert(name.to_string(), id);
        let node = self.build(&schema);
        self.out.nodes[id] = node;
        Some(id)
    }

    fn build(&mut self, s: &Value) -> Node {
        let mut n = Node::default();
        let obj = match s {
            Value::Bool(b) => {
                n.never = !b;
                return n;
            }
            Value::Object(o) => o,
            _ => {
                self.out.unsupported.push(format!("schema {s}"));
                return n;
            }
        };
        let num = |v: &Value| v.as_f64();
        let count = |v: &Value| v.as_u64();
        for (k, v) in obj {
            match k.as_str() {
                "type" => {
                    let names: Vec<&str> = match v {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                        _ => vec![],
                    };
                    let mut bits = 0;
                    for t in names {
                        match TYPE_NAMES.iter().find(|(_, name)| *name == t) {
                            Some((b, _)) => bits |= b,
                            None => self.out.unsupported.push(format!("type {t}")),
                        }
                    }
                    n.types = Some(bits);
                }
                "enum" => n.enum_ = v.as_array().cloned(),
                "const" => n.const_ = Some(v.clone()),
                "properties" => {
                    for (name, p) in v.as_object().into_iter().flatten() {
                        let id = self.compile(p);
                        n.properties.push((name.clone(), id));
                    }
                }
                "required" => n.required = v.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect(),
                "additionalProperties" => n.additional = Some(self.compile(v)),
                "items" => n.items = Some(self.compile(v)),
                "anyOf" | "oneOf" | "allOf" => {
                    let ids: Vec<Id> = v.as_array().into_iter().flatten().map(|b| self.compile(b)).collect();
                    match k.as_str() {
                        "anyOf" => n.any_of = ids,
                        "oneOf" => n.one_of = ids,
                        _ => n.all_of = ids,
                    }
                }
                "$ref" => match v.as_str().and_then(|r| self.def(r)) {
                    Some(id) => n.ref_ = Some(id),
                    None => self.out.unsupported.push(format!("$ref {v}")),
                },
                "minimum" => n.minimum = num(v),
                "maximum" => n.maximum = num(v),
                "exclusiveMinimum" => n.exclusive_minimum = num(v),
                "exclusiveMaximum" => n.exclusive_maximum = num(v),
                "minLength" => n.min_length = count(v),
                "maxLength" => n.max_length = count(v),
                "minItems" => n.min_items = count(v),
                "maxItems" => n.max_items = count(v),
                k if ANNOTATIONS.contains(&k) || k.starts_with("x-") => {}
                k => self.out.unsupported.push(k.to_string()),
            }
        }
        n
    }
}

/// A refusal: where (a JSON pointer into the body) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub pointer: String,
    pub reason: String,
}

#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer(path: &[Seg]) -> String {
    let mut out = String::new();
    for s in path {
        out.push('/');
        match s {
            Seg::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

fn kind_of(v: &Value) -> u8 {
    match v {
        Value::Null => NULL,
        Value::Bool(_) => BOOLEAN,
        Value::Object(_) => OBJECT,
        Value::Array(_) => ARRAY,
        Value::String(_) => STRING,
        Value::Number(n) => {
            let integral = n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.is_finite() && f.fract() == 0.0);
            if integral {
                NUMBER | INTEGER
            } else {
                NUMBER
            }
        }
    }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
    }
}

fn type_names(bits: u8) -> String {
    let names: Vec<&str> = TYPE_NAMES.iter().filter(|(b, _)| bits & b != 0).map(|(_, n)| *n).collect();
    match names.as_slice() {
        [] => "nothing".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(57).collect::<String>())
    } else {
        s
    }
}

struct Walk<'a> {
    nodes: &'a [Node],
    steps: usize,
}

impl<'a> Walk<'a> {
    /// The JSON types a schema admits at all (following `$ref`s and
    /// combinators, shallowly); `None`: any.
    fn admits(&self, id: Id, depth: usize) -> Option<u8> {
        let n = self.nodes.get(id)?;
        if depth > 16 {
            return None;
        }
        if n.never {
            return Some(0);
        }
        let mut bits: Option<u8> = n.types.map(|t| if t & NUMBER != 0 { t | INTEGER } else { t });
        let mut and = |b: Option<u8>| {
            if let Some(b) = b {
                bits = Some(bits.map_or(b, |x| x & b));
            }
        };
        if let Some(c) = &n.const_ {
            and(Some(kind_of(c)));
        }
        if let Some(e) = &n.enum_ {
            and(Some(e.iter().fold(0, |acc, v| acc | kind_of(v))));
        }
        if let Some(r) = n.ref_ {
            and(self.admits(r, depth + 1));
        }
        for &a in &n.all_of {
            and(self.admits(a, depth + 1));
        }
        for branches in [&n.any_of, &n.one_of] {
            if !branches.is_empty() {
                let mut union = Some(0u8);
                for &b in branches {
                    union = match (union, self.admits(b, depth + 1)) {
                        (Some(u), Some(x)) => Some(u | x),
                        _ => None,
                    };
                }
                and(union);
            }
        }
        bits
    }

    fn fail(path: &[Seg], reason: String) -> Result<(), Invalid> {
        Err(Invalid { pointer: pointer(path), reason })
    }

    fn check(&mut self, id: Id, v: &'a Value, path: &mut Vec<Seg<'a>>, depth: usize) -> Result<(), Invalid> {
        self.steps += 1;
        if self.steps > MAX_STEPS || depth > MAX_DEPTH {
            return Self::fail(path, "is too large or too deeply nested to validate".into());
        }
        let nodes = self.nodes;
        let Some(n) = nodes.get(id) else { return Ok(()) };
        if n.never {
            return Self::fail(path, "is not allowed".into());
        }
        if let Some(t) = n.types {
            if kind_of(v) & t == 0 {
                return Self::fail(path, format!("must be {} (got {})", type_names(t), kind_name(v)));
            }
        }
        if let Some(c) = &n.const_ {
            if v != c {
                return Self::fail(path, format!("must be {} (got {})", short(c), short(v)));
            }
        }
        if let Some(e) = &n.enum_ {
            if !e.contains(v) {
                let list: Vec<String> = e.iter().take(20).map(short).collect();
                return Self::fail(path, format!("must be one of {} (got {})", list.join(", "), short(v)));
            }
        }
        match v {
            Value::Number(num) => {
                if let Some(x) = num.as_f64() {
                    let bound = |ok: bool, what: &str, b: f64| if ok { Ok(()) } else { Self::fail(path, format!("must be {what} {b} (got {num})")) };
                    if let Some(b) = n.minimum {
                        bound(x >= b, "at least", b)?;
                    }
                    if let Some(b) = n.maximum {
                        bound(x <= b, "at most", b)?;
                    }
                    if let Some(b) = n.exclusive_minimum {
                        bound(x > b, "greater than", b)?;
                    }
                    if let Some(b) = n.exclusive_maximum {
                        bound(x < b, "less than", b)?;
                    }
                }
            }
            Value::String(s) => {
                let len = s.chars().count() as u64;
                if let Some(m) = n.min_length.filter(|m| len < *m) {
                    return Self::fail(path, format!("must have at least {m} characters"));
                }
                if let Some(m) = n.max_length.filter(|m| len > *m) {
                    return Self::fail(path, format!("must have at most {m} characters"));
                }
            }
            Value::Array(items) => {
                let len = items.len() as u64;
                if let Some(m) = n.min_items.filter(|m| len < *m) {
                    return Self::fail(path, format!("must have at least {m} items"));
                }
                if let Some(m) = n.max_items.filter(|m| len > *m) {
                    return Self::fail(path, format!("must have at most {m} items"));
                }
                if let Some(item) = n.items {
                    for (i, x) in items.iter().enumerate() {
                        path.push(Seg::Index(i));
                        self.check(item, x, path, depth + 1)?;
                        path.pop();
                    }
                }
            }
            Value::Object(fields) => {
                for r in &n.required {
                    if !fields.contains_key(r) {
                        path.push(Seg::Key(r));
                        return Self::fail(path, "is required".into());
                    }
                }
                for (name, p) in &n.properties {
                    if let Some(x) = fields.get(name) {
                        path.push(Seg::Key(name));
                        self.check(*p, x, path, depth + 1)?;
                        path.pop();
                    }
                }
                if let Some(add) = n.additional {
                    for (name, x) in fields {
                        if !n.properties.iter().any(|(p, _)| p == name) {
                            path.push(Seg::Key(name));
                            self.check(add, x, path, depth + 1)?;
                            path.pop();
                        }
                    }
                }
            }
            _ => {}
        }
        if let Some(r) = n.ref_ {
            self.check(r, v, path, depth + 1)?;
        }
        for &a in &n.all_of {
            self.check(a, v, path, depth + 1)?;
        }
        if !n.any_of.is_empty() {
            self.branches(&n.any_of, v, path, depth, false)?;
        }
        if !n.one_of.is_empty() {
            self.branches(&n.one_of, v, path, depth, true)?;
        }
        Ok(())
    }

    /// `anyOf` (at least one branch) or `oneOf` (exactly one). Branches that
    /// do not admit the value's type are skipped, and a refusal is the error
    /// of the branch that got deepest into the value (`Option<Enum>`: the
    /// enum's error, not "matches no branch").
    fn branches(&mut self, ids: &[Id], v: &'a Value, path: &mut Vec<Seg<'a>>, depth: usize, exactly_one: bool) -> Result<(), Invalid> {
        let kind = kind_of(v);
        let mut passed = 0;
        let mut best: Option<Invalid> = None;
        let mut admitted = 0u8;
        for &b in ids {
            let adm = self.admits(b, 0);
            admitted |= adm.unwrap_or(0xff);
            if adm.is_some_and(|a| a & kind == 0) {
                continue;
            }
            let len = path.len();
            let res = self.check(b, v, path, depth + 1);
            path.truncate(len);
            match res {
                Ok(()) => {
                    passed += 1;
                    if !exactly_one {
                        return Ok(());
                    }
                }
                Err(e) => {
                    if e.reason.starts_with("is too large") {
                        return Err(e);
                    }
                    // The branch that got furthest into the value explains best.
                    let depth_of = |e: &Invalid| e.pointer.matches('/').count();
                    if best.as_ref().is_none_or(|f| depth_of(&e) > depth_of(f)) {
                        best = Some(e);
                    }
                }
            }
        }
        match passed {
            1 => Ok(()),
            0 => match best {
                Some(e) => Err(e),
                None => Self::fail(path, format!("must be {} (got {})", type_names(admitted), kind_name(v))),
            },
            _ if exactly_one => Self::fail(path, "matches more than one of the allowed shapes".into()),
            _ => Ok(()),
        }
    }
}

/// The compiled checks of one route (its method and path: the router sends
/// every operation sharing them, `mailboxes.update` and `update_many`, to
/// the first, and the spec describes their bodies as `oneOf` the variants).
#[derive(Debug)]
pub struct RouteValidator {
    schemas: Schemas,
    /// Query parameters: name, required, schema.
    query: Vec<(&'static str, bool, Id)>,
    body: Option<Id>,
}

impl RouteValidator {
    /// Derive and compile the checks of `route` from the route table and the
    /// models' schemas, as `cmr-codegen` builds `spec/openapi.json`.
    pub fn new(route: &Route) -> RouteValidator {
        let mut g = SchemaGenerator::new(SchemaSettings::draft2020_12());
        let mut query = Vec::new();
        let mut bodies = Vec::new();
        for r in cmr::routes::ALL.iter().filter(|r| r.method == route.method && r.path == route.path) {
            let Some(s) = cmr::routes::schemas(r.op, &mut g) else { continue };
            let req = cmr::routes::request_schemas(r, &s.args, g.definitions());
            if bodies.is_empty() && query.is_empty() {
                query = req.query;
            }
            bodies.extend(req.body);
        }
        let body = match bodies.len() {
            0 => None,
            1 => bodies.pop(),
            _ => Some(json!({"oneOf": bodies})),
        };
        let defs = g.definitions().clone();
        let mut c = Compiler { defs: &defs, out: Schemas::default(), by_def: HashMap::new() };
        let query = query.into_iter().map(|q| (q.name, q.required, c.compile(&q.schema))).collect();
        let body = body.map(|b| c.compile(&b));
        RouteValidator { schemas: c.out, query, body }
    }

    /// A body-only validator of any schema of the supported subset, its
    /// `$ref`s naming entries of `defs` (for tests of the validator itself).
    pub fn from_schema(body: Value, defs: Value) -> RouteValidator {
        let defs = match defs {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let mut c = Compiler { defs: &defs, out: Schemas::default(), by_def: HashMap::new() };
        let body = Some(c.compile(&body));
        RouteValidator { schemas: c.out, query: Vec::new(), body }
    }

    /// Check a request's query parameters (the key parameter already taken
    /// out) and JSON body (`Null` when absent).
    pub fn check(&self, query: &std::collections::BTreeMap<String, String>, body: &Value) -> Result<(), Reply> {
        for &(name, required, id) in &self.query {
            match query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                None if required => return Err(Reply::err(400, crate::api::missing_param(name))),
                None => {}
                Some(v) => {
                    // Query values are text: only the parameters a string
                    // satisfies are checked here (an integer parameter's
                    // range is its handler's, with its own message).
                    let value = Value::String(v.to_string());
                    let mut walk = Walk { nodes: &self.schemas.nodes, steps: 0 };
                    if walk.admits(id, 0).is_some_and(|t| t & STRING == 0) {
                        continue;
                    }
                    if let Err(e) = walk.check(id, &value, &mut Vec::new(), 0) {
                        return Err(Reply::err(400, format!("{} {name}: {}", crate::api::INVALID_QUERY, e.reason)));
                    }
                }
            }
        }
        let Some(id) = self.body else { return Ok(()) };
        match body {
            Value::Null => Err(Reply::err(400, crate::api::BODY_REQUIRED)),
            Value::Object(_) => self.check_body(id, body).map_err(|e| Reply::err(400, format!("{}: field {} {}", crate::api::INVALID_BODY, e.pointer, e.reason))),
            _ => Err(Reply::err(400, crate::api::BODY_NOT_OBJECT)),
        }
    }

    fn check_body(&self, id: Id, body: &Value) -> Result<(), Invalid> {
        let mut walk = Walk { nodes: &self.schemas.nodes, steps: 0 };
        walk.check(id, body, &mut Vec::new(), 0)
    }

    /// The body check alone, for tests: `Err` names the field.
    pub fn check_body_value(&self, body: &Value) -> Result<(), Invalid> {
        match self.body {
            Some(id) => self.check_body(id, body),
            None => Ok(()),
        }
    }

    /// Keywords met that this validator does not enforce (a test keeps it empty).
    pub fn unsupported_keywords(&self) -> &[String] {
        &self.schemas.unsupported
    }
}

/// The checks of a route, compiled on its first request.
pub fn for_route(route: &'static Route) -> &'static RouteValidator {
    static ALL: OnceLock<HashMap<(&'static str, &'static str), OnceLock<RouteValidator>>> = OnceLock::new();
    let all = ALL.get_or_init(|| cmr::routes::ALL.iter().map(|r| ((r.method.as_str(), r.path), OnceLock::new())).collect());
    match all.get(&(route.method.as_str(), route.path)) {
        Some(cell) => cell.get_or_init(|| RouteValidator::new(route)),
        // Not a route of the table (cannot happen: the router is built from it).
        None => {
            static EMPTY: OnceLock<RouteValidator> = OnceLock::new();
            EMPTY.get_or_init(|| RouteValidator { schemas: Schemas::default(), query: Vec::new(), body: None })
        }
    }
}
