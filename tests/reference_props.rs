//! Property tests of the reference server, in process (tower `oneshot` on `app`): arbitrary methods, paths,
//! query strings, headers and bodies never panic it and never get a 5xx (no fault is active); bodies over the
//! limit get 413; a request without valid credentials gets 401/403 and changes nothing.
//!
//! The budget is proptest's default (256 cases a property); a longer run:
//! `PROPTEST_CASES=20000 cargo test --release --test reference_props`.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use conform::reference::{MAX_BODY_BYTES, ServerConfig, app};
use proptest::prelude::*;
use serde_json::Value;
use tower::ServiceExt;

const PLAN: &str = "conform-plan";
const TENANT: &str = "00000000-0000-4000-8000-00000000c0f0";
/// The answers are small; anything bigger than this means an unbounded body.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// Sends one request; the status and the body, which must end within the cap.
async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("the router is infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), MAX_ANSWER_BYTES).await.expect("a bounded answer body");
    (status, body.to_vec())
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("GET".to_string()),
        Just("POST".to_string()),
        Just("PUT".to_string()),
        Just("DELETE".to_string()),
        Just("PATCH".to_string()),
        Just("HEAD".to_string()),
        Just("OPTIONS".to_string()),
        "[A-Z]{1,10}",
    ]
}

/// One path segment: plain, percent-encoded arbitrary bytes, a GUID, or dots.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9._~-]{0,12}",
        proptest::collection::vec(any::<u8>(), 0..8)
            .prop_map(|bytes| bytes.iter().map(|b| format!("%{b:02X}")).collect()),
        Just("00000000-0000-4000-8000-000000000001".to_string()),
        Just("01FC66621VHDBN119Z8PMV1QPQ".to_string()),
        Just("..".to_string()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just(format!("/xms/v1/{PLAN}/groups")),
        Just("/xms/v1/other-plan/groups".to_string()),
        Just("/xms".to_string()),
        Just("/api.xro/2.0/ContactGroups".to_string()),
        Just("/api.xro/2.0/Contacts".to_string()),
        Just("/api.xro".to_string()),
        Just("/connect/token".to_string()),
        Just("/oauth2/token".to_string()),
        Just(String::new()),
    ];
    (prefix, proptest::collection::vec(segment(), 0..4)).prop_map(|(prefix, segments)| {
        let path = segments.iter().fold(prefix, |path, s| format!("{path}/{s}"));
        if path.is_empty() { "/".to_string() } else { path }
    })
}

/// A query string of arbitrary (percent-encoded) pairs, sometimes one a handler reads.
fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("page".to_string()),
        Just("page_size".to_string()),
        Just("where".to_string()),
        Just("order".to_string()),
        "[a-zA-Z_]{1,8}"
    ];
    proptest::collection::vec((key, any::<String>()), 0..3)
        .prop_map(|pairs| form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        "[0-9+]{1,16}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let key = prop_oneof![
            Just("name".to_string()),
            Just("members".to_string()),
            Just("add".to_string()),
            Just("remove".to_string()),
            Just("ContactGroups".to_string()),
            Just("Contacts".to_string()),
            Just("Name".to_string()),
            Just("ContactID".to_string()),
            Just("Status".to_string()),
            "[a-z_]{1,6}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(key, inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        proptest::collection::vec(any::<u8>(), 0..256),
        json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        Just(
            b"grant_type=client_credentials&client_id=conform-xero-client&client_secret=conform-xero-client-secret"
                .to_vec()
        ),
    ]
}

/// Which credentials a request carries.
#[derive(Debug, Clone, Copy)]
enum Credentials {
    None,
    Valid,
    Wrong,
    Garbage,
}

fn credentials() -> impl Strategy<Value = Credentials> {
    prop_oneof![Just(Credentials::None), Just(Credentials::Valid), Just(Credentials::Wrong), Just(Credentials::Garbage)]
}

#[derive(Debug, Clone)]
struct Arbitrary {
    method: String,
    path: String,
    query: String,
    credentials: Credentials,
    tenant: bool,
    content_type: Option<&'static str>,
    accept_json: bool,
    extra_header: (String, Vec<u8>),
    body: Vec<u8>,
}

fn arbitrary_request() -> impl Strategy<Value = Arbitrary> {
    let content_type = prop_oneof![
        Just(None),
        Just(Some("application/json")),
        Just(Some("application/x-www-form-urlencoded")),
        Just(Some("text/plain; charset=utf-8")),
    ];
    let extra = ("x-[a-z-]{1,10}", proptest::collection::vec(32u8..127, 0..40));
    (method(), path(), query(), credentials(), any::<bool>(), content_type, any::<bool>(), extra, body()).prop_map(
        |(method, path, query, credentials, tenant, content_type, accept_json, extra_header, body)| Arbitrary {
            method,
            path,
            query,
            credentials,
            tenant,
            content_type,
            accept_json,
            extra_header,
            body,
        },
    )
}

impl Arbitrary {
    fn uri(&self) -> String {
        if self.query.is_empty() { self.path.clone() } else { format!("{}?{}", self.path, self.query) }
    }

