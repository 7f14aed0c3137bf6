//! q1 = P(a first-layer neuron is PD on X) for a user's data and
//! initializer (spec THM-Q1-CONE, THM-Q1-POLYTOPE, ALG-Q1-DISPATCH,
//! ALG-Q1-MC): an exact rational or an f64 with a proven bound where a
//! closed form exists, otherwise a Monte Carlo estimate with an exact
//! Clopper-Pearson interval. One entry point, [`compute`].

pub mod cone;
pub mod montecarlo;
pub mod polytope;

use crate::error::{Error, Result};
use crate::exact::q1 as forms;
use crate::init::{BiasInit, InitScheme, WeightInit};
use crate::rational::{from_f64_exact, to_f64, to_pq};
use num_rational::BigRational;
use num_traits::{One, Zero};
use serde_json::json;

/// What is known of q1.
#[derive(Clone, Debug, PartialEq)]
pub enum Q1Value {
    /// The exact value.
    Exact(BigRational),
    /// An f64 with |value - q1| <= bound (rounding only).
    Bounded {
        /// The f64 value.
        value: f64,
        /// Proven absolute error bound.
        bound: f64,
    },
    /// A Monte Carlo confidence interval: P(q1 in [lo, hi]) >= confidence.
    Interval {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
        /// Confidence level 1 - delta.
        confidence: f64,
        /// PD neurons observed.
        pd: u64,
        /// Neurons sampled.
        samples: u64,
        /// Master seed.
        seed: u64,
    },
}

impl Q1Value {
    /// A point value (f64; the estimate for an interval).
    pub fn point(&self) -> f64 {
        match self {
            Q1Value::Exact(r) => to_f64(r),
            Q1Value::Bounded { value, .. } => *value,
            Q1Value::Interval { pd, samples, .. } => *pd as f64 / *samples as f64,
        }
    }
}

/// q1 and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Q1Result {
    /// The value.
    pub value: Q1Value,
    /// The spec ID of the closed form, or "ALG-Q1-MC".
    pub theorem: &'static str,
    /// The case, in words (e.g. which degenerate case of THM-Q1-CONE).
    pub case: String,
}

impl Q1Result {
    /// "closed form THM-..." or "monte carlo n=..., seed=...".
    pub fn source(&self) -> String {
        match &self.value {
            Q1Value::Interval { samples, seed, .. } => {
                format!("monte carlo n={samples}, seed={seed} (ALG-Q1-MC)")
            }
            _ => format!("closed form {}", self.theorem),
        }
    }

    /// The JSON form (spec FMT-Q1).
    pub fn to_json(&self) -> serde_json::Value {
        let value = match &self.value {
            Q1Value::Exact(r) => json!({
                "kind": "exact", "exact": to_pq(r), "value": to_f64(r)
            }),
            Q1Value::Bounded { value, bound } => json!({
                "kind": "bounded", "value": value, "bound": bound
            }),
            Q1Value::Interval {
                lo,
                hi,
                confidence,
                pd,
                samples,
                seed,
            } => json!({
                "kind": "interval", "lo": lo, "hi": hi, "confidence": confidence,
                "estimate": *pd as f64 / *samples as f64, "pd": pd, "samples": samples,
                "seed": seed, "interval": "Clopper-Pearson"
            }),
        };
        json!({
            "q1": value,
            "source": self.source(),
            "theorem": self.theorem,
            "case": self.case,
        })
    }
}

/// Options of [`compute`].
#[derive(Clone, Debug)]
pub struct Q1Options {
    /// First hidden width N_1 (needed only where the law depends on it:
    /// Glorot scales with a non-zero bias).
    pub width: Option<usize>,
    /// Monte Carlo samples (neurons).
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Confidence of the Monte Carlo interval.
    pub confidence: f64,
    /// Always use Monte Carlo (for comparing closed forms with it).
    pub force_monte_carlo: bool,
    /// Progress bar on stderr for long runs.
    pub progress: bool,
}

impl Default for Q1Options {
    fn default() -> Self {
        Q1Options {
            width: None,
            samples: 1_000_000,
            seed: 0,
            confidence: 0.99,
            force_monte_carlo: false,
            progress: false,
        }
    }
}

/// Validates row-major `points` of dimension `d`.
pub fn check_points(points: &[f64], d: usize) -> Result<()> {
    if d == 0 {
        return Err(Error::input("the input dimension must be at least 1"));
    }
    if points.is_empty() {
        return Err(Error::input("the data set is empty"));
    }
    if points.len() % d != 0 {
        return Err(Error::input(format!(
            "{} values do not form rows of dimension {d}",
            points.len()
        )));
    }
    if let Some(i) = points.iter().position(|v| !v.is_finite()) {
        return Err(Error::input(format!(
            "row {}, column {}: {} is not a finite number",
            i / d + 1,
            i % d + 1,
            points[i]
        )));
    }
    Ok(())
}

