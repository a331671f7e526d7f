//! How Xero answers: the success envelope, JSON or XML by `Accept`, kept as data for idempotent replays.
//! The error bodies are in `error.rs`.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::config::XeroConfig;
use super::faults::XeroFault;
use crate::reference::Variant;

/// The `ProviderName` of every envelope (Xero puts the calling app's name there).
pub(crate) const PROVIDER_NAME: &str = "conform reference server";
const JSON: &str = "application/json; charset=utf-8";
const XML: &str = "text/xml; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// The representation the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

impl Format {
    /// JSON only when `Accept` names `application/json` (or `application/*`); anything else, `*/*` and no
    /// header included, gets Xero's default, XML.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let wants_json = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).any(|value| {
            value.split(',').any(|range| {
                let mut parts = range.split(';').map(str::trim);
                let media = parts.next().unwrap_or("").to_ascii_lowercase();
                let refused = parts
                    .any(|p| p.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0));
                (media == "application/json" || media == "application/*") && !refused
            })
        });
        if wants_json { Format::Json } else { Format::Xml }
    }
}

/// A finished response, kept as data so an idempotent request can be answered again byte for byte.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    pub(crate) status: StatusCode,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) body: Vec<u8>,
    pub(crate) correlation_id: Option<String>,
}

impl Rendered {
    pub(crate) fn no_content() -> Self {
        Self { status: StatusCode::NO_CONTENT, content_type: None, body: Vec::new(), correlation_id: None }
    }

    pub(super) fn text(status: StatusCode, text: &str) -> Self {
        Self { status, content_type: Some(TEXT), body: text.as_bytes().to_vec(), correlation_id: None }
    }

    pub(super) fn json(status: StatusCode, value: &Value) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_default();
        Self { status, content_type: Some(JSON), body, correlation_id: None }
    }
}

impl IntoResponse for Rendered {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        let headers = response.headers_mut();
        match self.content_type {
            Some(content_type) => headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            None => headers.remove(header::CONTENT_TYPE),
        };
        if let Some(id) = self.correlation_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
            headers.insert("xero-correlation-id", id);
        }
        response
    }
}

/// What every handler needs to render: the server's configuration (for faults) and the client's format.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) config: &'a XeroConfig,
    pub(crate) format: Format,
}

impl Ctx<'_> {
    /// `{"Id", "Status":"OK", "ProviderName", "DateTimeUTC", key: items}` with a matching `Xero-Correlation-Id`.
    pub(crate) fn envelope(&self, key: &str, items: Vec<Value>) -> Rendered {
        let id = Uuid::new_v4().to_string();
        let now = chrono::Utc::now();
        let alt = self.config.is(Variant::AltChoices);
        let minimal = self.config.is(Variant::Minimal);
        // alt-choices: uppercase hex. BEHAVIOURS.md §2.A item 7 types the ids `uuid`; RFC 4122 reads the hex
        // digits without case, and Xero's own .NET serialiser is case-insensitive on GUIDs.
        let id = if alt { id.to_uppercase() } else { id };
        let date = if self.format == Format::Xml || self.config.has(XeroFault::DatetimeIso) {
            now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
        } else if alt {
            // alt-choices: the other documented form, with an offset. BEHAVIOURS.md §2.A item 6:
            // "/Date(1551746015603)/" or "/Date(1419937200000+0000)/".
            format!("/Date({}+0000)/", now.timestamp_millis())
        } else {
            format!("/Date({})/", now.timestamp_millis())
        };
        let mut envelope = Map::new();
        // minimal: the payload array alone. BEHAVIOURS.md §2.A item 5: the SPEC's schemas declare only the
        // array; the envelope fields appear in its examples.
        if !minimal {
            envelope.insert("Id".into(), Value::String(id.clone()));
            envelope.insert("Status".into(), "OK".into());
            envelope.insert("ProviderName".into(), PROVIDER_NAME.into());
            envelope.insert("DateTimeUTC".into(), Value::String(date));
        }
        let items = items.into_iter().map(|item| self.variant_item(item)).collect();
        envelope.insert(key.into(), Value::Array(items));
        let envelope = Value::Object(envelope);
        let mut rendered = match self.format {
            Format::Json => Rendered::json(StatusCode::OK, &envelope),
            Format::Xml => Rendered::xml(StatusCode::OK, "Response", &envelope),
        };
        // minimal: no `Xero-Correlation-Id`. BEHAVIOURS.md §2.A item 5: the header is [observed] live behaviour,
        // in no official document.
        rendered.correlation_id = if minimal {
            None
        } else if self.config.has(XeroFault::CorrelationIdMismatch) {
            Some(Uuid::new_v4().to_string())
        } else {
            Some(id)
        };
        rendered
    }

    /// One item of a success envelope as the variant renders it.
    fn variant_item(&self, mut item: Value) -> Value {
        match self.config.variant {
            Some(Variant::AltChoices) => alt_choices(&mut item, true),
            Some(Variant::Minimal) => minimal(&mut item),
            None => {}
        }
        item
    }
}

