//! `trainability reproduce` end to end on a tiny sweep, and its refusals.
// spec: FMT-REPRODUCE, FMT-TRAIN-CMD

use assert_cmd::Command;

#[test]
fn reproduce_writes_tables_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("res");
    let o = Command::cargo_bin("trainability")
        .unwrap()
        .args([
            "reproduce",
            "--runs",
            "2",
            "--steps",
            "30",
            "--quiet",
            "--threads",
            "2",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("(1) Success rate") && stdout.contains("(3) P(born dead)"),
        "{stdout}"
    );
    for f in [
        "success_vs_trainability.csv",
        "born_dead_vs_depth.csv",
        "report.json",
        "success_vs_width_abs-1d_he_zero-bias.svg",
        "success_vs_width_ridge-2d_he_sym-bias.png",
        "born_dead_vs_depth_zero.png",
        "born_dead_vs_depth_symmetric.svg",
    ] {
        let p = out.join(f);
        assert!(
            p.metadata().map(|m| m.len() > 100).unwrap_or(false),
            "missing {f}"
        );
    }
    // Experiment 2 runs when the data-dependent initializer is available.
    let dd = out.join("he_vs_data_dependent.csv");
    assert!(dd.exists() || stdout.contains("not run:"));
    let csv = std::fs::read_to_string(out.join("success_vs_trainability.csv")).unwrap();
    // header + 2 tasks x 2 bias modes x 4 widths x 3 depths
    assert_eq!(csv.lines().count(), 1 + 48);
    assert!(csv.lines().next().unwrap().contains("bound_u"));
    let png = std::fs::read(out.join("born_dead_vs_depth_zero.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["sweep"].as_array().unwrap().len(), 48);
}

#[test]
fn reproduce_refuses_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a_file");
    std::fs::write(&file, "x").unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec!["--runs".into(), "0".into()],
        vec!["--steps".into(), "0".into()],
        vec!["--threads".into(), "0".into()],
        vec!["--runs".into(), "100000000".into(), "--full".into()],
        vec!["--out".into(), file.join("sub").display().to_string()],
    ];
    for args in cases {
        let o = Command::cargo_bin("trainability")
            .unwrap()
            .arg("reproduce")
            .args(&args)
            .arg("--quiet")
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("error:"), "{args:?}: {err}");
    }
}

#[test]
fn train_reports_census_at_every_step() {
    let o = Command::cargo_bin("trainability")
        .unwrap()
        .args([
            "train", "--widths", "2,2,2,2", "--steps", "200", "--seed", "3", "--format", "json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let steps = v["outcome"]["steps"].as_u64().unwrap();
    assert_eq!(v["censuses"].as_u64().unwrap(), steps + 1);
    assert_eq!(v["pd_violations"].as_array().unwrap().len(), 0);
    assert_eq!(v["initial"].as_array().unwrap().len(), 4);
    // Zero biases on symmetric data: U = T exactly (THM-SUCCESS-U).
    assert_eq!(v["trainability"], v["bound_u"]);
    let t = Command::cargo_bin("trainability")
        .unwrap()
        .args([
            "train", "--widths", "3,3", "--task", "ridge-2d", "--bias", "normal:1", "--steps", "50",
        ])
        .output()
        .unwrap();
    assert!(t.status.success());
    let s = String::from_utf8_lossy(&t.stdout);
    assert!(
        s.contains("provable success bound U") && s.contains("left PD"),
        "{s}"
    );
}

#[test]
fn train_refuses_bad_arguments() {
    for args in [
        vec!["--widths", "2,0"],
        vec!["--widths", "2", "--task", "sin"],
        vec!["--widths", "2", "--lr", "-1"],
        vec!["--widths", "2", "--points", "20"],
        vec!["--widths", "2", "--optimizer", "sgd"],
        vec!["--widths", "2", "--tol", "nan"],
        vec!["--widths", "4096,4096,4096", "--steps", "1000000"],
    ] {
        let o = Command::cargo_bin("trainability")
            .unwrap()
            .arg("train")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("error"),
            "{args:?}"
        );
    }
}
