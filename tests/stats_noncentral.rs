//! Noncentral chi-square tail against the closed form for 1 degree of
//! freedom, (Z + sqrt(lambda))^2, and critical values.
// spec: ALG-POWER

use relu_trainability::stats::noncentral::{chi2_critical, noncentral_chi2_sf};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

#[test]
fn one_dof_closed_form() {
    let z = Normal::new(0.0, 1.0).unwrap();
    for &lambda in &[0.0, 0.5, 3.0, 20.0, 150.0] {
        for &x in &[0.1, 1.0, 4.0, 10.0, 30.0] {
            let (r, s) = (f64::sqrt(x), f64::sqrt(lambda));
            let want = z.cdf(-r - s) + (1.0 - z.cdf(r - s));
            let got = noncentral_chi2_sf(1, lambda, x).unwrap();
            assert!(
                (got - want).abs() < 1e-10,
                "lambda {lambda} x {x}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn critical_values() {
    // chi2_2 tail is exp(-x/2): critical value -2 ln alpha
    for a in [0.05, 1e-3, 1e-9] {
        assert!((chi2_critical(2, a).unwrap() - (-2.0 * f64::ln(a))).abs() < 1e-8);
    }
    // chi2_1 at 0.05 is 1.959963984540054^2
    assert!((chi2_critical(1, 0.05).unwrap() - 1.959963984540054f64.powi(2)).abs() < 1e-8);
    assert!(chi2_critical(0, 0.05).is_err());
    // to the last bit: the smallest f64 whose tail is at most alpha
    let tail = |dof: usize, x: f64| ChiSquared::new(dof as f64).unwrap().sf(x);
    for dof in [1, 2, 7, 40, 1000] {
        for a in [0.5, 0.05, 1e-6, 1e-30, 1e-250] {
            let c = chi2_critical(dof, a).unwrap();
            assert!(tail(dof, c) <= a, "{dof} {a}: {c}");
            assert!(tail(dof, c.next_down()) > a, "{dof} {a}: {c}");
        }
    }
    assert!(noncentral_chi2_sf(2, -1.0, 1.0).is_err());
}

/// P(chi2'_3(lambda) > x) = P(W + (Z + s)^2 > x), W ~ chi2_2 (density
/// e^{-w/2} / 2), s = sqrt(lambda): with t = x - w = u^2,
/// e^{-x/2} + int_0^sqrt(x) u e^{-(x - u^2)/2} [Phi(-u - s) + Phi(s - u)] du,
/// by composite Simpson (w > 80, i.e. u < sqrt(x - 80), has mass < e^-40).
/// An independent algorithm: no Poisson mixture, only the normal cdf.
fn three_dof_by_quadrature(lambda: f64, x: f64) -> f64 {
    let z = Normal::new(0.0, 1.0).unwrap();
    let s = lambda.sqrt();
    let f = |u: f64| u * (-(x - u * u) / 2.0).exp() * (z.cdf(-u - s) + z.cdf(s - u));
    let (a, b) = ((x - 80.0).max(0.0).sqrt(), x.sqrt());
    let n = 20_000;
    let h = (b - a) / n as f64;
    let inner: f64 = (1..n)
        .map(|i| f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    (-x / 2.0).exp() + h / 3.0 * (f(a) + inner + f(b))
}

/// Three degrees of freedom (the mixture runs over j = 0.. and, for lambda
/// = 20000, over a window [mu - 12 sd - 40, mu + 12 sd + 40] not starting
/// at 0, stopping early where the central tails reach 1) against the
/// quadrature above.
#[test]
fn three_dof_against_quadrature() {
    for (lambda, xs) in [
        (0.5, vec![0.5, 3.0, 12.0]),
        (20.0, vec![5.0, 23.0, 45.0]),
        (150.0, vec![100.0, 153.0, 220.0]),
        (20000.0, vec![19700.0, 20003.0, 20400.0]),
    ] {
        for x in xs {
            let want = three_dof_by_quadrature(lambda, x);
            let got = noncentral_chi2_sf(3, lambda, x).unwrap();
            assert!(
                (got - want).abs() < 1e-9,
                "lambda {lambda} x {x}: {got} vs {want}"
            );
        }
    }
    // the middle cases are not near 0 or 1 (the check has teeth)
    let mid = three_dof_by_quadrature(20000.0, 20003.0);
    assert!(mid > 0.3 && mid < 0.7, "{mid}");
}

#[test]
fn bad_arguments_are_refused() {
    for (dof, lambda, x) in [
        (0, 1.0, 1.0),
        (2, -1.0, 1.0),
        (2, f64::INFINITY, 1.0),
        (2, f64::NAN, 1.0),
        (2, 1.0, f64::NAN),
    ] {
        assert!(
            noncentral_chi2_sf(dof, lambda, x).is_err(),
            "{dof} {lambda} {x}"
        );
    }
    // x = +-inf are fine: tails 0 and 1
    assert_eq!(noncentral_chi2_sf(2, 1.0, f64::INFINITY).unwrap(), 0.0);
    assert_eq!(noncentral_chi2_sf(2, 1.0, f64::NEG_INFINITY).unwrap(), 1.0);
    for (dof, alpha) in [
        (0, 0.05),
        (1, 0.0),
        (1, 1.0),
        (1, -0.1),
        (1, 1.5),
        (1, f64::NAN),
    ] {
        assert!(chi2_critical(dof, alpha).is_err(), "{dof} {alpha}");
    }
}
