//! Exact binomial tails, Clopper-Pearson intervals and Fisher's two-sample
//! test against exact rational summation; validity by exact enumeration.
// spec: ALG-BINOMIAL, ALG-TWO-SAMPLE

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};
use relu_trainability::stats::binomial::{binomial_lower_tail, binomial_upper_tail};
use relu_trainability::stats::intervals::{checked_clopper_pearson, clopper_pearson};
use relu_trainability::stats::two_sample::{compare_rates, RateAlternative};

fn choose(n: u64, k: u64) -> BigInt {
    let mut c = BigInt::one();
    for i in 0..k {
        c = c * BigInt::from(n - i) / BigInt::from(i + 1);
    }
    c
}

fn exact_pmf(n: u64, k: u64, p: &BigRational) -> BigRational {
    let q = BigRational::one() - p;
    BigRational::from_integer(choose(n, k))
        * num_traits::pow(p.clone(), k as usize)
        * num_traits::pow(q, (n - k) as usize)
}

fn rat(a: i64, b: i64) -> BigRational {
    BigRational::new(BigInt::from(a), BigInt::from(b))
}

#[test]
fn tails_equal_exact_rational_sums() {
    for &(a, b) in &[(1, 2), (1, 8), (3, 16), (1, 3), (7, 10)] {
        let p = rat(a, b);
        let pf = a as f64 / b as f64;
        for n in [1u64, 5, 17, 40] {
            for k in 0..=n + 1 {
                let up: BigRational = (k..=n)
                    .map(|j| exact_pmf(n, j, &p))
                    .fold(BigRational::zero(), |s, x| s + x);
                let lo: BigRational = (0..=k.min(n))
                    .map(|j| exact_pmf(n, j, &p))
                    .fold(BigRational::zero(), |s, x| s + x);
                let (up, lo) = (up.to_f64().unwrap(), lo.to_f64().unwrap());
                let gu = binomial_upper_tail(k, n, pf).unwrap();
                let gl = binomial_lower_tail(k, n, pf).unwrap();
                assert!(
                    (gu - up).abs() <= 1e-10 * up.max(1e-300),
                    "upper n={n} k={k} p={pf}: {gu} vs {up}"
                );
                assert!(
                    (gl - lo).abs() <= 1e-10 * lo.max(1e-300),
                    "lower n={n} k={k} p={pf}: {gl} vs {lo}"
                );
            }
        }
    }
}

#[test]
fn tail_edge_cases() {
    assert_eq!(binomial_upper_tail(0, 10, 0.3).unwrap(), 1.0);
    assert_eq!(binomial_upper_tail(11, 10, 0.3).unwrap(), 0.0);
    assert_eq!(binomial_upper_tail(1, 10, 0.0).unwrap(), 0.0);
    assert_eq!(binomial_upper_tail(10, 10, 1.0).unwrap(), 1.0);
    assert_eq!(binomial_lower_tail(10, 10, 0.3).unwrap(), 1.0);
    assert!(binomial_upper_tail(1, 10, 1.5).is_err());
    assert!(binomial_upper_tail(1, 10, f64::NAN).is_err());
}

/// The one-sided test is valid: P_H0(p-value <= a) <= a, by exact enumeration.
#[test]
fn upper_tail_test_is_valid_by_enumeration() {
    let (n, p) = (60u64, 0.3);
    let pr = rat(3, 10);
    for a in [1e-6, 1e-3, 0.01, 0.05, 0.2, 0.5] {
        let mut level = 0.0;
        for k in 0..=n {
            if binomial_upper_tail(k, n, p).unwrap() <= a {
                level += exact_pmf(n, k, &pr).to_f64().unwrap();
            }
        }
        assert!(level <= a * (1.0 + 1e-9), "level {level} > {a}");
    }
}

