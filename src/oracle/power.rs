//! How many sampled networks `check` needs to detect a given deviation
//! (spec ALG-POWER): noncentral chi-square power of each component test of
//! ALG-CHECK (non-PD counts), sample size by search.

use super::laws::{check_marginals, check_pair_cost, pair_law, renormalize};
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
/// on the cells of `h0` (alt widths must not exceed h0 widths), made as
/// `check` makes the laws it tests: renormalized marginals, and pair laws
/// built on them and renormalized.
pub(crate) fn component_laws(h0: &ChainSpec, alt: &ChainSpec) -> Result<Vec<(Vec<f64>, Vec<f64>)>> {
    if alt.depth() != h0.depth() || alt.widths.iter().zip(&h0.widths).any(|(a, b)| a > b) {
        return Err(Error::input(format!(
            "power: alternative widths {:?} must have the depth of {:?} and no wider layer \
             (wider layers give out-of-range counts, rejected as bad input)",
            alt.widths, h0.widths
        )));
    }
    check_pair_cost(&h0.widths)?;
    let (m0, m1) = (check_marginals(h0)?, check_marginals(alt)?);
    let mut out = Vec::new();
    for l in 0..h0.depth() {
        let mut p1 = vec![0.0; h0.widths[l] + 1];
        p1[..m1[l].len()].copy_from_slice(&m1[l]);
        out.push((m0[l].clone(), p1));
    }
    for l in 0..h0.depth().saturating_sub(1) {
        let mut p0 = pair_law(h0, &m0, l);
        let mut a = pair_law(alt, &m1, l);
        renormalize(&mut p0);
        renormalize(&mut a);
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

/// Smallest n such that the power is >= `target` for every n' in
/// [n, [`MAX_SAMPLES`]] (a safe threshold, spec ALG-POWER); `None` when the
/// two laws are equal (undetectable, e.g. the bias mode of a one-layer
/// network) or the power at [`MAX_SAMPLES`] is below the target.
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
    let p0s: Vec<&[f64]> = laws.iter().map(|(a, _)| a.as_slice()).collect();
    let breaks = partition_breakpoints(&p0s, MAX_SAMPLES)?;
    safe_threshold(|n| power_of(&laws, n, alpha), &breaks, target)
}

/// Most partition changes followed by [`partition_breakpoints`].
pub const MAX_BREAKPOINTS: usize = 200_000;

/// The n in [1, `max`] at which the pooling partition of ALG-GOF of some
/// component changes (ascending, starting with 1): between two consecutive
/// breakpoints every component keeps its partition, hence its dof,
/// critical value and the ratio lambda / n, so its power is non-decreasing
/// in n there. The next change after n is predicted exactly for real
/// arithmetic (a run closes one cell earlier once n S >= 5 for its partial
/// sum S before the closing cell, the merged remainder closes on its own
/// once n S_rem >= 5: candidate ceil(5 / S)) and then located on the f64
/// partitions themselves (candidate - 1, candidate, candidate + 1, or
/// bisection), so f64 rounding of the partial sums cannot hide a change.
pub fn partition_breakpoints(p0s: &[&[f64]], max: u64) -> Result<Vec<u64>> {
    counted_breakpoints(p0s, max, MAX_BREAKPOINTS).map(|(b, _)| b)
}

/// [`partition_breakpoints`] with at most `limit` breakpoints, and the
/// number of partitions it computed (its cost: a few per breakpoint,
/// src/oracle/power_tests.rs).
fn counted_breakpoints(p0s: &[&[f64]], max: u64, limit: usize) -> Result<(Vec<u64>, usize)> {
    let evals = std::cell::Cell::new(0usize);
    let parts = |n: u64| -> Vec<Vec<std::ops::Range<usize>>> {
        evals.set(evals.get() + 1);
        p0s.iter().map(|p| pooled_partition(p, n)).collect()
    };
    let mut out = vec![1u64];
    let mut n = 1u64;
    let mut cur = parts(n);
    loop {
        let cand = p0s
            .iter()
            .zip(&cur)
            .map(|(p, runs)| predicted_change(p, runs, n))
            .min()
            .unwrap_or(u64::MAX)
            .max(n + 1);
        if cand > max {
            return Ok((out, evals.get()));
        }
        let next = locate_change(n, cand, max, |m| parts(m) != cur);
        n = next.unwrap_or(cand + 1).min(max);
        if next.is_some() {
            out.push(n);
        }
        if n >= max {
            return Ok((out, evals.get()));
        }
        if out.len() > limit {
            return Err(Error::TooCostly(format!(
                "the pooling partition changes more than {limit} times below {max} samples; \
                 ask for narrower layers"
            )));
        }
        cur = parts(n);
    }
}

/// The candidate for the next n at which one component's partition
/// changes, given its partition `runs` at n (ALG-POWER): a run closes one
/// cell earlier once n S >= 5 for its partial sum S before the closing
/// cell, and a remainder merged into the last run closes on its own once
/// n S_rem >= 5; the candidate is the least ceil(5 / S) (`u64::MAX` when
/// no sum is positive). In real arithmetic no change comes before it; it
/// is the change itself except where such a closing leaves the partition
/// as it was (a run reaching 5 at its last cell), measured against brute
/// force in src/oracle/power_tests.rs. The caller takes it as at least
/// n + 1.
fn predicted_change(p: &[f64], runs: &[std::ops::Range<usize>], n: u64) -> u64 {
    let mut cand = u64::MAX;
    for (i, r) in runs.iter().enumerate() {
        // closing index in the current partition: first k with n S >= 5
        let mut acc = 0.0f64;
        let mut before = 0.0f64; // partial sum just before the closing cell
        let mut close = r.end - 1;
        for k in r.clone() {
            if n as f64 * (acc + p[k]) >= MAX_EXPECTED_CLOSE {
                close = k;
                break;
            }
            acc += p[k];
            before = acc;
        }
        if before > 0.0 {
            cand = cand.min((MAX_EXPECTED_CLOSE / before).ceil().max(1.0) as u64);
        }
        if i + 1 == runs.len() && close + 1 < r.end {
            let rem: f64 = p[close + 1..r.end].iter().sum();
            if rem > 0.0 {
                cand = cand.min((MAX_EXPECTED_CLOSE / rem).ceil().max(1.0) as u64);
            }
        }
    }
    cand
}

/// ALG-POWER's location step, for n < cand <= max: the first n' > n at
/// which `changed(n')` (the partition differs from that at n), looked for
/// at cand - 1, cand and cand + 1 (not beyond max) and, when it holds
/// already at cand - 1 (f64 rounding made the change earlier than
/// predicted), by bisection in (n, cand - 1]. `None` when it holds at none
/// of the three (rounding delayed it): the caller goes on from cand + 1.
/// `changed` is assumed false up to the first change and true from it to
/// cand + 1 (a partition that changes back within the step would be
/// missed; tests/oracle_power_breakpoints.rs compares with every n).
fn locate_change(n: u64, cand: u64, max: u64, mut changed: impl FnMut(u64) -> bool) -> Option<u64> {
    let lo_check = cand.saturating_sub(1).max(n + 1);
    if changed(lo_check) {
        // earlier than predicted (rounding): bisect in (n, lo_check]
        let (mut lo, mut hi) = (n, lo_check);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if changed(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(hi)
    } else if changed(cand) {
        Some(cand)
    } else if cand < max && changed(cand + 1) {
        Some(cand + 1)
    } else {
        None
    }
}

/// Expected count at which ALG-GOF closes a run.
const MAX_EXPECTED_CLOSE: f64 = crate::stats::gof::MIN_EXPECTED;

/// Smallest n with `power(n') >= target` for every n' in [n, last], given
/// the breakpoints (ascending, first = 1, `last` = [`MAX_SAMPLES`]) between
/// which `power` is non-decreasing: scanning the intervals from the top,
/// the answer lies in the highest interval whose left end fails, found by
/// bisection there (the power is monotone inside it). `None` when
/// power([`MAX_SAMPLES`]) < target.
pub fn safe_threshold(
    power: impl Fn(u64) -> Result<f64>,
    breaks: &[u64],
    target: f64,
) -> Result<Option<u64>> {
    if power(MAX_SAMPLES)? < target {
        return Ok(None);
    }
    let mut good_from = None::<u64>; // every n >= good_from (up to MAX) is good
    for (i, &b) in breaks.iter().enumerate().rev() {
        let end = breaks.get(i + 1).map_or(MAX_SAMPLES, |&e| e - 1);
        if power(b)? >= target {
            good_from = Some(b);
            continue;
        }
        // power(b) < target: first good n in (b, end], else the next interval
        if power(end)? < target {
            return Ok(Some(end + 1));
        }
        return first_reaching(&power, target, b, end).map(Some);
    }
    Ok(good_from.or(Some(1)))
}

/// First n with `power(n) >= target`, by doubling (capped at
/// [`MAX_SAMPLES`]; `None` when the power there is below the target) then
/// bisection between the last failing and the first passing point. Only
/// the first crossing when the power is non-decreasing; otherwise some n
/// with power(n - 1) < target <= power(n): used where the power is not
/// known to be monotone between breakpoints (the active check).
pub fn search_sample_size(power: impl Fn(u64) -> Result<f64>, target: f64) -> Result<Option<u64>> {
    let (mut lo, mut hi) = (0u64, 1u64);
    while power(hi)? < target {
        if hi >= MAX_SAMPLES {
            return Ok(None);
        }
        lo = hi;
        hi = (2 * hi).min(MAX_SAMPLES);
    }
    // power(lo) < target (or lo = 0)
    first_reaching(&power, target, lo, hi).map(Some)
}

/// Bisection: given power(lo) < target <= power(hi) (lo = 0 allowed), an n
/// in (lo, hi] with power(n - 1) < target <= power(n); the first such n
/// when power is non-decreasing on [lo, hi].
fn first_reaching(
    power: &impl Fn(u64) -> Result<f64>,
    target: f64,
    mut lo: u64,
    mut hi: u64,
) -> Result<u64> {
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if power(mid)? >= target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
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

#[cfg(test)]
#[path = "power_tests.rs"]
mod tests;
