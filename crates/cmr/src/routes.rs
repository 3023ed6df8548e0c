//! The ONE route table of the CMR partner API.
//!
//! Every operation of the SDK names its [`Route`] here; the client, the
//! sandbox server, the CLI and the docs all read this table, so a path fixed
//! here is fixed everywhere. Paths are relative to the base URL
//! (`https://customers.coldmailreseller.com/api/v1/integration`).
//!
//! `confirmed: false` marks a route whose path (or method) the reference
//! (`shared/cmr-api`) does not know; the value here is our most plausible
//! choice, and `note` says why. `docs/routes.md` lists the same table. Use
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
    /// Is method + path confirmed by the reference?
    pub confirmed: bool,
    /// Where the route comes from, or why this path was chosen.
    pub note: &'static str,
}

macro_rules! routes {
    ($( $konst:ident = $op:literal, $method:ident $path:literal, query [$($q:literal),*], $body:ident, async $async_:literal, confirmed $conf:literal, $note:literal; )*) => {
        $(
            #[doc = concat!("`", $op, "`: ", stringify!($method), " `", $path, "`. ", $note)]
            pub const $konst: Route = Route {
                op: $op,
                method: Method::$method,
                path: $path,
                query: &[$($q),*],
                body: BodyKind::$body,
                asynchronous: $async_,
                confirmed: $conf,
                note: $note,
            };
        )*
        /// Every route, in reference order.
        pub const ALL: &[Route] = &[$($konst),*];
    };
}

