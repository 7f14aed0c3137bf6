//! Exact binomial tail probabilities (regularized incomplete beta function
//! from statrs), the building block of the one-sided tests.

use crate::error::{Error, Result};
use statrs::distribution::{Binomial, DiscreteCDF};

fn check(n: u64, p: f64) -> Result<Binomial> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::input(format!(
            "binomial probability {p} is not in [0, 1]"
        )));
    }
    Binomial::new(p, n).map_err(|e| Error::input(format!("binomial({n}, {p}): {e}")))
}

/// P(X >= k) for X ~ Binomial(n, p): the p-value of the one-sided exact test
/// of H0 "success probability <= p" after k successes in n trials.
pub fn binomial_upper_tail(k: u64, n: u64, p: f64) -> Result<f64> {
    let b = check(n, p)?;
    Ok(if k == 0 {
        1.0
    } else if k > n {
        0.0
    } else {
        b.sf(k - 1).clamp(0.0, 1.0)
    })
}

/// P(X <= k) for X ~ Binomial(n, p): the p-value of the one-sided exact test
/// of H0 "success probability >= p" after k successes in n trials.
pub fn binomial_lower_tail(k: u64, n: u64, p: f64) -> Result<f64> {
    let b = check(n, p)?;
    Ok(if k >= n {
        1.0
    } else {
        b.cdf(k).clamp(0.0, 1.0)
    })
}