    fn request(&self) -> Request<Body> {
        let mut builder = Request::builder().method(self.method.as_str()).uri(self.uri());
        let token = match self.credentials {
            Credentials::None => None,
            Credentials::Valid if self.path.starts_with("/xms") => Some("Bearer conform-sinch-token".to_string()),
            Credentials::Valid if self.path.ends_with("/token") => {
                Some("Basic Y29uZm9ybS1zaW5jaC1rZXk6Y29uZm9ybS1zaW5jaC1rZXktc2VjcmV0".to_string())
            }
            Credentials::Valid => Some("Bearer conform-xero-token".to_string()),
            Credentials::Wrong => Some("Bearer not-a-token".to_string()),
            Credentials::Garbage => Some("Basic !!!".to_string()),
        };
        if let Some(token) = token {
            builder = builder.header("authorization", token.as_bytes());
        }
        if self.tenant {
            builder = builder.header("xero-tenant-id", TENANT);
        }
        if let Some(content_type) = self.content_type {
            builder = builder.header("content-type", content_type);
        }
        if self.accept_json {
            builder = builder.header("accept", "application/json");
        }
        builder = builder.header(self.extra_header.0.as_str(), self.extra_header.1.as_slice());
        builder.body(Body::from(self.body.clone())).expect("a well-formed request")
    }

    fn is_api_path(&self) -> bool {
        self.path.starts_with("/xms") || self.path.starts_with("/api.xro")
    }
}

/// What the store holds, through the front door: both lists, read with valid credentials.
async fn store_contents(app: &Router) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let get = |uri: String, headers: &[(&str, &str)]| {
        let builder = headers.iter().fold(Request::get(uri), |b, (k, v)| b.header(*k, *v));
        builder.body(Body::empty()).unwrap()
    };
    let sinch =
        send(app, get(format!("/xms/v1/{PLAN}/groups"), &[("authorization", "Bearer conform-sinch-token")])).await;
    let xero_headers =
        [("authorization", "Bearer conform-xero-token"), ("xero-tenant-id", TENANT), ("accept", "application/json")];
    let groups = send(app, get("/api.xro/2.0/ContactGroups".into(), &xero_headers)).await;
    let contacts = send(app, get("/api.xro/2.0/Contacts".into(), &xero_headers)).await;
    let strip = |body: Vec<u8>| -> Vec<u8> {
        // The envelope's Id and DateTimeUTC change per request; the lists are what matter.
        let mut value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if let Some(object) = value.as_object_mut() {
            object.retain(|key, _| key == "ContactGroups" || key == "Contacts" || key == "groups" || key == "count");
        }
        serde_json::to_vec(&value).unwrap()
    };
    (strip(sinch.1), strip(groups.1), strip(contacts.1))
}

proptest! {
    // No regression files: a failure prints its minimal request, which is what to keep as a unit test.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_requests_never_panic_or_get_a_5xx(request in arbitrary_request()) {
        let app = app(ServerConfig::default());
        let (status, _) = runtime().block_on(send(&app, request.request()));
        prop_assert!(!status.is_server_error(), "{status} for {request:?}");
    }

    /// Without valid credentials, no API route reaches a handler: 401 (403 for a Xero tenant mismatch), and the
    /// data is as it was, even with a body that would have created something.
    #[test]
    fn without_credentials_nothing_changes(mut request in arbitrary_request(), wrong in prop_oneof![Just(Credentials::None), Just(Credentials::Wrong), Just(Credentials::Garbage)]) {
        request.credentials = wrong;
        if !request.is_api_path() {
            request.path = format!("/api.xro/2.0{}", request.path);
        }
        let app = app(ServerConfig { with_data: true, ..ServerConfig::default() });
        let runtime = runtime();
        let before = runtime.block_on(store_contents(&app));
        let (status, _) = runtime.block_on(send(&app, request.request()));
        prop_assert!(matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN), "{status} for {request:?}");
        prop_assert_eq!(runtime.block_on(store_contents(&app)), before);
    }

    /// A body over the limit is refused with 413 on every route that reads one, once the caller is authorised.
    #[test]
    fn overlarge_bodies_get_413(extra in 1usize..64 * 1024, route in 0usize..6) {
        let (method, uri, auth, content_type) = [
            ("POST", format!("/xms/v1/{PLAN}/groups"), "Bearer conform-sinch-token", "application/json"),
            ("PUT", format!("/xms/v1/{PLAN}/groups/01FC66621VHDBN119Z8PMV1QPQ"), "Bearer conform-sinch-token", "application/json"),
            ("PUT", "/api.xro/2.0/ContactGroups".to_string(), "Bearer conform-xero-token", "application/json"),
            ("PUT", "/api.xro/2.0/Contacts".to_string(), "Bearer conform-xero-token", "application/json"),
            ("POST", "/connect/token".to_string(), "", "application/x-www-form-urlencoded"),
            ("POST", "/oauth2/token".to_string(), "", "application/x-www-form-urlencoded"),
        ][route].clone();
        let mut builder = Request::builder().method(method).uri(uri.as_str()).header("content-type", content_type);
        builder = builder.header("xero-tenant-id", TENANT);
        if !auth.is_empty() {
            builder = builder.header("authorization", auth);
        }
        let body = vec![b' '; MAX_BODY_BYTES + extra];
        let (status, _) = runtime().block_on(send(&app(ServerConfig::default()), builder.body(Body::from(body)).unwrap()));
        prop_assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{} {}", method, uri);
    }
}
