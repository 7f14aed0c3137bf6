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

// spec: ALG-COST (a JSON output above 256 MiB is refused), FMT-DECIMAL
#[test]
fn exact_output_cap_is_256_mib_of_predicted_digits() {
    use relu_trainability::exact::{cost, report, BiasMode, ChainSpec};
    let q = |d: i32| BigRational::new(1.into(), d.into());
    let spec = |w: Vec<usize>| ChainSpec::new(w, BiasMode::Symmetric, q(2)).unwrap();
    // The cap compares the predicted digits (a numerator and a denominator
    // of log10(2) bits_l digits per entry) with 2^28. Measured on cases
    // that print: the digits of every "p/q" string are at most that
    // prediction and more than 90 % of it (3.85e6 of 3.94e6 at
    // [128, 128, 128]); each prediction is above 1 MiB, so each case is
    // printed, not refused.
    for (w, q1) in [
        (vec![128, 128, 128], 2),
        (vec![100; 4], 2),
        (vec![200, 200], 3),
    ] {
        let s = ChainSpec::new(w.clone(), BiasMode::Symmetric, q(q1)).unwrap();
        let predicted = report::predicted_digits(&s);
        let v = report::exact_json(&s, None).unwrap();
        let digits: usize = v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| l["distribution"].as_array().unwrap())
            .map(|x| x.as_str().unwrap().len() - 1)
            .sum();
        assert!(predicted > 1.1 * 1024.0 * 1024.0, "{w:?}: {predicted}");
        assert!(
            (digits as f64) <= predicted,
            "{w:?}: {digits} vs {predicted}"
        );
        assert!(
            (digits as f64) > 0.9 * predicted,
            "{w:?}: {digits} vs {predicted}"
        );
    }
    // [800, 800]: within the default time and memory budgets (about 19 s and
    // 65 MB estimated), but about 2.3e8 x 1.35 digits: above 2^28 bytes, refused
    // before computing; [700, 700] (about 2.1e8 digits) is below the cap.
    for (w, refused) in [(800, true), (700, false)] {
        let s = spec(vec![w, w]);
        let c = cost::estimate(&s);
        let predicted = report::predicted_digits(&s);
        assert!(c.seconds < 60.0 && c.bytes_all_layers < 1e9, "{c:?}");
        assert_eq!(predicted > 268_435_456.0, refused, "{w}: {predicted}");
        if refused {
            let t = Instant::now();
            let e = report::exact_json(&s, None).unwrap_err().to_string();
            assert!(e.contains("256 MiB") && e.contains("--summary"), "{e}");
            assert!(t.elapsed() < Duration::from_secs(2));
        }
    }
}

// spec: FMT-APPROX (the dense report prints at most 2e6 probabilities)
#[test]
fn approx_report_prints_at_most_two_million_probabilities() {
    use relu_trainability::exact::{report, BiasMode, ChainSpec};
    let spec = |w| {
        ChainSpec::new(
            vec![w],
            BiasMode::Zero,
            BigRational::new(1.into(), 2.into()),
        )
    };
    // one layer of width N prints N + 1 probabilities: 2e6 at N = 1999999
    let v = report::approx_json(&spec(1_999_999).unwrap(), None).unwrap();
    assert_eq!(
        v["layers"][0]["distribution_f64"].as_array().unwrap().len(),
        2_000_000
    );
    // Binomial(N, 1/2) at k = N/2 ~ sqrt(2 / (pi N)), by Stirling
    let mid = v["layers"][0]["distribution_f64"][999_999]
        .as_f64()
        .unwrap();
    let stirling = (2.0 / (std::f64::consts::PI * 1_999_999.0)).sqrt();
    assert!((mid / stirling - 1.0).abs() < 1e-5, "{mid} {stirling}");
    let e = report::approx_json(&spec(2_000_000).unwrap(), None).unwrap_err();
    assert!(e.to_string().contains("2.0e6 probabilities"), "{e}");
}

