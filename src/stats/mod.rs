//! Statistics used by the oracle, the simulator and the experiments: Pearson
//! goodness of fit against a fully specified law (spec ALG-GOF), exact
//! binomial tails and Clopper-Pearson intervals, a one-sided stochastic
//! dominance test (ALG-DOMINANCE), a two-sample test of success rates
//! (ALG-TWO-SAMPLE), the noncentral chi-square law for power (ALG-POWER) and
//! a Kolmogorov-Smirnov check of uniformity with the DKW bound.
//!
//! All p-values are returned in [0, 1]; every entry point validates its
//! input and returns [`crate::error::Error::Input`] instead of a NaN.

pub mod binomial;
pub mod dominance;
pub mod exact_pearson;
pub mod gof;
pub mod intervals;
pub mod ks;
pub mod noncentral;
pub mod pvalue;
pub mod two_sample;

use crate::error::{Error, Result};

/// Checks that `law` is a probability vector: finite, non-negative entries
/// summing to 1 within 1e-9.
pub fn check_law(law: &[f64], what: &str) -> Result<()> {
    if law.is_empty() {
        return Err(Error::input(format!("{what}: empty probability vector")));
    }
    if let Some(i) = law.iter().position(|p| !p.is_finite() || *p < 0.0) {
        return Err(Error::input(format!(
            "{what}: entry {i} is {} (probabilities must be finite and >= 0)",
            law[i]
        )));
    }
    let s: f64 = law.iter().sum();
    if (s - 1.0).abs() > 1e-9 {
        return Err(Error::input(format!(
            "{what}: probabilities sum to {s}, not 1 (tolerance 1e-9)"
        )));
    }
    Ok(())
}
