//! Testing sampled counts from another implementation against the exact law
//! (spec ALG-CHECK).

use super::laws::{check_pair_cost, marginals, pair_law, renormalize};
use crate::error::{Error, Result};
use crate::exact::ChainSpec;
use crate::stats::dominance::one_sided_dominance;
use crate::stats::gof::{chi_square_gof, GofResult};
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
    /// p-value of this component alone.
    pub p_value: f64,
    /// Pearson statistic (chi-square tests; +inf for an impossible outcome).
    pub statistic: Option<f64>,
    /// Degrees of freedom (chi-square tests).
    pub dof: Option<usize>,
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
    /// min(1, m * min p) over the m component tests (Bonferroni).
    pub overall_p_value: f64,
    /// overall_p_value < alpha.
    pub reject: bool,
    /// Components that cannot reject with these samples: a chi-square test
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
    ComponentTest {
        test,
        layer,
        p_value: g.p_value,
        statistic: Some(g.statistic),
        dof: Some(g.dof),
    }
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
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::input(format!("alpha = {alpha} is not in (0, 1)")));
    }
    if samples.is_empty() {
        return Err(Error::input("no samples to check"));
    }
    let depth = spec.depth();
    for (i, row) in samples.iter().enumerate() {
        if row.len() != depth {
            return Err(Error::input(format!(
                "sample {} has {} counts but the network has {depth} hidden layers",
                i + 1,
                row.len()
            )));
        }
        if let Some(l) = (0..depth).find(|&l| row[l] > spec.widths[l]) {
            return Err(Error::input(format!(
                "sample {}, layer {}: count {} exceeds the width {}",
                i + 1,
                l + 1,
                row[l],
                spec.widths[l]
            )));
        }
    }
    if kind == Kind::NonPd {
        check_pair_cost(&spec.widths)?;
    }
    let mut marg = marginals(spec)?;
    marg.iter_mut().for_each(|m| renormalize(m));
    let n = samples.len() as f64;
    let layers = (0..depth)
        .map(|l| LayerSummary {
            layer: l + 1,
            width: spec.widths[l],
            mean_observed: samples.iter().map(|r| r[l] as f64).sum::<f64>() / n,
            mean_expected: marg[l].iter().enumerate().map(|(k, p)| k as f64 * p).sum(),
        })
        .collect();
    let mut tests = Vec::new();
    for l in 0..depth {
        let h = histogram(samples.iter().map(|r| r[l]), spec.widths[l] + 1);
        match kind {
            Kind::NonPd => tests.push(component("marginal", l + 1, chi_square_gof(&h, &marg[l])?)),
            Kind::Active => tests.push(ComponentTest {
                test: "dominance",
                layer: l + 1,
                p_value: one_sided_dominance(&h, &marg[l])?,
                statistic: None,
                dof: None,
            }),
        }
    }
    if kind == Kind::NonPd {
        for l in 0..depth.saturating_sub(1) {
            let cols = spec.widths[l + 1] + 1;
            let h = histogram(
                samples.iter().map(|r| r[l] * cols + r[l + 1]),
                (spec.widths[l] + 1) * cols,
            );
            let mut law = pair_law(spec, &marg, l);
            renormalize(&mut law);
            tests.push(component("transition", l + 2, chi_square_gof(&h, &law)?));
        }
    }
    let hint = if spec.q1.is_zero() {
        " (the default --q1 0 means every first-layer neuron is non-PD, K_1 = N_1)"
    } else {
        ""
    };
    let mut warnings: Vec<String> = Vec::new();
    for t in &tests {
        if t.p_value == 0.0 {
            warnings.push(format!(
                "{} test of layer {}: some sampled count has probability 0 under the claimed law{hint}; \
                 check --q1, --bias and --widths",
                t.test, t.layer
            ));
        } else if t.dof == Some(0) {
            warnings.push(format!(
                "{} test of layer {}: every cell pooled into one ({} samples; a point-mass law or too few \
                 samples), so it only detects impossible counts",
                t.test,
                t.layer,
                samples.len()
            ));
        }
    }
    let m = tests.len() as f64;
    let min_p = tests.iter().map(|t| t.p_value).fold(1.0f64, f64::min);
    let overall_p_value = (m * min_p).min(1.0);
    Ok(CheckReport {
        kind,
        samples: samples.len(),
        alpha,
        layers,
        tests,
        overall_p_value,
        reject: overall_p_value < alpha,
        warnings,
    })
}
