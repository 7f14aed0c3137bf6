//! Testing sampled counts from another implementation against the exact law
//! (spec ALG-CHECK).

use super::check_law::CheckLaw;
use super::explain::{
    direction, histogram_cells, marginal_label, pair_label, sentence, top_contributions,
    CellContribution, Deviation, HistCell,
};
use super::laws::{check_samples_cost, renormalize};
use crate::error::{Error, Result};
use crate::exact::ChainSpec;
use crate::stats::dominance::one_sided_dominance_masked;
use crate::stats::gof::{pearson_test, GofResult, PValues};
use crate::stats::pvalue::{bonferroni_log10, printed_forms};
use num_traits::Zero;
use serde::Serialize;

/// What the sampled counts are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Numbers of non-PD neurons: their law is exactly THM-CHAIN.
    #[value(name = "nonpd")]
    #[serde(rename = "nonpd")]
    NonPd,
    /// Numbers of active neurons: only bounded above by the non-PD law
    /// (THM-ACTIVE-BOUND), so the test is one-sided.
    Active,
}

/// One component test of a check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentTest {
    /// "marginal", "transition" (joint law of layers l-1 and l) or "dominance".
    pub test: &'static str,
    /// Hidden layer (1-based); for a transition, the later layer.
    pub layer: usize,
    /// p-value of this component alone; null when it is positive but below
    /// the normal f64 range (read `p_value_log10`); exactly 0 only for a
    /// count that is impossible under the law (decided exactly).
    pub p_value: Option<f64>,
    /// log10 of the p-value (null when the p-value is exactly 0).
    pub p_value_log10: Option<f64>,
    /// Pearson statistic (chi-square tests; +inf for an impossible outcome).
    pub statistic: Option<f64>,
    /// Degrees of freedom (chi-square tests).
    pub dof: Option<usize>,
    /// "exact" (an upper bound of the exact tail: valid at every sample
    /// size, ALG-GOF-EXACT; the dominance test's binomial tails are exact
    /// too) or "asymptotic" (the chi-square approximation: the enumeration
    /// did not fit the budget, or `--p-values asymptotic`).
    pub p_value_method: &'static str,
}

/// Per-layer summary of the data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerSummary {
    /// Hidden layer (1-based).
    pub layer: usize,
    /// Width N_l.
    pub width: usize,
    /// Mean sampled count.
    pub mean_observed: f64,
    /// Mean under the exact law.
    pub mean_expected: f64,
    /// Expected (n * P(K_l = k)) and observed counts of every k, with the
    /// pooling of the marginal chi-square test (spec ALG-CHECK-EXPLAIN).
    pub histogram: Vec<HistCell>,
}

/// Result of [`check_samples`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckReport {
    /// Kind of counts tested.
    pub kind: Kind,
    /// Number of sampled networks.
    pub samples: usize,
    /// Level of the overall test.
    pub alpha: f64,
    /// Per-layer means.
    pub layers: Vec<LayerSummary>,
    /// Every component test.
    pub tests: Vec<ComponentTest>,
    /// min(1, m * min p) over the m component tests (Bonferroni); null when
    /// below the normal f64 range.
    pub overall_p_value: Option<f64>,
    /// log10 of `overall_p_value` (null when it is exactly 0).
    pub overall_p_value_log10: Option<f64>,
    /// overall p-value < alpha.
    pub reject: bool,
    /// alpha when every component's p-value is exact: then the probability
    /// of a false alarm is at most alpha at every sample size (Bonferroni
    /// over valid p-values); null when some component is asymptotic.
    pub false_alarm_bound: Option<f64>,
    /// What the false-alarm rate is, in words.
    pub false_alarm: String,
    /// The components that reject on their own (m * p < alpha), with the
    /// direction and the cells that contribute most (ALG-CHECK-EXPLAIN);
    /// empty when the check accepts.
    pub deviations: Vec<Deviation>,
    /// Sampled counts that are impossible under the claimed law (decided
    /// exactly, with the argument that is inconsistent with them), and
    /// components that cannot reject with these samples: a chi-square test
    /// whose law pooled into one cell (dof 0; too few samples or a point
    /// mass), so only an impossible count could reject it.
    pub warnings: Vec<String>,
}

