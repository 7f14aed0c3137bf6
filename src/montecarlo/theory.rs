//! Agreement of a Monte Carlo run with the exact law (spec ALG-GOF-MC).
//!
//! The chain law THM-CHAIN applies when weights are symmetric without atom
//! (every [`WeightInit`]) and biases are zero (beta = 0) or symmetric without
//! atom (beta = 1); it does not apply to RAI (asymmetric). The data enter
//! only through q1, known in closed form in the cases of [`closed_form_q1`];
//! otherwise q1 is estimated from the run (layer-1 PD neurons are i.i.d.
//! Bernoulli(q1) trials) with a Clopper-Pearson interval, and no p-value is
//! given (the law would not be fully specified).

use super::McResult;
use crate::error::{Error, Result};
use crate::exact::general::StepLaw;
use crate::exact::{marginals_f64_and_born_dead_log10, q1, BiasMode, ChainSpec};
use crate::init::{BiasInit, InitScheme};
use crate::oracle::laws::transition_pmf;
use crate::oracle::support::marginal_support;
use crate::rational::{from_f64_exact, to_f64};
use crate::sim::Dataset;
use crate::stats::{
    dominance::one_sided_dominance_masked, gof::chi_square_gof_masked, intervals::clopper_pearson,
    pvalue::chi2_sf_log10,
};
use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use statrs::function::factorial::ln_binomial;

/// Confidence of the reported Clopper-Pearson intervals.
pub const CONFIDENCE: f64 = 0.95;

/// q1 and where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Q1Info {
    /// The value used (closed form) or the point estimate (Monte Carlo).
    pub value: f64,
    /// Spec ID of the closed form, or "monte-carlo".
    pub source: String,
    /// Clopper-Pearson interval of the layer-1 PD rate from this run.
    pub interval: (f64, f64),
    /// Confidence of `interval`.
    pub confidence: f64,
}

/// Per-layer comparison with the law.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerTheory {
    /// P(K_l = k) (f64), when the law applies with a known q1.
    pub law: Option<Vec<f64>>,
    /// Pearson chi-square p-value of the non-PD histogram against `law`.
    pub gof_p_value: Option<f64>,
    /// log10 of `gof_p_value`, computed in log space (below the f64 range too).
    pub gof_p_value_log10: Option<f64>,
    /// Chi-square statistic and degrees of freedom (after pooling).
    pub gof_statistic: Option<f64>,
    /// Degrees of freedom of the chi-square test.
    pub gof_dof: Option<usize>,
    /// One-sided p-value of "active counts are stochastically <= the law"
    /// (THM-ACTIVE-BOUND).
    pub active_dominance_p_value: Option<f64>,
    /// log10 of `active_dominance_p_value`, computed in log space.
    pub active_dominance_p_value_log10: Option<f64>,
    /// Conditional test of the chain's transition into this layer (layers
    /// >= 2, any q1): see [`transition_gof`].
    pub transition: Option<TransitionGof>,
}

/// Goodness of fit of K_l given K_{l-1} (ALG-GOF-MC): for each p >= 1 the
/// samples with K_{l-1} = p must follow Binomial(N_l, 1 - 2^-(p + beta));
/// with p = 0, K_l must be 0. Conditionally on the K_{l-1} values the
/// groups are independent, so the per-group Pearson statistics (pooled as
/// in `stats::gof`) add up to a chi-square with the summed degrees of
/// freedom. A count impossible under the law gives p = 0.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TransitionGof {
    /// Summed Pearson statistic.
    pub statistic: f64,
    /// Summed degrees of freedom.
    pub dof: usize,
    /// Upper tail of chi-square(dof) at `statistic` (1 when dof = 0 and
    /// every count is possible; 0 for an impossible count).
    pub p_value: f64,
    /// log10 of `p_value`, computed in log space (`-inf` for an impossible count).
    pub p_value_log10: f64,
}

/// [`TransitionGof`] of 0-based layer `l >= 1` of a run, for bias mode `beta`.
pub fn transition_gof(res: &McResult, l: usize, beta: usize) -> Result<TransitionGof> {
    transition_gof_law(res, l, &Step::Beta(beta))
}

/// [`TransitionGof`] of 0-based layer `l >= 1` against a general step law
/// (THM-CHAIN-GENERAL): given K_{l-1} = p >= 1, K_l ~ Binomial(N_l, 1 - s(p)).
pub fn transition_gof_step(res: &McResult, l: usize, step: &StepLaw) -> Result<TransitionGof> {
    transition_gof_law(res, l, &Step::General(step))
}

