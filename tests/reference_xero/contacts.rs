//! The minimum of `/Contacts` a group suite needs, and the sample organisation served with `with_data`.

use conform::reference::ServerConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Xero, messages, unknown_id, where_query};

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
    xero.post_contact(&ids[0], json!({"ContactStatus": "ARCHIVED"})).await;
    assert_eq!(xero.get("/Contacts").await.1["Contacts"].as_array().unwrap().len(), 1);
    assert_eq!(xero.get("/Contacts?includeArchived=true").await.1["Contacts"].as_array().unwrap().len(), 2);
    let (status, body) = xero.get(&format!("/Contacts/{}", ids[0])).await;
    assert_eq!((status, &body["Contacts"][0]["ContactStatus"]), (StatusCode::OK, &json!("ARCHIVED")));
    xero.assert_not_found_at(Method::GET, &format!("/Contacts/{}", unknown_id()), None).await;
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
