//! Contact groups themselves: create (official PUT and the seed's verbs), validation, the group limit,
//! idempotency, read, `where` and `order`, rename and delete.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Xero, ZERO_ID, json_of, keys, messages, unknown_id, validation, where_query};

// ---- create ----

#[tokio::test]
async fn put_creates_like_the_official_example() {
    let xero = Xero::new();
    let (status, body) = xero.put_groups(json!([{"Name": "VIPs"}])).await;
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
    let (status, body) = xero.put_groups(json!([{"ContactGroupID": id, "Name": "Put-renamed"}])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ContactGroups"][0]["ContactGroupID"], id.as_str());
    assert_eq!(xero.names("").await, ["Put-renamed"]);
    let (status, body) = xero.send(Method::DELETE, &format!("/ContactGroups/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ContactGroups"][0]["Status"], "DELETED");
    assert!(xero.names("").await.is_empty());
    let unknown = json!([{"ContactGroupID": unknown_id(), "Name": "x"}]);
    assert_eq!(xero.put_groups(unknown).await.0, StatusCode::NOT_FOUND);
    xero.assert_not_found_at(Method::DELETE, &format!("/ContactGroups/{}", unknown_id()), None).await;
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
        let (status, body) = xero.put_groups(json!([entity.clone()])).await;
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
    let (status, _) = xero.put_groups(json!([{"Name": "New"}, {"Name": "TAKEN"}])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(xero.names("").await.len(), 2);
}

#[tokio::test]
async fn malformed_bodies_are_400_validation_exceptions() {
    let xero = Xero::new();
    for body in ["{not json", "{\"Groups\":[]}", "{\"ContactGroups\":[]}"] {
        let (status, body) = json_of(xero.put_text(body.into()).await).await;
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
    let (status, body) = xero.put_groups(json!([{"Name": "Suppliers"}])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let example = json!({"ErrorNumber": 10, "Type": "ValidationException", "Message": "A validation exception occurred",
        "Elements": [{"ContactGroupID": ZERO_ID, "Name": "Suppliers", "Contacts": [], "HasValidationErrors": true,
            "ValidationErrors": [{"Message": "You\u{2019}ve reached the limit of 100 contact groups."}]}]});
    assert_eq!(body, example);
    // Deleted groups do not count.
    let (_, list) = xero.get("/ContactGroups").await;
    let first = list["ContactGroups"][0]["ContactGroupID"].as_str().unwrap().to_string();
    xero.post_group(&first, json!({"Status": "DELETED"})).await;
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
        let request = xero.req(Method::PUT, "/ContactGroups").header("Idempotency-Key", key);
        let request = request.json(&json!({"ContactGroups": [{"Name": "Once"}]}));
        async move { json_of(request.send().await.unwrap()).await }
    };
    let (first_status, first) = create("k-1".into()).await;
    let (second_status, second) = create("k-1".into()).await;
    assert_eq!((first_status, second_status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(first, second);
    assert_eq!(xero.names("").await, ["Once"]);
    let (status, body) = create("k".repeat(129)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["Type"], "ValidationException");
    assert_eq!(create("k".repeat(128)).await.0, StatusCode::BAD_REQUEST, "duplicate name");
}

// ---- read ----

#[tokio::test]
async fn list_shows_only_active_groups_with_empty_contacts() {
    let xero = Xero::new();
    let [keep, gone] = <[String; 2]>::try_from(xero.create_groups(&["Keep", "Gone"]).await).unwrap();
    let [contact] = <[String; 1]>::try_from(xero.create_contacts(&["Member"]).await).unwrap();
    xero.add(&keep, &[&contact]).await;
    xero.post_group(&gone, json!({"Status": "DELETED"})).await;
    let (_, body) = xero.get("/ContactGroups").await;
    assert_eq!(
        body["ContactGroups"],
        json!([{"ContactGroupID": keep, "Name": "Keep", "Status": "ACTIVE", "Contacts": [], "HasValidationErrors": false}])
    );
}

#[tokio::test]
async fn get_by_id_lists_members_like_the_official_example() {
    let xero = Xero::new();
    let (group, contacts) = xero.group_of("Oasis", &["Noel Gallagher", "Liam Gallagher"]).await;
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
    xero.assert_not_found_at(Method::GET, &format!("/ContactGroups/{}", unknown_id()), None).await;
    xero.assert_not_found_at(Method::GET, "/ContactGroups/not-a-guid", None).await;
}

#[tokio::test]
async fn a_deleted_group_is_still_found_by_id() {
    let xero = Xero::new();
    let id = xero.create_group("Soon gone").await;
    xero.post_group(&id, json!({"Status": "DELETED"})).await;
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
    let (status, body) = xero.post_group(&id, json!({"Name": "Supplier Vendor"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["ContactGroups"],
        json!([{"ContactGroupID": id, "Name": "Supplier Vendor", "Status": "ACTIVE", "Contacts": [], "HasValidationErrors": false}])
    );
    assert_eq!(xero.names("").await, ["Supplier Vendor"]);
    xero.create_group("Other").await;
    let (status, body) = xero.post_group(&id, json!({"Name": "OTHER"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(messages(&body), ["A Contact Group already exists with this name"]);
    assert_eq!(body["Elements"][0]["ContactGroupID"], id.as_str());
    let (status, body) = xero.post_group(&id, json!({"Status": "GONE"})).await;
    assert_eq!(
        (status, messages(&body)),
        (StatusCode::BAD_REQUEST, vec!["The Status field must be ACTIVE or DELETED.".to_string()])
    );
    let rename = json!({"ContactGroups": [{"Name": "x"}]});
    xero.assert_not_found_at(Method::POST, &format!("/ContactGroups/{}", unknown_id()), Some(rename)).await;
}

#[tokio::test]
async fn post_status_deleted_deletes() {
    let xero = Xero::new();
    let id = xero.create_group("Doomed").await;
    let (status, body) = xero.post_group(&id, json!({"Status": "DELETED"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ContactGroups"][0]["Status"], "DELETED");
    assert_eq!(body["ContactGroups"][0]["Name"], "Doomed");
    assert!(xero.names("").await.is_empty());
    let (status, body) = xero.post_group(&id, json!({"Status": "ACTIVE"})).await;
    assert_eq!(
        (status, messages(&body)),
        (StatusCode::BAD_REQUEST, vec!["A deleted contact group cannot be changed.".to_string()])
    );
}
