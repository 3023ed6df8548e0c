//! `spec/openapi.json`: the CMR partner API as OpenAPI 3.1, from the route
//! table and the models' schemas.
//!
//! Response `data` schemas are the SDK's decoded models (they accept the
//! aliases and unknown fields the models accept); `x-sdk-result` names the
//! result type every SDK returns.

use cmr::routes::{self, ArgKind, BodyKind, Route, Signature};
use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

const SCHEMAS: &str = "#/components/schemas/";

fn generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    SchemaGenerator::new(settings)
}

/// The definition a `$ref` schema points to (or the schema itself).
fn resolve<'a>(defs: &'a Map<String, Value>, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(SCHEMAS)) {
        Some(name) => defs.get(name).unwrap_or(s),
        None => s,
    }
}

fn envelope_of(data: Value) -> Value {
    json!({"allOf": [{"$ref": format!("{SCHEMAS}Envelope")}, {"type": "object", "properties": {"data": data}}]})
}

/// `Page<User>` -> `User`.
fn inner<'a>(ty: &'a str, wrapper: &str) -> Option<&'a str> {
    ty.strip_prefix(wrapper)?.strip_prefix('<')?.strip_suffix('>')
}

/// The wire shape of a result's `data`.
fn data_schema(sig: &Signature, response: &Value, data: Option<&Value>) -> Value {
    if let Some(d) = data {
        return d.clone();
    }
    if let (Some(key), Some(item)) = (sig.paginated, inner(sig.response, "Page")) {
        let mut props = Map::new();
        props.insert(key.to_string(), json!({"type": "array", "items": {"$ref": format!("{SCHEMAS}{item}")}}));
        for (k, d) in [
            ("currentPage", "Page number of this page (from 1)."),
            ("totalPages", "Total pages."),
            ("nextPage", "Next page (the SDKs recompute it and do not trust it past totalPages)."),
            ("totalSearchedCount", "Total matching records (some endpoints: totalCount, total, or a resource-specific total)."),
        ] {
            props.insert(k.to_string(), json!({"type": ["integer", "null"], "description": d}));
        }
        return json!({
            "type": "object",
            "description": format!("One page; the items are under `{key}` (a bare array is one page)."),
            "properties": props,
            "additionalProperties": true,
        });
    }
    if sig.response == "Ack" {
        return json!({"description": "No data of interest (null or an object): the SDKs return the message and actionId."});
    }
    response.clone()
}

struct Parts {
    parameters: Vec<Value>,
    body: Option<Value>,
}

/// Query parameters and request body of a route, from its arguments
/// (`routes::request_schemas`, which the sandbox validates requests with).
fn request_parts(r: &Route, args: &[Schema], defs: &Map<String, Value>) -> Parts {
    let req = routes::request_schemas(r, args, defs);
    let mut parameters = Vec::new();
    for q in req.query {
        let mut p = json!({"name": q.name, "in": "query", "required": q.required, "schema": q.schema});
        if let Some(d) = schema_description(&p["schema"]) {
            p["description"] = json!(d);
        }
        parameters.push(p);
    }
    let body = req.body.map(|schema| {
        let media = match r.body {
            BodyKind::Multipart => "multipart/form-data",
            _ => "application/json",
        };
        json!({"required": true, "content": {media: {"schema": schema}}})
    });
    Parts { parameters, body }
}

/// The argument names an SDK method takes (camelCase): the named arguments
/// and the request model's fields, in signature order.
fn sdk_arguments(sig: &Signature, args: &[Schema], defs: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (a, s) in sig.args.iter().zip(args) {
        if matches!(a.kind, ArgKind::Model(_)) {
            if let Some(p) = resolve(defs, s.as_value()).get("properties").and_then(Value::as_object) {
                out.extend(p.keys().filter(|k| !out.contains(*k)).cloned().collect::<Vec<_>>());
            }
        } else if !a.name.is_empty() && !out.iter().any(|o| o == a.name) {
            out.push(a.name.to_string());
        }
    }
    out
}

fn schema_description(s: &Value) -> Option<String> {
    s.get("description").and_then(Value::as_str).map(str::to_string)
}

fn resource_of(op: &str) -> &str {
    op.split_once('.').map(|(r, _)| r).unwrap_or("misc")
}

