//! "How deep can my network be?": the largest depth D with
//! B(D) = P(born dead at D hidden layers) <= eps at uniform width N, decided
//! rigorously for every D up to 2^63 (spec ALG-SEARCH, depth part).
//!
//! B(D) is the absorbed mass of the chain (THM-CHAIN, THM-BORN-DEAD-LAST):
//! nonnegative entries only, so every quantity is enclosed in an interval
//! with directed rounding ([`Iv`], 128-bit mantissas, i64 exponents: no
//! underflow). Regimes, from cheapest to dearest:
//! 1. B(1) = q1^N > eps: D = 0 (certified by the enclosure of q1^N);
//! 2. B(2^63) <= B(1) + (2^63 - 1) 2^{-(1+beta)N} <= eps (absorption from state
//!    k has probability 2^{-(k+beta)N}, largest at k = 1): D >= 2^63;
//! 3. binary lifting over the powers P^(2^j) of a chain on states
//!    {0, 1, ..., m, H}: with m = N - 1 it is the chain itself; with m < N - 1
//!    the states above m are lumped into H, whose row is the law from state
//!    m + 1 (pessimistic: B is over-estimated) or from N (optimistic: B is
//!    under-estimated); the chain is stochastically monotone, so the two
//!    lumped chains bracket B (LEM-LUMPED-BRACKET in spec ALG-SEARCH);
//! 4. when the enclosures straddle eps: exact rationals if affordable, else
//!    the interval of possible depths is the answer.

use super::xf128::{Dir, Iv, Xf128};
use super::{cost, dyadic_chain, BiasMode, ChainSpec};
use crate::error::{Error, Result};
use num_rational::BigRational;
use num_traits::{One, Zero};
use rayon::prelude::*;

/// Depths are searched in 1..=2^63; `depth_min == DEPTH_CAP` means D >= 2^63.
pub const DEPTH_CAP: u64 = 1 << 63;
/// Largest width accepted (the lumped rows cost O(N) each).
pub const MAX_WIDTH: usize = 1 << 20;
/// Largest lifted chain when the width is lumped (states incl. 0 and H).
const LUMPED_STATES: [usize; 3] = [16, 32, 64];
/// Largest unlumped chain (N + 1 states) the search will lift.
pub const MAX_FULL_STATES: usize = 72;
/// Interval operations allowed for stepping the unlumped chain.
const STEP_BUDGET: f64 = 3e6;
/// At most this many steps of the unlumped chain.
const MAX_STEPS: u64 = 64;
/// Time budget (ALG-COST seconds) of the exact tie-breaking fallback.
const EXACT_FALLBACK_SECONDS: f64 = 2.0;
/// Time budget of the exact values printed next to a small answer.
const EXACT_REPORT_SECONDS: f64 = 0.2;

/// An enclosure of a probability: lower <= P <= upper, with the exact value
/// when it was computed.
#[derive(Clone, Debug)]
pub struct ProbEnclosure {
    /// Rounded-down lower end.
    pub lower: Xf128,
    /// Rounded-up upper end.
    pub upper: Xf128,
    /// Exact value, when computed.
    pub exact: Option<BigRational>,
}

impl ProbEnclosure {
    fn from_iv(iv: Iv) -> Self {
        ProbEnclosure {
            lower: iv.lo,
            upper: iv.hi,
            exact: None,
        }
    }

    fn exact(r: BigRational) -> Self {
        let iv = Iv::from_rational(&r);
        ProbEnclosure {
            lower: iv.lo,
            upper: iv.hi,
            exact: Some(r),
        }
    }
}

/// Answer of [`max_depth_born_dead`]: D* lies in [depth_min, depth_max].
#[derive(Clone, Debug)]
pub struct DepthAnswer {
    /// Certified lower end: B(depth_min) <= eps (`DEPTH_CAP`: D* >= 2^63).
    pub depth_min: u64,
    /// Certified upper end: B(depth_max + 1) > eps; None when D* may be
    /// 2^63 or more.
    pub depth_max: Option<u64>,
    /// Enclosure of B(depth_min) (B(0) = 0).
    pub born_dead: ProbEnclosure,
    /// Enclosure of B(depth_max + 1) (None with `depth_max`).
    pub born_dead_next: Option<ProbEnclosure>,
    /// How the answer was decided: "exact", "enclosure" or "bound".
    pub method: &'static str,
    /// Steps of the unlumped chain taken (regime 3a; 0 when a bound
    /// decided): at most floor(3e6 / (N + 1)^2), capped at 64.
    pub unlumped_steps: u64,
    /// States of each chain lifted in regime 3b, in order (lumped chains
    /// of 16, 32, 64 states, then the full chain of N + 1 states when
    /// N < 72); empty when an earlier regime decided.
    pub lifted_chains: Vec<usize>,
}

