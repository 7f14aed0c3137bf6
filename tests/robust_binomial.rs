//! Clopper-Pearson intervals for any number of trials (up to 1e12), each
//! checked against an independent method: closed forms at x = 0 and x = n,
//! statrs' Beta quantiles (a different algorithm) for small n, Garwood's
//! Poisson interval (a finite sum, bisection here) for small x and huge n,
//! and the normal approximation with the Berry-Esseen bound for x ~ n/2.
// spec: ALG-BINOMIAL

use relu_trainability::stats::intervals::{checked_clopper_pearson, ln_lower_tail, ln_upper_tail};
use statrs::distribution::{Beta, ContinuousCDF, Normal};
use std::time::Instant;

const C: f64 = 0.95;
const A: f64 = 0.025; // (1 - C) / 2

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn closed_forms_at_the_ends_for_n_up_to_1e12() {
    for n in [
        1u64,
        2,
        7,
        100,
        10_000,
        1_000_000,
        8_000_000,
        1_000_000_000,
        1_000_000_000_000,
    ] {
        let t = Instant::now();
        // x = 0: [0, 1 - a^(1/n)]
        let (lo, hi) = checked_clopper_pearson(0, n, C).unwrap();
        let want = -(A.ln() / n as f64).exp_m1();
        assert_eq!(lo, 0.0);
        assert!(rel(hi, want) < 1e-10, "n={n}: {hi} vs {want}");
        // x = n: [a^(1/n), 1]
        let (lo, hi) = checked_clopper_pearson(n, n, C).unwrap();
        let want = (A.ln() / n as f64).exp();
        assert_eq!(hi, 1.0);
        assert!(
            (lo - want).abs() < 1e-10 * (1.0 - want) + 4.0 * f64::EPSILON,
            "n={n}: {lo} vs {want}"
        );
        assert!(
            t.elapsed().as_secs_f64() < 2.0,
            "n={n} took {:?}",
            t.elapsed()
        );
    }
}

#[test]
fn agrees_with_beta_quantiles_for_small_n() {
    for n in [1u64, 2, 3, 5, 10, 31, 100, 257] {
        for x in 0..=n {
            let (lo, hi) = checked_clopper_pearson(x, n, C).unwrap();
            let (xf, nf) = (x as f64, n as f64);
            let want_lo = if x == 0 {
                0.0
            } else {
                Beta::new(xf, nf - xf + 1.0).unwrap().inverse_cdf(A)
            };
            let want_hi = if x == n {
                1.0
            } else {
                Beta::new(xf + 1.0, nf - xf).unwrap().inverse_cdf(1.0 - A)
            };
            assert!(
                (lo - want_lo).abs() <= 1e-9 * want_lo + 1e-300,
                "x={x} n={n}: lo {lo} vs {want_lo}"
            );
            assert!(
                (hi - want_hi).abs() <= 1e-9 * want_hi,
                "x={x} n={n}: hi {hi} vs {want_hi}"
            );
            assert!(lo <= xf / nf && xf / nf <= hi);
        }
    }
}

/// Garwood's exact Poisson interval for a count x: bisection on the
/// Poisson CDF, a finite sum.
fn poisson_cdf(x: u64, lambda: f64) -> f64 {
    let mut term = (-lambda).exp();
    let mut s = term;
    for k in 1..=x {
        term *= lambda / k as f64;
        s += term;
    }
    s
}

fn solve(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> bool) -> f64 {
    // f true at lo, false at hi
    for _ in 0..200 {
        let m = 0.5 * (lo + hi);
        if f(m) {
            lo = m;
        } else {
            hi = m;
        }
    }
    0.5 * (lo + hi)
}

#[test]
fn matches_the_poisson_limit_at_n_1e12() {
    let n = 1_000_000_000_000u64;
    for x in [1u64, 3, 10, 40] {
        let t = Instant::now();
        let (lo, hi) = checked_clopper_pearson(x, n, C).unwrap();
        assert!(t.elapsed().as_secs_f64() < 2.0);
        // P(Y >= x) = a at the lower end, P(Y <= x) = a at the upper end
        let l_lo = solve(0.0, 10.0 * x as f64 + 10.0, |l| {
            1.0 - poisson_cdf(x - 1, l) < A
        });
        let l_hi = solve(0.0, 10.0 * x as f64 + 10.0, |l| poisson_cdf(x, l) > A);
        // binomial vs Poisson: relative difference O(lambda / n) ~ 1e-10
        assert!(
            rel(lo * n as f64, l_lo) < 1e-7,
            "x={x}: {} vs {l_lo}",
            lo * n as f64
        );
        assert!(
            rel(hi * n as f64, l_hi) < 1e-7,
            "x={x}: {} vs {l_hi}",
            hi * n as f64
        );
    }
}

