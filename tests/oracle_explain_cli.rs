//! `check` says what deviates (spec ALG-CHECK-EXPLAIN): directions derived
//! by hand for deliberately wrong samplers, nothing claimed on an accepted
//! case, histograms against n * P(K_l = k) computed here from C(8, k) / 256.
// spec: ALG-CHECK-EXPLAIN, ALG-CHECK

mod oracle_support;

use assert_cmd::Command;
use oracle_support::{sample_many, to_csv};
use serde_json::{json, Value};

fn run(dir: &tempfile::TempDir, rows: &[Vec<usize>], extra: &[&str]) -> (Option<i32>, String) {
    let p = dir.path().join(format!("s{}.csv", rows.len()));
    std::fs::write(&p, to_csv(rows)).unwrap();
    let out = Command::cargo_bin("trainability")
        .unwrap()
        .args(["check", "--widths", "8,8", "--q1", "1/2", "--samples"])
        .arg(&p)
        .args(extra)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

fn binom8(k: usize) -> f64 {
    [1.0, 8.0, 28.0, 56.0, 70.0, 56.0, 28.0, 8.0, 1.0][k]
}

/// Sampler with q1 = 0.7 claimed as 1/2: K_1 ~ Bin(8, 0.3), mean 2.4 against
/// 4 (z = -1.6 / sqrt(2 / 2000) ~ -51): too few non-PD neurons in layer 1.
/// The transition itself is right, so its mean given layer 1 stays within
/// 5.5 standard errors (|z| > 5.5 has probability < 4e-8 under the right
/// conditional law: the alpha of that assertion).
#[test]
fn q1_too_large_blames_layer_1_with_too_few_non_pd() {
    let dir = tempfile::tempdir().unwrap();
    let rows = sample_many(&[8, 8], 0, 0.7, 2000, 11);
    let (code, json) = run(&dir, &rows, &["--format", "json"]);
    assert_eq!(code, Some(1), "{json}");
    let v: Value = serde_json::from_str(&json).unwrap();
    let devs = v["deviations"].as_array().unwrap();
    let m1 = devs
        .iter()
        .find(|d| d["test"] == "marginal" && d["layer"] == 1)
        .expect("layer 1 marginal deviates");
    assert_eq!(m1["direction"], "too_few", "{m1}");
    let mean: f64 = rows.iter().map(|r| r[0] as f64).sum::<f64>() / 2000.0;
    assert!((m1["mean_observed"].as_f64().unwrap() - mean).abs() < 1e-12);
    assert!((m1["mean_expected"].as_f64().unwrap() - 4.0).abs() < 1e-12);
    let z = (mean - 4.0) / (2.0f64 / 2000.0).sqrt();
    assert!((m1["z"].as_f64().unwrap() - z).abs() < 1e-9, "{m1}");
    assert!(devs.iter().all(|d| d["direction"] != "too_many"), "{json}");
    for t in devs.iter().filter(|d| d["test"] == "transition") {
        assert!(t["z"].as_f64().unwrap().abs() < 5.5, "{t}");
    }
    // the largest cell of layer 1: the biggest |O - E|^2 / E among k = 0..8
    let h: Vec<u64> = (0..=8)
        .map(|k| rows.iter().filter(|r| r[0] == k).count() as u64)
        .collect();
    let contrib = |k: usize| {
        let e = 2000.0 * binom8(k) / 256.0;
        (h[k] as f64 - e).powi(2) / e
    };
    let kmax = (0..=8)
        .max_by(|&a, &b| contrib(a).partial_cmp(&contrib(b)).unwrap())
        .unwrap();
    let top = &m1["top_cells"][0];
    assert_eq!(top["cells"], format!("K_1 = {kmax}"), "{m1}");
    assert_eq!(top["observed"].as_u64(), Some(h[kmax]));
    assert!((top["contribution"].as_f64().unwrap() - contrib(kmax)).abs() < 1e-9 * contrib(kmax));
    // JSON histogram of layer 1: expected 2000 C(8,k)/256 (>= 7.8, no pooling)
    let hist = v["layers"][0]["histogram"].as_array().unwrap();
    assert_eq!(hist.len(), 9);
    for (k, c) in hist.iter().enumerate() {
        assert_eq!(c["k"].as_u64(), Some(k as u64));
        assert_eq!(c["observed"].as_u64(), Some(h[k]));
        assert!((c["expected"].as_f64().unwrap() - 2000.0 * binom8(k) / 256.0).abs() < 1e-9);
        assert!(c["pooled"].is_null());
    }
    // the table: the sentence, and the histogram row k = 4 (expected 546.875)
    let (code, table) = run(&dir, &rows, &[]);
    assert_eq!(code, Some(1));
    assert!(
        table.contains("marginal test, layer 1: too few non-PD neurons"),
        "{table}"
    );
    let row4 = format!("{:>7}  {:>12}  {:>9}", 4, "546.875", h[4]);
    assert!(table.contains(&row4), "{row4:?} not in\n{table}");
}

/// Active counts drawn with q1 = 0.2 (K_1 ~ Bin(8, 0.8), mean 6.4) claimed
/// against the non-PD law with q1 = 1/2 (mean 4): too many active neurons.
#[test]
fn too_many_active_neurons_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let rows = sample_many(&[8, 8], 0, 0.2, 1000, 12);
    let (code, json) = run(&dir, &rows, &["--kind", "active", "--format", "json"]);
    assert_eq!(code, Some(1), "{json}");
    let v: Value = serde_json::from_str(&json).unwrap();
    let d = &v["deviations"][0];
    assert_eq!(
        (d["test"].as_str(), d["layer"].as_u64()),
        (Some("dominance"), Some(1)),
        "{json}"
    );
    assert_eq!(d["direction"], "too_many");
    assert!(d["top_cells"][0]["cells"]
        .as_str()
        .unwrap()
        .starts_with("K_1 >= "));
}

