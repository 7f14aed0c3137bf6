//! Exact p-values of Pearson's statistic under a (product-)multinomial
//! null, by a network algorithm with pruning (spec ALG-GOF-EXACT).
//!
//! The null: independent groups g, each a multinomial sample of fixed size
//! n_g over cells of probabilities q_g (all > 0). The statistic is
//! T = sum_g (sum_i o_gi^2 / (n_g q_gi) - n_g), Pearson's X^2 summed over
//! the groups. The p-value P(T >= t_obs) is summed over every outcome, with
//! whole subtrees of outcomes added or skipped when bounds on the rest of
//! the statistic decide them. The result is an upper bound of the exact
//! tail: floating-point errors only ever add outcomes or mass.

use statrs::function::factorial::ln_factorial;

/// One multinomial group of the null.
#[derive(Clone, Debug)]
pub struct Group {
    /// Cell probabilities (each > 0, summing to 1 within rounding).
    pub probs: Vec<f64>,
    /// Observed counts (their sum is the group's fixed size n_g).
    pub observed: Vec<u64>,
}

/// Relative accuracy assumed of every law cell given to the oracle: each
/// f64 probability is within this relative distance of the exact one (the
/// exact rationals are rounded once; BOUND-F64 and the log-space binomial
/// steps are far more accurate). The tail bound covers it by the factor
/// exp(1.01 * LAW_REL_ERROR * n), since an outcome's probability is a
/// product of n cell probabilities.
pub const LAW_REL_ERROR: f64 = 1e-10;

/// Relative accuracy assumed of `ln_factorial` (statrs: a table to 170,
/// then a Lanczos ln Gamma; tests/stats_exact_pearson.rs checks it against
/// exact integers).
pub const LN_FACTORIAL_REL_ERROR: f64 = 1e-14;

/// Largest group size the enumeration accepts (the ln n! table).
pub const MAX_GROUP_SIZE: u64 = 10_000_000;

struct Prepared {
    n: u64,
    /// 1 / (n q_i): a cell's term is o^2 * inv[i].
    inv: Vec<f64>,
    /// ln q_i and ln(q_i / R_i), ln(1 - q_i / R_i) of the binomial split
    /// of cell i from cells i.. (R_i = sum_{j >= i} q_j).
    ln_s: Vec<f64>,
    ln_1ms: Vec<f64>,
    /// R_i (suffix sums) and min_{j >= i} q_j.
    suffix: Vec<f64>,
    suffix_min: Vec<f64>,
}

struct Search<'a> {
    groups: &'a [Prepared],
    /// sum over groups after g of the largest value of their statistic.
    future_max: Vec<f64>,
    ln_fact: Vec<f64>,
    threshold: f64,
    slack: f64,
    nodes: u64,
    budget: u64,
    /// The tail as acc * e^{acc_max}.
    acc: f64,
    acc_max: f64,
    added: u64,
}

impl Search<'_> {
    fn add(&mut self, ln_p: f64) {
        self.added += 1;
        if self.acc == 0.0 {
            self.acc = 1.0;
            self.acc_max = ln_p;
        } else if ln_p > self.acc_max {
            self.acc = self.acc * (self.acc_max - ln_p).exp() + 1.0;
            self.acc_max = ln_p;
        } else {
            self.acc += (ln_p - self.acc_max).exp();
        }
    }

    /// Visits the outcomes with cells 0..i of group g fixed (statistic so
    /// far `s`, log probability `ln_p`) and r observations left for cells
    /// i.. of group g. Returns false when the node budget ran out.
    fn visit(&mut self, g: usize, i: usize, r: u64, s: f64, ln_p: f64) -> bool {
        self.nodes += 1;
        if self.nodes > self.budget {
            return false;
        }
        if g == self.groups.len() {
            if s >= self.threshold {
                self.add(ln_p);
            }
            return true;
        }
        let grp = &self.groups[g];
        let rf = r as f64;
        let nf = grp.n as f64;
        // the rest of group g adds between r^2 / (n R_i) (Cauchy-Schwarz)
        // and r^2 / (n min q) (all in the least likely cell), minus n_g;
        // later groups add between 0 and future_max[g]
        let lo = s + rf * rf / (nf * grp.suffix[i]) - nf;
        let hi = s + rf * rf / (nf * grp.suffix_min[i]) - nf + self.future_max[g];
        if lo >= self.threshold + self.slack {
            self.add(ln_p);
            return true;
        }
        if hi < self.threshold - self.slack {
            return true;
        }
        let last = i + 1 == grp.inv.len();
        if last {
            let s2 = s + rf * rf * grp.inv[i] - nf;
            let next_n = self.groups.get(g + 1).map_or(0, |h| h.n);
            return self.visit(g + 1, 0, next_n, s2, ln_p);
        }
        let (ln_s, ln_1ms) = (grp.ln_s[i], grp.ln_1ms[i]);
        let ln_r = self.ln_fact[r as usize];
        for o in 0..=r {
            let of = o as f64;
            let ln_b = ln_r - self.ln_fact[o as usize] - self.ln_fact[(r - o) as usize]
                + if o > 0 { of * ln_s } else { 0.0 }
                + if o < r { (rf - of) * ln_1ms } else { 0.0 };
            if !self.visit(g, i + 1, r - o, s + of * of * grp.inv[i], ln_p + ln_b) {
                return false;
            }
        }
        true
    }
}

