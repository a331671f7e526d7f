//! Sending one rendered request and reading the whole response.

use std::time::Duration;

use crate::check::Response;

/// A request with every template already rendered.
#[derive(Debug, Clone)]
pub(crate) struct RenderedRequest {
    pub(crate) method: reqwest::Method,
    /// Full URL including the query string.
    pub(crate) url: reqwest::Url,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
    /// Statuses the step expects: a throttled or 401 answer among them is checked as it is, never sent again.
    pub(crate) expects: Vec<u16>,
}

impl RenderedRequest {
    /// `POST http://host/path?query`, as failures show it.
    pub(crate) fn line(&self) -> String {
        format!("{} {}", self.method, self.url)
    }
}

/// Why no response came.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum TransportError {
    #[error("no response within {0:?} (timeout)")]
    Timeout(Duration),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("request failed: {0}")]
    Other(String),
}

/// The one HTTP client of a run. `connect_timeout` bounds connection set-up; each request has its own timeout.
pub(super) fn client(connect_timeout: Duration) -> reqwest::Result<reqwest::Client> {
    crate::http::client_builder()
        .user_agent(concat!("conform/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(connect_timeout)
        .build()
}

/// Sends `request` once. The client's timeout bounds the whole exchange.
pub(crate) async fn send(
    client: &reqwest::Client,
    request: &RenderedRequest,
    timeout: Duration,
) -> Result<Response, TransportError> {
    let mut builder = client.request(request.method.clone(), request.url.clone()).timeout(timeout);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let classify = |e: reqwest::Error| {
        if e.is_timeout() {
            TransportError::Timeout(timeout)
        } else if e.is_connect() {
            TransportError::Connect(source_chain(&e))
        } else {
            TransportError::Other(source_chain(&e))
        }
    };
    let response = builder.send().await.map_err(classify)?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let bytes = response.bytes().await.map_err(classify)?;
    Ok(Response::new(status, headers, String::from_utf8_lossy(&bytes).into_owned()))
}

/// The error and its causes on one line: reqwest's own message alone hides the useful part.
fn source_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
