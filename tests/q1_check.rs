//! `check --q1-from-data` and the composite test for a q1 interval (spec
//! ALG-CHECK-Q1-INTERVAL). Counts are drawn here from THM-CHAIN with an
//! independent sampler (neuron by neuron). Every assertion runs at
//! alpha = 1e-6 with fixed seeds.

mod oracle_support;

use assert_cmd::Command;
use oracle_support::write;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use relu_trainability::exact::{BiasMode, ChainSpec};
use relu_trainability::oracle::check::{check_samples, Kind};
use relu_trainability::oracle::q1_interval::check_interval;
use relu_trainability::rational::from_f64_exact;
use relu_trainability::stats::gof::PValues;

const ALPHA: f64 = 1e-6;

/// n networks from THM-CHAIN, neuron by neuron: layer 1 non-PD w.p. 1 - q1,
/// layer l non-PD w.p. 1 - 2^-(p + beta) given p non-PD below (0 if p = 0).
fn chain(widths: &[usize], beta: i32, q1: f64, n: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let mut row = Vec::new();
            let mut p = (0..widths[0]).filter(|_| rng.gen::<f64>() >= q1).count();
            row.push(p);
            for &w in &widths[1..] {
                p = if p == 0 {
                    0
                } else {
                    let dead = 0.5f64.powi(p as i32 + beta);
                    (0..w).filter(|_| rng.gen::<f64>() >= dead).count()
                };
                row.push(p);
            }
            row
        })
        .collect()
}

// spec: ALG-CHECK-Q1-INTERVAL, LEM-Q1-MONOTONE-COUNTS
#[test]
fn interval_rule_keeps_level_at_both_ends() {
    let w = [6, 5, 4];
    for (i, q1) in [0.2, 0.25, 0.3].into_iter().enumerate() {
        for beta in [0, 1] {
            let s = chain(&w, beta, q1, 3000, 10 + i as u64 * 2 + beta as u64);
            let mode = if beta == 0 {
                BiasMode::Zero
            } else {
                BiasMode::Symmetric
            };
            let r = check_interval(&w, mode, 0.2, 0.3, 1e-6, &s, ALPHA, PValues::Auto).unwrap();
            assert!(!r.reject, "q1 = {q1}, beta = {beta}: {:?}", r.tests);
            // the bound is printed exactly when every p-value is exact
            // (ALG-GOF-EXACT); five independent rows of 3000 samples are
            // past the enumeration budget, so here it is not
            let exact = r.tests.iter().all(|t| t.p_value_method == "exact");
            let want = if exact {
                Some((ALPHA + 1e-6).next_up())
            } else {
                None
            };
            assert_eq!(r.false_alarm_bound, want, "{:?}", r.tests);
        }
    }
    // active counts: thin the non-PD counts drawn at q1 = hi; the dominance
    // test at q1 = lo accepts them (A <=st K(hi) <=st K(lo))
    let s = chain(&w, 1, 0.3, 3000, 30);
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    let act: Vec<Vec<usize>> = s
        .iter()
        .map(|r| {
            r.iter()
                .map(|&k| (0..k).filter(|_| rng.gen::<f64>() < 0.9).count())
                .collect()
        })
        .collect();
    let spec = ChainSpec::new(
        w.to_vec(),
        BiasMode::Symmetric,
        from_f64_exact(0.2).unwrap(),
    )
    .unwrap();
    assert!(
        !check_samples(&spec, &act, Kind::Active, ALPHA)
            .unwrap()
            .reject
    );
    // LEM-Q1-MONOTONE-COUNTS: the mean count of every layer is lower at q1 = 0.3
    let lo = chain(&w, 1, 0.2, 20000, 32);
    let hi = chain(&w, 1, 0.3, 20000, 33);
    for l in 0..3 {
        let m = |s: &Vec<Vec<usize>>| s.iter().map(|r| r[l] as f64).sum::<f64>() / s.len() as f64;
        assert!(m(&lo) > m(&hi), "layer {}", l + 1);
    }
}

// spec: ALG-CHECK-Q1-INTERVAL
#[test]
fn interval_rule_rejects_wrong_widths() {
    let w = [6, 5, 4];
    // q1 outside the interval
    let s = chain(&w, 1, 0.5, 3000, 40);
    let r = check_interval(
        &w,
        BiasMode::Symmetric,
        0.2,
        0.3,
        1e-6,
        &s,
        ALPHA,
        PValues::Auto,
    )
    .unwrap();
    assert!(r.reject);
    assert!(r.tests[0].p_value_log10.unwrap() < (ALPHA / 3.0).log10());
    // a narrower second layer than claimed
    let s = chain(&[6, 3, 4], 1, 0.25, 3000, 41);
    let r = check_interval(
        &w,
        BiasMode::Symmetric,
        0.2,
        0.3,
        1e-6,
        &s,
        ALPHA,
        PValues::Auto,
    )
    .unwrap();
    assert!(r.reject);
    assert_eq!(r.tests[0].p_value.map(|p| p > 1e-3), Some(true));
    // zero biases claimed symmetric
    let s = chain(&w, 0, 0.25, 3000, 42);
    let r = check_interval(
        &w,
        BiasMode::Symmetric,
        0.2,
        0.3,
        1e-6,
        &s,
        ALPHA,
        PValues::Auto,
    )
    .unwrap();
    assert!(r.reject);
}

