//! Reference implementation of the chain law (spec THM-CHAIN) in plain
//! `BigRational` arithmetic: every operation reduces by a gcd. Slow but
//! obviously faithful to the statement; the fast paths are tested against it.

use super::{ChainSpec, ExactLaw};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

/// Binomial(n, p) law as exact rationals: P(k) = C(n,k) p^k (1-p)^(n-k).
pub fn binomial_law(n: usize, p: &BigRational) -> Vec<BigRational> {
    let q = BigRational::one() - p;
    (0..=n)
        .map(|k| {
            BigRational::from_integer(binomial(n, k))
                * num_traits::pow(p.clone(), k)
                * num_traits::pow(q.clone(), n - k)
        })
        .collect()
}

/// C(n, k) as a big integer.
pub fn binomial(n: usize, k: usize) -> BigInt {
    if k > n {
        return BigInt::zero();
    }
    let k = k.min(n - k);
    let mut c = BigInt::one();
    for i in 0..k {
        c = c * BigInt::from(n - i) / BigInt::from(i + 1);
    }
    c
}

/// The law of (K_l) marginals; with `floors = Some(n*)`, mass below n*_l is
/// dropped at every layer (so the last layer's total is T(n*)).
pub fn law(spec: &ChainSpec, floors: Option<&[usize]>) -> ExactLaw {
    let beta = spec.bias.beta();
    let floor = |l: usize| floors.map_or(0, |f| f[l]);
    let mut layers: Vec<Vec<BigRational>> = Vec::with_capacity(spec.depth());
    let mut dist = binomial_law(spec.widths[0], &(BigRational::one() - &spec.q1));
    apply_floor(&mut dist, floor(0));
    layers.push(dist);
    for l in 1..spec.depth() {
        let n = spec.widths[l];
        let prev = &layers[l - 1];
        let mut next = vec![BigRational::zero(); n + 1];
        next[0] = prev[0].clone();
        for (p, mass) in prev.iter().enumerate().skip(1) {
            if mass.is_zero() {
                continue;
            }
            let dead = BigRational::new(BigInt::one(), BigInt::one() << (p + beta));
            let t = binomial_law(n, &(BigRational::one() - dead));
            for (k, tk) in t.iter().enumerate() {
                next[k] += mass * tk;
            }
        }
        apply_floor(&mut next, floor(l));
        layers.push(next);
    }
    ExactLaw { layers }
}

fn apply_floor(dist: &mut [BigRational], floor: usize) {
    for x in dist.iter_mut().take(floor) {
        *x = BigRational::zero();
    }
}