/// The statistic T of the groups' observed counts, by the same operations
/// in the same order as the enumeration uses for every outcome.
fn statistic(groups: &[Prepared], observed: &[&[u64]]) -> f64 {
    let mut s = 0.0;
    for (g, o) in groups.iter().zip(observed) {
        for (i, &c) in o.iter().enumerate() {
            let cf = c as f64;
            s += cf * cf * g.inv[i];
        }
        s -= g.n as f64;
    }
    s
}

/// An upper bound of log10 P(T >= t_obs) under the null of `groups`,
/// computed with at most `budget` nodes of the search (the nodes visited
/// are subtracted from it); `None` when the budget runs out, a group is empty or larger than [`MAX_GROUP_SIZE`], or
/// a probability is not positive. Groups with one cell add nothing and
/// may be passed.
pub fn tail_log10(groups: &[Group], budget: &mut u64) -> Option<f64> {
    let groups: Vec<&Group> = groups.iter().filter(|g| g.probs.len() > 1).collect();
    if groups.is_empty() {
        return Some(0.0);
    }
    let mut prepared = Vec::with_capacity(groups.len());
    let mut n_total = 0u64;
    let mut cells = 0usize;
    let mut magnitude = 0.0f64;
    let mut scale = 0.0f64;
    let mut n_max = 0u64;
    for g in &groups {
        let n: u64 = g.observed.iter().sum();
        if n == 0
            || n > MAX_GROUP_SIZE
            || g.observed.len() != g.probs.len()
            || g.probs.iter().any(|&q| !(q > 0.0 && q.is_finite()))
        {
            return None;
        }
        let k = g.probs.len();
        let mut suffix = vec![0.0; k];
        let mut suffix_min = vec![0.0; k];
        let (mut acc, mut mn) = (0.0f64, f64::INFINITY);
        for i in (0..k).rev() {
            acc += g.probs[i];
            mn = mn.min(g.probs[i]);
            suffix[i] = acc;
            suffix_min[i] = mn;
        }
        let nf = n as f64;
        let inv: Vec<f64> = g.probs.iter().map(|&q| 1.0 / (nf * q)).collect();
        let ln_s: Vec<f64> = (0..k).map(|i| (g.probs[i] / suffix[i]).ln()).collect();
        let ln_1ms: Vec<f64> = (0..k)
            .map(|i| {
                if i + 1 < k {
                    (suffix[i + 1] / suffix[i]).ln()
                } else {
                    0.0
                }
            })
            .collect();
        let worst_ln = ln_s
            .iter()
            .chain(&ln_1ms)
            .fold(0.0f64, |a, &b| a.max(b.abs()));
        // a path adds 3 ln r! terms per cell (each r <= n, at most 4 ln n! in
        // all per step counted below) and n ln q terms
        magnitude += 4.0 * ln_factorial(n) + nf * (1.0 + worst_ln);
        scale += nf / mn + nf;
        n_total += n;
        n_max = n_max.max(n);
        cells += k;
        prepared.push(Prepared {
            n,
            inv,
            ln_s,
            ln_1ms,
            suffix,
            suffix_min,
        });
    }
    let mut future_max = vec![0.0; prepared.len()];
    for g in (0..prepared.len().saturating_sub(1)).rev() {
        let h = &prepared[g + 1];
        let nf = h.n as f64;
        future_max[g] = future_max[g + 1] + nf / h.suffix_min[0] - nf;
    }
    let observed: Vec<&[u64]> = groups.iter().map(|g| g.observed.as_slice()).collect();
    let t_obs = statistic(&prepared, &observed);
    // every computed statistic and bound is within `slack` of its real
    // value (at most `cells` + 4 roundings of terms whose sum is below
    // `scale`, each within 2^-52 of its magnitude, inflated)
    let slack = 8.0 * (cells as f64 + 8.0) * f64::EPSILON * scale + f64::MIN_POSITIVE;
    let ln_fact: Vec<f64> = (0..=n_max).map(ln_factorial).collect();
    let mut search = Search {
        groups: &prepared,
        future_max: future_max.iter().map(|&x| x * (1.0 + 1e-12)).collect(),
        ln_fact,
        // outcomes whose statistic is within the rounding slack below t_obs
        // are counted too: conservative
        threshold: t_obs - slack,
        slack,
        nodes: 0,
        budget: *budget,
        acc: 0.0,
        acc_max: f64::NEG_INFINITY,
        added: 0,
    };
    let done = search.visit(0, 0, prepared[0].n, 0.0, 0.0);
    *budget = budget.saturating_sub(search.nodes);
    if !done {
        return None;
    }
    if search.acc == 0.0 {
        // cannot happen (the observed outcome itself is in the tail), but
        // never report an exact 0 for a possible outcome
        return Some(0.0);
    }
    // rounding of each log probability (the path's sums of ln n! terms and
    // n ln q terms, `cells` + 4 operations of magnitude below `magnitude`),
    // of the accumulation (one rounding per added term and per rescale),
    // and the law's own relative error over n observations
    let ln_err = (cells as f64 + 4.0) * LN_FACTORIAL_REL_ERROR.max(4.0 * f64::EPSILON) * magnitude
        + 1.01 * LAW_REL_ERROR * n_total as f64
        + 4.0 * (search.added as f64 + 2.0) * f64::EPSILON;
    let ln_tail = search.acc_max + search.acc.ln() + ln_err;
    Some((ln_tail / std::f64::consts::LN_10).min(0.0))
}
