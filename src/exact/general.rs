//! The chain for any per-layer sign law (spec THM-CHAIN-GENERAL): given p
//! non-PD neurons in layer l-1, each neuron of layer l is PD with
//! probability s_l(p), independently. Independent signs give
//! s = c a^p (a = P(w <= 0), c = P(b <= 0)); RAI gives
//! s = (n - p) / (n + 1) 2^-(p+1) with n = N_{l-1}. Plain rationals, the
//! reference algorithm of THM-CHAIN with s_l(p) in place of 2^-(p+beta).

use super::{BiasMode, ExactLaw};
use crate::error::{Error, Result};
use crate::rational::{parse_user_probability, parse_user_rational};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// The PD probability of a layer-l neuron (l >= 2) given p non-PD neurons
/// in layer l-1 (spec THM-CHAIN-GENERAL).
#[derive(Clone, Debug, PartialEq)]
pub enum StepLaw {
    /// Independent entries: weights nonpositive with probability `weight`
    /// (a, an atom at 0 included), the bias with probability `bias` (c).
    Signs {
        /// a = P(w <= 0).
        weight: BigRational,
        /// c = P(b <= 0).
        bias: BigRational,
    },
    /// Randomized asymmetric initialization (ALG-RAI).
    Rai,
}

impl StepLaw {
    /// The law of assumptions (A): a = 1/2, c = 1 (zero bias) or 1/2.
    pub fn symmetric(bias: BiasMode) -> Self {
        let half = BigRational::new(1.into(), 2.into());
        StepLaw::Signs {
            weight: half.clone(),
            bias: match bias {
                BiasMode::Zero => BigRational::one(),
                BiasMode::Symmetric => half,
            },
        }
    }

    /// s(p) given p non-PD neurons out of `n` in the previous layer; 1 for
    /// p = 0 (DEF-PD: an entirely PD layer makes the next one PD).
    pub fn pd_probability(&self, p: usize, n: usize) -> BigRational {
        if p == 0 {
            return BigRational::one();
        }
        match self {
            StepLaw::Signs { weight, bias } => bias * num_traits::pow(weight.clone(), p),
            StepLaw::Rai => BigRational::new(
                BigInt::from(n.saturating_sub(p)),
                BigInt::from(n + 1) << (p + 1),
            ),
        }
    }

    /// ln s(p) in f64 without underflow (-inf when s = 0).
    pub fn ln_pd_probability(&self, p: usize, n: usize) -> f64 {
        if p == 0 {
            return 0.0;
        }
        let ln = |r: &BigRational| {
            if r.is_zero() {
                f64::NEG_INFINITY
            } else {
                crate::rational::to_f64(r).ln()
            }
        };
        match self {
            StepLaw::Signs { weight, bias } => {
                let lw = ln(weight);
                let lb = ln(bias);
                if lb == f64::NEG_INFINITY || lw == f64::NEG_INFINITY {
                    f64::NEG_INFINITY
                } else {
                    lb + p as f64 * lw
                }
            }
            StepLaw::Rai if p >= n => f64::NEG_INFINITY,
            StepLaw::Rai => {
                ((n - p) as f64 / (n + 1) as f64).ln() - (p + 1) as f64 * std::f64::consts::LN_2
            }
        }
    }

    /// c = P(b <= 0) of a sign law (0 for RAI, which is never compared).
    pub fn bias_sign(&self) -> BigRational {
        match self {
            StepLaw::Signs { bias, .. } => bias.clone(),
            StepLaw::Rai => BigRational::zero(),
        }
    }

    /// Is this the law of assumptions (A), and with which bias mode?
    pub fn as_symmetric(&self) -> Option<BiasMode> {
        [BiasMode::Zero, BiasMode::Symmetric]
            .into_iter()
            .find(|&m| *self == StepLaw::symmetric(m))
    }

    /// A short description: "signs a = 1/2, c = 1" or "rai".
    pub fn describe(&self) -> String {
        match self {
            StepLaw::Signs { weight, bias } => {
                format!("signs a = {weight}, c = {bias}")
            }
            StepLaw::Rai => "rai".into(),
        }
    }
}

/// The weight part of `--law`: `he` (any symmetric law without atom, a =
/// 1/2; also `symmetric`), `sparse:S` (0 with probability S, else
/// symmetric: a = (1 + S)/2), `weight-sign:A` (a = A), or `rai`.
#[derive(Clone, Debug, PartialEq)]
pub enum WeightLaw {
    /// a = P(w <= 0).
    Sign(BigRational),
    /// ALG-RAI (its own bias).
    Rai,
}

