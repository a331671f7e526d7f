//! Each Sinch fault must be visible to a black-box client: one probe per fault, whose observation differs
//! between a healthy server and a server running that fault.

use conform::reference::{Fault, all_faults};
use serde_json::{Value, json};

use super::{Api, is_millis_utc, keys};

/// Sends the requests that reveal `fault` and sums up what came back, in a form that is stable across runs.
async fn probe(fault: &str, api: &Api) -> Value {
    match fault {
        "sinch-create-returns-200" => json!(api.post("/groups", json!({})).await.status.as_u16()),
        "sinch-name-length-unchecked" => {
            json!(api.post("/groups", json!({"name": "n".repeat(21)})).await.status.as_u16())
        }
        "sinch-members-limit-unchecked" => {
            let many: Vec<String> = (0..10_001).map(|i| format!("4670{i:07}")).collect();
            json!(api.post("/groups", json!({"members": many})).await.status.as_u16())
        }
        "sinch-adds-after-removes" => {
            let id = create(api, json!({})).await;
            let body = json!({"add": ["123456789"], "remove": ["123456789"]});
            api.post(&format!("/groups/{id}"), body).await.body["size"].clone()
        }
        "sinch-null-name-ignored" => {
            let id = create(api, json!({"name": "named"})).await;
            json!(api.post(&format!("/groups/{id}"), json!({"name": null})).await.body.get("name"))
        }
        "sinch-list-oldest-first" => {
            for name in ["first", "second", "third"] {
                create(api, json!({"name": name})).await;
            }
            let page = api.get("/groups").await.body;
            page["groups"].as_array().map(|g| g.iter().map(|g| g["name"].clone()).collect()).unwrap_or_default()
        }
        "sinch-pages-from-one" => {
            for name in ["first", "second", "third"] {
                create(api, json!({"name": name})).await;
            }
            api.get("/groups?page=1&page_size=1").await.body["groups"][0]["name"].clone()
        }
        "sinch-count-is-page-length" => {
            for _ in 0..3 {
                create(api, json!({})).await;
            }
            api.get("/groups?page_size=1").await.body["count"].clone()
        }
        "sinch-page-size-echoes-request" => {
            create(api, json!({})).await;
            api.get("/groups?page_size=10").await.body["page_size"].clone()
        }
        "sinch-plus-kept" => {
            let id = create(api, json!({"members": ["+12018881111"]})).await;
            api.get(&format!("/groups/{id}/members")).await.body
        }
        "sinch-delete-keeps-group" => {
            let id = create(api, json!({})).await;
            let deleted = api.delete(&format!("/groups/{id}")).await.status.as_u16();
            json!([deleted, api.get(&format!("/groups/{id}")).await.status.as_u16()])
        }
        "sinch-duplicate-adds-counted" => {
            let id = create(api, json!({"members": ["123456789"]})).await;
            api.post(&format!("/groups/{id}"), json!({"add": ["123456789"]})).await.body["size"].clone()
        }
        "sinch-unknown-child-accepted" => {
            let body = json!({"child_groups": ["01FC66621VHDBN119Z8PMV1QPU"]});
            json!(api.post("/groups", body).await.status.as_u16())
        }
        "sinch-replace-keeps-name" => {
            let id = create(api, json!({"name": "named"})).await;
            json!(api.put(&format!("/groups/{id}"), json!({"members": []})).await.body.get("name"))
        }
        "sinch-modified-at-frozen" => {
            let created = api.post("/groups", json!({})).await.body;
            let id = created["id"].as_str().unwrap_or_default();
            let updated = api.post(&format!("/groups/{id}"), json!({"add": ["123456789"]})).await.body;
            json!(updated["modified_at"].as_str() > created["modified_at"].as_str())
        }
        "sinch-invalid-msisdn-wrong-code" => api.post("/groups", json!({"members": ["+1"]})).await.body["code"].clone(),
        "sinch-auth-not-enforced" => {
            json!(api.raw(api.client.get(api.url("/groups"))).await.status.as_u16())
        }
        "sinch-child-members-ignored" => {
            let child = create(api, json!({"members": ["111111111"]})).await;
            api.post("/groups", json!({"child_groups": [child]})).await.body["size"].clone()
        }
        "sinch-list-includes-members" => {
            create(api, json!({"members": ["111111111"]})).await;
            json!(keys(&api.get("/groups").await.body["groups"][0]))
        }
        "sinch-unknown-remove-rejected" => {
            let id = create(api, json!({})).await;
            json!(api.post(&format!("/groups/{id}"), json!({"remove": ["123456789"]})).await.status.as_u16())
        }
        "sinch-duplicate-name-accepted" => {
            create(api, json!({"name": "twice"})).await;
            json!(api.post("/groups", json!({"name": "twice"})).await.status.as_u16())
        }
        "sinch-delete-returns-204" => {
            let id = create(api, json!({})).await;
            json!(api.delete(&format!("/groups/{id}")).await.status.as_u16())
        }
        "sinch-timestamps-without-millis" => {
            let group = api.post("/groups", json!({})).await.body;
            json!(is_millis_utc(group["created_at"].as_str().unwrap_or_default()))
        }
        "sinch-unnamed-null-name" => json!(keys(&api.post("/groups", json!({})).await.body)),
        "sinch-page-size-limit-unchecked" => json!(api.get("/groups?page_size=101").await.status.as_u16()),
        "sinch-negative-page-served" => json!(api.get("/groups?page=-1").await.status.as_u16()),
        "sinch-unknown-group-400" => json!(api.get("/groups/01NOSUCHGROUP000000000000").await.status.as_u16()),
        "sinch-replace-members-optional" => {
            let id = create(api, json!({})).await;
            json!(api.put(&format!("/groups/{id}"), json!({"name": "no members"})).await.status.as_u16())
        }
        "sinch-null-auto-update-clears" => {
            let auto = json!({"to": "54321", "add": {"first_word": "join"}});
            let id = create(api, json!({"auto_update": auto})).await;
            let body = json!({"add": ["123456789"], "auto_update": null});
            api.post(&format!("/groups/{id}"), body).await.body.get("auto_update").cloned().into()
        }
        "sinch-null-fields-rejected" => {
            let created = api.post("/groups", json!({"members": null, "child_groups": null})).await.status.as_u16();
            let id = create(api, json!({})).await;
            let body = json!({"add": null, "remove": null, "add_from_group": null, "remove_from_group": null});
            json!([created, api.post(&format!("/groups/{id}"), body).await.status.as_u16()])
        }
        other => panic!("no probe for fault {other}: add one"),
    }
}

