//! HTTP-level tests of the reference server's Sinch Groups endpoint: every documented behaviour of the seed
//! and BEHAVIOURS.md §1, asserted with exact statuses and bodies, plus the fault catalogue.

#[path = "reference_sinch/faults.rs"]
mod faults;
#[path = "reference_sinch/transport.rs"]
mod transport;

use conform::reference::{BackgroundServer, ServerConfig};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub const PLAN: &str = "conform-plan";
pub const TOKEN: &str = "conform-sinch-token";

/// A running reference server and a client authenticated for the default service plan.
pub struct Api {
    pub server: BackgroundServer,
    pub client: reqwest::Client,
}

/// What came back: the status, the content type and the body (JSON when it parses, else `Value::Null`).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub text: String,
    pub body: Value,
}

impl Answer {
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        self.body
    }

    pub fn expect_error(self, status: u16, code: &str) -> String {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(self.content_type.as_deref(), Some("application/json"));
        assert_eq!(self.body["code"], code, "body: {}", self.text);
        let keys: Vec<&String> = self.body.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["code", "text"]);
        self.body["text"].as_str().expect("text").to_string()
    }
}

impl Api {
    pub fn start() -> Self {
        Self::with(ServerConfig::default())
    }

    pub fn with(config: ServerConfig) -> Self {
        let server = BackgroundServer::start(config, "127.0.0.1:0".parse().unwrap()).unwrap();
        let client = conform::http::client_builder().build().unwrap();
        Self { server, client }
    }

    pub fn faulty(name: &str) -> Self {
        let fault = conform::reference::find_fault(name).unwrap_or_else(|| panic!("no fault {name}"));
        Self::with(ServerConfig { fault: Some(fault), ..ServerConfig::default() })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/xms/v1/{PLAN}{path}", self.server.base_url())
    }

    pub async fn raw(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_string());
        let text = response.text().await.expect("body read");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, content_type, text, body }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(TOKEN)
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.raw(request).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }

    /// Creates a group and returns its id.
    pub async fn create(&self, body: Value) -> String {
        let group = self.post("/groups", body).await.expect(201);
        group["id"].as_str().expect("id").to_string()
    }

    pub async fn members(&self, id: &str) -> Value {
        self.get(&format!("/groups/{id}/members")).await.expect(200)
    }
}

fn keys(value: &Value) -> Vec<&str> {
    value.as_object().expect("object").keys().map(String::as_str).collect()
}

fn is_millis_utc(s: &str) -> bool {
    let re = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$").unwrap();
    re.is_match(s)
}

// ---------------------------------------------------------------------------------------------- create

#[tokio::test]
async fn seed_create_my_group_with_two_members() {
    let api = Api::start();
    let answer = api.post("/groups", json!({"members": ["123456789", "987654321"], "name": "My group"})).await;
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let group = answer.expect(201);
    assert_eq!(keys(&group), ["id", "name", "size", "created_at", "modified_at"]);
    assert_eq!(group["name"], "My group");
    assert_eq!(group["size"], 2);
    assert_eq!(group["id"].as_str().unwrap().len(), 26);
    assert!(is_millis_utc(group["created_at"].as_str().unwrap()), "{group}");
    assert_eq!(group["created_at"], group["modified_at"]);
    let id = group["id"].as_str().unwrap();
    assert_eq!(api.members(id).await, json!(["123456789", "987654321"]));
}

#[tokio::test]
async fn create_with_empty_object_makes_an_empty_unnamed_group() {
    let api = Api::start();
    let group = api.post("/groups", json!({})).await.expect(201);
    assert_eq!(keys(&group), ["id", "size", "created_at", "modified_at"]);
    assert_eq!(group["size"], 0);
}

#[tokio::test]
async fn seed_create_auto_update_groups() {
    let api = Api::start();
    let group = api
        .post(
            "/groups",
            json!({"name": "My auto group", "auto_update": {"to": "443456789012",
                "add": {"first_word": "join"}, "remove": {"first_word": "stop"}}}),
        )
        .await
        .expect(201);
    assert_eq!(
        group["auto_update"],
        json!({"to": "443456789012", "add": {"first_word": "join"}, "remove": {"first_word": "stop"}})
    );
    assert_eq!(group["size"], 0);
    let shared = json!({"to": "54321", "add": {"first_word": "Sinch", "second_word": "Join"},
        "remove": {"first_word": "SINCH", "second_word": "leave"}});
    let group = api.post("/groups", json!({"name": "My auto group 2", "auto_update": shared})).await.expect(201);
    assert_eq!(group["auto_update"], shared, "keywords are stored as given");
}

