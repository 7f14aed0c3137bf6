//! Power and sample size of `check --kind active` (spec ALG-POWER): the
//! one-sided dominance test is exact, so its power is computed exactly from
//! binomial tails and a dynamic program over the sampled histogram, with no
//! approximation.

use super::laws::{check_marginals, marginals};
use super::power::{search_sample_size, PowerRow};
use super::support::marginal_support;
use crate::error::{Error, Result};
use crate::exact::ChainSpec;
use crate::stats::binomial::binomial_upper_tail;
use crate::stats::dominance::{bonferroni_count, tested_thresholds};

/// Largest sum over layers of N_l * n^2 for which the exact per-layer
/// program runs; beyond it the per-threshold lower bound is used.
pub const MAX_DP_WORK: f64 = 2e8;

/// One layer's one-sided test: the alternative law and, per tested
/// threshold t (the check's own list, `stats::dominance::tested_thresholds`
/// on the renormalized law), (t, s0_t = P_h0(K >= t), s1_t = P_alt(K >= t));
/// every threshold is tested at level alpha / factor, factor = L * m_l with
/// the check's Bonferroni count m_l.
struct LayerTest {
    p1: Vec<f64>,
    thresholds: Vec<(usize, f64, f64)>,
    factor: f64,
}

fn layer_tests(h0: &ChainSpec, alt: &ChainSpec) -> Result<Vec<LayerTest>> {
    if alt.depth() != h0.depth() || alt.widths.iter().zip(&h0.widths).any(|(a, b)| a > b) {
        return Err(Error::input(format!(
            "power: alternative widths {:?} must have the depth of {:?} and no wider layer",
            alt.widths, h0.widths
        )));
    }
    let (m0, m1) = (check_marginals(h0)?, marginals(alt)?);
    let depth = h0.depth() as f64;
    let mut out = Vec::new();
    for (l, (p0, p1)) in m0.iter().zip(&m1).enumerate() {
        // the check's own law and thresholds (exact support)
        let tested = tested_thresholds(p0, &marginal_support(h0, l));
        let mut p1 = p1.clone();
        p1.resize(p0.len(), 0.0);
        // tested thresholds are consecutive from the top: one more cell each
        let mut s1 = 0.0f64;
        let thresholds = tested
            .iter()
            .map(|th| {
                s1 += p1[th.t];
                (th.t, th.tail, s1.min(1.0))
            })
            .collect();
        out.push(LayerTest {
            p1,
            thresholds,
            factor: depth * bonferroni_count(&tested) as f64,
        });
    }
    Ok(out)
}

