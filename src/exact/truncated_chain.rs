//! The chain law in scaled floating point, truncated to the support where
//! the mass lies, with a rigorous bound on what was dropped (spec
//! BOUND-F64-TRUNC): widths 10^5 and depths 10^6 in seconds, where the dense
//! path (BOUND-F64) costs N_{l-1} N_l per layer.
//!
//! Layer 1 is the full Binomial(N_1, 1 - q1) law. For l >= 2 each kept state
//! p >= 1 of layer l-1 with computed mass m_p contributes its row
//! Binomial(N_l, 1 - 2^-(p+beta)) only on the window of states k >= 1 where
//! m_p f_p(k) >= 2^drop_log2 (found in log space around the mode: no
//! O(N^2) matrix), plus its exact absorption m_p 2^{-(p+beta) N_l} at 0.
//! The mass of the row outside its window is bounded above by the
//! geometric tails of the binomial pmf (the ratio of consecutive terms is
//! monotone) and added to `dropped`. Every kept entry keeps the BOUND-F64
//! relative error gamma(r); the truth p_k lies in
//! [x_k (1 - gamma), x_k (1 + gamma) + dropped], and at state 0 in
//! [x_0 (1 - gamma), x_0 (1 + gamma) + zero_extra].

use super::float_chain::gamma;
use super::xf64::Xf64;
use super::ChainSpec;
use crate::error::{Error, Result};
use crate::rational::pow2;
use num_rational::BigRational;
use num_traits::One;
use statrs::function::factorial::ln_binomial;

/// Default truncation threshold: contributions below 2^-20000 (~1e-6021)
/// are dropped (and accounted for in the bound).
pub const DEFAULT_DROP_LOG2: i64 = -20000;

/// The threshold `run` uses by default (log2): 2^-20000, or lower when
/// q1 > 0 so that the slack at state 0 stays 2^-128 below q1^{N_1} <=
/// P(born dead): the slack is at most (dropped mass) D 2^{-(1+beta) N_min}
/// (N_min the narrowest layer after the first), so the threshold is
/// N_1 log2 q1 - 128 - log2 D + (1 + beta) N_min, clamped to
/// [-200000, -20000] (beyond, the windows grow costly).
pub fn auto_drop_log2(spec: &ChainSpec) -> i64 {
    use num_traits::Zero;
    if spec.q1.is_zero() {
        return DEFAULT_DROP_LOG2;
    }
    let lq = super::xf128::Xf128::from_rational(&spec.q1, super::xf128::Dir::Down).log10()
        / std::f64::consts::LOG10_2;
    let n_min = spec.widths[1..].iter().copied().min().unwrap_or(0) as f64;
    let t = spec.widths[0] as f64 * lq - 128.0 - (spec.depth() as f64).log2()
        + (1 + spec.bias.beta()) as f64 * n_min;
    t.clamp(-200_000.0, DEFAULT_DROP_LOG2 as f64).floor() as i64
}

/// Largest gamma(r) the path accepts: the drop bounds carry a safety factor
/// 2 that covers the relative errors of their ingredients while they stay
/// below 1 %.
pub const MAX_GAMMA: f64 = 0.01;

/// Operations (terms plus window-scan steps) per second of `--max-seconds`
/// budget (conservative: one core does about 5e7).
pub const OPS_PER_SECOND: f64 = 2e7;

/// One layer of the truncated chain.
#[derive(Clone, Debug)]
pub struct TruncLayer {
    /// Width N_l.
    pub width: usize,
    /// Computed kept mass at state 0.
    pub zero: Xf64,
    /// First state (>= 1) of `kept`.
    pub start: usize,
    /// Computed kept masses of states `start..start + kept.len()`; every
    /// other state k >= 1 has kept mass 0.
    pub kept: Vec<Xf64>,
    /// Rounding count r: each kept entry is within gamma(r) (relative) of
    /// the exact kept mass.
    pub roundings: u64,
    /// Upper bound on the total mass dropped so far (every state's truth
    /// exceeds its exact kept mass by at most this much).
    pub dropped: Xf64,
    /// Upper bound on (truth - exact kept mass) at state 0.
    pub zero_extra: Xf64,
    /// Computed mass removed by the floors n* so far (trainability), with
    /// its own rounding count.
    pub floored: Xf64,
    /// Rounding count of `floored`.
    pub floored_roundings: u64,
}