fn histogram(values: impl Iterator<Item = usize>, cells: usize) -> Vec<u64> {
    let mut h = vec![0u64; cells];
    for v in values {
        h[v] += 1;
    }
    h
}

fn component(test: &'static str, layer: usize, g: GofResult) -> ComponentTest {
    let (p_value, p_value_log10) = printed_forms(g.p_value_log10);
    ComponentTest {
        test,
        layer,
        p_value,
        p_value_log10,
        statistic: Some(g.statistic),
        dof: Some(g.dof),
        p_value_method: method_name(g.exact),
    }
}

/// The `p_value_method` label.
pub fn method_name(exact: bool) -> &'static str {
    if exact {
        "exact"
    } else {
        "asymptotic"
    }
}

/// Nodes of the exact enumeration (ALG-GOF-EXACT) one check may visit in
/// all: 5e5 per core-second of the CPU budget, 3e7 with the default budget
/// (measured: 3e7 to 6e7 nodes per second, so at most about a second),
/// shared equally by the `components` chi-square tests so that one large
/// component cannot starve the others.
pub fn exact_node_budget(components: usize) -> u64 {
    let total = (crate::limits::current().max_seconds * 5e5).clamp(0.0, 1e15) as u64;
    total / components.max(1) as u64
}

/// The false-alarm guarantee of tests combined by Bonferroni: (bound, words).
pub fn false_alarm(
    tests: &[ComponentTest],
    alpha: f64,
    extra: f64,
    mode: PValues,
) -> (Option<f64>, String) {
    let asymptotic: Vec<String> = tests
        .iter()
        .filter(|t| t.p_value_method != "exact")
        .map(|t| format!("{} {}", t.test, t.layer))
        .collect();
    let (bound, what) = if extra > 0.0 {
        // the f64 sum rounded up, so that the printed bound is never below
        // the real alpha + delta; the words show 6 significant digits
        let sum = alpha + extra;
        let six: f64 = format!("{sum:.5e}").parse().unwrap_or(sum);
        (sum.next_up(), format!("alpha + delta = {six}"))
    } else {
        (alpha, format!("alpha = {alpha}"))
    };
    if asymptotic.is_empty() {
        (
            Some(bound),
            format!("at most {what} at this sample size (every p-value exact; spec ALG-GOF-EXACT)"),
        )
    } else {
        (
            None,
            format!(
                "about {what}, not proven: the p-values of {} use the chi-square approximation \
                 ({}); spec ALG-GOF-EXACT",
                asymptotic.join(", "),
                match mode {
                    PValues::Asymptotic => "--p-values asymptotic",
                    PValues::Auto =>
                        "the exact enumeration exceeded its budget; raise --max-seconds for exact p-values",
                }
            ),
        )
    }
}

impl ComponentTest {
    /// log10 of the p-value (`-inf` when it is exactly 0).
    pub fn log10_p(&self) -> f64 {
        self.p_value_log10.unwrap_or(f64::NEG_INFINITY)
    }
}

impl CheckReport {
    /// log10 of the overall p-value (`-inf` when it is exactly 0).
    pub fn overall_log10_p(&self) -> f64 {
        self.overall_p_value_log10.unwrap_or(f64::NEG_INFINITY)
    }
}

/// Why a count of layer `layer` (1-based) is impossible under `spec`.
fn impossible_marginal(law: &CheckLaw, layer: usize, k: usize) -> String {
    let spec = match law {
        CheckLaw::Chain(s) => *s,
        CheckLaw::General(_) => {
            return format!(
                "layer {layer} count {k} is impossible: it has probability 0 under this law \
                 (THM-CHAIN-GENERAL: q1, or a step with s(p) = 0 or 1); check --q1, --law and --bias"
            )
        }
    };
    if layer == 1 && spec.q1.is_zero() {
        format!(
            "layer 1 count {k} is impossible: with q1 = 0 (the default of --q1) every first-layer \
             neuron is non-PD, K_1 = N_1 = {}; check --q1",
            spec.widths[0]
        )
    } else {
        format!(
            "layer {layer} count {k} is impossible: with q1 = 1 every first-layer neuron is PD, so \
             every later layer is PD too (K_l = 0); check --q1"
        )
    }
}

