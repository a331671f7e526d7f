//! The baseline of the speed comparison (`benches/compare.sh`): the flow of `benches/flow/flow.yaml.in` written
//! directly with reqwest and the `jsonschema` crate, with the same assertions, against the embedded reference
//! server started in this process — the same setup as `conform run` without `--base-url`.
//!
//! `plain_loop N` replays the flow N times, one request at a time, and exits non-zero on the first mismatch.
//! `plain_loop --rps create|list CLIENTS SECONDS` measures the reference server instead: CLIENTS concurrent
//! clients creating groups (or listing a page) for SECONDS, and prints the requests per second.

use std::time::Instant;

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

const PLAN: &str = "conform-plan";
const TOKEN: &str = "conform-sinch-token";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--rps") {
        let clients = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(64);
        let seconds = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(3);
        return requests_per_second(args.get(1).map_or("create", String::as_str), clients, seconds);
    }
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let target = conform::target::Target::embedded().expect("the embedded reference server starts");
    let base = format!("{}/xms/v1/{PLAN}/groups", target.base_url());
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("specs/sinch/group.json").expect("schema")).expect("schema JSON");
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).expect("valid schema");
    // The same client set-up as conform's (rustls, its provider installed by `client_builder`).
    let client = conform::http::client_builder().build().expect("client");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let started = Instant::now();
    runtime.block_on(async {
        for i in 0..n {
            if let Err(e) = flow(&client, &base, &validator, i).await {
                eprintln!("flow {i}: {e}");
                std::process::exit(1);
            }
        }
    });
    eprintln!("{n} flows in {:?}", started.elapsed());
}

async fn send(client: &Client, method: Method, url: &str, body: Option<Value>) -> Result<(StatusCode, Value), String> {
    let mut request = client.request(method, url).bearer_auth(TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    Ok((status, body))
}

fn expect(ok: bool, what: &str, body: &Value) -> Result<(), String> {
    if ok { Ok(()) } else { Err(format!("{what}: {body}")) }
}

async fn flow(client: &Client, base: &str, validator: &jsonschema::Validator, i: usize) -> Result<(), String> {
    let name = format!("g{}-{i}", std::process::id());
    let [a, b, c] = [0, 1, 2].map(|k| format!("46{:011}", i * 3 + k));

    let (status, body) = send(client, Method::POST, base, Some(json!({"name": name, "members": [a, b]}))).await?;
    expect(status == StatusCode::CREATED, "create: 201", &body)?;
    expect(validator.is_valid(&body), "create: schema", &body)?;
    expect(body["name"] == name.as_str() && body["size"] == 2, "create: name and size", &body)?;
    let id = body["id"].as_str().ok_or("create: no id")?.to_string();
    let group = format!("{base}/{id}");

    let (status, body) = send(client, Method::GET, &group, None).await?;
    expect(status == StatusCode::OK, "get: 200", &body)?;
    expect(body["id"] == id.as_str() && body["name"] == name.as_str() && body["size"] == 2, "get", &body)?;

    let update = json!({"add": [c], "remove": [a]});
    let (status, body) = send(client, Method::POST, &group, Some(update)).await?;
    expect(status == StatusCode::OK, "update: 200", &body)?;
    expect(body["id"] == id.as_str() && body["size"] == 2, "update", &body)?;

    let (status, body) = send(client, Method::GET, &format!("{group}/members"), None).await?;
    expect(status == StatusCode::OK, "members: 200", &body)?;
    let mut members: Vec<&str> =
        body.as_array().map(|m| m.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    members.sort_unstable();
    let mut wanted = [b.as_str(), c.as_str()];
    wanted.sort_unstable();
    expect(members == wanted, "members", &body)?;

    let (status, body) = send(client, Method::GET, &format!("{base}?page=0&page_size=5"), None).await?;
    expect(status == StatusCode::OK, "list: 200", &body)?;
    let page_size_ok = body["page_size"].as_u64().is_some_and(|s| s <= 5);
    let groups_ok = body["groups"].as_array().is_some_and(|g| g.len() <= 5);
    expect(body["page"] == 0 && page_size_ok && groups_ok, "list", &body)?;

    let (status, body) = send(client, Method::DELETE, &group, None).await?;
    expect(status == StatusCode::OK, "delete: 200", &body)?;

    let (status, body) = send(client, Method::GET, &group, None).await?;
    expect(status == StatusCode::NOT_FOUND, "gone: 404", &body)
}

/// `clients` tasks sending `what` (a create or a list of one page) back to back for `seconds`.
fn requests_per_second(what: &str, clients: usize, seconds: u64) {
    let target = conform::target::Target::embedded().expect("the embedded reference server starts");
    let base = format!("{}/xms/v1/{PLAN}/groups", target.base_url());
    let client = conform::http::client_builder().build().expect("client");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let create = what == "create";
    let deadline = Instant::now() + std::time::Duration::from_secs(seconds);
    let started = Instant::now();
    let (sent, failed) = runtime.block_on(async {
        let tasks: Vec<_> = (0..clients)
            .map(|k| {
                let (client, base) = (client.clone(), base.clone());
                tokio::spawn(async move {
                    let (mut sent, mut failed) = (0u64, 0u64);
                    while Instant::now() < deadline {
                        let result = if create {
                            let body =
                                json!({"name": format!("rps-{k}-{sent}"), "members": [format!("46{:011}", sent)]});
                            send(&client, Method::POST, &base, Some(body)).await
                        } else {
                            send(&client, Method::GET, &format!("{base}?page=0&page_size=30"), None).await
                        };
                        sent += 1;
                        failed += u64::from(!matches!(result, Ok((s, _)) if s.is_success()));
                    }
                    (sent, failed)
                })
            })
            .collect();
        let mut totals = (0, 0);
        for task in tasks {
            let (s, f) = task.await.expect("client task");
            totals = (totals.0 + s, totals.1 + f);
        }
        totals
    });
    let rate = sent as f64 / started.elapsed().as_secs_f64();
    println!("reference server, {what}: {rate:.0} requests/s ({clients} clients, {sent} requests, {failed} not 2xx)");
}
