//! JSON report of a Monte Carlo run (the `simulate` contract, spec FMT-SIMULATE).

use super::theory::Agreement;
use super::{McConfig, McResult};
use crate::exact::report::sci_log10;
use crate::stats::pvalue::printed_forms;
use serde_json::{json, Map, Value};

/// Inserts `key` (f64, or null when the value is below the normal f64
/// range) and `key_log10` (null for an exact 0) from a log10.
fn put_p(o: &mut Map<String, Value>, key: &str, log10: f64) {
    let (f, l) = printed_forms(log10);
    o.insert(key.into(), json!(f));
    o.insert(format!("{key}_log10"), json!(l));
}

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
    let bias = match cfg.scheme.bias_law() {
        Some(bias) => bias.name(),
        None => "set by the scheme".into(),
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
            if let Some(l) = t.gof_p_value_log10 {
                put_p(&mut o, "gof_p_value", l);
                o.insert("gof_statistic".into(), json!(t.gof_statistic));
                o.insert("gof_dof".into(), json!(t.gof_dof));
            }
            if let Some(l) = t.active_dominance_p_value_log10 {
                put_p(&mut o, "active_dominance_p_value", l);
            }
            if let Some(tr) = &t.transition {
                put_p(&mut o, "transition_gof_p_value", tr.p_value_log10);
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
        // 0 only when exactly 0; null when the truth is below the normal
        // f64 range (the log10 carries it then)
        let f = match agr.born_dead_probability_log10 {
            None => Some(0.0),
            Some(_) => (p >= f64::MIN_POSITIVE).then_some(p),
        };
        o.insert("born_dead_probability".into(), json!(f));
        o.insert(
            "born_dead_probability_log10".into(),
            json!(agr.born_dead_probability_log10),
        );
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
    // 6 decimals, or scientific below 1e-3 (no 0.000000 for a small positive value)
    let num = |x: &Value| match x.as_f64() {
        Some(x) if x == 0.0 || x >= 1e-3 => format!("{x:.6}"),
        Some(x) => format!("{x:.4e}"),
        None => "-".to_string(),
    };
    if let Some(q) = v.get("q1") {
        s += &format!(
            "q1 = {} ({}), layer-1 PD rate 95% interval [{}, {}]\n",
            num(&q["value"]),
            q["source"].as_str().unwrap_or(""),
            num(&q["interval"][0]),
            num(&q["interval"][1])
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
    // a p-value: 4 decimals when >= 1e-4, else from its log10 (no 0.0000
    // for a tiny but positive p-value); "0" only for an impossible count
    let opt = |l: &Value, key: &str| match (l[key].as_f64(), l[format!("{key}_log10")].as_f64()) {
        (Some(p), _) if p >= 1e-4 => format!("{p:.4}"),
        (_, Some(lg)) => sci_log10(lg, 1),
        (Some(p), None) => format!("{p}"),
        (None, None) => "-".to_string(),
    };
    for l in v["layers"].as_array().into_iter().flatten() {
        s += &format!(
            "{:>5} {:>6} {:>12.4} {:>12.4} {:>8.4} {:>10} {:>10} {:>12}\n",
            l["layer"].as_u64().unwrap_or(0),
            l["width"].as_u64().unwrap_or(0),
            mean(&l["nonpd_histogram"]),
            mean(&l["active_histogram"]),
            l["dead_fraction"].as_f64().unwrap_or(f64::NAN),
            opt(l, "gof_p_value"),
            opt(l, "active_dominance_p_value"),
            opt(l, "transition_gof_p_value")
        );
    }
    s += &format!(
        "born dead: {} of {} (95% interval [{}, {}]){}\n",
        v["born_dead_count"],
        v["samples"],
        num(&v["born_dead_interval"][0]),
        num(&v["born_dead_interval"][1]),
        match (
            v.get("born_dead_probability"),
            v["born_dead_probability_log10"].as_f64()
        ) {
            (None, _) => String::new(),
            (Some(_), None) => ", law 0".to_string(),
            (Some(_), Some(lg)) => format!(", law {}", sci_log10(lg, 4)),
        }
    );
    s
}
