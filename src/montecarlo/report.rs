//! JSON report of a Monte Carlo run (the `simulate` contract, spec FMT-SIMULATE).

use super::theory::Agreement;
use super::{McConfig, McResult};
use crate::init::InitScheme;
use serde_json::{json, Map, Value};

/// The documented JSON object: `samples`, `seed`, `layers[]` (each with
/// `nonpd_histogram`, `active_histogram`, `dead_fraction`, and when the exact
/// law applies `gof_p_value`), `born_dead_count`, plus context.
pub fn simulate_json(
    cfg: &McConfig,
    data_source: &str,
    points: usize,
    res: &McResult,
    agr: &Agreement,
) -> Value {
    let bias = match cfg.scheme {
        InitScheme::Random { bias, .. } => bias.name(),
        _ => "set by the scheme".into(),
    };
    let layers: Vec<Value> = (0..res.widths.len())
        .map(|l| {
            let t = &agr.layers[l];
            let mut o = Map::new();
            o.insert("layer".into(), json!(l + 1));
            o.insert("width".into(), json!(res.widths[l]));
            o.insert("nonpd_histogram".into(), json!(res.non_pd[l]));
            o.insert("active_histogram".into(), json!(res.active[l]));
            o.insert("dead_fraction".into(), json!(res.dead_fraction(l)));
            if let Some(p) = t.gof_p_value {
                o.insert("gof_p_value".into(), json!(p));
                o.insert("gof_statistic".into(), json!(t.gof_statistic));
                o.insert("gof_dof".into(), json!(t.gof_dof));
            }
            if let Some(p) = t.active_dominance_p_value {
                o.insert("active_dominance_p_value".into(), json!(p));
            }
            if let Some(tr) = &t.transition {
                o.insert("transition_gof_p_value".into(), json!(tr.p_value));
                o.insert("transition_gof_statistic".into(), json!(tr.statistic));
                o.insert("transition_gof_dof".into(), json!(tr.dof));
            }
            if let Some(law) = &t.law {
                o.insert("nonpd_law".into(), json!(law));
            }
            Value::Object(o)
        })
        .collect();
    let mut v = json!({
        "samples": res.samples,
        "seed": res.seed,
        "input_dim": cfg.arch.input_dim,
        "widths": res.widths,
        "init": cfg.scheme.name(),
        "bias": bias,
        "data": {"source": data_source, "points": points},
        "law": agr.law_status,
        "layers": layers,
        "born_dead_count": res.born_dead_count,
        "born_dead_interval": [agr.born_dead_interval.0, agr.born_dead_interval.1],
    });
    let o = v.as_object_mut().expect("object");
    if let Some(m) = agr.bias_mode {
        o.insert("bias_mode".into(), json!(m.name()));
    }
    if let Some(q) = &agr.q1 {
        o.insert(
            "q1".into(),
            json!({"value": q.value, "source": q.source, "interval": [q.interval.0, q.interval.1], "confidence": q.confidence}),
        );
    }
    if let Some(p) = agr.born_dead_probability {
        o.insert("born_dead_probability".into(), json!(p));
    }
    v
}

/// Aligned text for people.
pub fn simulate_table(v: &Value) -> String {
    let mut s = format!(
        "{} networks, seed {}, init {} (bias {}), data {} ({} points)\n{}\n",
        v["samples"],
        v["seed"],
        v["init"].as_str().unwrap_or(""),
        v["bias"].as_str().unwrap_or(""),
        v["data"]["source"].as_str().unwrap_or(""),
        v["data"]["points"],
        v["law"].as_str().unwrap_or("")
    );
    if let Some(q) = v.get("q1") {
        s += &format!(
            "q1 = {:.6} ({}), layer-1 PD rate 95% interval [{:.6}, {:.6}]\n",
            q["value"].as_f64().unwrap_or(f64::NAN),
            q["source"].as_str().unwrap_or(""),
            q["interval"][0].as_f64().unwrap_or(f64::NAN),
            q["interval"][1].as_f64().unwrap_or(f64::NAN)
        );
    }
    s += &format!(
        "{:>5} {:>6} {:>12} {:>12} {:>8} {:>10} {:>10} {:>12}\n",
        "layer",
        "width",
        "mean non-PD",
        "mean active",
        "dead",
        "GoF p",
        "active<=p",
        "transition p"
    );
    let n = v["samples"].as_f64().unwrap_or(1.0);
    let mean = |h: &Value| {
        h.as_array().map_or(f64::NAN, |a| {
            a.iter()
                .enumerate()
                .map(|(k, c)| k as f64 * c.as_f64().unwrap_or(0.0))
                .sum::<f64>()
                / n
        })
    };
    let opt = |x: &Value| x.as_f64().map_or("-".to_string(), |p| format!("{p:.4}"));
    for l in v["layers"].as_array().into_iter().flatten() {
        s += &format!(
            "{:>5} {:>6} {:>12.4} {:>12.4} {:>8.4} {:>10} {:>10} {:>12}\n",
            l["layer"].as_u64().unwrap_or(0),
            l["width"].as_u64().unwrap_or(0),
            mean(&l["nonpd_histogram"]),
            mean(&l["active_histogram"]),
            l["dead_fraction"].as_f64().unwrap_or(f64::NAN),
            opt(&l["gof_p_value"]),
            opt(&l["active_dominance_p_value"]),
            opt(&l["transition_gof_p_value"])
        );
    }
    s += &format!(
        "born dead: {} of {} (95% interval [{:.6}, {:.6}]){}\n",
        v["born_dead_count"],
        v["samples"],
        v["born_dead_interval"][0].as_f64().unwrap_or(f64::NAN),
        v["born_dead_interval"][1].as_f64().unwrap_or(f64::NAN),
        v.get("born_dead_probability")
            .and_then(Value::as_f64)
            .map_or(String::new(), |p| format!(", exact law {p:.6}"))
    );
    s
}