fn operation(r: &Route, g: &mut SchemaGenerator) -> Value {
    let schemas = routes::schemas(r.op, g).expect("every route has schemas");
    let defs = g.definitions().clone();
    let parts = request_parts(r, &schemas.args, &defs);
    let data = data_schema(&r.sig, schemas.response.as_value(), schemas.data.as_ref().map(Schema::as_value));
    let mut responses = Map::new();
    let ok = if r.op == "prewarmup.order" { "201" } else { "200" };
    responses.insert(
        ok.to_string(),
        json!({"description": "Success", "content": {"application/json": {"schema": envelope_of(data)}}}),
    );
    for (code, name) in ERRORS {
        responses.insert(code.to_string(), json!({"$ref": format!("#/components/responses/{name}")}));
    }
    let mut op = json!({
        "operationId": r.op,
        "tags": [resource_of(r.op)],
        "summary": r.op,
        "description": r.note,
        "parameters": parts.parameters,
        "responses": responses,
        "x-provenance": r.provenance.as_str(),
        "x-provenance-note": r.note,
        "x-asynchronous": r.asynchronous,
        "x-sdk-result": r.sig.response,
        "x-sdk-arguments": sdk_arguments(&r.sig, &schemas.args, &defs),
    });
    if let Some(b) = parts.body {
        op["requestBody"] = b;
    }
    if let Some(key) = r.sig.paginated {
        op["x-pagination"] = json!({"itemsKey": key, "pageParam": "page", "limitParam": "limit", "firstPage": 1});
    }
    if let Some(d) = r.sig.data {
        op["x-sdk-data"] = json!(d);
    }
    if let Some(m) = r.sig.request() {
        op["x-request-model"] = json!(m);
    }
    op
}

/// Error statuses and their shared response objects.
const ERRORS: &[(&str, &str)] = &[
    ("400", "ValidationError"),
    ("401", "AuthenticationError"),
    ("402", "PaymentRequiredError"),
    ("403", "PermissionError"),
    ("404", "NotFoundError"),
    ("409", "ConflictError"),
    ("422", "ValidationError"),
    ("429", "RateLimitError"),
    ("5XX", "ServerError"),
];

fn error_responses() -> Value {
    let mut out = Map::new();
    for (name, text) in [
        ("ValidationError", "The input was refused (400, 422 and any other 4xx): fix it, retrying will not help."),
        ("AuthenticationError", "The API key is missing, wrong or revoked."),
        ("PaymentRequiredError", "The partner wallet does not cover the operation."),
        ("PermissionError", "The key is valid but the resource belongs to someone else, or its state forbids the action."),
        ("NotFoundError", "The record does not exist (or not under this partner account)."),
        ("ConflictError", "Conflict with existing state (for example 'Email already exists')."),
        ("RateLimitError", "Too many requests (CMR allows 5 per second): wait Retry-After."),
        ("ServerError", "CMR failed: safe to retry only a GET, or a write that provably did not act."),
    ] {
        let mut resp = json!({
            "description": text,
            "content": {"application/json": {"schema": {"$ref": format!("{SCHEMAS}ErrorEnvelope")}}},
        });
        if name == "RateLimitError" {
            resp["headers"] = json!({"Retry-After": {"description": "Seconds (or an HTTP date) to wait.", "schema": {"type": "string"}}});
        }
        out.insert(name.to_string(), resp);
    }
    Value::Object(out)
}

/// The payload schema of a webhook event.
pub fn event_schema(name: &str, g: &mut SchemaGenerator) -> Schema {
    use cmr::webhooks::*;
    match name.split('.').take(2).collect::<Vec<_>>().as_slice() {
        ["domain", "order"] => g.subschema_for::<DomainOrderEvent>(),
        ["mailbox", "order"] => g.subschema_for::<MailboxOrderEvent>(),
        ["mailbox", _] => g.subschema_for::<MailboxEvent>(),
        ["subscription", _] => g.subschema_for::<SubscriptionEvent>(),
        ["prewarmup", _] => g.subschema_for::<PrewarmupOrderEvent>(),
        _ => Schema::default(),
    }
}

/// Register every webhook payload schema.
pub fn event_schemas(g: &mut SchemaGenerator) {
    for name in cmr::webhooks::EVENT_NAMES {
        event_schema(name, g);
    }
}

