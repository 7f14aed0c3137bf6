//! How many sampled networks `check` needs to detect a given deviation
//! (spec ALG-POWER): noncentral chi-square power of each component test of
//! ALG-CHECK (non-PD counts), sample size by search.

use super::laws::{check_pair_cost, marginals, pair_law};
use crate::error::{Error, Result};
use crate::exact::{BiasMode, ChainSpec};
use crate::rational::to_pq;
use crate::stats::gof::pooled_partition;
use crate::stats::noncentral::{chi2_critical, noncentral_chi2_sf};
use num_rational::BigRational;
use num_traits::{One, Zero};

/// A deviation of another implementation from the law of a network.
#[derive(Clone, Debug, PartialEq)]
pub enum Deviation {
    /// q1 shifted by this amount (the result must stay in [0, 1]).
    Q1Shift(BigRational),
    /// The other bias mode (zero <-> symmetric).
    WrongBias,
    /// Hidden layer l (1-based) one neuron narrower.
    NarrowerLayer(usize),
}

impl Deviation {
    /// Short label for tables.
    pub fn label(&self) -> String {
        match self {
            Deviation::Q1Shift(d) => {
                let f = crate::rational::to_f64(d);
                format!("q1 {}{}", if f >= 0.0 { "+" } else { "" }, f)
            }
            Deviation::WrongBias => "wrong bias mode".into(),
            Deviation::NarrowerLayer(l) => format!("layer {l} one narrower"),
        }
    }

    /// The law the deviating implementation samples from.
    pub fn apply(&self, h0: &ChainSpec) -> Result<ChainSpec> {
        match self {
            Deviation::Q1Shift(d) => {
                let q = &h0.q1 + d;
                if q < BigRational::zero() || q > BigRational::one() {
                    return Err(Error::input(format!(
                        "q1 {} shifted by {} leaves [0, 1]",
                        to_pq(&h0.q1),
                        to_pq(d)
                    )));
                }
                ChainSpec::new(h0.widths.clone(), h0.bias, q)
            }
            Deviation::WrongBias => {
                let b = if h0.bias == BiasMode::Zero {
                    BiasMode::Symmetric
                } else {
                    BiasMode::Zero
                };
                ChainSpec::new(h0.widths.clone(), b, h0.q1.clone())
            }
            Deviation::NarrowerLayer(l) => {
                if *l == 0 || *l > h0.depth() || h0.widths[l - 1] < 2 {
                    return Err(Error::input(format!(
                        "cannot narrow layer {l} of widths {:?}",
                        h0.widths
                    )));
                }
                let mut w = h0.widths.clone();
                w[l - 1] -= 1;
                ChainSpec::new(w, h0.bias, h0.q1.clone())
            }
        }
    }
}

/// Component laws (marginals then consecutive pairs) under `h0` and `alt`
/// on the cells of `h0` (alt widths must not exceed h0 widths).
pub(crate) fn component_laws(h0: &ChainSpec, alt: &ChainSpec) -> Result<Vec<(Vec<f64>, Vec<f64>)>> {
    if alt.depth() != h0.depth() || alt.widths.iter().zip(&h0.widths).any(|(a, b)| a > b) {
        return Err(Error::input(format!(
            "power: alternative widths {:?} must have the depth of {:?} and no wider layer \
             (wider layers give out-of-range counts, rejected as bad input)",
            alt.widths, h0.widths
        )));
    }
    check_pair_cost(&h0.widths)?;
    let (m0, m1) = (marginals(h0)?, marginals(alt)?);
    let mut out = Vec::new();
    for l in 0..h0.depth() {
        let mut p1 = vec![0.0; h0.widths[l] + 1];
        p1[..m1[l].len()].copy_from_slice(&m1[l]);
        out.push((m0[l].clone(), p1));
    }
    for l in 0..h0.depth().saturating_sub(1) {
        let p0 = pair_law(h0, &m0, l);
        let a = pair_law(alt, &m1, l);
        let (c0, c1) = (h0.widths[l + 1] + 1, alt.widths[l + 1] + 1);
        let mut p1 = vec![0.0; p0.len()];
        for p in 0..=alt.widths[l] {
            for k in 0..c1 {
                p1[p * c0 + k] = a[p * c1 + k];
            }
        }
        out.push((p0, p1));
    }
    Ok(out)
}

