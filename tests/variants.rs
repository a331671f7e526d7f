//! The suites' fairness: every conforming variant of the reference server (`conform serve --variant`) makes
//! other choices the documents allow, so the bundled suites must pass each one at the default level (cases
//! that fail only `should:` expectations are non-strict and pass). A case that fails here pins a choice the
//! contract leaves free. Like a user against their own implementation, it leaves out `legacy` and
//! `seed-verbs` cases (see the README).

mod common;

use conform::reference::{ServerConfig, all_variants};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_suites_pass_every_variant() {
    let project = common::bundled();
    let mut report = Vec::new();
    let mut failing = 0;
    for variant in all_variants() {
        let server = common::start(ServerConfig { variant: Some(variant), ..ServerConfig::default() });
        let result = common::run_contract(project.clone(), &server.base_url()).await;
        let failed = common::failures(&result);
        failing += failed.len();
        println!("variant {variant}: {} of {} cases fail or error", failed.len(), result.cases.len());
        for line in &failed {
            println!("  {line}");
        }
        if !failed.is_empty() {
            report.push(format!("{variant} ({}):\n  {}", variant.description(), failed.join("\n  ")));
        }
    }
    assert!(all_variants().count() >= 2, "at least two conforming variants are defined");
    assert!(failing == 0, "cases fail against conforming variants:\n{}", report.join("\n"));
}

#[test]
fn list_variants_names_every_variant() {
    let output = common::conform(&["serve", "--list-variants"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for variant in all_variants() {
        assert!(stdout.contains(&format!("{:<40} {}\n", variant.name(), variant.description())), "{variant}");
    }
    assert!(stdout.ends_with(&format!("{} variants\n", all_variants().count())), "{stdout}");
}

#[test]
fn an_unknown_variant_exits_2_with_a_suggestion() {
    let output = common::conform(&["serve", "--variant", "minimall"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        "error: unknown variant `minimall`, did you mean `minimal`? (see `conform serve --list-variants`)\n"
    );
}
