//! The reference server under load: 64 concurrent clients of mixed create/update/list/delete on both APIs for
//! a while, then every shared group's members must be exactly what the successful requests imply (no lost
//! update), with no 5xx and every answer the one the contract gives. Prints the throughput.
//!
//! `CONFORM_LOAD_SECS` sets how long (default 3 s, to keep `cargo test` fast; the figure is 10 s:
//! `CONFORM_LOAD_SECS=10 cargo test --release --test reference_load -- --nocapture`).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use conform::reference::{BackgroundServer, ServerConfig};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

const CLIENTS: usize = 64;
const SHARED_GROUPS: usize = 4;
/// Members each client owns and moves in and out of the shared groups.
const POOL: usize = 6;
const PLAN: &str = "conform-plan";
const SINCH_TOKEN: &str = "conform-sinch-token";
const XERO_TOKEN: &str = "conform-xero-token";
const TENANT: &str = "00000000-0000-4000-8000-00000000c0f0";

fn load_duration() -> Duration {
    let secs = std::env::var("CONFORM_LOAD_SECS").ok().and_then(|s| s.parse::<f64>().ok()).unwrap_or(3.0);
    Duration::from_secs_f64(secs)
}

struct Api {
    base: String,
    http: Client,
}

/// What went wrong during the run, kept short: the first few unexpected answers and the count of all.
#[derive(Default)]
struct Findings {
    unexpected: Vec<String>,
    server_errors: usize,
    requests: usize,
}

impl Api {
    fn sinch(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}/xms/v1/{PLAN}{path}", self.base)).bearer_auth(SINCH_TOKEN)
    }

    fn xero(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.http.request(method, format!("{}/api.xro/2.0{path}", self.base));
        request.bearer_auth(XERO_TOKEN).header("xero-tenant-id", TENANT).header("Accept", "application/json")
    }

    /// Sends `request` and gives its JSON body (`Null` when empty) if the status is `expected`, else records why not.
    async fn expect(
        &self,
        what: &str,
        request: reqwest::RequestBuilder,
        expected: StatusCode,
        findings: &mut Findings,
    ) -> Option<Value> {
        findings.requests += 1;
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                findings.unexpected.push(format!("{what}: transport error {e}"));
                return None;
            }
        };
        let status = response.status();
        let body = response.bytes().await.unwrap_or_default();
        if status.is_server_error() {
            findings.server_errors += 1;
        }
        if status != expected {
            if findings.unexpected.len() < 10 {
                findings
                    .unexpected
                    .push(format!("{what}: {status} (expected {expected}): {}", String::from_utf8_lossy(&body)));
            }
            return None;
        }
        Some(if body.is_empty() { Value::Null } else { serde_json::from_slice(&body).unwrap_or(Value::Null) })
    }
}

/// A small xorshift, so each client's choices are reproducible from its number without a shared RNG.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % sides as u64) as usize
    }
}

/// One client's view: which of its own members it has put in each shared group, and its own groups.
struct ClientModel {
    number: usize,
    sinch_members: Vec<BTreeSet<String>>,
    xero_members: Vec<BTreeSet<String>>,
    xero_contacts: Vec<String>,
    sinch_own: Option<String>,
    xero_own: Option<String>,
    sinch_deleted: Vec<String>,
    xero_deleted: Vec<String>,
    created: usize,
}

fn msisdn(client: usize, i: usize) -> String {
    format!("4670{client:03}{i:04}")
}

