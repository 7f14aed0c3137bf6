//! The chain law in scaled floating point ([`Xf64`]: f64 mantissa, i64
//! exponent), for widths and depths in the thousands, with a rigorous bound
//! on the relative error of every entry (spec BOUND-F64).
//!
//! All quantities are sums of products of nonnegative numbers, so no
//! cancellation occurs and each entry is the exact value times a product of
//! at most `r` factors (1 + d_i)^(+-1), |d_i| <= u = 2^-53; hence its relative
//! error is at most gamma_r = r u / (1 - r u) (Higham, Lemma 3.1). The
//! rounding count `r` is tracked per layer:
//! - layer 1: r_1 = 4 N_1 + 2;
//! - layer l: r_l = r_{l-1} + 4 N_l + 2 N_{l-1} + 5 (the sum over p runs in
//!   fixed chunks, so a term meets at most N_{l-1} + 1 additions);
//! - a sum of the last layer's entries (trainability) adds 2 N_{L-1}.

pub use super::xf64::Xf64;
use super::ChainSpec;
use num_rational::BigRational;
use num_traits::One;
use rayon::prelude::*;

/// Number of p values per parallel chunk (fixed: determinism).
const P_CHUNK: usize = 64;

/// Unit roundoff of f64.
pub const UNIT_ROUNDOFF: f64 = 1.1102230246251565e-16; // 2^-53

/// gamma_r = r u / (1 - r u): the relative error bound after r roundings.
/// Infinite when r u >= 1 (no bound).
pub fn gamma(r: u64) -> f64 {
    let ru = r as f64 * UNIT_ROUNDOFF;
    if ru >= 1.0 {
        f64::INFINITY
    } else {
        // round the bound itself upward by a hair so it stays a bound
        ru / (1.0 - ru) * (1.0 + 4.0 * UNIT_ROUNDOFF)
    }
}

/// One layer's law in scaled floating point with its rounding count.
#[derive(Clone, Debug)]
pub struct FloatDist {
    /// P(K = k) for k = 0..=N.
    pub probs: Vec<Xf64>,
    /// Rounding count r: every entry has relative error <= gamma(r).
    pub roundings: u64,
}

impl FloatDist {
    /// Relative error bound of every entry.
    pub fn rel_error_bound(&self) -> f64 {
        gamma(self.roundings)
    }

    /// Sum of entries k >= floor, with its own rounding count.
    pub fn tail_mass(&self, floor: usize) -> (Xf64, u64) {
        let s = self
            .probs
            .iter()
            .skip(floor)
            .fold(Xf64::ZERO, |a, &x| a.plus(x));
        (s, self.roundings + 2 * self.probs.len() as u64)
    }
}

/// Binomial(n, p) with p = alive, 1 - p = dead, both already rounded once.
pub(crate) fn binomial_law(n: usize, alive: Xf64, dead: Xf64) -> Vec<Xf64> {
    let mut out = Vec::with_capacity(n + 1);
    let mut c = Xf64::ONE;
    let mut a_pow = Xf64::ONE;
    // dead^(n-k) for all k, built from k = n downwards
    let mut d_pows = vec![Xf64::ONE; n + 1];
    for k in (0..n).rev() {
        d_pows[k] = d_pows[k + 1].times(dead);
    }
    for (k, dp) in d_pows.iter().enumerate() {
        out.push(c.times(a_pow).times(*dp));
        c = c.mul_f64((n - k) as f64).div_f64((k + 1) as f64);
        a_pow = a_pow.times(alive);
    }
    out
}

/// Layer 1: Binomial(N_1, 1 - q1), r_1 = 4 N_1 + 2; entries below `floor`
/// set to 0.
pub(crate) fn first_layer(n: usize, q1: &BigRational, floor: usize) -> FloatDist {
    let alive = Xf64::from_rational(&(BigRational::one() - q1));
    let dead = Xf64::from_rational(q1);
    let mut probs = binomial_law(n, alive, dead);
    probs.iter_mut().take(floor).for_each(|x| *x = Xf64::ZERO);
    FloatDist {
        probs,
        roundings: 4 * n as u64 + 2,
    }
}

/// One chain step in scaled floating point.
pub fn step(prev: &FloatDist, n: usize, beta: usize, floor: usize) -> FloatDist {
    let m = prev.probs.len() - 1;
    let mut acc = vec![Xf64::ZERO; n + 1];
    acc[0] = prev.probs[0];
    // C(n,k) once per layer
    let mut binom = Vec::with_capacity(n + 1);
    let mut c = Xf64::ONE;
    for k in 0..=n {
        binom.push(c);
        c = c.mul_f64((n - k) as f64).div_f64((k + 1) as f64);
    }
    // Fixed chunks of p (independent of the thread count, so results are
    // bit-identical with any number of threads); partial sums are combined
    // in chunk order.
    let ps: Vec<usize> = (1..=m).collect();
    let partials: Vec<Vec<Xf64>> = ps
        .par_chunks(P_CHUNK)
        .map(|chunk| {
            let mut part = vec![Xf64::ZERO; n + 1];
            for &p in chunk {
                let mass = prev.probs[p];
                if mass == Xf64::ZERO {
                    continue;
                }
                let s = (p + beta) as i64;
                let alive = Xf64::from_f64(1.0 - crate::rational::pow2(-s)); // exact for s <= 53
                let mut a_pow = Xf64::ONE;
                for (k, slot) in part.iter_mut().enumerate() {
                    let t = Xf64::mul3_pow2(binom[k], a_pow, mass, -s * (n - k) as i64);
                    *slot = slot.plus(t);
                    a_pow = a_pow.times(alive);
                }
            }
            part
        })
        .collect();
    for part in &partials {
        for (a, x) in acc.iter_mut().zip(part) {
            *a = a.plus(*x);
        }
    }
    acc.iter_mut().take(floor).for_each(|x| *x = Xf64::ZERO);
    FloatDist {
        probs: acc,
        roundings: prev.roundings + 4 * n as u64 + 2 * m as u64 + 5,
    }
}

/// All layers in scaled floating point; `floors` as in the exact paths.
pub fn law(spec: &ChainSpec, floors: Option<&[usize]>) -> Vec<FloatDist> {
    let floor = |l: usize| floors.map_or(0, |f| f[l]);
    let beta = spec.bias.beta();
    let mut out = vec![first_layer(spec.widths[0], &spec.q1, floor(0))];
    for l in 1..spec.depth() {
        let next = step(out.last().unwrap(), spec.widths[l], beta, floor(l));
        out.push(next);
    }
    out
}

/// P(born dead) and its relative error bound.
pub fn born_dead(spec: &ChainSpec) -> (Xf64, f64) {
    let beta = spec.bias.beta();
    let mut d = first_layer(spec.widths[0], &spec.q1, 0);
    for &n in &spec.widths[1..] {
        d = step(&d, n, beta, 0);
    }
    (d.probs[0], d.rel_error_bound())
}

/// T(n*) and its relative error bound.
pub fn trainability(spec: &ChainSpec, min_widths: &[usize]) -> (Xf64, f64) {
    let last = law(spec, Some(min_widths))
        .pop()
        .expect("at least one layer");
    let (t, r) = last.tail_mass(0);
    (t, gamma(r))
}
