//! Checking non-PD counts when q1 is known only as a Monte Carlo interval
//! [lo, hi] at confidence 1 - delta (spec ALG-CHECK-Q1-INTERVAL): the
//! composite null "THM-CHAIN with some q1 in [lo, hi]" is tested by the
//! layer-1 total against both ends (a sufficient statistic for q1, exact
//! binomial tails) and by the conditional transition tests of layers l >= 2,
//! which do not depend on q1. False-alarm probability <= alpha + delta.

use super::check::{exact_node_budget, false_alarm, method_name, ComponentTest};
use super::laws::{renormalize, transition_pmf};
use crate::error::{Error, Result};
use crate::exact::BiasMode;
use crate::stats::exact_pearson::tail_log10;
use crate::stats::gof::{chi_square_gof_masked, pooled_group, PValues};
use crate::stats::intervals::{ln_lower_tail, ln_upper_tail};
use crate::stats::pvalue::{bonferroni_log10, chi2_sf_log10, printed_forms};
use serde::Serialize;

/// Result of [`check_interval`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IntervalReport {
    /// Number of sampled networks.
    pub samples: usize,
    /// Level of the test given q1 in the interval.
    pub alpha: f64,
    /// 1 - confidence of the q1 interval.
    pub delta: f64,
    /// The q1 interval.
    pub q1_lo: f64,
    /// The q1 interval.
    pub q1_hi: f64,
    /// "layer-1 total" and "conditional transition" tests.
    pub tests: Vec<ComponentTest>,
    /// min(1, m min p) (null below the f64 range).
    pub overall_p_value: Option<f64>,
    /// log10 of the overall p-value (null when exactly 0).
    pub overall_p_value_log10: Option<f64>,
    /// overall p-value < alpha.
    pub reject: bool,
    /// alpha + delta when every p-value is exact (ALG-GOF-EXACT); null when
    /// a conditional transition test used the chi-square approximation.
    pub false_alarm_bound: Option<f64>,
    /// What the false-alarm rate is, in words.
    pub false_alarm: String,
}

fn next_up(x: f64) -> f64 {
    if x >= 1.0 {
        1.0
    } else if x <= 0.0 {
        f64::from_bits(1)
    } else {
        f64::from_bits(x.to_bits() + 1)
    }
}

fn next_down(x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

/// ln P(X >= s), X ~ Binomial(n, p), with the end cases exact (the tail
/// function itself is exact at p = 0 and p = 1).
fn ln_ge(s: u64, n: u64, p: f64) -> f64 {
    if s == 0 {
        0.0
    } else if s > n {
        f64::NEG_INFINITY
    } else {
        ln_upper_tail(s, n, p).min(0.0)
    }
}

/// ln P(X <= s), X ~ Binomial(n, p), with the end cases exact.
fn ln_le(s: u64, n: u64, p: f64) -> f64 {
    if s >= n {
        0.0
    } else {
        ln_lower_tail(s, n, p).min(0.0)
    }
}

fn component(
    test: &'static str,
    layer: usize,
    log10: f64,
    stat: Option<f64>,
    dof: Option<usize>,
    exact: bool,
) -> ComponentTest {
    let (p_value, p_value_log10) = printed_forms(log10);
    ComponentTest {
        test,
        layer,
        p_value,
        p_value_log10,
        statistic: stat,
        dof,
        p_value_method: method_name(exact),
    }
}

/// The composite test of ALG-CHECK-Q1-INTERVAL on non-PD counts (rows of
/// `samples`, validated by the caller against `widths`).
pub fn check_interval(
    widths: &[usize],
    bias: BiasMode,
    q1_lo: f64,
    q1_hi: f64,
    delta: f64,
    samples: &[Vec<usize>],
    alpha: f64,
    mode: PValues,
) -> Result<IntervalReport> {
    if !(0.0 <= q1_lo && q1_lo <= q1_hi && q1_hi <= 1.0) {
        return Err(Error::input(format!(
            "q1 interval [{q1_lo}, {q1_hi}] is not inside [0, 1]"
        )));
    }
    if samples.is_empty() {
        return Err(Error::input("no samples to check"));
    }
    let beta = match bias {
        BiasMode::Zero => 0,
        BiasMode::Symmetric => 1,
    };
    let n = samples.len() as u64;
    let trials = n * widths[0] as u64;
    let s: u64 = samples.iter().map(|r| r[0] as u64).sum();
    // alive probability 1 - q1: its largest value (rounded up) at q1 = lo,
    // its smallest (rounded down) at q1 = hi
    let ln_many = ln_ge(s, trials, next_up(1.0 - q1_lo));
    let ln_few = ln_le(s, trials, next_down(1.0 - q1_hi));
    let log10_total = (2f64.log10() + ln_many.min(ln_few) / std::f64::consts::LN_10).min(0.0);
    let mut tests = vec![component("layer-1 total", 1, log10_total, None, None, true)];
    let budget = exact_node_budget(widths.len().saturating_sub(1));
    for l in 1..widths.len() {
        let (np, nl) = (widths[l - 1], widths[l]);
        let mut rows = vec![vec![0u64; nl + 1]; np + 1];
        for r in samples {
            rows[r[l - 1]][r[l]] += 1;
        }
        let (mut stat, mut dof, mut impossible) = (0.0, 0usize, false);
        let mut groups = Vec::new();
        for (p, h) in rows.iter().enumerate() {
            if h.iter().all(|&c| c == 0) {
                continue;
            }
            let (mut law, mask): (Vec<f64>, Vec<bool>) = if p == 0 {
                // every neuron of layer l-1 PD: layer l is entirely PD
                (
                    (0..=nl).map(|k| if k == 0 { 1.0 } else { 0.0 }).collect(),
                    (0..=nl).map(|k| k == 0).collect(),
                )
            } else {
                (transition_pmf(nl, p + beta), vec![true; nl + 1])
            };
            renormalize(&mut law);
            let g = chi_square_gof_masked(h, &law, &mask)?;
            if g.p_value_log10 == f64::NEG_INFINITY {
                impossible = true;
            }
            stat += g.statistic;
            dof += g.dof;
            groups.push(pooled_group(h, &law));
        }
        // the rows are independent given layer l-1's counts: the exact
        // tail of the summed statistic is a product-multinomial one
        let exact = match mode {
            _ if impossible || dof == 0 => Some(if impossible { f64::NEG_INFINITY } else { 0.0 }),
            PValues::Auto => tail_log10(&groups, &mut budget.clone()),
            PValues::Asymptotic => None,
        };
        tests.push(component(
            "conditional transition",
            l + 1,
            exact.unwrap_or_else(|| chi2_sf_log10(dof, stat)),
            Some(stat),
            Some(dof),
            exact.is_some(),
        ));
    }
    let min_log = tests
        .iter()
        .map(|t| t.p_value_log10.unwrap_or(f64::NEG_INFINITY))
        .fold(0.0f64, f64::min);
    let overall = bonferroni_log10(tests.len(), min_log);
    let (overall_p_value, overall_p_value_log10) = printed_forms(overall);
    let reject = overall < alpha.log10();
    let (false_alarm_bound, false_alarm) = false_alarm(&tests, alpha, delta, mode);
    Ok(IntervalReport {
        samples: samples.len(),
        alpha,
        delta,
        q1_lo,
        q1_hi,
        tests,
        overall_p_value,
        overall_p_value_log10,
        reject,
        false_alarm_bound,
        false_alarm,
    })
}
