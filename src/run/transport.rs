//! Sending one rendered request and reading its response, bounded: one deadline covers the whole exchange
//! (connection, headers and body), the body is read in chunks up to a cap, and a target that stopped answering
//! ends the steps in flight at once.

use std::time::Duration;

use super::health::TargetHealth;
use crate::check::Response;
use crate::excerpt::thousands;
use crate::results::Phase;

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

/// Why no usable response came.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum TransportError {
    #[error("no response within {0:?} (timeout)")]
    Timeout(Duration),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("request failed: {0}")]
    Other(String),
    /// The body was not read past the cap: a larger one is never held in memory.
    #[error("body exceeds {} bytes{} (raise the limit with --max-body-size)", thousands(*.limit), announced_size(*.announced))]
    BodyTooLarge { limit: u64, announced: Option<u64> },
    /// The run stopped because the target stopped answering (see [`super::health`]).
    #[error("target unresponsive: {0}")]
    Unresponsive(String),
}

fn announced_size(announced: Option<u64>) -> String {
    announced.map(|n| format!(" (Content-Length: {})", thousands(n))).unwrap_or_default()
}

impl TransportError {
    /// Whether another attempt could help: not once the run has stopped, and not for a body that will be as
    /// large the next time.
    pub(crate) fn is_retryable(&self) -> bool {
        !matches!(self, TransportError::BodyTooLarge { .. } | TransportError::Unresponsive(_))
    }

    /// Whether the server may have received (and processed) the request: anything but a failed connect.
    pub(crate) fn may_have_reached_server(&self) -> bool {
        !matches!(self, TransportError::Connect(_))
    }
}

/// The HTTP side of a run: one client, the limits of every exchange, and whether the target still answers.
#[derive(Debug)]
pub(crate) struct Transport {
    client: reqwest::Client,
    /// The deadline of one whole exchange.
    timeout: Duration,
    max_body_size: u64,
    health: TargetHealth,
}

impl Transport {
    pub(crate) fn new(timeout: Duration, max_body_size: u64) -> reqwest::Result<Self> {
        let client = crate::http::client_builder()
            .user_agent(concat!("conform/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout)
            .build()?;
        Ok(Self { client, timeout, max_body_size, health: TargetHealth::new() })
    }

    /// The HTTP client, for requests outside the target's exchanges (an OAuth2 token endpoint).
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Records that a request which failed on an earlier attempt gets no further one: its failure counts
    /// towards the unresponsive stop as a last attempt's does.
    pub(crate) fn gave_up(&self, error: &TransportError) {
        if matches!(error, TransportError::Timeout(_) | TransportError::Connect(_)) {
            self.health.unanswered(error);
        }
    }

    /// Why the run stopped (the target stopped answering), if it has.
    pub(crate) fn stopped(&self) -> Option<String> {
        self.health.stopped()
    }

    /// Sends `request` once. A step's request gives up as soon as the run stops; a cleanup request is still
    /// tried once, within its deadline, so whatever can be cleaned up is. Only the `last_attempt` of a request
    /// counts towards the unresponsive stop: a request retried after transport errors is one request.
    pub(crate) async fn send(
        &self,
        request: &RenderedRequest,
        phase: Phase,
        last_attempt: bool,
    ) -> Result<Response, TransportError> {
        // The deadline covers headers and body together, so a server that drips its body cannot stretch it.
        let exchange = tokio::time::timeout(self.timeout, self.exchange(request));
        let outcome = match phase {
            Phase::Steps => {
                if let Some(reason) = self.health.stopped() {
                    return Err(TransportError::Unresponsive(reason));
                }
                tokio::select! {
                    outcome = exchange => outcome,
                    reason = self.health.wait_stopped() => return Err(TransportError::Unresponsive(reason)),
                }
            }
            Phase::Cleanup => exchange.await,
        };
        let result = outcome.unwrap_or(Err(TransportError::Timeout(self.timeout)));
        match &result {
            Ok(_) | Err(TransportError::BodyTooLarge { .. }) => self.health.answered(),
            Err(e @ (TransportError::Timeout(_) | TransportError::Connect(_))) if last_attempt => {
                self.health.unanswered(e)
            }
            Err(TransportError::Timeout(_) | TransportError::Connect(_)) => {}
            // A reset or a broken response: the target is there, answering badly; the case shows it.
            Err(TransportError::Other(_) | TransportError::Unresponsive(_)) => {}
        }
        result
    }

    async fn exchange(&self, request: &RenderedRequest) -> Result<Response, TransportError> {
        let mut builder = self.client.request(request.method.clone(), request.url.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder.send().await.map_err(|e| classify(e, self.timeout))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body = read_body(&mut response, self.max_body_size, self.timeout).await?;
        // Valid UTF-8 (the usual case) becomes text without a copy.
        let text = String::from_utf8(body).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Ok(Response::new(status, headers, text))
    }
}

/// The body, read chunk by chunk and never past `limit` bytes: an announced length over the limit fails before
/// reading, and a body without one fails at the chunk that would cross it. The chunks are kept as they came
/// and joined once at the end, so reading costs no more than the bytes read (no doubling buffer).
async fn read_body(response: &mut reqwest::Response, limit: u64, timeout: Duration) -> Result<Vec<u8>, TransportError> {
    let announced = response.content_length();
    if let Some(length) = announced
        && length > limit
    {
        return Err(TransportError::BodyTooLarge { limit, announced });
    }
    let mut chunks = Vec::new();
    let mut read: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(|e| classify(e, timeout))? {
        read += chunk.len() as u64;
        if read > limit {
            return Err(TransportError::BodyTooLarge { limit, announced: None });
        }
        chunks.push(chunk);
    }
    Ok(chunks.concat())
}

/// Connect first: a connect timeout is also a timeout, but it proves the request never left.
fn classify(e: reqwest::Error, timeout: Duration) -> TransportError {
    if e.is_connect() {
        TransportError::Connect(source_chain(&e))
    } else if e.is_timeout() {
        TransportError::Timeout(timeout)
    } else {
        TransportError::Other(source_chain(&e))
    }
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
