//! The exact engine: the law of the numbers of non-permanently-dead neurons
//! per hidden layer (spec THM-CHAIN), born-dead probability (DEF-BORN-DEAD)
//! and trainability (DEF-TRAINABILITY), as exact rationals.
//!
//! Three independent implementations of the same Markov chain:
//! - [`rational_chain`]: the reference, plain `BigRational` arithmetic;
//! - [`dyadic_chain`]: the fast path (ALG-DYADIC), integer numerators over one
//!   common denominator, no gcd until the end, bit-identical to the reference;
//! - [`float_chain`]: scaled f64 with a rigorous relative error bound
//!   (BOUND-F64), for widths and depths in the thousands.

pub mod cost;
pub mod dyadic_chain;
pub mod float_chain;
pub mod q1;
pub mod rational_chain;
pub mod report;
pub mod search;
mod spec_types;
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

/// Exact trainability T(n*) = P(K_l >= n*_l for every l) (DEF-TRAINABILITY).
pub fn trainability(spec: &ChainSpec, min_widths: &[usize]) -> Result<BigRational> {
    spec.check_min_widths(min_widths)?;
    cost::check_exact(spec)?;
    Ok(dyadic_chain::law(spec, Some(min_widths)).total_mass_last())
}
