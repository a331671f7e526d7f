//! The suites' strength: against every deliberately broken reference server (`conform serve --fault`), a case
//! must catch the fault at its level. A fault that breaks a `must` behaviour fails the default gate; one that
//! only breaks fidelity (`should`) leaves the default gate passing with non-strict cases, and fails under
//! `--strict`. Against the clean server every case passes, under `--strict` too.

mod common;

use conform::case::Level;
use conform::reference::{Fault, ServerConfig, all_faults};
use futures::StreamExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_caught_at_its_level_and_the_clean_server_passes_strictly() {
    let project = common::bundled();

    let clean = common::start(ServerConfig::default());
    let result = common::run_all_at(project.clone(), &clean.base_url(), None, true).await;
    let failed = common::failures(&result);
    assert!(failed.is_empty(), "the clean reference server fails cases under --strict:\n{}", failed.join("\n"));
    drop(clean);

    // Four faulty servers at a time: a fault's run waits on its slowest case (some pause over a second).
    let verdicts: Vec<Result<String, String>> = futures::stream::iter(all_faults())
        .map(|fault| catch(project.clone(), fault))
        .buffer_unordered(4)
        .collect()
        .await;
    let (caught, missed): (Vec<_>, Vec<_>) = verdicts.into_iter().partition(Result::is_ok);
    let caught: Vec<String> = caught.into_iter().filter_map(Result::ok).collect();
    let missed: Vec<String> = missed.into_iter().filter_map(Result::err).collect();
    let total = caught.len() + missed.len();
    println!("{}", caught.join("\n"));
    println!("faults caught at their level: {}/{total}", caught.len());
    assert!(total >= 25, "only {total} faults are defined");
    assert!(missed.is_empty(), "faults not caught at their level:\n{}", missed.join("\n"));
}

/// How the suites catch `fault`: `Ok` with a line saying so, or `Err` saying what is missing.
async fn catch(project: std::sync::Arc<conform::project::Project>, fault: Fault) -> Result<String, String> {
    let server = common::start(ServerConfig { fault: Some(fault), ..ServerConfig::default() });
    // Each API's suite has the API's name, so a new API's faults are run against its own suite.
    let result = common::run_all(project.clone(), &server.base_url(), Some(fault.api())).await;
    let (failed, non_strict) = (common::failures(&result), common::non_strict(&result));
    let name = format!("{} ({}) — {}", fault.name(), fault.level().name(), fault.description());
    match fault.level() {
        Level::Must if failed.is_empty() => Err(format!("{name}: no case fails")),
        Level::Must => Ok(format!("{:<45} fails {} case(s), e.g. {}", fault.name(), failed.len(), failed[0])),
        Level::Should if !failed.is_empty() => Err(format!("{name}: fails the default gate, e.g. {}", failed[0])),
        Level::Should if non_strict.is_empty() => Err(format!("{name}: no case is non-strict")),
        Level::Should => {
            let strict = common::run_all_at(project, &server.base_url(), Some(fault.api()), true).await;
            if common::failures(&strict).is_empty() {
                return Err(format!("{name}: --strict does not fail it"));
            }
            Ok(format!(
                "{:<45} non-strict in {} case(s), fails under --strict, e.g. {}",
                fault.name(),
                non_strict.len(),
                non_strict[0]
            ))
        }
    }
}