/// Power of one chi-square component at level `a` with `n` observations:
/// max of the noncentral approximation and of P(some observation falls in
/// a cell of H0-probability 0) (which rejects with certainty).
fn component_power(p0: &[f64], p1: &[f64], n: u64, a: f64) -> Result<f64> {
    let z: f64 = p0
        .iter()
        .zip(p1)
        .filter(|(x, _)| **x == 0.0)
        .map(|(_, y)| y)
        .sum();
    let impossible = 1.0 - (1.0 - z.min(1.0)).powf(n as f64);
    let parts = pooled_partition(p0, n);
    if parts.len() < 2 {
        return Ok(impossible);
    }
    let lambda: f64 = parts
        .iter()
        .map(|r| {
            let e0: f64 = p0[r.clone()].iter().sum();
            let e1: f64 = p1[r.clone()].iter().sum();
            n as f64 * (e1 - e0).powi(2) / e0
        })
        .sum();
    let dof = parts.len() - 1;
    let chi = noncentral_chi2_sf(dof, lambda, chi2_critical(dof, a)?)?;
    Ok(chi.max(impossible))
}

/// Lower bound on the power of `check` (non-PD counts) at level `alpha`
/// with `n` samples from `alt` when the claimed law is `h0`: the largest
/// power of its m component tests, each at level alpha / m (the Bonferroni
/// rule rejects whenever any component does).
pub fn power(h0: &ChainSpec, alt: &ChainSpec, n: u64, alpha: f64) -> Result<f64> {
    let laws = component_laws(h0, alt)?;
    power_of(&laws, n, alpha)
}

fn power_of(laws: &[(Vec<f64>, Vec<f64>)], n: u64, alpha: f64) -> Result<f64> {
    if !(alpha > 0.0 && alpha < 1.0) || n == 0 {
        return Err(Error::input(format!(
            "power needs alpha in (0, 1) and n >= 1 (got {alpha}, {n})"
        )));
    }
    let a = alpha / laws.len() as f64;
    let mut best = 0.0f64;
    for (p0, p1) in laws {
        best = best.max(component_power(p0, p1, n, a)?);
    }
    Ok(best)
}

/// Largest sample size the search considers.
pub const MAX_SAMPLES: u64 = 1_000_000_000;

/// Refuses a target power outside (0, 1).
pub(crate) fn check_target(target: f64) -> Result<()> {
    if !(target > 0.0 && target < 1.0) {
        return Err(Error::input(format!(
            "target power {target} is not in (0, 1)"
        )));
    }
    Ok(())
}

/// Smallest n (to within the search: the first n found by doubling and
/// bisection) with power >= `target`; `None` when the two laws are equal
/// (undetectable, e.g. the bias mode of a one-layer network) or more than
/// [`MAX_SAMPLES`] would be needed.
pub fn sample_size(
    h0: &ChainSpec,
    alt: &ChainSpec,
    alpha: f64,
    target: f64,
) -> Result<Option<u64>> {
    check_target(target)?;
    let laws = component_laws(h0, alt)?;
    let tv: f64 = laws
        .iter()
        .map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>())
        .sum();
    if tv < 1e-12 {
        return Ok(None);
    }
    search_sample_size(|n| power_of(&laws, n, alpha), target)
}

/// First n with `power(n) >= target`, by doubling then bisection (`None`
/// beyond [`MAX_SAMPLES`]).
pub fn search_sample_size(power: impl Fn(u64) -> Result<f64>, target: f64) -> Result<Option<u64>> {
    let mut hi = 1u64;
    while power(hi)? < target {
        if hi >= MAX_SAMPLES {
            return Ok(None);
        }
        hi *= 2;
    }
    let mut lo = hi / 2; // power(lo) < target (or lo = 0)
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if power(mid)? >= target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Some(hi))
}

