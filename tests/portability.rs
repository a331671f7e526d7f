//! The suites are portable: they pass against a server that already holds data like a real account, with two
//! runs going on at the same time.

mod common;

use conform::reference::ServerConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_at_once_against_an_account_with_data_both_pass() {
    let project = common::bundled();
    let server = common::start(ServerConfig { with_data: true, ..ServerConfig::default() });
    let url = server.base_url();
    let (first, second) =
        tokio::join!(common::run_all(project.clone(), &url, None), common::run_all(project.clone(), &url, None));
    for (name, result) in [("first", &first), ("second", &second)] {
        let failed = common::failures(result);
        assert!(failed.is_empty(), "the {name} run fails against --with-data:\n{}", failed.join("\n"));
        assert!(!result.cases.is_empty());
    }
}