/// First observed impossible cell of a marginal histogram, explained.
fn marginal_note(law: &CheckLaw, layer: usize, h: &[u64], mask: &[bool]) -> Option<String> {
    let k = (0..h.len()).find(|&k| h[k] > 0 && !mask[k])?;
    Some(impossible_marginal(law, layer, k))
}

/// First observed impossible pair (p, k) of layers `layer - 1`, `layer`.
fn pair_note(
    law: &CheckLaw,
    layer: usize,
    h: &[u64],
    mask: &[bool],
    prev_mask: &[bool],
) -> Option<String> {
    let cols = law.widths()[layer - 1] + 1;
    let i = (0..h.len()).find(|&i| h[i] > 0 && !mask[i])?;
    let (p, k) = (i / cols, i % cols);
    Some(if !prev_mask[p] {
        impossible_marginal(law, layer - 1, p)
    } else if p >= 1 {
        format!(
            "layers {} and {layer}: counts ({p}, {k}) are impossible under this law (from {p} \
             non-PD neurons the step's PD probability s({p}) is 0 or 1, THM-CHAIN-GENERAL); \
             check --law and --bias",
            layer - 1
        )
    } else {
        format!(
            "layers {} and {layer}: counts ({p}, {k}) are impossible under every law of THM-CHAIN \
             (when no neuron of layer {} is non-PD, every neuron of layer {layer} is PD); \
             check how the implementation counts PD neurons",
            layer - 1,
            layer - 1
        )
    })
}

/// Tests `samples` (one row per sampled network, one count per hidden
/// layer) against the law of `spec` at level `alpha`.
///
/// - `NonPd`: Pearson goodness of fit (ALG-GOF) of every layer's marginal,
///   and of the joint law of every pair of consecutive layers (which tests
///   the transitions of THM-CHAIN, not only their result).
/// - `Active`: the one-sided dominance test (ALG-DOMINANCE) of every layer.
///
/// The overall p-value is the Bonferroni combination min(1, m * min p) of
/// the m component tests (valid although the components are dependent);
/// `reject` is `overall_p_value < alpha`.
pub fn check_samples(
    spec: &ChainSpec,
    samples: &[Vec<usize>],
    kind: Kind,
    alpha: f64,
) -> Result<CheckReport> {
    check_samples_with(spec, samples, kind, alpha, PValues::Auto)
}

/// [`check_samples`] with the p-value method of the chi-square components.
pub fn check_samples_with(
    spec: &ChainSpec,
    samples: &[Vec<usize>],
    kind: Kind,
    alpha: f64,
    mode: PValues,
) -> Result<CheckReport> {
    check_law_with(&CheckLaw::Chain(spec), samples, kind, alpha, mode)
}