// spec: ALG-SEARCH (probabilities printed at any magnitude)
#[test]
fn scientific_notation_from_log10_by_hand() {
    use relu_trainability::exact::report::sci_log10;
    // 10^-1299.5 = 10^0.5 x 10^-1300 = 3.16227766... e-1300
    assert_eq!(sci_log10(-1299.5, 3), "3.162e-1300");
    assert_eq!(sci_log10(2.0, 2), "1.00e2");
    // 10^-1299.00001 = 9.99977e-1300, which rounds to 10.000 at 3 decimals:
    // printed as 1.000e-1299, never as 10.000e-1300
    assert_eq!(sci_log10(-1299.00001, 3), "1.000e-1299");
    assert_eq!(sci_log10(0.999_999_99, 2), "1.00e1");
    assert_eq!(sci_log10(f64::NEG_INFINITY, 3), "0");
    assert_eq!(sci_log10(f64::NAN, 3), "0");
}

// spec: ALG-SEARCH (enclosure fields: outward log10 ends, f64 only when the
// enclosure is <= 1e-9 wide, rel_error_bound of f64 relative to the truth)
#[test]
fn enclosure_fields_hold_every_value_inside_by_hand() {
    use relu_trainability::exact::report::enclosure_json;
    use relu_trainability::rational::from_f64_exact;
    let x = |num: u128, log2_den: i64| Xf128::from_u128(num).mul_pow2(-log2_den);
    // log10 2 correctly rounded to f64
    let exact_log10_2 = std::f64::consts::LOG10_2;
    // [1/4, 1]: relatively 3 wide (ratio exact in f64: the bound must not
    // round below it); no f64; log10 ends widened outward by 2e-15
    let v = enclosure_json(x(1, 2), Xf128::ONE, None);
    let rel = v["rel_error_bound"].as_f64().unwrap();
    assert!((3.0..3.0 + 1e-13).contains(&rel), "{rel}");
    assert!(v["f64"].is_null() && v["exact"].is_null());
    let lo = v["lower_log10"].as_f64().unwrap();
    let hi = v["upper_log10"].as_f64().unwrap();
    assert!(
        lo < -2.0 * exact_log10_2 - 1e-15 && lo > -2.0 * exact_log10_2 - 1e-14,
        "{lo}"
    );
    assert!(hi > 1e-15 && hi < 1e-14, "{hi}");
    assert_eq!(v["log10"].as_f64(), Some(0.0));
    // 2^-100 .. 2^-100 (1 + 2^-70): the ends 100 log10 2 = 30.103 widened by
    // 2e-15 x 30.103 = 6.0e-14 (within a few ulps); tight, so f64 is the
    // upper end, within rel of both ends of the enclosure
    let lower = x(1, 100);
    let upper = x((1u128 << 70) + 1, 170);
    let v = enclosure_json(lower, upper, None);
    let rel = v["rel_error_bound"].as_f64().unwrap();
    let rel_q = from_f64_exact(rel).unwrap();
    let f = from_f64_exact(v["f64"].as_f64().unwrap()).unwrap();
    for end in [lower.to_rational(), upper.to_rational()] {
        let err = if f > end { &f - &end } else { &end - &f };
        assert!(err <= &rel_q * &end, "{rel}");
    }
    assert!(rel < 1e-15, "{rel}");
    let want = -100.0 * exact_log10_2;
    let lo = v["lower_log10"].as_f64().unwrap();
    let hi = v["upper_log10"].as_f64().unwrap();
    assert!(lo < want - 5e-14 && lo > want - 8e-14, "{lo} {want}");
    assert!(hi > want + 5e-14 && hi < want + 8e-14, "{hi} {want}");
    // a point enclosure of a known rational: exact, bound 0
    let r = BigRational::new(1.into(), 8.into());
    let v = enclosure_json(x(1, 3), x(1, 3), Some(&r));
    assert_eq!(v["exact"], "1/8");
    assert_eq!(v["f64"].as_f64(), Some(0.125));
    assert_eq!(v["rel_error_bound"].as_f64(), Some(0.0));
    // zero: exact 0 with bound 0; log10 ends null
    let v = enclosure_json(Xf128::ZERO, Xf128::ZERO, None);
    assert_eq!(v["rel_error_bound"].as_f64(), Some(0.0));
    assert!(v["lower_log10"].is_null() && v["upper_log10"].is_null());
    // [0, 2^-3]: no relative bound at all
    let v = enclosure_json(Xf128::ZERO, x(1, 3), None);
    assert!(v["rel_error_bound"].is_null() && v["f64"].is_null());
}
