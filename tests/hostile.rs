//! `conform run` over every bundled case against servers that misbehave at the HTTP level, each played by a
//! raw TCP server in this file (127.0.0.1, bytes written by hand): a 100 MiB JSON body (announced, and
//! chunked), a server that never answers, one that sends headers then stalls, one that drips its body a byte
//! a second, a connection reset, a close mid-body, invalid JSON, invalid UTF-8, a redirect loop, HTTP/1.0
//! without a length, and a 500 with an HTML page; and a port where nothing listens.
//!
//! Each test asserts the exit code, the reason shown, a time bound, and that the output and the JUnit, JSON
//! and HTML reports stay small (nothing printed or written grows with the body); the large-body tests also
//! bound the peak memory of the run. The bounds are generous (about 3x what is expected) so that a loaded
//! machine does not fail them, yet far below what an unbounded run takes (a hung target used to cost one
//! timeout per case: minutes; a 100 MiB body, gigabytes). `--nocapture` shows each run's time, peak memory
//! and sizes.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What every run passes: a short deadline, and no snapshots (they are for the embedded server).
const TIMEOUT_SECS: &str = "5";

/// The default body cap (`--max-body-size`), which the memory bound is a multiple of.
const CAP: u64 = conform::run::DEFAULT_MAX_BODY_SIZE;

/// 100 MiB, the body of the large-body servers.
const HUGE: u64 = 100 * 1024 * 1024;

/// A run against a hung, stalled or dripping target stops after [`conform::run::UNRESPONSIVE_AFTER`] requests in a
/// row got no answer: about two deadlines at two jobs, plus one for the cleanup still tried. Bound: 3x that.
const HUNG_BOUND: Duration = Duration::from_secs(45);

/// Any other run: each case gets its answer at once; a debug build on two cores does all of them in seconds.
const QUICK_BOUND: Duration = Duration::from_secs(60);

/// Everything a run prints, stdout and stderr together, stays under this however large the bodies are.
const OUTPUT_BOUND: usize = 1024 * 1024;

/// Each report stays under this: a report of every bundled case is about 300-600 KB whatever the bodies; the
/// rest is room for what reports may come to hold per step.
const REPORT_BOUND: u64 = 2 * 1024 * 1024;

/// Peak resident memory of a run against a 100 MiB body: a read stops at the cap, so each of the (at most
/// `--jobs 2`) requests in flight holds at most one cap of body; the rest is conform itself (suites, schemas,
/// runtime: about 30 MiB in a debug build). Bound: 4 caps plus 64 MiB of that baseline.
const MEMORY_BOUND_KIB: u64 = (4 * CAP + 64 * 1024 * 1024) / 1024;

/// How one misbehaving server answers every request.
#[derive(Debug, Clone, Copy)]
enum Behaviour {
    /// 200, `Content-Length: 104857600`, a JSON array of that size.
    HugeJson,
    /// 200, chunked, a JSON array of 100 MiB: no length to fail early on, so the read itself must stop.
    HugeJsonChunked,
    /// Reads the request, never writes a byte.
    NeverAnswers,
    /// Sends the status line and headers of a 100-byte body, then nothing.
    HeadersThenStall,
    /// Sends headers of a 100-byte body, then one byte a second.
    Drip,
    /// Reads the request, then resets the connection.
    Reset,
    /// Announces 1,000 bytes, sends 10, closes.
    CloseMidBody,
    /// 200, `application/json`, a body that is not JSON.
    InvalidJson,
    /// 200, `application/json`, a body with bytes that are not UTF-8.
    InvalidUtf8,
    /// 302 to the same path, forever.
    RedirectLoop,
    /// `HTTP/1.0 200`, no `Content-Length`: the body ends when the connection closes.
    Http10NoLength,
    /// 500 with a 20 KB HTML error page.
    Html500,
}

/// A raw TCP server on 127.0.0.1 with one behaviour, in its own thread and runtime; it lives as long as the
/// test process (each test's is small, and a stalled connection must stay open until conform gives up on it).
fn serve(behaviour: Behaviour) -> String {
    let (ready, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
            ready.send(listener.local_addr().expect("address")).expect("test waits");
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                tokio::spawn(answer(stream, behaviour));
            }
        });
    });
    format!("http://{}", address.recv().expect("server started"))
}

/// Reads one request: its head, then as many body bytes as it announces (unread bytes would make the close
/// a reset, which only [`Behaviour::Reset`] wants).
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0);
    let mut have = data.len() - head_end;
    while have < length {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        have += n;
    }
    Some(head)
}