#[test]
fn matches_the_normal_limit_at_n_1e12() {
    // Berry-Esseen: |F_n - Phi| <= 0.4748 (p^2 + q^2) / sqrt(n p q), so the
    // normal-approximation solution differs from the exact end by at most
    // about that bound / (phi(z) sqrt(n / (p q))) in p (factor 2 of slack)
    let n = 1_000_000_000_000u64;
    let nf = n as f64;
    let std = Normal::new(0.0, 1.0).unwrap();
    for x in [n / 2, n / 10, n / 1000 * 999] {
        let t = Instant::now();
        let (lo, hi) = checked_clopper_pearson(x, n, C).unwrap();
        assert!(t.elapsed().as_secs_f64() < 10.0, "took {:?}", t.elapsed());
        let xf = x as f64;
        let tail_up = |p: f64| 1.0 - std.cdf((xf - 0.5 - nf * p) / (nf * p * (1.0 - p)).sqrt());
        let tail_down = |p: f64| std.cdf((xf + 0.5 - nf * p) / (nf * p * (1.0 - p)).sqrt());
        let p0 = xf / nf;
        let w = 10.0 * (p0 * (1.0 - p0) / nf).sqrt();
        let n_lo = solve(p0 - w, p0, |p| tail_up(p) < A);
        let n_hi = solve(p0, p0 + w, |p| tail_down(p) > A);
        let q0 = 1.0 - p0;
        let be = 0.4748 * (p0 * p0 + q0 * q0) / (nf * p0 * q0).sqrt();
        let tol = 2.0 * be / (0.0584 * (nf / (p0 * q0)).sqrt()) + 4.0 * f64::EPSILON * p0;
        assert!(
            (lo - n_lo).abs() < tol,
            "x={x}: lo {lo} vs {n_lo} (tol {tol:e})"
        );
        assert!(
            (hi - n_hi).abs() < tol,
            "x={x}: hi {hi} vs {n_hi} (tol {tol:e})"
        );
        // the tolerance is far below the half-width: the check has teeth
        assert!(tol < 1e-3 * (hi - lo));
    }
}

#[test]
fn tails_sum_to_one_and_are_monotone() {
    // P(X <= x-1) + P(X >= x) = 1 on the two computation branches
    for &(n, p) in &[
        (10u64, 0.3),
        (1000, 0.5),
        (1_000_000_000_000, 0.25),
        (1_000_000_000_000, 1e-9),
    ] {
        let mean = n as f64 * p;
        for x in [
            1u64,
            (mean * 0.999) as u64,
            mean as u64,
            (mean * 1.001) as u64 + 1,
            n,
        ] {
            let x = x.clamp(1, n);
            let s = ln_lower_tail(x - 1, n, p).exp() + ln_upper_tail(x, n, p).exp();
            assert!((s - 1.0).abs() < 1e-9, "n={n} p={p} x={x}: {s}");
        }
    }
}

#[test]
fn the_issue_10_run_is_fast() {
    // simulate --widths 8 --samples 1e6 gives 8e6 layer-1 trials
    let t = Instant::now();
    for x in [0u64, 1, 999_999, 4_000_000, 7_999_999, 8_000_000] {
        let (lo, hi) = checked_clopper_pearson(x, 8_000_000, C).unwrap();
        assert!(lo <= hi && (0.0..=1.0).contains(&lo) && hi <= 1.0);
    }
    assert!(t.elapsed().as_secs_f64() < 1.0);
}

/// For an integer mean np the median of Binomial(n, p) is np (Kaas and
/// Buhrman 1980), so 1/2 <= P(X >= np) <= 1/2 + P(X = np) <= 1/2 + 0.5 /
/// sqrt(n p q) (the pmf at the mode is below 1 / sqrt(2 pi n p q) + o). The
/// earlier statrs tails gave 0.579 at n = 1e7 and 1.0 at n = 1e9.
#[test]
fn tails_at_the_median_for_huge_n() {
    use relu_trainability::stats::binomial::{binomial_lower_tail, binomial_upper_tail};
    for &(n, p) in &[
        (1_000u64, 0.3),
        (10_000_000, 0.3),
        (1_000_000_000, 0.3),
        (100_000_000_000, 0.01),
        (1_000_000_000_000, 0.5),
    ] {
        let k = (n as f64 * p).round() as u64;
        assert_eq!(k as f64, n as f64 * p);
        let slack = 0.5 / (n as f64 * p * (1.0 - p)).sqrt();
        let up = binomial_upper_tail(k, n, p).unwrap();
        let down = binomial_lower_tail(k, n, p).unwrap();
        assert!(
            (0.5..=0.5 + slack).contains(&up),
            "n={n}: P(X >= np) = {up}"
        );
        assert!(
            (0.5..=0.5 + slack).contains(&down),
            "n={n}: P(X <= np) = {down}"
        );
    }
}