impl DepthAnswer {
    /// True when the depth is known exactly (or known to be >= 2^63).
    pub fn decided(&self) -> bool {
        self.depth_max == Some(self.depth_min) || self.saturated()
    }

    /// True when B(2^63) <= eps is proven: depth is no constraint.
    pub fn saturated(&self) -> bool {
        self.depth_min >= DEPTH_CAP
    }
}

/// Law of Binomial(n, p) with P(fail) = 2^-s, lumped: entries 0..=m and
/// the tail k > m, as enclosures (streaming, O(n) time, O(m) memory).
fn lumped_binomial_pow2(n: usize, s: u64, m: usize) -> Vec<Iv> {
    // pi = 1 - 2^-s: exact for s <= 128, else within [1 - 2^-128, 1]
    let pi = if s <= 128 {
        let num = if s == 128 {
            u128::MAX
        } else {
            (1u128 << s) - 1
        };
        let x = Xf128::from_u128(num).mul_pow2(-(s as i64));
        Iv::point(x)
    } else {
        Iv {
            lo: Xf128::from_u128(u128::MAX).mul_pow2(-128),
            hi: Xf128::ONE,
        }
    };
    // P(k) = C(n,k) pi^k 2^{-s(n-k)}; P(k+1) = P(k) (n-k)/(k+1) pi 2^s
    let first = Iv::ONE.mul_pow2(-(s as i64) * n as i64);
    lumped_from_recurrence(n, m, first, |x, k| {
        x.mul(Iv::point(Xf128::from_u64((n - k) as u64)))
            .div_u64(k as u64 + 1)
            .mul(pi)
            .mul_pow2(s as i64)
    })
}

/// Law of K_1 ~ Binomial(n, 1 - q1), lumped at m.
fn lumped_first_layer(n: usize, q1: &BigRational, m: usize) -> Vec<Iv> {
    let mut out = vec![Iv::ZERO; m + 2];
    if q1.is_zero() {
        out[if n <= m { n } else { m + 1 }] = Iv::ONE;
        return out;
    }
    if q1.is_one() {
        out[0] = Iv::ONE;
        return out;
    }
    let first = Iv::from_rational(q1).powu(n as u64);
    let ratio = Iv::from_rational(&((BigRational::one() - q1) / q1));
    lumped_from_recurrence(n, m, first, |x, k| {
        x.mul(Iv::point(Xf128::from_u64((n - k) as u64)))
            .div_u64(k as u64 + 1)
            .mul(ratio)
    })
}

fn lumped_from_recurrence(
    n: usize,
    m: usize,
    first: Iv,
    next: impl Fn(Iv, usize) -> Iv,
) -> Vec<Iv> {
    let mut out = vec![Iv::ZERO; m + 2];
    let mut x = first;
    for k in 0..=n {
        let slot = k.min(m + 1);
        out[slot] = out[slot].add(x);
        if k < n {
            x = next(x, k);
        }
    }
    out
}

/// One step of the unlumped chain at width n (rows generated on the fly).
fn step_full(v: &[Iv], n: usize, beta: usize) -> Vec<Iv> {
    let mut out = vec![Iv::ZERO; n + 1];
    out[0] = v[0];
    for (p, &mass) in v.iter().enumerate().skip(1) {
        if mass.hi.is_zero() {
            continue;
        }
        let row = lumped_binomial_pow2(n, (p + beta) as u64, n - 1);
        for (slot, &t) in out.iter_mut().zip(&row) {
            *slot = slot.add(mass.mul(t));
        }
    }
    out
}

/// Interval matrix (row-major, `s x s`).
#[derive(Clone)]
struct Mat {
    s: usize,
    a: Vec<Iv>,
}