fn csv(rows: &[Vec<usize>]) -> String {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn json(args: &[&str]) -> (serde_json::Value, i32) {
    let out = Command::cargo_bin("trainability")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap_or_default(),
        code,
    )
}

// spec: ALG-CHECK-Q1-INTERVAL, THM-Q1-POLYTOPE
#[test]
fn exact_q1_from_data_matches_check_with_q1() {
    // torch-default on X = {1/2, 2}: q1 = 3/8 exactly (tests/q1_forms.rs)
    let dir = tempfile::tempdir().unwrap();
    let data = write(&dir, "x.csv", "0.5\n2\n");
    let counts = write(&dir, "k.csv", &csv(&chain(&[4, 3], 1, 0.375, 500, 50)));
    let (a, ca) = json(&[
        "check",
        "--widths",
        "4,3",
        "--samples",
        &counts,
        "--q1-from-data",
        &data,
        "--init",
        "torch-default",
        "--format",
        "json",
    ]);
    let (b, cb) = json(&[
        "check",
        "--widths",
        "4,3",
        "--samples",
        &counts,
        "--bias",
        "symmetric",
        "--q1",
        "3/8",
        "--format",
        "json",
    ]);
    assert_eq!((ca, cb), (0, 0));
    assert_eq!(a["overall_p_value"], b["overall_p_value"]);
    assert_eq!(a["q1_from_data"]["q1"]["exact"], "3/8");
    assert_eq!(a["q1_from_data"]["theorem"], "THM-Q1-POLYTOPE");
}