#[tokio::test]
async fn seed_create_parent_group_counts_child_members() {
    let api = Api::start();
    let a = api.create(json!({"members": ["111111111", "222222222"]})).await;
    let b = api.create(json!({"members": ["222222222", "333333333"]})).await;
    let parent = api
        .post("/groups", json!({"name": "My groups collection", "child_groups": [a, b], "members": ["444444444"]}))
        .await
        .expect(201);
    assert_eq!(parent["child_groups"], json!([a, b]));
    assert_eq!(parent["size"], 4);
    let id = parent["id"].as_str().unwrap();
    assert_eq!(api.members(id).await, json!(["111111111", "222222222", "333333333", "444444444"]));
}

#[tokio::test]
async fn name_is_one_to_twenty_characters() {
    let api = Api::start();
    api.post("/groups", json!({"name": "x".repeat(20)})).await.expect(201);
    api.post("/groups", json!({"name": "é".repeat(20)})).await.expect(201);
    api.post("/groups", json!({"name": "y".repeat(21)})).await.expect_error(400, "syntax_constraint_violation");
    api.post("/groups", json!({"name": ""})).await.expect_error(400, "syntax_constraint_violation");
}

#[tokio::test]
async fn msisdns_accept_prefixes_and_separators_and_come_back_bare() {
    let api = Api::start();
    let id =
        api.create(json!({"members": ["+1 (201) 888-1111", "0046701234567", "1-201-888-2222", "+12018881111"]})).await;
    assert_eq!(api.members(&id).await, json!(["12018881111", "12018882222", "46701234567"]));
}

#[tokio::test]
async fn invalid_msisdn_is_a_parameter_format_error_naming_the_parameter() {
    let api = Api::start();
    let text =
        api.post("/groups", json!({"members": ["+1"]})).await.expect_error(400, "syntax_invalid_parameter_format");
    assert_eq!(text, "The format of parameter 'members[0]' is invalid; value '+1' is not a valid MSISDN or group ID.");
    for bad in ["abc", "0123456789", "1234567", "1234567890123456"] {
        let text = api
            .post("/groups", json!({"members": ["123456789", bad]}))
            .await
            .expect_error(400, "syntax_invalid_parameter_format");
        assert!(text.contains("'members[1]'"), "{text}");
    }
}

#[tokio::test]
async fn members_are_limited_to_ten_thousand() {
    let api = Api::start();
    let many: Vec<String> = (0..10_000).map(|i| format!("4670{i:07}")).collect();
    let group = api.post("/groups", json!({"members": many})).await.expect(201);
    assert_eq!(group["size"], 10_000);
    let too_many: Vec<String> = (0..10_001).map(|i| format!("4670{i:07}")).collect();
    api.post("/groups", json!({"members": too_many})).await.expect_error(400, "syntax_constraint_violation");
}

#[tokio::test]
async fn duplicate_members_are_ignored_not_rejected() {
    let api = Api::start();
    let group = api.post("/groups", json!({"members": ["123456789", "+123456789", "00123456789"]})).await.expect(201);
    assert_eq!(group["size"], 1);
}

#[tokio::test]
async fn child_groups_are_at_most_ten_and_must_exist() {
    let api = Api::start();
    let mut ids = Vec::new();
    for _ in 0..11 {
        ids.push(api.create(json!({})).await);
    }
    api.post("/groups", json!({"child_groups": ids[..10]})).await.expect(201);
    api.post("/groups", json!({"child_groups": ids})).await.expect_error(400, "syntax_constraint_violation");
    let text = api
        .post("/groups", json!({"child_groups": [ids[0], "01FC66621VHDBN119Z8PMV1QPU"]}))
        .await
        .expect_error(403, "unknown_group");
    assert_eq!(text, "Group '01FC66621VHDBN119Z8PMV1QPU' is unknown or deleted");
}

