//! `width` and `depth` for the laws of THM-CHAIN-GENERAL (spec
//! ALG-SEARCH-GENERAL), on the scaled-f64 law of BOUND-F64-GENERAL: every
//! comparison with eps is decided on an exact-rational enclosure of the
//! computed value (its relative error bound), or reported undecided.

use super::float_chain::{gamma, Xf64};
use super::general::{GeneralChain, StepLaw};
use super::general_float::{enclosure, first_layer, law_with, step, transition_rows, PdPairs};
use crate::error::{Error, Result};
use num_rational::BigRational;

/// A probability known to lie in [lo, hi] (exact rationals), with the
/// computed value it was derived from.
#[derive(Clone, Debug, PartialEq)]
pub struct Bounded {
    /// The computed value.
    pub value: Xf64,
    /// Lower end (exact).
    pub lo: BigRational,
    /// Upper end (exact).
    pub hi: BigRational,
    /// The relative error bound that gave [lo, hi].
    pub rel: f64,
}

impl Bounded {
    fn new(value: Xf64, rel: f64) -> Option<Self> {
        let (lo, hi) = enclosure(value, rel)?;
        Some(Bounded { value, lo, hi, rel })
    }
}

/// How the depth search ended.
#[derive(Clone, Debug, PartialEq)]
pub enum DepthAnswer {
    /// P(born dead) <= eps up to `depth` hidden layers and > eps at
    /// `depth + 1` (`depth` = 0: one layer already exceeds eps).
    Depth(usize),
    /// P(born dead) <= eps at every depth: the mass at 0 plus all mass on
    /// states from which 0 is reachable is <= eps at depth `at` (an upper
    /// bound on the limit, since P(born dead) is non-decreasing).
    NoConstraint {
        /// Depth where the bound was established.
        at: usize,
        /// Upper bound on P(born dead) at every depth.
        limit_upper: BigRational,
    },
    /// The enclosure at depth `at` contains eps: the depth is `at - 1` or
    /// more, not decided at this precision.
    Undecided {
        /// Depth whose enclosure straddles eps.
        at: usize,
    },
    /// The budget of layers ran out: P(born dead) <= eps up to `at` layers.
    AtLeast {
        /// Depth reached.
        at: usize,
    },
}

/// Result of [`max_depth`].
#[derive(Clone, Debug, PartialEq)]
pub struct GeneralDepth {
    /// How the search ended.
    pub answer: DepthAnswer,
    /// P(born dead) at the last depth where it was <= eps (None when even
    /// one layer exceeds eps).
    pub born_dead: Option<Bounded>,
    /// P(born dead) at the next depth (the one that exceeds eps or is
    /// undecided).
    pub born_dead_next: Option<Bounded>,
}

/// Largest number of layers the depth search runs (each costs N^2
/// multiply-adds; the budget of cost::F64_STEPS_PER_MINUTE also applies).
pub const MAX_GENERAL_DEPTH: usize = 1_000_000;

/// Largest uniform width of the searches (N^2 transition rows are kept).
pub const MAX_GENERAL_WIDTH: usize = 2048;

fn check_width(n: usize) -> Result<()> {
    if n == 0 {
        return Err(Error::input("width must be >= 1"));
    }
    if n > MAX_GENERAL_WIDTH {
        return Err(Error::TooCostly(format!(
            "width {n}: the search under a general law keeps N^2 transition entries; \
             it takes widths up to {MAX_GENERAL_WIDTH}"
        )));
    }
    Ok(())
}

/// States p >= 1 from which 0 can be reached in a uniform-width chain
/// with these rounded pairs (s(p), 1 - s(p)) (`pairs[p - 1]`; a rounded
/// s(p) is 0 exactly when s(p) is): every p with s(p) > 0, and when s(n) >
/// 0 all of them (s(p) = 0 sends p to n surely).
fn reaches_zero(pairs: &[(Xf64, Xf64)]) -> Vec<bool> {
    let n_reaches = pairs.last().is_some_and(|&(s, _)| s != Xf64::ZERO);
    pairs
        .iter()
        .map(|&(s, _)| n_reaches || s != Xf64::ZERO)
        .collect()
}

