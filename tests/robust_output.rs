//! Output errors and the top-level exit codes: a closed stdout ends the
//! program quietly (exit 0), a full disk is `error:` with exit 2, and so are
//! `--help` / `--version`; no arguments at all is an `error:` line.
// spec: FMT-OUTPUT

use std::fs::File;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trainability"))
}

/// Runs with stdout on /dev/full; returns (exit code, stderr).
fn on_full_disk(args: &[&str]) -> (i32, String) {
    let full = File::options().write(true).open("/dev/full").unwrap();
    let out = bin()
        .args(args)
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs with stdout a pipe whose reader is gone before the first write.
fn on_closed_pipe(args: &[&str]) -> (i32, String) {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Commands whose output is small and fast, in both formats.
const CASES: &[&[&str]] = &[
    &["table"],
    &["table", "--format", "json"],
    &["exact", "--widths", "3,3"],
    &["exact", "--widths", "3,3", "--format", "json"],
    &["approx", "--widths", "5,5"],
    &["width", "--depth", "2", "--eps", "0.1"],
    &["depth", "--width", "3", "--eps", "0.1"],
    &["vectors", "--out", "-"],
    &[
        "simulate",
        "--input-dim",
        "1",
        "--widths",
        "3",
        "--data",
        "grid1d:1:5",
        "--samples",
        "20",
    ],
];

#[test]
fn full_disk_is_an_error_with_exit_2() {
    for args in CASES {
        let (code, err) = on_full_disk(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn closed_pipe_ends_quietly() {
    // `vectors --out -` writes ~40 kB and the table/JSON outputs several
    // lines: every one of them meets the closed pipe
    for args in CASES {
        let t = Instant::now();
        let (code, err) = on_closed_pipe(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: stderr {err:?}");
        assert!(t.elapsed() < Duration::from_secs(10));
    }
}

#[test]
fn help_and_version_report_a_full_disk() {
    for flag in ["--help", "--version", "-h", "-V"] {
        let (code, err) = on_full_disk(&[flag]);
        assert_eq!(code, 2, "{flag}: {err}");
        assert!(err.starts_with("error: "), "{flag}: {err}");
    }
    let (code, _) = on_full_disk(&["simulate", "--help"]);
    assert_eq!(code, 2);
    // and succeed normally
    let out = bin().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("trainability "));
}

#[test]
fn no_arguments_is_an_error_line() {
    let out = bin().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("--help"), "{err}");
}

#[test]
fn unknown_command_is_an_error_line() {
    let out = bin().arg("nonsense").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
}