/// A probability known to lie in [x (1 - rel), x (1 + rel) + abs].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Encl {
    /// Computed value.
    pub x: Xf64,
    /// Relative rounding bound.
    pub rel: f64,
    /// Absolute upper slack (dropped mass).
    pub abs: Xf64,
}

/// `x * (1 + 2^-48)`: after one rounded operation (relative error <= 2u),
/// the result is then an upper bound of the exact operation.
fn up(x: Xf64) -> Xf64 {
    x.times(Xf64::from_f64(1.0 + pow2(-48)))
}

/// `x * (1 - 2^-48)` rounded: a lower bound of x (1 - 3u).
fn down(x: Xf64) -> Xf64 {
    x.times(Xf64::from_f64(1.0 - pow2(-48)))
}

impl Encl {
    /// A lower bound of the truth (rounded down).
    pub fn lower(&self) -> Xf64 {
        down(down(self.x.mul_f64(1.0 - self.rel)))
    }

    /// An upper bound of the truth (rounded up).
    pub fn upper(&self) -> Xf64 {
        // the exact kept mass is at most x / (1 - rel) (Higham: |x - mu| <= rel mu)
        up(up(up(self.x.mul_f64(1.0 / (1.0 - self.rel))).plus(self.abs)))
    }

    /// The computed value when the slack is at most `rel` relative to it
    /// (then |x - p| <= 2 rel p, see [`Encl::certified_rel`]); None otherwise.
    pub fn certified(&self) -> Option<Xf64> {
        if self.abs == Xf64::ZERO {
            return Some(self.x);
        }
        // abs (1 + rel) <= rel x, decided with outward margins
        let lhs = up(up(self.abs.mul_f64(1.0 + self.rel)));
        let rhs = down(down(self.x.mul_f64(self.rel)));
        (lhs.log10() < rhs.log10() - 1e-12 * rhs.log10().abs().max(1.0)).then_some(self.x)
    }

    /// Relative error bound of a [`Encl::certified`] value: 2 rel.
    pub fn certified_rel(&self) -> f64 {
        2.0 * self.rel
    }
}

/// Binomial coefficients C(N, k), k = 0..=N, built from both ends: each
/// entry carries at most 2 min(k, N - k) <= N roundings.
fn binomials(n: usize) -> Vec<Xf64> {
    let mut c = vec![Xf64::ZERO; n + 1];
    c[0] = Xf64::ONE;
    c[n] = Xf64::ONE;
    let mut x = Xf64::ONE;
    for k in 0..n / 2 {
        x = x.mul_f64((n - k) as f64).div_f64((k + 1) as f64);
        c[k + 1] = x;
        c[n - k - 1] = x;
    }
    c
}

/// x^k by binary powering (at most k - 1 roundings on top of x's own).
fn powi(x: Xf64, mut k: usize) -> Xf64 {
    let mut base = x;
    let mut acc = Xf64::ONE;
    let mut first = true;
    while k > 0 {
        if k & 1 == 1 {
            acc = if first { base } else { acc.times(base) };
            first = false;
        }
        k >>= 1;
        if k > 0 {
            base = base.times(base);
        }
    }
    acc
}

/// The work state of one chain computation.
struct Ctx {
    beta: usize,
    drop_ln: f64,
    ops: f64,
    max_ops: f64,
    binom_n: usize,
    binom: Vec<Xf64>,
}

impl Ctx {
    fn count(&mut self, ops: usize) -> Result<()> {
        self.ops += ops as f64;
        if self.ops > self.max_ops {
            return Err(Error::TooCostly(format!(
                "the truncated f64 chain exceeded its budget of {:.1e} operations (--max-seconds {}); \
                 raise --max-seconds, or use fewer/narrower layers",
                self.max_ops,
                super::cost::max_seconds()
            )));
        }
        Ok(())
    }

    fn binomials(&mut self, n: usize) -> &[Xf64] {
        if self.binom_n != n || self.binom.len() != n + 1 {
            self.binom = binomials(n);
            self.binom_n = n;
        }
        &self.binom
    }
}

/// ln f(k) of Binomial(n, 1 - 2^-s) (window search only; not rigorous).
fn ln_pmf(n: usize, s: usize, k: usize) -> f64 {
    let ln_alive = (-pow2(-(s as i64))).ln_1p();
    let ln_dead = -(s as f64) * std::f64::consts::LN_2;
    ln_binomial(n as u64, k as u64) + k as f64 * ln_alive + (n - k) as f64 * ln_dead
}

