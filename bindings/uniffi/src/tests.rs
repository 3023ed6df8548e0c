use crate::{CmrClient, CmrError};

/// Every source file of this crate, read at test time so that a module
/// added later is covered without editing this list.
fn sources() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("src dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tests.rs"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).expect("read")))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "expected the crate's modules, found {:?}", files.iter().map(|f| &f.0).collect::<Vec<_>>());
    files
}

fn snake_to_camel(s: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every op of the route table and of `routes::COMPOSITE` has an exported
/// method on its resource object (`users.create` -> `impl UsersResource {
/// pub async fn create`), generated or hand-written, found by scanning the
/// crate's sources.
#[test]
fn every_route_has_an_exported_method() {
    let all = sources().into_iter().map(|(_, s)| s).collect::<Vec<_>>().join("\n");
    let src = all.as_str();
    let ops = cmr::routes::ALL.iter().map(|r| r.op).chain(cmr::routes::COMPOSITE.iter().map(|c| c.op));
    for op in ops {
        let (owner, method) = match op.split_once('.') {
            Some((resource, method)) => {
                let mut r = resource.to_string();
                r[..1].make_ascii_uppercase();
                (format!("impl {r}Resource {{"), method.to_string())
            }
            None => ("impl CmrClient {".to_string(), op.to_string()),
        };
        // The exported impl blocks of this owner, each up to its closing "\n}".
        let mut found = false;
        let mut rest = src;
        while let Some(i) = rest.find(&owner) {
            let block = &rest[i..];
            let end = block.find("\n}\n").unwrap_or(block.len());
            let exported = rest[..i]
                .trim_end()
                .lines()
                .last()
                .is_some_and(|l| l.starts_with("#[uniffi::export"));
            if exported && block[..end].contains(&format!("pub async fn {method}(")) {
                found = true;
            }
            rest = &block[owner.len()..];
        }
        assert!(
            found,
            "{op} has no exported method `{method}` ({})",
            snake_to_camel(&method)
        );
    }
}

#[test]
fn every_error_kind_converts_to_its_variant_with_its_code() {
    let names = [
        "Authentication",
        "PermissionDenied",
        "NotFound",
        "Conflict",
        "Validation",
        "PaymentRequired",
        "RateLimited",
        "Server",
        "Network",
        "Timeout",
        "Decode",
        "SignatureVerification",
        "Redirect",
        "Internal",
    ];
    assert_eq!(names.len(), cmr::ErrorKind::ALL.len());
    for (kind, name) in cmr::ErrorKind::ALL.iter().zip(names) {
        let e: CmrError = cmr::Error::new(*kind, "boom").into();
        assert_eq!(e.info().code, kind.code());
        assert_eq!(e.info().message, "boom");
        assert_eq!(e.to_string(), format!("{}: boom", kind.code()));
        assert!(format!("{e:?}").starts_with(name), "{kind:?} became {e:?}");
    }
}

/// Every async export runs under `guard`, so a panic reaches Kotlin and
/// Swift as `CmrError.Internal` rather than uniffi's `InternalException`.
#[test]
fn every_async_export_is_guarded() {
    let mut unguarded = Vec::new();
    let mut checked = 0;
    for (file, src) in sources() {
        // Free functions (`pub async fn` at column 0) and methods (indented).
        for chunk in src.split("pub async fn ").skip(1) {
            let name: String = chunk.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            // The body starts after the signature's opening brace.
            let body = chunk.split_once("{\n").map(|(_, b)| b).unwrap_or("");
            checked += 1;
            if !body.trim_start().starts_with("guard(") {
                unguarded.push(format!("{file}: {name}"));
            }
        }
    }
    assert!(checked > 40, "found only {checked} async exports: is the scan still finding them?");
    assert!(unguarded.is_empty(), "async exports not wrapped in guard(): {unguarded:?}");
}

#[test]
fn client_display_hides_the_key() {
    let c = CmrClient::new(
        Some("sk_secret_123".into()),
        Some("http://127.0.0.1:9".into()),
        true,
        None,
        None,
        Some(0),
        None,
        None,
        None,
        false,
        None,
        None,
        None,
    )
    .unwrap();
    let shown = format!("{c} {c:?}");
    assert!(!shown.contains("sk_secret_123"), "{shown}");
    assert!(shown.contains("127.0.0.1:9"));
}