/// q1 for the data `points` (row-major, dimension `d`) under `scheme`
/// (ALG-Q1-DISPATCH): the closed forms where one applies, else Monte Carlo
/// (cost checked against the budget before running, spec ALG-LIMITS).
pub fn compute(
    points: &[f64],
    d: usize,
    scheme: &InitScheme,
    opts: &Q1Options,
) -> Result<Q1Result> {
    check_points(points, d)?;
    if !opts.force_monte_carlo {
        if let Some(r) = closed_form(points, d, scheme, opts.width)? {
            return Ok(r);
        }
    }
    let mut r = montecarlo::estimate(points, d, scheme, opts)?;
    if opts.force_monte_carlo {
        r.case = "Monte Carlo, as requested".into();
    }
    Ok(r)
}

fn glorot_width(w: WeightInit, width: Option<usize>) -> Result<usize> {
    match (w, width) {
        (_, Some(n)) => Ok(n),
        (WeightInit::GlorotNormal | WeightInit::GlorotUniform, None) => Err(Error::input(format!(
            "the {} scale depends on the first hidden width: give --width N1",
            w.name()
        ))),
        (_, None) => Ok(1),
    }
}

/// The closed form of ALG-Q1-DISPATCH, None when only Monte Carlo applies
/// (`points` already validated by [`check_points`]).
pub fn closed_form(
    points: &[f64],
    d: usize,
    scheme: &InitScheme,
    width: Option<usize>,
) -> Result<Option<Q1Result>> {
    let InitScheme::Random { weights, bias } = *scheme else {
        if *scheme == InitScheme::DataDependent {
            return Err(Error::input(
                "the data-dependent initializer does not draw i.i.d. neurons; q1 and the law \
                 THM-CHAIN do not apply to it",
            ));
        }
        return Ok(None);
    };
    let exact = |r: BigRational, theorem, case: String| {
        Ok(Some(Q1Result {
            value: Q1Value::Exact(r),
            theorem,
            case,
        }))
    };
    match bias {
        BiasInit::Zero => {
            if d == 1 {
                return exact(
                    forms::zero_bias_1d(points)?,
                    "THM-Q1-ZERO-1D",
                    "zero bias, 1-D data, any symmetric weight law".into(),
                );
            }
            if points.iter().all(|&v| v == 0.0) {
                return exact(
                    BigRational::one(),
                    "THM-Q1-CONE",
                    "zero bias, every point is 0: every neuron is PD".into(),
                );
            }
            if weights.is_gaussian() && d <= 3 {
                return Ok(Some(match cone::zero_bias_cone(points, d)? {
                    cone::ConeQ1::Exact(r, case) => Q1Result {
                        value: Q1Value::Exact(r),
                        theorem: "THM-Q1-CONE",
                        case: format!("zero bias, Gaussian weights, {d}-D: {case}"),
                    },
                    cone::ConeQ1::Bounded { value, bound, rays } => Q1Result {
                        value: Q1Value::Bounded { value, bound },
                        theorem: "THM-Q1-CONE",
                        case: format!(
                            "zero bias, Gaussian weights, {d}-D: solid angle of the polar cone \
                             (cone(X) has {rays} extreme rays)"
                        ),
                    },
                }));
            }
            if !weights.is_gaussian() && d <= 3 {
                let cons: Vec<Vec<BigRational>> = points
                    .chunks(d)
                    .map(|r| r.iter().map(|&v| from_f64_exact(v)).collect())
                    .collect::<Result<_>>()?;
                let r = polytope_fraction(d, &cons)?;
                return exact(
                    r,
                    "THM-Q1-POLYTOPE",
                    format!(
                        "zero bias, uniform weights ({}), {d}-D: volume fraction of the polar \
                         cone in the weight cube (the cone-angle formula does not apply)",
                        weights.name()
                    ),
                );
            }
            Ok(None)
        }
        BiasInit::Uniform(_) | BiasInit::FanIn if !weights.is_gaussian() && d <= 2 => {
            let n1 = glorot_width(weights, width)?;
            let a = weights.uniform_bound(d, n1).expect("uniform weights");
            let c = bias.uniform_bound(d).expect("uniform bias");
            let (case, cons) = if a == c {
                (
                    format!(
                        "uniform weights and bias with equal bounds {a:e} ({} / {}), {d}-D: \
                         volume fraction of {{v in [-1,1]^{} : v . (x, 1) <= 0 on X}}",
                        weights.name(),
                        bias.name(),
                        d + 1
                    ),
                    lifted(points, d, &BigRational::one(), &BigRational::one())?,
                )
            } else {
                (
                    format!(
                        "uniform weights U(-a, a), a = {a:e}, and bias U(-c, c), c = {c:e} (the \
                         f64 bounds the sampler uses; {} / {}), {d}-D: volume fraction of \
                         {{v in [-1,1]^{} : v . (a x, c) <= 0 on X}}",
                        weights.name(),
                        bias.name(),
                        d + 1
                    ),
                    lifted(points, d, &from_f64_exact(a)?, &from_f64_exact(c)?)?,
                )
            };
            exact(polytope_fraction(d + 1, &cons)?, "THM-Q1-POLYTOPE", case)
        }
        BiasInit::Normal(s_b) if weights.is_gaussian() && d == 2 => {
            // (w / s_w, b / s_b) is standard normal in R^3 and
            // w . x + b = (w / s_w) . (s_w x) + (b / s_b) s_b
            let n1 = glorot_width(weights, width)?;
            let s_w = weights.std(d, n1);
            let (sw, sb) = (from_f64_exact(s_w)?, from_f64_exact(s_b)?);
            let exact = lifted(points, d, &sw, &sb)?;
            let approx: Vec<Vec<f64>> = points
                .chunks(d)
                .map(|r| r.iter().map(|x| x * s_w).chain([s_b]).collect())
                .collect();
            // each rounded coordinate is within a relative 2^-53 of the
            // exact one: the direction moves by at most 2^-52 radians
            let c = cone::polar_cone_fraction(&exact, &approx, f64::EPSILON)?;
            Ok(Some(match c {
                cone::ConeQ1::Exact(r, case) => Q1Result {
                    value: Q1Value::Exact(r),
                    theorem: "THM-Q1-CONE",
                    case: format!("Gaussian weights and bias, 2-D, lifted to R^3: {case}"),
                },
                cone::ConeQ1::Bounded { value, bound, rays } => Q1Result {
                    value: Q1Value::Bounded { value, bound },
                    theorem: "THM-Q1-CONE",
                    case: format!(
                        "Gaussian weights (std {s_w:e}) and Gaussian bias (std {s_b:e}), 2-D: \
                         solid angle of the polar cone of {{(s_w x, s_b)}} in R^3 ({rays} \
                         extreme rays)"
                    ),
                },
            }))
        }
        BiasInit::Normal(s_b) if weights.is_gaussian() && d == 1 => {
            let n1 = glorot_width(weights, width)?;
            let s_w = weights.std(1, n1);
            let value = forms::gaussian_bias_1d(points, s_w, s_b)?;
            Ok(Some(Q1Result {
                value: Q1Value::Bounded {
                    value,
                    bound: 64.0 * f64::EPSILON,
                },
                theorem: "THM-Q1-ATAN",
                case: format!(
                    "Gaussian weights (std {s_w:e}) and Gaussian bias (std {s_b:e}), 1-D data"
                ),
            }))
        }
        _ => Ok(None),
    }
}