/// Creates a group and returns its id, whatever success status the server answers with.
async fn create(api: &Api, body: Value) -> String {
    let answer = api.post("/groups", body).await;
    assert!(answer.status.is_success(), "create failed: {}", answer.text);
    answer.body["id"].as_str().expect("id").to_string()
}

fn sinch_faults() -> Vec<Fault> {
    all_faults().filter(|f| f.api() == "sinch").collect()
}

#[test]
fn the_catalogue_has_named_described_sinch_faults() {
    let faults = sinch_faults();
    assert!(faults.len() >= 15, "only {} faults", faults.len());
    for fault in &faults {
        assert!(fault.name().starts_with("sinch-"), "{}", fault.name());
        assert!(!fault.description().is_empty() && !fault.description().contains('\n'), "{}", fault.name());
        assert_eq!(faults.iter().filter(|f| f.name() == fault.name()).count(), 1, "{} twice", fault.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_changes_what_a_client_sees() {
    let mut invisible = Vec::new();
    for fault in sinch_faults() {
        let healthy = probe(fault.name(), &Api::start()).await;
        let faulty = probe(fault.name(), &Api::faulty(fault.name())).await;
        if healthy == faulty {
            invisible.push(format!("{}: both saw {healthy}", fault.name()));
        }
    }
    assert!(invisible.is_empty(), "faults a client cannot see:\n{}", invisible.join("\n"));
}

/// The healthy observations pinned, so a probe cannot pass by both servers being wrong the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn healthy_observations_match_the_contract() {
    let expected = [
        ("sinch-create-returns-200", json!(201)),
        ("sinch-name-length-unchecked", json!(400)),
        ("sinch-members-limit-unchecked", json!(400)),
        ("sinch-adds-after-removes", json!(0)),
        ("sinch-null-name-ignored", Value::Null),
        ("sinch-list-oldest-first", json!(["third", "second", "first"])),
        ("sinch-pages-from-one", json!("second")),
        ("sinch-count-is-page-length", json!(3)),
        ("sinch-page-size-echoes-request", json!(1)),
        ("sinch-plus-kept", json!(["12018881111"])),
        ("sinch-delete-keeps-group", json!([200, 404])),
        ("sinch-duplicate-adds-counted", json!(1)),
        ("sinch-unknown-child-accepted", json!(403)),
        ("sinch-replace-keeps-name", Value::Null),
        ("sinch-modified-at-frozen", json!(true)),
        ("sinch-invalid-msisdn-wrong-code", json!("syntax_invalid_parameter_format")),
        ("sinch-auth-not-enforced", json!(401)),
        ("sinch-child-members-ignored", json!(1)),
        ("sinch-list-includes-members", json!(["id", "size", "created_at", "modified_at"])),
        ("sinch-unknown-remove-rejected", json!(200)),
        ("sinch-duplicate-name-accepted", json!(403)),
        ("sinch-delete-returns-204", json!(200)),
        ("sinch-timestamps-without-millis", json!(true)),
        ("sinch-unnamed-null-name", json!(["id", "size", "created_at", "modified_at"])),
        ("sinch-page-size-limit-unchecked", json!(400)),
        ("sinch-replace-members-optional", json!(400)),
        ("sinch-negative-page-served", json!(400)),
        ("sinch-unknown-group-400", json!(404)),
        ("sinch-null-auto-update-clears", json!({"to": "54321", "add": {"first_word": "join"}})),
        ("sinch-null-fields-rejected", json!([201, 200])),
    ];
    assert_eq!(expected.len(), sinch_faults().len(), "pin every fault's healthy observation");
    for (fault, want) in expected {
        assert_eq!(probe(fault, &Api::start()).await, want, "{fault}");
    }
}
