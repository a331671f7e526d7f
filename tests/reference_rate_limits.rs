//! Rate limits of the reference server (`conform serve --rate-limit …`), scaled down so a test sees them: the
//! 429 with `Retry-After` and Xero's `X-Rate-Limit-Problem`, the calls-left headers, and recovery after the
//! wait the server named.

use std::io::Write;
use std::time::{Duration, Instant};

use conform::reference::{BackgroundServer, RateLimits, ServerConfig};
use reqwest::{Client, Response, StatusCode};

const TENANT: &str = "00000000-0000-4000-8000-00000000c0f0";

fn start(limits: &[&str]) -> (BackgroundServer, Client) {
    let mut rate_limits = RateLimits::default();
    for limit in limits {
        rate_limits.add(limit).expect("a valid limit");
    }
    let config = ServerConfig { rate_limits, ..ServerConfig::default() };
    let server = BackgroundServer::start(config, ([127, 0, 0, 1], 0).into()).expect("server starts");
    (server, conform::http::client_builder().build().expect("client"))
}

async fn xero_list(server: &BackgroundServer, client: &Client) -> Response {
    let url = format!("{}/api.xro/2.0/ContactGroups", server.base_url());
    let request = client.get(url).bearer_auth("conform-xero-token").header("xero-tenant-id", TENANT);
    request.header("Accept", "application/json").send().await.expect("request")
}

async fn sinch_list(server: &BackgroundServer, client: &Client) -> Response {
    let url = format!("{}/xms/v1/conform-plan/groups", server.base_url());
    client.get(url).bearer_auth("conform-sinch-token").send().await.expect("request")
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().expect("ascii"))
}

#[tokio::test]
async fn xero_minute_limit_answers_429_then_admits_after_retry_after() {
    let (server, client) = start(&["xero=3/s"]);
    for left in ["2", "1", "0"] {
        let response = xero_list(&server, &client).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "x-minlimit-remaining"), Some(left));
        assert_eq!(header(&response, "x-daylimit-remaining"), None, "no day limit was asked for");
    }
    let refused = xero_list(&server, &client).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&refused, "x-rate-limit-problem"), Some("minute"));
    assert_eq!(header(&refused, "retry-after"), Some("1"));
    assert_eq!(header(&refused, "x-minlimit-remaining"), Some("0"));
    assert!(refused.bytes().await.unwrap().is_empty(), "no 429 body is documented");
    // Sinch has no limit here: only the API named was limited.
    assert_eq!(sinch_list(&server, &client).await.status(), StatusCode::OK);
    // Waiting as told is enough.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let admitted = xero_list(&server, &client).await;
    assert_eq!(admitted.status(), StatusCode::OK, "admitted after Retry-After");
    assert_eq!(header(&admitted, "x-minlimit-remaining"), Some("2"));
}

#[tokio::test]
async fn xero_published_limits_and_the_day_problem() {
    let (server, client) = start(&["xero"]);
    let response = xero_list(&server, &client).await;
    assert_eq!(header(&response, "x-minlimit-remaining"), Some("59"));
    assert_eq!(header(&response, "x-daylimit-remaining"), Some("4999"));

    let (server, client) = start(&["xero=100/s,2/90s"]);
    for _ in 0..2 {
        assert_eq!(xero_list(&server, &client).await.status(), StatusCode::OK);
    }
    let refused = xero_list(&server, &client).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&refused, "x-rate-limit-problem"), Some("day"));
    let wait: u64 = header(&refused, "retry-after").unwrap().parse().unwrap();
    assert!((89..=90).contains(&wait), "the first call leaves the 90s window in about 90s, not {wait}");
    assert_eq!(header(&refused, "x-daylimit-remaining"), Some("0"));
}

#[tokio::test]
async fn unauthenticated_and_token_calls_use_no_budget() {
    let (server, client) = start(&["2/s"]);
    let url = format!("{}/api.xro/2.0/ContactGroups", server.base_url());
    for _ in 0..5 {
        assert_eq!(client.get(&url).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
        let token = client
            .post(format!("{}/connect/token", server.base_url()))
            .basic_auth("conform-xero-client", Some("conform-xero-client-secret"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials");
        assert_eq!(token.send().await.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(xero_list(&server, &client).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn sinch_gets_a_bare_429_with_retry_after() {
    let (server, client) = start(&["sinch=2/s"]);
    for _ in 0..2 {
        let response = sinch_list(&server, &client).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "x-minlimit-remaining"), None, "Xero's headers are Xero's");
    }
    let refused = sinch_list(&server, &client).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&refused, "retry-after"), Some("1"));
    assert_eq!(header(&refused, "x-rate-limit-problem"), None);
    assert_eq!(xero_list(&server, &client).await.status(), StatusCode::OK, "Xero is not limited");
}

/// A call is in progress while its body is still arriving: a client that sent only the headers of a PUT holds
/// one of the concurrent slots until it goes away.
#[tokio::test]
async fn xero_concurrent_limit_counts_calls_in_progress() {
    let (server, client) = start(&["xero=1-concurrent"]);
    let addr = server.base_url().trim_start_matches("http://").to_string();
    let mut stalled = std::net::TcpStream::connect(&addr).expect("connect");
    let head = format!(
        "PUT /api.xro/2.0/ContactGroups HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer conform-xero-token\r\n\
         xero-tenant-id: {TENANT}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    );
    stalled.write_all(head.as_bytes()).expect("send the head");
    let deadline = Instant::now() + Duration::from_secs(5);
    let refused = loop {
        let response = xero_list(&server, &client).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS || Instant::now() > deadline {
            break response;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&refused, "x-rate-limit-problem"), Some("concurrent"));
    assert_eq!(header(&refused, "retry-after"), Some("1"));
    drop(stalled);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = xero_list(&server, &client).await.status();
        if status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "the slot was never given back: {status}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