/// Constraints (a x_i, c) of the lifted polytope, exact.
fn lifted(
    points: &[f64],
    d: usize,
    a: &BigRational,
    c: &BigRational,
) -> Result<Vec<Vec<BigRational>>> {
    points
        .chunks(d)
        .map(|r| {
            let mut v: Vec<BigRational> = r
                .iter()
                .map(|&x| Ok(a * from_f64_exact(x)?))
                .collect::<Result<_>>()?;
            v.push(c.clone());
            Ok(v)
        })
        .collect()
}

/// Exact volume fraction of {v in [-1,1]^n : a_i . v <= 0} after checking
/// its cost (spec ALG-Q1-POLYTOPE).
pub fn polytope_fraction(n: usize, cons: &[Vec<BigRational>]) -> Result<BigRational> {
    let work = polytope::work(n, cons.len());
    crate::limits::check_seconds(
        &format!(
            "the exact polytope volume ({n}-D, {} constraints)",
            cons.len()
        ),
        work * 4e-6,
        "or pass --monte-carlo for an interval estimate",
    )?;
    let ints: Vec<_> = cons
        .iter()
        .map(|c| polytope::integer_constraint(c))
        .collect();
    let v = polytope::volume(n, &ints)?;
    if v.fraction < BigRational::zero() || v.fraction > BigRational::one() {
        return Err(Error::Numerical(format!(
            "polytope volume fraction {} outside [0, 1]",
            to_pq(&v.fraction)
        )));
    }
    Ok(v.fraction)
}