#[tokio::test]
async fn auto_update_is_validated() {
    let api = Api::start();
    let cases = [
        (json!({"add": {"first_word": "join"}}), "syntax_constraint_violation"),
        (json!({"to": "12ab"}), "syntax_invalid_parameter_format"),
        (json!({"to": "12"}), "syntax_invalid_parameter_format"),
        (json!({"to": "54321", "add": {"second_word": "join"}}), "syntax_constraint_violation"),
        (json!({"to": "54321", "remove": {}}), "syntax_constraint_violation"),
        (json!({"to": "54321", "add": {"first_word": "two words"}}), "syntax_constraint_violation"),
        (json!({"to": "54321", "add": {"first_word": "a".repeat(16)}}), "syntax_constraint_violation"),
        (
            json!({"to": "54321", "remove": {"first_word": "ok", "second_word": "no-dash"}}),
            "syntax_constraint_violation",
        ),
    ];
    for (auto_update, code) in cases {
        api.post("/groups", json!({"auto_update": auto_update})).await.expect_error(400, code);
    }
    let ok = json!({"to": "+46 70-123 45 67", "add": {"first_word": "a".repeat(15)}});
    let group = api.post("/groups", json!({"auto_update": ok})).await.expect(201);
    assert_eq!(group["auto_update"], json!({"to": "46701234567", "add": {"first_word": "a".repeat(15)}}));
}

#[tokio::test]
async fn bodies_that_do_not_match_the_api_are_invalid_json() {
    let api = Api::start();
    let bodies = [
        json!({"name": 5}),
        json!({"members": "123456789"}),
        json!({"members": [123456789]}),
        json!({"child_groups": "x"}),
        json!({"auto_update": "x"}),
        json!([]),
        json!("text"),
    ];
    for body in bodies {
        api.post("/groups", body).await.expect_error(400, "syntax_invalid_json");
    }
    let broken = api.request(Method::POST, "/groups").header("content-type", "application/json").body("{\"name\":");
    api.raw(broken).await.expect_error(400, "syntax_invalid_json");
    let empty = api.request(Method::POST, "/groups").header("content-type", "application/json");
    api.raw(empty).await.expect_error(400, "syntax_invalid_json");
}

#[tokio::test]
async fn unknown_fields_and_null_fields_are_ignored() {
    let api = Api::start();
    let group = api.post("/groups", json!({"name": "n", "colour": "red", "members": null})).await.expect(201);
    assert_eq!(keys(&group), ["id", "name", "size", "created_at", "modified_at"]);
}

// ------------------------------------------------------------------------------------------------ list

#[tokio::test]
async fn list_is_newest_first_with_count_and_returned_page_size() {
    let api = Api::start();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(api.create(json!({"name": format!("g{i}"), "members": ["123456789"]})).await);
    }
    let page = api.get("/groups").await.expect(200);
    assert_eq!(keys(&page), ["page", "page_size", "count", "groups"]);
    assert_eq!(
        (page["page"].clone(), page["page_size"].clone(), page["count"].clone()),
        (json!(0), json!(5), json!(5))
    );
    let listed: Vec<&str> = page["groups"].as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap()).collect();
    let newest_first: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    assert_eq!(listed, newest_first);
    let item = &page["groups"][0];
    assert_eq!(keys(item), ["id", "name", "size", "created_at", "modified_at"], "no members in list items");

    let second = api.get("/groups?page=1&page_size=2").await.expect(200);
    assert_eq!(json!([second["page"], second["page_size"], second["count"]]), json!([1, 2, 5]));
    assert_eq!(second["groups"][0]["id"], ids[2]);
    let last = api.get("/groups?page=2&page_size=2").await.expect(200);
    assert_eq!(json!([last["page_size"], last["count"]]), json!([1, 5]));
    let past = api.get("/groups?page=3&page_size=50").await.expect(200);
    assert_eq!(past, json!({"page": 3, "page_size": 0, "count": 5, "groups": []}));
}

#[tokio::test]
async fn list_defaults_to_thirty_and_allows_one_hundred() {
    let api = Api::with(ServerConfig { with_data: true, ..ServerConfig::default() });
    let page = api.get("/groups").await.expect(200);
    assert_eq!(json!([page["page"], page["page_size"], page["count"]]), json!([0, 30, 40]));
    let page = api.get("/groups?page_size=100").await.expect(200);
    assert_eq!(page["page_size"], 40);
    let page = api.get("/groups?page_size=0").await.expect(200);
    assert_eq!(json!([page["page_size"], page["groups"]]), json!([0, []]));
}