/// The standard deviations for a network: q1 +- 0.05 (those staying in
/// [0, 1]), the wrong bias mode, and each layer of width >= 2 one narrower.
pub fn standard_deviations(h0: &ChainSpec) -> Vec<Deviation> {
    let d = BigRational::new(1.into(), 20.into());
    let mut v = Vec::new();
    for s in [d.clone(), -d] {
        let q = &h0.q1 + &s;
        if q >= BigRational::zero() && q <= BigRational::one() {
            v.push(Deviation::Q1Shift(s));
        }
    }
    v.push(Deviation::WrongBias);
    for l in 1..=h0.depth() {
        if h0.widths[l - 1] >= 2 {
            v.push(Deviation::NarrowerLayer(l));
        }
    }
    v
}

/// One row of a sample-size table.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PowerRow {
    /// Claimed widths.
    pub widths: Vec<usize>,
    /// Claimed bias mode.
    pub bias: BiasMode,
    /// Claimed q1 ("p/q").
    pub q1: String,
    /// The deviation.
    pub deviation: String,
    /// Samples for power 0.9 (None: undetectable / > 1e9).
    pub n_power_90: Option<u64>,
    /// Samples for power 0.99.
    pub n_power_99: Option<u64>,
}

/// Sample sizes for the standard deviations of `h0` at level `alpha`.
pub fn power_rows(h0: &ChainSpec, alpha: f64) -> Result<Vec<PowerRow>> {
    rows_with(h0, alpha, sample_size)
}

/// The rows of a power table, with `size(h0, alt, alpha, target)` the
/// sample size of one check (non-PD or active).
pub(crate) fn rows_with(
    h0: &ChainSpec,
    alpha: f64,
    size: impl Fn(&ChainSpec, &ChainSpec, f64, f64) -> Result<Option<u64>>,
) -> Result<Vec<PowerRow>> {
    standard_deviations(h0)
        .iter()
        .map(|dev| {
            let alt = dev.apply(h0)?;
            Ok(PowerRow {
                widths: h0.widths.clone(),
                bias: h0.bias,
                q1: to_pq(&h0.q1),
                deviation: dev.label(),
                n_power_90: size(h0, &alt, alpha, 0.9)?,
                n_power_99: size(h0, &alt, alpha, 0.99)?,
            })
        })
        .collect()
}

/// The documented table (spec ALG-POWER): widths 8,8,8 / 4,4,4,4 / 16,16 /
/// 5,2,4, both bias modes, q1 = 1/2, alpha = 1e-3.
pub fn reference_table() -> Result<Vec<PowerRow>> {
    let mut rows = Vec::new();
    for w in [vec![8, 8, 8], vec![4, 4, 4, 4], vec![16, 16], vec![5, 2, 4]] {
        for b in [BiasMode::Zero, BiasMode::Symmetric] {
            let h0 = ChainSpec::new(w.clone(), b, BigRational::new(1.into(), 2.into()))?;
            rows.extend(power_rows(&h0, 1e-3)?);
        }
    }
    Ok(rows)
}

/// Markdown rendering of sample-size rows.
pub fn render_markdown(rows: &[PowerRow]) -> String {
    let f = |x: Option<u64>| x.map_or("undetectable".to_string(), |n| n.to_string());
    let mut s = String::from("| widths | bias | q1 | deviation | n (power 0.9) | n (power 0.99) |\n|---|---|---|---|---:|---:|\n");
    for r in rows {
        let w: Vec<String> = r.widths.iter().map(|x| x.to_string()).collect();
        s += &format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            w.join(","),
            r.bias.name(),
            r.q1,
            r.deviation,
            f(r.n_power_90),
            f(r.n_power_99)
        );
    }
    s
}