/// [`check_samples_with`] against any law: THM-CHAIN's or a general sign
/// law (THM-CHAIN-GENERAL).
pub fn check_law_with(
    law: &CheckLaw,
    samples: &[Vec<usize>],
    kind: Kind,
    alpha: f64,
    mode: PValues,
) -> Result<CheckReport> {
    let widths = law.widths().to_vec();
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::input(format!("alpha = {alpha} is not in (0, 1)")));
    }
    if samples.is_empty() {
        return Err(Error::input("no samples to check"));
    }
    let depth = widths.len();
    for (i, row) in samples.iter().enumerate() {
        if row.len() != depth {
            return Err(Error::input(format!(
                "sample {} has {} counts but the network has {depth} hidden layers",
                i + 1,
                row.len()
            )));
        }
        if let Some(l) = (0..depth).find(|&l| row[l] > widths[l]) {
            return Err(Error::input(format!(
                "sample {}, layer {}: count {} exceeds the width {}",
                i + 1,
                l + 1,
                row[l],
                widths[l]
            )));
        }
    }
    check_samples_cost(&widths, kind == Kind::NonPd)?;
    let marg = law.marginals()?;
    let n = samples.len() as f64;
    let hists: Vec<Vec<u64>> = (0..depth)
        .map(|l| histogram(samples.iter().map(|r| r[l]), widths[l] + 1))
        .collect();
    let layers: Vec<LayerSummary> = (0..depth)
        .map(|l| LayerSummary {
            layer: l + 1,
            width: widths[l],
            mean_observed: samples.iter().map(|r| r[l] as f64).sum::<f64>() / n,
            mean_expected: marg[l].iter().enumerate().map(|(k, p)| k as f64 * p).sum(),
            histogram: histogram_cells(
                &hists[l],
                &marg[l],
                samples.len() as u64,
                kind == Kind::NonPd,
            ),
        })
        .collect();
    let mut tests = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let masks: Vec<Vec<bool>> = (0..depth).map(|l| law.marginal_support(l)).collect();
    let mut dominance_top: Vec<Option<CellContribution>> = vec![None; depth];
    let mut pair_hists: Vec<(Vec<u64>, Vec<f64>, Vec<bool>)> = Vec::new();
    let components = match kind {
        Kind::NonPd => 2 * depth - 1,
        Kind::Active => 1,
    };
    for l in 0..depth {
        let h = &hists[l];
        if let Some(note) = marginal_note(law, l + 1, h, &masks[l]) {
            warnings.push(note);
        }
        match kind {
            Kind::NonPd => tests.push(component(
                "marginal",
                l + 1,
                pearson_test(
                    h,
                    &marg[l],
                    &masks[l],
                    mode,
                    &mut exact_node_budget(components),
                )?,
            )),
            Kind::Active => {
                let d = one_sided_dominance_masked(h, &marg[l], &masks[l])?;
                dominance_top[l] = worst_threshold(&d, l + 1, samples.len() as u64);
                let (p_value, p_value_log10) = printed_forms(d.p_value_log10);
                tests.push(ComponentTest {
                    test: "dominance",
                    layer: l + 1,
                    p_value,
                    p_value_log10,
                    statistic: None,
                    dof: None,
                    p_value_method: "exact",
                })
            }
        }
    }
    if kind == Kind::NonPd {
        for l in 0..depth.saturating_sub(1) {
            let cols = widths[l + 1] + 1;
            let h = histogram(
                samples.iter().map(|r| r[l] * cols + r[l + 1]),
                (widths[l] + 1) * cols,
            );
            let mut pl = law.pair_law(&marg, l);
            renormalize(&mut pl);
            let mask = law.pair_support(l);
            if let Some(note) = pair_note(law, l + 2, &h, &mask, &masks[l]) {
                if !warnings.contains(&note) {
                    warnings.push(note);
                }
            }
            tests.push(component(
                "transition",
                l + 2,
                pearson_test(&h, &pl, &mask, mode, &mut exact_node_budget(components))?,
            ));
            pair_hists.push((h, pl, mask));
        }
    }
    for t in &tests {
        if t.p_value_log10.is_some() && t.dof == Some(0) {
            warnings.push(format!(
                "{} test of layer {}: every cell pooled into one ({} samples; a point-mass law or too few \
                 samples), so it only detects impossible counts",
                t.test,
                t.layer,
                samples.len()
            ));
        }
    }
    let min_log = tests.iter().map(|t| t.log10_p()).fold(0.0f64, f64::min);
    let overall = bonferroni_log10(tests.len(), min_log);
    let (overall_p_value, overall_p_value_log10) = printed_forms(overall);
    let reject = match overall_p_value {
        Some(p) if p > 0.0 => p < alpha,
        _ => overall < alpha.log10(),
    };
    let deviating = |t: &ComponentTest| t.log10_p() + (tests.len() as f64).log10() < alpha.log10();
    let mut deviations = Vec::new();
    for t in tests.iter().filter(|t| reject && deviating(t)) {
        let l = t.layer - 1;
        let mut d = match t.test {
            "transition" => {
                let (h, pl, mask) = &pair_hists[l - 1];
                let cols = widths[l] + 1;
                let (mean, var) = conditional_moments(law, samples, l);
                let top = top_contributions(h, pl, mask, 3, |a, b| pair_label(t.layer, cols, a, b));
                deviation(t.test, t.layer, layers[l].mean_observed, mean, var / n, top)
            }
            _ => {
                let m = layers[l].mean_expected;
                let var: f64 = marg[l]
                    .iter()
                    .enumerate()
                    .map(|(k, p)| (k as f64 - m).powi(2) * p)
                    .sum();
                let top = match t.test {
                    "marginal" => top_contributions(&hists[l], &marg[l], &masks[l], 3, |a, b| {
                        marginal_label(t.layer, a, b)
                    }),
                    _ => dominance_top[l].iter().cloned().collect(),
                };
                deviation(t.test, t.layer, layers[l].mean_observed, m, var / n, top)
            }
        };
        let what = match kind {
            Kind::NonPd => "non-PD",
            Kind::Active => "active",
        };
        d.explanation = sentence(&d, what);
        deviations.push(d);
    }
    let (false_alarm_bound, false_alarm) = false_alarm(&tests, alpha, 0.0, mode);
    Ok(CheckReport {
        kind,
        samples: samples.len(),
        alpha,
        layers,
        tests,
        overall_p_value,
        overall_p_value_log10,
        reject,
        false_alarm_bound,
        false_alarm,
        deviations,
        warnings,
    })
}

