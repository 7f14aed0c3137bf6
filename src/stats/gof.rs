//! Pearson chi-square goodness of fit against a fully specified discrete law
//! (spec ALG-GOF), with pooling of adjacent low-expectation cells.

use super::check_law;
use super::exact_pearson::{tail_log10, Group};
use super::pvalue::chi2_sf_log10;
use crate::error::{Error, Result};
use statrs::distribution::{ChiSquared, ContinuousCDF};
use std::ops::Range;

/// Cells are pooled until each pooled cell has expected count >= this.
pub const MIN_EXPECTED: f64 = 5.0;

/// Outcome of [`chi_square_gof`].
#[derive(Clone, Debug, PartialEq)]
pub struct GofResult {
    /// Pearson statistic sum (O - E)^2 / E over the pooled cells
    /// (+infinity when an observation falls in a cell of probability 0).
    pub statistic: f64,
    /// Degrees of freedom: pooled cells - 1 (the law has no fitted parameter).
    pub dof: usize,
    /// Upper tail P(chi2_dof >= statistic); 0 for an impossible observation;
    /// with dof 0 it is 1 (all observations where the law allows them).
    pub p_value: f64,
    /// log10 of the p-value, computed in log space when the tail is below
    /// the f64 range (`-inf` only for an impossible observation).
    pub p_value_log10: f64,
    /// Number of cells after pooling (the cells the statistic sums over).
    pub pooled_cells: usize,
    /// The p-value is exact (an upper bound of the exact tail of the
    /// statistic under the law, ALG-GOF-EXACT; also for an impossible
    /// observation and for dof 0), not the chi-square approximation.
    pub exact: bool,
}

/// The partition used by [`chi_square_gof`] for `n` observations of `law`:
/// consecutive index ranges, scanned left to right, each closed as soon as
/// its expected count n * P(range) reaches [`MIN_EXPECTED`]; a final
/// remainder below it joins the last closed range. Depends on the law and
/// n only (never on the data), so the chi-square asymptotics apply.
pub fn pooled_partition(law: &[f64], n: u64) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut acc = 0.0;
    for (i, p) in law.iter().enumerate() {
        acc += n as f64 * p;
        if acc >= MIN_EXPECTED {
            out.push(start..i + 1);
            start = i + 1;
            acc = 0.0;
        }
    }
    if start < law.len() {
        match out.last_mut() {
            Some(last) => last.end = law.len(),
            None => out.push(0..law.len()),
        }
    }
    out
}

/// Pearson chi-square test of H0 "the observed cell counts are a multinomial
/// sample of `law`" (`observed[i]` = number of observations equal to i,
/// `law[i]` = its probability). Pools adjacent cells with expected count
/// below 5 ([`pooled_partition`]); an observation in a cell of probability
/// 0 gives p = 0; a law that pools to one cell (e.g. a point mass) has dof 0
/// and p = 1. Errors on length mismatch, no observations, or a `law` that
/// is not a probability vector (NaN, negative, sum off 1 by > 1e-9).
pub fn chi_square_gof(observed: &[u64], law: &[f64]) -> Result<GofResult> {
    let possible: Vec<bool> = law.iter().map(|&p| p > 0.0).collect();
    chi_square_gof_masked(observed, law, &possible)
}

/// [`chi_square_gof`] where the caller decides which cells are possible
/// (`possible[i]` = "P(cell i) > 0" decided exactly, e.g. by the support of
/// THM-CHAIN): only an observation in an impossible cell gives p = 0; a
/// possible cell whose f64 probability underflowed to 0 is pooled like any
/// other low-expectation cell.
pub fn chi_square_gof_masked(
    observed: &[u64],
    law: &[f64],
    possible: &[bool],
) -> Result<GofResult> {
    if observed.len() != law.len() || possible.len() != law.len() {
        return Err(Error::input(format!(
            "goodness of fit: {} observed cells but the law has {} cells",
            observed.len(),
            law.len()
        )));
    }
    check_law(law, "goodness of fit law")?;
    let n: u64 = observed.iter().sum();
    if n == 0 {
        return Err(Error::input("goodness of fit: no observations"));
    }
    let parts = pooled_partition(law, n);
    let dof = parts.len() - 1;
    if observed.iter().zip(possible).any(|(&o, &ok)| o > 0 && !ok) {
        return Ok(GofResult {
            statistic: f64::INFINITY,
            dof,
            p_value: 0.0,
            p_value_log10: f64::NEG_INFINITY,
            pooled_cells: parts.len(),
            exact: true,
        });
    }
    let statistic: f64 = parts
        .iter()
        .map(|r| {
            let e: f64 = n as f64 * law[r.clone()].iter().sum::<f64>();
            let o: u64 = observed[r.clone()].iter().sum();
            let d = o as f64 - e;
            d * d / e
        })
        .sum();
    let (p_value, p_value_log10) = if dof == 0 {
        (1.0, 0.0)
    } else {
        let c = ChiSquared::new(dof as f64).map_err(|e| Error::Numerical(e.to_string()))?;
        (
            c.sf(statistic).clamp(0.0, 1.0),
            chi2_sf_log10(dof, statistic),
        )
    };
    Ok(GofResult {
        statistic,
        dof,
        p_value,
        p_value_log10,
        pooled_cells: parts.len(),
        exact: dof == 0,
    })
}

/// The pooled cells of [`chi_square_gof`] as one group of the exact test:
/// the pooled probabilities and observed counts.
pub fn pooled_group(observed: &[u64], law: &[f64]) -> Group {
    let n: u64 = observed.iter().sum();
    let parts = pooled_partition(law, n);
    Group {
        probs: parts.iter().map(|r| law[r.clone()].iter().sum()).collect(),
        observed: parts
            .iter()
            .map(|r| observed[r.clone()].iter().sum())
            .collect(),
    }
}

/// How p-values of the Pearson tests are computed (spec ALG-GOF-EXACT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum PValues {
    /// Exact tails (valid at every sample size) while the enumeration fits
    /// the budget; the chi-square approximation, marked as such, beyond.
    Auto,
    /// Always the chi-square approximation (as scipy.stats.chisquare).
    Asymptotic,
}

/// [`chi_square_gof_masked`] whose p-value is the exact tail when `mode`
/// is `Auto` and the enumeration fits in `budget` nodes (subtracted from
/// it); otherwise the chi-square approximation with `exact` false.
pub fn pearson_test(
    observed: &[u64],
    law: &[f64],
    possible: &[bool],
    mode: PValues,
    budget: &mut u64,
) -> Result<GofResult> {
    let mut g = chi_square_gof_masked(observed, law, possible)?;
    if g.exact || mode == PValues::Asymptotic {
        return Ok(g);
    }
    if let Some(log10) = tail_log10(&[pooled_group(observed, law)], budget) {
        g.p_value_log10 = log10;
        g.p_value = 10f64.powf(log10);
        g.exact = true;
    }
    Ok(g)
}
