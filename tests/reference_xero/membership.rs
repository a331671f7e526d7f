//! Group membership: adding contacts (not archived ones), removing one or all, and 404s for unknown ids.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Xero, keys, messages, unknown_id};

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
    let unknown = unknown_id();
    let body = json!({"Contacts": [{"ContactID": contact}]});
    xero.assert_not_found_at(Method::PUT, &format!("/ContactGroups/{unknown}/Contacts"), Some(body)).await;
    let body = json!({"Contacts": [{"ContactID": unknown}]});
    xero.assert_not_found_at(Method::PUT, &format!("/ContactGroups/{group}/Contacts"), Some(body)).await;
    xero.assert_not_found_at(Method::DELETE, &format!("/ContactGroups/{group}/Contacts/{contact}"), None).await;
    xero.assert_not_found_at(Method::DELETE, &format!("/ContactGroups/{unknown}/Contacts/{contact}"), None).await;
    xero.assert_not_found_at(Method::DELETE, &format!("/ContactGroups/{unknown}/Contacts"), None).await;
}

#[tokio::test]
async fn an_archived_contact_cannot_be_added() {
    let xero = Xero::new();
    let group = xero.create_group("G").await;
    let [active, archived] = <[String; 2]>::try_from(xero.create_contacts(&["Active", "Archived"]).await).unwrap();
    let (status, _) = xero.post_contact(&archived, json!({"ContactStatus": "ARCHIVED"})).await;
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
    let (group, contacts) = xero.group_of("G", &["A", "B"]).await;
    let response =
        xero.request(Method::DELETE, &format!("/ContactGroups/{group}/Contacts/{}", contacts[0]), None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.text().await.unwrap(), "");
    assert_eq!(xero.members(&group).await, [contacts[1].clone()]);
}

#[tokio::test]
async fn delete_all_contacts_is_204_and_empty() {
    let xero = Xero::new();
    let (group, _) = xero.group_of("G", &["A", "B"]).await;
    let response = xero.request(Method::DELETE, &format!("/ContactGroups/{group}/Contacts"), None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.text().await.unwrap(), "");
    assert!(xero.members(&group).await.is_empty());
}