#[tokio::test]
async fn list_query_values_are_checked() {
    let api = Api::start();
    api.get("/groups?page_size=101").await.expect_error(400, "syntax_constraint_violation");
    api.get("/groups?page=-1").await.expect_error(400, "syntax_constraint_violation");
    api.get("/groups?page_size=-1").await.expect_error(400, "syntax_constraint_violation");
    api.get("/groups?page=abc").await.expect_error(400, "syntax_invalid_parameter_format");
    api.get("/groups?page_size=1.5").await.expect_error(400, "syntax_invalid_parameter_format");
    api.get("/groups?page=99999999999999999999").await.expect_error(400, "syntax_invalid_parameter_format");
    api.get("/groups?page=9223372036854775807&page_size=100").await.expect(200);
}

#[tokio::test]
async fn seeded_data_lists_after_new_groups() {
    let api = Api::with(ServerConfig { with_data: true, ..ServerConfig::default() });
    let all = api.get("/groups?page_size=100").await.expect(200);
    let names: Vec<&Value> = all["groups"].as_array().unwrap().iter().map(|g| &g["name"]).collect();
    assert!(names.contains(&&json!("My group")));
    api.post("/groups", json!({"name": "My group"})).await.expect_error(403, "conflict_group_name");
    let id = api.create(json!({"name": "Fresh"})).await;
    assert_eq!(api.get("/groups?page_size=1").await.expect(200)["groups"][0]["id"], id);
}

// ------------------------------------------------------------------------------- retrieve and members

#[tokio::test]
async fn retrieve_returns_the_group_and_404_for_unknown_ids() {
    let api = Api::start();
    let created = api.post("/groups", json!({"name": "r", "members": ["123456789"]})).await.expect(201);
    let id = created["id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/groups/{id}")).await.expect(200), created);
    let missing = api.get("/groups/01FC66621VHDBN119Z8PMV1QPU").await;
    assert_eq!((missing.status.as_u16(), missing.text.as_str()), (404, ""));
}

#[tokio::test]
async fn members_is_a_bare_array_and_404_for_unknown_ids() {
    let api = Api::start();
    let id = api.create(json!({"members": ["+12018881111", "+12018882222"]})).await;
    let answer = api.get(&format!("/groups/{id}/members")).await;
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert_eq!(answer.expect(200), json!(["12018881111", "12018882222"]));
    assert_eq!(api.members(&api.create(json!({})).await).await, json!([]));
    assert_eq!(api.get("/groups/nope/members").await.status, 404);
}

// ---------------------------------------------------------------------------------------------- update

#[tokio::test]
async fn seed_update_adds_and_removes_members() {
    let api = Api::start();
    let id = api.create(json!({"name": "u", "members": ["432156789", "555555555"]})).await;
    let path = format!("/groups/{id}");
    let group = api.post(&path, json!({"add": ["123456789", "987654321"], "remove": ["432156789"]})).await.expect(200);
    assert_eq!(group["size"], 3);
    assert_eq!(group["name"], "u", "an omitted name is left alone");
    assert_eq!(api.members(&id).await, json!(["123456789", "555555555", "987654321"]));
}

#[tokio::test]
async fn update_ignores_duplicate_adds_and_unknown_removes() {
    let api = Api::start();
    let id = api.create(json!({"members": ["123456789"]})).await;
    let group = api
        .post(&format!("/groups/{id}"), json!({"add": ["123456789", "+123456789"], "remove": ["999999999"]}))
        .await
        .expect(200);
    assert_eq!(group["size"], 1);
}

#[tokio::test]
async fn update_applies_adds_before_removes() {
    let api = Api::start();
    let id = api.create(json!({"members": ["111111111"]})).await;
    let group = api
        .post(
            &format!("/groups/{id}"),
            json!({"add": ["222222222", "111111111"], "remove": ["+222222222", "111111111"]}),
        )
        .await
        .expect(200);
    assert_eq!(group["size"], 0);
}

#[tokio::test]
async fn seed_rename_and_remove_the_name() {
    let api = Api::start();
    let id = api.create(json!({"name": "Old", "members": ["123456789"]})).await;
    let path = format!("/groups/{id}");
    let group = api.post(&path, json!({"name": "New group name"})).await.expect(200);
    assert_eq!((group["name"].clone(), group["size"].clone()), (json!("New group name"), json!(1)));
    let group = api.post(&path, json!({"name": null})).await.expect(200);
    assert_eq!(keys(&group), ["id", "size", "created_at", "modified_at"]);
    assert!(api.get(&path).await.expect(200).get("name").is_none());
    api.post(&path, json!({"name": "z".repeat(21)})).await.expect_error(400, "syntax_constraint_violation");
    api.post(&path, json!({"name": 7})).await.expect_error(400, "syntax_invalid_json");
}

