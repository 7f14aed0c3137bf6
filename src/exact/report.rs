//! JSON and table renderings of exact results (the CLI contract of
//! `trainability exact`, reused by the golden test vectors).

use super::float_chain::{self, Xf64};
use super::xf128::{Dir, Xf128};
use super::{cost, dyadic_chain, ChainSpec};
use crate::error::{Error, Result};
use crate::rational::{to_f64, to_pq};
use num_rational::BigRational;
use num_traits::Zero;
use rayon::prelude::*;
use serde_json::{json, Value};

/// Most probabilities (sum of N_l + 1) one `approx` report prints.
pub const MAX_APPROX_ENTRIES: f64 = 2e6;

/// Largest JSON document the exact command will write (bytes).
pub const MAX_OUTPUT_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// Predicted number of decimal digits in the exact report's distributions
/// (the size [`MAX_OUTPUT_BYTES`] caps): per entry a numerator and a
/// denominator of about log10(2) bits_l digits each (spec ALG-COST).
pub fn predicted_digits(spec: &ChainSpec) -> f64 {
    cost::estimate(spec).bytes_all_layers * 8.0 * std::f64::consts::LOG10_2 * 2.0
}

/// The exact report: `widths`, `bias`, `q1`, `layers[].distribution` (reduced
/// "p/q"), `layers[].distribution_f64`, `born_dead`, `born_dead_f64`, and with
/// `min_widths`: `min_widths`, `trainability`, `trainability_f64`.
pub fn exact_json(spec: &ChainSpec, min_widths: Option<&[usize]>) -> Result<Value> {
    exact_json_logs(spec, min_widths, false)
}

/// [`exact_json`] plus the `_log10` companions of every probability
/// (`layers[].distribution_log10`, `born_dead_log10`, `trainability_log10`):
/// the `trainability exact` contract.
pub fn exact_json_with_logs(spec: &ChainSpec, min_widths: Option<&[usize]>) -> Result<Value> {
    exact_json_logs(spec, min_widths, true)
}

fn exact_json_logs(spec: &ChainSpec, min_widths: Option<&[usize]>, logs: bool) -> Result<Value> {
    cost::check_exact(spec)?;
    if predicted_digits(spec) > MAX_OUTPUT_BYTES {
        return Err(Error::TooCostly(format!(
            "the exact distributions of widths {:?} would print as more than 256 MiB of digits; \
             use `--summary` (exact P(born dead) and trainability only), `trainability approx` \
             (f64 with an error bound), or fewer/narrower layers",
            spec.widths
        )));
    }
    let law = dyadic_chain::law(spec, None);
    // every entry of every layer in one parallel batch (spec FMT-DECIMAL)
    let all: Vec<&BigRational> = law.layers.iter().flatten().collect();
    let mut pq = crate::decimal::to_pq_refs(&all).into_iter();
    let floats: Vec<(Value, Value)> = all
        .par_iter()
        .map(|x| {
            let log = if logs { rational_log10(x) } else { Value::Null };
            (f64_or_null(to_f64(x), x.is_zero()), log)
        })
        .collect();
    let mut floats = floats.into_iter();
    let layers: Vec<Value> = law
        .layers
        .iter()
        .map(|d| {
            let (f, l): (Vec<Value>, Vec<Value>) = floats.by_ref().take(d.len()).unzip();
            let mut layer = json!({
                "distribution": pq.by_ref().take(d.len()).collect::<Vec<_>>(),
                "distribution_f64": f,
            });
            if logs {
                layer["distribution_log10"] = json!(l);
            }
            layer
        })
        .collect();
    let bd = law.born_dead();
    let mut v = json!({
        "widths": spec.widths,
        "bias": spec.bias.name(),
        "q1": to_pq(&spec.q1),
        "layers": layers,
        "born_dead": to_pq(&bd),
    });
    put_exact_prob(&mut v, "born_dead", &bd);
    if !logs {
        v.as_object_mut().expect("object").remove("born_dead_log10");
    }
    if let Some(mw) = min_widths {
        spec.check_min_widths(mw)?;
        let t = dyadic_chain::law(spec, Some(mw)).total_mass_last();
        v["min_widths"] = json!(mw);
        v["trainability"] = json!(to_pq(&t));
        put_exact_prob(&mut v, "trainability", &t);
        if !logs {
            v.as_object_mut()
                .expect("object")
                .remove("trainability_log10");
        }
    }
    Ok(v)
}

