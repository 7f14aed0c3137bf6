//! The exact engine: the law of the numbers of non-permanently-dead neurons
//! per hidden layer (spec THM-CHAIN), born-dead probability (DEF-BORN-DEAD)
//! and trainability (DEF-TRAINABILITY), as exact rationals.
//!
//! Three independent implementations of the same Markov chain:
//! - [`rational_chain`]: the reference, plain `BigRational` arithmetic;
//! - [`dyadic_chain`]: the fast path (ALG-DYADIC), integer numerators over one
//!   common denominator, no gcd until the end, bit-identical to the reference;
//! - [`float_chain`]: scaled f64 with a rigorous relative error bound
//!   (BOUND-F64), for widths and depths in the thousands;
//! - [`truncated_chain`]: the f64 path on the support where the mass lies,
//!   with a bound on the dropped rest (BOUND-F64-TRUNC), for any size.

pub mod cost;
pub mod depth_search;
pub mod dyadic_chain;
pub mod float_chain;
pub mod general;
pub mod general_float;
pub mod general_search;
pub mod q1;
pub mod rational_chain;
pub mod report;
pub mod search;
mod spec_types;
pub mod trunc_report;
pub mod truncated_chain;
pub mod xf128;
mod xf64;

pub use spec_types::{BiasMode, ChainSpec, ExactLaw};

use crate::error::Result;
use num_rational::BigRational;

/// Exact law of (K_1, ..., K_{L-1}) marginals via the fast path, after the
/// cost check (refuses with advice when the exact numbers would be too big).
pub fn exact_law(spec: &ChainSpec) -> Result<ExactLaw> {
    cost::check_exact(spec)?;
    Ok(dyadic_chain::law(spec, None))
}

/// Above this estimated time (ALG-COST) [`marginals_f64`] uses the f64 path
/// instead of rounding the exact law: its relative error (BOUND-F64) is far
/// below what any sample size can resolve.
pub const MARGINALS_EXACT_SECONDS: f64 = 0.2;

/// The marginal laws of K_1..K_{L-1} as f64, for statistical tests: exact
/// rationals rounded once when that is cheap (ALG-COST), otherwise the
/// scaled f64 path with its proven relative error bound (BOUND-F64).
pub fn marginals_f64(spec: &ChainSpec) -> Result<Vec<Vec<f64>>> {
    Ok(marginals_f64_and_born_dead_log10(spec)?.0)
}

/// [`marginals_f64`] and log10 P(born dead) from the same computation
/// (None when P(born dead) = 0): the log10 comes from the exact rational or
/// from the scaled f64 path, whose exponent does not underflow, so it holds
/// where the f64 marginals have underflowed to 0.
pub fn marginals_f64_and_born_dead_log10(spec: &ChainSpec) -> Result<(Vec<Vec<f64>>, Option<f64>)> {
    let finite = |l: f64| l.is_finite().then_some(l);
    if cost::estimate(spec).seconds <= MARGINALS_EXACT_SECONDS && cost::check_exact(spec).is_ok() {
        let law = exact_law(spec)?;
        let born = xf128::Xf128::from_rational(&law.born_dead(), xf128::Dir::Down).log10();
        let marginals = law
            .layers
            .iter()
            .map(|d| d.iter().map(crate::rational::to_f64).collect())
            .collect();
        return Ok((marginals, finite(born)));
    }
    cost::check_f64(spec)?;
    let law = float_chain::law(spec, None);
    let born = law.last().map_or(f64::NEG_INFINITY, |d| d.probs[0].log10());
    let marginals = law
        .iter()
        .map(|d| d.probs.iter().map(|x| x.to_f64()).collect())
        .collect();
    Ok((marginals, finite(born)))
}

/// Exact trainability T(n*) = P(K_l >= n*_l for every l) (DEF-TRAINABILITY).
pub fn trainability(spec: &ChainSpec, min_widths: &[usize]) -> Result<BigRational> {
    spec.check_min_widths(min_widths)?;
    cost::check_exact_streaming(spec)?;
    Ok(dyadic_chain::trainability(spec, min_widths))
}
