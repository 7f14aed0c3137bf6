//! JSON and table renderings of exact results (the CLI contract of
//! `trainability exact`, reused by the golden test vectors).

use super::float_chain;
use super::{cost, dyadic_chain, ChainSpec};
use crate::error::{Error, Result};
use crate::rational::{to_f64, to_pq};
use serde_json::{json, Value};

/// Largest JSON document the exact command will write (bytes).
pub const MAX_OUTPUT_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// The exact report: `widths`, `bias`, `q1`, `layers[].distribution` (reduced
/// "p/q"), `layers[].distribution_f64`, `born_dead`, `born_dead_f64`, and with
/// `min_widths`: `min_widths`, `trainability`, `trainability_f64`.
pub fn exact_json(spec: &ChainSpec, min_widths: Option<&[usize]>) -> Result<Value> {
    cost::check_exact(spec)?;
    let est = cost::estimate(spec);
    // two decimal strings of ~0.30103 digits per bit per entry
    if est.bytes_all_layers * 8.0 * std::f64::consts::LOG10_2 * 2.0 > MAX_OUTPUT_BYTES {
        return Err(Error::TooCostly(format!(
            "the exact distributions of widths {:?} would print as more than 256 MiB of digits; \
             use `--summary` (exact P(born dead) and trainability only), `trainability approx` \
             (f64 with an error bound), or fewer/narrower layers",
            spec.widths
        )));
    }
    let law = dyadic_chain::law(spec, None);
    let layers: Vec<Value> = law
        .layers
        .iter()
        .map(|d| {
            json!({
                "distribution": d.iter().map(to_pq).collect::<Vec<_>>(),
                "distribution_f64": d.iter().map(to_f64).collect::<Vec<_>>(),
            })
        })
        .collect();
    let bd = law.born_dead();
    let mut v = json!({
        "widths": spec.widths,
        "bias": spec.bias.name(),
        "q1": to_pq(&spec.q1),
        "layers": layers,
        "born_dead": to_pq(&bd),
        "born_dead_f64": to_f64(&bd),
    });
    if let Some(mw) = min_widths {
        spec.check_min_widths(mw)?;
        let t = dyadic_chain::law(spec, Some(mw)).total_mass_last();
        v["min_widths"] = json!(mw);
        v["trainability"] = json!(to_pq(&t));
        v["trainability_f64"] = json!(to_f64(&t));
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
        "born_dead_f64": to_f64(&bd),
    });
    if let Some(mw) = min_widths {
        spec.check_min_widths(mw)?;
        let t = dyadic_chain::trainability(spec, mw);
        v["min_widths"] = json!(mw);
        v["trainability"] = json!(to_pq(&t));
        v["trainability_f64"] = json!(to_f64(&t));
    }
    Ok(v)
}

/// The f64 report (any size): per layer `distribution_f64`,
/// `distribution_log10` and `rel_error_bound`; `born_dead_f64`,
/// `born_dead_log10`, `born_dead_rel_error_bound`; with `min_widths`,
/// `trainability_f64` and `trainability_rel_error_bound`.
pub fn approx_json(spec: &ChainSpec, min_widths: Option<&[usize]>) -> Result<Value> {
    let total: usize = spec.widths.iter().map(|w| w + 1).sum();
    let work: f64 = spec
        .widths
        .windows(2)
        .map(|w| (w[0] * (w[1] + 1)) as f64)
        .sum();
    if total > 50_000_000 || work > 3e9 {
        return Err(Error::TooCostly(format!(
            "about {work:.1e} floating-point steps; keep the sum of N_(l-1) * N_l below 3e9 (about a minute)"
        )));
    }
    let law = float_chain::law(spec, None);
    let layers: Vec<Value> = law
        .iter()
        .map(|d| {
            json!({
                "distribution_f64": d.probs.iter().map(|x| x.to_f64()).collect::<Vec<_>>(),
                "distribution_log10": d.probs.iter().map(|x| finite_or_null(x.log10())).collect::<Vec<_>>(),
                "rel_error_bound": d.rel_error_bound(),
            })
        })
        .collect();
    let last = law.last().expect("one layer");
    let mut v = json!({
        "widths": spec.widths,
        "bias": spec.bias.name(),
        "q1": to_pq(&spec.q1),
        "layers": layers,
        "born_dead_f64": last.probs[0].to_f64(),
        "born_dead_log10": finite_or_null(last.probs[0].log10()),
        "born_dead_rel_error_bound": last.rel_error_bound(),
    });
    if let Some(mw) = min_widths {
        spec.check_min_widths(mw)?;
        let (t, bound) = float_chain::trainability(spec, mw);
        v["min_widths"] = json!(mw);
        // the exact T is <= 1, so clamping can only reduce the error
        v["trainability_f64"] = json!(t.to_f64().min(1.0));
        v["trainability_rel_error_bound"] = json!(bound);
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
