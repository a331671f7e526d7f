//! HTTP-level tests of the reference server's Xero Contact Groups API: one per documented behaviour, the
//! official example payloads, the seed's verbs, concurrency, every error status, and one test per fault.
//!
//! This file holds the client and the helpers every area shares; the tests live in one module per area.

#[path = "reference_xero/concurrency.rs"]
mod concurrency;
#[path = "reference_xero/contacts.rs"]
mod contacts;
#[path = "reference_xero/faults.rs"]
mod faults;
#[path = "reference_xero/groups.rs"]
mod groups;
#[path = "reference_xero/membership.rs"]
mod membership;
#[path = "reference_xero/transport.rs"]
mod transport;

use conform::reference::{BackgroundServer, ServerConfig, find_fault};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

const TOKEN: &str = "conform-xero-token";
const TENANT: &str = "00000000-0000-4000-8000-00000000c0f0";
const NOT_FOUND: &str = "The resource you're looking for cannot be found";
const ZERO_ID: &str = "00000000-0000-0000-0000-000000000000";

struct Xero {
    server: BackgroundServer,
    client: reqwest::Client,
}

impl Xero {
    fn start(config: ServerConfig) -> Self {
        let server = BackgroundServer::start(config, "127.0.0.1:0".parse().unwrap()).expect("server starts");
        Self { server, client: conform::http::client_builder().build().expect("client") }
    }

    fn new() -> Self {
        Self::start(ServerConfig::default())
    }

    fn with_fault(name: &str) -> Self {
        let fault = find_fault(name).unwrap_or_else(|| panic!("fault {name} exists"));
        Self::start(ServerConfig { fault: Some(fault), ..ServerConfig::default() })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api.xro/2.0{path}", self.server.base_url())
    }

    /// Bare request, no headers.
    fn raw(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// Token and tenant but no `Accept`, so the answer is Xero's default XML.
    fn authorised(&self, method: Method, path: &str) -> RequestBuilder {
        self.authorised_by(&self.client, method, path)
    }

    /// As [`Xero::authorised`], sent by `client`: the concurrency tests race clients of their own.
    fn authorised_by(&self, client: &reqwest::Client, method: Method, path: &str) -> RequestBuilder {
        client.request(method, self.url(path)).bearer_auth(TOKEN).header("xero-tenant-id", TENANT)
    }

    /// Authorised JSON request.
    fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.authorised(method, path).header("Accept", "application/json")
    }

    /// Sends an authorised JSON request, with `body` as JSON if any, and gives the response as it came.
    async fn request(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let request = self.req(method, path);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        request.send().await.expect("request")
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        json_of(self.request(method, path, body).await).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    /// `PUT /ContactGroups` with a body sent as it is (malformed or oversized on purpose).
    async fn put_text(&self, body: String) -> Response {
        let request = self.req(Method::PUT, "/ContactGroups").header("content-type", "application/json");
        request.body(body).send().await.expect("request")
    }

    /// `PUT /ContactGroups` with `groups` as the `ContactGroups` array.
    async fn put_groups(&self, groups: Value) -> (StatusCode, Value) {
        self.send(Method::PUT, "/ContactGroups", Some(json!({ "ContactGroups": groups }))).await
    }

    /// `POST /ContactGroups/{id}` with the one `group` entity.
    async fn post_group(&self, id: &str, group: Value) -> (StatusCode, Value) {
        self.send(Method::POST, &format!("/ContactGroups/{id}"), Some(json!({ "ContactGroups": [group] }))).await
    }

    /// `POST /Contacts/{id}` with the one `contact` entity.
    async fn post_contact(&self, id: &str, contact: Value) -> (StatusCode, Value) {
        self.send(Method::POST, &format!("/Contacts/{id}"), Some(json!({ "Contacts": [contact] }))).await
    }

    async fn create_groups(&self, names: &[&str]) -> Vec<String> {
        let groups: Vec<Value> = names.iter().map(|n| json!({ "Name": n })).collect();
        let (status, body) = self.put_groups(json!(groups)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["ContactGroups"].as_array().unwrap().iter().map(|g| g["ContactGroupID"].as_str().unwrap().into()).collect()
    }

    async fn create_group(&self, name: &str) -> String {
        self.create_groups(&[name]).await.remove(0)
    }

    async fn create_contacts(&self, names: &[&str]) -> Vec<String> {
        let contacts: Vec<Value> = names.iter().map(|n| json!({ "Name": n })).collect();
        let (status, body) = self.send(Method::PUT, "/Contacts", Some(json!({ "Contacts": contacts }))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["Contacts"].as_array().unwrap().iter().map(|c| c["ContactID"].as_str().unwrap().into()).collect()
    }

    async fn add(&self, group: &str, contacts: &[&str]) -> (StatusCode, Value) {
        let contacts: Vec<Value> = contacts.iter().map(|id| json!({ "ContactID": id })).collect();
        self.send(Method::PUT, &format!("/ContactGroups/{group}/Contacts"), Some(json!({ "Contacts": contacts }))).await
    }

    /// A new group `name` holding new contacts `members` (added without checking the answer): their ids.
    async fn group_of(&self, name: &str, members: &[&str]) -> (String, Vec<String>) {
        let group = self.create_group(name).await;
        let contacts = self.create_contacts(members).await;
        self.add(&group, &contacts.iter().map(String::as_str).collect::<Vec<_>>()).await;
        (group, contacts)
    }

    async fn names(&self, query: &str) -> Vec<String> {
        let (status, body) = self.get(&format!("/ContactGroups{query}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["ContactGroups"].as_array().unwrap().iter().map(|g| g["Name"].as_str().unwrap().into()).collect()
    }

    async fn members(&self, group: &str) -> Vec<String> {
        let (_, body) = self.get(&format!("/ContactGroups/{group}")).await;
        body["ContactGroups"][0]["Contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ContactID"].as_str().unwrap().into())
            .collect()
    }

    /// Asserts that `method path` (with `body` as JSON, if any) answers Xero's plain-text 404.
    async fn assert_not_found_at(&self, method: Method, path: &str, body: Option<Value>) {
        assert_not_found(self.request(method, path, body).await).await;
    }
}

async fn json_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// The key names of a JSON object, in order.
fn keys(value: &Value) -> Vec<&str> {
    value.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default()
}

fn validation(elements: Value) -> Value {
    json!({"ErrorNumber": 10, "Type": "ValidationException", "Message": "A validation exception occurred", "Elements": elements})
}

fn messages(body: &Value) -> Vec<String> {
    body["Elements"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["ValidationErrors"].as_array().cloned().unwrap_or_default())
        .map(|m| m["Message"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn where_query(clause: &str) -> String {
    let mut encoded = String::new();
    for byte in clause.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => encoded.push(byte as char),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    format!("?where={encoded}")
}

async fn assert_not_found(response: Response) {
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(response.text().await.unwrap(), NOT_FOUND);
}

/// A fresh id no server has handed out.
fn unknown_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
