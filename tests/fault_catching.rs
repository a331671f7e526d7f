//! The suites' strength: against every deliberately broken reference server (`conform serve --fault`), at least
//! one case must fail; against the clean server, every case passes.

mod common;

use conform::reference::{ServerConfig, all_faults};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_caught_and_the_clean_server_passes() {
    let project = common::bundled();

    let clean = common::start(ServerConfig::default());
    let result = common::run_all(project.clone(), &clean.base_url(), None).await;
    let failed = common::failures(&result);
    assert!(failed.is_empty(), "the clean reference server fails cases:\n{}", failed.join("\n"));
    drop(clean);

    let mut caught = Vec::new();
    let mut missed = Vec::new();
    for fault in all_faults() {
        let server = common::start(ServerConfig { fault: Some(fault), ..ServerConfig::default() });
        // Each API's suite has the API's name, so a new API's faults are run against its own suite.
        let result = common::run_all(project.clone(), &server.base_url(), Some(fault.api())).await;
        let failed = common::failures(&result);
        if failed.is_empty() {
            missed.push(format!("{} — {}", fault.name(), fault.description()));
        } else {
            caught.push(format!("{:<45} caught by {} case(s), e.g. {}", fault.name(), failed.len(), failed[0]));
        }
    }
    let total = caught.len() + missed.len();
    println!("{}", caught.join("\n"));
    println!("faults caught: {}/{total}", caught.len());
    assert!(total >= 25, "only {total} faults are defined");
    assert!(missed.is_empty(), "faults no case catches:\n{}", missed.join("\n"));
}