fn webhooks(g: &mut SchemaGenerator) -> Value {
    use cmr::webhooks::*;
    let ext = spec_extensions();
    let mut out = Map::new();
    for name in EVENT_NAMES {
        let payload = event_schema(name, g);
        let body = json!({
            "type": "object",
            "required": ["event", "data"],
            "properties": {
                "event": {"const": name},
                "eventId": {"type": "string", "description": "De-duplication key (else a top-level `id`)."},
                "data": payload,
            },
            "additionalProperties": true,
        });
        let mut post = json!({
            "operationId": format!("webhook.{name}"),
            "summary": name,
            "parameters": [
                {"name": SIGNATURE_HEADER, "in": "header", "required": true, "schema": {"type": "string"},
                 "description": "HMAC-SHA256 of the raw body (see x-cmr-signature for every accepted encoding)."},
                {"name": TIMESTAMP_HEADER, "in": "header", "required": true, "schema": {"type": "string", "pattern": "^[0-9]{1,19}$"},
                 "description": "Unix seconds or milliseconds (see x-cmr-timestamp)."},
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
            "responses": {"2XX": {"description": "Received; any other answer makes CMR retry the delivery."}},
        });
        if let Value::Object(e) = &ext {
            for (k, v) in e {
                post[k] = v.clone();
            }
        }
        out.insert(name.to_string(), json!({"post": post}));
    }
    Value::Object(out)
}

pub fn render() -> String {
    let mut g = generator();
    let mut paths: Map<String, Value> = Map::new();
    for r in routes::ALL {
        let op = operation(r, &mut g);
        let method = r.method.as_str().to_ascii_lowercase();
        let item = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        match item.get_mut(&method) {
            // Two operations on one method and path (mailboxes.update and
            // update_many): the second is a variant of the first.
            Some(first) => {
                let ptr = "/requestBody/content/application~1json/schema";
                let a = first.pointer(ptr).cloned().unwrap_or_default();
                let b = op.pointer(ptr).cloned().unwrap_or_default();
                if let Some(slot) = first.pointer_mut(ptr) {
                    *slot = json!({"oneOf": [a, b]});
                }
                match first.get_mut("x-variants").and_then(Value::as_array_mut) {
                    Some(v) => v.push(op),
                    None => first["x-variants"] = json!([op]),
                }
            }
            None => {
                item[&method] = op;
            }
        }
    }

    let mut composites = Vec::new();
    for c in routes::COMPOSITE {
        let s = routes::schemas(c.op, &mut g).expect("every composite has schemas");
        let defs = g.definitions().clone();
        let names = sdk_arguments(&c.sig, &s.args, &defs);
        let args: Map<String, Value> = c
            .sig
            .args
            .iter()
            .zip(&s.args)
            .map(|(a, s)| (if a.name.is_empty() { "(options)".to_string() } else { a.name.to_string() }, s.as_value().clone()))
            .collect();
        composites.push(json!({
            "operationId": c.op, "uses": c.uses, "description": c.note,
            "arguments": args, "result": s.response, "x-sdk-result": c.sig.response,
            "x-sdk-arguments": names,
        }));
    }
    let hooks = webhooks(&mut g);

    let mut schemas: Map<String, Value> = g.take_definitions(true).into_iter().filter(|(k, _)| !k.starts_with("Page")).collect();
    schemas.insert(
        "Envelope".into(),
        json!({
            "type": "object",
            "description": "Every CMR answer: status mirrors the HTTP status, data carries the result.",
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "data": {},
                "actionId": {"type": "string", "description": "Asynchronous operations: the id the webhooks will carry (top level or inside data)."},
            },
            "additionalProperties": true,
        }),
    );
    schemas.insert(
        "ErrorEnvelope".into(),
        json!({
            "type": "object",
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}, "data": {}},
            "required": ["message"],
            "additionalProperties": true,
        }),
    );
    let schemas: Map<String, Value> = {
        let mut v: Vec<_> = schemas.into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.into_iter().collect()
    };

    let mut tags: Vec<&str> = routes::ALL.iter().map(|r| resource_of(r.op)).collect();
    tags.dedup();

    let spec = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Cold Mail Reseller partner API",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "The CMR partner API as the cmr SDK models it (no official machine-readable spec exists).",
            "description": format!(
                "{}. Every operation says how sure we are of its method and path in `x-provenance`: `docs` (a page of \
                 the API docs shows them), `guide` (only the integration guide does), `guessed` (our most plausible \
                 choice; `x-provenance-note` says why). `data` schemas are the SDK's decoded models. \
                 `x-composite-operations` lists the SDK operations built from several calls.",
                super::GENERATED
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [
            {"url": routes::DEFAULT_BASE_URL, "description": "Production"},
            {"url": format!("http://127.0.0.1:4010{}", routes::BASE_PATH), "description": "The cmr sandbox (`cmr sandbox --port 4010`)"},
        ],
        "security": [{"apiKeyHeader": []}, {"apiKeyQuery": []}],
        "tags": tags.iter().map(|t| json!({"name": t})).collect::<Vec<_>>(),
        "paths": paths,
        "webhooks": hooks,
        "components": {
            "securitySchemes": {
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": routes::API_KEY_HEADER,
                                 "description": "The partner API key (docs).", "x-provenance": "docs"},
                "apiKeyQuery": {"type": "apiKey", "in": "query", "name": routes::API_KEY_HEADER,
                                "description": "The same key as a query parameter (the docs' auth panel allows it; prefer the header).",
                                "x-provenance": "docs"},
                "sandboxApiKeyHeader": {"type": "apiKey", "in": "header", "name": routes::SANDBOX_API_KEY_HEADER,
                                        "description": "A CMR sandbox key (one guide passage only).", "x-provenance": "guide"},
            },
            "responses": error_responses(),
            "schemas": schemas,
        },
        "x-composite-operations": composites,
    });
    let mut s = serde_json::to_string_pretty(&spec).expect("a JSON value serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        serde_json::from_str(&render()).unwrap()
    }

    #[test]
    fn every_operation_is_listed_with_its_provenance() {
        let s = spec();
        let mut ops = Vec::new();
        for item in s["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                ops.push(op.clone());
                ops.extend(op["x-variants"].as_array().cloned().unwrap_or_default());
            }
        }
        assert_eq!(ops.len(), routes::ALL.len());
        for r in routes::ALL {
            let op = ops.iter().find(|o| o["operationId"] == r.op).unwrap_or_else(|| panic!("{} missing", r.op));
            assert_eq!(op["x-provenance"], r.provenance.as_str());
            assert_eq!(op["x-provenance-note"], r.note);
            assert_eq!(op["x-asynchronous"], r.asynchronous);
            assert_eq!(op["responses"]["404"]["$ref"], "#/components/responses/NotFoundError");
        }
        let composites = s["x-composite-operations"].as_array().unwrap();
        assert_eq!(composites.len(), routes::COMPOSITE.len());
    }

    #[test]
    fn parameters_and_bodies_follow_the_table() {
        let s = spec();
        let dns_delete = &s["paths"]["/dns"]["delete"];
        let names: Vec<&str> = dns_delete["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["userId", "recordId"]);
        assert!(dns_delete.get("requestBody").is_none());
        // A body field that is not a model: domains.remove {domains}.
        let body = &s["paths"]["/domains/remove"]["delete"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(body["required"], json!(["domains"]));
        // Paginated: the wire page under its items key.
        let page = &s["paths"]["/subscriptions"]["get"];
        assert_eq!(page["x-pagination"]["itemsKey"], "subscriptions");
        let data = &page["responses"]["200"]["content"]["application/json"]["schema"]["allOf"][1]["properties"]["data"];
        assert_eq!(data["properties"]["subscriptions"]["items"]["$ref"], "#/components/schemas/Subscription");
        // Every $ref resolves.
        let text = render();
        for r in text.split("\"$ref\": \"").skip(1) {
            let target = &r[..r.find('"').unwrap()];
            let ptr = target.trim_start_matches('#');
            assert!(s.pointer(ptr).is_some(), "dangling $ref {target}");
        }
    }

    #[test]
    fn webhooks_say_which_signatures_and_timestamps_are_accepted() {
        let s = spec();
        let hook = &s["webhooks"]["mailbox.created"]["post"];
        assert_eq!(hook["x-cmr-signature"]["encodings"], json!(cmr::webhooks::SIGNATURE_ENCODINGS));
        assert!(hook["x-cmr-timestamp"]["unitRule"].as_str().unwrap().contains("milliseconds"));
        assert_eq!(s["webhooks"].as_object().unwrap().len(), cmr::webhooks::EVENT_NAMES.len());
    }
}
