//! `trainability check`: exit 0 on accept, 1 on reject, 2 on bad input, and
//! the `--power` table.
// spec: ALG-CHECK, FMT-CHECK-CSV, ALG-POWER

mod oracle_support;

use assert_cmd::Command;
use oracle_support::{sample_many, to_csv};
use relu_trainability::exact::{BiasMode, ChainSpec};
use relu_trainability::oracle::power::{sample_size, Deviation};
use std::io::Write;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    p.display().to_string()
}

fn check(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("trainability")
        .unwrap()
        .arg("check")
        .args(args)
        .assert()
}

/// Exact-law samples: exit 0 at --alpha 1e-6 (nominal; see ALG-GOF calibration); wrong
/// bias mode: exit 1 (3000 samples; power ~1 by the ALG-POWER table).
#[test]
fn accept_and_reject_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        &dir,
        "good.csv",
        &to_csv(&sample_many(&[8, 8, 8], 0, 0.5, 3000, 1)),
    );
    let out = check(&[
        "--widths",
        "8,8,8",
        "--bias",
        "zero",
        "--q1",
        "1/2",
        "--samples",
        &good,
        "--alpha",
        "1e-6",
    ])
    .code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("ACCEPT") && text.contains("transition"),
        "{text}"
    );
    let bad = write(
        &dir,
        "bad.csv",
        &to_csv(&sample_many(&[8, 8, 8], 1, 0.5, 3000, 2)),
    );
    let out = check(&[
        "--widths",
        "8,8,8",
        "--q1",
        "1/2",
        "--samples",
        &bad,
        "--alpha",
        "1e-6",
        "--format",
        "json",
    ])
    .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["reject"], true);
    assert_eq!(v["kind"], "nonpd");
    assert_eq!(v["tests"].as_array().unwrap().len(), 5);
    assert!(v["overall_p_value_log10"].as_f64().unwrap() < -6.0);
    // the same counts as active counts: the wrong bias mode gives more
    // non-PD neurons, which the one-sided test also sees
    check(&[
        "--widths",
        "8,8,8",
        "--q1",
        "1/2",
        "--samples",
        &bad,
        "--kind",
        "active",
        "--alpha",
        "1e-6",
    ])
    .code(1);
    check(&[
        "--widths",
        "8,8,8",
        "--q1",
        "1/2",
        "--samples",
        &good,
        "--kind",
        "active",
        "--alpha",
        "1e-6",
    ])
    .code(0);
}

#[test]
fn malformed_files_exit_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, needle) in [
        ("nonint.csv", "K1,K2\n1,1\n1,a\n", "row 3, column 2"),
        ("range.csv", "1,1\n1,5\n", "row 2, column 2"),
        ("cols.csv", "1,1\n1\n", "row 2 has 1 columns"),
        ("empty.csv", "", "no data rows"),
    ] {
        let p = write(&dir, name, text);
        let out = check(&["--widths", "3,3", "--q1", "1/2", "--samples", &p]).code(2);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(err.contains(needle), "{name}: {err}");
    }
    let missing = dir.path().join("nope.csv").display().to_string();
    check(&["--widths", "3,3", "--samples", &missing]).code(2);
    check(&["--widths", "3,3", "--samples", &missing, "--alpha", "2"]).code(2);
    check(&["--widths", "3,0", "--samples", &missing]).code(2);
    check(&["--widths", "3,3"]).code(2); // no --samples
                                         // joint laws with more than 2e7 cells: refused with advice, not attempted
    let big = write(&dir, "big.csv", "1,1\n");
    let out = check(&["--widths", "5000,5000", "--q1", "1/2", "--samples", &big]).code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("too costly") && err.contains("cells"), "{err}");
}

#[test]
fn power_flag_prints_sample_sizes() {
    let out = check(&[
        "--widths", "8,8,8", "--q1", "1/2", "--power", "--format", "json",
    ])
    .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let wrong_bias = rows
        .iter()
        .find(|r| r["deviation"] == "wrong bias mode")
        .unwrap();
    let h0 = ChainSpec::parse(vec![8, 8, 8], BiasMode::Zero, "1/2").unwrap();
    let alt = Deviation::WrongBias.apply(&h0).unwrap();
    let n = sample_size(&h0, &alt, 1e-3, 0.9).unwrap().unwrap();
    assert_eq!(wrong_bias["n_power_90"], n);
}