enum Step<'a> {
    Beta(usize),
    General(&'a StepLaw),
}

impl Step<'_> {
    /// The transition pmf from p >= 1 and which counts are possible.
    fn pmf(&self, n: usize, p: usize, n_prev: usize) -> (Vec<f64>, Vec<bool>) {
        match self {
            // every k in 0..=n is possible from p >= 1 (0 < 2^-(p+beta) < 1),
            // even where the f64 pmf underflows
            Step::Beta(beta) => (transition_pmf(n, p + beta), vec![true; n + 1]),
            Step::General(step) => {
                let s = step.pd_probability(p, n_prev);
                let (zero, one) = (s.is_zero(), s.is_one());
                let possible = (0..=n)
                    .map(|k| (!one || k == 0) && (!zero || k == n))
                    .collect();
                let ln_s = step.ln_pd_probability(p, n_prev);
                let ln_alive = (-ln_s.exp()).ln_1p();
                let pmf = (0..=n)
                    .map(|k| {
                        let (a, d) = (k as f64, (n - k) as f64);
                        let t = |c: f64, ln: f64| if c == 0.0 { 0.0 } else { c * ln };
                        (ln_binomial(n as u64, k as u64) + t(a, ln_alive) + t(d, ln_s)).exp()
                    })
                    .collect();
                (pmf, possible)
            }
        }
    }
}

fn transition_gof_law(res: &McResult, l: usize, step: &Step) -> Result<TransitionGof> {
    let n = res.widths[l];
    let (mut statistic, mut dof) = (0.0, 0usize);
    for p in 0..=res.widths[l - 1] {
        let h = res.transitions(l, p);
        if h.iter().sum::<u64>() == 0 {
            continue;
        }
        if p == 0 {
            if h[1..].iter().any(|&c| c > 0) {
                return Ok(TransitionGof {
                    statistic: f64::INFINITY,
                    dof,
                    p_value: 0.0,
                    p_value_log10: f64::NEG_INFINITY,
                });
            }
            continue;
        }
        let (pmf, possible) = step.pmf(n, p, res.widths[l - 1]);
        let g = chi_square_gof_masked(h, &pmf, &possible)?;
        if g.p_value == 0.0 && g.statistic.is_infinite() {
            return Ok(TransitionGof {
                statistic: f64::INFINITY,
                dof,
                p_value: 0.0,
                p_value_log10: f64::NEG_INFINITY,
            });
        }
        statistic += g.statistic;
        dof += g.dof;
    }
    let (p_value, p_value_log10) = if dof == 0 {
        (1.0, 0.0)
    } else {
        let sf = ChiSquared::new(dof as f64)
            .map_err(|e| Error::Numerical(format!("chi-square({dof}): {e}")))?
            .sf(statistic);
        (sf, chi2_sf_log10(dof, statistic))
    };
    Ok(TransitionGof {
        statistic,
        dof,
        p_value,
        p_value_log10,
    })
}

/// Everything the run says about the theory.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// Bias mode of the chain (None for RAI).
    pub bias_mode: Option<BiasMode>,
    /// Why the law is or is not compared.
    pub law_status: String,
    /// q1 (None for RAI).
    pub q1: Option<Q1Info>,
    /// One entry per hidden layer.
    pub layers: Vec<LayerTheory>,
    /// P(born dead) under the law, when it applies with a known q1 (f64; 0
    /// or subnormal when the truth is below the f64 range: see the log10).
    pub born_dead_probability: Option<f64>,
    /// log10 P(born dead) under the law (exact rational or BOUND-F64 path,
    /// no underflow); None when P(born dead) = 0 or the law does not apply.
    pub born_dead_probability_log10: Option<f64>,
    /// Clopper-Pearson interval of the born-dead rate.
    pub born_dead_interval: (f64, f64),
}

/// The chain's bias mode for a scheme (None: the chain does not apply).
pub fn bias_mode(scheme: &InitScheme) -> Option<BiasMode> {
    match scheme {
        InitScheme::Random {
            bias: BiasInit::Zero,
            ..
        } => Some(BiasMode::Zero),
        InitScheme::Random { .. } => Some(BiasMode::Symmetric),
        _ => None,
    }
}

