//! Unit tests of the truncated chain's private steps against exact
//! arithmetic: the window search's ln f(k) (`ln_pmf`), the window itself
//! (`row_window`, against a brute-force scan of every state) and the tail
//! bound of what a window leaves out (`row_tails`).

use super::*;
use crate::exact::dyadic_chain;
use crate::exact::report::rational_log10;
use num_bigint::{BigInt, BigUint};
use num_traits::{Signed, Zero};

/// f(k) = C(n, k) (2^s - 1)^k / 2^{s n}, k = 0..=n, in exact rationals.
fn exact_pmfs(n: usize, s: usize) -> Vec<BigRational> {
    let alive = BigInt::from((BigUint::one() << s) - 1u32);
    let den = BigInt::one() << (s * n);
    let mut pow = BigInt::one();
    dyadic_chain::binomials(n)
        .into_iter()
        .map(|c| {
            let f = BigRational::new(BigInt::from(c) * &pow, den.clone());
            pow *= &alive;
            f
        })
        .collect()
}

/// ln f(k), k = 0..=n, from the exact values (logs within about 1e-15
/// relative).
fn exact_ln_pmfs(n: usize, s: usize) -> Vec<f64> {
    exact_pmfs(n, s)
        .iter()
        .map(|f| rational_log10(f).as_f64().unwrap() * std::f64::consts::LN_10)
        .collect()
}