/// The exact summary (no per-layer distributions, one layer in memory at a
/// time): `widths`, `bias`, `q1`, `born_dead`, `born_dead_f64`, and with
/// `min_widths`: `min_widths`, `trainability`, `trainability_f64`.
pub fn exact_summary_json(spec: &ChainSpec, min_widths: Option<&[usize]>) -> Result<Value> {
    cost::check_exact_streaming(spec)?;
    let bd = dyadic_chain::born_dead(spec);
    let mut v = json!({
        "widths": spec.widths,
        "bias": spec.bias.name(),
        "q1": to_pq(&spec.q1),
        "born_dead": to_pq(&bd),
    });
    put_exact_prob(&mut v, "born_dead", &bd);
    if let Some(mw) = min_widths {
        spec.check_min_widths(mw)?;
        let t = dyadic_chain::trainability(spec, mw);
        v["min_widths"] = json!(mw);
        v["trainability"] = json!(to_pq(&t));
        put_exact_prob(&mut v, "trainability", &t);
    }
    Ok(v)
}

/// The f64 report (size bounded by [`cost::check_f64`]): per layer
/// `distribution_f64`, `distribution_log10` and `rel_error_bound`;
/// `born_dead_f64`, `born_dead_log10`, `born_dead_rel_error_bound`; with
/// `min_widths`, `trainability_f64`, `trainability_log10` and
/// `trainability_rel_error_bound`. An `_f64` value is null when it would be
/// subnormal or zero while the truth is not (the `_log10` value carries it);
/// a bound r on the relative error means |x - p| <= r p for `_f64` and
/// |l - log10 p| <= r / ln 10 + 1e-15 max(1, |l|) for `_log10` (BOUND-F64).
pub fn approx_json(spec: &ChainSpec, min_widths: Option<&[usize]>) -> Result<Value> {
    cost::check_f64(spec)?;
    let entries = cost::f64_entries(&spec.widths);
    if entries > MAX_APPROX_ENTRIES {
        return Err(Error::TooCostly(format!(
            "the f64 report of widths {} would print {entries:.1e} probabilities (limit {MAX_APPROX_ENTRIES:.0e}); \
             use `trainability exact --summary` for P(born dead) and trainability, or fewer/narrower layers",
            cost::describe_widths(&spec.widths)
        )));
    }
    let law = float_chain::law(spec, None);
    let layers = float_layers_json(&law);
    let last = law.last().expect("one layer");
    let mut v = json!({
        "widths": spec.widths,
        "bias": spec.bias.name(),
        "q1": to_pq(&spec.q1),
        "layers": layers,
        "born_dead_f64": f64_or_null(last.probs[0].to_f64(), last.probs[0] == Xf64::ZERO),
        "born_dead_log10": finite_or_null(last.probs[0].log10()),
        "born_dead_rel_error_bound": last.rel_error_bound(),
    });
    if let Some(mw) = min_widths {
        spec.check_min_widths(mw)?;
        let (t, bound) = float_chain::trainability(spec, mw);
        v["min_widths"] = json!(mw);
        // the exact T is <= 1, so clamping can only reduce the error
        v["trainability_f64"] = f64_or_null(t.to_f64().min(1.0), t == Xf64::ZERO);
        v["trainability_log10"] = finite_or_null(t.log10().min(0.0));
        v["trainability_rel_error_bound"] = json!(bound);
    }
    Ok(v)
}

/// The per-layer fields of a scaled-f64 law (FMT-APPROX):
/// `distribution_f64`, `distribution_log10`, `rel_error_bound`.
fn float_layers_json(law: &[float_chain::FloatDist]) -> Vec<Value> {
    law.iter()
        .map(|d| {
            json!({
                "distribution_f64": d.probs.iter().map(|x| f64_or_null(x.to_f64(), *x == Xf64::ZERO)).collect::<Vec<_>>(),
                "distribution_log10": d.probs.iter().map(|x| finite_or_null(x.log10())).collect::<Vec<_>>(),
                "rel_error_bound": d.rel_error_bound(),
            })
        })
        .collect()
}