/// q1 in closed form when one applies, with the spec ID used:
/// - zero bias, d = 1: THM-Q1-ZERO-1D (exact rational);
/// - zero bias, X containing x and -x for some x != 0: q1 = 0
///   (PROP-Q1-ANTIPODAL); X = {0}: q1 = 1;
/// - zero bias, d = 2, Gaussian weights: q1 = max(0, G - pi) / (2 pi), G the
///   largest angular gap between the nonzero points (PROP-Q1-GAP-2D);
/// - Gaussian weights and Gaussian bias, d = 1: THM-Q1-ATAN with the actual
///   first-layer standard deviations.
pub fn closed_form_q1(
    scheme: &InitScheme,
    n1: usize,
    data: &Dataset,
) -> Result<Option<(BigRational, &'static str)>> {
    let InitScheme::Random { weights, bias } = scheme else {
        return Ok(None);
    };
    let d = data.dim();
    let xs: Vec<f64> = data.points().iter().copied().collect();
    match bias {
        BiasInit::Zero => {
            if d == 1 {
                return Ok(Some((q1::zero_bias_1d(&xs)?, "THM-Q1-ZERO-1D")));
            }
            if xs.iter().all(|&v| v == 0.0) {
                return Ok(Some((BigRational::one(), "PROP-Q1-ANTIPODAL")));
            }
            if has_antipodal_pair(data) {
                return Ok(Some((BigRational::zero(), "PROP-Q1-ANTIPODAL")));
            }
            if d == 2 && weights.is_gaussian() {
                return Ok(Some((from_f64_exact(gap_q1_2d(data))?, "PROP-Q1-GAP-2D")));
            }
            q1_module_form(scheme, n1, data)
        }
        BiasInit::Normal(s_b) if d == 1 && weights.is_gaussian() => {
            let s_w = weights.std(1, n1);
            Ok(Some((
                from_f64_exact(q1::gaussian_bias_1d(&xs, s_w, *s_b)?)?,
                "THM-Q1-ATAN",
            )))
        }
        _ => q1_module_form(scheme, n1, data),
    }
}