async fn run_client(
    api: Arc<Api>,
    mut me: ClientModel,
    sinch_groups: Arc<Vec<String>>,
    xero_groups: Arc<Vec<String>>,
    until: Instant,
) -> (ClientModel, Findings) {
    let mut findings = Findings::default();
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ ((me.number as u64 + 1) * 0x1000_0001));
    let names: Vec<Value> =
        (0..POOL).map(|i| json!({"Name": format!("load {} {i} {}", me.number, uuid::Uuid::new_v4())})).collect();
    let created = api
        .expect(
            "create contacts",
            api.xero(Method::PUT, "/Contacts").json(&json!({"Contacts": names})),
            StatusCode::OK,
            &mut findings,
        )
        .await;
    me.xero_contacts = created
        .and_then(|body| {
            body["Contacts"]
                .as_array()
                .map(|c| c.iter().filter_map(|c| c["ContactID"].as_str().map(String::from)).collect())
        })
        .unwrap_or_default();
    while Instant::now() < until {
        let group = dice.roll(SHARED_GROUPS);
        match dice.roll(8) {
            0 | 1 => {
                // Sinch: add some of my members that are out, remove some that are in, in one update.
                let current = &me.sinch_members[group];
                let (mut add, mut remove) = (Vec::new(), Vec::new());
                for i in 0..POOL {
                    let member = msisdn(me.number, i);
                    if dice.roll(2) == 0 {
                        if current.contains(&member) { remove.push(member) } else { add.push(member) }
                    }
                }
                let request = api
                    .sinch(Method::POST, &format!("/groups/{}", sinch_groups[group]))
                    .json(&json!({"add": add, "remove": remove}));
                if api.expect("sinch update", request, StatusCode::OK, &mut findings).await.is_some() {
                    let current = &mut me.sinch_members[group];
                    current.extend(add);
                    remove.iter().for_each(|m| {
                        current.remove(m);
                    });
                }
            }
            2 => {
                let Some(contact) = me.xero_contacts.get(dice.roll(POOL)).cloned() else { continue };
                let path = format!("/ContactGroups/{}/Contacts", xero_groups[group]);
                if me.xero_members[group].contains(&contact) {
                    let request = api.xero(Method::DELETE, &format!("{path}/{contact}"));
                    if api.expect("xero remove member", request, StatusCode::NO_CONTENT, &mut findings).await.is_some()
                    {
                        me.xero_members[group].remove(&contact);
                    }
                } else {
                    let request = api.xero(Method::PUT, &path).json(&json!({"Contacts": [{"ContactID": contact}]}));
                    if api.expect("xero add member", request, StatusCode::OK, &mut findings).await.is_some() {
                        me.xero_members[group].insert(contact);
                    }
                }
            }
            3 => {
                api.expect("sinch list", api.sinch(Method::GET, "/groups?page_size=5"), StatusCode::OK, &mut findings)
                    .await;
            }
            4 => {
                api.expect("xero list", api.xero(Method::GET, "/ContactGroups"), StatusCode::OK, &mut findings).await;
            }
            5 => match me.sinch_own.take() {
                Some(id) => {
                    if api
                        .expect(
                            "sinch delete",
                            api.sinch(Method::DELETE, &format!("/groups/{id}")),
                            StatusCode::OK,
                            &mut findings,
                        )
                        .await
                        .is_some()
                    {
                        me.sinch_deleted.push(id);
                    } else {
                        me.sinch_own = Some(id);
                    }
                }
                None => {
                    me.created += 1;
                    let request = api
                        .sinch(Method::POST, "/groups")
                        .json(&json!({"name": format!("c{}-{}", me.number, me.created)}));
                    let body = api.expect("sinch create", request, StatusCode::CREATED, &mut findings).await;
                    me.sinch_own = body.and_then(|b| b["id"].as_str().map(String::from));
                }
            },
            6 => match me.xero_own.take() {
                Some(id) => {
                    if api
                        .expect(
                            "xero delete",
                            api.xero(Method::DELETE, &format!("/ContactGroups/{id}")),
                            StatusCode::OK,
                            &mut findings,
                        )
                        .await
                        .is_some()
                    {
                        me.xero_deleted.push(id);
                    } else {
                        me.xero_own = Some(id);
                    }
                }
                None => {
                    me.created += 1;
                    let name = format!("own {} {} {}", me.number, me.created, uuid::Uuid::new_v4());
                    let request =
                        api.xero(Method::PUT, "/ContactGroups").json(&json!({"ContactGroups": [{"Name": name}]}));
                    let body = api.expect("xero create", request, StatusCode::OK, &mut findings).await;
                    me.xero_own = body.and_then(|b| b["ContactGroups"][0]["ContactGroupID"].as_str().map(String::from));
                }
            },
            _ => {
                let request = api.sinch(Method::GET, &format!("/groups/{}/members", sinch_groups[group]));
                api.expect("sinch members", request, StatusCode::OK, &mut findings).await;
            }
        }
    }
    (me, findings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_clients_lose_no_update_and_get_no_5xx() {
    let server = BackgroundServer::start(ServerConfig::default(), ([127, 0, 0, 1], 0).into()).expect("server starts");
    let http = conform::http::client_builder().pool_max_idle_per_host(CLIENTS).build().expect("client");
    let api = Arc::new(Api { base: server.base_url(), http });
    let mut setup = Findings::default();
    let mut sinch_groups = Vec::new();
    let mut xero_groups = Vec::new();
    for i in 0..SHARED_GROUPS {
        let body = api
            .expect(
                "setup",
                api.sinch(Method::POST, "/groups").json(&json!({"name": format!("shared {i}")})),
                StatusCode::CREATED,
                &mut setup,
            )
            .await;
        sinch_groups.push(body.expect("shared Sinch group")["id"].as_str().unwrap().to_string());
        let request =
            api.xero(Method::PUT, "/ContactGroups").json(&json!({"ContactGroups": [{"Name": format!("shared {i}")}]}));
        let body = api.expect("setup", request, StatusCode::OK, &mut setup).await.expect("shared Xero group");
        xero_groups.push(body["ContactGroups"][0]["ContactGroupID"].as_str().unwrap().to_string());
    }
    let (sinch_groups, xero_groups) = (Arc::new(sinch_groups), Arc::new(xero_groups));

    let duration = load_duration();
    let started = Instant::now();
    let until = started + duration;
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|number| {
            let me = ClientModel {
                number,
                sinch_members: vec![BTreeSet::new(); SHARED_GROUPS],
                xero_members: vec![BTreeSet::new(); SHARED_GROUPS],
                xero_contacts: Vec::new(),
                sinch_own: None,
                xero_own: None,
                sinch_deleted: Vec::new(),
                xero_deleted: Vec::new(),
                created: 0,
            };
            tokio::spawn(run_client(api.clone(), me, sinch_groups.clone(), xero_groups.clone(), until))
        })
        .collect();
    let mut clients = Vec::new();
    let mut totals = Findings::default();
    for task in tasks {
        let (me, findings) = task.await.expect("a client task panicked");
        totals.requests += findings.requests;
        totals.server_errors += findings.server_errors;
        totals.unexpected.extend(findings.unexpected);
        clients.push(me);
    }
    let elapsed = started.elapsed();
    println!(
        "reference server load: {} requests from {CLIENTS} clients in {:.1}s = {:.0} requests/s",
        totals.requests,
        elapsed.as_secs_f64(),
        totals.requests as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(totals.server_errors, 0, "5xx answers; first unexpected: {:#?}", totals.unexpected);
    assert!(totals.unexpected.is_empty(), "unexpected answers: {:#?}", totals.unexpected);
    assert!(totals.requests >= CLIENTS * 10, "the clients barely ran: {} requests", totals.requests);

    // Every shared group holds exactly the members the successful requests put there.
    let mut check = Findings::default();
    for (g, id) in sinch_groups.iter().enumerate() {
        let expected: Vec<String> = clients
            .iter()
            .flat_map(|c| c.sinch_members[g].iter().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let body = api
            .expect(
                "final sinch members",
                api.sinch(Method::GET, &format!("/groups/{id}/members")),
                StatusCode::OK,
                &mut check,
            )
            .await;
        let mut actual: Vec<String> = serde_json::from_value(body.expect("members")).expect("an array of MSISDNs");
        actual.sort();
        assert_eq!(actual, expected, "Sinch shared group {g}");
    }
    for (g, id) in xero_groups.iter().enumerate() {
        let expected: BTreeSet<String> = clients.iter().flat_map(|c| c.xero_members[g].iter().cloned()).collect();
        let body = api
            .expect(
                "final xero group",
                api.xero(Method::GET, &format!("/ContactGroups/{id}")),
                StatusCode::OK,
                &mut check,
            )
            .await;
        let contacts = body.expect("group")["ContactGroups"][0]["Contacts"].as_array().cloned().unwrap_or_default();
        let mut actual: Vec<String> = contacts.iter().map(|c| c["ContactID"].as_str().unwrap().to_string()).collect();
        actual.sort();
        assert_eq!(actual, expected.into_iter().collect::<Vec<_>>(), "Xero shared group {g}");
    }
    // Groups a client deleted are gone; the ones it still owns are there.
    let active: BTreeSet<String> = api
        .expect("final xero list", api.xero(Method::GET, "/ContactGroups"), StatusCode::OK, &mut check)
        .await
        .expect("list")["ContactGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["ContactGroupID"].as_str().unwrap().to_string())
        .collect();
    for client in &clients {
        for id in &client.xero_deleted {
            assert!(!active.contains(id), "deleted Xero group {id} is still listed");
        }
        if let Some(id) = &client.xero_own {
            assert!(active.contains(id), "Xero group {id} is missing");
        }
        for id in &client.sinch_deleted {
            let response = api.sinch(Method::GET, &format!("/groups/{id}")).send().await.expect("request");
            assert!(response.status().is_client_error(), "deleted Sinch group {id}: {}", response.status());
        }
        if let Some(id) = &client.sinch_own {
            api.expect("own sinch group", api.sinch(Method::GET, &format!("/groups/{id}")), StatusCode::OK, &mut check)
                .await;
        }
    }
    assert!(check.unexpected.is_empty(), "{:#?}", check.unexpected);
}
