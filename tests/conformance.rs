//! `cargo test` runs every bundled case as its own test (libtest-mimic), named `suite::file::case`, so
//! `cargo test -- sinch::update` filters and `cargo test -- --list` lists. The target is `CONFORM_BASE_URL`
//! when set, otherwise the embedded reference server; variables come from `CONFORM_VAR_*` as for
//! `conform run`. The harness itself is `conform::harness`.

fn main() {
    conform::harness::main()
}
