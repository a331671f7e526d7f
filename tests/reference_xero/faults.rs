//! One test per Xero fault, each showing the one documented behaviour it breaks, and a check that none lacks one.

use conform::reference::{ServerConfig, all_faults};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{NOT_FOUND, TENANT, TOKEN, Xero, json_of, unknown_id, where_query};

#[test]
fn the_catalogue_has_at_least_twelve_xero_faults() {
    let xero: Vec<_> = all_faults().filter(|f| f.api() == "xero").collect();
    assert!(xero.len() >= 12);
    for fault in &xero {
        assert!(fault.name().starts_with("xero-") && !fault.description().is_empty(), "{}", fault.name());
        assert_eq!(xero.iter().filter(|f| f.name() == fault.name()).count(), 1);
    }
}

/// A server with `fault`, one group `G` holding contact `C` (the ids are returned), and `Other` group.
async fn faulty(fault: &str) -> (Xero, String, String) {
    let xero = Xero::with_fault(fault);
    let (group, mut contacts) = xero.group_of("G", &["C"]).await;
    let contact = contacts.remove(0);
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
    xero.post_group(&group, json!({"Status": "DELETED"})).await;
    assert_eq!(xero.names("").await, ["G", "Other"]);
}

#[tokio::test]
async fn fault_create_201() {
    let xero = Xero::with_fault("xero-create-201");
    let (status, _) = xero.put_groups(json!([{"Name": "New"}])).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn fault_duplicate_names_accepted() {
    let (xero, ..) = faulty("xero-duplicate-names-accepted").await;
    let (status, _) = xero.put_groups(json!([{"Name": "G"}])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(xero.names("").await, ["G", "G", "Other"]);
}

#[tokio::test]
async fn fault_404_json() {
    let xero = Xero::with_fault("xero-404-json");
    let response = xero.request(Method::GET, &format!("/ContactGroups/{}", unknown_id()), None).await;
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
    let response = xero.request(Method::DELETE, &format!("/ContactGroups/{group}/Contacts/{contact}"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!response.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn fault_remove_all_noop() {
    let (xero, group, contact) = faulty("xero-remove-all-noop").await;
    let response = xero.request(Method::DELETE, &format!("/ContactGroups/{group}/Contacts"), None).await;
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
    let (status, body) = xero.post_group(&group, json!({"Name": "Renamed"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ContactGroups"][0]["Name"], "G");
}

#[tokio::test]
async fn fault_validation_no_elements() {
    let xero = Xero::with_fault("xero-validation-no-elements");
    let (status, body) = xero.put_groups(json!([{}])).await;
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
    xero.post_contact(&archived, json!({"ContactStatus": "ARCHIVED"})).await;
    assert_eq!(xero.add(&group, &[&archived]).await.0, StatusCode::OK);
    assert_eq!(xero.members(&group).await, [contact, archived]);
}

#[tokio::test]
async fn fault_any_token_accepted() {
    let xero = Xero::with_fault("xero-any-token-accepted");
    let stolen = xero.raw(Method::GET, "/ContactGroups").bearer_auth("stolen").header("xero-tenant-id", TENANT);
    assert_eq!(stolen.send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn fault_read_token_writes() {
    let read_token = ServerConfig::default().setting("xero_read_token").expect("a Xero setting").to_string();
    let write = |xero: &Xero| {
        xero.raw(Method::PUT, "/ContactGroups")
            .bearer_auth(&read_token)
            .header("xero-tenant-id", TENANT)
            .header("accept", "application/json")
            .json(&json!({"ContactGroups": [{"Name": "R"}]}))
    };
    let clean = Xero::start(ServerConfig::default());
    let read = clean.raw(Method::GET, "/ContactGroups").bearer_auth(&read_token).header("xero-tenant-id", TENANT);
    assert_eq!(read.send().await.unwrap().status(), StatusCode::OK, "the read token reads");
    assert_eq!(write(&clean).send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "and may not write");
    let faulty = Xero::with_fault("xero-read-token-writes");
    assert_eq!(write(&faulty).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn fault_correlation_id_mismatch() {
    let xero = Xero::with_fault("xero-correlation-id-mismatch");
    let response = xero.request(Method::GET, "/ContactGroups", None).await;
    let header = response.headers()["xero-correlation-id"].to_str().unwrap().to_string();
    let (_, body) = json_of(response).await;
    assert_ne!(body["Id"], header.as_str());
}

#[tokio::test]
async fn fault_status_unchecked() {
    let (xero, group, _) = faulty("xero-status-unchecked").await;
    let (status, _) = xero.post_group(&group, json!({"Status": "PAUSED"})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn fault_contact_updated_date_missing() {
    let clean = Xero::new();
    let id = clean.create_contacts(&["Dated"]).await.remove(0);
    let (_, body) = clean.get(&format!("/Contacts/{id}")).await;
    let date = body["Contacts"][0]["UpdatedDateUTC"].as_str().unwrap_or_default().to_string();
    assert!(date.starts_with("/Date(") && date.ends_with("+0000)/"), "{date}");
    let xero = Xero::with_fault("xero-contact-updated-date-missing");
    let id = xero.create_contacts(&["Undated"]).await.remove(0);
    let (_, body) = xero.get(&format!("/Contacts/{id}")).await;
    assert_eq!(body["Contacts"][0].get("UpdatedDateUTC"), None);
}

#[tokio::test]
async fn fault_contact_ids_ignored() {
    let names = |body: serde_json::Value| -> Vec<String> {
        body["Contacts"].as_array().unwrap().iter().map(|c| c["Name"].as_str().unwrap().to_string()).collect()
    };
    let clean = Xero::new();
    let ids = clean.create_contacts(&["A", "B", "C"]).await;
    assert_eq!(names(clean.get(&format!("/Contacts?IDs={},{}", ids[0], ids[2])).await.1), ["A", "C"]);
    assert_eq!(clean.get("/Contacts?IDs=not-a-guid").await.0, StatusCode::BAD_REQUEST);
    let xero = Xero::with_fault("xero-contact-ids-ignored");
    let ids = xero.create_contacts(&["A", "B", "C"]).await;
    assert_eq!(names(xero.get(&format!("/Contacts?IDs={},{}", ids[0], ids[2])).await.1), ["A", "B", "C"]);
}

#[test]
fn every_xero_fault_has_a_test_here() {
    // Every fault test lives in this file.
    let source = include_str!("faults.rs");
    for fault in all_faults().filter(|f| f.api() == "xero") {
        let test = format!("fn fault_{}()", fault.name().trim_start_matches("xero-").replace('-', "_"));
        assert!(source.contains(&test), "no test `{test}` for {}", fault.name());
    }
}
