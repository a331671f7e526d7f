//! Concurrency, authentication and transport-level answers (401, 404, 405, 413, 415) of the Sinch endpoint.

use reqwest::Method;
use serde_json::json;

use super::{Api, PLAN, TOKEN};

// ----------------------------------------------------------------------------------------- concurrency

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_adds_lose_no_member() {
    let api = std::sync::Arc::new(Api::start());
    let id = api.create(json!({})).await;
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let (api, path) = (api.clone(), format!("/groups/{id}"));
            tokio::spawn(async move { api.post(&path, json!({"add": [format!("4670000{i:04}")]})).await.status })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    assert_eq!(api.members(&id).await.as_array().unwrap().len(), 32);
    assert_eq!(api.get(&format!("/groups/{id}")).await.expect(200)["size"], 32);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_with_one_name_have_one_winner() {
    let api = std::sync::Arc::new(Api::start());
    for round in 0..10 {
        let name = format!("race {round}");
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let (api, name) = (api.clone(), name.clone());
                tokio::spawn(async move { api.post("/groups", json!({"name": name})).await.status.as_u16() })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 403]);
    }
}

// --------------------------------------------------------------------------------- transport and auth

#[tokio::test]
async fn bad_credentials_are_401_before_anything_else() {
    let api = Api::start();
    let url = api.url("/groups");
    let no_token = api.raw(api.client.get(&url)).await;
    assert_eq!(no_token.status, 401);
    assert_eq!(
        no_token.body,
        json!({"code": "unauthorized", "text": "Authentication token is invalid for this service plan"})
    );
    assert_eq!(api.raw(api.client.get(&url).bearer_auth("wrong")).await.status, 401);
    assert_eq!(api.raw(api.client.get(&url).basic_auth(TOKEN, None::<&str>)).await.status, 401);
    let other_plan = format!("{}/xms/v1/other-plan/groups", api.server.base_url());
    assert_eq!(api.raw(api.client.get(&other_plan).bearer_auth(TOKEN)).await.status, 401);
    // Neither an unknown path, a wrong method nor a bad body gets past authentication.
    let unknown = format!("{}/xms/v1/{PLAN}/batches", api.server.base_url());
    assert_eq!(api.raw(api.client.get(&unknown)).await.status, 401);
    assert_eq!(api.raw(api.client.patch(api.url("/groups/x"))).await.status, 401);
    assert_eq!(api.raw(api.client.post(&url).body("not json")).await.status, 401);
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let api = Api::start();
    for path in ["/batches", "/groups/a/b", "/groups/", "/group"] {
        assert_eq!(api.get(path).await.status, 404, "{path}");
    }
    let outside = format!("{}/xms/v2/{PLAN}/groups", api.server.base_url());
    assert_eq!(api.raw(api.client.get(&outside).bearer_auth(TOKEN)).await.status, 404);
    let id = api.create(json!({})).await;
    assert_eq!(api.call(Method::PATCH, &format!("/groups/{id}"), Some(json!({}))).await.status, 405);
    assert_eq!(api.delete("/groups").await.status, 405);
    assert_eq!(api.put("/groups", json!({"members": []})).await.status, 405);
    assert_eq!(api.post(&format!("/groups/{id}/members"), json!({})).await.status, 405);
}

#[tokio::test]
async fn bodies_must_be_declared_json() {
    let api = Api::start();
    let id = api.create(json!({})).await;
    let body = r#"{"name":"n"}"#;
    let requests = [
        api.request(Method::POST, "/groups").body(body),
        api.request(Method::POST, "/groups").header("content-type", "text/plain").body(body),
        api.request(Method::POST, &format!("/groups/{id}")).header("content-type", "application/xml").body(body),
        api.request(Method::PUT, &format!("/groups/{id}")).body(r#"{"members":[]}"#),
    ];
    for request in requests {
        assert_eq!(api.raw(request).await.status, 415);
    }
    let charset = api.request(Method::POST, "/groups").header("content-type", "application/json; charset=utf-8");
    api.raw(charset.body(body)).await.expect(201);
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let api = Api::start();
    let huge = format!(r#"{{"name":"{}"}}"#, "a".repeat(conform::reference::MAX_BODY_BYTES + 1024));
    let request = api.request(Method::POST, "/groups").header("content-type", "application/json").body(huge);
    assert_eq!(api.raw(request).await.status, 413);
    // The content type is checked first.
    let huge = "a".repeat(conform::reference::MAX_BODY_BYTES + 1024);
    let request = api.request(Method::POST, "/groups").header("content-type", "text/plain").body(huge);
    assert_eq!(api.raw(request).await.status, 415);
}