/// The closed forms of [`crate::q1`] (THM-Q1-CONE, THM-Q1-POLYTOPE: e.g.
/// torch-default in 1-D and 2-D) where the cases above do not apply; None
/// when only Monte Carlo would do or the exact volume is above the budget.
fn q1_module_form(
    scheme: &InitScheme,
    n1: usize,
    data: &Dataset,
) -> Result<Option<(BigRational, &'static str)>> {
    let pts: Vec<f64> = data
        .points()
        .row_iter()
        .flat_map(|r| r.iter().copied().collect::<Vec<_>>())
        .collect();
    match crate::q1::closed_form(&pts, data.dim(), scheme, Some(n1)) {
        Ok(Some(r)) => Ok(match r.value {
            crate::q1::Q1Value::Exact(q) => Some((q, r.theorem)),
            crate::q1::Q1Value::Bounded { value, .. } => Some((from_f64_exact(value)?, r.theorem)),
            crate::q1::Q1Value::Interval { .. } => None,
        }),
        Ok(None) | Err(crate::error::Error::TooCostly(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether X contains x and -x for some x != 0 (exact comparison).
pub fn has_antipodal_pair(data: &Dataset) -> bool {
    let key = |r: Vec<f64>| {
        r.into_iter()
            .map(|v| (v + 0.0).to_bits())
            .collect::<Vec<u64>>()
    };
    let rows: Vec<Vec<f64>> = data
        .points()
        .row_iter()
        .map(|r| r.iter().copied().collect())
        .collect();
    let set: std::collections::HashSet<Vec<u64>> = rows.iter().cloned().map(key).collect();
    rows.iter()
        .filter(|r| r.iter().any(|&v| v != 0.0))
        .any(|r| set.contains(&key(r.iter().map(|v| -v).collect())))
}

/// PROP-Q1-GAP-2D: for rotation-invariant w in R^2 and zero bias,
/// q1 = max(0, G - pi) / (2 pi) with G the largest gap between consecutive
/// angles of the nonzero points (G = 2 pi for one direction). Points at 0
/// never matter. Evaluated in f64 (atan2).
pub fn gap_q1_2d(data: &Dataset) -> f64 {
    let mut ang: Vec<f64> = data
        .points()
        .row_iter()
        .filter(|r| r[0] != 0.0 || r[1] != 0.0)
        .map(|r| r[1].atan2(r[0]))
        .collect();
    if ang.is_empty() {
        return 1.0;
    }
    ang.sort_by(f64::total_cmp);
    let tau = std::f64::consts::TAU;
    let mut gap = ang[0] + tau - ang[ang.len() - 1];
    for w in ang.windows(2) {
        gap = gap.max(w[1] - w[0]);
    }
    ((gap - std::f64::consts::PI).max(0.0) / tau).min(0.5)
}

/// The marginal laws of K_1..K_{L-1} as f64 (see [`exact::marginals_f64`]).
pub use crate::exact::marginals_f64 as law_f64;

/// Compares a run with the theory.
pub fn agreement(scheme: &InitScheme, data: &Dataset, res: &McResult) -> Result<Agreement> {
    let n = res.samples;
    let born_dead_interval = clopper_pearson(res.born_dead_count, n, CONFIDENCE);
    let none = |status: String, q1: Option<Q1Info>| Agreement {
        bias_mode: bias_mode(scheme),
        law_status: status,
        q1,
        layers: vec![LayerTheory::empty(); res.widths.len()],
        born_dead_probability: None,
        born_dead_probability_log10: None,
        born_dead_interval,
    };
    if *scheme == InitScheme::Rai {
        // THM-CHAIN-GENERAL: RAI's transitions are known whatever q1
        let (pd1, trials1) = res.first_layer_pd();
        let q1 = Q1Info {
            value: pd1 as f64 / trials1 as f64,
            source: "monte-carlo".into(),
            interval: clopper_pearson(pd1, trials1, CONFIDENCE),
            confidence: CONFIDENCE,
        };
        let mut a = none(
            "rai: no marginal p-values (q1 is estimated from this run); the transitions \
             (layers >= 2) are tested against RAI's step s(p) = (n - p)/(n + 1) 2^-(p+1) \
             (THM-CHAIN-GENERAL)"
                .into(),
            Some(q1),
        );
        for l in 1..res.widths.len() {
            a.layers[l].transition = Some(transition_gof_step(res, l, &StepLaw::Rai)?);
        }
        return Ok(a);
    }
    let Some(mode) = bias_mode(scheme) else {
        return Ok(none(
            format!(
                "no exact law: {} weights are not symmetric (THM-CHAIN does not apply)",
                scheme.name()
            ),
            None,
        ));
    };
    let (pd1, trials1) = res.first_layer_pd();
    let interval = clopper_pearson(pd1, trials1, CONFIDENCE);
    let Some((q1, source)) = closed_form_q1(scheme, res.widths[0], data)? else {
        let q1 = Q1Info {
            value: pd1 as f64 / trials1 as f64,
            source: "monte-carlo".into(),
            interval,
            confidence: CONFIDENCE,
        };
        let mut a = none(
            "q1 has no closed form for this data and initializer: it is estimated from this run; \
             no marginal p-values, but the chain's transitions (layers >= 2) are tested"
                .into(),
            Some(q1),
        );
        for l in 1..res.widths.len() {
            a.layers[l].transition = Some(transition_gof(res, l, mode.beta())?);
        }
        return Ok(a);
    };
    let spec = ChainSpec::new(res.widths.clone(), mode, q1.clone())?;
    let (law, born_log10) = marginals_f64_and_born_dead_log10(&spec)?;
    let mut layers = Vec::with_capacity(law.len());
    for (l, p) in law.iter().enumerate() {
        // the exact support (THM-CHAIN), not the f64 zeros: a possible count
        // whose probability underflowed is not an impossible one
        let possible = marginal_support(&spec, l);
        let g = chi_square_gof_masked(&res.non_pd[l], p, &possible)?;
        let dom = one_sided_dominance_masked(&res.active[l], p, &possible)?;
        layers.push(LayerTheory {
            law: Some(p.clone()),
            gof_p_value: Some(g.p_value),
            gof_p_value_log10: Some(g.p_value_log10),
            gof_statistic: Some(g.statistic),
            gof_dof: Some(g.dof),
            active_dominance_p_value: Some(dom.p_value),
            active_dominance_p_value_log10: Some(dom.p_value_log10),
            transition: if l >= 1 {
                Some(transition_gof(res, l, mode.beta())?)
            } else {
                None
            },
        });
    }
    let born = law.last().map(|d| d[0]);
    Ok(Agreement {
        bias_mode: Some(mode),
        law_status: format!(
            "exact law (THM-CHAIN, beta = {}), q1 from {source}",
            mode.beta()
        ),
        q1: Some(Q1Info {
            value: to_f64(&q1),
            source: source.into(),
            interval,
            confidence: CONFIDENCE,
        }),
        layers,
        born_dead_probability: born,
        born_dead_probability_log10: born_log10,
        born_dead_interval,
    })
}

impl LayerTheory {
    fn empty() -> Self {
        LayerTheory {
            law: None,
            gof_p_value: None,
            gof_p_value_log10: None,
            gof_statistic: None,
            gof_dof: None,
            active_dominance_p_value: None,
            active_dominance_p_value_log10: None,
            transition: None,
        }
    }
}
