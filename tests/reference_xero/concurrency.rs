//! Concurrency: racing creates of one name and racing adds to one group, each written exactly once.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Xero, where_query};

#[tokio::test]
async fn concurrent_creates_of_one_name_have_one_winner() {
    let xero = Xero::new();
    let other = conform::http::client_builder().build().unwrap();
    for round in 0..20 {
        let name = format!("Race {round}");
        let body = json!({"ContactGroups": [{"Name": name}]});
        let send = |client: &reqwest::Client| {
            xero.authorised_by(client, Method::PUT, "/ContactGroups")
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
        // A client of its own for each add, so they race on separate connections.
        let client = conform::http::client_builder().build().unwrap();
        let body = json!({"Contacts": [{"ContactID": contact}]});
        let request = xero.authorised_by(&client, Method::PUT, &format!("/ContactGroups/{group}/Contacts")).json(&body);
        async move { request.send().await.unwrap().status() }
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