impl Mat {
    fn square(&self) -> Mat {
        let s = self.s;
        let a = &self.a;
        let rows: Vec<Vec<Iv>> = (0..s)
            .into_par_iter()
            .map(|i| {
                let mut row = vec![Iv::ZERO; s];
                for k in 0..s {
                    let x = a[i * s + k];
                    if x.hi.is_zero() {
                        continue;
                    }
                    for (j, slot) in row.iter_mut().enumerate() {
                        let y = a[k * s + j];
                        if !y.hi.is_zero() {
                            *slot = slot.add(x.mul(y));
                        }
                    }
                }
                row
            })
            .collect();
        Mat {
            s,
            a: rows.concat(),
        }
    }

    fn apply(&self, v: &[Iv]) -> Vec<Iv> {
        let s = self.s;
        let mut out = vec![Iv::ZERO; s];
        for (i, &x) in v.iter().enumerate() {
            if x.hi.is_zero() {
                continue;
            }
            for (j, slot) in out.iter_mut().enumerate() {
                let y = self.a[i * s + j];
                if !y.hi.is_zero() {
                    *slot = slot.add(x.mul(y));
                }
            }
        }
        out
    }
}

/// The (lumped) chain: first-layer law and the powers P^(2^j), j = 0..=62.
struct Lifted {
    v1: Vec<Iv>,
    powers: Vec<Mat>,
}

impl Lifted {
    /// `h_rep`: the state whose law the lumped state H uses.
    fn new(n: usize, beta: usize, q1: &BigRational, m: usize, h_rep: usize) -> Lifted {
        let s = m + 2;
        let mut a = vec![Iv::ZERO; s * s];
        a[0] = Iv::ONE;
        for y in 1..=m + 1 {
            let from = if y == m + 1 { h_rep } else { y };
            let row = lumped_binomial_pow2(n, (from + beta) as u64, m);
            a[y * s..(y + 1) * s].copy_from_slice(&row);
        }
        let mut powers = vec![Mat { s, a }];
        for j in 1..63 {
            let p = powers[j - 1].square();
            powers.push(p);
        }
        Lifted {
            v1: lumped_first_layer(n, q1, m),
            powers,
        }
    }

    /// Enclosure of the state law at depth d >= 1.
    fn law_at(&self, d: u64) -> Vec<Iv> {
        let mut v = self.v1.clone();
        let steps = d - 1;
        for (j, p) in self.powers.iter().enumerate() {
            if steps >> j & 1 == 1 {
                v = p.apply(&v);
            }
        }
        v
    }

    /// Binary lifting: the largest d in 0..=2^63 for which `accept(B(d))`
    /// held along the search (B(1), then B(d + 2^j) for j = 62..0).
    fn lift(&self, accept: impl Fn(Iv) -> bool) -> u64 {
        if !accept(self.v1[0]) {
            return 0;
        }
        let (mut d, mut cur) = (1u64, self.v1.clone());
        for j in (0..63).rev() {
            let cand = self.powers[j].apply(&cur);
            if accept(cand[0]) {
                cur = cand;
                d += 1 << j;
            }
        }
        d
    }
}

