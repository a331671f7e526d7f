//! Speed of the parts a large suite leans on: loading case files, matching big bodies, and whole runs against
//! the embedded reference server. Run with `cargo bench`.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

use conform::case::matcher::MatcherBuilder;
use conform::case::vars::{Generators, Vars};
use conform::check::body::check;
use conform::check::schema::SchemaSet;
use conform::project::{Project, ProjectSource};
use conform::run::{RunConfig, Runner};
use conform::target::Target;

fn loading(c: &mut Criterion) {
    c.bench_function("load bundled cases and schemas", |b| {
        b.iter(|| Project::load(&ProjectSource::bundled()).unwrap())
    });
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
    let schemas = SchemaSet::load(Path::new("specs")).unwrap();
    c.bench_function("schema of a 10,000-member body", |b| {
        b.iter(|| assert!(schemas.validate("sinch/members.json", &actual).is_empty()))
    });

    let page: Value = serde_json::json!({"page": 0, "page_size": 100, "count": 100, "groups": (0..100).map(|i| serde_json::json!({"id": format!("id{i}"), "name": format!("g{i}"), "size": i, "created_at": "2024-06-06T08:59:22.156Z", "modified_at": "2024-06-06T08:59:22.156Z"})).collect::<Vec<_>>()});
    let yaml: serde_yaml::Value = serde_yaml::from_str(
        "{page: 0, groups: !contains_in_order [{id: id90}, {id: id50}, {id: id10}], count: !ge 3}",
    )
    .unwrap();
    let partial = MatcherBuilder::new().build(&yaml, false, "body").unwrap();
    c.bench_function("partial match of a 100-group page", |b| b.iter(|| check(&partial, Some(&page), &vars).unwrap()));
}

fn running(c: &mut Criterion) {
    let project = Arc::new(Project::load(&ProjectSource::bundled()).expect("bundled project"));
    let target = Target::embedded().expect("server");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let plan = project.all_cases();
    let runner = Runner::new(project, RunConfig::new(target.base_url())).unwrap();
    let mut group = c.benchmark_group("runs");
    group.sample_size(10);
    group.bench_function("every bundled case against the embedded server", |b| {
        b.iter(|| runtime.block_on(runner.run(&plan, &|_| {})))
    });
    group.finish();
}

criterion_group!(benches, loading, matching, running);
criterion_main!(benches);