// spec: BOUND-F64-TRUNC
#[test]
fn ln_pmf_matches_exact_rationals() {
    for n in (1..=12).chain([40, 200]) {
        for s in [1, 2, 3, 10, 60] {
            for (k, &want) in exact_ln_pmfs(n, s).iter().enumerate() {
                let got = ln_pmf(n, s, k);
                assert!(
                    (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                    "n {n} s {s} k {k}: {got} vs {want}"
                );
            }
        }
    }
}

/// The window of states k >= 1 with ln m + ln f(k) >= drop_ln is, by
/// unimodality, an interval or empty: found by trying every k with exact
/// pmfs (cases within 1e-9 of a tie are skipped). The scan's cost is 1 when
/// the mode is dropped, 3 when the window is all of [1, n], else b - a + 3.
// spec: BOUND-F64-TRUNC
#[test]
fn row_window_matches_a_brute_force_scan() {
    let mut compared = 0;
    // none, the whole row, cut below only, cut above only, cut on both sides
    let mut shapes = [0usize; 5];
    for n in [1usize, 2, 5, 30, 200] {
        for s in [1usize, 2, 4, 8, 20] {
            let ln_f = exact_ln_pmfs(n, s);
            for ln_m in [0.0, -5.0, -50.0] {
                for drop_ln in [-1.0, -10.0, -19.0, -100.0, -1000.0] {
                    let v: Vec<f64> = (1..=n).map(|k| ln_m + ln_f[k]).collect();
                    if v.iter().any(|x| (x - drop_ln).abs() < 1e-9) {
                        continue;
                    }
                    let kept: Vec<usize> = (1..=n).filter(|&k| v[k - 1] >= drop_ln).collect();
                    let want = kept.first().map(|&a| (a, *kept.last().unwrap()));
                    if let Some((a, b)) = want {
                        assert_eq!(b - a + 1, kept.len(), "not an interval");
                    }
                    let (got, cost) = row_window(n, s, ln_m, drop_ln);
                    let ctx = format!("n {n} s {s} ln_m {ln_m} drop {drop_ln}");
                    assert_eq!(got, want, "{ctx}");
                    let want_cost = match want {
                        None => 1,
                        Some((1, b)) if b == n => 3,
                        Some((a, b)) => b - a + 3,
                    };
                    assert_eq!(cost, want_cost, "{ctx}");
                    shapes[match want {
                        None => 0,
                        Some((a, b)) => 1 + usize::from(a > 1) + 2 * usize::from(b < n),
                    }] += 1;
                    compared += 1;
                }
            }
        }
    }
    // measured: 375 compared, [107, 176, 71, 2, 19]; a window cut above
    // only needs f(1) kept and f(n) dropped (p >= 1/2: rare; s = 1, n = 30
    // and drop -19 is one: ln f(1) = -17.4, ln f(30) = -20.8)
    assert!(compared >= 300, "{compared}");
    assert!(shapes.iter().all(|&c| c >= 2), "{shapes:?}");
    assert!(
        shapes[0] >= 50 && shapes[1] >= 50 && shapes[2] >= 20 && shapes[4] >= 10,
        "{shapes:?}"
    );
}

/// The bound on a row's mass outside its window [a, b] (states >= 1) is
/// the two geometric tails f(b + 1) / (1 - rho) and f(a - 1) / (1 - sigma),
/// rho and sigma the ratios of consecutive terms at b + 1 and a - 1 (1 when
/// a ratio is >= 0.999): recomputed here in exact rationals, it lies above
/// the exact mass outside, and the f64 bound agrees with it within 1e-12
/// (the f64 value itself may round below the mass: the caller doubles it).
// spec: BOUND-F64-TRUNC
#[test]
fn row_tails_bound_the_exact_mass_outside_the_window() {
    let mut checked = [0usize; 2]; // geometric sides, sides bounded by 1
    for n in [1usize, 2, 3, 7, 20, 60] {
        for s in [1usize, 2, 5, 12] {
            let f = exact_pmfs(n, s);
            let odds = BigRational::from_integer((BigInt::one() << s) - 1);
            let limit = BigRational::new(999.into(), 1000.into());
            let one = BigRational::one();
            let binom = binomials(n);
            // every window for n <= 20; for n = 60 windows from a few ends
            let ends: Vec<usize> = if n <= 20 {
                (1..=n).collect()
            } else {
                vec![1, 2, 30, 45, 55, 59, 60]
            };
            for &a in &ends {
                for b in ends.iter().copied().filter(|&b| b >= a) {
                    let outside: BigRational = f[1..a].iter().chain(&f[b + 1..]).sum();
                    let mut want = BigRational::zero();
                    let mut side = |k: usize, ratio: BigRational| {
                        if ratio < limit {
                            want += &f[k] / (&one - ratio);
                            checked[0] += 1;
                        } else {
                            want += &one;
                            checked[1] += 1;
                        }
                    };
                    if b < n {
                        let k = b + 1;
                        let rho = BigRational::new((n - k).into(), (k + 1).into()) * &odds;
                        side(k, rho);
                    }
                    if a > 1 {
                        let k = a - 1;
                        let sigma = BigRational::new(k.into(), (n - k + 1).into()) / &odds;
                        side(k, sigma);
                    }
                    let got = row_tails(&binom, n, s, a, b).to_rational();
                    let ctx = format!("n {n} s {s} [{a}, {b}]");
                    // the geometric tails bound the mass exactly; the f64 value
                    // is within rounding of them, and the caller's factor 2
                    // (MAX_GAMMA) covers that rounding
                    assert!(outside <= want, "{ctx}: the tails are below the mass");
                    assert!(
                        outside <= &got * BigRational::from_integer(2.into()),
                        "{ctx}"
                    );
                    let tol = BigRational::new(1.into(), 1_000_000_000_000i64.into());
                    let err = if want.is_zero() {
                        got.clone()
                    } else {
                        ((&got - &want) / &want).abs()
                    };
                    assert!(err <= tol, "{ctx}: {got} vs {want}");
                }
            }
        }
    }
    assert!(checked[0] >= 500 && checked[1] >= 50, "{checked:?}");
}

/// One step from a hand-made layer 1 (width 2, all its mass at state 1,
/// nothing dropped) to width 2: the step adds 3 N + 2 + 2 (S + 1) = 12
/// roundings (S = 1 source). With r* the largest count whose gamma(r*) is
/// at most MAX_GAMMA, a layer reaching r* is accepted and one reaching
/// r* + 1 is refused (the refusal no reachable size meets: about 9e13
/// roundings, e.g. 3e8 layers of width 1e5).
// spec: BOUND-F64-TRUNC
#[test]
fn step_refuses_exactly_past_the_largest_gamma() {
    use crate::exact::float_chain::gamma;
    let (mut lo, mut hi) = (1u64, 1u64 << 60);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if gamma(mid) <= MAX_GAMMA {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let r_star = lo;
    // strictly below: no count has gamma exactly MAX_GAMMA (gamma is
    // monotone in r), so refusing at > or at >= is the same rule
    assert!(gamma(r_star) < MAX_GAMMA && gamma(r_star + 1) > MAX_GAMMA);
    assert!((8.9e13..9.0e13).contains(&(r_star as f64)), "{r_star}");
    for (prev_roundings, ok) in [(r_star - 12, true), (r_star - 11, false)] {
        let prev = TruncLayer {
            width: 2,
            zero: Xf64::ZERO,
            start: 1,
            kept: vec![Xf64::ONE, Xf64::ZERO],
            roundings: prev_roundings,
            dropped: Xf64::ZERO,
            zero_extra: Xf64::ZERO,
            floored: Xf64::ZERO,
            floored_roundings: 0,
        };
        let mut ctx = Ctx {
            beta: 0,
            drop_ln: DEFAULT_DROP_LOG2 as f64 * std::f64::consts::LN_2,
            ops: 0.0,
            max_ops: 1e9,
            binom_n: 0,
            binom: Vec::new(),
        };
        match step(&mut ctx, &prev, 2, 0) {
            Ok(layer) => {
                assert!(ok, "{prev_roundings} accepted");
                assert_eq!(layer.roundings, r_star);
            }
            Err(e) => {
                assert!(!ok, "{prev_roundings} refused: {e}");
                assert!(e.to_string().contains("rounding bound exceeds"), "{e}");
            }
        }
    }
}

/// The rule "1 when the ratio is >= 0.999" at its boundary: Binomial(1998,
/// 1/2) (s = 1) has ratio exactly 999 / 1000 = 0.999 in f64 at k = 999 on
/// both sides (rho for the window [1, 998], sigma for [1000, 1998]), so
/// each side's bound is the row's whole mass 1 (the geometric tail would be
/// 1000 f(999) = 17.8).
// spec: BOUND-F64-TRUNC
#[test]
fn row_tails_at_the_ratio_limit_are_the_whole_mass() {
    let n = 1998;
    assert_eq!((n - 999) as f64 / 1000.0, 0.999);
    let binom = binomials(n);
    assert_eq!(row_tails(&binom, n, 1, 1, 998), Xf64::ONE);
    assert_eq!(row_tails(&binom, n, 1, 1000, n), Xf64::ONE);
}
