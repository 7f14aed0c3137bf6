//! Exact (Clopper-Pearson) confidence intervals for a binomial proportion.

use crate::error::{Error, Result};
use statrs::distribution::{Beta, ContinuousCDF};

/// Two-sided Clopper-Pearson interval at level `confidence` (e.g. 0.95) for
/// the success probability after `successes` in `trials`: the lower end is
/// the alpha/2 quantile of Beta(x, n - x + 1) (0 when x = 0), the upper end
/// the 1 - alpha/2 quantile of Beta(x + 1, n - x) (1 when x = n). With no
/// trials the interval is [0, 1].
///
/// Panics on arguments that are programming errors (successes > trials,
/// confidence outside (0, 1)); use [`checked_clopper_pearson`] for user data.
pub fn clopper_pearson(successes: u64, trials: u64, confidence: f64) -> (f64, f64) {
    checked_clopper_pearson(successes, trials, confidence)
        .expect("clopper_pearson: invalid arguments")
}

/// [`clopper_pearson`] with validation instead of a panic.
pub fn checked_clopper_pearson(successes: u64, trials: u64, confidence: f64) -> Result<(f64, f64)> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::input(format!(
            "confidence {confidence} is not in (0, 1)"
        )));
    }
    if successes > trials {
        return Err(Error::input(format!(
            "{successes} successes in only {trials} trials"
        )));
    }
    if trials == 0 {
        return Ok((0.0, 1.0));
    }
    let a = (1.0 - confidence) / 2.0;
    let (x, n) = (successes as f64, trials as f64);
    let lo = if successes == 0 {
        0.0
    } else {
        Beta::new(x, n - x + 1.0)
            .map_err(|e| Error::Numerical(e.to_string()))?
            .inverse_cdf(a)
    };
    let hi = if successes == trials {
        1.0
    } else {
        Beta::new(x + 1.0, n - x)
            .map_err(|e| Error::Numerical(e.to_string()))?
            .inverse_cdf(1.0 - a)
    };
    Ok((lo, hi))
}
