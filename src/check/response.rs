//! A response as the checks see it: status, headers, the text and the body parsed once on arrival.

use serde_json::Value;

/// A response read in full.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    /// Lowercase names, in arrival order; repeated headers appear repeatedly.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) text: String,
    /// The body as a value to match, parsed once when the response arrives (see [`Response::new`]).
    pub(crate) body: Result<Value, String>,
}

impl Response {
    /// A response whose body is parsed here, once: every check and capture reads the same value.
    pub(crate) fn new(status: u16, headers: Vec<(String, String)>, text: String) -> Self {
        let mut response = Response { status, headers, text, body: Ok(Value::Null) };
        response.body = response.parse_body();
        response
    }

    /// A header's value; repeated headers are joined with `, ` as HTTP allows.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
        if values.is_empty() { None } else { Some(values.join(", ")) }
    }

    pub(crate) fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json") || ct.contains("+json")
        })
    }

    /// The body when it is a value to match (parsed JSON, or the text of a non-JSON body).
    pub(crate) fn value(&self) -> Option<&Value> {
        self.body.as_ref().ok()
    }

    /// The start of the body, at most `max_bytes` of it and then its size, for failure messages.
    pub(crate) fn excerpt(&self, max_bytes: usize) -> String {
        crate::excerpt::cut(&self.text, max_bytes).into_owned()
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
