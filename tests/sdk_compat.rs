//! The official SDKs against the reference server: the Sinch and Xero SDKs for Python (pinned in
//! `tests/sdk/requirements.txt`, installed from PyPI into a virtual environment under the target dir) and for
//! Node (pinned in `tests/sdk/package.json`, installed from npm) drive every operation of both APIs, and the
//! scripts in `tests/sdk/` assert the values each SDK returns.
//!
//! Needs `python3` with `venv` (Debian: `apt-get install python3-venv`), `node` with `npm`, and PyPI and npm the
//! first time; the installs are reused while the pinned files are unchanged. Where one is missing each test says
//! it is skipped and why; in CI (`CI` set, as `.ci/run` runs) they are required and their absence fails.
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

/// Why the check cannot run here. Outside CI the test prints it and passes; in CI it fails.
fn unavailable<T>(reason: &str) -> Option<T> {
    // CI installs Python's venv and Node (`.ci/run`) and reaches PyPI and npm, so there a missing one is a
    // broken pipeline.
    assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "{reason} (required in CI)");
    eprintln!("SKIPPED: {reason}");
    None
}

fn skipped_on_purpose() -> bool {
    let skip = std::env::var("CONFORM_SKIP_SDK").is_ok_and(|v| v == "1");
    if skip {
        eprintln!("SKIPPED: the SDK compatibility check: CONFORM_SKIP_SDK=1");
    }
    skip
}

/// The Python environment's interpreter with the pinned SDKs installed, or `None` when the test is skipped.
fn python() -> Option<PathBuf> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    if skipped_on_purpose() {
        return None;
    }
    let venv = PYTHON.get_or_init(|| {
        prepared("sdk-venv", "tests/sdk/requirements.txt", |staging| {
            let base = std::env::var("CONFORM_PYTHON").unwrap_or_else(|_| "python3".into());
            let hint =
                "the SDK compatibility check needs python3 with venv (Debian: `apt-get install -y python3-venv`)";
            run(Command::new(&base).args(["-m", "venv"]).arg(staging), INSTALL_TIMEOUT)
                .map_err(|e| format!("`{base} -m venv` failed: {e}; {hint}"))?;
            run(
                Command::new(staging.join("bin/python"))
                    .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--timeout", "30", "-r"])
                    .arg(manifest_dir().join("tests/sdk/requirements.txt")),
                INSTALL_TIMEOUT,
            )
            .map(drop)
            .map_err(|e| format!("installing the pinned Python SDKs from PyPI failed: {e}"))
        })
    });
    match venv {
        Ok(venv) => Some(venv.join("bin/python")),
        Err(reason) => unavailable(reason),
    }
}

/// The `node_modules` folder with the pinned Node SDKs installed, or `None` when the test is skipped.
fn node_modules() -> Option<PathBuf> {
    static MODULES: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    if skipped_on_purpose() {
        return None;
    }
    let dir = MODULES.get_or_init(|| {
        let hint = "the SDK compatibility check needs node and npm (Debian: `apt-get install -y nodejs npm`)";
        run(Command::new("node").arg("--version"), Duration::from_secs(30))
            .map_err(|e| format!("`node --version` failed: {e}; {hint}"))?;
        prepared("sdk-node", "tests/sdk/package.json", |staging| {
            std::fs::create_dir_all(staging).map_err(|e| e.to_string())?;
            std::fs::copy(manifest_dir().join("tests/sdk/package.json"), staging.join("package.json"))
                .map_err(|e| e.to_string())?;
            run(
                Command::new("npm").args(["install", "--no-audit", "--no-fund", "--silent"]).current_dir(staging),
                INSTALL_TIMEOUT,
            )
            .map(drop)
            .map_err(|e| format!("installing the pinned Node SDKs from npm failed: {e}; {hint}"))
        })
    });
    match dir {
        Ok(dir) => Some(dir.join("node_modules")),
        Err(reason) => unavailable(reason),
    }
}

/// `target/{name}`, built by `build` into a staging folder from the pinned `manifest` and reused while that file
/// is unchanged. It lives beside cargo's own build output, so `cargo clean` removes it. Only a complete folder
/// takes the shared name: a second test process finds it finished, or builds its own copy and renames it in.
fn prepared(name: &str, manifest: &str, build: impl Fn(&Path) -> Result<(), String>) -> Result<PathBuf, String> {
    let pinned = std::fs::read_to_string(manifest_dir().join(manifest)).map_err(|e| format!("{manifest}: {e}"))?;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").join(name);
    let stamp = |dir: &Path| dir.join("conform-pinned.txt");
    if std::fs::read_to_string(stamp(&dir)).is_ok_and(|installed| installed == pinned) {
        return Ok(dir);
    }
    let staging = dir.with_file_name(format!("{name}.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    build(&staging)?;
    std::fs::write(stamp(&staging), &pinned).map_err(|e| e.to_string())?;
    // A venv's interpreter and node's resolver find their packages relative to themselves, so the move keeps
    // both working.
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::rename(&staging, &dir).is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    Ok(dir)
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
fn drive(mut command: Command, script: &str, path: &str, args: &[&str]) {
    let server = common::start(ServerConfig::default());
    let base_url = format!("{}{path}", server.base_url());
    let finished = run_to_end(
        command.arg(manifest_dir().join("tests/sdk").join(script)).arg(&base_url).args(args),
        SCRIPT_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{script}: {e}"));
    assert!(finished.success, "{script} against {base_url}:\n{}{}", finished.stdout, finished.stderr);
    // The last line is the script's count of checks, e.g. "sinch: 64 checks passed, 0 failed".
    println!("{}", finished.stdout.lines().last().unwrap_or_default());
}

fn python_script(script: &str, path: &str, args: &[&str]) {
    let Some(python) = python() else { return };
    let mut command = Command::new(python);
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    drive(command, script, path, args);
}

fn node_script(script: &str, path: &str, args: &[&str]) {
    let Some(modules) = node_modules() else { return };
    let mut command = Command::new("node");
    command.env("NODE_PATH", modules);
    drive(command, script, path, args);
}

const SINCH: [&str; 2] = ["conform-plan", "conform-sinch-token"];
const XERO: [&str; 3] = ["00000000-0000-4000-8000-00000000c0f0", "conform-xero-token", "conform-xero-read-token"];

#[test]
fn the_official_sinch_python_sdk_gets_the_documented_values() {
    python_script("python_sinch.py", "", &SINCH);
}

#[test]
fn the_official_xero_python_sdk_gets_the_documented_values() {
    python_script("python_xero.py", "/api.xro/2.0", &XERO);
}

#[test]
fn the_official_sinch_node_sdk_gets_the_documented_values() {
    node_script("node_sinch.js", "", &SINCH);
}

#[test]
fn the_official_xero_node_sdk_gets_the_documented_values() {
    node_script("node_xero.js", "/api.xro/2.0", &XERO);
}
