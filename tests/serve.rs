//! `conform serve`: its flags come from the settings the reference APIs declare, its banner from the APIs,
//! and `--fault` / `--list-faults` from their fault catalogues.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use conform::reference::{all_faults, settings};

#[test]
fn every_declared_setting_is_a_flag() {
    let output = common::conform(&["serve", "--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in ["--service-plan-id", "--sinch-token", "--xero-tenant-id", "--xero-token", "--xero-read-token"] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    for setting in settings() {
        assert!(help.contains(&format!("--{} <{}>", setting.flag(), setting.value_name)), "{}", setting.name);
        assert!(help.contains(setting.help), "{}", setting.name);
    }
}

#[test]
fn list_faults_names_every_fault() {
    let output = common::conform(&["serve", "--list-faults"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for fault in all_faults() {
        assert!(stdout.contains(&format!("{:<40} {}\n", fault.name(), fault.description())), "{fault}");
    }
    assert!(stdout.ends_with(&format!("{} faults\n", all_faults().count())), "{stdout}");
}

#[test]
fn an_unknown_fault_exits_2_with_a_suggestion() {
    let output = common::conform(&["serve", "--fault", "sinch-plus-keep"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        "error: unknown fault `sinch-plus-keep`, did you mean `sinch-plus-kept`? (see `conform serve --list-faults`)\n"
    );
}

/// The lines `conform serve` prints before it waits, with the address replaced by `http://ADDR`.
fn banner_of(args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_conform"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("conform serve starts");
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let line = line.expect("utf-8");
        let done = line == "Ctrl-C stops it.";
        lines.push(line);
        if done {
            break;
        }
    }
    child.kill().expect("serve stops");
    child.wait().expect("serve exits");
    let base = lines[0].strip_prefix("conform reference server listening on ").expect("first line").to_string();
    lines.join("\n").replace(&base, "http://ADDR")
}

/// The banner says where each API lives and which settings it accepts, with the values given as flags.
#[test]
fn the_banner_shows_each_api_and_its_settings() {
    let banner = banner_of(&["--service-plan-id", "plan-7", "--xero-token", "xt", "--fault", "xero-create-201"]);
    assert_eq!(
        banner,
        "conform reference server listening on http://ADDR
  Sinch: http://ADDR/xms/v1/plan-7/groups
         service_plan_id    = plan-7
         sinch_token        = conform-sinch-token  (Authorization: Bearer …)
         sinch_key_id       = conform-sinch-key  (POST /oauth2/token, HTTP Basic)
         sinch_key_secret   = conform-sinch-key-secret
  Xero:  http://ADDR/api.xro/2.0/ContactGroups
         xero_tenant_id     = 00000000-0000-4000-8000-00000000c0f0  (xero-tenant-id header)
         xero_token         = xt  (Authorization: Bearer …)
         xero_read_token    = conform-xero-read-token  (read scope only: GETs)
         xero_client_id     = conform-xero-client  (POST /connect/token)
         xero_client_secret = conform-xero-client-secret
         xero_refresh_token = conform-xero-refresh-token  (grant_type=refresh_token)
  fault: xero-create-201 — creating contact groups answers 201 instead of 200
Ctrl-C stops it."
    );
}

#[test]
fn the_banner_shows_token_lifetime_and_rate_limits() {
    let banner =
        banner_of(&["--token-lifetime", "2s", "--rate-limit", "xero", "--rate-limit", "sinch=20/s,2-concurrent"]);
    let tail: Vec<&str> = banner.lines().rev().take(4).collect();
    assert_eq!(
        tail,
        [
            "Ctrl-C stops it.",
            "  Xero rate limit: 60/min,5000/day,5-concurrent",
            "  Sinch rate limit: 20/s,2-concurrent",
            "  access tokens live 2s (--token-lifetime)",
        ]
    );
}

#[test]
fn a_bad_rate_limit_or_token_lifetime_exits_2_with_the_reason() {
    let output = common::conform(&["serve", "--rate-limit", "xero=60/fortnight"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: --rate-limit xero=60/fortnight: `60/fortnight`: the period `fortnight` is not s, min, h, day or a duration like 10s\n"
    );
    let output = common::conform(&["serve", "--rate-limit", "sinch"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Sinch publishes no rate limits"));
    let output = common::conform(&["serve", "--token-lifetime", "500ms"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("at least 1s"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `conform serve --list-faults | head -1`: the reader goes away before the list is written; the listing ends
/// quietly instead of panicking on the broken pipe.
#[test]
fn a_listing_whose_reader_goes_away_ends_quietly() {
    for flag in ["--list-faults", "--list-variants"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_conform"))
            .args(["serve", flag])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("conform starts");
        // Close the reading end at once, before the child writes.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("conform ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && !stderr.contains("panicked"), "{flag}: {:?}\n{stderr}", out.status);
    }
}