/// alt-choices on one object of a success body, and recursively on the objects inside it:
/// - ids (`…ID` keys) in uppercase hex: BEHAVIOURS.md §2.A item 7 types them `uuid`, whose hex digits have no
///   case (RFC 4122);
/// - the members of a group (`Contacts`) in the reverse of the default order: §2.C item 19 lists them with no
///   order stated;
/// - an undeclared `x_vendor: {}` on the top-level items: §2.A item 7, Xero already sends a field its schema does
///   not declare (`HasValidationErrors`), so clients ignore unknown fields;
/// - keys in reverse alphabetical order: JSON objects are unordered and no document fixes an order.
fn alt_choices(value: &mut Value, top: bool) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            for (key, item) in &mut entries {
                if key.ends_with("ID")
                    && let Value::String(id) = item
                {
                    *id = id.to_uppercase();
                }
                if key == "Contacts"
                    && let Value::Array(members) = item
                {
                    members.reverse();
                }
                alt_choices(item, false);
            }
            if top {
                entries.push(("x_vendor".into(), Value::Object(Map::new())));
            }
            entries.sort_by(|a, b| b.0.cmp(&a.0));
            map.extend(entries);
        }
        Value::Array(items) => items.iter_mut().for_each(|item| alt_choices(item, false)),
        _ => {}
    }
}

/// minimal on one object of a success body, recursively:
/// - no `HasValidationErrors`: BEHAVIOURS.md §2.A item 7, the schema does not declare it (it is only in the
///   examples); error elements keep it, since §2.B item 8 documents it there;
/// - a contact inside a group or listed under `ContactGroups/{id}/Contacts` keeps only `ContactID` and `Name`:
///   §2.C item 19 and §2.D item 23 show the empty arrays in the SPEC examples only; the Contact schema requires
///   none of them.
fn minimal(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("HasValidationErrors");
            if let Some(Value::Array(contacts)) = map.get_mut("Contacts") {
                for contact in contacts.iter_mut().filter_map(Value::as_object_mut) {
                    contact.retain(|key, _| key == "ContactID" || key == "Name");
                }
            }
            map.values_mut().for_each(minimal);
        }
        Value::Array(items) => items.iter_mut().for_each(minimal),
        _ => {}
    }
}

impl Rendered {
    /// A minimal XML rendering of `value`: objects become elements, arrays wrap one element per item, named by
    /// the singular of the array's name (`ContactGroups` → `ContactGroup`), as Xero's XML does.
    pub(super) fn xml(status: StatusCode, root: &str, value: &Value) -> Self {
        let mut out = String::new();
        write_xml(&mut out, root, value);
        Self { status, content_type: Some(XML), body: out.into_bytes(), correlation_id: None }
    }
}

fn write_xml(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) if items.is_empty() => out.push_str(&format!("<{name} />")),
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            let item_name = singular(name);
            for item in items {
                write_xml(out, item_name, item);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            for (key, item) in map {
                write_xml(out, key, item);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(text) => out.push_str(&format!("<{name}>{}</{name}>", escape(text))),
        Value::Bool(_) | Value::Number(_) => out.push_str(&format!("<{name}>{value}</{name}>")),
    }
}

fn singular(plural: &str) -> &str {
    match plural {
        "Elements" => "DataContractBase",
        "Addresses" => "Address",
        _ => plural.strip_suffix('s').unwrap_or("Item"),
    }
}

fn escape(text: &str) -> String {
    // Characters XML 1.0 cannot carry at all are dropped, which keeps the document well-formed.
    let carried: String = text.chars().filter(|&c| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r')).collect();
    quick_xml::escape::escape(&carried).into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn accept(value: &str) -> Format {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).expect("header"));
        Format::from_headers(&headers)
    }

    #[test]
    fn json_only_when_asked_for() {
        assert_eq!(accept("application/json"), Format::Json);
        assert_eq!(accept("text/html, application/json;q=0.9"), Format::Json);
        assert_eq!(accept("application/*"), Format::Json);
        assert_eq!(accept("application/json;q=0"), Format::Xml);
        assert_eq!(accept("*/*"), Format::Xml);
        assert_eq!(Format::from_headers(&HeaderMap::new()), Format::Xml);
    }

    #[test]
    fn xml_wraps_arrays_and_escapes() {
        let mut out = String::new();
        write_xml(&mut out, "Response", &json!({"ContactGroups": [{"Name": "A & <B>", "Contacts": []}]}));
        assert_eq!(
            out,
            "<Response><ContactGroups><ContactGroup><Name>A &amp; &lt;B&gt;</Name><Contacts /></ContactGroup>\
             </ContactGroups></Response>"
        );
    }
}