/// A deviation with its direction from the standard error sqrt(`var_mean`).
fn deviation(
    test: &'static str,
    layer: usize,
    mean_observed: f64,
    mean_expected: f64,
    var_mean: f64,
    top_cells: Vec<CellContribution>,
) -> Deviation {
    let diff = mean_observed - mean_expected;
    let z = if var_mean > 0.0 {
        diff / var_mean.sqrt()
    } else if diff == 0.0 {
        0.0
    } else {
        diff.signum() * f64::INFINITY
    };
    Deviation {
        test,
        layer,
        direction: direction(z),
        mean_observed,
        mean_expected,
        z,
        top_cells,
        explanation: String::new(),
    }
}

/// Mean over the samples of E[K_{l+1} | K_l] and the sum of the
/// conditional variances over n^2 (0-based `l` is the later layer here:
/// K_l given K_{l-1}); by THM-CHAIN, K_l | K_{l-1} = p is 0 for p = 0, else
/// Binomial(N_l, 1 - 2^-(p + beta)).
fn conditional_moments(law: &CheckLaw, samples: &[Vec<usize>], l: usize) -> (f64, f64) {
    let w = law.widths()[l] as f64;
    let (mut mean, mut var) = (0.0, 0.0);
    for r in samples {
        let p = r[l - 1];
        if p > 0 {
            let dead = law.dead(l, p);
            mean += w * (1.0 - dead);
            var += w * (1.0 - dead) * dead;
        }
    }
    let n = samples.len() as f64;
    (mean / n, var / n)
}

/// The threshold t of the dominance test with the smallest p-value, as
/// "K_l >= t" with its observed and expected counts.
fn worst_threshold(
    d: &crate::stats::dominance::DominanceResult,
    layer: usize,
    n: u64,
) -> Option<CellContribution> {
    let i = (0..d.thresholds.len()).min_by(|&a, &b| {
        d.thresholds_log10[a]
            .partial_cmp(&d.thresholds_log10[b])
            .unwrap_or(std::cmp::Ordering::Equal)
    })?;
    let (t, c, s, _) = d.thresholds[i];
    Some(CellContribution {
        cells: format!("K_{layer} >= {t}"),
        observed: c,
        expected: n as f64 * s,
        contribution: None,
    })
}