/// Largest depth D (hidden layers) with P(born dead) <= eps at uniform
/// width `width`, decided with rigorous enclosures (see the module doc).
pub fn max_depth_born_dead(
    width: usize,
    bias: BiasMode,
    q1: &BigRational,
    eps: &BigRational,
) -> Result<DepthAnswer> {
    if width == 0 {
        return Err(Error::input("width must be at least 1"));
    }
    if width > MAX_WIDTH {
        return Err(Error::TooCostly(format!(
            "width {width}: the depth search takes widths up to {MAX_WIDTH}; P(born dead) at such widths \
             is below 2^-{MAX_WIDTH} per layer, so depth is no practical constraint"
        )));
    }
    if !(eps >= &BigRational::zero() && eps < &BigRational::one()) {
        return Err(Error::input("eps must be in [0, 1)"));
    }
    if q1 < &BigRational::zero() || q1 > &BigRational::one() {
        return Err(Error::input(format!("q1 = {q1} is outside [0, 1]")));
    }
    let n = width;
    let beta = bias.beta();
    let e = Iv::from_rational(eps);
    let le = |b: Iv| b.hi.cmp_value(e.lo).is_le(); // certainly B <= eps
    let gt = |b: Iv| b.lo.cmp_value(e.hi).is_gt(); // certainly B > eps
    let b1 = Iv::from_rational(q1).powu(n as u64);
    // regime 1: born dead at one layer already
    if gt(b1) {
        return Ok(DepthAnswer {
            depth_min: 0,
            depth_max: Some(0),
            born_dead: ProbEnclosure::exact(BigRational::zero()),
            born_dead_next: Some(ProbEnclosure::from_iv(b1)),
            method: "bound",
            unlumped_steps: 0,
            lifted_chains: Vec::new(),
        });
    }
    // regime 2: B(2^63) <= B(1) + (2^63 - 1) 2^{-(1+beta)N}
    let crude = b1.add(Iv::ONE.mul_pow2(63 - ((1 + beta) * n) as i64));
    if le(crude) {
        return Ok(DepthAnswer {
            depth_min: DEPTH_CAP,
            depth_max: None,
            born_dead: ProbEnclosure::from_iv(Iv {
                lo: b1.lo,
                hi: crude.hi,
            }),
            born_dead_next: None,
            method: "bound",
            unlumped_steps: 0,
            lifted_chains: Vec::new(),
        });
    }
    // regime 3a: step the unlumped chain while that is cheap (small depths)
    let steps = (STEP_BUDGET / ((n + 1) * (n + 1)) as f64) as u64;
    let steps = steps.min(MAX_STEPS);
    let mut v = lumped_first_layer(n, q1, n - 1);
    let mut prev: Option<Iv> = None; // B(t - 1)
    let mut last_le = 0u64;
    for t in 1..=steps {
        if t > 1 {
            v = step_full(&v, n, beta);
        }
        let b = v[0];
        if le(b) {
            last_le = t;
        }
        if gt(b) {
            let below = prev.map_or(
                ProbEnclosure::exact(BigRational::zero()),
                ProbEnclosure::from_iv,
            );
            return finish(
                n,
                bias,
                q1,
                eps,
                last_le,
                Some(t - 1),
                below,
                Some(ProbEnclosure::from_iv(b)),
            )
            .map(|a| DepthAnswer {
                unlumped_steps: t,
                ..a
            });
        }
        prev = Some(b);
    }
    // regime 3b: lifting, lumped chains of growing size, then the full chain
    // lumped chains much smaller than the full one, then the full chain when
    // affordable (a lumped pair of more than half its size costs as much)
    let full_ok = n < MAX_FULL_STATES;
    let mut sizes: Vec<usize> = LUMPED_STATES
        .iter()
        .copied()
        .filter(|&s| s < n + 1 && !(full_ok && 2 * s > n + 1))
        .collect();
    if full_ok {
        sizes.push(n + 1);
    }
    let mut best: Option<(u64, Option<u64>, Lifted, Option<Lifted>)> = None;
    let mut lifted_chains = Vec::new();
    for s in sizes {
        lifted_chains.push(s);
        let m = s - 2;
        let full = m + 1 == n;
        let pess = Lifted::new(n, beta, q1, m, m + 1);
        let lo_depth = pess.lift(le).max(last_le);
        // the optimistic chain is only needed when saturation is not proven
        let opt = if full || lo_depth == DEPTH_CAP {
            None
        } else {
            Some(Lifted::new(n, beta, q1, m, n))
        };
        let hi_depth = match (&opt, full) {
            (Some(o), _) => o.lift(|b| !gt(b)),
            (None, true) => pess.lift(|b| !gt(b)),
            (None, false) => DEPTH_CAP,
        };
        let hi_depth = (hi_depth < DEPTH_CAP).then_some(hi_depth);
        if hi_depth.is_some_and(|h| h < lo_depth) {
            return Err(Error::Numerical(format!(
                "depth search: enclosures contradict each other (depth >= {lo_depth} and <= {hi_depth:?}); please report"
            )));
        }
        let decided = lo_depth == DEPTH_CAP || hi_depth == Some(lo_depth);
        best = Some((lo_depth, hi_depth, pess, opt));
        if decided {
            break;
        }
    }
    let (lo_depth, hi_depth, pess, opt) = best.expect("at least one chain size");
    let full = pess.v1.len() == n + 1;
    let enclose = |d: u64| -> ProbEnclosure {
        if d == 0 {
            return ProbEnclosure::exact(BigRational::zero());
        }
        let up = pess.law_at(d)[0];
        // lower end: the optimistic chain, the chain itself, or B(1) = q1^N
        let down = match &opt {
            Some(o) => o.law_at(d)[0],
            None if full => up,
            None => b1,
        };
        ProbEnclosure::from_iv(Iv {
            lo: down.lo,
            hi: up.hi,
        })
    };
    let below = enclose(lo_depth);
    let next = hi_depth.map(|h| enclose(h + 1));
    finish(n, bias, q1, eps, lo_depth, hi_depth, below, next).map(|a| DepthAnswer {
        unlumped_steps: steps,
        lifted_chains,
        ..a
    })
}