#[test]
fn power_flag_for_active_counts() {
    use relu_trainability::oracle::power_active::active_sample_size;
    let out = check(&[
        "--widths", "8,8,8", "--q1", "1/2", "--power", "--kind", "active", "--format", "json",
    ])
    .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rows = v.as_array().unwrap();
    let h0 = ChainSpec::parse(vec![8, 8, 8], BiasMode::Zero, "1/2").unwrap();
    let alt = Deviation::WrongBias.apply(&h0).unwrap();
    let row = rows
        .iter()
        .find(|r| r["deviation"] == "wrong bias mode")
        .unwrap();
    assert_eq!(
        row["n_power_90"],
        active_sample_size(&h0, &alt, 1e-3, 0.9).unwrap().unwrap()
    );
    let narrower = rows
        .iter()
        .find(|r| r["deviation"] == "layer 1 one narrower")
        .unwrap();
    assert!(
        narrower["n_power_90"].is_null(),
        "undetectable by the one-sided test"
    );
    let text = check(&[
        "--widths", "8,8,8", "--q1", "1/2", "--power", "--kind", "active",
    ])
    .code(0);
    let text = String::from_utf8(text.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("undetectable") && text.contains("--kind active"),
        "{text}"
    );
}

/// Issue-10 reproducers on `check`: sizes that overflowed, exhausted memory
/// or ran without a cost estimate, and endless sample files. Each must end
/// with `error: ...` and exit 2 (or an answer) within 2 s; the cost gate
/// runs before anything is allocated (spec ALG-CHECK, cost).
#[test]
fn huge_sizes_and_endless_files_are_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let two = write(&dir, "two.csv", "1,1\n");
    let one = write(&dir, "one.csv", "50000\n49990\n");
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec!["--widths=18446744073709551615,5", "--samples", &two],
            2,
            "too costly",
        ),
        (
            vec!["--power", "--widths=3,18446744073709551615"],
            2,
            "too costly",
        ),
        (
            vec!["--power", "--widths", "2,8,9223372036854775808"],
            2,
            "too costly",
        ),
        (
            vec![
                "--widths",
                "1000000,1000000",
                "--kind",
                "active",
                "--samples",
                &two,
            ],
            2,
            "too costly",
        ),
        (
            vec!["--power", "--kind", "active", "--widths", "5000"],
            2,
            "too costly",
        ),
        (
            vec!["--widths", "2", "--samples", "/dev/zero"],
            2,
            "larger than 128 MiB",
        ),
        // a wide single layer is cheap in f64 and answers
        (
            vec!["--widths", "100000", "--q1", "1/2", "--samples", &one],
            0,
            "",
        ),
    ];
    for (args, code, msg) in cases {
        if args.contains(&"/dev/zero") && !std::path::Path::new("/dev/zero").exists() {
            continue;
        }
        let t = std::time::Instant::now();
        let out = check(&args).code(code);
        let secs = t.elapsed().as_secs_f64();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(secs < 2.0, "{args:?} took {secs} s");
        if code == 2 {
            assert!(
                err.starts_with("error: ") && err.contains(msg),
                "{args:?}: {err}"
            );
        }
    }
}

/// alpha outside (0, 1) (including alpha = 1, which would reject
/// everything) is bad input for the check and the power table.
#[test]
fn alpha_must_be_strictly_between_0_and_1() {
    let dir = tempfile::tempdir().unwrap();
    let two = write(&dir, "two.csv", "1,1\n");
    for a in ["1", "0", "-0.5", "1.5", "NaN", "inf"] {
        let out = check(&["--widths", "2,2", "--samples", &two, "--alpha", a]).code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.starts_with("error: "), "{a}: {err}");
        check(&["--widths", "2,2", "--power", "--alpha", a]).code(2);
    }
}
