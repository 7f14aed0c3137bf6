//! The truncated f64 chain (spec BOUND-F64-TRUNC): every enclosure contains
//! the exact rational (small sizes, thresholds high enough that mass is
//! really dropped), agrees with the dense f64 path (BOUND-F64) wherever both
//! run, and answers the large sizes of the issue in seconds, across regimes
//! (widths 1 to 10^5, depths to 10^6, both bias modes, q1 in {0, 1/3, 1 - 1e-9}).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use relu_trainability::exact::float_chain::{self, Xf64};
use relu_trainability::exact::truncated_chain::{self as tc, Encl, TruncLayer, DEFAULT_DROP_LOG2};
use relu_trainability::exact::{dyadic_chain, BiasMode, ChainSpec};
use relu_trainability::rational::parse_probability;

fn bias(beta: usize) -> BiasMode {
    if beta == 1 {
        BiasMode::Symmetric
    } else {
        BiasMode::Zero
    }
}

/// The chain of `widths` with bias mode beta and q1 given as text.
fn chain(widths: &[usize], beta: usize, q1: &str) -> ChainSpec {
    ChainSpec::new(
        widths.to_vec(),
        bias(beta),
        parse_probability(q1, "q1").unwrap(),
    )
    .unwrap()
}

fn q1s() -> Vec<BigRational> {
    ["0", "1/3", "0.999999999", "1/2", "1"]
        .iter()
        .map(|s| parse_probability(s, "q1").unwrap())
        .collect()
}

/// lower <= exact <= upper, in exact rational arithmetic.
fn encloses(e: &Encl, exact: &BigRational) -> bool {
    let lo = e.lower().to_rational();
    let hi = e.upper().to_rational();
    &lo <= exact && exact <= &hi
}

/// Small deterministic pseudo-random architectures.
fn archs() -> Vec<Vec<usize>> {
    let mut out = vec![
        vec![1; 40],
        vec![2; 30],
        vec![3, 1, 3, 1, 3],
        vec![12; 8],
        vec![25, 5, 25, 5],
        vec![40, 40, 40],
        vec![7, 60, 2, 60],
    ];
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for _ in 0..6 {
        let depth = 1 + (x % 7) as usize;
        let w = (0..depth)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                1 + ((x >> 33) % 30) as usize
            })
            .collect();
        out.push(w);
    }
    out
}

