//! Bad or huge input to the exact-side commands (exact, approx, table,
//! width, depth): `error: ...` and exit 2 within 2 s, never a panic, a hang
//! or an allocation failure; and the f64/log10 reporting convention near
//! underflow, against independent closed forms.

use assert_cmd::Command;
use num_bigint::BigInt;
use num_rational::BigRational;
use relu_trainability::exact::xf128::{Dir, Xf128};
use serde_json::Value;
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::cargo_bin("trainability").unwrap()
}

/// Runs the command with a 10 s kill switch; returns (exit code, stdout,
/// stderr, elapsed).
fn run(args: &[&str]) -> (Option<i32>, String, String, Duration) {
    let t = Instant::now();
    let out = bin()
        .args(args)
        .timeout(Duration::from_secs(10))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        t.elapsed(),
    )
}

fn refused_quickly(args: &[&str]) {
    let (code, _, err, dt) = run(args);
    assert_eq!(code, Some(2), "{args:?}: exit {code:?}, stderr {err}");
    assert!(err.starts_with("error:"), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert!(dt < Duration::from_secs(2), "{args:?} took {dt:?}");
}

fn json_quickly(args: &[&str]) -> Value {
    let (code, out, err, dt) = run(args);
    assert_eq!(code, Some(0), "{args:?}: {err}");
    assert!(dt < Duration::from_secs(2), "{args:?} took {dt:?}");
    serde_json::from_str(&out).unwrap()
}

// spec: ALG-COST
#[test]
fn sizes_that_overflowed_or_exhausted_memory_are_refused() {
    let max = "18446744073709551615";
    refused_quickly(&["approx", "--widths", max, "--format", "json"]);
    refused_quickly(&["exact", "--summary", "--widths", "9223372036854775807"]);
    refused_quickly(&["exact", "--summary", "--widths", "4294967297"]);
    refused_quickly(&["table", "--max-depth", max]);
    refused_quickly(&["table", "--max-width=2", "--max-depth=4294967296"]);
    refused_quickly(&["width", "--depth", max]);
    refused_quickly(&["width", "--depth", "1000000000"]);
    refused_quickly(&["approx", "--widths", "40000000"]);
    refused_quickly(&["depth", "--width", max]);
}

// spec: ALG-COST
#[test]
fn work_without_a_cost_estimate_is_refused_or_fast() {
    refused_quickly(&["exact", "--summary", "--widths", "100000"]);
    refused_quickly(&["exact", "--widths", "20000"]);
    // accepted, and fast now that C(n,k) is built incrementally
    let v = json_quickly(&[
        "table",
        "--max-width",
        "3000",
        "--max-depth",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(v["tables"][0]["born_dead"][2999][0], "0/1");
    let v = json_quickly(&["depth", "--width", "2048", "--format", "json"]);
    assert_eq!(v["saturated"], true);
}

// spec: ALG-COST, ALG-SEARCH
#[test]
fn numbers_that_hung_the_parser_are_refused() {
    refused_quickly(&["exact", "--widths", "1", "--q1", "1e-9223372036854775808"]);
    refused_quickly(&["width", "--depth", "1", "--eps", "1e-9223372036854775808"]);
    refused_quickly(&["width", "--depth", "3", "--eps", "1e-100000"]);
    refused_quickly(&["depth", "--width", "3", "--eps", "1e-100000"]);
    let long = format!("--q1=1/{}", "9".repeat(100_000));
    refused_quickly(&["depth", "--width", "4", &long]);
    refused_quickly(&["exact", "--widths", "4", &long]);
    // a tiny eps is meaningful for depth: answered in log form
    // (q1 = 0: B(1) = 0 and B(2) = 2^-40000 ~ 10^-12041 > eps)
    let v = json_quickly(&[
        "depth", "--width", "200", "--eps", "1e-20000", "--format", "json",
    ]);
    assert_eq!(v["depth"], 1);
    assert!(v["born_dead_next"]["f64"].is_null());
}

// spec: ALG-SEARCH
#[test]
fn depth_never_prints_nan_or_an_unsupported_number() {
    for w in ["9", "20", "21", "55", "64", "1000"] {
        for bias in ["zero", "symmetric"] {
            let (code, out, err, dt) =
                run(&["depth", "--width", w, "--bias", bias, "--format", "json"]);
            assert_eq!(code, Some(0), "{err}");
            assert!(dt < Duration::from_secs(2), "width {w} took {dt:?}");
            assert!(!out.contains("NaN") && !out.contains("nan"));
            let v: Value = serde_json::from_str(&out).unwrap();
            // a number only when decided; saturated answers carry none
            assert_eq!(
                v["depth"].is_null(),
                v["saturated"] == true || v["decided"] == false
            );
            let (text_code, text, _, _) = run(&["depth", "--width", w, "--bias", bias]);
            assert_eq!(text_code, Some(0));
            assert!(!text.contains("NaN"), "{text}");
        }
    }
}

/// log10 of an exact rational from big-integer arithmetic: 10^k <= x < 10^(k+1)
/// located by comparing with powers of ten, then 15 digits by integer division.
fn log10_exact(x: &BigRational) -> f64 {
    let (n, d) = (x.numer().clone(), x.denom().clone());
    let digits = |b: &BigInt| b.to_string().len() as i64;
    let mut k = digits(&n) - digits(&d);
    let ten = |e: i64| {
        BigRational::from_integer(num_traits::pow(BigInt::from(10), e.unsigned_abs() as usize))
    };
    let scale = |k: i64| if k >= 0 { x / ten(k) } else { x * ten(-k) };
    while scale(k) < BigRational::from_integer(1.into()) {
        k -= 1;
    }
    while scale(k) >= BigRational::from_integer(10.into()) {
        k += 1;
    }
    let m = scale(k) * ten(15);
    let m = (m.numer() / m.denom()).to_string().parse::<f64>().unwrap() / 1e15;
    k as f64 + m.log10()
}

// spec: BOUND-F64
#[test]
fn approx_nulls_underflowing_f64_and_keeps_log10() {
    // widths 2 x 2000, q1 = 0, n* = (2, ..., 2): K_1 = 2, and from 2 the next
    // layer keeps both neurons with probability (3/4)^2, so T = (9/16)^1999.
    let widths = vec!["2"; 2000].join(",");
    let v = json_quickly(&[
        "approx",
        "--widths",
        &widths,
        "--min-widths",
        "2,...",
        "--format",
        "json",
    ]);
    let t = num_traits::pow(BigRational::new(9.into(), 16.into()), 1999);
    let want = log10_exact(&t);
    assert!((want + 499.5).abs() < 0.1, "{want}");
    assert!(v["trainability_f64"].is_null(), "{}", v["trainability_f64"]);
    let got = v["trainability_log10"].as_f64().unwrap();
    let r = v["trainability_rel_error_bound"].as_f64().unwrap();
    assert!((got - want).abs() <= r / std::f64::consts::LN_10 + 1e-15 * want.abs() + 1e-13);
    // widths 1 x 1070, q1 = 1/3: B = 1 - (2/3)(1/2)^1069 is fine, but
    // P(K = 1) = (2/3) 2^-1069 is subnormal in f64: null, log10 exact
    let widths = vec!["1"; 1070].join(",");
    let v = json_quickly(&[
        "approx", "--widths", &widths, "--q1", "1/3", "--format", "json",
    ]);
    let last = &v["layers"][1069];
    assert!(last["distribution_f64"][1].is_null());
    let p1 = BigRational::new(2.into(), 3.into())
        / BigRational::from_integer(BigInt::from(1) << 1069u32);
    let got = last["distribution_log10"][1].as_f64().unwrap();
    assert!((got - log10_exact(&p1)).abs() < 1e-12);
    // no f64 field anywhere is a subnormal number
    fn walk(v: &Value) {
        match v {
            Value::Number(n) => {
                let x = n.as_f64().unwrap();
                assert!(
                    x == 0.0 || x.abs() >= f64::MIN_POSITIVE || x.fract() == 0.0,
                    "{x}"
                );
            }
            Value::Array(a) => a.iter().for_each(walk),
            Value::Object(o) => o.values().for_each(walk),
            _ => {}
        }
    }
    walk(&v);
}

// spec: BOUND-F64, DEF-BORN-DEAD
#[test]
fn summary_and_table_log10_match_exact_rationals() {
    // widths 40 x 2, q1 = 0, zero bias: K_1 = 40 and B = 2^-1600 (closed form)
    let v = json_quickly(&[
        "exact",
        "--summary",
        "--widths",
        "40,40",
        "--format",
        "json",
    ]);
    assert!(v["born_dead_f64"].is_null());
    let want = -1600.0 * std::f64::consts::LOG10_2;
    assert!((v["born_dead_log10"].as_f64().unwrap() - want).abs() < 1e-12);
    // table: width 40, depth 2 in both the JSON log10 and the text
    let t = json_quickly(&[
        "table",
        "--max-width",
        "40",
        "--max-depth",
        "2",
        "--format",
        "json",
    ]);
    let l = t["tables"][0]["born_dead_log10"][39][1].as_f64().unwrap();
    assert!((l - want).abs() < 1e-12);
    let (_, text, _, _) = run(&["table", "--max-width", "40", "--max-depth", "2"]);
    assert!(text.contains("2.2491e-482"), "{text}");
    // the enclosure log10 agrees with an independent big-integer log10
    let x = BigRational::new(1.into(), BigInt::from(1) << 1600u32);
    let lo = Xf128::from_rational(&x, Dir::Down).log10();
    assert!((lo - log10_exact(&x)).abs() < 1e-12);
}

// spec: ALG-COST, ALG-LIMITS
#[test]
fn exact_side_budgets_are_the_global_flags() {
    // accepted by default, refused under a smaller --max-seconds, with the flag named
    let widths = vec!["64"; 16].join(",");
    json_quickly(&[
        "exact",
        "--summary",
        "--widths",
        &widths,
        "--format",
        "json",
    ]);
    let (code, _, err, _) = run(&[
        "exact",
        "--summary",
        "--widths",
        &widths,
        "--max-seconds",
        "0.0001",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--max-seconds"), "{err}");
    json_quickly(&["approx", "--widths", "3000,3000", "--format", "json"]);
    let (code, _, err, _) = run(&["approx", "--widths", "3000,3000", "--max-seconds", "0.0001"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--max-seconds"), "{err}");
    let (code, _, err, _) = run(&["exact", "--widths", "3000", "--max-memory-mb", "1"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--max-memory-mb"), "{err}");
}
