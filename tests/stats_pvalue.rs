//! log10 p-values below the f64 range (spec ALG-CHECK "p-value underflow")
//! against independent closed forms: the Poisson identity for the
//! chi-square tail with even dof, and exact big-integer binomial tails.
// spec: ALG-CHECK, ALG-DOMINANCE

use num_bigint::BigInt;
use num_traits::{One, Zero};
use relu_trainability::stats::dominance::{one_sided_dominance_detail, one_sided_dominance_masked};
use relu_trainability::stats::pvalue::{binom_upper_log10, chi2_sf_log10, printed_forms};

/// log10 P(chi2_{2k} >= x) = log10(e^{-x/2} sum_{j<k} (x/2)^j / j!), the
/// Poisson identity, summed in log space.
fn poisson_log10(k: usize, x: f64) -> f64 {
    let z = x / 2.0;
    let terms: Vec<f64> = (0..k)
        .map(|j| j as f64 * z.ln() - (1..=j).map(|i| (i as f64).ln()).sum::<f64>())
        .collect();
    let m = terms.iter().copied().fold(f64::MIN, f64::max);
    let s: f64 = terms.iter().map(|t| (t - m).exp()).sum();
    (-z + m + s.ln()) / std::f64::consts::LN_10
}

#[test]
fn chi2_log_tail_matches_poisson_identity_across_the_underflow() {
    for k in [1usize, 2, 5, 25, 100] {
        // x from the ordinary range through the f64 underflow (~1420 for
        // dof 2) to 10^5
        for x in [
            10.0, 100.0, 500.0, 1200.0, 1290.0, 1300.0, 1420.0, 1500.0, 5000.0, 1e4, 1e5,
        ] {
            let want = poisson_log10(k, x);
            let got = chi2_sf_log10(2 * k, x);
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "dof {} x {x}: {got} vs {want}",
                2 * k
            );
        }
    }
    assert_eq!(chi2_sf_log10(3, f64::INFINITY), f64::NEG_INFINITY);
    assert_eq!(chi2_sf_log10(3, 0.0), 0.0);
}

fn bigint_log10(x: &BigInt) -> f64 {
    let bits = x.bits();
    let shift = bits.saturating_sub(60);
    let top: u64 = (x >> shift).try_into().unwrap();
    (top as f64).log10() + shift as f64 * std::f64::consts::LOG10_2
}

/// log10 P(Bin(n, 1/4) >= c) exactly: sum_{k>=c} C(n, k) 3^(n-k) / 4^n.
fn exact_quarter_tail_log10(c: u64, n: u64) -> f64 {
    let mut num = BigInt::zero();
    let mut binom = BigInt::one(); // C(n, k)
    for k in 0..=n {
        if k >= c {
            num += &binom * num_traits::pow(BigInt::from(3), (n - k) as usize);
        }
        binom = binom * BigInt::from(n - k) / BigInt::from(k + 1);
    }
    bigint_log10(&num) - n as f64 * 4f64.log10()
}

#[test]
fn binomial_log_tail_matches_exact_integers() {
    for (c, n) in [
        (1u64, 10u64),
        (5, 10),
        (10, 10),
        (300, 1000),
        (900, 1000),
        (2000, 2000),
        (1700, 2000),
    ] {
        let want = exact_quarter_tail_log10(c, n);
        let got = binom_upper_log10(c, n, 0.25);
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "c {c} n {n}: {got} vs {want}"
        );
    }
    // below the mean the tail is ~1 and log10 ~ 0, without overflow
    assert!(binom_upper_log10(100, 1000, 0.25).abs() < 1e-12);
    assert_eq!(binom_upper_log10(0, 5, 0.3), 0.0);
}