/// f(k) = C(n, k) alive^k 2^{-s (n - k)} in Xf64.
fn pmf_at(binom: &[Xf64], alive: Xf64, n: usize, s: usize, k: usize) -> Xf64 {
    Xf64::mul3_pow2(
        binom[k],
        powi(alive, k),
        Xf64::ONE,
        -(s as i64) * (n - k) as i64,
    )
}

/// The window [a, b] (states >= 1) of row s where ln m + ln f >= drop_ln,
/// or None.
fn row_window(n: usize, s: usize, ln_m: f64, drop_ln: f64) -> (Option<(usize, usize)>, usize) {
    let alive = 1.0 - pow2(-(s as i64));
    let mode = (((n + 1) as f64 * alive).floor() as usize).clamp(1, n);
    let keep = |k: usize| ln_m + ln_pmf(n, s, k) >= drop_ln;
    if !keep(mode) {
        return (None, 1);
    }
    // unimodal: when both ends are kept, so is everything between
    if keep(1) && keep(n) {
        return (Some((1, n)), 3);
    }
    // scan out from the mode with the ratio of consecutive terms:
    // ln f(k+1) - ln f(k) = ln(n - k) - ln(k + 1) + ln((1 - d) / d)
    let ln_odds = (-pow2(-(s as i64))).ln_1p() + s as f64 * std::f64::consts::LN_2;
    let base = ln_m + ln_pmf(n, s, mode);
    let (mut a, mut lf) = (mode, base);
    while a > 1 {
        let next = lf - ((n - a + 1) as f64).ln() + (a as f64).ln() - ln_odds;
        if next < drop_ln {
            break;
        }
        a -= 1;
        lf = next;
    }
    let (mut b, mut lf) = (mode, base);
    while b < n {
        let next = lf + ((n - b) as f64).ln() - ((b + 1) as f64).ln() + ln_odds;
        if next < drop_ln {
            break;
        }
        b += 1;
        lf = next;
    }
    (Some((a, b)), b - a + 3)
}

/// Upper bound of the row's mass on states >= 1 outside [a, b], as a
/// multiple of nothing (mass 1 rows): geometric tails, or 1 when the ratio
/// is too close to 1. Includes no safety factor.
fn row_tails(binom: &[Xf64], n: usize, s: usize, a: usize, b: usize) -> Xf64 {
    let alive = Xf64::from_f64(1.0 - pow2(-(s as i64)));
    let odds = pow2(s as i64) - 1.0; // (1 - d) / d, inf for s > 1023
    let mut t = Xf64::ZERO;
    if b < n {
        let k = b + 1;
        let rho = if k == n {
            0.0
        } else {
            (n - k) as f64 / (k + 1) as f64 * odds
        };
        t = t.plus(if rho < 0.999 {
            pmf_at(binom, alive, n, s, k).mul_f64(1.0 / (1.0 - rho))
        } else {
            Xf64::ONE
        });
    }
    if a > 1 {
        let k = a - 1;
        let sigma = k as f64 / ((n - k + 1) as f64 * odds);
        t = t.plus(if sigma < 0.999 {
            pmf_at(binom, alive, n, s, k).mul_f64(1.0 / (1.0 - sigma))
        } else {
            Xf64::ONE
        });
    }
    t
}

fn first_layer(spec: &ChainSpec, floor: usize, binom: &[Xf64]) -> TruncLayer {
    let n = spec.widths[0];
    let alive = Xf64::from_rational(&(BigRational::one() - &spec.q1));
    let dead = Xf64::from_rational(&spec.q1);
    let mut d_pows = vec![Xf64::ONE; n + 1];
    for k in (0..n).rev() {
        d_pows[k] = d_pows[k + 1].times(dead);
    }
    let mut a_pow = Xf64::ONE;
    let mut probs = Vec::with_capacity(n + 1);
    for (k, dp) in d_pows.iter().enumerate() {
        probs.push(binom[k].times(a_pow).times(*dp));
        a_pow = a_pow.times(alive);
    }
    let mut layer = TruncLayer {
        width: n,
        zero: probs[0],
        start: 1,
        kept: probs[1..].to_vec(),
        roundings: 4 * n as u64 + 2,
        dropped: Xf64::ZERO,
        zero_extra: Xf64::ZERO,
        floored: Xf64::ZERO,
        floored_roundings: 0,
    };
    apply_floor(&mut layer, floor);
    layer
}

