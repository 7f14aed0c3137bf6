//! One-sided dominance test: exact per-threshold p-values, validity under
//! H0 (simulation with a fixed seed), rejection of a dominating law.
// spec: ALG-DOMINANCE

use num_traits::ToPrimitive;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use relu_trainability::exact::rational_chain::binomial_law;
use relu_trainability::stats::binomial::binomial_upper_tail;
use relu_trainability::stats::dominance::{one_sided_dominance, one_sided_dominance_detail};

fn law(n: usize, p: (i64, i64)) -> Vec<f64> {
    let r = num_rational::BigRational::new(p.0.into(), p.1.into());
    binomial_law(n, &r)
        .iter()
        .map(|x| x.to_f64().unwrap())
        .collect()
}

fn hist(n: u64, p: f64, draws: usize, rng: &mut ChaCha8Rng) -> Vec<u64> {
    let b = Binomial::new(n, p).unwrap();
    let mut h = vec![0u64; n as usize + 1];
    for _ in 0..draws {
        h[b.sample(rng) as usize] += 1;
    }
    h
}

#[test]
fn detail_matches_definition() {
    let l = law(4, (1, 2));
    let obs = [3u64, 5, 6, 4, 2];
    let d = one_sided_dominance_detail(&obs, &l).unwrap();
    assert_eq!(d.thresholds.len(), 4);
    let n = 20;
    let mut minp = 1.0f64;
    for (i, t) in (1..=4).enumerate() {
        let c: u64 = obs[t..].iter().sum();
        let s: f64 = l[t..].iter().sum();
        let p = binomial_upper_tail(c, n, s).unwrap();
        assert_eq!(d.thresholds[i].0, t);
        assert_eq!(d.thresholds[i].1, c);
        assert!((d.thresholds[i].2 - s).abs() < 1e-15);
        assert!((d.thresholds[i].3 - p).abs() < 1e-15);
        minp = minp.min(p);
    }
    assert!((d.p_value - (4.0 * minp).min(1.0)).abs() < 1e-15);
}

#[test]
fn impossible_and_degenerate_cases() {
    // law is a point mass at 0: any observation above is impossible
    assert_eq!(
        one_sided_dominance(&[9, 1, 0], &[1.0, 0.0, 0.0]).unwrap(),
        0.0
    );
    assert_eq!(
        one_sided_dominance(&[10, 0, 0], &[1.0, 0.0, 0.0]).unwrap(),
        1.0
    );
    // observations below the law never count against H0
    assert_eq!(
        one_sided_dominance(&[10, 0, 0], &[0.0, 0.0, 1.0]).unwrap(),
        1.0
    );
    assert!(one_sided_dominance(&[1, 1], &[0.5, 0.4]).is_err());
    assert!(one_sided_dominance(&[0, 0], &[0.5, 0.5]).is_err());
    assert!(one_sided_dominance(&[1], &[0.5, 0.5]).is_err());
}

/// Under H0 at its boundary (data from the law itself) and inside it (data
/// from a dominated law), the rate of p <= 0.05 over 1000 replications stays
/// below the 1e-6 upper quantile of Binomial(1000, 0.05) (= 85; the test is
/// conservative, so the true rate is <= 0.05).
#[test]
fn valid_under_h0() {
    let l = law(10, (1, 2));
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for p in [0.5, 0.4] {
        let rej = (0..1000)
            .filter(|_| one_sided_dominance(&hist(10, p, 300, &mut rng), &l).unwrap() <= 0.05)
            .count();
        assert!(
            rej <= 85,
            "{rej} rejections out of 1000 at level 0.05 (p = {p})"
        );
    }
}

/// Companion: data from Binomial(10, 0.6) against the law Binomial(10, 0.5)
/// is rejected (alpha 1e-6).
#[test]
fn rejects_dominating_law() {
    let l = law(10, (1, 2));
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let p = one_sided_dominance(&hist(10, 0.6, 2000, &mut rng), &l).unwrap();
    assert!(p < 1e-6, "p = {p}");
}
