//! Unit tests of the truncated chain's private steps against exact
//! arithmetic: the window search's ln f(k) (`ln_pmf`), the window itself
//! (`row_window`, against a brute-force scan of every state) and the tail
//! bound of what a window leaves out (`row_tails`).

use super::*;
use num_bigint::BigUint;
use num_traits::{ToPrimitive, Zero};

/// ln of a positive big integer: its top 64 bits in f64, plus the shift.
fn ln_big(x: &BigUint) -> f64 {
    let bits = x.bits();
    let shift = bits.saturating_sub(64);
    (x >> shift).to_f64().unwrap().ln() + shift as f64 * std::f64::consts::LN_2
}

fn binomial(n: usize, k: usize) -> BigUint {
    (0..k).fold(BigUint::from(1u32), |c, i| c * (n - i) / (i + 1))
}

/// f(k) = C(n, k) (2^s - 1)^k / 2^{s n} as (numerator, ln of the
/// denominator), exactly.
fn exact_pmf(n: usize, s: usize, k: usize) -> (BigUint, f64) {
    let alive = (BigUint::from(1u32) << s) - 1u32;
    let num = binomial(n, k) * alive.pow(k as u32);
    (num, (s * n) as f64 * std::f64::consts::LN_2)
}

fn exact_ln_pmf(n: usize, s: usize, k: usize) -> f64 {
    let (num, ln_den) = exact_pmf(n, s, k);
    ln_big(&num) - ln_den
}

// spec: BOUND-F64-TRUNC
#[test]
fn ln_pmf_matches_exact_rationals() {
    for n in (1..=12).chain([40, 200]) {
        for s in [1, 2, 3, 10, 60] {
            for k in 0..=n {
                let want = exact_ln_pmf(n, s, k);
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
            for ln_m in [0.0, -5.0, -50.0] {
                for drop_ln in [-1.0, -10.0, -19.0, -100.0, -1000.0] {
                    let v: Vec<f64> = (1..=n).map(|k| ln_m + exact_ln_pmf(n, s, k)).collect();
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
