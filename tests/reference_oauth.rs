//! The reference server's OAuth2 token endpoints (Xero `POST /connect/token`, Sinch `POST /oauth2/token`):
//! tokens issued, accepted on the API routes next to the static ones, refreshed, rejected once expired, and
//! the RFC 6749 errors for a wrong client, grant, scope or request.

use std::time::Duration;

use conform::reference::{BackgroundServer, ServerConfig};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;

const TENANT: &str = "00000000-0000-4000-8000-00000000c0f0";
const XERO_CLIENT: (&str, &str) = ("conform-xero-client", "conform-xero-client-secret");
const SINCH_KEY: (&str, &str) = ("conform-sinch-key", "conform-sinch-key-secret");

/// `application/x-www-form-urlencoded` bodies without reqwest's `form` feature.
trait FormFields {
    fn form_fields(self, fields: &[(&str, &str)]) -> Self;
}

impl FormFields for reqwest::RequestBuilder {
    fn form_fields(self, fields: &[(&str, &str)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        self.header("content-type", "application/x-www-form-urlencoded").body(body)
    }
}

fn start(config: ServerConfig) -> (BackgroundServer, Client) {
    let server = BackgroundServer::start(config, ([127, 0, 0, 1], 0).into()).expect("server starts");
    (server, conform::http::client_builder().build().expect("client"))
}

fn lifetime(seconds: u64) -> ServerConfig {
    ServerConfig { token_lifetime: Some(Duration::from_secs(seconds)), ..ServerConfig::default() }
}

async fn json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")))
}

/// `POST /connect/token` with the form `fields` and the client as HTTP Basic.
async fn xero_token(server: &BackgroundServer, client: &Client, fields: &[(&str, &str)]) -> Response {
    let url = format!("{}/connect/token", server.base_url());
    client
        .post(url)
        .basic_auth(XERO_CLIENT.0, Some(XERO_CLIENT.1))
        .form_fields(fields)
        .send()
        .await
        .expect("token request")
}

async fn xero_groups(server: &BackgroundServer, client: &Client, method: Method, token: &str) -> Response {
    let url = format!("{}/api.xro/2.0/ContactGroups", server.base_url());
    let request = client.request(method.clone(), url).bearer_auth(token).header("xero-tenant-id", TENANT);
    let request = request.header("Accept", "application/json");
    let request = if method == Method::PUT {
        request.json(&serde_json::json!({"ContactGroups": [{"Name": format!("g-{}", uuid::Uuid::new_v4())}]}))
    } else {
        request
    };
    request.send().await.expect("api request")
}

#[tokio::test]
async fn xero_client_credentials_issue_a_bearer_token_the_api_accepts() {
    let (server, client) = start(ServerConfig::default());
    let response = xero_token(&server, &client, &[("grant_type", "client_credentials")]).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 1800, "Xero's tokens live 30 minutes");
    assert_eq!(body["scope"], "accounting.contacts");
    assert!(body.get("refresh_token").is_none(), "client credentials get no refresh token: {body}");
    let token = body["access_token"].as_str().expect("access_token");
    assert_eq!(xero_groups(&server, &client, Method::PUT, token).await.status(), StatusCode::OK);
    assert_eq!(xero_groups(&server, &client, Method::GET, token).await.status(), StatusCode::OK);
    // The static token of the settings still works next to issued ones.
    assert_eq!(xero_groups(&server, &client, Method::GET, "conform-xero-token").await.status(), StatusCode::OK);

    // Credentials as form fields instead of HTTP Basic, and the read scope only.
    let url = format!("{}/connect/token", server.base_url());
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", XERO_CLIENT.0),
        ("client_secret", XERO_CLIENT.1),
        ("scope", "accounting.contacts.read"),
    ];
    let (status, body) = json(client.post(url).form_fields(&form).send().await.unwrap()).await;
    assert_eq!((status, &body["scope"]), (StatusCode::OK, &Value::from("accounting.contacts.read")), "{body}");
    let read = body["access_token"].as_str().unwrap();
    assert_eq!(xero_groups(&server, &client, Method::GET, read).await.status(), StatusCode::OK);
    let (status, body) = json(xero_groups(&server, &client, Method::PUT, read).await).await;
    assert_eq!((status, &body["Detail"]), (StatusCode::UNAUTHORIZED, &Value::from("AuthorizationUnsuccessful")));
}