/// Zeroes states below `floor`, adding their mass to `floored`.
fn apply_floor(layer: &mut TruncLayer, floor: usize) {
    if floor == 0 {
        return;
    }
    let mut f = layer.floored;
    let mut adds = 1u64;
    f = f.plus(layer.zero);
    layer.zero = Xf64::ZERO;
    for (i, x) in layer.kept.iter_mut().enumerate() {
        if layer.start + i >= floor {
            break;
        }
        f = f.plus(*x);
        adds += 1;
        *x = Xf64::ZERO;
    }
    layer.floored_roundings = layer
        .floored_roundings
        .max(layer.roundings)
        .saturating_add(2 * adds);
    layer.floored = f;
}

fn step(ctx: &mut Ctx, prev: &TruncLayer, n: usize, floor: usize) -> Result<TruncLayer> {
    let beta = ctx.beta;
    // rows: (p, mass, window)
    let mut rows = Vec::new();
    let mut dropped_now = Xf64::ZERO;
    let mut zero = prev.zero;
    let mut sources = 0u64;
    let (mut lo, mut hi) = (usize::MAX, 0usize);
    for (i, &m) in prev.kept.iter().enumerate() {
        if m == Xf64::ZERO {
            continue;
        }
        sources += 1;
        let p = prev.start + i;
        let s = p + beta;
        zero = zero.plus(m.mul_pow2(-(s as i64) * n as i64));
        let ln_m = m.log10() * std::f64::consts::LN_10;
        let (w, scan) = row_window(n, s, ln_m, ctx.drop_ln);
        ctx.count(scan)?;
        match w {
            None => dropped_now = up(dropped_now.plus(m.mul_pow2(1))),
            Some((a, b)) => {
                lo = lo.min(a);
                hi = hi.max(b);
                rows.push((s, m, a, b));
            }
        }
    }
    let (start, len) = if rows.is_empty() {
        (1, 0)
    } else {
        (lo, hi - lo + 1)
    };
    let mut kept = vec![Xf64::ZERO; len];
    ctx.binomials(n);
    let binom = std::mem::take(&mut ctx.binom);
    let mut work = 0usize;
    for &(s, m, a, b) in &rows {
        let alive = Xf64::from_f64(1.0 - pow2(-(s as i64)));
        let mut a_pow = powi(alive, a);
        for k in a..=b {
            let t = Xf64::mul3_pow2(binom[k], a_pow, m, -(s as i64) * (n - k) as i64);
            kept[k - start] = kept[k - start].plus(t);
            a_pow = a_pow.times(alive);
        }
        let tails = row_tails(&binom, n, s, a, b);
        dropped_now = up(dropped_now.plus(up(up(m.times(tails)).mul_pow2(1))));
        work += b - a + 1 + 64;
    }
    ctx.binom = binom;
    ctx.count(work)?;
    let roundings = prev.roundings + 3 * n as u64 + 2 + 2 * (sources + 1);
    // mass dropped before this step can reach 0 with probability at most
    // 2^{-(1 + beta) N} (absorption from a state >= 1)
    let reach = prev.dropped.mul_pow2(-((1 + beta) as i64) * n as i64);
    let mut layer = TruncLayer {
        width: n,
        zero,
        start,
        kept,
        roundings,
        dropped: up(prev.dropped.plus(dropped_now)),
        zero_extra: up(prev.zero_extra.plus(reach)),
        floored: prev.floored,
        floored_roundings: prev.floored_roundings,
    };
    apply_floor(&mut layer, floor);
    if gamma(layer.roundings.max(layer.floored_roundings)) > MAX_GAMMA {
        return Err(Error::Numerical(format!(
            "the truncated f64 chain's rounding bound exceeds {MAX_GAMMA} at layer width {n}; \
             use fewer/narrower layers"
        )));
    }
    Ok(layer)
}

/// Widest layer the truncated path takes: exponents s N_l <= 2^57 stay far
/// from i64 overflow.
pub const MAX_TRUNC_WIDTH: usize = 1 << 28;

