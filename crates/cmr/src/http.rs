//! The TLS setup every part of the SDK shares: rustls with `ring` as the
//! crypto provider and the Mozilla root certificates (`webpki-roots`)
//! compiled in. The client's own transport ([`crate::Client`], hyper's pool)
//! uses [`tls_config`]; the workspace's tools and tests that need a general
//! HTTP client (the sandbox's webhook deliveries, `cmr listen`, test
//! suites) use the reqwest client of [`client_builder`], on the same config.
//!
//! reqwest 0.13's own rustls setup defaults to `aws-lc-rs` (a CMake build
//! that cross-compiles poorly for manylinux2014, Android and iOS) and to the
//! platform verifier (which needs a JNI initialisation on Android). This
//! module builds the rustls configuration itself and hands it to reqwest, so
//! nothing process-wide is installed (no `CryptoProvider::install_default`,
//! which would fight an application that installs its own). The choice is
//! explained in docs/decisions.md ("TLS").

use std::sync::Arc;

/// ALPN: HTTP/2 when the server offers it, else HTTP/1.1 (what reqwest
/// advertises itself with the `http2` feature).
const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// The rustls client configuration: `ring`, TLS 1.2 and 1.3, the Mozilla
/// roots, ALPN `h2`/`http/1.1`.
pub fn tls_config() -> rustls::ClientConfig {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
    config
}

/// A `reqwest::ClientBuilder` with the SDK's TLS setup. Use it instead of
/// `reqwest::Client::builder()` anywhere in this workspace: with the
/// `rustls-no-provider` feature, reqwest's own builder panics when no process
/// default crypto provider is installed.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().tls_backend_preconfigured(tls_config())
}

/// A plain `reqwest::Client` with the SDK's TLS setup (tests, tools).
pub fn client() -> reqwest::Client {
    client_builder().build().expect("a reqwest client with a preconfigured rustls config builds")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_config_uses_ring_and_the_mozilla_roots() {
        let c = tls_config();
        assert_eq!(c.alpn_protocols, vec![b"h2".to_vec(), b"http/1.1".to_vec()]);
        assert!(c.crypto_provider().cipher_suites.len() >= 3);
        // reqwest accepts it (an unrecognised type would fail at build()).
        client_builder().build().unwrap();
    }
}
