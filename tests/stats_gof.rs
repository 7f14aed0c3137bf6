//! Pearson goodness of fit: closed forms on small cases, pooling, impossible
//! cells, input validation, uniform p-values under H0 and rejection of a
//! wrong law.
// spec: ALG-GOF

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use relu_trainability::stats::gof::{chi_square_gof, pooled_partition, MIN_EXPECTED};
use relu_trainability::stats::ks::{dkw_threshold, ks_uniform_distance};

fn binom_pmf(n: u64, p: f64) -> Vec<f64> {
    // direct product formula, independent of statrs
    (0..=n)
        .map(|k| {
            let mut c = 1.0f64;
            for i in 0..k {
                c = c * (n - i) as f64 / (i + 1) as f64;
            }
            c * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
        })
        .collect()
}

fn sample_hist(n: u64, p: f64, draws: usize, rng: &mut ChaCha8Rng) -> Vec<u64> {
    let b = Binomial::new(n, p).unwrap();
    let mut h = vec![0u64; n as usize + 1];
    for _ in 0..draws {
        h[b.sample(rng) as usize] += 1;
    }
    h
}

#[test]
fn two_cells_closed_form() {
    // stat = 2 * 10^2 / 50 = 4; P(chi2_1 > 4) = P(|Z| > 2) = 0.04550026389635842
    let r = chi_square_gof(&[60, 40], &[0.5, 0.5]).unwrap();
    assert_eq!(r.dof, 1);
    assert!((r.statistic - 4.0).abs() < 1e-12);
    assert!(
        (r.p_value - 0.04550026389635842).abs() < 1e-12,
        "{}",
        r.p_value
    );
}

#[test]
fn three_cells_closed_form() {
    // e = 40 each, stat = (100 + 0 + 100) / 40 = 5; P(chi2_2 > x) = exp(-x/2)
    let r = chi_square_gof(&[30, 40, 50], &[1.0 / 3.0; 3]).unwrap();
    assert_eq!((r.dof, r.pooled_cells), (2, 3));
    assert!((r.statistic - 5.0).abs() < 1e-12);
    assert!((r.p_value - (-2.5f64).exp()).abs() < 1e-12);
}

#[test]
fn pooling_gives_expected_counts_at_least_five_and_matches_manual_statistic() {
    let law = binom_pmf(20, 0.5);
    let obs: Vec<u64> = vec![
        0, 0, 0, 0, 1, 1, 2, 3, 6, 8, 9, 7, 6, 4, 2, 1, 0, 0, 0, 0, 0,
    ];
    let n: u64 = obs.iter().sum();
    let parts = pooled_partition(&law, n);
    // a partition of 0..=20 into consecutive ranges
    assert_eq!(parts.first().unwrap().start, 0);
    assert_eq!(parts.last().unwrap().end, 21);
    for w in parts.windows(2) {
        assert_eq!(w[0].end, w[1].start);
    }
    let mut manual = 0.0;
    for r in &parts {
        let e: f64 = n as f64 * law[r.clone()].iter().sum::<f64>();
        assert!(e >= MIN_EXPECTED, "pooled cell {r:?} has expectation {e}");
        let o: u64 = obs[r.clone()].iter().sum();
        manual += (o as f64 - e).powi(2) / e;
    }
    let g = chi_square_gof(&obs, &law).unwrap();
    assert_eq!(g.pooled_cells, parts.len());
    assert_eq!(g.dof, parts.len() - 1);
    assert!((g.statistic - manual).abs() < 1e-9 * manual.max(1.0));
    assert!(parts.len() < 21 && parts.len() >= 3);
}

/// The partition rule by hand at its boundaries (expected counts exactly
/// 5, a remainder that joins the last range, a law that never reaches 5,
/// and the empty law, which has no cells to pool).
#[test]
fn partition_by_hand_at_the_boundaries() {
    // n p = 5, 5: each cell closes exactly at 5
    assert_eq!(pooled_partition(&[0.5, 0.5], 10), vec![0..1, 1..2]);
    // 2.5 + 2.5 = 5 closes 0..2; then 5
    assert_eq!(pooled_partition(&[0.25, 0.25, 0.5], 10), vec![0..2, 2..3]);
    // 6 closes 0..1; the remainder 2 + 2 < 5 joins it
    assert_eq!(pooled_partition(&[0.6, 0.2, 0.2], 10), vec![0..3]);
    // 4.5, then 9: one range
    assert_eq!(pooled_partition(&[0.5, 0.5], 9), vec![0..2]);
    // never reaches 5: one range over everything
    assert_eq!(pooled_partition(&[0.5, 0.5], 4), vec![0..2]);
    assert!(pooled_partition(&[], 10).is_empty());
}

#[test]
fn impossible_cell_and_point_mass() {
    let r = chi_square_gof(&[5, 1, 5], &[0.5, 0.0, 0.5]).unwrap();
    assert_eq!(r.p_value, 0.0);
    assert!(r.statistic.is_infinite());
    let ok = chi_square_gof(&[0, 10, 0], &[0.0, 1.0, 0.0]).unwrap();
    assert_eq!((ok.dof, ok.p_value), (0, 1.0));
    let bad = chi_square_gof(&[1, 9, 0], &[0.0, 1.0, 0.0]).unwrap();
    assert_eq!((bad.dof, bad.p_value), (0, 0.0));
}

