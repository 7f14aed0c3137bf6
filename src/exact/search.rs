//! The questions users ask (spec THM-MONOTONE, ALG-SEARCH):
//! "how wide must my network be?" and "how deep can it be before it is
//! likely born dead?".

use super::{cost, dyadic_chain, BiasMode, ChainSpec};
use crate::error::{Error, Result};
use num_rational::BigRational;
use num_traits::{One, Zero};

/// Answer of [`min_uniform_width`].
#[derive(Clone, Debug)]
pub struct WidthAnswer {
    /// Smallest uniform width N with T(n*) >= 1 - eps.
    pub width: usize,
    /// Exact T(n*) at `width`.
    pub trainability: BigRational,
    /// Exact T(n*) at `width - 1` (None when `width` is the smallest allowed).
    pub trainability_below: Option<BigRational>,
}

/// Smallest uniform width N (every hidden layer N wide, `depth` layers) with
/// exact T(n*) >= 1 - eps. Trainability is non-decreasing in every width
/// (THM-MONOTONE), so exponential then binary search is exact.
pub fn min_uniform_width(
    depth: usize,
    bias: BiasMode,
    q1: &BigRational,
    min_widths: &[usize],
    eps: &BigRational,
) -> Result<WidthAnswer> {
    if depth == 0 {
        return Err(Error::input("depth must be at least 1 hidden layer"));
    }
    if !(eps > &BigRational::zero() && eps < &BigRational::one()) {
        return Err(Error::input("eps must be strictly between 0 and 1"));
    }
    if q1 == &BigRational::one() {
        return Err(Error::input(
            "q1 = 1: every first-layer neuron is PD, no width makes the network trainable",
        ));
    }
    let target = BigRational::one() - eps;
    let lo_min = min_widths.iter().copied().max().unwrap_or(1).max(1);
    let t_at = |n: usize| -> Result<BigRational> {
        let spec = ChainSpec::new(vec![n; depth], bias, q1.clone())?;
        spec.check_min_widths(min_widths)?;
        cost::check_exact(&spec).map_err(|e| {
            Error::TooCostly(format!(
                "width search passed N = {n} without reaching 1 - eps: {e}"
            ))
        })?;
        Ok(dyadic_chain::law(&spec, Some(min_widths)).total_mass_last())
    };
    // exponential search for an upper end
    let (mut lo, mut hi) = (lo_min, lo_min);
    let mut t_hi = t_at(hi)?;
    while t_hi < target {
        lo = hi + 1;
        hi *= 2;
        t_hi = t_at(hi)?;
    }
    // binary search: smallest n in [lo, hi] with T(n) >= target; T(hi) >= target
    let mut best = (hi, t_hi);
    while lo < best.0 {
        let mid = lo + (best.0 - lo) / 2;
        let t = t_at(mid)?;
        if t >= target {
            best = (mid, t);
        } else {
            lo = mid + 1;
        }
    }
    let below = if best.0 > lo_min {
        Some(t_at(best.0 - 1)?)
    } else {
        None
    };
    Ok(WidthAnswer {
        width: best.0,
        trainability: best.1,
        trainability_below: below,
    })
}

pub use super::depth_search::{max_depth_born_dead, DepthAnswer, ProbEnclosure, DEPTH_CAP};
