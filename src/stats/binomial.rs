//! Exact binomial tail probabilities (spec ALG-BINOMIAL), the building
//! block of the one-sided tests: sums of the pmf on the side away from the
//! mean with Loader's saddle-point first term ([`super::intervals`]),
//! accurate for any n. (statrs' regularized incomplete beta, used before,
//! stops after 140 continued-fraction terms: at n = 1e9, p = 0.3 it gave
//! P(X >= np) = 1 instead of 0.50001.)

use super::intervals::{ln_lower_tail, ln_upper_tail};
use crate::error::{Error, Result};

fn check(n: u64, p: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::input(format!(
            "binomial({n}, {p}): the probability {p} is not in [0, 1]"
        )));
    }
    Ok(())
}

/// P(X >= k) for X ~ Binomial(n, p): the p-value of the one-sided exact test
/// of H0 "success probability <= p" after k successes in n trials.
pub fn binomial_upper_tail(k: u64, n: u64, p: f64) -> Result<f64> {
    check(n, p)?;
    Ok(if k == 0 {
        1.0
    } else if k > n {
        0.0
    } else {
        ln_upper_tail(k, n, p).exp().clamp(0.0, 1.0)
    })
}

/// P(X <= k) for X ~ Binomial(n, p): the p-value of the one-sided exact test
/// of H0 "success probability >= p" after k successes in n trials.
pub fn binomial_lower_tail(k: u64, n: u64, p: f64) -> Result<f64> {
    check(n, p)?;
    Ok(if k >= n {
        1.0
    } else {
        ln_lower_tail(k, n, p).exp().clamp(0.0, 1.0)
    })
}
