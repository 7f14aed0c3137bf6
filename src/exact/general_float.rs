//! THM-CHAIN-GENERAL in scaled floating point with the rigorous relative
//! error bound of BOUND-F64 (spec BOUND-F64-GENERAL): `approx --law`, and
//! the width and depth searches for RAI, sparse and constant-bias laws
//! (ALG-SEARCH-GENERAL).
//!
//! The step from p non-PD neurons is Binomial(N_l, 1 - s(p)) with s(p) an
//! exact rational (THM-CHAIN-GENERAL); s and 1 - s are each rounded once
//! from their exact values, so every binomial term has the same rounding
//! count as in BOUND-F64 (<= 4 N_l + 2) and a layer adds the same
//! r_l - r_{l-1} = 4 N_l + 2 N_{l-1} + 5.

pub(crate) use super::float_chain::first_layer;
use super::float_chain::{binomial_law, gamma, FloatDist, Xf64};
use super::general::{GeneralChain, StepLaw};
use num_rational::BigRational;
use num_traits::{One, Zero};
use rayon::prelude::*;
use std::borrow::Cow;

/// Number of p values per parallel chunk (fixed: determinism).
const P_CHUNK: usize = 64;

/// The PD probabilities of a step law as rounded pairs (s(p), 1 - s(p)),
/// each correctly rounded once from its exact rational value. For sign
/// laws s(p) = c a^p does not depend on the previous width, so the pairs
/// are computed once, by running exact powers, and extended on demand.
pub struct PdPairs {
    law: StepLaw,
    pow: BigRational,
    pairs: Vec<(Xf64, Xf64)>,
}

impl PdPairs {
    /// No pairs yet.
    pub fn new(law: &StepLaw) -> Self {
        PdPairs {
            law: law.clone(),
            pow: BigRational::one(),
            pairs: Vec::new(),
        }
    }

    /// The law these pairs are of.
    pub fn law(&self) -> &StepLaw {
        &self.law
    }

    /// (s(p), 1 - s(p)) for p = 1..m after a layer of width m.
    pub fn upto(&mut self, m: usize) -> Vec<(Xf64, Xf64)> {
        let round = |s: &BigRational| {
            (
                Xf64::from_rational(s),
                Xf64::from_rational(&(BigRational::one() - s)),
            )
        };
        match &self.law {
            StepLaw::Rai => (1..=m)
                .map(|p| round(&self.law.pd_probability(p, m)))
                .collect(),
            StepLaw::Signs { weight, bias } => {
                while self.pairs.len() < m {
                    self.pow = &self.pow * weight;
                    let pair = round(&(bias * &self.pow));
                    self.pairs.push(pair);
                }
                self.pairs[..m].to_vec()
            }
        }
    }
}

/// The transition rows of one step: `rows[p - 1][k]` = P(k non-PD | p)
/// = C(n, k) (1 - s(p))^k s(p)^(n - k), from s(p) and 1 - s(p) each rounded
/// once (every entry <= 4 n + 2 roundings, as in BOUND-F64).
pub fn transition_rows(n: usize, pairs: &[(Xf64, Xf64)]) -> Vec<Vec<Xf64>> {
    pairs
        .par_iter()
        .map(|&(dead, alive)| binomial_law(n, alive, dead))
        .collect()
}

/// One step with the rows of [`transition_rows`] (one per state p = 1..m of
/// the previous layer). Entries below `floor` are set to 0 after the step;
/// their sum before that is returned (the mass that fell below n*).
pub fn step(prev: &FloatDist, rows: &[Vec<Xf64>], floor: usize) -> (FloatDist, Xf64) {
    assert_eq!(
        rows.len(),
        prev.probs.len() - 1,
        "one row per state p = 1..m"
    );
    let n = rows.first().map_or(0, |r| r.len() - 1);
    step_with(prev, n, floor, |p| Cow::Borrowed(&rows[p - 1][..]))
}

/// One step into a layer of width `n` with `pairs[p - 1]` = (s(p), 1 -
/// s(p)) rounded, each row computed when it is needed (no N^2 storage).
pub fn step_from(
    prev: &FloatDist,
    n: usize,
    pairs: &[(Xf64, Xf64)],
    floor: usize,
) -> (FloatDist, Xf64) {
    assert_eq!(
        pairs.len(),
        prev.probs.len() - 1,
        "one s(p) per state p = 1..m"
    );
    step_with(prev, n, floor, |p| {
        let (dead, alive) = pairs[p - 1];
        Cow::Owned(binomial_law(n, alive, dead))
    })
}

