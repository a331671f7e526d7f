//! HTTP-level tests of the reference server's Xero Contact Groups API: one per documented behaviour, the
//! official example payloads, the seed's verbs, concurrency, every error status, and one test per fault.

use conform::reference::{Api, BackgroundServer, MAX_BODY_BYTES, ServerConfig, all_faults, find_fault};
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

    /// Bare request, no headers.
    fn raw(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}/api.xro/2.0{path}", self.server.base_url()))
    }

    /// Authorised JSON request.
    fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.raw(method, path).bearer_auth(TOKEN).header("xero-tenant-id", TENANT).header("Accept", "application/json")
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let request = self.req(method, path);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        json_of(request.send().await.expect("request")).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    async fn create_groups(&self, names: &[&str]) -> Vec<String> {
        let groups: Vec<Value> = names.iter().map(|n| json!({ "Name": n })).collect();
        let (status, body) = self.send(Method::PUT, "/ContactGroups", Some(json!({ "ContactGroups": groups }))).await;
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

// ---- transport, auth, envelope ----

#[tokio::test]
async fn missing_or_wrong_token_is_401_problem_json() {
    let xero = Xero::new();
    for request in [
        xero.raw(Method::GET, "/ContactGroups").header("xero-tenant-id", TENANT),
        xero.raw(Method::GET, "/ContactGroups").bearer_auth("wrong").header("xero-tenant-id", TENANT),
        // 401 is checked before 403.
        xero.raw(Method::PUT, "/ContactGroups"),
    ] {
        let (status, body) = json_of(request.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(keys(&body), ["Type", "Title", "Status", "Detail", "Instance", "Extensions"]);
        assert_eq!(body["Type"], Value::Null);
        assert_eq!((body["Title"].as_str(), body["Status"].as_u64()), (Some("Unauthorized"), Some(401)));
        assert_eq!(body["Detail"], "AuthorizationUnsuccessful");
        assert!(uuid::Uuid::parse_str(body["Instance"].as_str().unwrap()).is_ok());
        assert_eq!(body["Extensions"], json!({}));
    }
}

#[tokio::test]
async fn missing_or_wrong_tenant_is_403_problem_json() {
    let xero = Xero::new();
    for request in [
        xero.raw(Method::GET, "/ContactGroups").bearer_auth(TOKEN),
        xero.raw(Method::GET, "/ContactGroups").bearer_auth(TOKEN).header("xero-tenant-id", ZERO_ID),
    ] {
        let (status, body) = json_of(request.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["Title"], "Forbidden");
        assert_eq!(body["Status"], 403);
        assert_eq!(body["Detail"], "AuthenticationUnsuccessful");
        assert_eq!(body["Extensions"], json!({}));
    }
    let upper =
        xero.raw(Method::GET, "/ContactGroups").bearer_auth(TOKEN).header("Xero-Tenant-Id", TENANT.to_uppercase());
    assert_eq!(upper.send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn success_envelope_matches_correlation_header() {
    let xero = Xero::new();
    let response = xero.req(Method::GET, "/ContactGroups").send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "application/json; charset=utf-8");
    let correlation = response.headers()["xero-correlation-id"].to_str().unwrap().to_string();
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(keys(&body), ["Id", "Status", "ProviderName", "DateTimeUTC", "ContactGroups"]);
    assert_eq!(body["Id"], correlation.as_str());
    assert_eq!(
        (body["Status"].as_str(), body["ProviderName"].as_str()),
        (Some("OK"), Some("conform reference server"))
    );
    let date = body["DateTimeUTC"].as_str().unwrap();
    let millis: i64 = date.strip_prefix("/Date(").and_then(|d| d.strip_suffix(")/")).unwrap().parse().unwrap();
    assert!((chrono::Utc::now().timestamp_millis() - millis).abs() < 60_000);
    assert_eq!(body["ContactGroups"], json!([]));
}

#[tokio::test]
async fn without_json_accept_the_answer_is_xml() {
    let xero = Xero::new();
    xero.create_group("A & B").await;
    for accept in [None, Some("*/*"), Some("application/xml")] {
        let mut request = xero.raw(Method::GET, "/ContactGroups").bearer_auth(TOKEN).header("xero-tenant-id", TENANT);
        if let Some(accept) = accept {
            request = request.header("Accept", accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/xml; charset=utf-8");
        let text = response.text().await.unwrap();
        assert!(text.starts_with("<Response><Id>"), "{text}");
        assert!(text.contains("<Status>OK</Status>"));
        assert!(text.contains("<ContactGroups><ContactGroup><ContactGroupID>"));
        assert!(text.contains("<Name>A &amp; B</Name><Status>ACTIVE</Status><Contacts /><HasValidationErrors>false"));
        assert!(text.ends_with("</ContactGroups></Response>"));
    }
}

#[tokio::test]
async fn unknown_routes_404_and_unserved_methods_405() {
    let xero = Xero::new();
    assert_not_found(xero.req(Method::GET, "/Nothing").send().await.unwrap()).await;
    assert_not_found(xero.req(Method::GET, "/ContactGroups/x/Contacts/y/z").send().await.unwrap()).await;
    for (method, path) in
        [(Method::PATCH, "/ContactGroups"), (Method::DELETE, "/Contacts"), (Method::GET, "/ContactGroups/x/Contacts")]
    {
        assert_eq!(xero.req(method, path).send().await.unwrap().status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
}

#[tokio::test]
async fn oversized_body_is_413() {
    let xero = Xero::new();
    let body = format!("{{\"ContactGroups\":[{{\"Name\":\"{}\"}}]}}", "x".repeat(MAX_BODY_BYTES));
    let response = xero
        .req(Method::PUT, "/ContactGroups")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn hostile_inputs_never_give_5xx() {
    let xero = Xero::new();
    let group = xero.create_group("Target").await;
    let bodies = [
        "",
        "null",
        "[]",
        "{}",
        "{\"ContactGroups\":{}}",
        "{\"ContactGroups\":[1,\"x\",null]}",
        "{\"ContactGroups\":[{\"Name\":7,\"Status\":[]}]}",
        "{\"Contacts\":[{\"ContactID\":{}}]}",
        "\u{0}\u{1}",
    ];
    let paths = [
        "/ContactGroups".to_string(),
        format!("/ContactGroups/{group}"),
        format!("/ContactGroups/{group}/Contacts"),
        "/Contacts".into(),
        "/ContactGroups/%FF%FE".into(),
    ];
    for path in &paths {
        for method in [Method::GET, Method::PUT, Method::POST, Method::DELETE] {
            for body in bodies {
                let status = xero.req(method.clone(), path).body(body).send().await.unwrap().status();
                assert!(status.is_success() || status.is_client_error(), "{method} {path} {body:?} -> {status}");
            }
        }
    }
    for clause in ["Name==\"", "((((", "Name.Contains(", "\u{1F600}", "Name==\"\\", "GUID(\"x\")"] {
        let (status, _) = xero.get(&format!("/ContactGroups{}", where_query(clause))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{clause}");
    }
}

// ---- create ----

#[tokio::test]
async fn put_creates_like_the_official_example() {
    let xero = Xero::new();
    let (status, body) =
        xero.send(Method::PUT, "/ContactGroups", Some(json!({"ContactGroups": [{"Name": "VIPs"}]}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(keys(&body), ["Id", "Status", "ProviderName", "DateTimeUTC", "ContactGroups"]);
    let group = &body["ContactGroups"][0];
    assert_eq!(keys(group), ["ContactGroupID", "Name", "Status", "Contacts", "HasValidationErrors"]);
    assert_eq!(uuid::Uuid::parse_str(group["ContactGroupID"].as_str().unwrap()).unwrap().get_version_num(), 4);
    assert_eq!(
        (&group["Name"], &group["Status"], &group["Contacts"], &group["HasValidationErrors"]),
        (&json!("VIPs"), &json!("ACTIVE"), &json!([]), &json!(false))
    );
}

#[tokio::test]
async fn put_creates_several_at_once() {
    let xero = Xero::new();
    let ids = xero.create_groups(&["One", "Two", "Three"]).await;
    assert_eq!(ids.len(), 3);
    assert_eq!(xero.names("").await, ["One", "Three", "Two"]);
}

#[tokio::test]
async fn seed_verbs_post_creates_put_updates_delete_deletes() {
    let xero = Xero::new();
    let (status, body) =
        xero.send(Method::POST, "/ContactGroups", Some(json!({"ContactGroups": [{"Name": "Posted"}]}))).await;
    assert_eq!(status, StatusCode::OK);
    let id = body["ContactGroups"][0]["ContactGroupID"].as_str().unwrap().to_string();
    let rename = json!({"ContactGroups": [{"ContactGroupID": id, "Name": "Put-renamed"}]});
    let (status, body) = xero.send(Method::PUT, "/ContactGroups", Some(rename)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ContactGroups"][0]["ContactGroupID"], id.as_str());
    assert_eq!(xero.names("").await, ["Put-renamed"]);
    let (status, body) = xero.send(Method::DELETE, &format!("/ContactGroups/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ContactGroups"][0]["Status"], "DELETED");
    assert!(xero.names("").await.is_empty());
    let unknown = json!({"ContactGroups": [{"ContactGroupID": uuid::Uuid::new_v4(), "Name": "x"}]});
    assert_eq!(xero.send(Method::PUT, "/ContactGroups", Some(unknown)).await.0, StatusCode::NOT_FOUND);
    assert_not_found(
        xero.req(Method::DELETE, &format!("/ContactGroups/{}", uuid::Uuid::new_v4())).send().await.unwrap(),
    )
    .await;
}

#[tokio::test]
async fn validation_errors_echo_the_entity() {
    let xero = Xero::new();
    xero.create_group("Taken").await;
    let long = "n".repeat(256);
    let cases = [
        (json!({}), "The Name field is required."),
        (json!({"Name": "   "}), "The Name field is required."),
        (json!({"Name": " taken "}), "A Contact Group already exists with this name"),
        (json!({"Name": "Fine", "Status": "PAUSED"}), "The Status field must be ACTIVE or DELETED."),
        (json!({"Name": long}), "The Name field must be 255 characters or fewer."),
    ];
    for (entity, message) in cases {
        let (status, body) =
            xero.send(Method::PUT, "/ContactGroups", Some(json!({"ContactGroups": [entity.clone()]}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{entity}");
        let mut echo = json!({"ContactGroupID": ZERO_ID});
        for key in ["Name", "Status"] {
            if let Some(value) = entity.get(key) {
                echo[key] = value.clone();
            }
        }
        echo["Contacts"] = json!([]);
        echo["HasValidationErrors"] = json!(true);
        echo["ValidationErrors"] = json!([{ "Message": message }]);
        assert_eq!(body, validation(json!([echo])), "{entity}");
    }
    let name_255 = "n".repeat(255);
    xero.create_group(&name_255).await;
    // A failed batch creates nothing.
    let (status, _) = xero
        .send(Method::PUT, "/ContactGroups", Some(json!({"ContactGroups": [{"Name": "New"}, {"Name": "TAKEN"}]})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(xero.names("").await.len(), 2);
}

#[tokio::test]
async fn malformed_bodies_are_400_validation_exceptions() {
    let xero = Xero::new();
    for body in ["{not json", "{\"Groups\":[]}", "{\"ContactGroups\":[]}"] {
        let response = xero
            .req(Method::PUT, "/ContactGroups")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!((body["ErrorNumber"].as_u64(), body["Type"].as_str()), (Some(10), Some("ValidationException")));
        assert_eq!(body["Elements"], json!([]));
    }
}

#[tokio::test]
async fn the_hundred_group_limit_answers_the_official_example() {
    let xero = Xero::new();
    let names: Vec<String> = (0..100).map(|i| format!("Group {i}")).collect();
    xero.create_groups(&names.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let (status, body) =
        xero.send(Method::PUT, "/ContactGroups", Some(json!({"ContactGroups": [{"Name": "Suppliers"}]}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let example = json!({"ErrorNumber": 10, "Type": "ValidationException", "Message": "A validation exception occurred",
        "Elements": [{"ContactGroupID": ZERO_ID, "Name": "Suppliers", "Contacts": [], "HasValidationErrors": true,
            "ValidationErrors": [{"Message": "You\u{2019}ve reached the limit of 100 contact groups."}]}]});
    assert_eq!(body, example);
    // Deleted groups do not count.
    let (_, list) = xero.get("/ContactGroups").await;
    let first = list["ContactGroups"][0]["ContactGroupID"].as_str().unwrap().to_string();
    xero.send(
        Method::POST,
        &format!("/ContactGroups/{first}"),
        Some(json!({"ContactGroups": [{"Status": "DELETED"}]})),
    )
    .await;
    xero.create_group("Suppliers").await;
}

#[tokio::test]
async fn a_deleted_name_can_be_reused() {
    let xero = Xero::new();
    let id = xero.create_group("Reuse").await;
    xero.send(Method::DELETE, &format!("/ContactGroups/{id}"), None).await;
    assert_ne!(xero.create_group("reuse").await, id);
}

#[tokio::test]
async fn idempotency_key_replays_the_first_answer() {
    let xero = Xero::new();
    let create = |key: String| {
        xero.req(Method::PUT, "/ContactGroups")
            .header("Idempotency-Key", key)
            .json(&json!({"ContactGroups": [{"Name": "Once"}]}))
    };
    let (first_status, first) = json_of(create("k-1".into()).send().await.unwrap()).await;
    let (second_status, second) = json_of(create("k-1".into()).send().await.unwrap()).await;
    assert_eq!((first_status, second_status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(first, second);
    assert_eq!(xero.names("").await, ["Once"]);
    let (status, body) = json_of(create("k".repeat(129)).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["Type"], "ValidationException");
    assert_eq!(
        json_of(create("k".repeat(128)).send().await.unwrap()).await.0,
        StatusCode::BAD_REQUEST,
        "duplicate name"
    );
}

// ---- read ----

#[tokio::test]
async fn list_shows_only_active_groups_with_empty_contacts() {
    let xero = Xero::new();
    let [keep, gone] = <[String; 2]>::try_from(xero.create_groups(&["Keep", "Gone"]).await).unwrap();
    let [contact] = <[String; 1]>::try_from(xero.create_contacts(&["Member"]).await).unwrap();
    xero.add(&keep, &[&contact]).await;
    xero.send(Method::POST, &format!("/ContactGroups/{gone}"), Some(json!({"ContactGroups": [{"Status": "DELETED"}]})))
        .await;
    let (_, body) = xero.get("/ContactGroups").await;
    assert_eq!(
        body["ContactGroups"],
        json!([{"ContactGroupID": keep, "Name": "Keep", "Status": "ACTIVE", "Contacts": [], "HasValidationErrors": false}])
    );
}

#[tokio::test]
async fn get_by_id_lists_members_like_the_official_example() {
    let xero = Xero::new();
    let group = xero.create_group("Oasis").await;
    let contacts = xero.create_contacts(&["Noel Gallagher", "Liam Gallagher"]).await;
    xero.add(&group, &[&contacts[0], &contacts[1]]).await;
    let (status, body) = xero.get(&format!("/ContactGroups/{group}")).await;
    assert_eq!(status, StatusCode::OK);
    let member = |id: &str, name: &str| json!({"ContactID": id, "Name": name, "Addresses": [], "Phones": [], "ContactGroups": [], "ContactPersons": [], "HasValidationErrors": false});
    assert_eq!(
        body["ContactGroups"],
        json!([{"ContactGroupID": group, "Name": "Oasis", "Status": "ACTIVE",
        "Contacts": [member(&contacts[0], "Noel Gallagher"), member(&contacts[1], "Liam Gallagher")], "HasValidationErrors": false}])
    );
}

#[tokio::test]
async fn get_by_unknown_or_malformed_id_is_plain_404() {
    let xero = Xero::new();
    assert_not_found(xero.req(Method::GET, &format!("/ContactGroups/{}", uuid::Uuid::new_v4())).send().await.unwrap())
        .await;
    assert_not_found(xero.req(Method::GET, "/ContactGroups/not-a-guid").send().await.unwrap()).await;
}

#[tokio::test]
async fn a_deleted_group_is_still_found_by_id() {
    let xero = Xero::new();
    let id = xero.create_group("Soon gone").await;
    xero.send(Method::POST, &format!("/ContactGroups/{id}"), Some(json!({"ContactGroups": [{"Status": "DELETED"}]})))
        .await;
    let (status, body) = xero.get(&format!("/ContactGroups/{id}")).await;
    assert_eq!((status, &body["ContactGroups"][0]["Status"]), (StatusCode::OK, &json!("DELETED")));
}

#[tokio::test]
async fn where_clauses_filter_the_list() {
    let xero = Xero::new();
    let ids = xero.create_groups(&["Suppliers", "VIPs", "VIP Archive", "Staff"]).await;
    let cases: Vec<(String, Vec<&str>)> = vec![
        (r#"Name=="VIPs""#.into(), vec!["VIPs"]),
        (r#"  Name == "vips"  "#.into(), vec!["VIPs"]),
        (r#"Name!="VIPs""#.into(), vec!["Staff", "Suppliers", "VIP Archive"]),
        (r#"Status=="ACTIVE""#.into(), vec!["Staff", "Suppliers", "VIP Archive", "VIPs"]),
        (format!(r#"ContactGroupID==GUID("{}")"#, ids[0]), vec!["Suppliers"]),
        (format!(r#"ContactGroupID==Guid("{}")"#, ids[3].to_uppercase()), vec!["Staff"]),
        (r#"Name.Contains("VIP")"#.into(), vec!["VIP Archive", "VIPs"]),
        (r#"Name.StartsWith("S")"#.into(), vec!["Staff", "Suppliers"]),
        (r#"Name.EndsWith("ive")"#.into(), vec!["VIP Archive"]),
        (r#"Name.StartsWith("S") AND Name.EndsWith("s")"#.into(), vec!["Suppliers"]),
        (r#"Name.StartsWith("S") && Name.EndsWith("f")"#.into(), vec!["Staff"]),
        (r#"Name=="Staff" OR Name=="VIPs""#.into(), vec!["Staff", "VIPs"]),
        (r#"Name=="Staff" || Name=="Nope""#.into(), vec!["Staff"]),
        (r#"(Name=="Staff" || Name=="VIPs") && Name.Contains("I")"#.into(), vec!["VIPs"]),
    ];
    for (clause, expected) in cases {
        assert_eq!(xero.names(&where_query(&clause)).await, expected, "{clause}");
    }
    assert_eq!(xero.names(&where_query(r#"Name=="Staff""#).replace("where", "Where")).await, ["Staff"]);
    let (status, body) = xero.get(&format!("/ContactGroups{}", where_query(r#"Name=="Staff" AND"#))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["Type"], "ValidationException");
    assert!(body["Message"].as_str().unwrap().starts_with("The where clause could not be parsed:"), "{body}");
    assert_eq!(
        xero.get(&format!("/ContactGroups{}", where_query(r#"Colour=="red""#))).await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn order_sorts_the_list_and_defaults_to_name_ascending() {
    let xero = Xero::new();
    xero.create_groups(&["banana", "Apple", "cherry"]).await;
    assert_eq!(xero.names("").await, ["Apple", "banana", "cherry"]);
    assert_eq!(xero.names("?order=Name").await, ["Apple", "banana", "cherry"]);
    assert_eq!(xero.names("?order=Name%20ASC").await, ["Apple", "banana", "cherry"]);
    assert_eq!(xero.names("?order=Name%20DESC").await, ["cherry", "banana", "Apple"]);
    assert_eq!(xero.names("?order=Status,Name%20DESC").await, ["cherry", "banana", "Apple"]);
    assert_eq!(xero.get("/ContactGroups?order=Colour").await.0, StatusCode::BAD_REQUEST);
}

// ---- update and delete ----

#[tokio::test]
async fn post_renames_like_the_official_example() {
    let xero = Xero::new();
    let id = xero.create_group("Suppliers").await;
    let (status, body) = xero
        .send(
            Method::POST,
            &format!("/ContactGroups/{id}"),
            Some(json!({"ContactGroups": [{"Name": "Supplier Vendor"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["ContactGroups"],
        json!([{"ContactGroupID": id, "Name": "Supplier Vendor", "Status": "ACTIVE", "Contacts": [], "HasValidationErrors": false}])
    );
    assert_eq!(xero.names("").await, ["Supplier Vendor"]);
    xero.create_group("Other").await;
    let (status, body) = xero
        .send(Method::POST, &format!("/ContactGroups/{id}"), Some(json!({"ContactGroups": [{"Name": "OTHER"}]})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(messages(&body), ["A Contact Group already exists with this name"]);
    assert_eq!(body["Elements"][0]["ContactGroupID"], id.as_str());
    let (status, body) = xero
        .send(Method::POST, &format!("/ContactGroups/{id}"), Some(json!({"ContactGroups": [{"Status": "GONE"}]})))
        .await;
    assert_eq!(
        (status, messages(&body)),
        (StatusCode::BAD_REQUEST, vec!["The Status field must be ACTIVE or DELETED.".to_string()])
    );
    assert_not_found(
        xero.req(Method::POST, &format!("/ContactGroups/{}", uuid::Uuid::new_v4()))
            .json(&json!({"ContactGroups": [{"Name": "x"}]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn post_status_deleted_deletes() {
    let xero = Xero::new();
    let id = xero.create_group("Doomed").await;
    let (status, body) = xero
        .send(Method::POST, &format!("/ContactGroups/{id}"), Some(json!({"ContactGroups": [{"Status": "DELETED"}]})))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ContactGroups"][0]["Status"], "DELETED");
    assert_eq!(body["ContactGroups"][0]["Name"], "Doomed");
    assert!(xero.names("").await.is_empty());
    let (status, body) = xero
        .send(Method::POST, &format!("/ContactGroups/{id}"), Some(json!({"ContactGroups": [{"Status": "ACTIVE"}]})))
        .await;
    assert_eq!(
        (status, messages(&body)),
        (StatusCode::BAD_REQUEST, vec!["A deleted contact group cannot be changed.".to_string()])
    );
}

// ---- membership ----

#[tokio::test]
async fn put_contacts_adds_like_the_official_example() {
    let xero = Xero::new();
    let group = xero.create_group("Members").await;
    let contacts = xero.create_contacts(&["A", "B"]).await;
    let (status, body) = xero.add(&group, &[&contacts[0], &contacts[1]]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(keys(&body), ["Id", "Status", "ProviderName", "DateTimeUTC", "Contacts"]);
    let echo = |id: &str| json!({"ContactID": id, "Addresses": [], "Phones": [], "ContactGroups": [], "ContactPersons": [], "HasValidationErrors": false, "ValidationErrors": []});
    assert_eq!(body["Contacts"], json!([echo(&contacts[0]), echo(&contacts[1])]));
    // Adding again is harmless.
    xero.add(&group, &[&contacts[1]]).await;
    assert_eq!(xero.members(&group).await, contacts);
}

#[tokio::test]
async fn membership_with_unknown_ids_is_plain_404() {
    let xero = Xero::new();
    let group = xero.create_group("G").await;
    let contact = xero.create_contacts(&["C"]).await.remove(0);
    let unknown = uuid::Uuid::new_v4().to_string();
    let body = json!({"Contacts": [{"ContactID": contact}]});
    assert_not_found(
        xero.req(Method::PUT, &format!("/ContactGroups/{unknown}/Contacts")).json(&body).send().await.unwrap(),
    )
    .await;
    let body = json!({"Contacts": [{"ContactID": unknown}]});
    assert_not_found(
        xero.req(Method::PUT, &format!("/ContactGroups/{group}/Contacts")).json(&body).send().await.unwrap(),
    )
    .await;
    assert_not_found(
        xero.req(Method::DELETE, &format!("/ContactGroups/{group}/Contacts/{contact}")).send().await.unwrap(),
    )
    .await;
    assert_not_found(
        xero.req(Method::DELETE, &format!("/ContactGroups/{unknown}/Contacts/{contact}")).send().await.unwrap(),
    )
    .await;
    assert_not_found(xero.req(Method::DELETE, &format!("/ContactGroups/{unknown}/Contacts")).send().await.unwrap())
        .await;
}

#[tokio::test]
async fn an_archived_contact_cannot_be_added() {
    let xero = Xero::new();
    let group = xero.create_group("G").await;
    let [active, archived] = <[String; 2]>::try_from(xero.create_contacts(&["Active", "Archived"]).await).unwrap();
    let (status, _) = xero
        .send(
            Method::POST,
            &format!("/Contacts/{archived}"),
            Some(json!({"Contacts": [{"ContactStatus": "ARCHIVED"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = xero.add(&group, &[&active, &archived]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(messages(&body), ["Unable to assign an Archived contact."]);
    assert_eq!(body["Elements"][1]["ContactID"], archived.as_str());
    assert!(xero.members(&group).await.is_empty(), "nothing is added when one contact fails");
}

#[tokio::test]
async fn delete_one_contact_is_204_and_empty() {
    let xero = Xero::new();
    let group = xero.create_group("G").await;
    let contacts = xero.create_contacts(&["A", "B"]).await;
    xero.add(&group, &[&contacts[0], &contacts[1]]).await;
    let response =
        xero.req(Method::DELETE, &format!("/ContactGroups/{group}/Contacts/{}", contacts[0])).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.text().await.unwrap(), "");
    assert_eq!(xero.members(&group).await, [contacts[1].clone()]);
}

#[tokio::test]
async fn delete_all_contacts_is_204_and_empty() {
    let xero = Xero::new();
    let group = xero.create_group("G").await;
    let contacts = xero.create_contacts(&["A", "B"]).await;
    xero.add(&group, &[&contacts[0], &contacts[1]]).await;
    let response = xero.req(Method::DELETE, &format!("/ContactGroups/{group}/Contacts")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.text().await.unwrap(), "");
    assert!(xero.members(&group).await.is_empty());
}

// ---- contacts ----

#[tokio::test]
async fn contacts_create_list_filter_archive() {
    let xero = Xero::new();
    let ids = xero.create_contacts(&["Zed", "Amy"]).await;
    let (status, body) = xero.send(Method::PUT, "/Contacts", Some(json!({"Contacts": [{"Name": "amy"}]}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        messages(&body),
        [
            "The contact name amy is already assigned to another contact. The contact name must be unique across all active contacts."
        ]
    );
    let (_, body) = xero.get("/Contacts").await;
    let names: Vec<&str> = body["Contacts"].as_array().unwrap().iter().map(|c| c["Name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Amy", "Zed"]);
    assert_eq!(body["Contacts"][0]["ContactStatus"], "ACTIVE");
    let (_, body) = xero.get(&format!("/Contacts{}", where_query(r#"Name=="Zed""#))).await;
    assert_eq!(body["Contacts"][0]["ContactID"], ids[0].as_str());
    assert_eq!(body["Contacts"].as_array().unwrap().len(), 1);
    xero.send(
        Method::POST,
        &format!("/Contacts/{}", ids[0]),
        Some(json!({"Contacts": [{"ContactStatus": "ARCHIVED"}]})),
    )
    .await;
    assert_eq!(xero.get("/Contacts").await.1["Contacts"].as_array().unwrap().len(), 1);
    assert_eq!(xero.get("/Contacts?includeArchived=true").await.1["Contacts"].as_array().unwrap().len(), 2);
    let (status, body) = xero.get(&format!("/Contacts/{}", ids[0])).await;
    assert_eq!((status, &body["Contacts"][0]["ContactStatus"]), (StatusCode::OK, &json!("ARCHIVED")));
    assert_not_found(xero.req(Method::GET, &format!("/Contacts/{}", uuid::Uuid::new_v4())).send().await.unwrap()).await;
}

#[tokio::test]
async fn sample_data_has_groups_contacts_and_an_archived_contact() {
    let xero = Xero::start(ServerConfig { with_data: true, ..ServerConfig::default() });
    assert_eq!(xero.names("").await, ["Oasis", "Old Group84262", "Suppliers", "Universities", "VIPs", "Wholesale"]);
    let oasis = "17b44ed7-4389-4162-91cb-3dd5766e4e22";
    assert_eq!(xero.members(oasis).await.len(), 2);
    let (_, body) = xero.get("/Contacts?includeArchived=true").await;
    let contacts = body["Contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 10);
    assert_eq!(contacts.iter().filter(|c| c["ContactStatus"] == "ARCHIVED").count(), 1);
}

// ---- concurrency ----

#[tokio::test]
async fn concurrent_creates_of_one_name_have_one_winner() {
    let xero = Xero::new();
    let other = conform::http::client_builder().build().unwrap();
    for round in 0..20 {
        let name = format!("Race {round}");
        let body = json!({"ContactGroups": [{"Name": name}]});
        let send = |client: &reqwest::Client| {
            client
                .put(format!("{}/api.xro/2.0/ContactGroups", xero.server.base_url()))
                .bearer_auth(TOKEN)
                .header("xero-tenant-id", TENANT)
                .header("Accept", "application/json")
                .json(&body)
                .send()
        };
        let (a, b) = tokio::join!(send(&xero.client), send(&other));
        let mut statuses = [a.unwrap().status(), b.unwrap().status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::BAD_REQUEST]);
        assert_eq!(xero.names(&where_query(&format!("Name==\"{name}\""))).await, [name]);
    }
}

#[tokio::test]
async fn concurrent_adds_lose_no_contact() {
    let xero = Xero::new();
    let group = xero.create_group("Crowd").await;
    let names: Vec<String> = (0..32).map(|i| format!("Person {i}")).collect();
    let contacts = xero.create_contacts(&names.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let adds = contacts.iter().map(|contact| {
        let client = conform::http::client_builder().build().unwrap();
        let url = format!("{}/api.xro/2.0/ContactGroups/{group}/Contacts", xero.server.base_url());
        let body = json!({"Contacts": [{"ContactID": contact}]});
        async move {
            client
                .put(url)
                .bearer_auth(TOKEN)
                .header("xero-tenant-id", TENANT)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    for status in futures::future::join_all(adds).await {
        assert_eq!(status, StatusCode::OK);
    }
    let mut members = xero.members(&group).await;
    members.sort();
    let mut expected = contacts.clone();
    expected.sort();
    assert_eq!(members, expected);
}

// ---- faults ----

#[test]
fn the_catalogue_has_at_least_twelve_xero_faults() {
    let xero: Vec<_> = all_faults().filter(|f| f.api == Api::Xero).collect();
    assert!(xero.len() >= 12);
    for fault in &xero {
        assert!(fault.name.starts_with("xero-") && !fault.description.is_empty(), "{}", fault.name);
        assert_eq!(xero.iter().filter(|f| f.name == fault.name).count(), 1);
    }
}

/// A server with `fault`, one group `G` holding contact `C` (the ids are returned), and `Other` group.
async fn faulty(fault: &str) -> (Xero, String, String) {
    let xero = Xero::with_fault(fault);
    let group = xero.create_group("G").await;
    let contact = xero.create_contacts(&["C"]).await.remove(0);
    xero.add(&group, &[&contact]).await;
    xero.create_group("Other").await;
    (xero, group, contact)
}

#[tokio::test]
async fn fault_where_ignored() {
    let (xero, ..) = faulty("xero-where-ignored").await;
    assert_eq!(xero.names(&where_query(r#"Name=="G""#)).await, ["G", "Other"]);
}

#[tokio::test]
async fn fault_deleted_groups_listed() {
    let (xero, group, _) = faulty("xero-deleted-groups-listed").await;
    xero.send(
        Method::POST,
        &format!("/ContactGroups/{group}"),
        Some(json!({"ContactGroups": [{"Status": "DELETED"}]})),
    )
    .await;
    assert_eq!(xero.names("").await, ["G", "Other"]);
}

#[tokio::test]
async fn fault_create_201() {
    let xero = Xero::with_fault("xero-create-201");
    let (status, _) = xero.send(Method::PUT, "/ContactGroups", Some(json!({"ContactGroups": [{"Name": "New"}]}))).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn fault_duplicate_names_accepted() {
    let (xero, ..) = faulty("xero-duplicate-names-accepted").await;
    let (status, _) = xero.send(Method::PUT, "/ContactGroups", Some(json!({"ContactGroups": [{"Name": "G"}]}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(xero.names("").await, ["G", "G", "Other"]);
}

#[tokio::test]
async fn fault_404_json() {
    let xero = Xero::with_fault("xero-404-json");
    let response = xero.req(Method::GET, &format!("/ContactGroups/{}", uuid::Uuid::new_v4())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "application/json; charset=utf-8");
    assert_ne!(response.text().await.unwrap(), NOT_FOUND);
}

#[tokio::test]
async fn fault_tenant_not_required() {
    let xero = Xero::with_fault("xero-tenant-not-required");
    let response = xero.raw(Method::GET, "/ContactGroups").bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn fault_list_contacts_filled() {
    let (xero, _, contact) = faulty("xero-list-contacts-filled").await;
    let (_, body) = xero.get(&where_query(r#"Name=="G""#).replace('?', "/ContactGroups?")).await;
    assert_eq!(body["ContactGroups"][0]["Contacts"][0]["ContactID"], contact.as_str());
}

#[tokio::test]
async fn fault_remove_contact_200() {
    let (xero, group, contact) = faulty("xero-remove-contact-200").await;
    let response =
        xero.req(Method::DELETE, &format!("/ContactGroups/{group}/Contacts/{contact}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!response.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn fault_remove_all_noop() {
    let (xero, group, contact) = faulty("xero-remove-all-noop").await;
    let response = xero.req(Method::DELETE, &format!("/ContactGroups/{group}/Contacts")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(xero.members(&group).await, [contact]);
}

#[tokio::test]
async fn fault_order_desc_ignored() {
    let (xero, ..) = faulty("xero-order-desc-ignored").await;
    assert_eq!(xero.names("?order=Name%20DESC").await, ["G", "Other"]);
}

#[tokio::test]
async fn fault_rename_ignored() {
    let (xero, group, _) = faulty("xero-rename-ignored").await;
    let (status, body) = xero
        .send(Method::POST, &format!("/ContactGroups/{group}"), Some(json!({"ContactGroups": [{"Name": "Renamed"}]})))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ContactGroups"][0]["Name"], "G");
}

#[tokio::test]
async fn fault_validation_no_elements() {
    let xero = Xero::with_fault("xero-validation-no-elements");
    let (status, body) = xero.send(Method::PUT, "/ContactGroups", Some(json!({"ContactGroups": [{}]}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["Type"], "ValidationException");
    assert_eq!(body.get("Elements"), None);
}

#[tokio::test]
async fn fault_datetime_iso() {
    let xero = Xero::with_fault("xero-datetime-iso");
    let (_, body) = xero.get("/ContactGroups").await;
    let date = body["DateTimeUTC"].as_str().unwrap();
    assert!(!date.starts_with("/Date(") && chrono::DateTime::parse_from_rfc3339(date).is_ok(), "{date}");
}

#[tokio::test]
async fn fault_archived_contact_accepted() {
    let (xero, group, contact) = faulty("xero-archived-contact-accepted").await;
    let archived = xero.create_contacts(&["Old"]).await.remove(0);
    xero.send(
        Method::POST,
        &format!("/Contacts/{archived}"),
        Some(json!({"Contacts": [{"ContactStatus": "ARCHIVED"}]})),
    )
    .await;
    assert_eq!(xero.add(&group, &[&archived]).await.0, StatusCode::OK);
    assert_eq!(xero.members(&group).await, [contact, archived]);
}

#[tokio::test]
async fn fault_any_token_accepted() {
    let xero = Xero::with_fault("xero-any-token-accepted");
    let response = xero
        .raw(Method::GET, "/ContactGroups")
        .bearer_auth("stolen")
        .header("xero-tenant-id", TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn fault_correlation_id_mismatch() {
    let xero = Xero::with_fault("xero-correlation-id-mismatch");
    let response = xero.req(Method::GET, "/ContactGroups").send().await.unwrap();
    let header = response.headers()["xero-correlation-id"].to_str().unwrap().to_string();
    let (_, body) = json_of(response).await;
    assert_ne!(body["Id"], header.as_str());
}

#[tokio::test]
async fn fault_status_unchecked() {
    let (xero, group, _) = faulty("xero-status-unchecked").await;
    let (status, _) = xero
        .send(Method::POST, &format!("/ContactGroups/{group}"), Some(json!({"ContactGroups": [{"Status": "PAUSED"}]})))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[test]
fn every_xero_fault_has_a_test_here() {
    let source = include_str!("reference_xero.rs");
    for fault in all_faults().filter(|f| f.api == Api::Xero) {
        let test = format!("fn fault_{}()", fault.name.trim_start_matches("xero-").replace('-', "_"));
        assert!(source.contains(&test), "no test `{test}` for {}", fault.name);
    }
}
