//! The `exact`, `approx`, `table`, `width` and `depth` commands: the JSON
//! contract and bad input (clear message, exit 2, never a panic).

use assert_cmd::Command;
use num_rational::BigRational;
use relu_trainability::exact::float_chain::Xf64;
use relu_trainability::exact::{rational_chain, BiasMode, ChainSpec};
use relu_trainability::rational::{parse_rational, to_pq};
use serde_json::Value;

fn bin() -> Command {
    Command::cargo_bin("trainability").unwrap()
}

fn json_of(args: &[&str]) -> Value {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fails_with(args: &[&str], needle: &str) {
    let out = bin().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?} should exit 2");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(needle),
        "{args:?}: stderr {err:?} lacks {needle:?}"
    );
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
}

// spec: THM-CHAIN, DEF-TRAINABILITY
#[test]
fn exact_json_contract_matches_reference() {
    let v = json_of(&[
        "exact",
        "--widths",
        "4,2,3",
        "--bias",
        "symmetric",
        "--q1",
        "1/3",
        "--min-widths",
        "2,1,1",
        "--format",
        "json",
    ]);
    let spec = ChainSpec::new(
        vec![4, 2, 3],
        BiasMode::Symmetric,
        parse_rational("1/3").unwrap(),
    )
    .unwrap();
    let reference = rational_chain::law(&spec, None);
    assert_eq!(v["widths"], serde_json::json!([4, 2, 3]));
    assert_eq!(v["bias"], "symmetric");
    assert_eq!(v["q1"], "1/3");
    let layers = v["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3);
    for (l, layer) in layers.iter().enumerate() {
        let d: Vec<String> = layer["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        let want: Vec<String> = reference.layers[l].iter().map(to_pq).collect();
        assert_eq!(d, want);
        let f = layer["distribution_f64"].as_array().unwrap();
        assert_eq!(f.len(), d.len());
    }
    assert_eq!(v["born_dead"], to_pq(&reference.layers[2][0]));
    let t = rational_chain::law(&spec, Some(&[2, 1, 1]));
    let total: BigRational = t.layers[2].iter().cloned().sum();
    assert_eq!(v["trainability"], to_pq(&total));
    assert!(v["born_dead_f64"].as_f64().unwrap() > 0.0);
}

// spec: BOUND-F64
#[test]
fn approx_reports_bounds_and_agrees_with_exact() {
    let e = json_of(&["exact", "--widths", "5,5,5,5", "--format", "json"]);
    let a = json_of(&["approx", "--widths", "5,5,5,5", "--format", "json"]);
    let exact = e["born_dead_f64"].as_f64().unwrap();
    let approx = a["born_dead_f64"].as_f64().unwrap();
    let bound = a["born_dead_rel_error_bound"].as_f64().unwrap();
    assert!(bound > 0.0 && bound < 1e-12);
    // the f64 rendering of the exact value is itself correctly rounded (<= 1/2 ulp)
    assert!((approx - exact).abs() <= (bound + 1.2e-16) * exact);
}

// spec: ALG-COST, BOUND-F64
#[test]
fn summary_handles_64_by_64_exactly_and_agrees_with_the_f64_bound() {
    let widths = vec!["64"; 64].join(",");
    fails_with(
        &["exact", "--widths", &widths, "--format", "json"],
        "--summary",
    );
    let e = json_of(&[
        "exact",
        "--summary",
        "--widths",
        &widths,
        "--min-widths",
        "2,1,...",
        "--format",
        "json",
    ]);
    assert!(e.get("layers").is_none());
    let a = json_of(&[
        "approx",
        "--widths",
        &widths,
        "--min-widths",
        "2,1,...",
        "--format",
        "json",
    ]);
    // P(born dead) ~ 1e-1212 underflows f64: compare log10 values, with the
    // relative bound turned into an absolute one on the log scale.
    let exact: BigRational = e["born_dead"].as_str().unwrap().parse().unwrap();
    let exact_log10 = Xf64::from_rational(&exact).log10();
    let approx_log10 = a["born_dead_log10"].as_f64().unwrap();
    let bound = a["born_dead_rel_error_bound"].as_f64().unwrap();
    assert!(exact_log10 < -1000.0);
    assert!((exact_log10 - approx_log10).abs() <= bound / std::f64::consts::LN_10 + 1e-12);
    assert!(e["trainability_f64"].as_f64().unwrap() > 0.999_999);
}

// spec: ALG-SEARCH, THM-MONOTONE
#[test]
fn width_and_depth_commands_answer() {
    // Expected values from an independent implementation of the chain in
    // Python fractions (exact, tests/reference/width_fractions.py): depth 10,
    // n* = (2,1,...,1), zero bias, q1 = 0:
    // T(4) = 0.99586... < 0.999 <= T(5) = 0.99997...
    let w = json_of(&[
        "width",
        "--depth",
        "10",
        "--min-widths",
        "2,1,...",
        "--eps",
        "1e-3",
        "--format",
        "json",
    ]);
    assert_eq!(w["width"], 5);
    assert_eq!(
        w["trainability"],
        "53918762274555712141213403266435885848067408504829929685218017093631/\
         53919893334301279589334030174039261347274288845081144962207220498432"
    );
    assert_eq!(
        w["trainability_below"],
        "22208487453659357237340980860881658565426175/22300745198530623141535718272648361505980416"
    );
    // width 3, zero bias, q1 = 0: K_1 = 3, so B(2) = 2^-9 and
    // B(3) = (1/8 + (7/8)(1/8))^3 = (15/64)^3 (closed form): depth 2 at eps 1/100
    let d = json_of(&[
        "depth", "--width", "3", "--eps", "1/100", "--format", "json",
    ]);
    assert_eq!(d["depth"], 2);
    assert_eq!(d["decided"], true);
    assert_eq!(d["born_dead"]["exact"], "1/512");
    assert_eq!(d["born_dead_next"]["exact"], "3375/262144");
    // a tie below the 128-bit enclosures (tests/exact_depth.rs::
    // ties_below_the_enclosure_precision_are_an_interval): q1 = 1/2 at width
    // 1000 and eps = 2^-1000 = B(1) exactly; D* = 1 but the search cannot
    // decide it, so there is no "depth", only an interval that contains 1
    let eps = format!("1/{}", num_bigint::BigInt::from(1) << 1000u32);
    let u = json_of(&[
        "depth", "--width", "1000", "--q1", "1/2", "--eps", &eps, "--format", "json",
    ]);
    assert_eq!(u["decided"], false);
    assert_eq!(u["saturated"], false);
    assert!(u["depth"].is_null());
    assert!(u["depth_min"].as_u64().unwrap() <= 1);
    assert!(u["depth_max"].is_null() && u["born_dead_next"].is_null());
}

// spec: ALG-COST
#[test]
fn bad_input_is_refused_clearly() {
    fails_with(&["exact", "--widths", "4,0,4"], "width of 0");
    fails_with(&["exact", "--widths", ""], "width");
    fails_with(&["exact"], "--widths");
    fails_with(&["exact", "--widths", "4,x"], "not a whole number");
    fails_with(&["exact", "--widths", "4", "--q1", "3/2"], "outside [0, 1]");
    fails_with(&["exact", "--widths", "4", "--q1=-0.1"], "outside [0, 1]");
    fails_with(
        &["exact", "--widths", "4", "--q1", "1/0"],
        "zero denominator",
    );
    fails_with(&["exact", "--widths", "4", "--q1", "abc"], "exact rational");
    fails_with(
        &["exact", "--widths", "4,4", "--min-widths", "1,1,1"],
        "3 entries",
    );
    fails_with(&["exact", "--widths", "4,4", "--min-widths", "1"], "repeat");
    fails_with(
        &["exact", "--widths", "4", "--bias", "gaussian"],
        "zero or symmetric",
    );
    // far too big: refused quickly with advice, not attempted
    fails_with(
        &["exact", "--widths", "5000,5000,5000,5000"],
        "trainability approx",
    );
    fails_with(&["table", "--max-width", "0"], "at least 1");
    fails_with(&["width", "--depth", "3", "--eps", "0"], "eps");
    fails_with(&["width", "--depth", "3", "--q1", "1"], "q1 = 1");
    fails_with(&["depth", "--width", "0"], "width");
}

// spec: ALG-SEARCH, ALG-ENCLOSURE
#[test]
fn depth_table_says_which_side_of_eps_each_depth_is() {
    let table = |args: &[&str]| {
        String::from_utf8(
            bin()
                .arg("depth")
                .args(args)
                .assert()
                .success()
                .get_output()
                .stdout
                .clone(),
        )
        .unwrap()
    };
    // closed form (width 3, zero bias, q1 = 0): B(2) = (1/8)^3 = 2^-9,
    // B(3) = (1/8 + (7/8)(1/8))^3 = (15/64)^3 = 0.0128746...
    let s = table(&["--width", "3", "--eps", "1/100"]);
    assert!(
        s.contains("depth 2   P(born dead) = 1.953125e-3 (exact) <= eps"),
        "{s}"
    );
    assert!(
        s.contains("depth 3   P(born dead) = 1.287460e-2 (exact) > eps"),
        "{s}"
    );
    assert!(!s.contains("equal to the printed digits"), "{s}");
    // width 8, symmetric, eps 1e-3: the depth of tests/reference/depth_mpmath.py;
    // B(D) and B(D + 1) differ in the 18th digit, so the table says how the
    // comparison was decided
    let s = table(&["--width", "8", "--bias", "symmetric", "--eps", "1e-3"]);
    assert!(
        s.contains("depth 158782624574687402 ") && s.contains("<= eps"),
        "{s}"
    );
    assert!(
        s.contains("depth 158782624574687403 ") && s.contains("> eps"),
        "{s}"
    );
    assert!(s.contains("equal to the printed digits"), "{s}");
}