/// c* = the smallest count c with factor * P(Bin(n, s0) >= c) < alpha
/// (n + 1 when none): the threshold rejects iff #{K >= t} >= c*.
fn critical_count(s0: f64, factor: f64, n: u64, alpha: f64) -> Result<u64> {
    if s0 == 0.0 {
        return Ok(1);
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
    Ok(hi)
}

/// Exact probability that a layer's test rejects: n i.i.d. counts from
/// `p1`; C_t = #{K >= t} is built from the top value down (given C_{t+1},
/// the number of the n - C_{t+1} remaining counts equal to t is binomial
/// with p1[t] / P1(K <= t)), keeping only paths with C_t < c*_t at every
/// tested t; the power is 1 minus the surviving mass.
fn layer_power_exact(lt: &LayerTest, n: u64, alpha: f64) -> Result<f64> {
    let top = lt.p1.len() - 1;
    let mut crit = vec![u64::MAX; top + 1];
    for &(t, s0, _) in &lt.thresholds {
        crit[t] = critical_count(s0, lt.factor, n, alpha)?;
    }
    let n_us = n as usize;
    let mut lf = vec![0.0f64; n_us + 1];
    for i in 1..=n_us {
        lf[i] = lf[i - 1] + (i as f64).ln();
    }
    let mut below: Vec<f64> = Vec::with_capacity(top + 1); // P1(K <= k)
    let mut acc = 0.0;
    for &p in &lt.p1 {
        acc += p;
        below.push(acc);
    }
    let mut f = vec![0.0f64; n_us + 1];
    f[0] = 1.0;
    for k in (1..=top).rev() {
        let q = if below[k] > 0.0 {
            (lt.p1[k] / below[k]).min(1.0)
        } else {
            0.0
        };
        let cap = crit[k].min(n + 1) as usize; // C_k must stay < cap
        let mut g = vec![0.0f64; n_us + 1];
        for (c, &mass) in f.iter().enumerate() {
            if mass == 0.0 || c >= cap {
                continue;
            }
            let r = n_us - c;
            let jmax = r.min(cap - 1 - c);
            if q == 0.0 {
                g[c] += mass;
            } else if q == 1.0 {
                if r <= jmax {
                    g[c + r] += mass;
                }
            } else {
                let (lq, l1q) = (q.ln(), (-q).ln_1p());
                for j in 0..=jmax {
                    let lp = lf[r] - lf[j] - lf[r - j] + j as f64 * lq + (r - j) as f64 * l1q;
                    g[c + j] += mass * lp.exp();
                }
            }
        }
        f = g;
    }
    let survive: f64 = f.iter().sum();
    Ok((1.0 - survive).clamp(0.0, 1.0))
}

/// Largest single-threshold power of a layer (each P(Bin(n, s1_t) >= c*_t)).
fn layer_power_bound(lt: &LayerTest, n: u64, alpha: f64) -> Result<f64> {
    let mut best = 0.0f64;
    for &(_, s0, s1) in &lt.thresholds {
        let c = critical_count(s0, lt.factor, n, alpha)?;
        let p = if s0 == 0.0 {
            1.0 - (1.0 - s1).powf(n as f64)
        } else {
            binomial_upper_tail(c, n, s1)?
        };
        best = best.max(p);
    }
    Ok(best)
}

/// Power of `check --kind active` at level `alpha` with `n` samples whose
/// active counts follow the non-PD law of `alt` (an implementation with no
/// TD neurons; TD neurons lower the counts and the power): the largest over
/// layers of the exact probability that the layer's test rejects (exact
/// program when sum_l N_l n^2 <= [`MAX_DP_WORK`], else the largest
/// single-threshold power). A lower bound on the whole check's power
/// (layers reject together more often than any one).
pub fn active_power(h0: &ChainSpec, alt: &ChainSpec, n: u64, alpha: f64) -> Result<f64> {
    if !(alpha > 0.0 && alpha < 1.0) || n == 0 {
        return Err(Error::input(format!(
            "power needs alpha in (0, 1) and n >= 1 (got {alpha}, {n})"
        )));
    }
    let tests = layer_tests(h0, alt)?;
    let work: f64 = h0
        .widths
        .iter()
        .map(|&w| w as f64 * (n as f64).powi(2))
        .sum();
    let mut best = 0.0f64;
    for lt in &tests {
        let p = if work <= MAX_DP_WORK {
            layer_power_exact(lt, n, alpha)?
        } else {
            layer_power_bound(lt, n, alpha)?
        };
        best = best.max(p);
    }
    Ok(best)
}

/// The largest single-threshold power (the simpler, looser lower bound).
pub fn active_power_threshold_bound(
    h0: &ChainSpec,
    alt: &ChainSpec,
    n: u64,
    alpha: f64,
) -> Result<f64> {
    let mut best = 0.0f64;
    for lt in &layer_tests(h0, alt)? {
        best = best.max(layer_power_bound(lt, n, alpha)?);
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
    super::power::check_target(target)?;
    let tests = layer_tests(h0, alt)?;
    if tests
        .iter()
        .all(|lt| lt.thresholds.iter().all(|&(_, s0, s1)| s1 <= s0 + 1e-12))
    {
        return Ok(None);
    }
    search_sample_size(|n| active_power(h0, alt, n, alpha), target)
}

/// Sample sizes of the active check for the standard deviations of `h0`.
pub fn active_power_rows(h0: &ChainSpec, alpha: f64) -> Result<Vec<PowerRow>> {
    super::power::rows_with(h0, alpha, active_sample_size)
}