#[test]
fn printed_forms_null_the_f64_only_when_it_underflows() {
    assert_eq!(printed_forms(f64::NEG_INFINITY), (Some(0.0), None));
    assert_eq!(printed_forms(-2.0).1, Some(-2.0));
    assert!((printed_forms(-2.0).0.unwrap() - 0.01).abs() < 1e-15);
    assert_eq!(printed_forms(-307.0).0.map(|p| p > 0.0), Some(true));
    assert_eq!(printed_forms(-308.5), (None, Some(-308.5)));
    assert_eq!(printed_forms(-1e5), (None, Some(-1e5)));
}

/// Dominance: a tail that is possible but underflowed in f64 (P(X = 2) =
/// 2^-2000 stored as 0.0) no longer gives p = 0; the log10 p-value is the
/// stated upper bound (n s)^c / c! with s < cells * 2^-1073, and the tail
/// that really is 0 (mask false) still gives exactly 0.
#[test]
fn dominance_underflowed_tail_is_bounded_not_zero() {
    let law = [0.5, 0.5, 0.0];
    let obs = [4u64, 5, 1];
    let masked = one_sided_dominance_masked(&obs, &law, &[true, true, true]).unwrap();
    assert!(masked.p_value_log10.is_finite());
    let bound = (10f64 * 3.0).log10() - 1073.0 * std::f64::consts::LOG10_2;
    // m = 2 thresholds with a possible tail; min log10 p_t is the bound for t = 2 (c = 1)
    assert!((masked.p_value_log10 - (2f64.log10() + bound)).abs() < 1e-9);
    let plain = one_sided_dominance_detail(&obs, &law).unwrap();
    assert_eq!(plain.p_value, 0.0);
    assert_eq!(plain.p_value_log10, f64::NEG_INFINITY);
    // c = 3 observations in the underflowed tail (n = 12): the bound
    // (n s)^c / c! keeps its 1/c! = 1/6 (with c = 1 it was invisible)
    let obs = [4u64, 5, 3];
    let masked = one_sided_dominance_masked(&obs, &law, &[true, true, true]).unwrap();
    let s_max = 3f64.log10() - 1073.0 * std::f64::consts::LOG10_2;
    let bound = 3.0 * (12f64.log10() + s_max) - 6f64.log10();
    assert_eq!(masked.thresholds_log10.len(), 2);
    assert!(
        (masked.thresholds_log10[1] - bound).abs() < 1e-9,
        "{masked:?}"
    );
    assert!((masked.p_value_log10 - (2f64.log10() + bound)).abs() < 1e-9);
}

/// log10 P(chi2_{2k+1} >= x) for large x, independently of statrs: Q(k + 1/2,
/// z) = erfc(sqrt z) + e^-z sum_{j<k} z^(j+1/2) / Gamma(j + 3/2) (z = x/2),
/// with erfc(sqrt z) = e^-z / sqrt(pi z) sum_m (-1)^m (2m-1)!! / (2z)^m
/// (asymptotic; 30 terms are exact to f64 for z >= 500) and Gamma(j + 3/2)
/// by its recurrence from Gamma(3/2) = sqrt(pi) / 2.
fn odd_dof_log10(k: usize, x: f64) -> f64 {
    let z = x / 2.0;
    let (mut series, mut term) = (0.0f64, 1.0f64);
    for m in 0..30 {
        series += term;
        term *= -((2 * m + 1) as f64) / (2.0 * z);
    }
    let ln_pi = std::f64::consts::PI.ln();
    let mut logs = vec![series.ln() - 0.5 * (ln_pi + z.ln())];
    let mut ln_gamma = 0.5 * ln_pi - 2f64.ln(); // Gamma(3/2)
    for j in 0..k {
        logs.push((j as f64 + 0.5) * z.ln() - ln_gamma);
        ln_gamma += (j as f64 + 1.5).ln(); // Gamma(j + 5/2)
    }
    let m = logs.iter().copied().fold(f64::MIN, f64::max);
    let s: f64 = logs.iter().map(|t| (t - m).exp()).sum();
    (-z + m + s.ln()) / std::f64::consts::LN_10
}

