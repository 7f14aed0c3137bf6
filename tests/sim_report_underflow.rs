//! `simulate` prints no probability that underflowed as 0 (issue: every f64
//! probability has a log10 companion; the f64 field is null when the truth
//! is positive but below the normal f64 range).
// spec: FMT-SIMULATE

use assert_cmd::Command;
use serde_json::Value;

fn simulate(format: &str) -> Vec<u8> {
    Command::cargo_bin("trainability")
        .unwrap()
        .args([
            "simulate",
            "--input-dim",
            "1",
            "--widths",
            "64,64,64",
            "--init",
            "he-normal",
            "--bias",
            "zero",
            "--data",
            "grid1d:1:5",
            "--samples",
            "50",
            "--seed",
            "3",
            "--format",
            format,
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

/// Closed form, independent of the engine: with q1 = 0 (points of both signs,
/// zero bias) K_1 = N; given K_2 = p >= 1 a layer-3 neuron is PD with
/// probability 2^-p, and K_2 = 0 forces K_3 = 0, so
/// P(K_3 = 0) = sum_p C(N,p) (1-2^-N)^p 2^{-N(N-p)} 2^{-Np}
///            = 2^{-N^2} (2 - 2^-N)^N.
fn born_dead_log10_closed_form(n: f64) -> f64 {
    -n * n * 2f64.log10() + n * (2.0 - 2f64.powf(-n)).log10()
}

#[test]
fn born_dead_probability_below_f64_range_is_null_with_its_log10() {
    let v: Value = serde_json::from_slice(&simulate("json")).unwrap();
    let want = born_dead_log10_closed_form(64.0); // about -1213.75
    assert!(
        v["born_dead_probability"].is_null(),
        "{}",
        v["born_dead_probability"]
    );
    let got = v["born_dead_probability_log10"].as_f64().unwrap();
    assert!((got - want).abs() <= 1e-12 * want.abs(), "{got} vs {want}");
    // every p-value has its log10 companion
    for l in v["layers"].as_array().unwrap() {
        for key in ["gof_p_value", "active_dominance_p_value"] {
            let lg = l[format!("{key}_log10")].as_f64().unwrap();
            assert!(lg <= 0.0);
            if let Some(p) = l[key].as_f64() {
                assert!((p.log10() - lg).abs() < 1e-9, "{key}: {p} vs 10^{lg}");
            }
        }
    }
}

#[test]
fn table_shows_the_tiny_law_in_scientific_form_not_zero() {
    let s = String::from_utf8(simulate("table")).unwrap();
    let line = s.lines().find(|l| l.starts_with("born dead:")).unwrap();
    // 10^-1213.75 = 1.78e-1214
    assert!(
        line.contains("law 1.7") && line.contains("e-1214"),
        "{line}"
    );
    assert!(!line.contains("0.000000)"), "{line}");
}