impl std::str::FromStr for WeightLaw {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let half = || BigRational::new(1.into(), 2.into());
        let t = s.trim();
        if t == "he" || t == "symmetric" {
            return Ok(WeightLaw::Sign(half()));
        }
        if t == "rai" {
            return Ok(WeightLaw::Rai);
        }
        if let Some(v) = t.strip_prefix("sparse:") {
            let z = parse_user_probability(v, "the sparsity S of sparse:S")?;
            return Ok(WeightLaw::Sign((BigRational::one() + z) * half()));
        }
        if let Some(v) = t.strip_prefix("weight-sign:") {
            return Ok(WeightLaw::Sign(parse_user_probability(
                v,
                "P(w <= 0) of weight-sign:A",
            )?));
        }
        Err(Error::input(format!(
            "law {s:?}: expected he (symmetric weights), rai, sparse:S (a fraction S of zeros) \
             or weight-sign:A (P(w <= 0) = A)"
        )))
    }
}

/// The bias part: `zero` (c = 1), `symmetric` (c = 1/2), `const:V` (c = 1
/// if V <= 0, else 0) or `bias-sign:C` (c = C).
#[derive(Clone, Debug, PartialEq)]
pub struct BiasLaw {
    /// c = P(b <= 0).
    pub c: BigRational,
    /// The bias mode when this is one of (A)'s.
    pub mode: Option<BiasMode>,
}

impl std::str::FromStr for BiasLaw {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        if let Ok(mode) = t.parse::<BiasMode>() {
            let c = match mode {
                BiasMode::Zero => BigRational::one(),
                BiasMode::Symmetric => BigRational::new(1.into(), 2.into()),
            };
            return Ok(BiasLaw {
                c,
                mode: Some(mode),
            });
        }
        if let Some(v) = t.strip_prefix("const:") {
            let v = parse_user_rational(v)?;
            let c = if v.is_positive() {
                BigRational::zero()
            } else {
                BigRational::one()
            };
            let mode = (!v.is_positive()).then_some(BiasMode::Zero);
            return Ok(BiasLaw { c, mode });
        }
        if let Some(v) = t.strip_prefix("bias-sign:") {
            let c = parse_user_probability(v, "P(b <= 0) of bias-sign:C")?;
            return Ok(BiasLaw { c, mode: None });
        }
        Err(Error::input(format!(
            "bias mode {s:?}: expected zero or symmetric (THM-CHAIN), or for a general law \
             (THM-CHAIN-GENERAL) const:V (every bias V) or bias-sign:C (P(b <= 0) = C)"
        )))
    }
}

impl BiasLaw {
    /// The bias law as `--bias` spells it: "zero", "symmetric", or
    /// "P(b <= 0) = C".
    pub fn describe(&self) -> String {
        match self.mode {
            Some(m) if self.c == StepLaw::symmetric(m).bias_sign() => m.name().to_string(),
            _ => format!("P(b <= 0) = {}", self.c),
        }
    }
}

/// The chain of `widths` under per-layer weight laws and a bias law, or
/// None when that is THM-CHAIN's law (he weights, bias zero or symmetric:
/// use the THM-CHAIN engines). `for_f64` picks the scaled-f64 budget
/// (BOUND-F64-GENERAL) instead of the rational one. The CLI's `--law` /
/// `--bias` and the Python package's `law=` / `bias=` both land here.
pub fn chain_of(
    widths: Vec<usize>,
    q1: BigRational,
    weights: &[WeightLaw],
    bias: &BiasLaw,
    for_f64: bool,
) -> Result<Option<GeneralChain>> {
    let steps: Vec<StepLaw> = weights.iter().map(|w| step_law(w, bias)).collect();
    if bias.mode.is_some() && steps.iter().all(|s| s.as_symmetric().is_some()) {
        return Ok(None);
    }
    if for_f64 {
        GeneralChain::new_f64(widths, q1, steps).map(Some)
    } else {
        GeneralChain::new(widths, q1, steps).map(Some)
    }
}

/// The step law of layers >= 2 from a weight and a bias law (RAI ignores
/// the bias law: its bias is one of its n + 1 entries).
pub fn step_law(w: &WeightLaw, b: &BiasLaw) -> StepLaw {
    match w {
        WeightLaw::Rai => StepLaw::Rai,
        WeightLaw::Sign(a) => StepLaw::Signs {
            weight: a.clone(),
            bias: b.c.clone(),
        },
    }
}

/// A network as THM-CHAIN-GENERAL sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneralChain {
    /// Hidden widths N_1..N_{L-1}, all >= 1.
    pub widths: Vec<usize>,
    /// P(a first-layer neuron is PD).
    pub q1: BigRational,
    /// `steps[i]` is the step into hidden layer i + 2: one entry per layer
    /// after the first.
    pub steps: Vec<StepLaw>,
}

/// Largest sum over layers of N_{l-1} (N_l + 1) transition entries the
/// rational engine computes (about 2 s on one core at widths 64).
pub const MAX_TRANSITION_ENTRIES: f64 = 1e6;

