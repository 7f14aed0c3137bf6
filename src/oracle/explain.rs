//! What a rejected `check` blames (spec ALG-CHECK-EXPLAIN): the components
//! that reject on their own, the direction of each (too many / too few
//! counts, from the mean or, for a transition, the mean given the previous
//! layer), the cells that contribute most, and the expected and observed
//! histograms of every layer side by side.

use crate::stats::gof::pooled_partition;
use serde::Serialize;

/// Means further apart than this many standard errors give a direction.
pub const DIRECTION_Z: f64 = 3.0;

/// One cell of a layer's histogram.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistCell {
    /// The count k.
    pub k: usize,
    /// n * P(K_l = k) under the claimed law.
    pub expected: f64,
    /// Number of samples with K_l = k.
    pub observed: u64,
    /// `[first, last]` cells this one is pooled with in the marginal
    /// chi-square test; null when it is a cell of its own (or for the
    /// dominance test, which does not pool).
    pub pooled: Option<[usize; 2]>,
}

/// A group of cells and what it adds to a statistic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellContribution {
    /// The cells, e.g. "K_1 = 3", "K_1 in 5..=8", "(K_1, K_2) = (2, 0)",
    /// "K_2 >= 3".
    pub cells: String,
    /// Samples in these cells.
    pub observed: u64,
    /// Samples expected there under the claimed law.
    pub expected: f64,
    /// (O - E)^2 / E, its share of the Pearson statistic (null for the
    /// dominance test, whose statistic is a binomial tail, and for a cell
    /// impossible under the law, whose share is infinite).
    pub contribution: Option<f64>,
}

/// A component that rejects on its own (its p-value times the number of
/// components is below alpha).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deviation {
    /// "marginal", "transition" or "dominance".
    pub test: &'static str,
    /// Hidden layer (1-based); for a transition, the later layer.
    pub layer: usize,
    /// "too_many", "too_few" (the mean, or for a transition the mean given
    /// the previous layer, is more than 3 standard errors off) or "shape"
    /// (the mean is within 3 standard errors: the spread or the shape differ).
    pub direction: &'static str,
    /// Observed mean of K_l.
    pub mean_observed: f64,
    /// Expected mean of K_l: E[K_l] for a marginal or dominance test, the
    /// average of E[K_l | K_{l-1}] over the sampled K_{l-1} for a transition.
    pub mean_expected: f64,
    /// (mean_observed - mean_expected) / standard error of the mean.
    pub z: f64,
    /// The (at most 3) cell groups that contribute most.
    pub top_cells: Vec<CellContribution>,
    /// One sentence for people.
    pub explanation: String,
}

/// The histogram of one layer: `h[k]` samples with count k, `law[k]` =
/// P(K_l = k); `pool` marks the pooling of the chi-square test.
pub fn histogram_cells(h: &[u64], law: &[f64], n: u64, pool: bool) -> Vec<HistCell> {
    let mut cells: Vec<HistCell> = (0..h.len())
        .map(|k| HistCell {
            k,
            expected: n as f64 * law[k],
            observed: h[k],
            pooled: None,
        })
        .collect();
    if pool {
        for r in pooled_partition(law, n) {
            if r.len() > 1 {
                for c in &mut cells[r.clone()] {
                    c.pooled = Some([r.start, r.end - 1]);
                }
            }
        }
    }
    cells
}

/// Pearson contributions of the pooled groups of `h` against `law`, largest
/// first, at most `top`; `label` names a cell range. Observed cells that
/// are impossible (`possible[k]` false, decided exactly) come first, one
/// by one, with expected 0 and an infinite contribution.
pub fn top_contributions(
    h: &[u64],
    law: &[f64],
    possible: &[bool],
    top: usize,
    label: impl Fn(usize, usize) -> String,
) -> Vec<CellContribution> {
    let n: u64 = h.iter().sum();
    let impossible = (0..h.len())
        .filter(|&k| h[k] > 0 && !possible[k])
        .map(|k| CellContribution {
            cells: label(k, k),
            observed: h[k],
            expected: 0.0,
            contribution: Some(f64::INFINITY),
        });
    let mut groups: Vec<CellContribution> = pooled_partition(law, n)
        .into_iter()
        .map(|r| {
            let e = n as f64 * law[r.clone()].iter().sum::<f64>();
            let o: u64 = h[r.clone()].iter().sum();
            let c = if e > 0.0 {
                (o as f64 - e).powi(2) / e
            } else if o > 0 {
                f64::INFINITY
            } else {
                0.0
            };
            CellContribution {
                cells: label(r.start, r.end - 1),
                observed: o,
                expected: e,
                contribution: Some(c),
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.contribution
            .partial_cmp(&a.contribution)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut out: Vec<CellContribution> = impossible.take(top).collect();
    out.extend(groups);
    out.truncate(top);
    out
}

/// Label of marginal cells first..=last of layer `layer`.
pub fn marginal_label(layer: usize, first: usize, last: usize) -> String {
    if first == last {
        format!("K_{layer} = {first}")
    } else {
        format!("K_{layer} in {first}..={last}")
    }
}

/// Label of flat pair cells first..=last of layers `layer - 1`, `layer`
/// (`cols` = N_layer + 1).
pub fn pair_label(layer: usize, cols: usize, first: usize, last: usize) -> String {
    let (a, b) = (first / cols, first % cols);
    if first == last {
        format!("(K_{}, K_{layer}) = ({a}, {b})", layer - 1)
    } else {
        format!(
            "(K_{}, K_{layer}) in ({a}, {b})..=({}, {})",
            layer - 1,
            last / cols,
            last % cols
        )
    }
}

/// Direction of a mean: observed vs expected, with its standard error.
pub fn direction(z: f64) -> &'static str {
    if z > DIRECTION_Z {
        "too_many"
    } else if z < -DIRECTION_Z {
        "too_few"
    } else {
        "shape"
    }
}

/// The sentence for a deviation; `what` is "non-PD" or "active".
pub fn sentence(d: &Deviation, what: &str) -> String {
    let l = d.layer;
    let subject = match d.test {
        "transition" => format!("layer {l} given layer {}", l - 1),
        _ => format!("layer {l}"),
    };
    let means = format!(
        "mean {:.4} vs {:.4} expected, z = {:.1}",
        d.mean_observed, d.mean_expected, d.z
    );
    match d.direction {
        "too_many" => format!("{subject}: too many {what} neurons ({means})"),
        "too_few" => format!("{subject}: too few {what} neurons ({means})"),
        _ if d.test == "transition" => format!(
            "{subject}: the mean given layer {} is as expected ({means}); the joint law of \
             layers {} and {l} differs in shape, or through layer {}'s own law",
            l - 1,
            l - 1,
            l - 1
        ),
        _ => format!(
            "{subject}: the mean is as expected ({means}) but the spread or shape of the \
             {what} counts differs"
        ),
    }
}
