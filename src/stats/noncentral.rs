//! Noncentral chi-square upper tail as a Poisson mixture of central
//! chi-square tails (statrs), for power computations (spec ALG-POWER).

use crate::error::{Error, Result};
use statrs::distribution::{ChiSquared, ContinuousCDF, Discrete, DiscreteCDF, Poisson};

/// P(chi2'_{dof}(lambda) > x) = sum_j Pois(lambda/2)(j) P(chi2_{dof+2j} > x).
/// The sum runs over j within mean +- 12 sd + 40 of the Poisson weights
/// (neglected mass < 1e-30), stopping early once the central tail is within
/// 1e-16 of 1 (the rest is the Poisson tail mass); with lambda = 0 it is the
/// central tail.
pub fn noncentral_chi2_sf(dof: usize, lambda: f64, x: f64) -> Result<f64> {
    if dof == 0 || !lambda.is_finite() || lambda < 0.0 || x.is_nan() {
        return Err(Error::input(format!(
            "noncentral chi-square needs dof >= 1, finite lambda >= 0 and x not NaN (got {dof}, {lambda}, {x})"
        )));
    }
    let central = |k: f64| -> Result<f64> {
        Ok(ChiSquared::new(k)
            .map_err(|e| Error::Numerical(e.to_string()))?
            .sf(x))
    };
    if lambda == 0.0 {
        return central(dof as f64);
    }
    let mu = lambda / 2.0;
    let pois = Poisson::new(mu).map_err(|e| Error::Numerical(e.to_string()))?;
    let sd = mu.sqrt();
    let lo = (mu - 12.0 * sd - 40.0).max(0.0) as u64;
    let hi = (mu + 12.0 * sd + 40.0).ceil() as u64;
    let mut s = 0.0;
    for j in lo..=hi {
        let c = central(dof as f64 + 2.0 * j as f64)?;
        if c >= 1.0 - 1e-16 {
            // the central tail is non-decreasing in the dof: every later
            // term is w_j * (1 - O(1e-16)), so the rest is the Poisson
            // mass P(J >= j) (error < 1e-16; keeps large lambda cheap)
            s += if j == 0 { 1.0 } else { pois.sf(j - 1) };
            break;
        }
        s += pois.pmf(j) * c;
    }
    Ok(s.clamp(0.0, 1.0))
}

/// The critical value: the smallest f64 c with P(chi2_dof > c) <= alpha as
/// statrs computes the tail (bisection down to adjacent f64s, so the f64
/// just below c has a tail above alpha).
pub fn chi2_critical(dof: usize, alpha: f64) -> Result<f64> {
    if dof == 0 || !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::input(format!(
            "chi-square critical value needs dof >= 1 and alpha in (0, 1) (got {dof}, {alpha})"
        )));
    }
    let c = ChiSquared::new(dof as f64).map_err(|e| Error::Numerical(e.to_string()))?;
    // inverse_cdf(1 - alpha) loses accuracy for tiny alpha; bisect on sf
    // instead, keeping sf(lo) > alpha >= sf(hi) (sf(0) = 1 > alpha)
    let (mut lo, mut hi) = (0.0f64, dof as f64 + 10.0);
    while c.sf(hi) > alpha {
        lo = hi;
        hi *= 2.0;
    }
    loop {
        let mid = lo + (hi - lo) / 2.0;
        if mid <= lo || mid >= hi {
            return Ok(hi); // lo and hi are adjacent f64s
        }
        if c.sf(mid) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
}