#[test]
fn invalid_input_is_an_error() {
    assert!(chi_square_gof(&[1, 2], &[1.0]).is_err());
    assert!(chi_square_gof(&[1, 2], &[0.5, 0.6]).is_err());
    assert!(chi_square_gof(&[1, 2], &[f64::NAN, 0.5]).is_err());
    assert!(chi_square_gof(&[1, 2], &[1.5, -0.5]).is_err());
    assert!(chi_square_gof(&[0, 0], &[0.5, 0.5]).is_err());
    assert!(chi_square_gof(&[], &[]).is_err());
}

/// Under H0 the p-values of 2000 independent tests (n = 500 draws from
/// Binomial(12, 0.3)) are uniform: KS distance below the DKW threshold at
/// alpha = 1e-6.
#[test]
fn p_values_uniform_under_h0() {
    let law = binom_pmf(12, 0.3);
    let mut rng = ChaCha8Rng::seed_from_u64(20260101);
    let ps: Vec<f64> = (0..2000)
        .map(|_| {
            chi_square_gof(&sample_hist(12, 0.3, 500, &mut rng), &law)
                .unwrap()
                .p_value
        })
        .collect();
    let d = ks_uniform_distance(&ps).unwrap();
    let eps = dkw_threshold(ps.len(), 1e-6);
    assert!(d < eps, "KS distance {d} >= DKW threshold {eps}");
}

/// Companion: the same procedure rejects a wrong law (data from
/// Binomial(12, 0.35) tested against Binomial(12, 0.3)), alpha 1e-6.
#[test]
fn rejects_wrong_law() {
    let law = binom_pmf(12, 0.3);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let g = chi_square_gof(&sample_hist(12, 0.35, 2000, &mut rng), &law).unwrap();
    assert!(g.p_value < 1e-6, "p = {}", g.p_value);
    // and the p-values of wrong-law tests are far from uniform
    let ps: Vec<f64> = (0..200)
        .map(|_| {
            chi_square_gof(&sample_hist(12, 0.35, 500, &mut rng), &law)
                .unwrap()
                .p_value
        })
        .collect();
    assert!(ks_uniform_distance(&ps).unwrap() > dkw_threshold(ps.len(), 1e-6));
}

#[test]
fn ks_distance_small_cases() {
    assert!((ks_uniform_distance(&[0.5]).unwrap() - 0.5).abs() < 1e-15);
    assert!((ks_uniform_distance(&[0.75, 0.25]).unwrap() - 0.25).abs() < 1e-15);
    assert!(ks_uniform_distance(&[1.5]).is_err());
    // by hand, sup over the steps of |F_n(x) - x|: sorted 0.1, 0.2, 0.3
    // (n = 3): largest gap above is 1 - 0.3 = 0.7 (F_n jumps to 1 at 0.3)
    assert!((ks_uniform_distance(&[0.3, 0.1, 0.2]).unwrap() - 0.7).abs() < 1e-15);
    // sorted 0.2, 0.9, 0.95: largest gap below is 0.9 - 1/3 (F_n = 1/3 just
    // before 0.9)
    let d = ks_uniform_distance(&[0.9, 0.2, 0.95]).unwrap();
    assert!((d - (0.9 - 1.0 / 3.0)).abs() < 1e-15, "{d}");
}

/// DKW-Massart: eps is the solution of 2 exp(-2 n eps^2) = alpha.
#[test]
fn dkw_threshold_solves_the_massart_bound() {
    for (n, alpha) in [(1usize, 0.5), (100, 0.05), (2000, 1e-6), (12345, 1e-9)] {
        let eps = dkw_threshold(n, alpha);
        let bound = 2.0 * (-2.0 * n as f64 * eps * eps).exp();
        assert!(
            (bound / alpha - 1.0).abs() < 1e-12,
            "n {n} alpha {alpha}: {bound}"
        );
    }
}

/// Calibration of the asymptotic p-value, by exact enumeration of all
/// multinomial outcomes (n = 400, a skewed 3-cell law like the second layer
/// of 5,2,4): the true level P_H0(p <= a) is within 1.3 a at a = 0.01 and
/// 0.001 and within 3 a at a = 1e-6 (the chi-square tail is liberal far out,
/// see ALG-GOF "Calibration"). The numbers are printed for the spec.
#[test]
fn exact_level_by_enumeration() {
    use statrs::function::factorial::ln_factorial;
    let law = [0.011, 0.114, 0.875];
    let n = 400u64;
    for (a, max_ratio) in [(1e-2, 1.3), (1e-3, 1.3), (1e-6, 3.0)] {
        let mut level = 0.0;
        for i in 0..=n {
            for j in 0..=n - i {
                let k = n - i - j;
                if chi_square_gof(&[i, j, k], &law).unwrap().p_value <= a {
                    let lp = ln_factorial(n) - ln_factorial(i) - ln_factorial(j) - ln_factorial(k)
                        + i as f64 * law[0].ln()
                        + j as f64 * law[1].ln()
                        + k as f64 * law[2].ln();
                    level += lp.exp();
                }
            }
        }
        eprintln!(
            "alpha {a:e}: exact level {level:.3e} (ratio {:.2})",
            level / a
        );
        assert!(level <= max_ratio * a, "level {level} at alpha {a}");
    }
}
