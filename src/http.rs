//! The one place that builds HTTP clients, so the TLS crypto provider is installed exactly once.

use std::sync::Once;

static CRYPTO: Once = Once::new();

/// A reqwest client builder with rustls (ring) ready. Every client in conform comes from here.
pub fn client_builder() -> reqwest::ClientBuilder {
    CRYPTO.call_once(|| {
        // Another part of the process may have installed one first; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
}