#[test]
fn chi2_log_tail_with_odd_dof_matches_the_erfc_expansion() {
    // each dof swept from tails above 1e-280 (statrs) to far below (the
    // continued fraction), both sides of the switch
    for k in [0usize, 1, 5, 25] {
        for x in [
            1000.0, 1200.0, 1300.0, 1400.0, 1600.0, 2000.0, 5000.0, 1e4, 1e5, 1e7,
        ] {
            let want = odd_dof_log10(k, x);
            let got = chi2_sf_log10(2 * k + 1, x);
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "dof {} x {x}: {got} vs {want}",
                2 * k + 1
            );
        }
    }
    // a tail exactly 1 stays 0 (log10 of min(sf, 1)); no dof is 0
    assert_eq!(chi2_sf_log10(5, 1e-300), 0.0);
    assert_eq!(chi2_sf_log10(0, 5.0), 0.0);
    assert_eq!(chi2_sf_log10(4, -1.0), 0.0);
}

#[test]
fn binomial_log_tail_ends_and_bonferroni() {
    use relu_trainability::stats::pvalue::bonferroni_log10;
    // above n: impossible; c = n: s^n exactly
    assert_eq!(binom_upper_log10(11, 10, 0.3), f64::NEG_INFINITY);
    let want = 40.0 * 0.3f64.log10();
    assert!((binom_upper_log10(40, 40, 0.3) - want).abs() < 1e-12);
    // a tail starting below the mode, s = 0.9: P(X >= 1) = 1 - 0.1^n
    let got = binom_upper_log10(1, 30, 0.9);
    assert!((got - (1.0 - 0.1f64.powi(30)).log10()).abs() < 1e-15);
    // min(1, m p): m = 0 counts as 1, and the cap at 1
    assert_eq!(bonferroni_log10(0, -5.0), -5.0);
    assert!((bonferroni_log10(3, -5.0) - (3f64.log10() - 5.0)).abs() < 1e-15);
    assert_eq!(bonferroni_log10(100, -1.0), 0.0);
    assert_eq!(bonferroni_log10(1, f64::NEG_INFINITY), f64::NEG_INFINITY);
}

#[test]
fn printed_forms_switch_at_the_smallest_normal_f64() {
    let edge = f64::MIN_POSITIVE.log10(); // -307.65...
    assert_eq!(
        printed_forms(edge + 1e-9).0.map(|p| p >= f64::MIN_POSITIVE),
        Some(true)
    );
    assert_eq!(printed_forms(edge - 1e-9), (None, Some(edge - 1e-9)));
    // rounding above 1 is capped in both forms
    assert_eq!(printed_forms(1e-17), (Some(1.0), Some(0.0)));
    assert_eq!(printed_forms(0.0), (Some(1.0), Some(0.0)));
}

/// The tail sum stops once past the mode the terms fall below 1e-17 of the
/// sum: with n = 10^10 trials (mean 1) it must answer at once, not walk
/// 10^10 terms, and agree with the Poisson(1) tail P(X >= 10) (binomial and
/// Poisson differ by O(k^2 / n) relatively; ln_gamma(n) ~ 2e11 leaves
/// about 1e-5 of absolute error in the log terms).
#[test]
fn binomial_log_tail_stops_past_the_mode_for_huge_n() {
    let n = 10_000_000_000u64;
    let t = std::time::Instant::now();
    let got = binom_upper_log10(10, n, 1.0 / n as f64);
    assert!(t.elapsed().as_secs_f64() < 5.0);
    let (mut term, mut tail) = (1.0f64, 0.0f64); // 1 / k!
    for k in 1..40 {
        term /= k as f64;
        if k >= 10 {
            tail += term;
        }
    }
    let want = (tail * (-1.0f64).exp()).log10(); // log10 P(Poisson(1) >= 10)
    assert!((got - want).abs() < 1e-4, "{got} vs {want}");
}
