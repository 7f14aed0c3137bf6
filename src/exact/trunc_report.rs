//! `approx` with a choice of f64 path (spec ALG-COST, BOUND-F64-TRUNC,
//! FMT-APPROX): the dense path (BOUND-F64) while it is cheap, the truncated
//! path beyond; `--summary` drops the per-layer distributions.

use super::float_chain::Xf64;
use super::truncated_chain::{self as tc, Encl};
use super::{cost, report, ChainSpec};
use crate::error::{Error, Result};
use crate::rational::to_pq;
use serde_json::{json, Value};

/// Which f64 path `approx` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// Dense while its multiply-adds are at most [`DENSE_AUTO_STEPS`], else truncated.
    Auto,
    /// Every entry of every layer (BOUND-F64).
    Dense,
    /// The support where the mass lies, with a bound on the rest (BOUND-F64-TRUNC).
    Truncated,
}

/// `auto` takes the dense path up to this many multiply-adds (sum of
/// N_{l-1} (N_l + 1)), about a second on one core: there it prints every
/// entry with a relative bound, where the truncated path prints null below
/// its threshold.
pub const DENSE_AUTO_STEPS: f64 = 5e7;

/// The path `auto` picks.
pub fn choose(spec: &ChainSpec, summary: bool) -> Method {
    let entries = cost::f64_entries(&spec.widths);
    let printable = summary || entries <= report::MAX_APPROX_ENTRIES;
    if cost::f64_steps(&spec.widths) <= DENSE_AUTO_STEPS
        && printable
        && cost::check_f64(spec).is_ok()
    {
        Method::Dense
    } else {
        Method::Truncated
    }
}

/// The `approx` report: [`report::approx_json`] (dense) or
/// [`truncated_json`], with `method` added; `summary` removes `layers`.
pub fn approx_json(
    spec: &ChainSpec,
    min_widths: Option<&[usize]>,
    method: Method,
    summary: bool,
    drop_log2: Option<i64>,
) -> Result<Value> {
    let method = match method {
        Method::Auto => choose(spec, summary),
        m => m,
    };
    let mut v = if method == Method::Dense {
        let mut v = report::approx_json(spec, min_widths)?;
        v["method"] = json!("dense");
        v
    } else {
        truncated_json(spec, min_widths, summary, drop_log2)?
    };
    if summary {
        v.as_object_mut().expect("object").remove("layers");
    }
    Ok(v)
}

fn finite_or_null(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// Outward-rounded log10 of an Xf64 (null for 0).
fn log10_out(x: Xf64, up: bool) -> Value {
    report::widen_log10(x.log10(), up)
}

/// `{name}_f64`, `{name}_log10`, `{name}_rel_error_bound` (null unless the
/// value is certified), `{name}_lower_log10`, `{name}_upper_log10`.
fn put_encl(v: &mut Value, name: &str, e: &Encl, cap_one: bool) {
    let cert = e.certified();
    let (f, l) = match cert {
        Some(x) => {
            let f = report::f64_or_null(x.to_f64(), x == Xf64::ZERO);
            (f, finite_or_null(x.log10()))
        }
        None => (Value::Null, Value::Null),
    };
    v[format!("{name}_f64")] = f;
    v[format!("{name}_log10")] = l;
    v[format!("{name}_rel_error_bound")] = if cert.is_some() {
        json!(e.certified_rel())
    } else {
        Value::Null
    };
    v[format!("{name}_lower_log10")] = log10_out(e.lower(), false);
    let hi = log10_out(e.upper(), true);
    v[format!("{name}_upper_log10")] = match (cap_one, hi.as_f64()) {
        (true, Some(h)) => json!(h.min(0.0)),
        _ => hi,
    };
}

/// The truncated report (FMT-APPROX): per layer `distribution_f64`,
/// `distribution_log10` (null where the dropped-mass slack is not below
/// the rounding bound), `rel_error_bound` (of every non-null entry) and
/// `dropped_mass_log10` (every entry exceeds its kept value by at most
/// this; null when nothing was dropped); `born_dead_*` and
/// `trainability_*` with `_lower_log10` / `_upper_log10` enclosures, and
/// `one_minus_trainability_*`.
pub fn truncated_json(
    spec: &ChainSpec,
    min_widths: Option<&[usize]>,
    summary: bool,
    drop_log2: Option<i64>,
) -> Result<Value> {
    if let Some(mw) = min_widths {
        spec.check_min_widths(mw)?;
    }
    let entries = cost::f64_entries(&spec.widths);
    if !summary && entries > report::MAX_APPROX_ENTRIES {
        return Err(Error::TooCostly(format!(
            "the f64 report of widths {} would print {entries:.1e} probabilities (limit {:.0e}); \
             add --summary for P(born dead) and trainability only, or use fewer/narrower layers",
            cost::describe_widths(&spec.widths),
            report::MAX_APPROX_ENTRIES
        )));
    }
    let drop = drop_log2.unwrap_or_else(|| tc::auto_drop_log2(spec));
    let law = tc::run(spec, None, drop, !summary)?;
    let mut v = json!({
        "widths": spec.widths,
        "bias": spec.bias.name(),
        "q1": to_pq(&spec.q1),
        "method": "truncated",
        "drop_below_log2": drop,
    });
    if !summary {
        let layers: Vec<Value> = law.iter().map(layer_json).collect();
        v["layers"] = json!(layers);
    }
    let last = law.last().expect("one layer");
    put_encl(&mut v, "born_dead", &last.prob(0), true);
    if let Some(mw) = min_widths {
        let (t, one_minus) = tc::trainability(spec, mw, drop)?;
        v["min_widths"] = json!(mw);
        put_encl(&mut v, "trainability", &t, true);
        put_encl(&mut v, "one_minus_trainability", &one_minus, true);
    }
    Ok(v)
}

fn layer_json(layer: &tc::TruncLayer) -> Value {
    let mut f = Vec::with_capacity(layer.width + 1);
    let mut l = Vec::with_capacity(layer.width + 1);
    let mut rel = 0.0f64;
    for k in 0..=layer.width {
        let e = layer.prob(k);
        rel = rel.max(e.certified_rel());
        match e.certified() {
            Some(x) => {
                f.push(report::f64_or_null(x.to_f64(), x == Xf64::ZERO));
                l.push(finite_or_null(x.log10()));
            }
            None => {
                f.push(Value::Null);
                l.push(Value::Null);
            }
        }
    }
    json!({
        "distribution_f64": f,
        "distribution_log10": l,
        "rel_error_bound": rel,
        "dropped_mass_log10": log10_out(layer.dropped, true),
    })
}
