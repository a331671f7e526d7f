//! Speed of the parts a large suite leans on: loading case files, matching big bodies, and whole runs against
//! the embedded reference server. Run with `cargo bench`.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

use conform::case::matcher::MatcherBuilder;
use conform::case::{LoadOptions, load};
use conform::check::body::check;
use conform::check::schema::SchemaSet;
use conform::reference::{BackgroundServer, ServerConfig};
use conform::run::vars::{Generators, Vars};
use conform::run::{RunConfig, Runner};

fn bundled() -> (Vec<conform::case::Suite>, Arc<SchemaSet>) {
    let schemas = SchemaSet::load(Path::new("specs")).expect("specs");
    let options = LoadOptions { schema_names: schemas.names().map(String::from).collect(), ..Default::default() };
    (load(&[Path::new("cases").to_path_buf()], &options).expect("cases load"), Arc::new(schemas))
}

fn loading(c: &mut Criterion) {
    let schemas = SchemaSet::load(Path::new("specs")).expect("specs");
    let options = LoadOptions { schema_names: schemas.names().map(String::from).collect(), ..Default::default() };
    c.bench_function("load bundled cases", |b| b.iter(|| load(&[Path::new("cases").to_path_buf()], &options).unwrap()));
    c.bench_function("load and compile schemas", |b| b.iter(|| SchemaSet::load(Path::new("specs")).unwrap()));
}

fn matching(c: &mut Criterion) {
    let mut vars = Vars::new(Arc::new(Generators::new()));
    let members: Vec<Value> = (0..10_000).map(|i| Value::String(format!("46{i:011}"))).collect();
    vars.set("members", Value::Array(members.clone()));
    let mut shuffled = members.clone();
    shuffled.reverse();
    let actual = Value::Array(shuffled);
    let yaml: serde_yaml::Value = serde_yaml::from_str("!unordered '{{members}}'").unwrap();
    let unordered = MatcherBuilder::new().build(&yaml, false, "body").unwrap();
    c.bench_function("unordered 10,000 MSISDNs", |b| b.iter(|| check(&unordered, Some(&actual), &vars).unwrap()));

    let page: Value = serde_json::json!({"page": 0, "page_size": 100, "count": 100, "groups": (0..100).map(|i| serde_json::json!({"id": format!("id{i}"), "name": format!("g{i}"), "size": i, "created_at": "2024-06-06T08:59:22.156Z", "modified_at": "2024-06-06T08:59:22.156Z"})).collect::<Vec<_>>()});
    let yaml: serde_yaml::Value = serde_yaml::from_str(
        "{page: 0, groups: !contains_in_order [{id: id90}, {id: id50}, {id: id10}], count: !ge 3}",
    )
    .unwrap();
    let partial = MatcherBuilder::new().build(&yaml, false, "body").unwrap();
    c.bench_function("partial match of a 100-group page", |b| b.iter(|| check(&partial, Some(&page), &vars).unwrap()));
}

fn running(c: &mut Criterion) {
    let (suites, schemas) = bundled();
    let server = BackgroundServer::start(ServerConfig::default(), ([127, 0, 0, 1], 0).into()).expect("server");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let runner = Runner::new(RunConfig::new(server.base_url()), schemas).unwrap();
    let plan: Vec<(usize, usize)> =
        suites.iter().enumerate().flat_map(|(s, suite)| (0..suite.cases.len()).map(move |c| (s, c))).collect();
    let mut group = c.benchmark_group("runs");
    group.sample_size(10);
    group.bench_function("every bundled case against the embedded server", |b| {
        b.iter(|| runtime.block_on(runner.run(&suites, &plan, &|_| {})))
    });
    group.finish();
}

criterion_group!(benches, loading, matching, running);
criterion_main!(benches);
