//! One-sided test of stochastic dominance of observed counts by a law
//! (spec ALG-DOMINANCE), used for active counts (THM-ACTIVE-BOUND).

use super::binomial::binomial_upper_tail;
use super::check_law;
use super::pvalue::{binom_upper_log10, bonferroni_log10};
use crate::error::{Error, Result};
use statrs::function::gamma::ln_gamma;

/// Per-threshold detail of [`one_sided_dominance`].
#[derive(Clone, Debug, PartialEq)]
pub struct DominanceResult {
    /// Overall p-value: min(1, m * min_t p_t) (Bonferroni, see [`one_sided_dominance`]).
    pub p_value: f64,
    /// log10 of `p_value` computed in log space (`-inf` only when an
    /// observation is impossible); an upper bound when a possible tail
    /// underflowed f64 (see [`one_sided_dominance_masked`]).
    pub p_value_log10: f64,
    /// (t, #observations >= t, P_law(X >= t), p_t) for each tested threshold.
    pub thresholds: Vec<(usize, u64, f64, f64)>,
    /// log10 p_t for each threshold, in the order of `thresholds`.
    pub thresholds_log10: Vec<f64>,
}

/// p-value of H0 "the observations are stochastically <= the law", i.e. for
/// every threshold t, P_obs(X >= t) <= P_law(X >= t). `observed[k]` is the
/// number of observations equal to k, `law[k]` = P(X = k).
///
/// Exactly: for each t = 1..len-1 with s_t = P_law(X >= t) < 1, the number
/// c_t of observations >= t is Binomial(n, s'_t) with s'_t <= s_t under H0,
/// so p_t = P(Binomial(n, s_t) >= c_t) is a valid one-sided exact binomial
/// p-value (p_t = 0 when s_t = 0 and c_t > 0). The result is
/// min(1, m * min_t p_t) with m the number of thresholds with 0 < s_t < 1
/// (Bonferroni; valid whatever the dependence between thresholds; a
/// threshold with s_t = 0 cannot fire under H0 so it is not counted). With
/// no testable threshold (a point mass at 0 and no observation above) p = 1.
pub fn one_sided_dominance(observed: &[u64], law: &[f64]) -> Result<f64> {
    Ok(one_sided_dominance_detail(observed, law)?.p_value)
}

/// [`one_sided_dominance`] with the per-threshold p-values.
pub fn one_sided_dominance_detail(observed: &[u64], law: &[f64]) -> Result<DominanceResult> {
    let possible: Vec<bool> = law.iter().map(|&p| p > 0.0).collect();
    one_sided_dominance_masked(observed, law, &possible)
}

/// [`one_sided_dominance_detail`] where `possible[k]` says exactly whether
/// P(X = k) > 0 (the f64 `law` may have underflowed to 0 there). A tail
/// s_t that is 0.0 in f64 but possible is below `cells` * 2^-1073; then
/// p_t <= C(n, c) s^c <= (n s)^c / c! is used in its place, an upper bound
/// on the p-value (so a rejection stays valid, never a claim of p = 0).
pub fn one_sided_dominance_masked(
    observed: &[u64],
    law: &[f64],
    possible: &[bool],
) -> Result<DominanceResult> {
    if observed.len() != law.len() || possible.len() != law.len() {
        return Err(Error::input(format!(
            "dominance test: {} observed cells but the law has {} cells",
            observed.len(),
            law.len()
        )));
    }
    check_law(law, "dominance test law")?;
    let n: u64 = observed.iter().sum();
    if n == 0 {
        return Err(Error::input("dominance test: no observations"));
    }
    let mut thresholds = Vec::new();
    let mut logs = Vec::new();
    let mut poss = Vec::new();
    let mut c: u64 = 0;
    let mut s: f64 = 0.0;
    let mut any_possible = false;
    let s_max_log10 = (law.len() as f64).log10() - 1073.0 * std::f64::consts::LOG10_2;
    for t in (1..law.len()).rev() {
        c += observed[t];
        s += law[t];
        any_possible |= possible[t];
        let s_t = s.min(1.0);
        if s_t >= 1.0 {
            continue;
        }
        let (p, lp) = if c == 0 {
            (1.0, 0.0)
        } else if !any_possible {
            (0.0, f64::NEG_INFINITY)
        } else if s_t == 0.0 {
            // underflowed tail: (n s)^c / c! with s < cells * 2^-1073
            let lp = c as f64 * ((n as f64).log10() + s_max_log10)
                - ln_gamma(c as f64 + 1.0) / std::f64::consts::LN_10;
            (0.0, lp.min(0.0))
        } else {
            (
                binomial_upper_tail(c, n, s_t)?,
                binom_upper_log10(c, n, s_t),
            )
        };
        thresholds.push((t, c, s_t, p));
        logs.push(lp);
        poss.push(any_possible);
    }
    thresholds.reverse();
    logs.reverse();
    // thresholds with an impossible tail (s_t = 0 exactly) cannot reject under
    // H0 (c_t > 0 has probability 0), so they do not count in the Bonferroni factor
    let m = poss.iter().filter(|&&x| x).count().max(1) as f64;
    let min_p = thresholds.iter().map(|x| x.3).fold(1.0f64, f64::min);
    let p_value = (m * min_p).min(1.0);
    let min_log = logs.iter().copied().fold(0.0f64, f64::min);
    Ok(DominanceResult {
        p_value,
        p_value_log10: bonferroni_log10(m as usize, min_log),
        thresholds,
        thresholds_log10: logs,
    })
}