#[test]
fn clopper_pearson_closed_forms_and_definition() {
    // x = 0: upper = 1 - (a/2)^(1/n); x = n: lower = (a/2)^(1/n)
    let (n, conf) = (25u64, 0.95);
    let h = 0.025f64;
    let (lo, hi) = clopper_pearson(0, n, conf);
    assert_eq!(lo, 0.0);
    assert!((hi - (1.0 - h.powf(1.0 / n as f64))).abs() < 1e-10);
    let (lo, hi) = clopper_pearson(n, n, conf);
    assert_eq!(hi, 1.0);
    assert!((lo - h.powf(1.0 / n as f64)).abs() < 1e-10);
    // interior: the defining equations P(X >= x; lo) = a/2 = P(X <= x; hi)
    for x in 1..n {
        let (lo, hi) = clopper_pearson(x, n, conf);
        assert!(lo < hi);
        assert!((binomial_upper_tail(x, n, lo).unwrap() - h).abs() < 1e-8);
        assert!((binomial_lower_tail(x, n, hi).unwrap() - h).abs() < 1e-8);
    }
    assert_eq!(clopper_pearson(0, 0, 0.9), (0.0, 1.0));
    assert!(checked_clopper_pearson(3, 2, 0.9).is_err());
    assert!(checked_clopper_pearson(1, 2, 1.0).is_err());
}

/// Coverage >= confidence for every p on a grid, by exact enumeration.
#[test]
fn clopper_pearson_coverage_by_enumeration() {
    let n = 30u64;
    let ints: Vec<(f64, f64)> = (0..=n).map(|x| clopper_pearson(x, n, 0.9)).collect();
    for i in 1..100 {
        let p = i as f64 / 100.0;
        let pr = rat(i, 100);
        let cov: f64 = (0..=n)
            .filter(|&x| ints[x as usize].0 <= p && p <= ints[x as usize].1)
            .map(|x| exact_pmf(n, x, &pr).to_f64().unwrap())
            .sum();
        assert!(cov >= 0.9 - 1e-12, "coverage {cov} at p = {p}");
    }
}

/// Fisher's test equals the exact hypergeometric tail summed in rationals.
#[test]
fn fisher_one_sided_equals_exact_hypergeometric_tail() {
    for &(s1, n1, s2, n2) in &[
        (7u64, 10u64, 2u64, 10u64),
        (3, 12, 9, 15),
        (0, 5, 5, 5),
        (20, 40, 11, 35),
    ] {
        let t = s1 + s2;
        let total = choose(n1 + n2, t);
        let h = |j: u64| -> BigRational {
            if j > n1 || t < j || t - j > n2 {
                return BigRational::zero();
            }
            BigRational::new(choose(n1, j) * choose(n2, t - j), total.clone())
        };
        let greater: BigRational = (s1..=t).map(h).fold(BigRational::zero(), |a, b| a + b);
        let less: BigRational = (0..=s1).map(h).fold(BigRational::zero(), |a, b| a + b);
        let g = compare_rates(s1, n1, s2, n2, RateAlternative::Greater).unwrap();
        let l = compare_rates(s1, n1, s2, n2, RateAlternative::Less).unwrap();
        assert!(
            (g - greater.to_f64().unwrap()).abs() < 1e-10,
            "{g} vs {greater}"
        );
        assert!((l - less.to_f64().unwrap()).abs() < 1e-10, "{l} vs {less}");
        let two = compare_rates(s1, n1, s2, n2, RateAlternative::TwoSided).unwrap();
        assert!(two >= g.min(l) - 1e-12 && two <= 1.0);
    }
    assert!(compare_rates(3, 2, 1, 2, RateAlternative::Greater).is_err());
    assert!(compare_rates(0, 0, 1, 2, RateAlternative::Greater).is_err());
}

/// Validity under H0 by exact enumeration over both samples (equal rate
/// 0.4, n1 = n2 = 15), and rejection of clearly different rates.
#[test]
fn fisher_valid_under_h0_and_rejects_different_rates() {
    let (n1, n2) = (15u64, 15u64);
    let p = rat(2, 5);
    for a in [0.01, 0.05, 0.1] {
        let mut level = 0.0;
        for s1 in 0..=n1 {
            for s2 in 0..=n2 {
                if compare_rates(s1, n1, s2, n2, RateAlternative::Greater).unwrap() <= a {
                    level += (exact_pmf(n1, s1, &p) * exact_pmf(n2, s2, &p))
                        .to_f64()
                        .unwrap();
                }
            }
        }
        assert!(level <= a + 1e-12, "level {level} > {a}");
    }
    assert!(compare_rates(900, 1000, 100, 1000, RateAlternative::Greater).unwrap() < 1e-6);
    assert!(compare_rates(100, 1000, 900, 1000, RateAlternative::Greater).unwrap() > 0.999);
}
