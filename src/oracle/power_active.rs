//! Power and sample size of `check --kind active` (spec ALG-POWER): the
//! one-sided dominance test is exact, so its power is computed exactly from
//! binomial tails, no approximation.

use super::laws::marginals;
use super::power::{search_sample_size, standard_deviations, PowerRow};
use crate::error::{Error, Result};
use crate::exact::ChainSpec;
use crate::rational::to_pq;
use crate::stats::binomial::binomial_upper_tail;

/// Per threshold of every layer: (s0_t, s1_t, Bonferroni factor L * m_l).
fn thresholds(h0: &ChainSpec, alt: &ChainSpec) -> Result<Vec<(f64, f64, f64)>> {
    if alt.depth() != h0.depth() || alt.widths.iter().zip(&h0.widths).any(|(a, b)| a > b) {
        return Err(Error::input(format!(
            "power: alternative widths {:?} must have the depth of {:?} and no wider layer",
            alt.widths, h0.widths
        )));
    }
    let (m0, m1) = (marginals(h0)?, marginals(alt)?);
    let depth = h0.depth() as f64;
    let mut out = Vec::new();
    for (p0, p1) in m0.iter().zip(&m1) {
        let mut layer = Vec::new();
        let (mut s0, mut s1) = (0.0f64, 0.0f64);
        for t in (1..p0.len()).rev() {
            s0 += p0[t];
            s1 += p1.get(t).copied().unwrap_or(0.0);
            if s0 < 1.0 {
                layer.push((s0, s1.min(1.0)));
            }
        }
        let m = layer.iter().filter(|x| x.0 > 0.0).count().max(1) as f64;
        out.extend(layer.into_iter().map(|(a, b)| (a, b, depth * m)));
    }
    Ok(out)
}

/// Power of one threshold: the test rejects when factor * P(Bin(n, s0) >=
/// c) < alpha, i.e. when c >= c*, so the power is P(Bin(n, s1) >= c*).
fn threshold_power(s0: f64, s1: f64, factor: f64, n: u64, alpha: f64) -> Result<f64> {
    if s0 == 0.0 {
        return Ok(1.0 - (1.0 - s1).powf(n as f64));
    }
    let level = alpha / factor;
    let (mut lo, mut hi) = (0u64, n + 1); // tail(lo) >= level > tail(hi) = 0
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if binomial_upper_tail(mid, n, s0)? < level {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    binomial_upper_tail(hi, n, s1)
}

/// Lower bound on the power of `check --kind active` at level `alpha` with
/// `n` samples whose active counts follow the non-PD law of `alt` (an
/// implementation with no TD neurons; TD neurons lower the counts and the
/// power): the largest exact power over all (layer, threshold) components.
pub fn active_power(h0: &ChainSpec, alt: &ChainSpec, n: u64, alpha: f64) -> Result<f64> {
    if !(alpha > 0.0 && alpha < 1.0) || n == 0 {
        return Err(Error::input(format!(
            "power needs alpha in (0, 1) and n >= 1 (got {alpha}, {n})"
        )));
    }
    let mut best = 0.0f64;
    for (s0, s1, f) in thresholds(h0, alt)? {
        best = best.max(threshold_power(s0, s1, f, n, alpha)?);
    }
    Ok(best)
}

/// First n with [`active_power`] >= `target`; `None` when no threshold has
/// more mass under `alt` than under `h0` (counts that are only smaller, e.g.
/// a narrower layer: the one-sided test cannot see them) or beyond 1e9.
pub fn active_sample_size(
    h0: &ChainSpec,
    alt: &ChainSpec,
    alpha: f64,
    target: f64,
) -> Result<Option<u64>> {
    if !(target > 0.0 && target < 1.0) {
        return Err(Error::input(format!(
            "target power {target} is not in (0, 1)"
        )));
    }
    if thresholds(h0, alt)?
        .iter()
        .all(|&(s0, s1, _)| s1 <= s0 + 1e-12)
    {
        return Ok(None);
    }
    search_sample_size(|n| active_power(h0, alt, n, alpha), target)
}

/// Sample sizes of the active check for the standard deviations of `h0`.
pub fn active_power_rows(h0: &ChainSpec, alpha: f64) -> Result<Vec<PowerRow>> {
    standard_deviations(h0)
        .iter()
        .map(|dev| {
            let alt = dev.apply(h0)?;
            Ok(PowerRow {
                widths: h0.widths.clone(),
                bias: h0.bias,
                q1: to_pq(&h0.q1),
                deviation: dev.label(),
                n_power_90: active_sample_size(h0, &alt, alpha, 0.9)?,
                n_power_99: active_sample_size(h0, &alt, alpha, 0.99)?,
            })
        })
        .collect()
}