#[tokio::test]
async fn xero_refresh_grant_answers_a_new_access_and_refresh_token() {
    let (server, client) = start(ServerConfig::default());
    let first = [("grant_type", "refresh_token"), ("refresh_token", "conform-xero-refresh-token")];
    let (status, body) = json(xero_token(&server, &client, &first).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refresh = body["refresh_token"].as_str().expect("a new refresh token").to_string();
    assert_ne!(refresh, "conform-xero-refresh-token");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(xero_groups(&server, &client, Method::PUT, token).await.status(), StatusCode::OK);
    let next = [("grant_type", "refresh_token"), ("refresh_token", refresh.as_str())];
    let (status, body) = json(xero_token(&server, &client, &next).await).await;
    assert_eq!(status, StatusCode::OK, "the rotated refresh token works: {body}");
    let unknown = [("grant_type", "refresh_token"), ("refresh_token", "never-issued")];
    let (status, body) = json(xero_token(&server, &client, &unknown).await).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, serde_json::json!({"error": "invalid_grant"})));
}

#[tokio::test]
async fn xero_token_errors_are_rfc_6749_bodies() {
    let (server, client) = start(ServerConfig::default());
    let url = format!("{}/connect/token", server.base_url());
    let grant = [("grant_type", "client_credentials")];
    let cases = [
        (client.post(&url).basic_auth(XERO_CLIENT.0, Some("wrong")).form_fields(&grant), "invalid_client"),
        (client.post(&url).form_fields(&grant), "invalid_client"),
        (
            client.post(&url).basic_auth(XERO_CLIENT.0, Some(XERO_CLIENT.1)).form_fields(&[("grant_type", "password")]),
            "unsupported_grant_type",
        ),
        (
            client.post(&url).basic_auth(XERO_CLIENT.0, Some(XERO_CLIENT.1)).form_fields(&[("scope", "x")]),
            "invalid_request",
        ),
        (
            client
                .post(&url)
                .basic_auth(XERO_CLIENT.0, Some(XERO_CLIENT.1))
                .form_fields(&[("grant_type", "client_credentials"), ("scope", "accounting.transactions")]),
            "invalid_scope",
        ),
        (
            client
                .post(&url)
                .basic_auth(XERO_CLIENT.0, Some(XERO_CLIENT.1))
                .json(&serde_json::json!({"grant_type": "client_credentials"})),
            "invalid_request",
        ),
    ];
    for (request, error) in cases {
        let (status, body) = json(request.send().await.unwrap()).await;
        assert_eq!((status, body), (StatusCode::BAD_REQUEST, serde_json::json!({"error": error})));
    }
}