fn finite_or_null(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// A computed log10 widened outward by 2e-15 max(1, |x|) (more than its
/// rounding error), null when not finite.
pub fn widen_log10(x: f64, up: bool) -> Value {
    if !x.is_finite() {
        return Value::Null;
    }
    let d = 2e-15 * x.abs().max(1.0);
    json!(if up { x + d } else { x - d })
}

/// f64 rendering of a probability for JSON: the value when it is zero or a
/// normal f64, null when it would be subnormal or would underflow to zero
/// while the truth is not zero (the `_log10` companion carries it then).
pub fn f64_or_null(x: f64, truth_is_zero: bool) -> Value {
    if truth_is_zero {
        json!(0.0)
    } else if x.is_finite() && x >= f64::MIN_POSITIVE {
        json!(x)
    } else {
        Value::Null
    }
}

/// log10 of an exact nonnegative rational (null for 0), within about
/// 1e-15 max(1, |log10|) at any magnitude.
pub fn rational_log10(r: &BigRational) -> Value {
    finite_or_null(Xf128::from_rational(r, Dir::Down).log10())
}

/// `{name}_f64` and `{name}_log10` of an exact probability into `v`.
pub fn put_exact_prob(v: &mut Value, name: &str, r: &BigRational) {
    v[format!("{name}_f64")] = f64_or_null(to_f64(r), r.is_zero());
    v[format!("{name}_log10")] = rational_log10(r);
}

/// `x` in scientific notation with `digits` decimals at any magnitude (no
/// underflow: 1e-1212 prints as such), "0" for zero.
pub fn sci(r: &BigRational, digits: usize) -> String {
    if r.is_zero() {
        return "0".into();
    }
    let f = to_f64(r);
    if f.is_finite() && f >= f64::MIN_POSITIVE {
        return format!("{f:.digits$e}");
    }
    sci_log10(Xf128::from_rational(r, Dir::Down).log10(), digits)
}

/// Scientific notation of 10^l.
pub fn sci_log10(l: f64, digits: usize) -> String {
    if !l.is_finite() {
        return "0".into();
    }
    let mut e = l.floor();
    let mut m = 10f64.powf(l - e);
    let scale = 10f64.powi(digits as i32);
    if (m * scale).round() / scale >= 10.0 {
        m /= 10.0;
        e += 1.0;
    }
    format!("{m:.digits$}e{}", e as i64)
}

/// JSON of a probability known within an enclosure (spec ALG-SEARCH):
/// `exact` ("p/q" or null), `f64` (null unless the enclosure is tight and
/// normal), `log10` (of the upper end), `rel_error_bound` (of `f64` and of
/// 10^`log10`, relative to the truth), `lower_log10`, `upper_log10`
/// (outward-rounded ends).
pub fn enclosure_json(lower: Xf128, upper: Xf128, exact: Option<&BigRational>) -> Value {
    let widen = widen_log10;
    let rel = if lower.is_zero() {
        if upper.is_zero() {
            Some(0.0)
        } else {
            None
        }
    } else {
        let (l, u) = (lower.to_rational(), upper.to_rational());
        Some(to_f64(&((&u - &l) / &l)) * (1.0 + 1e-15) + 4.5e-16)
    };
    let value_f64 = match exact {
        Some(r) => f64_or_null(to_f64(r), r.is_zero()),
        None if rel.is_some_and(|r| r <= 1e-9) => f64_or_null(upper.to_f64(), upper.is_zero()),
        None => Value::Null,
    };
    json!({
        "exact": exact.map(to_pq),
        "f64": value_f64,
        "log10": finite_or_null(upper.log10()),
        "rel_error_bound": if exact.is_some() { Some(0.0) } else { rel },
        "lower_log10": widen(lower.log10(), false),
        "upper_log10": widen(upper.log10(), true),
    })
}

/// The exact report of a general sign law (spec THM-CHAIN-GENERAL): the
/// fields of [`exact_json_with_logs`], with `bias` the bias law's text and
/// `law` the step law of every layer after the first.
pub fn general_json(
    chain: &super::general::GeneralChain,
    bias: &str,
    min_widths: Option<&[usize]>,
) -> Result<Value> {
    let law = super::general::law(chain, None);
    let layers: Vec<Value> = law
        .layers
        .iter()
        .map(|d| {
            json!({
                "distribution": d.iter().map(to_pq).collect::<Vec<_>>(),
                "distribution_f64": d.iter().map(|x| f64_or_null(to_f64(x), x.is_zero())).collect::<Vec<_>>(),
                "distribution_log10": d.iter().map(rational_log10).collect::<Vec<_>>(),
            })
        })
        .collect();
    let bd = law.born_dead();
    let mut v = json!({
        "widths": chain.widths,
        "bias": bias,
        "law": chain.steps.iter().map(|s| s.describe()).collect::<Vec<_>>(),
        "q1": to_pq(&chain.q1),
        "layers": layers,
        "born_dead": to_pq(&bd),
    });
    put_exact_prob(&mut v, "born_dead", &bd);
    if let Some(mw) = min_widths {
        if mw.len() != chain.widths.len() {
            return Err(Error::input(format!(
                "--min-widths has {} entries but the network has {} hidden layers; give one n* per hidden layer",
                mw.len(),
                chain.widths.len()
            )));
        }
        let t = super::general::law(chain, Some(mw)).total_mass_last();
        v["min_widths"] = json!(mw);
        v["trainability"] = json!(to_pq(&t));
        put_exact_prob(&mut v, "trainability", &t);
    }
    Ok(v)
}

/// The scaled-f64 report of a general chain (BOUND-F64-GENERAL, FMT-APPROX
/// fields of the dense path plus `law` and `one_minus_trainability_*`).
pub fn general_approx_json(
    chain: &super::general::GeneralChain,
    bias: &str,
    min_widths: Option<&[usize]>,
    summary: bool,
) -> Result<Value> {
    let entries = cost::f64_entries(&chain.widths);
    if !summary && entries > MAX_APPROX_ENTRIES {
        return Err(Error::TooCostly(format!(
            "the f64 report of widths {} would print {entries:.1e} probabilities (limit {MAX_APPROX_ENTRIES:.0e}); \
             use `--summary` for P(born dead) and trainability, or fewer/narrower layers",
            cost::describe_widths(&chain.widths)
        )));
    }
    let fl = super::general_float::law(chain, None);
    let layers = float_layers_json(&fl.layers);
    let last = fl.layers.last().expect("one layer");
    let mut v = json!({
        "widths": chain.widths,
        "bias": bias,
        "law": chain.steps.iter().map(|s| s.describe()).collect::<Vec<_>>(),
        "q1": to_pq(&chain.q1),
        "method": "dense",
        "layers": layers,
        "born_dead_f64": f64_or_null(last.probs[0].to_f64(), last.probs[0] == Xf64::ZERO),
        "born_dead_log10": finite_or_null(last.probs[0].log10()),
        "born_dead_rel_error_bound": last.rel_error_bound(),
    });
    if summary {
        v.as_object_mut().expect("object").remove("layers");
    }
    if let Some(mw) = min_widths {
        ChainSpec::new(
            chain.widths.clone(),
            super::BiasMode::Zero,
            chain.q1.clone(),
        )?
        .check_min_widths(mw)?;
        let floored = super::general_float::law(chain, Some(mw));
        let (t, r) = floored.layers.last().expect("one layer").tail_mass(0);
        v["min_widths"] = json!(mw);
        v["trainability_f64"] = f64_or_null(t.to_f64().min(1.0), t == Xf64::ZERO);
        v["trainability_log10"] = finite_or_null(t.log10().min(0.0));
        v["trainability_rel_error_bound"] = json!(float_chain::gamma(r));
        let f = floored.failure;
        v["one_minus_trainability_f64"] = f64_or_null(f.to_f64().min(1.0), f == Xf64::ZERO);
        v["one_minus_trainability_log10"] = finite_or_null(f.log10().min(0.0));
        v["one_minus_trainability_rel_error_bound"] = json!(floored.failure_rel);
    }
    Ok(v)
}