routes! {
    // --- Users ---------------------------------------------------------------
    USERS_LIST = "users.list", Get "/users/list", query ["page", "limit", "search"], None, async false, confirmed true,
        "Path from the guide; query names not captured: page/limit/search chosen (generic pagination rule).";
    USERS_GET = "users.get", Get "/users", query ["userId"], None, async false, confirmed true,
        "Path from the guide.";
    USERS_CREATE = "users.create", Post "/users", query [], Json, async false, confirmed true,
        "Docs.";
    USERS_UPDATE = "users.update", Put "/users", query ["userId"], Json, async false, confirmed true,
        "Docs.";
    USERS_DELETE = "users.delete", Delete "/users", query ["userId"], None, async false, confirmed true,
        "Docs.";

    // --- Geo -----------------------------------------------------------------
    GEO_COUNTRIES = "geo.countries", Get "/geo/countries", query [], None, async false, confirmed true,
        "Guide.";
    GEO_STATES = "geo.states", Get "/geo/states", query ["countryCode"], None, async false, confirmed true,
        "Guide.";

    // --- Domains -------------------------------------------------------------
    DOMAINS_LIST = "domains.list", Get "/domains/by-user", query ["userId"], None, async false, confirmed true,
        "Guide. A wrong userId answers an empty list, not 404.";
    DOMAINS_SUGGEST = "domains.suggest", Post "/domains/suggest", query ["userId"], Json, async false, confirmed false,
        "UNCONFIRMED: 'Suggest Available Domains' (POST) has no stored page; path chosen by analogy.";
    DOMAINS_CHECK_AVAILABILITY = "domains.check_availability", Post "/domains/availability", query ["userId"], Json, async false, confirmed false,
        "UNCONFIRMED: 'Get Single Available Domain' (POST) has no stored page; path chosen by analogy.";
    DOMAINS_CHECK_WORKSPACE = "domains.check_workspace", Post "/domains/check-workspace", query ["userId"], Json, async false, confirmed false,
        "UNCONFIRMED: 'Check If Workspace Exists' (POST), navigation only.";
    DOMAINS_ADD_FORWARDING = "domains.add_forwarding", Post "/domains/forwarding", query ["userId"], Json, async true, confirmed false,
        "UNCONFIRMED: 'Add domain forwarding' (POST), no stored content. Asynchronous per guide.";
    DOMAINS_ADD_EMAIL_FORWARDING = "domains.add_email_forwarding", Post "/domains/email-forwarding", query ["userId"], Json, async true, confirmed false,
        "UNCONFIRMED: 'Add email forwarding' (POST), navigation only. Needs ACTIVE mailboxes (guide).";
    DOMAINS_ADD_GOOGLE_CLIENT_ID = "domains.add_google_client_id", Post "/domains/google-client-id", query ["userId"], Json, async false, confirmed false,
        "UNCONFIRMED: 'Add Google Client ID to Domain' (POST), no stored content.";
    DOMAINS_REMOVE = "domains.remove", Delete "/domains/remove", query ["userId"], Json, async true, confirmed false,
        "UNCONFIRMED: 'Remove domains' (DELETE); body {domains} chosen to mirror DELETE /mailboxes/remove.";
    DOMAINS_RENEWAL_PRICE = "domains.renewal_price", Post "/domains/renewal-price", query [], Json, async false, confirmed true,
        "Docs. userId travels in the body.";
    DOMAINS_RENEW = "domains.renew", Post "/domains/renew", query [], Json, async true, confirmed true,
        "Docs (path from the page header); body inferred from the pricing call: userId, domains, years.";
    DOMAINS_TOGGLE_AUTO_RENEW = "domains.toggle_auto_renew", Patch "/domains/toggle-auto-renew", query [], Json, async false, confirmed true,
        "Docs (curl says PATCH; one menu says POST: PATCH chosen).";

    // --- DNS -----------------------------------------------------------------
    DNS_LIST = "dns.list", Get "/dns", query ["userId", "domain"], None, async false, confirmed true,
        "Guide.";
    DNS_ADD = "dns.add", Post "/dns", query ["userId"], Json, async false, confirmed true,
        "Docs (body) and guide (path).";
    DNS_UPDATE = "dns.update", Put "/dns", query ["userId"], Json, async false, confirmed true,
        "Guide. The body carries recordId and the complete record.";
    DNS_DELETE = "dns.delete", Delete "/dns", query ["userId", "recordId"], None, async false, confirmed true,
        "Guide.";

    // --- Orders --------------------------------------------------------------
    ORDERS_CREATE = "orders.create", Post "/orders/json", query ["userId"], Json, async true, confirmed true,
        "Docs and guide ('Creates order json').";
    ORDERS_CREATE_MULTIPART = "orders.create_multipart", Post "/orders", query ["userId"], Multipart, async true, confirmed false,
        "UNCONFIRMED: 'Create Order' (multipart/form-data); curl beyond the stored text, POST /orders chosen as the reference suggests.";
    ORDERS_ORDER_MAILBOXES = "orders.order_mailboxes", Post "/orders/create-mailbox-order/json", query ["userId"], Json, async true, confirmed true,
        "Docs and guide ('Order mailboxes (json)').";
    ORDERS_ADD_MAILBOXES_TO_SUBSCRIPTION = "orders.add_mailboxes_to_subscription", Post "/orders/add-mailboxes", query ["userId"], Multipart, async true, confirmed false,
        "UNCONFIRMED and DEPRECATED upstream: 'Add mailboxes to a subscription' (multipart); use orders.order_mailboxes.";
    ORDERS_PROCESS = "orders.process", Post "/orders/process", query ["userId"], Json, async true, confirmed false,
        "UNCONFIRMED: 'Process the Order' (POST), no stored content; body {orderId} chosen.";
    ORDERS_STATUS = "orders.status", Get "/orders/status", query ["userId", "orderId"], None, async false, confirmed true,
        "Guide (Quick Start).";
    ORDERS_GET = "orders.get", Get "/orders/details", query ["userId", "orderId"], None, async false, confirmed false,
        "UNCONFIRMED: 'Get Order Details' (GET), no stored content.";

    // --- Mailboxes -----------------------------------------------------------
    MAILBOXES_LIST_ALL = "mailboxes.list_all", Get "/mailboxes", query ["page", "limit"], None, async false, confirmed true,
        "Guide only (partner-wide list); query names chosen (generic pagination rule).";
    MAILBOXES_LIST = "mailboxes.list", Get "/mailboxes/single", query ["userId"], None, async false, confirmed true,
        "Guide. Despite 'single', lists every mailbox of one user.";
    MAILBOXES_GET = "mailboxes.get", Get "/mailboxes/mailbox", query ["mailboxId", "userId"], None, async false, confirmed true,
        "Guide.";
    MAILBOXES_ADMIN_DETAILS = "mailboxes.admin_details", Get "/mailboxes/admin-mailbox-details", query ["userId", "mailboxId"], None, async false, confirmed true,
        "Guide.";
    MAILBOXES_UPDATE = "mailboxes.update", Patch "/mailboxes/update-mailbox-details", query ["userId"], Json, async true, confirmed true,
        "Guide ('Update mailbox details'); body {mailboxData: object}.";
    MAILBOXES_UPDATE_MANY = "mailboxes.update_many", Patch "/mailboxes/update-mailbox-details", query ["userId"], Json, async true, confirmed true,
        "Guide; same endpoint with {mailboxData: [..]} (bulk, per-item results).";
    MAILBOXES_REMOVE = "mailboxes.remove", Delete "/mailboxes/remove", query ["userId"], Json, async true, confirmed true,
        "Docs (a DELETE with a JSON body {mailboxId}).";

    // --- Subscriptions -------------------------------------------------------
    SUBSCRIPTIONS_LIST = "subscriptions.list", Get "/subscriptions", query ["status", "componentSubscriptionId", "domain", "userId", "page", "limit"], None, async false, confirmed true,
        "Docs (userId filter is our assumption).";
    SUBSCRIPTIONS_RENEW = "subscriptions.renew", Post "/subscriptions/renew-subscriptions", query [], Json, async true, confirmed true,
        "Docs (newer page version: top-level actionId).";
    SUBSCRIPTIONS_CANCEL = "subscriptions.cancel", Post "/subscriptions/cancel", query [], Json, async true, confirmed true,
        "Docs. subscriptionId xor domain.";
    SUBSCRIPTIONS_TOGGLE_AUTO_RENEW = "subscriptions.toggle_auto_renew", Post "/subscriptions/toggle-auto-renew", query [], Json, async false, confirmed false,
        "UNCONFIRMED: 'Toggle Auto renewal' (POST); body {subscriptionIds, autoRenew} chosen by analogy with domains.";
    SUBSCRIPTIONS_RECREATE = "subscriptions.recreate", Post "/component/subscriptions/recreate", query [], Json, async true, confirmed true,
        "Docs (a guide FAQ says /subscriptions/recreate; the docs page wins).";

    // --- Exports -------------------------------------------------------------
    EXPORTS_REEXPORT = "exports.reexport", Post "/exports/re-export", query ["userId"], Json, async true, confirmed false,
        "UNCONFIRMED: 'Re-export a mailbox (Oauth)' (POST), navigation only; body {mailboxId} chosen.";
    EXPORTS_LIST_CREDENTIALS = "exports.list_credentials", Get "/exports/platform-credentials", query ["userId"], None, async false, confirmed true,
        "Docs.";
    EXPORTS_ADD_CREDENTIAL = "exports.add_credential", Post "/exports/platform-credential", query ["userId"], Json, async false, confirmed true,
        "Docs.";
    EXPORTS_REMOVE_CREDENTIAL = "exports.remove_credential", Delete "/exports/platform-credential", query ["userId", "credentialId"], None, async false, confirmed true,
        "Docs (credentialId in the query, per the curl).";
    EXPORTS_EXPORT_MAILBOXES = "exports.export_mailboxes", Post "/exports/platform-exports", query ["userId"], Json, async true, confirmed true,
        "Docs overview (userId query assumed like its siblings).";

    // --- Pre-warmup ----------------------------------------------------------
    PREWARMUP_LIST = "prewarmup.list", Get "/pre-warmup", query ["serviceProvider", "contains", "page", "limit"], None, async false, confirmed true,
        "Guide; page/limit names chosen.";
    PREWARMUP_ORDER = "prewarmup.order", Post "/pre-warmup/order", query ["userId"], Json, async true, confirmed true,
        "Guide (answers 201).";
    PREWARMUP_SANDBOX_LIST = "prewarmup.sandbox_list", Get "/sandbox/pre-warmup", query ["serviceProvider"], None, async false, confirmed false,
        "Docs give the path; method GET inferred.";
    PREWARMUP_SANDBOX_ORDER = "prewarmup.sandbox_order", Post "/sandbox/pre-warmup/order", query ["userId"], Json, async true, confirmed false,
        "Docs give the path and the scenario field; method POST inferred.";
    PREWARMUP_SANDBOX_RESET = "prewarmup.sandbox_reset", Post "/sandbox/pre-warmup/reset", query [], None, async false, confirmed false,
        "Docs give the path; method unknown (POST chosen).";

    // --- Wallet and misc -----------------------------------------------------
    WALLET_GET = "wallet.get", Get "/wallet", query [], None, async false, confirmed false,
        "UNCONFIRMED: 'Get Wallet Details' (GET), navigation only.";
    SEND_ERROR = "send_error", Post "/send-error", query [], Json, async false, confirmed false,
        "UNCONFIRMED: 'Send error' (POST), navigation only; body {message, details} chosen.";
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

/// The route table as Markdown (this is `docs/routes.md`; a test keeps them equal).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Routes\n\nGenerated from `crates/cmr/src/routes.rs` (the one route table); a test fails if this file\n\
         drifts. Regenerate with `UPDATE_DOCS=1 cargo test -p cmr routes`.\n\n\
         Paths are relative to `https://customers.coldmailreseller.com/api/v1/integration`.\n\
         **unconfirmed** marks a path (or method) the reference does not know: our most plausible\n\
         choice. Use the raw `request` call of any language to reach a path we have wrong.\n\n\
         | operation | method | path | query | body | async | confirmed | note |\n|---|---|---|---|---|---|---|---|\n",
    );
    for r in ALL {
        let body = match r.body {
            BodyKind::None => "",
            BodyKind::Json => "JSON",
            BodyKind::Multipart => "multipart",
        };
        out.push_str(&format!(
            "| `{}` | {} | `{}` | {} | {} | {} | {} | {} |\n",
            r.op,
            r.method.as_str(),
            r.path,
            r.query.join(", "),
            body,
            if r.asynchronous { "yes" } else { "" },
            if r.confirmed { "yes" } else { "**unconfirmed**" },
            r.note.replace('|', "\\|"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn docs_routes_md_matches_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/routes.md");
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, markdown()).unwrap();
        }
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        assert!(doc == markdown(), "docs/routes.md is stale: run UPDATE_DOCS=1 cargo test -p cmr routes");
    }

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