#[tokio::test]
async fn an_expired_xero_token_gets_401_token_expired_and_a_new_one_works() {
    let (server, client) = start(lifetime(1));
    let (_, body) = json(xero_token(&server, &client, &[("grant_type", "client_credentials")]).await).await;
    assert_eq!(body["expires_in"], 1);
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(xero_groups(&server, &client, Method::GET, &token).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = xero_groups(&server, &client, Method::GET, &token).await;
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_string();
    assert!(challenge.starts_with(r#"Bearer error="invalid_token""#), "{challenge}");
    let (status, body) = json(response).await;
    assert_eq!((status, &body["Title"]), (StatusCode::UNAUTHORIZED, &Value::from("Unauthorized")));
    let detail = body["Detail"].as_str().unwrap();
    let shape = regex::Regex::new(r"^TokenExpired: token expired at \d\d/\d\d/\d{4} \d\d:\d\d:\d\d$").unwrap();
    assert!(shape.is_match(detail), "{detail}");
    // An unknown token is not "expired": it stays the plain AuthorizationUnsuccessful.
    let (_, body) = json(xero_groups(&server, &client, Method::GET, "xero-at-unknown").await).await;
    assert_eq!(body["Detail"], "AuthorizationUnsuccessful");
    let (_, body) = json(xero_token(&server, &client, &[("grant_type", "client_credentials")]).await).await;
    let fresh = body["access_token"].as_str().unwrap();
    assert_eq!(xero_groups(&server, &client, Method::GET, fresh).await.status(), StatusCode::OK);
}

async fn sinch_token(server: &BackgroundServer, client: &Client) -> Value {
    let url = format!("{}/oauth2/token", server.base_url());
    let request = client
        .post(url)
        .basic_auth(SINCH_KEY.0, Some(SINCH_KEY.1))
        .form_fields(&[("grant_type", "client_credentials")]);
    let (status, body) = json(request.send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn sinch_groups(server: &BackgroundServer, client: &Client, token: &str) -> Response {
    let url = format!("{}/xms/v1/conform-plan/groups", server.base_url());
    client.get(url).bearer_auth(token).send().await.expect("api request")
}

#[tokio::test]
async fn sinch_client_credentials_with_basic_auth_and_expiry() {
    let (server, client) = start(lifetime(1));
    let body = sinch_token(&server, &client).await;
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["access_token", "expires_in", "scope", "token_type"]);
    assert_eq!((&body["token_type"], &body["expires_in"]), (&Value::from("bearer"), &Value::from(1)));
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(sinch_groups(&server, &client, &token).await.status(), StatusCode::OK);
    assert_eq!(sinch_groups(&server, &client, "conform-sinch-token").await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = sinch_groups(&server, &client, &token).await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    let challenge = expired.headers()["www-authenticate"].to_str().unwrap();
    // Sinch's SDKs refresh on a 401 whose WWW-Authenticate says "expired"; an unknown token's does not.
    assert!(challenge.starts_with("Bearer error=\"invalid_token\"") && challenge.contains("expired"), "{challenge}");
    let unknown = sinch_groups(&server, &client, "sinch-at-unknown").await;
    assert_eq!(unknown.headers()["www-authenticate"], "Bearer");
    let fresh = sinch_token(&server, &client).await;
    assert_eq!(sinch_groups(&server, &client, fresh["access_token"].as_str().unwrap()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn sinch_token_errors() {
    let (server, client) = start(ServerConfig::default());
    assert_eq!(sinch_token(&server, &client).await["expires_in"], 3600, "Sinch's tokens live an hour");
    let url = format!("{}/oauth2/token", server.base_url());
    let grant = [("grant_type", "client_credentials")];
    let form_fields =
        [("grant_type", "client_credentials"), ("client_id", SINCH_KEY.0), ("client_secret", SINCH_KEY.1)];
    for request in [
        client.post(&url).basic_auth(SINCH_KEY.0, Some("wrong")).form_fields(&grant),
        client.post(&url).form_fields(&form_fields),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.headers()["www-authenticate"], "Basic");
        let (status, body) = json(response).await;
        assert_eq!((status, &body["error"]), (StatusCode::UNAUTHORIZED, &Value::from("invalid_client")), "{body}");
    }
    let refresh =
        client.post(&url).basic_auth(SINCH_KEY.0, Some(SINCH_KEY.1)).form_fields(&[("grant_type", "refresh_token")]);
    let (status, body) = json(refresh.send().await.unwrap()).await;
    assert_eq!((status, &body["error"]), (StatusCode::BAD_REQUEST, &Value::from("unsupported_grant_type")));
}

/// Issued tokens work on every route the suites use: both bundled suites pass with them in place of the static
/// tokens (which this server does not accept), and the tokens appear nowhere in what conform prints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_suites_pass_with_issued_tokens() {
    let mut config = ServerConfig::default();
    config.settings.set("xero_token", "static-xero-token-not-given-to-the-run").unwrap();
    config.settings.set("sinch_token", "static-sinch-token-not-given-to-the-run").unwrap();
    let (server, client) = start(config);
    let (_, xero) = json(xero_token(&server, &client, &[("grant_type", "client_credentials")]).await).await;
    let xero = xero["access_token"].as_str().unwrap().to_string();
    let sinch = sinch_token(&server, &client).await["access_token"].as_str().unwrap().to_string();
    let base_url = server.base_url();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_conform"))
            // The reference server is not Xero: the suite's published 60 calls a minute do not apply.
            .args(["run", "--base-url", &base_url, "--no-suite-limits"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .env("CONFORM_VAR_XERO_TOKEN", &xero)
            .env("CONFORM_VAR_SINCH_TOKEN", &sinch)
            .output()
            .map(|output| (output, xero, sinch))
    })
    .await
    .unwrap()
    .expect("conform runs");
    let (output, xero, sinch) = output;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    for token in [&xero, &sinch] {
        assert!(!stdout.contains(token.as_str()) && !String::from_utf8_lossy(&output.stderr).contains(token.as_str()));
    }
}
