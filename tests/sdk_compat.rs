//! The official SDKs against the reference server: the Sinch and Xero Python SDKs (versions pinned in
//! `tests/sdk/requirements.txt`, installed from PyPI into a virtual environment under the target dir) drive every
//! operation of both APIs, and the scripts in `tests/sdk/` assert the values each SDK returns.
//!
//! Needs `python3` with `venv` (Debian: `apt-get install python3-venv`) and PyPI the first time; the environment
//! is reused while the requirements file is unchanged. Where Python, venv or PyPI is missing each test says it is
//! skipped and why; in CI (`CI` set, as `.ci/run` runs) it is required and its absence fails.
//! `CONFORM_PYTHON` names another interpreter; `CONFORM_SKIP_SDK=1` skips on purpose.

mod common;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use conform::reference::ServerConfig;

/// One SDK script's run: it makes a few dozen calls to a local server, so a minute means it hangs.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);
/// Creating the environment and installing the pinned SDKs from PyPI.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The environment lives beside cargo's own build output (`target/sdk-venv`), so `cargo clean` removes it.
fn venv_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").join("sdk-venv")
}

/// Why the check cannot run here. Outside CI the test prints it and passes; in CI it fails.
fn unavailable(reason: String) -> Option<PathBuf> {
    // CI installs Python's venv (`.ci/run`) and reaches PyPI, so there a missing one is a broken pipeline.
    assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "{reason} (required in CI)");
    eprintln!("SKIPPED: {reason}");
    None
}

/// The environment's interpreter with the pinned SDKs installed, or `None` when the test is to be skipped.
/// Built once per test binary; a second process finds it finished or builds its own copy and renames it in.
fn python() -> Option<PathBuf> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    if std::env::var("CONFORM_SKIP_SDK").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: the SDK compatibility check: CONFORM_SKIP_SDK=1");
        return None;
    }
    match PYTHON.get_or_init(prepare_venv) {
        Ok(python) => Some(python.clone()),
        Err(reason) => unavailable(reason.clone()),
    }
}

fn prepare_venv() -> Result<PathBuf, String> {
    let requirements = std::fs::read_to_string(manifest_dir().join("tests/sdk/requirements.txt"))
        .map_err(|e| format!("tests/sdk/requirements.txt: {e}"))?;
    let venv = venv_dir();
    let stamp = |dir: &Path| dir.join("conform-requirements.txt");
    if std::fs::read_to_string(stamp(&venv)).is_ok_and(|installed| installed == requirements) {
        return Ok(venv.join("bin/python"));
    }
    let base = std::env::var("CONFORM_PYTHON").unwrap_or_else(|_| "python3".into());
    let staging = venv.with_file_name(format!("sdk-venv.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let hint = "the SDK compatibility check needs python3 with venv (Debian: `apt-get install -y python3-venv`)";
    run(Command::new(&base).args(["-m", "venv"]).arg(&staging), INSTALL_TIMEOUT)
        .map_err(|e| format!("`{base} -m venv` failed: {e}; {hint}"))?;
    run(
        Command::new(staging.join("bin/python"))
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--timeout", "30", "-r"])
            .arg(manifest_dir().join("tests/sdk/requirements.txt")),
        INSTALL_TIMEOUT,
    )
    .map_err(|e| format!("installing the pinned SDKs from PyPI failed: {e}"))?;
    std::fs::write(stamp(&staging), &requirements).map_err(|e| e.to_string())?;
    // Only a complete environment takes the shared name; the interpreter finds its packages relative to itself,
    // so the move keeps it working.
    let _ = std::fs::remove_dir_all(&venv);
    if std::fs::rename(&staging, &venv).is_err() {
        // Another process renamed its own copy in first: use that one.
        let _ = std::fs::remove_dir_all(&staging);
    }
    Ok(venv.join("bin/python"))
}

struct Finished {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs `command` in its own process group, killed with its children after `timeout`; `Err` if it did not
/// start, did not finish or failed.
fn run(command: &mut Command, timeout: Duration) -> Result<Finished, String> {
    let finished = run_to_end(command, timeout)?;
    if finished.success {
        return Ok(finished);
    }
    Err(format!("{}{}", finished.stdout, finished.stderr).trim().to_string())
}

fn run_to_end(command: &mut Command, timeout: Duration) -> Result<Finished, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("{:?} could not start: {e}", command.get_program()))?;
    // Both pipes are drained while the child runs, so a chatty one never blocks on a full pipe.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.wait();
            return Err(format!("{:?} did not finish within {timeout:?} and was killed", command.get_program()));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Ok(Finished {
        success: status.success(),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Runs `tests/sdk/{script}` with `args` after the base URL of a fresh reference server, and fails the test
/// with every check's line if any failed.
fn drive(script: &str, path: &str, args: &[&str]) {
    let Some(python) = python() else { return };
    let server = common::start(ServerConfig::default());
    let base_url = format!("{}{path}", server.base_url());
    let finished = run_to_end(
        Command::new(&python)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .arg(manifest_dir().join("tests/sdk").join(script))
            .arg(&base_url)
            .args(args),
        SCRIPT_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{script}: {e}"));
    assert!(finished.success, "{script} against {base_url}:\n{}{}", finished.stdout, finished.stderr);
    // The last line is the script's count of checks, e.g. "sinch: 64 checks passed, 0 failed".
    println!("{}", finished.stdout.lines().last().unwrap_or_default());
}

#[test]
fn the_official_sinch_python_sdk_gets_the_documented_values() {
    drive("python_sinch.py", "", &["conform-plan", "conform-sinch-token"]);
}

#[test]
fn the_official_xero_python_sdk_gets_the_documented_values() {
    drive(
        "python_xero.py",
        "/api.xro/2.0",
        &["00000000-0000-4000-8000-00000000c0f0", "conform-xero-token", "conform-xero-read-token"],
    );
}