/// Answers every request on `stream` as `behaviour` says, one request per connection.
async fn answer(mut stream: TcpStream, behaviour: Behaviour) {
    let Some(head) = read_request(&mut stream).await else { return };
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let _ = match behaviour {
        Behaviour::HugeJson => {
            let headers =
                format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {HUGE}\r\n\r\n");
            write_huge(&mut stream, headers.as_bytes(), false).await
        }
        Behaviour::HugeJsonChunked => {
            let headers = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            write_huge(&mut stream, headers.as_bytes(), true).await
        }
        Behaviour::NeverAnswers => hold(&mut stream).await,
        Behaviour::HeadersThenStall => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n")
                .await;
            hold(&mut stream).await
        }
        Behaviour::Drip => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n")
                .await;
            let body = format!("{{\"a\":\"{}\"}}", "x".repeat(92));
            for byte in body.as_bytes() {
                if stream.write_all(&[*byte]).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Ok(())
        }
        Behaviour::Reset => {
            // Linger 0: closing sends RST instead of FIN.
            let _ = stream.set_zero_linger();
            return;
        }
        Behaviour::CloseMidBody => {
            stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\":\"12",
                )
                .await
        }
        Behaviour::InvalidJson => {
            write_response(&mut stream, "200 OK", "application/json", b"{\"id\": \"01\", \"name\": ").await
        }
        Behaviour::InvalidUtf8 => {
            write_response(&mut stream, "200 OK", "application/json", b"{\"id\":\"01\",\"name\":\"\xff\xfe\xc3\x28\"}")
                .await
        }
        Behaviour::RedirectLoop => {
            let response =
                format!("HTTP/1.1 302 Found\r\nlocation: {path}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            stream.write_all(response.as_bytes()).await
        }
        Behaviour::Http10NoLength => {
            stream
                .write_all(b"HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n{\"id\":\"01\",\"name\":\"n\"}")
                .await
        }
        Behaviour::Html500 => {
            let page = format!(
                "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server \
                 Error</h1><pre>{}</pre></body></html>",
                "at com.example.Handler.handle(Handler.java:42)\n".repeat(400)
            );
            write_response(&mut stream, "500 Internal Server Error", "text/html; charset=utf-8", page.as_bytes()).await
        }
    };
    let _ = stream.shutdown().await;
}

async fn write_response(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await
}

/// Keeps a connection open without writing, until the client goes away.
async fn hold(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut buf = [0u8; 1024];
    while stream.read(&mut buf).await? > 0 {}
    Ok(())
}

/// `[` + 100 MiB of JSON strings + `]`, in 64 KiB pieces (chunked or not); stops when the client hangs up.
async fn write_huge(stream: &mut TcpStream, headers: &[u8], chunked: bool) -> std::io::Result<()> {
    stream.write_all(headers).await?;
    let item = "\"+46700000000\",";
    let piece = item.repeat(64 * 1024 / item.len());
    write_part(stream, b"[", chunked).await?;
    let mut filler = HUGE as usize - "[0]".len();
    while filler >= piece.len() {
        write_part(stream, piece.as_bytes(), chunked).await?;
        filler -= piece.len();
    }
    // Whitespace pads the body to exactly 100 MiB and keeps it valid JSON.
    write_part(stream, format!("{}0]", " ".repeat(filler)).as_bytes(), chunked).await?;
    if chunked {
        stream.write_all(b"0\r\n\r\n").await?;
    }
    Ok(())
}

async fn write_part(stream: &mut TcpStream, data: &[u8], chunked: bool) -> std::io::Result<()> {
    if chunked {
        stream.write_all(format!("{:x}\r\n", data.len()).as_bytes()).await?;
        stream.write_all(data).await?;
        stream.write_all(b"\r\n").await
    } else {
        stream.write_all(data).await
    }
}

/// What a run of the binary gave.
struct Run {
    code: i32,
    output: String,
    elapsed: Duration,
    /// Peak resident memory of the conform process, in KiB (`ru_maxrss` of its `wait4`).
    max_rss_kib: u64,
    /// Bytes of each report in [`REPORTS`].
    report_sizes: [u64; 3],
}

/// Every run writes every report, whose sizes are bounded like the output.
const REPORTS: [&str; 3] = ["junit", "json", "html"];