// spec: ALG-CHECK-Q1-INTERVAL, ALG-Q1-MC
#[test]
fn cli_q1_from_data_reports_source_and_bound() {
    let dir = tempfile::tempdir().unwrap();
    // He-normal weights with a uniform bias on 2-D data: no closed form
    let data = write(&dir, "x.csv", "1,0\n0.5,0.5\n0.2,0.9\n");
    let q1 = {
        let (v, c) = json(&[
            "q1",
            "--data",
            &data,
            "--bias",
            "uniform:0.5",
            "--samples",
            "400000",
            "--format",
            "json",
        ]);
        assert_eq!(c, 0);
        v["q1"]["estimate"].as_f64().unwrap()
    };
    let counts = write(&dir, "k.csv", &csv(&chain(&[5, 4], 1, q1, 2000, 60)));
    let out = Command::cargo_bin("trainability")
        .unwrap()
        .args([
            "check",
            "--widths",
            "5,4",
            "--samples",
            &counts,
            "--q1-from-data",
            &data,
            "--bias",
            "uniform:0.5",
            "--q1-samples",
            "400000",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("monte carlo n=400000, seed=0"), "{text}");
    assert!(
        text.contains(
            "false-alarm rate: about alpha + delta = 0.001001, not proven: the p-values of \
             conditional transition 2 use the chi-square approximation"
        ),
        "{text}"
    );
    assert!(text.contains("layer-1 total"), "{text}");
    // the same counts claimed with a width-3 second layer: reject (exit 1)
    let bad = write(&dir, "bad.csv", &csv(&chain(&[5, 2], 1, q1, 2000, 61)));
    let (v, c) = json(&[
        "check",
        "--widths",
        "5,4",
        "--samples",
        &bad,
        "--q1-from-data",
        &data,
        "--bias",
        "uniform:0.5",
        "--q1-samples",
        "400000",
        "--format",
        "json",
        "--alpha",
        "1e-6",
    ]);
    assert_eq!(c, 1);
    assert_eq!(v["reject"], true);
    assert_eq!(v["q1_from_data"]["q1"]["kind"], "interval");
    // RAI sets no law: exit 2
    let out = Command::cargo_bin("trainability")
        .unwrap()
        .args([
            "check",
            "--widths",
            "5,4",
            "--samples",
            &counts,
            "--q1-from-data",
            &data,
            "--init",
            "rai",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error:"));
}

/// The layer-1 total test of the interval rule on one hidden layer of width
/// 2 and 5 networks (10 neurons, s non-PD), by hand: p-value
/// 2 min(P(X >= s | alive prob. 1 - lo), P(X <= s | 1 - hi)),
/// X ~ Binomial(10, .), capped at 1; and the interval's own validation.
// spec: ALG-CHECK-Q1-INTERVAL
#[test]
fn layer_one_total_by_hand() {
    let l2 = std::f64::consts::LOG10_2;
    let run = |k: usize, lo: f64, hi: f64| {
        let s = vec![vec![k]; 5];
        let r =
            check_interval(&[2], BiasMode::Zero, lo, hi, 1e-6, &s, ALPHA, PValues::Auto).unwrap();
        assert_eq!(r.tests.len(), 1);
        assert_eq!((r.tests[0].test, r.tests[0].layer), ("layer-1 total", 1));
        assert_eq!(r.overall_p_value_log10, r.tests[0].p_value_log10);
        r.tests[0].p_value_log10.unwrap()
    };
    let close = |got: f64, want: f64| assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    // every neuron alive, q1 in [1/2, 0.6]: too many alive for q1 = 1/2:
    // 2 (1/2)^10, log10 = -9 log10 2
    close(run(2, 0.5, 0.6), -9.0 * l2);
    // none alive, q1 in [0.5, 0.6]: too few for q1 = 0.6 (alive 0.4): 2 (0.6)^10
    close(run(0, 0.5, 0.6), l2 + 10.0 * 0.6f64.log10());
    // 5 of 10 alive, q1 = 0.8 (alive 1/5): P(X >= 5) = sum_{k>=5} C(10,k) 4^(10-k) / 5^10
    let c = [
        1.0, 10.0, 45.0, 120.0, 210.0, 252.0, 210.0, 120.0, 45.0, 10.0, 1.0,
    ];
    let ge5: f64 = (5..=10)
        .map(|k| c[k] * 4f64.powi(10 - k as i32))
        .sum::<f64>()
        / 5f64.powi(10);
    close(run(1, 0.8, 0.8), (2.0 * ge5).log10());
    // q1 known to be 0 (every neuron alive w.p. 1): 5 of 10 alive is
    // impossible, but the alive probability is taken one f64 below 1
    // (1 - 2^-53), conservatively: P(X <= 5) ~ C(10,5) (2^-53)^5, log10
    // = log10(2 x 252) - 265 log10 2 (the k < 5 terms are 2^-53 smaller)
    close(run(1, 0.0, 0.0), (504f64).log10() - 265.0 * l2);
    // more non-PD neurons than the width holds: impossible for every q1
    let s = vec![vec![3]; 5];
    let r = check_interval(
        &[2],
        BiasMode::Zero,
        0.5,
        0.6,
        1e-6,
        &s,
        ALPHA,
        PValues::Auto,
    )
    .unwrap();
    assert_eq!(
        (r.tests[0].p_value, r.tests[0].p_value_log10),
        (Some(0.0), None)
    );
    // half alive at q1 = 1/2: p-value 1 (capped), not rejected even at
    // alpha = 1 (rejection is p < alpha)
    let s = vec![vec![1]; 5];
    let r = check_interval(&[2], BiasMode::Zero, 0.5, 0.5, 1e-6, &s, 1.0, PValues::Auto).unwrap();
    assert_eq!((r.overall_p_value, r.reject), (Some(1.0), false));
    // a second layer adds the conditional transition test, labelled layer 2;
    // the overall p-value is Bonferroni over the two tests
    let s = vec![vec![2, 1]; 5];
    let r = check_interval(
        &[2, 1],
        BiasMode::Zero,
        0.5,
        0.6,
        1e-6,
        &s,
        ALPHA,
        PValues::Auto,
    )
    .unwrap();
    let labels: Vec<_> = r.tests.iter().map(|t| (t.test, t.layer)).collect();
    assert_eq!(
        labels,
        [("layer-1 total", 1), ("conditional transition", 2)]
    );
    close(r.tests[0].p_value_log10.unwrap(), -9.0 * l2);
    let min = r
        .tests
        .iter()
        .map(|t| t.p_value_log10.unwrap())
        .fold(0.0, f64::min);
    close(r.overall_p_value_log10.unwrap(), (l2 + min).min(0.0));
    // the interval must lie in [0, 1], lo <= hi
    for (lo, hi) in [
        (0.5, 0.3),
        (-0.1, 0.3),
        (0.2, 1.5),
        (f64::NAN, 0.3),
        (0.2, f64::NAN),
    ] {
        let e = check_interval(
            &[2],
            BiasMode::Zero,
            lo,
            hi,
            1e-6,
            &[vec![1]],
            ALPHA,
            PValues::Auto,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("is not inside [0, 1]"),
            "{lo} {hi}: {e}"
        );
    }
}
