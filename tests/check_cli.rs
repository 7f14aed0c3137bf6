//! `trainability check`: exit 0 on accept, 1 on reject, 2 on bad input, and
//! the `--power` table.
// spec: ALG-CHECK, FMT-CHECK-CSV, ALG-POWER, ALG-GOF-EXACT

mod oracle_support;

use assert_cmd::Command;
use oracle_support::{sample_many, to_csv, write};
mod npy_writer;
use npy_writer::{i64_bytes, npy};
use relu_trainability::exact::{BiasMode, ChainSpec};
use relu_trainability::oracle::power::{sample_size, Deviation};

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

/// The JSON contract of `check`, field by field, for a case derived by hand:
/// widths 2,1, zero bias, q1 = 1/2. K_1 ~ Bin(2, 1/2) = (1/4, 1/2, 1/4),
/// K_2 | K_1 = p ~ Bin(1, 1 - 2^-p): P(K_2 = 1) = 1/2 * 1/2 + 1/4 * 3/4 = 7/16.
/// 40 rows: (0,0) x10, (1,0) x12, (1,1) x8, (2,0) x2, (2,1) x8.
/// Layer 1: expected 10, 20, 10 = observed: three runs, X^2 = 0, dof 2, p = 1.
/// Layer 2: expected 22.5, 17.5, observed 24, 16: X^2 = 0.1 + 9/70, dof 1,
/// p = erfc(sqrt(X^2 / 2)). Pairs in order (0,0),(0,1),(1,0),(1,1),(2,0),(2,1):
/// expected 10, 0, 10, 10, 2.5, 7.5 pool to {0},{1,2},{3},{4,5}; observed
/// 10, 12, 8, 10: X^2 = 0.4 + 0.4, dof 3, p = erfc(sqrt(x/2)) + sqrt(2x/pi) e^(-x/2).
#[test]
fn json_contract_matches_a_hand_derivation() {
    let v = hand_case(&["--p-values", "asymptotic"]);
    // statistics and means to 1e-12; p-values to 1e-9 relative (statrs'
    // incomplete gamma is accurate to ~4e-11 here, against the closed forms)
    let close_to = |a: &serde_json::Value, b: f64, tol: f64| {
        let a = a.as_f64().unwrap_or(f64::NAN);
        assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} vs {b}");
    };
    let close = |a: &serde_json::Value, b: f64| close_to(a, b, 1e-12);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        vec![
            "alpha",
            "deviations",
            "false_alarm",
            "false_alarm_bound",
            "kind",
            "layers",
            "overall_p_value",
            "overall_p_value_log10",
            "reject",
            "samples",
            "tests",
            "warnings"
        ]
    );
    assert_eq!(v["kind"], "nonpd");
    assert_eq!(v["samples"], 40);
    // asymptotic p-values carry no proven bound
    assert!(v["false_alarm_bound"].is_null());
    assert!(v["false_alarm"].as_str().unwrap().contains("not proven"));
    close(&v["alpha"], 1e-3);
    assert_eq!(v["reject"], false);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);
    assert_eq!(v["deviations"], serde_json::json!([]));
    let layers = v["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(
        (layers[0]["layer"].as_u64(), layers[0]["width"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(
        (layers[1]["layer"].as_u64(), layers[1]["width"].as_u64()),
        (Some(2), Some(1))
    );
    close(&layers[0]["mean_observed"], 1.0);
    close(&layers[0]["mean_expected"], 1.0);
    close(&layers[1]["mean_observed"], 0.4);
    close(&layers[1]["mean_expected"], 7.0 / 16.0);
    // histograms (ALG-CHECK-EXPLAIN): 40 * (1/4, 1/2, 1/4) and 40 * (9/16, 7/16)
    for (l, want) in [
        (0, vec![(10.0, 10), (20.0, 20), (10.0, 10)]),
        (1, vec![(22.5, 24), (17.5, 16)]),
    ] {
        let h = layers[l]["histogram"].as_array().unwrap();
        assert_eq!(h.len(), want.len());
        for (k, (c, (e, o))) in h.iter().zip(want).enumerate() {
            assert_eq!(c["k"].as_u64(), Some(k as u64));
            close(&c["expected"], e);
            assert_eq!(c["observed"].as_u64(), Some(o));
            assert!(c["pooled"].is_null(), "{c}");
        }
    }
    let erfc = statrs::function::erf::erfc;
    let x2: f64 = 0.1 + 9.0 / 70.0;
    let xt = 0.8f64;
    let pt = erfc((xt / 2.0).sqrt()) + (2.0 * xt / std::f64::consts::PI).sqrt() * (-xt / 2.0).exp();
    let want = [
        ("marginal", 1, 0.0, 2, 1.0),
        ("marginal", 2, x2, 1, erfc((x2 / 2.0).sqrt())),
        ("transition", 2, xt, 3, pt),
    ];
    let tests = v["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 3);
    for (t, (name, layer, stat, dof, p)) in tests.iter().zip(want) {
        assert_eq!(t["test"], name, "{t}");
        assert_eq!(t["layer"].as_u64(), Some(layer), "{t}");
        assert_eq!(t["dof"].as_u64(), Some(dof), "{t}");
        close(&t["statistic"], stat);
        close_to(&t["p_value"], p, 1e-9);
        close_to(&t["p_value_log10"], p.log10(), 1e-9);
        assert_eq!(t["p_value_method"], "asymptotic", "{t}");
    }
    let overall = (3.0 * erfc((x2 / 2.0).sqrt()).min(pt)).min(1.0);
    close_to(&v["overall_p_value"], overall, 1e-9);
    close_to(&v["overall_p_value_log10"], overall.log10(), 1e-9);
}

/// The hand-derived case of [`json_contract_matches_a_hand_derivation`],
/// checked with `extra` arguments; the parsed JSON.
fn hand_case(extra: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from("k1,k2\n");
    for (row, times) in [("0,0", 10), ("1,0", 12), ("1,1", 8), ("2,0", 2), ("2,1", 8)] {
        for _ in 0..times {
            rows += row;
            rows += "\n";
        }
    }
    let path = write(&dir, "hand.csv", &rows);
    let mut args = vec![
        "--widths",
        "2,1",
        "--q1",
        "1/2",
        "--samples",
        &path,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = check(&args).code(0);
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// The same case with the default exact p-values (ALG-GOF-EXACT), against
/// an enumeration by hand. Layer 1: X^2 = 0, so p = 1. Layer 2: O ~
/// Bin(40, 7/16), X^2(o) = (o - 17.5)^2 / 17.5 + (o - 17.5)^2 / 22.5, p =
/// P(X^2(O) >= X^2(16)) = P(|O - 17.5| >= 1.5). Pairs: four pooled cells of
/// probability 1/4 each, X^2 = sum (o_i - 10)^2 / 10, p = P(sum (O_i -
/// 10)^2 >= 8), summed over the 12,341 outcomes in exact integers. Every
/// p-value is exact, so the bound alpha is printed.
#[test]
fn exact_p_values_match_a_hand_enumeration() {
    let v = hand_case(&[]);
    let binom = |n: u64, k: u64| (0..k).fold(1f64, |a, i| a * (n - i) as f64 / (i + 1) as f64);
    let p2: f64 = (0..=40u64)
        .filter(|&o| (o as f64 - 17.5).abs() >= 1.5)
        .map(|o| binom(40, o) * (7f64 / 16.0).powi(o as i32) * (9f64 / 16.0).powi(40 - o as i32))
        .sum();
    // multinomial(40; a, b, c, d) = C(40, a) C(40 - a, b) C(40 - a - b, c)
    let (mut hits, mut total) = (0f64, 0f64);
    for a in 0..=40usize {
        for b in 0..=40 - a {
            for c in 0..=40 - a - b {
                let d = 40 - a - b - c;
                let w = binom(40, a as u64)
                    * binom(40 - a as u64, b as u64)
                    * binom(40 - (a + b) as u64, c as u64);
                let ss: i64 = [a, b, c, d].iter().map(|&o| (o as i64 - 10).pow(2)).sum();
                total += w;
                if ss >= 8 {
                    hits += w;
                }
            }
        }
    }
    assert!((total - 4f64.powi(40)).abs() <= 1e-12 * total);
    let pt = hits / total;
    let tests = v["tests"].as_array().unwrap();
    for (t, want) in tests.iter().zip([1.0, p2, pt]) {
        assert_eq!(t["p_value_method"], "exact", "{t}");
        let got = t["p_value"].as_f64().unwrap();
        // an upper bound of the exact tail, within its stated inflation
        assert!(
            got >= want * (1.0 - 1e-12) && got <= want * (1.0 + 1e-8),
            "{}: {got} vs exact {want}",
            t["test"]
        );
    }
    assert_eq!(v["false_alarm_bound"].as_f64(), Some(1e-3));
    assert!(v["false_alarm"].as_str().unwrap().contains("at most"));
}

/// `np.savetxt(counts)` (fmt '%.18e': k < 10 is "k.000000000000000000e+00",
/// delimiter ' ', newline '\n') and `np.savetxt(counts, fmt='%d',
/// delimiter=',')` give the same JSON, byte for byte, as the plain CSV (accepted at alpha
/// 1e-6, samples of the right law);
/// so does `np.save(counts)` (int64 .npy); 4.5 in NumPy's format is
/// refused naming row and column (exit 2).
#[test]
fn numpy_savetxt_files_give_the_same_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let rows = sample_many(&[8, 8], 0, 0.5, 300, 21);
    let e18 = |k: usize| format!("{k}.000000000000000000e+00");
    let default: String = rows
        .iter()
        .map(|r| format!("{} {}\n", e18(r[0]), e18(r[1])))
        .collect();
    let int_comma: String = rows
        .iter()
        .map(|r| format!("{},{}\n", r[0], r[1]))
        .collect();
    let mut outs = Vec::new();
    for (name, text) in [
        ("plain.csv", to_csv(&rows)),
        ("savetxt_default.txt", default.clone()),
        ("savetxt_header.txt", format!("# K1 K2\n{default}")),
        ("savetxt_int.csv", int_comma),
    ] {
        let p = write(&dir, name, &text);
        let out = check(&[
            "--widths",
            "8,8",
            "--q1",
            "1/2",
            "--samples",
            &p,
            "--format",
            "json",
            "--alpha",
            "1e-6",
        ]);
        let out = out.get_output();
        assert_eq!(out.status.code(), Some(0), "{name}");
        outs.push(out.stdout.clone());
    }
    // np.save(counts) of the int64 array (format 1.0, header padded to 64 bytes)
    let counts: Vec<i64> = rows.iter().flatten().map(|&k| k as i64).collect();
    let ints = i64_bytes(&counts);
    let npy = npy("<i8", false, &format!("({}, 2)", rows.len()), &ints);
    let p = dir.path().join("counts.npy");
    std::fs::write(&p, npy).unwrap();
    let p = p.display().to_string();
    let out = check(&[
        "--widths",
        "8,8",
        "--q1",
        "1/2",
        "--samples",
        &p,
        "--format",
        "json",
        "--alpha",
        "1e-6",
    ]);
    assert_eq!(out.get_output().status.code(), Some(0), "npy");
    outs.push(out.get_output().stdout.clone());
    assert!(outs.iter().all(|o| *o == outs[0]));
    let bad = write(
        &dir,
        "half.txt",
        "4.000000000000000000e+00 3.000000000000000000e+00\n4.000000000000000000e+00 4.500000000000000000e+00\n",
    );
    let out = check(&["--widths", "8,8", "--q1", "1/2", "--samples", &bad]).code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("row 2, column 2") && err.contains("not a whole number"),
        "{err}"
    );
}