// spec: BOUND-F64-TRUNC
#[test]
fn every_enclosure_contains_the_exact_rational_even_when_mass_is_dropped() {
    let mut dropped_somewhere = 0;
    let mut slack_needed = 0;
    for widths in archs() {
        for beta in [0, 1] {
            for q1 in q1s() {
                let spec = ChainSpec::new(widths.clone(), bias(beta), q1.clone()).unwrap();
                let exact = dyadic_chain::law(&spec, None);
                for drop in [-8i64, -30, -200, DEFAULT_DROP_LOG2] {
                    let law = tc::run(&spec, None, drop, true).unwrap();
                    for (l, (layer, ex)) in law.iter().zip(&exact.layers).enumerate() {
                        if layer.dropped != Xf64::ZERO {
                            dropped_somewhere += 1;
                        }
                        for (k, p) in ex.iter().enumerate() {
                            let e = layer.prob(k);
                            assert!(
                                encloses(&e, p),
                                "{widths:?} beta {beta} q1 {q1} drop {drop} layer {l} k {k}: {e:?} vs {p}"
                            );
                            // the dropped-mass slack is needed: without it
                            // some exact values fall above the enclosure
                            let tight = Encl {
                                abs: Xf64::ZERO,
                                ..e
                            };
                            if !encloses(&tight, p) {
                                slack_needed += 1;
                            }
                            if let Some(x) = e.certified() {
                                let err = num_traits::Signed::abs(&(x.to_rational() - p));
                                let bound = BigRational::from_float(e.certified_rel()).unwrap() * p;
                                assert!(err <= bound, "certified {widths:?} layer {l} k {k}");
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(dropped_somewhere > 100, "{dropped_somewhere}");
    assert!(slack_needed > 10, "{slack_needed}");
}

// spec: BOUND-F64-TRUNC
#[test]
fn trainability_and_its_complement_enclose_the_exact_values() {
    for widths in archs() {
        for beta in [0, 1] {
            for q1 in q1s() {
                let spec = ChainSpec::new(widths.clone(), bias(beta), q1.clone()).unwrap();
                let mw: Vec<usize> = widths.iter().map(|&w| w.div_ceil(2)).collect();
                let exact = dyadic_chain::trainability(&spec, &mw);
                for drop in [-8i64, -40, DEFAULT_DROP_LOG2] {
                    let (t, one_minus) = tc::trainability(&spec, &mw, drop).unwrap();
                    assert!(encloses(&t, &exact), "{widths:?} {beta} {q1} {drop}: T");
                    let c = BigRational::one() - &exact;
                    assert!(
                        encloses(&one_minus, &c),
                        "{widths:?} {beta} {q1} {drop}: 1-T"
                    );
                }
                let bd = dyadic_chain::born_dead(&spec);
                let e = tc::born_dead(&spec, -30).unwrap();
                assert!(encloses(&e, &bd), "{widths:?} {beta} {q1}: born dead");
            }
        }
    }
}

/// Dense (BOUND-F64) and truncated enclosures of the same truth overlap,
/// and where the truncated value is certified both agree within their bounds.
fn agree_with_dense(spec: &ChainSpec, dense: &[float_chain::FloatDist], law: &[TruncLayer]) {
    for (l, (d, t)) in dense.iter().zip(law).enumerate() {
        let g = d.rel_error_bound();
        for (k, &x) in d.probs.iter().enumerate() {
            let e = t.prob(k);
            let (dlo, dhi) = (x.mul_f64(1.0 - 2.0 * g), x.mul_f64(1.0 + 2.0 * g));
            let (tlo, thi) = (e.lower(), e.upper());
            assert!(
                dlo.log10() <= thi.log10() + 1e-12 && tlo.log10() <= dhi.log10() + 1e-12
                    || x == Xf64::ZERO && tlo == Xf64::ZERO,
                "{:?} layer {l} k {k}: dense {x:?} (+-{g}) vs {e:?}",
                spec.widths.len()
            );
            if let Some(v) = e.certified() {
                if x == Xf64::ZERO || v == Xf64::ZERO {
                    assert_eq!(x, v, "layer {l} k {k}: exact zero");
                    continue;
                }
                let rel = (v.log10() - x.log10()).abs() * std::f64::consts::LN_10;
                assert!(
                    rel <= 1.01 * (e.certified_rel() + g) + 1e-13,
                    "layer {l} k {k}"
                );
            }
        }
    }
}

// spec: BOUND-F64-TRUNC
#[test]
fn agrees_with_the_dense_path_within_both_bounds() {
    let cases: Vec<(Vec<usize>, &str)> = vec![
        (vec![300; 20], "1/3"),
        (vec![300; 20], "0"),
        (vec![200; 10], "0.999999999"),
        (vec![1000, 50, 1000, 3, 500], "1/3"),
        (vec![2; 3000], "1/3"),
        (vec![64; 200], "1/2"),
    ];
    for (widths, q) in cases {
        for beta in [0, 1] {
            let spec = chain(&widths, beta, q);
            let dense = float_chain::law(&spec, None);
            for drop in [-60i64, -1100, DEFAULT_DROP_LOG2] {
                let law = tc::run(&spec, None, drop, true).unwrap();
                agree_with_dense(&spec, &dense, &law);
            }
        }
    }
}

// spec: BOUND-F64-TRUNC
#[test]
fn narrow_chains_to_depth_a_million_match_the_dense_path() {
    for (w, q, beta, depth) in [
        (1usize, "1/3", 1usize, 1_000_000usize),
        (3, "0", 0, 1_000_000),
        (4, "0.999999999", 0, 200_000),
        (2, "1/3", 1, 200_000),
    ] {
        let spec = chain(&vec![w; depth], beta, q);
        let (d, g) = float_chain::born_dead(&spec);
        let e = tc::born_dead(&spec, DEFAULT_DROP_LOG2).unwrap();
        let v = e.certified().expect("born dead certified");
        let rel = ((v.log10() - d.log10()) * std::f64::consts::LN_10).abs();
        assert!(
            rel <= e.certified_rel() + g + 1e-15,
            "width {w} beta {beta}"
        );
    }
}

fn log10_sum(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    hi + (10f64.powf(lo - hi)).ln_1p() / std::f64::consts::LN_10
}

// spec: BOUND-F64-TRUNC
#[test]
fn large_sizes_answer_with_closed_form_consistent_enclosures() {
    // width 4096 x depth 10,000 and width 10^5 x depth 100: P(born dead) >=
    // q1^N (layer 1 dead), and <= q1^N + (D - 1) 2^{-(1 + beta) N}
    // (absorption bound, ALG-SEARCH); with q1 = 1/3 the layer-1 term
    // dominates the truth: q1^N <= B <= q1^N (1 + N 2^{-N}) (first layer
    // dead, or one survivor then absorbed; deeper paths are smaller still).
    for (n, depth) in [(4096usize, 10_000usize), (100_000, 100)] {
        for beta in [0usize, 1] {
            for q in ["1/3", "0"] {
                let q1 = parse_probability(q, "q1").unwrap();
                let spec = ChainSpec::new(vec![n; depth], bias(beta), q1.clone()).unwrap();
                let t0 = std::time::Instant::now();
                let e = tc::born_dead(&spec, tc::auto_drop_log2(&spec)).unwrap();
                let secs = t0.elapsed().as_secs_f64();
                assert!(secs < 20.0, "{n} x {depth}: {secs} s");
                let lq = if q == "0" {
                    f64::NEG_INFINITY
                } else {
                    n as f64 * (1f64 / 3.0).log10()
                };
                let la = ((depth - 1) as f64).log10()
                    - ((1 + beta) * n) as f64 * std::f64::consts::LOG10_2;
                let upper_closed = log10_sum(lq, la);
                let (lo, hi) = (e.lower().log10(), e.upper().log10());
                assert!(
                    lo <= upper_closed + 1e-9,
                    "{n} {depth} {beta} {q}: {lo} > {upper_closed}"
                );
                if q == "1/3" {
                    assert!(hi >= lq - 1e-9, "{n} {depth} {beta} {q}");
                    let v = e.certified().expect("certified").log10();
                    assert!((v - lq).abs() < 1e-6, "{n} {depth}: {v} vs {lq}");
                } else {
                    assert!(e.lower() != Xf64::ZERO);
                }
            }
        }
    }
}

// spec: BOUND-F64-TRUNC
#[test]
fn degenerate_q1_gives_exact_zeros_and_ones() {
    // q1 = 1: K_1 = 0 surely, born dead exactly 1; q1 = 0: layer 1 is the
    // point mass at N, entries below N exactly 0 (no slack).
    let one = ChainSpec::new(vec![50; 5], BiasMode::Zero, BigRational::one()).unwrap();
    let e = tc::born_dead(&one, DEFAULT_DROP_LOG2).unwrap();
    assert!(encloses(&e, &BigRational::one()));
    assert_eq!(e.certified().unwrap().to_f64(), 1.0);
    let zero = ChainSpec::new(vec![50; 5], BiasMode::Zero, BigRational::zero()).unwrap();
    let law = tc::run(&zero, None, DEFAULT_DROP_LOG2, true).unwrap();
    for k in 0..50 {
        assert_eq!(law[0].prob(k).upper(), Xf64::ZERO, "k {k}");
    }
}

// spec: BOUND-F64-TRUNC (the default threshold)
#[test]
fn default_threshold_follows_its_formula_and_clamps() {
    // N_1 log2 q1 - 128 - log2 D + (1 + beta) N_min, floored, clamped to
    // [-200000, -20000]; q1 = 2^-30 makes N_1 log2 q1 exact, and depth 3
    // (log2 3 = 1.58496...) keeps the sum away from an integer. Widths
    // [1000, 300, 100]: N_min = 100 (the narrowest after the first).
    //   beta 0: -30000 - 128 - 1.585 + 100 = -30029.585 -> -30030
    //   beta 1: -30000 - 128 - 1.585 + 200 = -29929.585 -> -29930
    let q = |s: &str| parse_probability(s, "q1").unwrap();
    let two30 = "1/1073741824";
    let cases: [(Vec<usize>, usize, &str, i64); 7] = [
        (vec![1000, 300, 100], 0, two30, -30030),
        (vec![1000, 300, 100], 1, two30, -29930),
        // The first layer is not in N_min: -24000 - 129.585 + 900.
        (vec![800, 900, 1000], 0, two30, -23230),
        // Clamps: the formula gives -129.6 (q1 = 1/2) and -3000128.6.
        (vec![10, 10, 10], 0, "1/2", DEFAULT_DROP_LOG2),
        (vec![100_000, 1, 1], 0, two30, -200_000),
        // Depth 2: log2 D = 1: -30000 - 128 - 1 + 100 = -30029 exactly.
        (vec![1000, 100], 0, two30, -30029),
        (vec![5, 5], 1, "0", DEFAULT_DROP_LOG2),
    ];
    for (widths, beta, q1, want) in cases {
        let spec = ChainSpec::new(widths.clone(), bias(beta), q(q1)).unwrap();
        assert_eq!(
            tc::auto_drop_log2(&spec),
            want,
            "{widths:?} beta {beta} q1 {q1}"
        );
    }
}

// spec: BOUND-F64-TRUNC (reporting: a value is printed only when
// slack (1 + gamma) <= gamma x, and then |x - p| <= 2 gamma p)
#[test]
fn certification_decision_and_its_bound_by_hand() {
    let encl = |x: f64, rel: f64, abs: f64| Encl {
        x: Xf64::from_f64(x),
        rel,
        abs: Xf64::from_f64(abs),
    };
    for rel in [1e-3, 0.01, 2f64.powi(-40)] {
        assert_eq!(encl(1.0, rel, 0.0).certified_rel(), 2.0 * rel);
    }
    // No slack: always certified, exactly x.
    assert_eq!(
        encl(0.25, 1e-3, 0.0).certified(),
        Some(Xf64::from_f64(0.25))
    );
    // The limit abs* = rel x / (1 + rel), with a margin of 1e-12 |log10|
    // in log10 (a factor 1 + 2.3e-10 at x = 1e-100): 1e-6 on either side
    // at x = 1 decides; at x = 1e-100, 1e-10 below the limit is inside
    // the margin (refused) and 1e-8 below is outside it (certified).
    for (x, below, certified) in [
        (1.0, 1e-6, true),
        (1.0, -1e-6, false),
        (1e-100, 1e-8, true),
        (1e-100, 1e-10, false),
    ] {
        let rel = 1e-3;
        let abs = rel * x / (1.0 + rel) * (1.0 - below);
        let got = encl(x, rel, abs).certified();
        assert_eq!(got.is_some(), certified, "x {x} abs {abs:e}");
        if let Some(v) = got {
            assert_eq!(v, Xf64::from_f64(x));
        }
    }
    // The bound 2 rel holds at both ends of the enclosure, and is nearly
    // reached at its top (truth x / (1 - rel) + abs with abs just below the
    // limit): |x - p| / p = 2 rel / (1 + 2 rel - rel^2) there.
    for rel in [1e-3, 0.01, 0.1] {
        let (x, abs) = (1.0, 0.999_999 * rel / (1.0 + rel));
        let e = encl(x, rel, abs);
        assert!(e.certified().is_some());
        let bound = e.certified_rel();
        let top = x / (1.0 - rel) + abs;
        let bottom = x * (1.0 - rel);
        for p in [top, bottom] {
            assert!((x - p).abs() / p <= bound, "rel {rel} p {p}");
        }
        assert!((top - x) / top > 0.8 * bound, "rel {rel}");
    }
}

// spec: BOUND-F64-TRUNC, ALG-COST (the truncated path's operation count:
// N_1 + 1 for layer 1's table, N_l + 1 for each new width's table, per row
// 1 scan step when its mode is dropped, 3 when all of [1, N_l] is kept, else
// b - a + 3, and b - a + 1 + 64 per kept row; refused when it exceeds
// 2e7 per second of --max-seconds)
#[test]
fn operation_budget_refuses_exactly_past_the_counted_work() {
    use relu_trainability::limits::{self, Limits, DEFAULT};
    // [4, 2], beta 0, q1 = 1/3: layer 1 keeps states 1..4, each row keeps
    // all of [1, 2]: 5 + 3 + 4 x 3 + 4 x (2 + 64) = 284.
    // [2, 2, 2], beta 1, q1 = 1/2: one table (3), then twice 2 rows:
    // 3 + 2 x (2 x 3 + 2 x 66) = 279.
    for (widths, beta, q1, want) in [
        (vec![4usize, 2], 0usize, "1/3", 284.0),
        (vec![2, 2, 2], 1, "1/2", 279.0),
    ] {
        let spec = chain(&widths, beta, q1);
        for (ops, ok) in [(want, true), (want - 1.0, false)] {
            let secs = ops / tc::OPS_PER_SECOND;
            assert_eq!(
                secs * tc::OPS_PER_SECOND,
                ops,
                "the budget is exactly {ops}"
            );
            let l = Limits {
                max_seconds: secs,
                ..DEFAULT
            };
            let r = limits::with(l, || tc::run(&spec, None, DEFAULT_DROP_LOG2, false));
            match r {
                Ok(_) => assert!(ok, "{widths:?}: {ops} operations accepted"),
                Err(e) => {
                    assert!(!ok, "{widths:?}: {ops} refused: {e}");
                    assert!(e.to_string().contains("budget"), "{e}");
                }
            }
        }
    }
}

fn approx(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = assert_cmd::Command::cargo_bin("trainability")
        .unwrap()
        .arg("approx")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

// spec: FMT-APPROX, BOUND-F64-TRUNC
#[test]
fn approx_cli_chooses_the_path_and_keeps_the_fields() {
    let base = [
        "--widths",
        "30,30,30",
        "--q1",
        "1/3",
        "--min-widths",
        "2,...",
    ];
    let (c, dense, _) = approx(&base);
    assert_eq!(c, 0);
    assert_eq!(dense["method"], "dense");
    let mut args = base.to_vec();
    args.extend(["--method", "truncated", "--drop-below-log2", "-60"]);
    let (c, tr, _) = approx(&args);
    assert_eq!(c, 0);
    assert_eq!(tr["method"], "truncated");
    // every dense field is present in both reports
    for key in dense.as_object().unwrap().keys() {
        assert!(tr.get(key).is_some(), "truncated report lacks {key}");
    }
    for (l, (dl, tl)) in dense["layers"]
        .as_array()
        .unwrap()
        .iter()
        .zip(tr["layers"].as_array().unwrap())
        .enumerate()
    {
        let (rd, rt) = (
            dl["rel_error_bound"].as_f64().unwrap(),
            tl["rel_error_bound"].as_f64().unwrap(),
        );
        let (fd, ft) = (
            dl["distribution_f64"].as_array().unwrap(),
            tl["distribution_f64"].as_array().unwrap(),
        );
        assert_eq!(fd.len(), ft.len());
        let mut nulls = 0;
        for (a, b) in fd.iter().zip(ft) {
            match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => {
                    assert!((x - y).abs() <= (rd + rt) * x.max(y) * 1.01, "layer {l}")
                }
                (_, None) => nulls += 1,
                _ => {}
            }
        }
        // threshold 2^-60: the smallest entries of the later layers are not certified
        if l == 2 {
            assert!(nulls > 0 && nulls < 31, "layer {l}: {nulls} nulls");
            assert!(tl["dropped_mass_log10"].as_f64().unwrap() < -15.0);
        }
    }
    let bd = dense["born_dead_f64"].as_f64().unwrap();
    let lo = tr["born_dead_lower_log10"].as_f64().unwrap();
    let hi = tr["born_dead_upper_log10"].as_f64().unwrap();
    assert!(lo <= bd.log10() + 1e-12 && bd.log10() <= hi + 1e-12);
    // 1 - T against the exact rational (f64 1 - T_dense would cancel)
    let spec = ChainSpec::new(
        vec![30; 3],
        BiasMode::Zero,
        parse_probability("1/3", "q1").unwrap(),
    )
    .unwrap();
    let c = BigRational::one() - dyadic_chain::trainability(&spec, &[2, 2, 2]);
    let want = relu_trainability::exact::report::rational_log10(&c)
        .as_f64()
        .unwrap();
    let lo = tr["one_minus_trainability_lower_log10"].as_f64().unwrap();
    let hi = tr["one_minus_trainability_upper_log10"].as_f64().unwrap();
    assert!(lo <= want + 1e-12 && want <= hi + 1e-12, "{lo} {want} {hi}");
    // threshold 2^-60: the dropped mass (~1e-17) widens the enclosure of 3e-13
    assert!(hi - lo < 1e-4, "{lo} {hi}");

    // past the dense budget: the truncated path by itself, in summary form
    let wide = ["4096"; 10].join(",");
    let (c, v, _) = approx(&["--widths", &wide, "--q1", "1/3", "--summary"]);
    assert_eq!(c, 0);
    assert_eq!(v["method"], "truncated");
    assert!(v.get("layers").is_none());
    let want = 4096.0 * (1f64 / 3.0).log10();
    assert!((v["born_dead_log10"].as_f64().unwrap() - want).abs() < 1e-6);
    // without --summary the report would be too large: refused with advice
    let deep = ["4096"; 1000].join(",");
    let (c, _, err) = approx(&["--widths", &deep, "--q1", "1/3"]);
    assert_eq!(c, 2);
    assert!(
        err.starts_with("error:") && err.contains("--summary"),
        "{err}"
    );
    let (c, _, err) = approx(&["--widths", "4", "--drop-below-log2", "5"]);
    assert_eq!(c, 2, "{err}");
}

// spec: BOUND-F64-TRUNC
#[test]
fn rounding_count_is_pinned_to_its_derivation() {
    // nothing dropped and every state nonzero (q1 = 1/3, narrow layers):
    // r_1 = 4 N_1 + 2, r_l = r_{l-1} + 3 N_l + 2 + 2 (N_{l-1} + 1); an
    // understated count (a mutation of the formula) fails here.
    for beta in [0, 1] {
        let widths = vec![5usize, 7, 3, 9];
        let spec = chain(&widths, beta, "1/3");
        let law = tc::run(&spec, None, DEFAULT_DROP_LOG2, true).unwrap();
        let mut r = 4 * widths[0] as u64 + 2;
        for (l, layer) in law.iter().enumerate() {
            if l >= 1 {
                r += 3 * widths[l] as u64 + 2 + 2 * (widths[l - 1] as u64 + 1);
            }
            assert_eq!(layer.roundings, r, "layer {l}");
            assert_eq!(layer.dropped, Xf64::ZERO);
            assert_eq!(layer.rel_error_bound(), float_chain::gamma(r));
        }
        let last = law.last().unwrap();
        assert_eq!(
            last.total().rel,
            float_chain::gamma(r + 2 * (widths[3] as u64 + 1))
        );
    }
}

// spec: BOUND-F64-TRUNC
#[test]
fn floored_rounding_count_is_pinned_to_its_derivation() {
    // Floors f_l: the floored sum adds 2 per addition (state 0 and the f_l - 1
    // states below the floor) on top of the largest count it sums, and only
    // the S_{l-1} = N_{l-1} - (f_{l-1} - 1) states left nonzero feed layer l:
    // widths 5, 7, 3, 9 and floors 2, 3, 1, 4 (q1 = 1/3, nothing dropped):
    //   r  = 22, 22 + 21 + 2 + 2 * 5 = 55, 55 + 9 + 2 + 2 * 6 = 78,
    //        78 + 27 + 2 + 2 * 4 = 115
    //   fr = 22 + 2 * 2 = 26, max(26, 55) + 2 * 3 = 61, max(61, 78) + 2 = 80,
    //        max(80, 115) + 2 * 4 = 123
    for beta in [0, 1] {
        let spec = chain(&[5, 7, 3, 9], beta, "1/3");
        let law = tc::run(&spec, Some(&[2, 3, 1, 4]), DEFAULT_DROP_LOG2, true).unwrap();
        let got: Vec<(u64, u64)> = law
            .iter()
            .map(|l| (l.roundings, l.floored_roundings))
            .collect();
        assert_eq!(
            got,
            [(22, 26), (55, 61), (78, 80), (115, 123)],
            "beta {beta}"
        );
    }
}

// spec: BOUND-F64-TRUNC (each row is kept exactly on the states k >= 1
// where m_p f_p(k) >= 2^drop_log2)
#[test]
fn kept_states_are_where_some_row_reaches_the_threshold() {
    let (mut compared, mut proper) = (0, 0);
    for (widths, drop) in [
        (vec![6usize, 20], -30i64),
        (vec![10, 40], -60),
        (vec![3, 12], -12),
    ] {
        for beta in [0usize, 1] {
            for q in ["1/3", "0.999999999"] {
                let spec = chain(&widths, beta, q);
                let exact = dyadic_chain::law(&spec, None);
                let n = widths[1];
                let thr = drop as f64 * std::f64::consts::LN_2;
                let ln = |x: &BigRational| {
                    relu_trainability::exact::report::rational_log10(x)
                        .as_f64()
                        .unwrap()
                        * std::f64::consts::LN_10
                };
                let binom = dyadic_chain::binomials(n);
                // ln (m_p f_p(k)) for every source p >= 1 and state k >= 1,
                // f_p(k) = C(n, k) (2^s - 1)^k / 2^{s n}, s = p + beta
                let mut want = vec![false; n + 1];
                let mut tie = false;
                for (p, m) in exact.layers[0].iter().enumerate().skip(1) {
                    if m.is_zero() {
                        continue;
                    }
                    let s = p + beta;
                    let alive: BigInt = (BigInt::one() << s) - 1;
                    for k in 1..=n {
                        let f = BigRational::new(
                            BigInt::from(binom[k].clone()) * num_traits::pow(alive.clone(), k),
                            BigInt::one() << (s * n),
                        );
                        let v = ln(m) + ln(&f);
                        tie |= (v - thr).abs() < 1e-9;
                        want[k] |= v >= thr;
                    }
                }
                if tie {
                    continue;
                }
                let law = tc::run(&spec, None, drop, true).unwrap();
                let l2 = &law[1];
                let got: Vec<bool> = (0..=n)
                    .map(|k| {
                        k >= 1
                            && k >= l2.start
                            && k < l2.start + l2.kept.len()
                            && l2.kept[k - l2.start] != Xf64::ZERO
                    })
                    .collect();
                assert_eq!(got, want, "{widths:?} beta {beta} q1 {q} drop {drop}");
                compared += 1;
                if want.iter().any(|&w| w) && !want[1..].iter().all(|&w| w) {
                    proper += 1;
                }
            }
        }
    }
    // measured: 12 compared (no ties), 7 of them proper subsets
    assert!(compared >= 10 && proper >= 6, "{compared} {proper}");
}

// spec: ALG-COST, BOUND-F64-TRUNC (widths up to 2^28; a layer's memory
// 80 (N + 1) bytes within --max-memory-mb)
#[test]
fn width_and_memory_limits_hold_at_their_boundaries() {
    use relu_trainability::limits::{self, Limits, DEFAULT};
    let spec = |n: usize| ChainSpec::new(vec![n, 3], BiasMode::Zero, BigRational::zero()).unwrap();
    let check = |n: usize, max_bytes: f64| {
        let l = Limits {
            max_bytes,
            ..DEFAULT
        };
        limits::with(l, || tc::check(&spec(n))).map_err(|e| e.to_string())
    };
    // the width limit, with memory to spare (check allocates nothing)
    let top = tc::MAX_TRUNC_WIDTH;
    assert_eq!(top, 1 << 28);
    assert!(check(top, 1e12).is_ok());
    let e = check(top + 1, 1e12).unwrap_err();
    assert!(e.contains("widths up to 2^28"), "{e}");
    // the memory limit: exactly 80 (N + 1) bytes is enough, one byte less is not
    for n in [1000usize, 123_457] {
        let bytes = 80.0 * (n as f64 + 1.0);
        assert!(check(n, bytes).is_ok(), "{n}");
        let e = check(n, bytes - 1.0).unwrap_err();
        assert!(e.contains("--max-memory-mb"), "{e}");
    }
}

// spec: ALG-COST, BOUND-F64-TRUNC
#[test]
fn truncated_sizes_are_refused_before_allocating() {
    for args in [
        // would overflow the i64 exponents s N (and the memory budget)
        vec![
            "--widths",
            "300000000,300000000",
            "--summary",
            "--max-memory-mb",
            "1000000",
        ],
        vec![
            "--widths",
            "4294967296",
            "--summary",
            "--method",
            "truncated",
        ],
        // one layer beyond the default 1 GB
        vec!["--widths", "20000000", "--summary", "--method", "truncated"],
        // work budget
        vec![
            "--widths",
            "100000,100000",
            "--summary",
            "--max-seconds",
            "0.001",
        ],
    ] {
        let t = std::time::Instant::now();
        let (c, _, err) = approx(&args);
        assert_eq!(c, 2, "{args:?}: {err}");
        assert!(err.starts_with("error:"), "{args:?}: {err}");
        assert!(t.elapsed().as_secs_f64() < 2.0, "{args:?}");
    }
}

// spec: FMT-APPROX (auto: dense while sum N_{l-1} (N_l + 1) <= 5e7 and the
// report prints at most 2e6 = sum (N_l + 1) probabilities, or --summary)
#[test]
fn auto_method_switches_exactly_at_its_two_thresholds() {
    use relu_trainability::exact::trunc_report::{choose, Method, DENSE_AUTO_STEPS};
    let spec = |w: Vec<usize>| ChainSpec::new(w, BiasMode::Zero, BigRational::zero()).unwrap();
    assert_eq!(DENSE_AUTO_STEPS, 5e7);
    // multiply-adds: 5000 * (9999 + 1) = 5e7 exactly; 5000 * (10000 + 1) above
    assert_eq!(choose(&spec(vec![5000, 9999]), false), Method::Dense);
    assert_eq!(choose(&spec(vec![5000, 10000]), false), Method::Truncated);
    assert_eq!(choose(&spec(vec![5000, 10000]), true), Method::Truncated);
    // printed entries: (1999999 + 1) = 2e6 exactly; (2000000 + 1) above,
    // unless --summary prints no layer
    assert_eq!(choose(&spec(vec![1_999_999]), false), Method::Dense);
    assert_eq!(choose(&spec(vec![2_000_000]), false), Method::Truncated);
    assert_eq!(choose(&spec(vec![2_000_000]), true), Method::Dense);
    // two layers, 1 * (1999997 + 1) multiply-adds: entries 2 + 1999998 = 2e6
    assert_eq!(choose(&spec(vec![1, 1_999_997]), false), Method::Dense);
    assert_eq!(choose(&spec(vec![1, 1_999_998]), false), Method::Truncated);
}

// spec: FMT-APPROX, BOUND-F64-TRUNC (the truncated report's values and
// outward log10 enclosures against the exact law; probabilities capped at 1)
#[test]
fn truncated_report_values_and_enclosures_hold_the_exact_law() {
    use relu_trainability::exact::trunc_report::truncated_json;
    use relu_trainability::rational::to_f64;
    let q1 = BigRational::new(1.into(), 3.into());
    let spec = ChainSpec::new(vec![60, 60, 60], BiasMode::Symmetric, q1).unwrap();
    let mw = [1usize, 1, 1];
    let v = truncated_json(&spec, Some(&mw), true, None).unwrap();
    let drop = v["drop_below_log2"].as_i64().unwrap();
    // Exact references (ALG-DYADIC): born dead ~ 3^-60 ~ 2.4e-29, T(1,1,1)
    // within 1e-28 of 1 (log10 T ~ -1e-29), 1 - T ~ born dead.
    let born = dyadic_chain::law(&spec, None).born_dead();
    let t = relu_trainability::exact::trainability(&spec, &mw).unwrap();
    let one_minus = BigRational::one() - &t;
    let (t_enc, om_enc) = tc::trainability(&spec, &mw, drop).unwrap();
    let cases = [
        ("born_dead", born, tc::born_dead(&spec, drop).unwrap()),
        ("trainability", t, t_enc),
        ("one_minus_trainability", one_minus, om_enc),
    ];
    for (name, exact, enc) in cases {
        let x = to_f64(&exact);
        let field = |s: &str| v[format!("{name}_{s}")].as_f64();
        // the certified value, within its stated relative bound
        let f = field("f64").unwrap_or_else(|| panic!("{name}_f64 is null"));
        let rel = field("rel_error_bound").unwrap();
        assert!(
            x > 0.0 && (f - x).abs() <= rel * x + 2.0 * f64::EPSILON * x,
            "{name}: {f} vs {x}"
        );
        // the enclosure holds the exact value (its f64 log10 is within 1e-15
        // of the true one in these ranges)
        let (lo, hi) = (field("lower_log10").unwrap(), field("upper_log10").unwrap());
        let lx = x.log10();
        assert!(
            lo <= lx + 1e-15 * lx.abs().max(1.0) && lx - 1e-15 * lx.abs().max(1.0) <= hi,
            "{name}: {lo} {lx} {hi}"
        );
        // outward rounding of log10: at least 1e-15 max(|l|, 1) beyond the
        // f64 log10 of the enclosure's ends (the slack is 2e-15 max(|l|, 1),
        // the f64 log10 errs by at most a few 1e-16 |l|), except where the
        // upper end is capped at log10 1 = 0
        let l_lo = enc.lower().to_f64().log10();
        assert!(
            lo <= l_lo - 1e-15 * l_lo.abs().max(1.0),
            "{name}: lower {lo} vs {l_lo}"
        );
        let l_hi = enc.upper().to_f64().log10();
        if name == "trainability" {
            assert_eq!(hi, 0.0, "T within 1e-28 of 1: the upper end is capped at 0");
        } else {
            assert!(
                hi >= l_hi + 1e-15 * l_hi.abs().max(1.0),
                "{name}: upper {hi} vs {l_hi}"
            );
        }
    }
}

// spec: FMT-APPROX (the truncated report prints at most 2e6 probabilities
// unless --summary)
#[test]
fn truncated_report_refuses_exactly_above_two_million_entries() {
    use relu_trainability::exact::trunc_report::truncated_json;
    use relu_trainability::Error;
    let spec = |w: Vec<usize>| ChainSpec::new(w, BiasMode::Zero, BigRational::zero()).unwrap();
    // 1 + 1 + 1999997 + 1 = 2e6 entries: printed
    let v = truncated_json(&spec(vec![1, 1_999_997]), None, false, Some(-60)).unwrap();
    assert_eq!(
        v["layers"][1]["distribution_f64"].as_array().unwrap().len(),
        1_999_998
    );
    // one more: refused, and accepted with --summary
    let e = truncated_json(&spec(vec![1, 1_999_998]), None, false, Some(-60)).unwrap_err();
    assert!(matches!(e, Error::TooCostly(_)), "{e}");
    assert!(truncated_json(&spec(vec![1, 1_999_998]), None, true, Some(-60)).is_ok());
}
