//! The questions users ask (spec THM-MONOTONE, ALG-SEARCH):
//! "how wide must my network be?" and "how deep can it be before it is
//! likely born dead?".

use super::float_chain::{self, gamma};
use super::{cost, dyadic_chain, BiasMode, ChainSpec};
use crate::error::{Error, Result};
use nalgebra::{DMatrix, RowDVector};
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

/// Answer of [`max_depth_born_dead`].
#[derive(Clone, Debug)]
pub struct DepthAnswer {
    /// Largest number of hidden layers D with P(born dead) <= eps (0 if even
    /// one layer exceeds eps); saturates at `u64::MAX >> 1`.
    pub depth: u64,
    /// P(born dead) at `depth` (f64; exact string when `exact`).
    pub born_dead: f64,
    /// P(born dead) at `depth + 1`.
    pub born_dead_next: f64,
    /// Exact values when the answer was confirmed by the exact engine.
    pub exact: Option<(BigRational, BigRational)>,
    /// Relative error bound of the f64 values (0 when exact).
    pub rel_error_bound: f64,
    /// True when P(born dead) stays <= eps for more than 2^62 layers: the
    /// search stopped there and `depth` is a lower bound.
    pub saturated: bool,
}

/// Largest depth with P(born dead) <= eps at uniform width `width`.
/// P(born dead) is non-decreasing in depth (zero is absorbing), so binary
/// lifting over powers T^(2^j) of the transition matrix finds the boundary
/// in O(N^3 log D) even when D is astronomically large; when D is small
/// enough the boundary is confirmed with exact rationals.
pub fn max_depth_born_dead(
    width: usize,
    bias: BiasMode,
    q1: &BigRational,
    eps: &BigRational,
) -> Result<DepthAnswer> {
    if width == 0 {
        return Err(Error::input("width must be at least 1"));
    }
    if !(eps >= &BigRational::zero() && eps < &BigRational::one()) {
        return Err(Error::input("eps must be in [0, 1)"));
    }
    if width > 2048 {
        return Err(Error::TooCostly(format!(
            "width {width}: the depth search multiplies (N+1)x(N+1) matrices; use a width <= 2048"
        )));
    }
    let eps_f = crate::rational::to_f64(eps);
    let n = width;
    let spec1 = ChainSpec::new(vec![n], bias, q1.clone())?;
    let v0: Vec<f64> = float_chain::law(&spec1, None)[0]
        .probs
        .iter()
        .map(|x| x.to_f64())
        .collect();
    let t = transition_matrix(n, bias.beta());
    const MAX_LOG: usize = 62;
    let v0 = RowDVector::from_vec(v0);
    let (depth, bd, bd_next) = if v0[0] > eps_f {
        (0u64, 0.0, v0[0])
    } else {
        let mut powers = vec![t.clone()];
        for j in 1..=MAX_LOG {
            let p = &powers[j - 1] * &powers[j - 1];
            powers.push(p);
        }
        let mut depth: u64 = 1;
        let mut cur = v0.clone();
        for j in (0..=MAX_LOG).rev() {
            let cand = &cur * &powers[j];
            if cand[0] <= eps_f {
                cur = cand;
                depth += 1u64 << j;
            }
        }
        let next = &cur * &t;
        (depth, cur[0], next[0])
    };
    let saturated = depth >= (1u64 << (MAX_LOG + 1));
    let rel = gamma((depth + 2).saturating_mul(6 * n as u64 + 10));
    // confirm exactly when affordable
    let mut exact = None;
    if depth < 4096 {
        let spec = ChainSpec::new(vec![n; depth as usize + 1], bias, q1.clone())?;
        if cost::check_exact(&spec).is_ok() {
            let by_depth = dyadic_chain::born_dead_by_depth(&spec);
            let d_exact = by_depth.iter().take_while(|p| *p <= eps).count();
            if d_exact as u64 == depth {
                let prev = if depth == 0 {
                    BigRational::zero()
                } else {
                    by_depth[depth as usize - 1].clone()
                };
                exact = Some((prev, by_depth[depth as usize].clone()));
            } else {
                return Err(Error::Numerical(format!(
                    "f64 depth search gave {depth} but the exact engine gives {d_exact}; eps lies within rounding of P(born dead)"
                )));
            }
        }
    }
    Ok(DepthAnswer {
        depth,
        born_dead: bd,
        born_dead_next: bd_next,
        rel_error_bound: if exact.is_some() { 0.0 } else { rel },
        exact,
        saturated,
    })
}

/// Row-stochastic transition matrix of the chain at uniform width n
/// (row p: the law of K_l given K_{l-1} = p).
fn transition_matrix(n: usize, beta: usize) -> DMatrix<f64> {
    let mut t = DMatrix::zeros(n + 1, n + 1);
    t[(0, 0)] = 1.0;
    for p in 1..=n {
        let dead = BigRational::new(1.into(), num_bigint::BigInt::one() << (p + beta));
        let spec = ChainSpec::new(vec![n], BiasMode::Zero, dead).expect("valid");
        let d = float_chain::law(&spec, None).pop().expect("one layer");
        for (k, x) in d.probs.iter().enumerate() {
            t[(p, k)] = x.to_f64();
        }
    }
    t
}
