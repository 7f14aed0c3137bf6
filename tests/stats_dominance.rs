//! One-sided dominance test: exact per-threshold p-values, validity under
//! H0 (simulation with a fixed seed), rejection of a dominating law.
// spec: ALG-DOMINANCE

use num_traits::ToPrimitive;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use relu_trainability::exact::rational_chain::binomial_law;
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

/// Exact P(Bin(n, a/16) >= c) from big integers:
/// sum_{k>=c} C(n, k) a^k (16 - a)^(n-k) / 16^n.
fn exact_tail_sixteenths(c: u64, n: u64, a: u64) -> f64 {
    use num_bigint::BigInt;
    let mut num = BigInt::from(0);
    let mut binom = BigInt::from(1);
    for k in 0..=n {
        if k >= c {
            num += &binom
                * num_traits::pow(BigInt::from(a), k as usize)
                * num_traits::pow(BigInt::from(16 - a), (n - k) as usize);
        }
        binom = binom * BigInt::from(n - k) / BigInt::from(k + 1);
    }
    let den = num_traits::pow(BigInt::from(16), n as usize);
    num_rational::BigRational::new(num, den).to_f64().unwrap()
}

/// Per-threshold values against an independent derivation: the tails of
/// Bin(4, 1/2) are 15/16, 11/16, 5/16, 1/16 (by hand), and each p_t is the
/// exact big-integer binomial tail P(Bin(20, s_t) >= c_t); m = 4 thresholds.
#[test]
fn detail_matches_definition() {
    let l = law(4, (1, 2));
    let obs = [3u64, 5, 6, 4, 2];
    let d = one_sided_dominance_detail(&obs, &l).unwrap();
    assert_eq!(d.thresholds.len(), 4);
    let n = 20;
    let sixteenths = [15u64, 11, 5, 1];
    let counts = [17u64, 12, 6, 2]; // observations >= t, by hand
    let mut minp = 1.0f64;
    for (i, t) in (1..=4).enumerate() {
        let p = exact_tail_sixteenths(counts[i], n, sixteenths[i]);
        assert_eq!(d.thresholds[i].0, t);
        assert_eq!(d.thresholds[i].1, counts[i]);
        assert_eq!(d.thresholds[i].2, sixteenths[i] as f64 / 16.0);
        let got = d.thresholds[i].3;
        assert!((got - p).abs() <= 1e-12 * p, "t = {t}: {got} vs {p}");
        let lg = d.thresholds_log10[i];
        assert!(
            (lg - p.log10()).abs() <= 1e-10 * p.log10().abs().max(1.0),
            "{lg} vs {}",
            p.log10()
        );
        minp = minp.min(p);
    }
    let want = (4.0 * minp).min(1.0);
    assert!((d.p_value - want).abs() <= 1e-12 * want);
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