/// The largest depth D with P(born dead) <= eps at uniform width `n` under
/// one step law for every layer after the first (ALG-SEARCH-GENERAL).
pub fn max_depth(
    n: usize,
    q1: &BigRational,
    law_: &StepLaw,
    eps: &BigRational,
) -> Result<GeneralDepth> {
    check_width(n)?;
    let per_layer = n as f64 * (n as f64 + 1.0);
    let budget = super::cost::F64_STEPS_PER_MINUTE * super::cost::max_seconds() / 60.0;
    let max_layers = ((budget / per_layer) as usize).clamp(1, MAX_GENERAL_DEPTH);
    let pairs = PdPairs::new(law_).upto(n);
    let rows = transition_rows(n, &pairs);
    let reach = reaches_zero(&pairs);
    let mut d = first_layer(n, q1, 0);
    let eps_f = crate::rational::to_f64(eps);
    let bounded = |x: Xf64, rel: f64| Bounded::new(x, rel);
    let mut last_ok: Option<(Xf64, f64)> = None;
    let done = |answer, ok: Option<(Xf64, f64)>, next: Option<Bounded>| GeneralDepth {
        answer,
        born_dead: ok.and_then(|(x, r)| bounded(x, r)),
        born_dead_next: next,
    };
    for depth in 1..=max_layers {
        if depth > 1 {
            d = step(&d, &rows, 0).0;
        }
        let rel = d.rel_error_bound();
        let p0 = d.probs[0];
        let here = if depth == 1 {
            // P(born dead) = q1^N exactly at depth 1: compare it exactly
            let x = num_traits::pow(q1.clone(), n);
            Some(if x <= *eps { Side::Below } else { Side::Above })
        } else {
            side(p0, rel, eps, eps_f)
        };
        match here {
            None => return Ok(done(DepthAnswer::AtLeast { at: depth - 1 }, last_ok, None)),
            Some(Side::Above) => {
                return Ok(done(
                    DepthAnswer::Depth(depth - 1),
                    last_ok,
                    bounded(p0, rel),
                ))
            }
            Some(Side::Straddles) => {
                return Ok(done(
                    DepthAnswer::Undecided { at: depth },
                    last_ok,
                    bounded(p0, rel),
                ))
            }
            Some(Side::Below) => {}
        }
        // mass that can still reach 0: at 0, or on a state that reaches it
        let reachable = d
            .probs
            .iter()
            .enumerate()
            .filter(|&(k, _)| k == 0 || reach[k - 1])
            .fold(Xf64::ZERO, |a, (_, &x)| a.plus(x));
        let r_sum = gamma(d.roundings + 2 * (n as u64 + 1));
        if side(reachable, r_sum, eps, eps_f) == Some(Side::Below) {
            let (_, hi) = enclosure(reachable, r_sum).expect("finite bound");
            return Ok(done(
                DepthAnswer::NoConstraint {
                    at: depth,
                    limit_upper: hi,
                },
                Some((p0, rel)),
                None,
            ));
        }
        last_ok = Some((p0, rel));
    }
    Ok(done(DepthAnswer::AtLeast { at: max_layers }, last_ok, None))
}

/// Where x (1 +- rel) lies with respect to eps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// x (1 + rel) <= eps.
    Below,
    /// x (1 - rel) > eps.
    Above,
    /// Neither.
    Straddles,
}

/// [`Side`] of the enclosure of `x` (None when `rel` is not finite). A
/// quick f64 comparison with a 1e-12 relative margin (far above the few
/// roundings it makes) settles the clear cases; the rest are compared in
/// exact rationals.
fn side(x: Xf64, rel: f64, eps: &BigRational, eps_f: f64) -> Option<Side> {
    if !rel.is_finite() {
        return None;
    }
    let xf = x.to_f64();
    let normal = |v: f64| v.is_finite() && v >= f64::MIN_POSITIVE;
    if normal(xf) && normal(eps_f) && rel < 0.5 {
        if xf * (1.0 + rel) * (1.0 + 1e-12) < eps_f * (1.0 - 1e-12) {
            return Some(Side::Below);
        }
        if xf * (1.0 - rel) * (1.0 - 1e-12) > eps_f * (1.0 + 1e-12) {
            return Some(Side::Above);
        }
    }
    let (lo, hi) = enclosure(x, rel)?;
    Some(if hi <= *eps {
        Side::Below
    } else if lo > *eps {
        Side::Above
    } else {
        Side::Straddles
    })
}

