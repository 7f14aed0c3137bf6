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
    let tested = tested_thresholds(law, possible);
    let m = bonferroni_count(&tested) as f64;
    let mut thresholds = Vec::new();
    let mut logs = Vec::new();
    let mut c: u64 = 0; // observations >= t (tested t are consecutive from the top)
    let s_max_log10 = (law.len() as f64).log10() - 1073.0 * std::f64::consts::LOG10_2;
    for th in &tested {
        c += observed[th.t];
        let s_t = th.tail;
        let (p, lp) = if c == 0 {
            (1.0, 0.0)
        } else if !th.possible {
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
        thresholds.push((th.t, c, s_t, p));
        logs.push(lp);
    }
    thresholds.reverse();
    logs.reverse();
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

/// One threshold of the one-sided test: t, the tail s_t = P_law(X >= t) as
/// the test sums it, and whether some k >= t is possible.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold {
    /// The threshold t >= 1.
    pub t: usize,
    /// s_t = min(1, law[len-1] + ... + law[t]), summed from the top in f64.
    pub tail: f64,
    /// Some k >= t has positive probability (exactly, from `possible`).
    pub possible: bool,
}

/// The thresholds the test uses (spec ALG-DOMINANCE), from the top down:
/// every t >= 1 with s_t < 1 (a tail of 1 cannot be exceeded), i.e.
/// t = len - 1, len - 2, ... consecutively (s_t only grows as t falls). The power
/// of the test (`oracle::power_active`) is computed on the same list.
pub fn tested_thresholds(law: &[f64], possible: &[bool]) -> Vec<Threshold> {
    let mut out = Vec::new();
    let (mut s, mut any) = (0.0f64, false);
    for t in (1..law.len()).rev() {
        s += law[t];
        any |= possible[t];
        let tail = s.min(1.0);
        if tail >= 1.0 {
            break;
        }
        out.push(Threshold {
            t,
            tail,
            possible: any,
        });
    }
    out
}

/// The Bonferroni factor m: tested thresholds with a possible tail (at
/// least 1). One with an impossible tail cannot reject under H0 (a count
/// there has probability 0); one whose possible tail underflowed to 0.0 in
/// f64 still counts.
pub fn bonferroni_count(tested: &[Threshold]) -> usize {
    tested.iter().filter(|th| th.possible).count().max(1)
}