#[tokio::test]
async fn update_copies_and_removes_members_of_other_groups() {
    let api = Api::start();
    let source = api.create(json!({"members": ["111111111", "222222222"]})).await;
    let other = api.create(json!({"members": ["222222222"]})).await;
    let id = api.create(json!({"members": ["333333333"]})).await;
    let path = format!("/groups/{id}");
    let group = api.post(&path, json!({"add_from_group": source, "remove_from_group": other})).await.expect(200);
    assert_eq!(group["size"], 2);
    assert_eq!(api.members(&id).await, json!(["111111111", "333333333"]));
    let unknown = "01FC66621VHDBN119Z8PMV1QPU";
    let text = api.post(&path, json!({"add_from_group": unknown})).await.expect_error(403, "unknown_group");
    assert_eq!(text, format!("Group '{unknown}' is unknown or deleted"));
    api.post(&path, json!({"remove_from_group": unknown})).await.expect_error(403, "unknown_group");
    api.post(&path, json!({"add_from_group": 5})).await.expect_error(400, "syntax_invalid_json");
}

#[tokio::test]
async fn update_errors() {
    let api = Api::start();
    let id = api.create(json!({})).await;
    let path = format!("/groups/{id}");
    assert_eq!(api.post("/groups/01FC66621VHDBN119Z8PMV1QPU", json!({"add": ["123456789"]})).await.status, 404);
    let text =
        api.post(&path, json!({"add": ["123456789", "+1"]})).await.expect_error(400, "syntax_invalid_parameter_format");
    assert_eq!(text, "The format of parameter 'add[1]' is invalid; value '+1' is not a valid MSISDN or group ID.");
    api.post(&path, json!({"remove": ["x"]})).await.expect_error(400, "syntax_invalid_parameter_format");
    let too_many: Vec<String> = (0..10_001).map(|i| format!("4670{i:07}")).collect();
    api.post(&path, json!({"add": too_many})).await.expect_error(400, "syntax_constraint_violation");
    api.post(&path, json!({"remove": too_many})).await.expect_error(400, "syntax_constraint_violation");
    assert_eq!(api.get(&path).await.expect(200)["size"], 0, "failed updates change nothing");
}

#[tokio::test]
async fn update_sets_auto_update_null_keeps_it_and_replace_clears_it() {
    let api = Api::start();
    let id = api.create(json!({})).await;
    let path = format!("/groups/{id}");
    let auto = json!({"to": "54321", "add": {"first_word": "JOIN"}});
    assert_eq!(api.post(&path, json!({"auto_update": auto})).await.expect(200)["auto_update"], auto);
    // Null means absent (formats page); only `name: null` removes something. The official Python SDK sends
    // `"auto_update": null` on every update that leaves it out.
    let sdk_body = json!({"add": ["123456789"], "remove": null, "add_from_group": null, "remove_from_group": null,
                          "auto_update": null});
    assert_eq!(api.post(&path, sdk_body).await.expect(200)["auto_update"], auto);
    // Replace replaces every parameter: without auto_update the group has none.
    assert!(api.put(&path, json!({"members": []})).await.expect(200).get("auto_update").is_none());
}

#[tokio::test]
async fn modified_at_moves_forward_and_created_at_stays() {
    let api = Api::start();
    let created = api.post("/groups", json!({"name": "t"})).await.expect(201);
    let path = format!("/groups/{}", created["id"].as_str().unwrap());
    let mut previous = created["modified_at"].as_str().unwrap().to_string();
    for i in 0..5 {
        let body = if i % 2 == 0 {
            api.post(&path, json!({"add": ["123456789"]})).await
        } else {
            api.put(&path, json!({"members": []})).await
        };
        let group = body.expect(200);
        assert_eq!(group["created_at"], created["created_at"]);
        let modified = group["modified_at"].as_str().unwrap().to_string();
        assert!(is_millis_utc(&modified));
        assert!(modified > previous, "{modified} after {previous}");
        previous = modified;
    }
}

// --------------------------------------------------------------------------------------------- replace