impl GeneralChain {
    /// Validated constructor; the same law for every layer >= 2 when
    /// `steps` has one entry.
    pub fn new(widths: Vec<usize>, q1: BigRational, steps: Vec<StepLaw>) -> Result<Self> {
        let chain = Self::validated(widths, q1, steps)?;
        let entries: f64 = chain
            .widths
            .windows(2)
            .map(|w| w[0] as f64 * (w[1] as f64 + 1.0))
            .sum();
        if entries > MAX_TRANSITION_ENTRIES {
            return Err(Error::TooCostly(format!(
                "the exact law of widths {} under a general sign law needs {entries:.1e} \
                 rational transition entries (limit {MAX_TRANSITION_ENTRIES:.0e}); use \
                 `trainability approx` (scaled f64 with an error bound), or narrower or fewer layers",
                super::cost::describe_widths(&chain.widths)
            )));
        }
        Ok(chain)
    }

    /// Validated constructor for the scaled-f64 path (BOUND-F64-GENERAL):
    /// the budget of `cost::check_f64` instead of the rational one.
    pub fn new_f64(widths: Vec<usize>, q1: BigRational, steps: Vec<StepLaw>) -> Result<Self> {
        let chain = Self::validated(widths, q1, steps)?;
        super::cost::check_f64(&super::ChainSpec::new(
            chain.widths.clone(),
            BiasMode::Zero,
            chain.q1.clone(),
        )?)?;
        Ok(chain)
    }

    fn validated(widths: Vec<usize>, q1: BigRational, steps: Vec<StepLaw>) -> Result<Self> {
        // the width and q1 checks of the symmetric chain
        super::ChainSpec::new(widths.clone(), BiasMode::Zero, q1.clone())?;
        let steps = match steps.len() {
            1 => vec![steps[0].clone(); widths.len().saturating_sub(1)],
            n if n + 1 == widths.len() => steps,
            n => {
                return Err(Error::input(format!(
                    "{n} layer laws for {} hidden layers: give one law, or one per layer after the first",
                    widths.len()
                )))
            }
        };
        for s in &steps {
            if let StepLaw::Signs { weight, bias } = s {
                for (x, what) in [(weight, "P(w <= 0)"), (bias, "P(b <= 0)")] {
                    if x.is_negative() || *x > BigRational::one() {
                        return Err(Error::input(format!("{what} = {x} is outside [0, 1]")));
                    }
                }
            }
        }
        Ok(GeneralChain { widths, q1, steps })
    }
}

/// The marginal laws P(K_l = k); with `floors = Some(n*)` the mass below
/// n*_l is dropped at every layer (the last layer's total is then the
/// trainability, DEF-TRAINABILITY).
pub fn law(chain: &GeneralChain, floors: Option<&[usize]>) -> ExactLaw {
    let floor = |l: usize| floors.map_or(0, |f| f[l]);
    let drop = |d: &mut Vec<BigRational>, l: usize| {
        for x in d.iter_mut().take(floor(l)) {
            *x = BigRational::zero();
        }
    };
    let mut layers: Vec<Vec<BigRational>> = Vec::with_capacity(chain.widths.len());
    let mut first = binomial_law(chain.widths[0], &chain.q1);
    drop(&mut first, 0);
    layers.push(first);
    for l in 1..chain.widths.len() {
        let (n_prev, n) = (chain.widths[l - 1], chain.widths[l]);
        let prev = &layers[l - 1];
        let mut next = vec![BigRational::zero(); n + 1];
        next[0] = prev[0].clone();
        for (p, mass) in prev.iter().enumerate().skip(1) {
            if mass.is_zero() {
                continue;
            }
            let s = chain.steps[l - 1].pd_probability(p, n_prev);
            for (k, t) in binomial_law(n, &s).iter().enumerate() {
                next[k] += mass * t;
            }
        }
        drop(&mut next, l);
        layers.push(next);
    }
    ExactLaw { layers }
}

/// P(k of n neurons are non-PD) when each is PD with probability `s`:
/// C(n, k) (1 - s)^k s^(n - k), by running powers (O(n) products).
pub fn binomial_law(n: usize, s: &BigRational) -> Vec<BigRational> {
    let live = BigRational::one() - s;
    let mut live_pow = vec![BigRational::one(); n + 1];
    let mut dead_pow = vec![BigRational::one(); n + 1];
    for k in 1..=n {
        live_pow[k] = &live_pow[k - 1] * &live;
        dead_pow[k] = &dead_pow[k - 1] * s;
    }
    let mut c = BigInt::one();
    (0..=n)
        .map(|k| {
            if k > 0 {
                c = &c * BigInt::from(n - k + 1) / BigInt::from(k);
            }
            BigRational::from_integer(c.clone()) * &live_pow[k] * &dead_pow[n - k]
        })
        .collect()
}
