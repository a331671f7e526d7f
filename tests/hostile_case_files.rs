//! Case files made to hurt the loader, generated at test time into a temporary folder (a 50 MiB file is not
//! committed): each ends `conform validate` with exit 2, the position and one sentence, within a time and a
//! memory bound — not a hang, a stack overflow or gigabytes of aliases. A file broken everywhere lists its
//! first 100 errors, not a screen for every case.
//!
//! Memory is the child's peak resident set as the kernel reports it to `wait4`. That figure includes what this
//! test process held when it started the child (Linux keeps the peak across `exec`), so no test here holds a
//! large file in memory: the 50 MiB one is written in pieces.

#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Every run here takes well under a second, a few on a busy machine; without the limits one takes minutes.
const TIME_BOUND: Duration = Duration::from_secs(30);

/// `conform validate` itself needs about 12 MiB; reading the 50 MiB file, or expanding the aliases, would not
/// fit.
const MEMORY_BOUND_KIB: i64 = 48 * 1024;

/// A run is killed after this, so a regression fails instead of hanging `cargo test`.
const KILL_AFTER: Duration = Duration::from_secs(120);

struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
    peak_rss_kib: i64,
}

/// A suite folder with `cases.yaml` holding `cases`, validated by the `conform` binary.
fn validate(cases: &[u8]) -> (tempfile::TempDir, Run) {
    validate_written(|file| file.write_all(cases))
}

/// A suite folder whose `cases.yaml` is written by `write`, validated by the `conform` binary.
fn validate_written(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> (tempfile::TempDir, Run) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("suite.yaml"), "vars:\n  host_id: h1\n").expect("suite.yaml");
    let mut file = std::io::BufWriter::new(std::fs::File::create(dir.path().join("cases.yaml")).expect("cases.yaml"));
    write(&mut file).and_then(|()| file.flush()).expect("cases.yaml written");
    drop(file);
    let run = run_validate(dir.path());
    (dir, run)
}

// The child is reaped with `wait4` instead of `Child::wait`, for its resource usage.
#[allow(clippy::zombie_processes)]
fn run_validate(dir: &Path) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_conform"))
        .args(["validate".as_ref(), dir.as_os_str(), "--specs".as_ref(), dir.join("specs").as_os_str()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("conform starts");
    let pid = child.id() as libc::pid_t;
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let until = Instant::now() + KILL_AFTER;
            while !done.load(Ordering::SeqCst) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
            }
            if !done.load(Ordering::SeqCst) {
                // SAFETY: the child is not reaped yet (only `wait4` below reaps it), so the pid is still ours.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        })
    };
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr is UTF-8");
    let mut status = 0;
    // SAFETY: plain out-parameters; `rusage` is a C struct for which all zero bytes are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    done.store(true, Ordering::SeqCst);
    watchdog.join().expect("watchdog");
    assert_eq!(reaped, pid, "wait4 reaps the child");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run { code, stderr, elapsed: start.elapsed(), peak_rss_kib: usage.ru_maxrss }
}

/// Exit 2 in bounded time and memory, and exactly one diagnostic: `cases.yaml:LINE:COL: message`.
fn assert_refused(dir: &Path, run: &Run, line: usize, column: usize, message: &str) {
    assert_eq!(run.code, Some(2), "exit code; stderr:\n{}", run.stderr);
    assert!(run.elapsed < TIME_BOUND, "took {:?}", run.elapsed);
    assert!(run.peak_rss_kib < MEMORY_BOUND_KIB, "peak memory {} KiB", run.peak_rss_kib);
    let first = run.stderr.lines().next().unwrap_or_default();
    let expected = format!("{}:{line}:{column}: {message}", dir.join("cases.yaml").display());
    assert_eq!(first, expected, "\n{}", run.stderr);
    assert!(run.stderr.trim_end().ends_with("\n1 error found"), "{}", run.stderr);
    // Every line printed stays short, however long the file's lines are.
    let longest = run.stderr.lines().map(|l| l.chars().count()).max().unwrap_or_default();
    assert!(longest <= first.chars().count().max(120), "a line of {longest} characters:\n{}", run.stderr);
}

const HEAD: &str = "cases:\n  - name: hostile\n    steps:\n      - request: {method: GET, path: /things}\n        expect:\n          body: ";

#[test]
fn a_50_mib_file_is_refused_unread() {
    let case =
        "  - name: c\n    steps:\n      - request: {method: GET, path: /things}\n        expect: {status: 200}\n";
    let size = 50 * 1024 * 1024;
    let (dir, run) = validate_written(|file| {
        let block = case.repeat(1024);
        let mut written = file.write(b"cases:\n")?;
        while written < size {
            let part = &block.as_bytes()[..block.len().min(size - written)];
            file.write_all(part)?;
            written += part.len();
        }
        Ok(())
    });
    assert_eq!(std::fs::metadata(dir.path().join("cases.yaml")).expect("written").len(), size as u64);
    let message = "the file is 50 MiB, larger than the 1 MiB a case, suite or catalogue file may be; split it into \
                   several files";
    assert_refused(dir.path(), &run, 1, 1, message);
}

#[test]
fn ten_thousand_nested_brackets() {
    let depth = 10_000;
    let text = format!("{HEAD}{}{}\n", "[".repeat(depth), "]".repeat(depth));
    let (dir, run) = validate(text.as_bytes());
    // yaml-rust2's scanner reads runs of `[` ahead and gives up at 255 open ones, before the scan sees the
    // 101st level; the fallback count, of brackets alone, points at the 101st `[`.
    assert_refused(dir.path(), &run, 6, 17 + 100, "nesting deeper than 100 levels; is a bracket left open?");
}