/// Regime 4 and the report: breaks a tie in exact rationals when that is
/// affordable, and adds exact values next to a small decided answer.
#[allow(clippy::too_many_arguments)]
fn finish(
    n: usize,
    bias: BiasMode,
    q1: &BigRational,
    eps: &BigRational,
    mut lo_depth: u64,
    mut hi_depth: Option<u64>,
    mut born_dead: ProbEnclosure,
    mut born_dead_next: Option<ProbEnclosure>,
) -> Result<DepthAnswer> {
    let mut method = "enclosure";
    // regime 4: a tie within the enclosures: exact rationals if affordable
    if let Some(h) = hi_depth {
        if h > lo_depth && exact_affordable(n, bias, q1, h + 1, EXACT_FALLBACK_SECONDS) {
            let by_depth = exact_by_depth(n, bias, q1, h + 1)?;
            let d = by_depth.iter().take_while(|p| *p <= eps).count() as u64;
            lo_depth = d;
            hi_depth = Some(d);
            let at = |d: u64| {
                if d == 0 {
                    BigRational::zero()
                } else {
                    by_depth[d as usize - 1].clone()
                }
            };
            born_dead = ProbEnclosure::exact(at(d));
            born_dead_next = Some(ProbEnclosure::exact(at(d + 1)));
            method = "exact";
        }
    }
    // exact values next to a small decided answer (cross-checked)
    if let Some(h) = hi_depth {
        if h == lo_depth && exact_affordable(n, bias, q1, h + 1, EXACT_REPORT_SECONDS) {
            let by_depth = exact_by_depth(n, bias, q1, h + 1)?;
            let at = |d: u64| {
                if d == 0 {
                    BigRational::zero()
                } else {
                    by_depth[d as usize - 1].clone()
                }
            };
            let (b, bn) = (at(h), at(h + 1));
            for (x, enc) in [(&b, &born_dead), (&bn, born_dead_next.as_ref().unwrap())] {
                let inside = Xf128::from_rational(x, Dir::Down)
                    .cmp_value(enc.upper)
                    .is_le()
                    && Xf128::from_rational(x, Dir::Up)
                        .cmp_value(enc.lower)
                        .is_ge();
                if !(inside && &b <= eps && &bn > eps) {
                    return Err(Error::Numerical(format!(
                        "depth search: exact value at depth {h} disagrees with its enclosure; please report"
                    )));
                }
            }
            born_dead = ProbEnclosure::exact(b);
            born_dead_next = Some(ProbEnclosure::exact(bn));
            method = "exact";
        }
    }
    Ok(DepthAnswer {
        depth_min: lo_depth,
        depth_max: hi_depth,
        born_dead,
        born_dead_next,
        method,
        unlumped_steps: 0,
        lifted_chains: Vec::new(),
    })
}

fn exact_affordable(n: usize, bias: BiasMode, q1: &BigRational, depth: u64, seconds: f64) -> bool {
    if depth > 100_000 {
        return false;
    }
    match ChainSpec::new(vec![n; depth as usize], bias, q1.clone()) {
        Ok(spec) => {
            let c = cost::estimate(&spec);
            c.seconds <= seconds && c.bytes_all_layers <= 256.0 * 1024.0 * 1024.0
        }
        Err(_) => false,
    }
}

fn exact_by_depth(
    n: usize,
    bias: BiasMode,
    q1: &BigRational,
    depth: u64,
) -> Result<Vec<BigRational>> {
    let spec = ChainSpec::new(vec![n; depth as usize], bias, q1.clone())?;
    Ok(dyadic_chain::born_dead_by_depth(&spec))
}