/// Result of [`min_width`].
#[derive(Clone, Debug, PartialEq)]
pub struct GeneralWidth {
    /// The smallest uniform width N with T(n*) >= 1 - eps, when decided.
    pub width: Option<usize>,
    /// When undecided: the width whose enclosure of 1 - T contains eps
    /// (every narrower width was decided below the target).
    pub undecided_at: Option<usize>,
    /// 1 - T at `width` (or at `undecided_at`).
    pub failure: Option<Bounded>,
    /// 1 - T at the width below (decided > eps), when there is one.
    pub failure_below: Option<Bounded>,
}

/// The smallest uniform width N (from max n* upwards, every width tried)
/// with T(n*) >= 1 - eps at `depth` hidden layers under `law_`
/// (ALG-SEARCH-GENERAL). Trainability need not be monotone in N under a
/// general law (RAI's s depends on N), so this is the smallest such
/// width, not a threshold beyond which every width passes.
pub fn min_width(
    depth: usize,
    min_widths: &[usize],
    q1: &BigRational,
    law_: &StepLaw,
    eps: &BigRational,
) -> Result<GeneralWidth> {
    if depth == 0 {
        return Err(Error::input("depth must be >= 1"));
    }
    if min_widths.len() != depth {
        return Err(Error::input(format!(
            "{} minimum widths for {depth} hidden layers",
            min_widths.len()
        )));
    }
    let one = BigRational::from_integer(1.into());
    let all_pd = matches!(law_, StepLaw::Signs { weight, bias } if *weight == one && *bias == one);
    if *q1 == one || (depth >= 2 && all_pd) {
        return Err(Error::input(
            "trainability is 0 at every width under this law (q1 = 1, or every neuron after the \
             first layer PD surely: P(w <= 0) = P(b <= 0) = 1): no width is trainable",
        ));
    }
    let budget = super::cost::F64_STEPS_PER_MINUTE * super::cost::max_seconds() / 60.0;
    let cost = |n: usize| depth as f64 * n as f64 * (n as f64 + 1.0);
    let mut cache = Vec::new();
    let mut failure_at = |n: usize| -> Result<Option<Bounded>> {
        let chain = GeneralChain::new_f64(vec![n; depth], q1.clone(), vec![law_.clone()])?;
        let fl = law_with(&chain, Some(min_widths), &mut cache);
        Ok(Bounded::new(fl.failure, fl.failure_rel))
    };
    let start = min_widths.iter().copied().max().unwrap_or(1).max(1);
    // a width that passes, by doubling (cheap: the cost of the last one
    // dominates), so the cost of the full scan is known before it runs
    let mut spent = 0.0;
    let mut n = start;
    let passing = loop {
        spent += cost(n);
        if spent > budget {
            return Err(Error::TooCostly(format!(
                "no uniform width up to {} reaches trainability 1 - eps under this law within the \
                 budget (about {spent:.1e} floating-point steps); raise --max-seconds, or a larger eps",
                n / 2
            )));
        }
        if failure_at(n)?.is_some_and(|f| f.hi <= *eps) {
            break n;
        }
        if n == MAX_GENERAL_WIDTH {
            return Err(Error::TooCostly(format!(
                "no uniform width up to {MAX_GENERAL_WIDTH} (the search's limit) reaches \
                 trainability 1 - eps under this law"
            )));
        }
        n = (2 * n).min(MAX_GENERAL_WIDTH);
    };
    let scan: f64 = (start..=passing).map(cost).sum();
    if spent + scan > budget {
        return Err(Error::TooCostly(format!(
            "width {passing} reaches trainability 1 - eps, but finding the smallest width means \
             computing every width from {start} to {passing}: about {scan:.1e} floating-point \
             steps (budget {budget:.1e}); raise --max-seconds"
        )));
    }
    let mut below: Option<Bounded> = None;
    for n in start..=passing {
        let Some(f) = failure_at(n)? else {
            return Ok(GeneralWidth {
                width: None,
                undecided_at: Some(n),
                failure: None,
                failure_below: below,
            });
        };
        if f.hi <= *eps {
            return Ok(GeneralWidth {
                width: Some(n),
                undecided_at: None,
                failure: Some(f),
                failure_below: below,
            });
        }
        if f.lo <= *eps {
            return Ok(GeneralWidth {
                width: None,
                undecided_at: Some(n),
                failure: Some(f),
                failure_below: below,
            });
        }
        below = Some(f);
    }
    unreachable!("width {passing} was decided passing")
}
