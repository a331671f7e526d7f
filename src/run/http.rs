//! Sending one rendered request and reading the whole response.

use std::time::{Duration, Instant};

use serde_json::Value;

/// A request with every template already rendered.
#[derive(Debug, Clone)]
pub struct RenderedRequest {
    pub method: reqwest::Method,
    /// Full URL including the query string.
    pub url: reqwest::Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl RenderedRequest {
    /// `POST http://host/path?query`, as failures show it.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.url)
    }
}

/// A response read in full.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Lowercase names, in arrival order; repeated headers appear repeatedly.
    pub headers: Vec<(String, String)>,
    pub text: String,
    /// The body as a value to match, parsed once when the response arrives (see `parse_body`).
    pub body: Result<Value, String>,
    pub duration: Duration,
}

impl Response {
    /// A header's value; repeated headers are joined with `, ` as HTTP allows.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
        if values.is_empty() { None } else { Some(values.join(", ")) }
    }

    pub fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json") || ct.contains("+json")
        })
    }

    /// The body as a value to match: parsed JSON when the response says it is JSON (or has no content type
    /// and parses), otherwise the text as a JSON string (`""` for an empty body).
    fn parse_body(&self) -> Result<Value, String> {
        if self.is_json() {
            return serde_json::from_str(&self.text).map_err(|e| format!("the body is not valid JSON ({e})"));
        }
        if self.header("content-type").is_none()
            && let Ok(v) = serde_json::from_str::<Value>(&self.text)
        {
            return Ok(v);
        }
        Ok(Value::String(self.text.clone()))
    }
}

/// Why no response came.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransportError {
    #[error("no response within {0:?} (timeout)")]
    Timeout(Duration),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("request failed: {0}")]
    Other(String),
}

/// Sends `request` once. The client's timeout bounds the whole exchange.
pub async fn send(
    client: &reqwest::Client,
    request: &RenderedRequest,
    timeout: Duration,
) -> Result<Response, TransportError> {
    let started = Instant::now();
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
    let mut response = Response {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
        body: Ok(Value::Null),
        duration: started.elapsed(),
    };
    response.body = response.parse_body();
    Ok(response)
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