/// `conform run --base-url BASE --timeout 5 --no-snapshots --jobs 2 --report …` over every bundled case (JUnit,
/// JSON and HTML reports into a temporary folder), from the crate root. `--jobs 2` keeps the memory bound the same on machines with many cores. A watchdog kills a run
/// that outlives twice the time bound, so a regression fails the test instead of hanging it.
fn run(base_url: &str, extra: &[&str], bound: Duration) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_conform"));
    command
        .args(["run", "--base-url", base_url, "--timeout", TIMEOUT_SECS, "--no-snapshots", "--jobs", "2"])
        // A loopback test server is not Xero: the suite's published 60 calls a minute do not apply.
        .arg("--no-suite-limits")
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars() {
        if name.starts_with("CONFORM_VAR_") || name.starts_with("INSTA_") || name == "GITHUB_ACTIONS" {
            command.env_remove(name);
        }
    }
    let reports = tempfile::tempdir().expect("temporary folder");
    for format in REPORTS {
        command.arg("--report").arg(format!("{format}={}", reports.path().join(format).display()));
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("start conform");
    let pid = child.id() as libc::pid_t;
    let readers = [read_all(child.stdout.take().expect("stdout")), read_all(child.stderr.take().expect("stderr"))];
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            let until = Instant::now() + bound * 2;
            while !done.load(Ordering::SeqCst) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(100));
            }
            if !done.load(Ordering::SeqCst) {
                // SAFETY: kill(2) on the child's pid, which is not reaped (and so not reused) until wait4 below.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        })
    };
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; std's `Child` is not waited on afterwards.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    done.store(true, Ordering::SeqCst);
    watchdog.join().expect("watchdog");
    assert_eq!(reaped, pid, "wait4: {}", std::io::Error::last_os_error());
    let [stdout, stderr] = readers.map(|r| r.join().expect("reader"));
    let output = format!("{stdout}{stderr}");
    assert!(libc::WIFEXITED(status), "conform was killed after {elapsed:?} (bound {bound:?})\n{}", tail(&output));
    drop(child);
    let report_sizes = REPORTS.map(|format| std::fs::metadata(reports.path().join(format)).map_or(0, |m| m.len()));
    // Shown with `--nocapture`: how far each run is from its bounds.
    eprintln!(
        "{base_url} {extra:?}: {elapsed:?}, peak {} KiB, {} bytes printed, reports {report_sizes:?}",
        usage.ru_maxrss,
        output.len()
    );
    Run { code: libc::WEXITSTATUS(status), output, elapsed, max_rss_kib: usage.ru_maxrss as u64, report_sizes }
}

fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The last lines of a long output, for assertion messages.
fn tail(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

impl Run {
    /// Exit code, no panic, the reason shown, the time bound, output that did not grow with the body.
    fn assert(&self, code: i32, reason: &str, bound: Duration) -> &Self {
        let tail = tail(&self.output);
        assert_eq!(self.code, code, "exit code\n{tail}");
        assert!(!self.output.contains("panicked"), "no panic:\n{tail}");
        assert!(self.output.contains(reason), "the reason `{reason}` is shown:\n{tail}");
        assert!(self.elapsed < bound, "took {:?}, bound {bound:?}\n{tail}", self.elapsed);
        assert!(self.output.len() < OUTPUT_BOUND, "printed {} bytes, bound {OUTPUT_BOUND}", self.output.len());
        for (format, size) in REPORTS.iter().zip(self.report_sizes) {
            assert!(size > 0 && size < REPORT_BOUND, "{format} report of {size} bytes, bound {REPORT_BOUND}");
        }
        self
    }

    fn assert_memory(&self) {
        assert!(
            self.max_rss_kib > 0 && self.max_rss_kib < MEMORY_BOUND_KIB,
            "peak memory {} KiB, bound {MEMORY_BOUND_KIB} KiB",
            self.max_rss_kib
        );
    }

    /// Every case the run did not finish says why: errored with `reason` in its report.
    fn assert_every_case_errored(&self) {
        let summary = self.output.lines().find(|l| l.contains("errored")).unwrap_or_default();
        assert!(!summary.contains(" 0 errored"), "{summary}");
        assert!(!self.output.contains("PASS "), "no case passed against a broken server:\n{}", tail(&self.output));
    }
}

#[test]
fn a_100_mib_body_is_refused_by_its_announced_length_in_bounded_memory() {
    let url = serve(Behaviour::HugeJson);
    let run = run(&url, &[], QUICK_BOUND);
    run.assert(3, "body exceeds 16,777,216 bytes (Content-Length: 104,857,600)", QUICK_BOUND);
    run.assert_memory();
    run.assert_every_case_errored();
}

#[test]
fn a_100_mib_chunked_body_is_read_no_further_than_the_cap() {
    let url = serve(Behaviour::HugeJsonChunked);
    let run = run(&url, &[], QUICK_BOUND);
    run.assert(3, "body exceeds 16,777,216 bytes (raise the limit with --max-body-size)", QUICK_BOUND);
    run.assert_memory();
    run.assert_every_case_errored();
}

#[test]
fn the_body_cap_is_configurable() {
    // The Html500 page is about 20 KB: over a 1 KiB cap, under the default.
    let url = serve(Behaviour::Html500);
    let run = run(&url, &["--max-body-size", "1KiB"], QUICK_BOUND);
    run.assert(3, "body exceeds 1,024 bytes (Content-Length: ", QUICK_BOUND);
}

#[test]
fn a_target_that_never_answers_stops_the_run_in_about_one_timeout() {
    let url = serve(Behaviour::NeverAnswers);
    let run = run(&url, &[], HUNG_BOUND);
    run.assert(
        3,
        "target unresponsive: no response within 5s (timeout) (3 requests in a row got no answer)",
        HUNG_BOUND,
    );
    assert!(run.output.contains("the case was not started"), "{}", tail(&run.output));
    assert!(run.output.contains("error: the target stopped answering: no response within 5s"), "{}", tail(&run.output));
    run.assert_every_case_errored();
}

#[test]
fn headers_then_a_stall_stop_the_run_in_about_one_timeout() {
    let url = serve(Behaviour::HeadersThenStall);
    let run = run(&url, &[], HUNG_BOUND);
    run.assert(3, "target unresponsive: no response within 5s (timeout)", HUNG_BOUND);
    run.assert_every_case_errored();
}

#[test]
fn a_body_dripped_a_byte_a_second_cannot_stretch_the_deadline() {
    let url = serve(Behaviour::Drip);
    let run = run(&url, &[], HUNG_BOUND);
    run.assert(3, "target unresponsive: no response within 5s (timeout)", HUNG_BOUND);
    run.assert_every_case_errored();
}

#[test]
fn a_connection_reset_errs_each_case_with_the_reason() {
    let url = serve(Behaviour::Reset);
    let run = run(&url, &[], QUICK_BOUND);
    run.assert(3, "error: request failed: ", QUICK_BOUND);
    run.assert_every_case_errored();
}

#[test]
fn a_close_mid_body_errs_each_case_with_the_reason() {
    let url = serve(Behaviour::CloseMidBody);
    let run = run(&url, &[], QUICK_BOUND);
    run.assert(3, "error decoding response body", QUICK_BOUND);
    run.assert_every_case_errored();
}

#[test]
fn invalid_json_fails_the_cases_that_read_the_body() {
    let url = serve(Behaviour::InvalidJson);
    let run = run(&url, &[], QUICK_BOUND);
    run.assert(1, "the body is not valid JSON (EOF while parsing", QUICK_BOUND);
}

#[test]
fn invalid_utf8_is_read_and_checked_not_a_crash() {
    let url = serve(Behaviour::InvalidUtf8);
    let run = run(&url, &[], QUICK_BOUND);
    // The bytes that are not UTF-8 become U+FFFD; the body is then checked like any other.
    run.assert(1, "\u{FFFD}\u{FFFD}\u{FFFD}(", QUICK_BOUND);
}

#[test]
fn a_redirect_loop_errs_each_case_with_the_reason() {
    let url = serve(Behaviour::RedirectLoop);
    let run = run(&url, &[], QUICK_BOUND);
    run.assert(3, "too many redirects", QUICK_BOUND);
    run.assert_every_case_errored();
}

#[test]
fn http_1_0_without_a_length_is_read_to_the_close() {
    let url = serve(Behaviour::Http10NoLength);
    let run = run(&url, &[], QUICK_BOUND);
    // The body arrived whole: the cases check it, and fail on what it lacks.
    run.assert(1, "status: expected 201, got 200 — {\"id\":\"01\",\"name\":\"n\"}", QUICK_BOUND);
}

#[test]
fn a_500_html_page_fails_with_its_start_and_its_size() {
    let url = serve(Behaviour::Html500);
    let run = run(&url, &[], QUICK_BOUND);
    run.assert(1, "got 500 — <!DOCTYPE html><html><head><title>500 Internal Server Error</title>", QUICK_BOUND);
    assert!(run.output.contains("bytes in all, first "), "the cut excerpt states the size:\n{}", tail(&run.output));
}

#[test]
fn a_refused_connection_stops_the_run_after_three_requests() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port();
    let run = run(&format!("http://127.0.0.1:{port}"), &["--retries", "1"], QUICK_BOUND);
    run.assert(3, "target unresponsive: cannot connect: ", QUICK_BOUND);
    // Retried requests count once each: the stop names requests, not attempts.
    assert!(run.output.contains("(3 requests in a row got no answer)"), "{}", tail(&run.output));
    assert!(run.output.contains("2 attempts (transport errors retried)"), "{}", tail(&run.output));
    run.assert_every_case_errored();
}
