//! The questions users ask (spec THM-MONOTONE, ALG-SEARCH):
//! "how wide must my network be?" and "how deep can it be before it is
//! likely born dead?".

use super::{cost, dyadic_chain, BiasMode, ChainSpec};
use crate::error::{Error, Result};
use num_rational::BigRational;
use num_traits::{One, Zero};

/// Deepest network the exact width search takes.
pub const MAX_SEARCH_DEPTH: usize = 100_000;
/// Share of the `--max-seconds` budget (ALG-LIMITS) the whole width search
/// may spend in estimated exact evaluations (default 60 s: 20 s).
pub const SEARCH_SHARE: f64 = 1.0 / 3.0;

/// A width N_lb such that T(n*) < 1 - eps at every uniform width below it,
/// from 1 - T >= P(K_l = 0) >= q1^N + [l >= 2] (1 - q1)^N 2^{-(N+beta)N},
/// l the last layer with n*_l >= 1 (K_1 = N, then all die at once). Decided
/// in f64 logs with a margin of one bit plus 1e-9 relative: a width is
/// skipped only when the bound exceeds eps beyond doubt.
pub fn width_lower_bound(
    depth: usize,
    bias: BiasMode,
    q1: &BigRational,
    min_widths: &[usize],
    eps: &BigRational,
) -> usize {
    let Some(last) = min_widths.iter().rposition(|&w| w >= 1) else {
        return 1;
    };
    let log2 = |r: &BigRational| {
        super::xf128::Xf128::from_rational(r, super::xf128::Dir::Down).log10()
            / std::f64::consts::LOG10_2
    };
    let l_eps = log2(eps);
    let l_q = log2(q1); // -inf for q1 = 0
    let l_alive = log2(&(BigRational::one() - q1));
    let beta = bias.beta() as f64;
    let exceeds = |n: f64| {
        let a = n * l_q;
        let b = if last >= 1 && depth >= 2 {
            n * l_alive - (n + beta) * n
        } else {
            f64::NEG_INFINITY
        };
        let bound = a.max(b);
        bound > l_eps + 1.0 + 1e-9 * l_eps.abs()
    };
    let mut n = 1usize;
    while n < 1 << 40 && exceeds(n as f64) {
        n += 1.max(n / 64);
        if n > 1 << 20 {
            break;
        }
    }
    // step back to the first width that does not certainly exceed eps
    while n > 1 && !exceeds((n - 1) as f64) {
        n -= 1;
    }
    n
}

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
    if depth > MAX_SEARCH_DEPTH {
        return Err(Error::TooCostly(format!(
            "depth {depth}: the exact width search takes at most {MAX_SEARCH_DEPTH} hidden layers; \
             use `trainability approx` at candidate widths for deeper networks"
        )));
    }
    let target = BigRational::one() - eps;
    let lo_min = min_widths.iter().copied().max().unwrap_or(1).max(1);
    // widths below this bound cannot reach 1 - eps (cheap lower bound on 1 - T)
    let lo_min = lo_min.max(width_lower_bound(depth, bias, q1, min_widths, eps));
    let spent = std::cell::Cell::new(0.0f64);
    let t_at = |n: usize| -> Result<BigRational> {
        let spec = ChainSpec::new(vec![n; depth], bias, q1.clone())?;
        spec.check_min_widths(min_widths)?;
        cost::check_exact(&spec).map_err(|e| {
            Error::TooCostly(format!(
                "width search passed N = {n} without reaching 1 - eps: {e}"
            ))
        })?;
        let sec = cost::estimate(&spec).seconds;
        let budget = cost::max_seconds() * SEARCH_SHARE;
        if spent.get() + 3.0 * sec > budget {
            return Err(Error::TooCostly(format!(
                "the width search would reach width {n} (depth {depth}), whose exact trainability alone \
                 takes an estimated {sec:.1} s, beyond the search budget of {budget} s (a third of --max-seconds); \
                 use a larger eps, raise --max-seconds, or `trainability approx` at candidate widths"
            )));
        }
        spent.set(spent.get() + sec);
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