/// Right law, 500 samples: accepted (alpha 1e-6), no deviation claimed in
/// JSON or table; pooling of layer 1 by hand: 500/256 = 1.95 < 5 joins
/// k = 1 (15.6) into 0..=1; k = 7 closes alone and the remainder k = 8
/// joins it: 7..=8.
#[test]
fn accepted_case_claims_no_deviation() {
    let dir = tempfile::tempdir().unwrap();
    let rows = sample_many(&[8, 8], 0, 0.5, 500, 13);
    let (code, json) = run(&dir, &rows, &["--format", "json", "--alpha", "1e-6"]);
    assert_eq!(code, Some(0), "{json}");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["deviations"], json!([]));
    let hist = v["layers"][0]["histogram"].as_array().unwrap();
    let pooled: Vec<Value> = hist.iter().map(|c| c["pooled"].clone()).collect();
    let (a, b, n) = (json!([0, 1]), json!([7, 8]), Value::Null);
    assert_eq!(
        pooled,
        vec![
            a.clone(),
            a,
            n.clone(),
            n.clone(),
            n.clone(),
            n.clone(),
            n,
            b.clone(),
            b
        ]
    );
    let (code, table) = run(&dir, &rows, &["--alpha", "1e-6"]);
    assert_eq!(code, Some(0));
    assert!(
        !table.contains("deviation") && !table.contains("too few"),
        "{table}"
    );
}

/// q1 = 0 (the default) makes K_1 = N_1 = 4 certain: a sampled K_1 = 3 is
/// impossible, so layer 1 has too few non-PD neurons and the impossible
/// cell is named first (expected 0, infinite contribution: null in JSON).
#[test]
fn impossible_cell_is_named_first() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("imp.csv");
    std::fs::write(&p, "4,0\n4,1\n3,2\n4,4\n").unwrap();
    let out = Command::cargo_bin("trainability")
        .unwrap()
        .args(["check", "--widths", "4,4", "--format", "json", "--samples"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["deviations"][0];
    assert_eq!(
        (d["test"].as_str(), d["layer"].as_u64()),
        (Some("marginal"), Some(1)),
        "{v}"
    );
    assert_eq!(d["direction"], "too_few");
    let top = &d["top_cells"][0];
    assert_eq!(top["cells"], "K_1 = 3");
    assert_eq!(
        (top["observed"].as_u64(), top["expected"].as_f64()),
        (Some(1), Some(0.0))
    );
    assert!(top["contribution"].is_null());
}