fn step_with<'a, F>(prev: &FloatDist, n: usize, floor: usize, row: F) -> (FloatDist, Xf64)
where
    F: Fn(usize) -> Cow<'a, [Xf64]> + Sync,
{
    let m = prev.probs.len() - 1;
    let mut acc = vec![Xf64::ZERO; n + 1];
    acc[0] = prev.probs[0];
    let ps: Vec<usize> = (1..=m).collect();
    // fixed chunks of p, combined in chunk order: bit-identical results
    // with any number of threads
    let chunk_sum = |chunk: &[usize]| {
        let mut part = vec![Xf64::ZERO; n + 1];
        for &p in chunk {
            let mass = prev.probs[p];
            if mass == Xf64::ZERO {
                continue;
            }
            for (slot, &t) in part.iter_mut().zip(row(p).iter()) {
                *slot = slot.plus(t.times(mass));
            }
        }
        part
    };
    // the same chunks either way; small layers skip the thread pool
    let partials: Vec<Vec<Xf64>> = if m * (n + 1) <= 64 * 64 {
        ps.chunks(P_CHUNK).map(chunk_sum).collect()
    } else {
        ps.par_chunks(P_CHUNK).map(chunk_sum).collect()
    };
    for part in &partials {
        for (a, x) in acc.iter_mut().zip(part) {
            *a = a.plus(*x);
        }
    }
    let fell = acc.iter().take(floor).fold(Xf64::ZERO, |a, &x| a.plus(x));
    acc.iter_mut().take(floor).for_each(|x| *x = Xf64::ZERO);
    (
        FloatDist {
            probs: acc,
            roundings: prev.roundings + 4 * n as u64 + 2 * m as u64 + 5,
        },
        fell,
    )
}

/// The scaled-f64 law of a general chain: every layer, with floors n*
/// applied as in `general::law`, and 1 - T (the mass that fell below the
/// floors, summed over layers) with its relative error bound.
pub struct GeneralFloatLaw {
    /// Layers 1..L-1.
    pub layers: Vec<FloatDist>,
    /// 1 - T(n*): all the mass below the floors (0 without floors).
    pub failure: Xf64,
    /// Relative error bound of `failure`.
    pub failure_rel: f64,
}

/// All layers; `floors` as in the exact paths.
pub fn law(chain: &GeneralChain, floors: Option<&[usize]>) -> GeneralFloatLaw {
    law_with(chain, floors, &mut Vec::new())
}

/// As [`law`], reusing (and extending) the rounded PD probabilities of
/// `cache` across calls.
pub fn law_with(
    chain: &GeneralChain,
    floors: Option<&[usize]>,
    cache: &mut Vec<PdPairs>,
) -> GeneralFloatLaw {
    let floor = |l: usize| floors.map_or(0, |f| f[l]);
    let first_full = first_layer(chain.widths[0], &chain.q1, 0);
    let mut failure = first_full
        .probs
        .iter()
        .take(floor(0))
        .fold(Xf64::ZERO, |a, &x| a.plus(x));
    // one sum of at most N + 1 terms per layer (2 roundings per addition),
    // and one addition into the running total per layer
    let mut fail_r = first_full.roundings + 2 * (chain.widths[0] as u64 + 1);
    let mut first = first_full;
    first
        .probs
        .iter_mut()
        .take(floor(0))
        .for_each(|x| *x = Xf64::ZERO);
    let mut layers = vec![first];
    for l in 1..chain.widths.len() {
        let prev = layers.last().expect("one layer");
        let law = &chain.steps[l - 1];
        let i = match cache.iter().position(|c| c.law() == law) {
            Some(i) => i,
            None => {
                cache.push(PdPairs::new(law));
                cache.len() - 1
            }
        };
        let pairs = cache[i].upto(chain.widths[l - 1]);
        let (next, fell) = step_from(prev, chain.widths[l], &pairs, floor(l));
        fail_r = fail_r.max(next.roundings + 2 * (chain.widths[l] as u64 + 1)) + 2;
        failure = failure.plus(fell);
        layers.push(next);
    }
    let failure_rel = if failure == Xf64::ZERO {
        0.0
    } else {
        gamma(fail_r)
    };
    GeneralFloatLaw {
        layers,
        failure,
        failure_rel,
    }
}

/// An enclosure [lo, hi] of a nonnegative number as exact rationals, from a
/// computed value and its relative error bound (None when the bound is
/// infinite).
pub fn enclosure(x: Xf64, rel: f64) -> Option<(BigRational, BigRational)> {
    if !rel.is_finite() {
        return None;
    }
    let v = x.to_rational();
    if v.is_zero() {
        return Some((v.clone(), v));
    }
    let r = BigRational::from_float(rel)?;
    let lo = &v * (BigRational::one() - &r);
    let hi = &v * (BigRational::one() + &r);
    Some((lo.max(BigRational::zero()), hi))
}
