//! One-sided test of stochastic dominance of observed counts by a law
//! (spec ALG-DOMINANCE), used for active counts (THM-ACTIVE-BOUND).

use super::binomial::binomial_upper_tail;
use super::check_law;
use crate::error::{Error, Result};

/// Per-threshold detail of [`one_sided_dominance`].
#[derive(Clone, Debug, PartialEq)]
pub struct DominanceResult {
    /// Overall p-value: min(1, m * min_t p_t) (Bonferroni, see [`one_sided_dominance`]).
    pub p_value: f64,
    /// (t, #observations >= t, P_law(X >= t), p_t) for each tested threshold.
    pub thresholds: Vec<(usize, u64, f64, f64)>,
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
    if observed.len() != law.len() {
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
    let mut c: u64 = 0;
    let mut s: f64 = 0.0;
    for t in (1..law.len()).rev() {
        c += observed[t];
        s += law[t];
        let s_t = s.min(1.0);
        if s_t >= 1.0 {
            continue;
        }
        let p = if s_t == 0.0 {
            if c > 0 {
                0.0
            } else {
                1.0
            }
        } else {
            binomial_upper_tail(c, n, s_t)?
        };
        thresholds.push((t, c, s_t, p));
    }
    thresholds.reverse();
    // thresholds with s_t = 0 cannot reject under H0 (c_t > 0 has probability 0),
    // so they do not count in the Bonferroni factor
    let m = thresholds.iter().filter(|x| x.2 > 0.0).count().max(1) as f64;
    let min_p = thresholds.iter().map(|x| x.3).fold(1.0f64, f64::min);
    let p_value = (m * min_p).min(1.0);
    Ok(DominanceResult {
        p_value,
        thresholds,
    })
}