#[tokio::test]
async fn seed_replace_clears_what_is_not_given() {
    let api = Api::start();
    let child = api.create(json!({"members": ["999999999"]})).await;
    let id = api
        .create(json!({"name": "Old", "members": ["111111111"], "child_groups": [child],
            "auto_update": {"to": "54321", "add": {"first_word": "JOIN"}}}))
        .await;
    let path = format!("/groups/{id}");
    let group = api.put(&path, json!({"members": ["123456789", "987654321"], "name": "New name"})).await.expect(200);
    assert_eq!(keys(&group), ["id", "name", "size", "created_at", "modified_at"]);
    assert_eq!((group["name"].clone(), group["size"].clone()), (json!("New name"), json!(2)));
    assert_eq!(api.members(&id).await, json!(["123456789", "987654321"]));
    let group = api.put(&path, json!({"members": []})).await.expect(200);
    assert_eq!(keys(&group), ["id", "size", "created_at", "modified_at"]);
}

#[tokio::test]
async fn replace_errors() {
    let api = Api::start();
    let id = api.create(json!({"name": "keep", "members": ["123456789"]})).await;
    let path = format!("/groups/{id}");
    api.put(&path, json!({"name": "x"})).await.expect_error(400, "syntax_constraint_violation");
    api.put(&path, json!({"members": ["1"]})).await.expect_error(400, "syntax_invalid_parameter_format");
    api.put(&path, json!({"members": "1"})).await.expect_error(400, "syntax_invalid_json");
    api.put(&path, json!({"members": [], "child_groups": ["gone"]})).await.expect_error(403, "unknown_group");
    assert_eq!(api.put("/groups/01FC66621VHDBN119Z8PMV1QPU", json!({"members": []})).await.status, 404);
    assert_eq!(api.get(&path).await.expect(200)["name"], "keep");
}

// ---------------------------------------------------------------------------------------------- delete

#[tokio::test]
async fn seed_delete_then_404_everywhere_and_403_where_referenced() {
    let api = Api::start();
    let id = api.create(json!({"name": "gone", "members": ["111111111"]})).await;
    let parent = api.create(json!({"child_groups": [id], "members": ["222222222"]})).await;
    let other = api.create(json!({})).await;
    let path = format!("/groups/{id}");
    let answer = api.delete(&path).await;
    assert_eq!((answer.status.as_u16(), answer.text.as_str()), (200, ""));
    assert_eq!(api.get(&path).await.status, 404);
    assert_eq!(api.get(&format!("{path}/members")).await.status, 404);
    assert_eq!(api.post(&path, json!({})).await.status, 404);
    assert_eq!(api.put(&path, json!({"members": []})).await.status, 404);
    assert_eq!(api.delete(&path).await.status, 404);
    api.post("/groups", json!({"child_groups": [id]})).await.expect_error(403, "unknown_group");
    let other_path = format!("/groups/{other}");
    api.post(&other_path, json!({"add_from_group": id})).await.expect_error(403, "unknown_group");
    api.post(&other_path, json!({"remove_from_group": id})).await.expect_error(403, "unknown_group");
    assert_eq!(api.members(&parent).await, json!(["222222222"]), "a deleted child counts as empty");
    assert_eq!(api.get(&format!("/groups/{parent}")).await.expect(200)["size"], 1);
    api.create(json!({"name": "gone"})).await;
}

// ------------------------------------------------------------------------------------------ name rules

#[tokio::test]
async fn duplicate_names_conflict_on_create_replace_and_rename() {
    let api = Api::start();
    let first = api.create(json!({"name": "Taken"})).await;
    let second = api.create(json!({"name": "Free"})).await;
    let text = api.post("/groups", json!({"name": "Taken"})).await.expect_error(403, "conflict_group_name");
    assert!(text.contains("Taken"), "{text}");
    let path = format!("/groups/{second}");
    api.post(&path, json!({"name": "Taken"})).await.expect_error(403, "conflict_group_name");
    api.put(&path, json!({"name": "Taken", "members": []})).await.expect_error(403, "conflict_group_name");
    api.post(&format!("/groups/{first}"), json!({"name": "Taken"})).await.expect(200);
    api.put(&format!("/groups/{first}"), json!({"name": "Taken", "members": []})).await.expect(200);
    api.post("/groups", json!({"name": "taken"})).await.expect(201);
}