#[test]
fn a_hundred_thousand_nested_mappings() {
    // libyaml alone needs minutes for this (its time per token grows with the depth).
    let depth = 100_000;
    let text = format!("{HEAD}{}1{}\n", "{a: ".repeat(depth), "}".repeat(depth));
    let (dir, run) = validate(text.as_bytes());
    assert_refused(dir.path(), &run, 6, 17 + 94 * 4, "nesting deeper than 100 levels; is a bracket left open?");
}

#[test]
fn ten_thousand_nested_block_sequences() {
    let text = format!("{HEAD}\n            {}x\n", "- ".repeat(10_000));
    let (dir, run) = validate(text.as_bytes());
    assert_refused(dir.path(), &run, 7, 13 + 94 * 2, "nesting deeper than 100 levels; is a bracket left open?");
}

#[test]
fn deep_brackets_after_a_line_only_libyaml_accepts() {
    // yaml-rust2 stops at `a:<TAB>b` (libyaml reads it), so its scan never reaches the brackets; the fallback
    // count still keeps serde_yaml from them.
    let depth = 100_000;
    let text = format!("a:\tb\ncases: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let (dir, run) = validate(text.as_bytes());
    assert_refused(dir.path(), &run, 2, 8 + 100, "nesting deeper than 100 levels; is a bracket left open?");
}

#[test]
fn one_large_anchor_repeated_by_many_aliases() {
    // Below serde_yaml's own limit (it counts alias jumps, not the values they copy): 10,000 values × 2,000
    // aliases would be 20 million values.
    let list = vec!["1"; 10_000].join(", ");
    let aliases = vec!["*big"; 2_000].join(", ");
    let text = format!("big: &big [{list}]\ncases: [{aliases}]\n");
    let (dir, run) = validate(text.as_bytes());
    let message = "aliases expand this file by more than 100000 values (a YAML alias bomb?); write the values out or \
                   use fewer aliases";
    // Each alias adds the list and its 10,000 values: the 10th passes 100,000.
    assert_refused(dir.path(), &run, 2, 9 + 9 * 6, message);
}

#[test]
fn aliases_after_a_line_only_libyaml_accepts() {
    // The scan stops at the tab, so it never measures the aliases: the file is refused with yaml-rust2's
    // reason rather than handed to serde_yaml, which would copy the list 2,000 times.
    let list = vec!["1"; 10_000].join(", ");
    let aliases = vec!["*big"; 2_000].join(", ");
    let text = format!("a:\tb\nbig: &big [{list}]\ncases: [{aliases}]\n");
    let (dir, run) = validate(text.as_bytes());
    assert_refused(dir.path(), &run, 1, 4, "':' must be followed by a valid YAML whitespace");
}

/// A file just under the size limit that is read to its end, as a file broken in every case is (every case is
/// read for its errors): a valid file of that size needs about 80 MiB in a debug build.
const READ_FILE_MEMORY_BOUND_KIB: i64 = 160 * 1024;

/// Exit 2 in bounded time and memory with the first 100 errors of the file, the first at `line:column` saying
/// `first`, and one more line saying the rest are not listed.
fn assert_errors_capped(dir: &Path, run: &Run, line: usize, column: usize, first: &str) {
    assert_eq!(run.code, Some(2), "exit code; stderr:\n{}", run.stderr);
    assert!(run.elapsed < TIME_BOUND, "took {:?}", run.elapsed);
    assert!(run.peak_rss_kib < READ_FILE_MEMORY_BOUND_KIB, "peak memory {} KiB", run.peak_rss_kib);
    let file = dir.join("cases.yaml").display().to_string();
    let headers: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with(&file)).collect();
    assert_eq!(headers.first().copied(), Some(format!("{file}:{line}:{column}: {first}").as_str()));
    assert_eq!(headers.len(), 101, "100 errors and the note:\n{}", run.stderr);
    let note = headers.last().expect("a note");
    assert!(note.ends_with(": more than 100 errors in this file; the rest are not listed"), "{note}");
}

/// About 1 MiB (the largest file read) of `head` and then `item` repeated, with `{i}` replaced by its number.
fn near_the_limit(head: &str, item: &str) -> Vec<u8> {
    let mut text = head.to_string();
    let mut i = 0;
    while text.len() < 1000 * 1000 {
        text.push_str(&item.replace("{i}", &i.to_string()));
        i += 1;
    }
    text.into_bytes()
}

#[test]
fn every_case_broken_lists_the_first_hundred_errors() {
    // 25,000 cases, each with an unknown key and a wrong type: each case is read twice, the file once.
    let text = near_the_limit("cases:\n", "  - name: c{i}\n    stepz: []\n    tags: 5\n");
    let (dir, run) = validate(&text);
    let first = "cases[0]: unknown field `stepz`, expected one of `name`, `description`, `tags`, `requirements`, \
                 `vars`, `needs`, `steps`, `cleanup`";
    assert_errors_capped(dir.path(), &run, 3, 5, first);
}

#[test]
fn every_step_of_one_large_case_broken_lists_the_first_hundred_errors() {
    // One case of 20,000 steps, each with an unknown key: the case is read again after each error, so the cap
    // also bounds the time, to 100 readings of the case.
    let text = near_the_limit(
        "cases:\n  - name: big\n    steps:\n",
        "      - request: {method: GET, path: /x}\n        expectt: {}\n",
    );
    let (dir, run) = validate(&text);
    let first = "cases[0].steps[0]: unknown field `expectt`, expected one of `name`, `requirements`, `pause_ms`, \
                 `request`, `paginate`, `retry`, `expect`, `capture`, `snapshot`";
    assert_errors_capped(dir.path(), &run, 5, 9, first);
}
