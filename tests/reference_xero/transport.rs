//! Transport, authentication and the envelope: 401 before 403, JSON or XML by `Accept`, 404/405/413, and
//! no 5xx for hostile input.

use conform::reference::MAX_BODY_BYTES;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{TENANT, TOKEN, Xero, ZERO_ID, json_of, keys, where_query};

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
    let response = xero.request(Method::GET, "/ContactGroups", None).await;
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
        let mut request = xero.authorised(Method::GET, "/ContactGroups");
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
    xero.assert_not_found_at(Method::GET, "/Nothing", None).await;
    xero.assert_not_found_at(Method::GET, "/ContactGroups/x/Contacts/y/z", None).await;
    for (method, path) in
        [(Method::PATCH, "/ContactGroups"), (Method::DELETE, "/Contacts"), (Method::GET, "/ContactGroups/x/Contacts")]
    {
        assert_eq!(xero.request(method, path, None).await.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
}

#[tokio::test]
async fn oversized_body_is_413() {
    let xero = Xero::new();
    let body = format!("{{\"ContactGroups\":[{{\"Name\":\"{}\"}}]}}", "x".repeat(MAX_BODY_BYTES));
    assert_eq!(xero.put_text(body).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
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
