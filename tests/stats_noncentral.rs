//! Noncentral chi-square tail against the closed form for 1 degree of
//! freedom, (Z + sqrt(lambda))^2, and critical values.
// spec: ALG-POWER

use relu_trainability::stats::noncentral::{chi2_critical, noncentral_chi2_sf};
use statrs::distribution::{ContinuousCDF, Normal};

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
    assert!(noncentral_chi2_sf(2, -1.0, 1.0).is_err());
}