/// Refuses (before allocating) a computation whose layers would not fit
/// the memory budget (ALG-COST: layer 1 holds five arrays of N_1 + 1
/// 16-byte numbers, later layers at most three of N_l + 1) or whose width
/// exceeds [`MAX_TRUNC_WIDTH`].
pub fn check(spec: &ChainSpec) -> Result<()> {
    let widest = spec.widths.iter().copied().max().unwrap_or(1);
    if widest > MAX_TRUNC_WIDTH {
        return Err(Error::TooCostly(format!(
            "width {widest}: the truncated f64 chain takes widths up to 2^28 = {MAX_TRUNC_WIDTH}"
        )));
    }
    let bytes = 80.0 * (widest as f64 + 1.0);
    if bytes > super::cost::max_bytes() {
        return Err(Error::TooCostly(format!(
            "width {widest}: the truncated f64 chain needs about {:.1} GB for one layer \
             (--max-memory-mb {}); raise --max-memory-mb or use narrower layers",
            bytes / 1e9,
            super::cost::max_bytes() / 1e6
        )));
    }
    Ok(())
}

/// Runs the truncated chain with floors (`None`: the plain law) and the
/// threshold 2^drop_log2; `keep_all` returns every layer, otherwise only
/// the last.
pub fn run(
    spec: &ChainSpec,
    floors: Option<&[usize]>,
    drop_log2: i64,
    keep_all: bool,
) -> Result<Vec<TruncLayer>> {
    check(spec)?;
    let floor = |l: usize| floors.map_or(0, |f| f[l]);
    let mut ctx = Ctx {
        beta: spec.bias.beta(),
        drop_ln: drop_log2 as f64 * std::f64::consts::LN_2,
        ops: 0.0,
        max_ops: OPS_PER_SECOND * super::cost::max_seconds(),
        binom_n: 0,
        binom: Vec::new(),
    };
    ctx.count(spec.widths[0] + 1)?;
    let first = first_layer(spec, floor(0), ctx.binomials(spec.widths[0]));
    let mut out = vec![first];
    for l in 1..spec.depth() {
        if spec.widths[l] != ctx.binom_n {
            ctx.count(spec.widths[l] + 1)?; // a new table of C(N, k)
        }
        let next = step(
            &mut ctx,
            out.last().expect("a layer"),
            spec.widths[l],
            floor(l),
        )?;
        if !keep_all {
            out.clear();
        }
        out.push(next);
    }
    Ok(out)
}

impl TruncLayer {
    /// Relative rounding bound gamma(r) of every kept entry.
    pub fn rel_error_bound(&self) -> f64 {
        gamma(self.roundings)
    }

    /// Computed kept mass of state k.
    pub fn value(&self, k: usize) -> Xf64 {
        if k == 0 {
            self.zero
        } else if k >= self.start && k - self.start < self.kept.len() {
            self.kept[k - self.start]
        } else {
            Xf64::ZERO
        }
    }

    /// Enclosure of P(K_l = k) (for the plain law; with floors, of the
    /// floored chain's mass at k).
    pub fn prob(&self, k: usize) -> Encl {
        Encl {
            x: self.value(k),
            rel: self.rel_error_bound(),
            abs: if k == 0 {
                self.zero_extra
            } else {
                self.dropped
            },
        }
    }

    /// Enclosure of the total mass (with floors: T(n*)).
    pub fn total(&self) -> Encl {
        let s = self.kept.iter().fold(self.zero, |acc, &x| acc.plus(x));
        Encl {
            x: s,
            rel: gamma(self.roundings + 2 * (self.kept.len() as u64 + 1)),
            abs: self.dropped,
        }
    }

    /// Enclosure of the floored mass (with floors: 1 - T(n*)).
    pub fn floored_total(&self) -> Encl {
        Encl {
            x: self.floored,
            rel: gamma(self.floored_roundings),
            abs: self.dropped,
        }
    }
}

/// Enclosure of P(born dead).
pub fn born_dead(spec: &ChainSpec, drop_log2: i64) -> Result<Encl> {
    let last = run(spec, None, drop_log2, false)?;
    Ok(last[0].prob(0))
}

/// Enclosures of T(n*) and 1 - T(n*).
pub fn trainability(
    spec: &ChainSpec,
    min_widths: &[usize],
    drop_log2: i64,
) -> Result<(Encl, Encl)> {
    spec.check_min_widths(min_widths)?;
    let last = run(spec, Some(min_widths), drop_log2, false)?;
    Ok((last[0].total(), last[0].floored_total()))
}

#[cfg(test)]
#[path = "truncated_chain_tests.rs"]
mod tests;
