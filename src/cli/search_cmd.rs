//! `trainability width` and `trainability depth`: "how wide must my network
//! be?" and "how deep can it be?" (spec ALG-SEARCH).

use super::args::{parse_exact, parse_min_widths, parse_prob, print_json, Format, MinWidths};
use super::out::outln;
use crate::error::Result;
use crate::exact::general::{step_law, BiasLaw, StepLaw, WeightLaw};
use crate::exact::general_search::{self, Bounded, DepthAnswer};
use crate::exact::report::{enclosure_json, put_exact_prob, sci, sci_log10};
use crate::exact::{search, BiasMode};
use crate::rational::to_pq;
use num_rational::BigRational;
use serde_json::json;

/// `trainability width` arguments.
#[derive(clap::Args, Debug)]
pub struct WidthArgs {
    /// Number of hidden layers.
    #[arg(long)]
    pub depth: usize,
    /// Minimum widths n* (one per hidden layer, or ending in ",...", e.g. 2,1,...).
    #[arg(long, value_parser = parse_min_widths, default_value = "1,...")]
    pub min_widths: MinWidths,
    /// Required trainability is 1 - eps (exact: 1e-3, 1/1000).
    #[arg(long, default_value = "1e-3", value_parser = parse_exact)]
    pub eps: BigRational,
    /// Bias initialization: zero or symmetric; or const:V, bias-sign:C (a
    /// general law, spec THM-CHAIN-GENERAL).
    #[arg(long, default_value = "zero")]
    pub bias: BiasLaw,
    /// Weight law of layers >= 2: he (symmetric), rai, sparse:S or
    /// weight-sign:A (spec THM-CHAIN-GENERAL; searched on the scaled-f64
    /// law with its error bound, ALG-SEARCH-GENERAL).
    #[arg(long = "law", default_value = "he")]
    pub weights: WeightLaw,
    /// First-layer PD probability q1, exact.
    #[arg(long, default_value = "0", value_parser = parse_prob)]
    pub q1: BigRational,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `width`.
pub fn run_width(a: &WidthArgs) -> Result<i32> {
    if a.depth > search::MAX_SEARCH_DEPTH {
        return Err(crate::Error::TooCostly(format!(
            "depth {}: the exact width search takes at most {} hidden layers; \
             use `trainability approx` at candidate widths for deeper networks",
            a.depth,
            search::MAX_SEARCH_DEPTH
        )));
    }
    let mw = a.min_widths.for_depth(a.depth)?;
    let Some(bias) = symmetric(&a.weights, &a.bias) else {
        return run_width_general(a, &mw);
    };
    let ans = search::min_uniform_width(a.depth, bias, &a.q1, &mw, &a.eps)?;
    let v = json!({
        "depth": a.depth,
        "min_widths": mw,
        "bias": bias.name(),
        "q1": to_pq(&a.q1),
        "eps": to_pq(&a.eps),
        "width": ans.width,
        "trainability": to_pq(&ans.trainability),
        "trainability_below": ans.trainability_below.as_ref().map(to_pq),
    });
    let mut v = v;
    put_exact_prob(&mut v, "trainability", &ans.trainability);
    match &ans.trainability_below {
        Some(b) => put_exact_prob(&mut v, "trainability_below", b),
        None => {
            v["trainability_below_f64"] = serde_json::Value::Null;
            v["trainability_below_log10"] = serde_json::Value::Null;
        }
    }
    match a.format {
        Format::Json => print_json(&v)?,
        Format::Table => {
            outln!(
                "smallest uniform width with trainability >= 1 - {} (depth {}, n* = {}, bias {}, q1 = {}):",
                short_pq(&a.eps),
                a.depth,
                crate::exact::cost::describe_widths(&mw),
                bias.name(),
                short_pq(&a.q1)
            )?;
            outln!(
                "  N = {}   T = {} (exact)",
                ans.width,
                show_t(&ans.trainability)
            )?;
            if let Some(b) = &ans.trainability_below {
                outln!(
                    "  N = {}   T = {} (exact, below the target)",
                    ans.width - 1,
                    show_t(b)
                )?;
            }
        }
    }
    Ok(0)
}

/// `trainability depth` arguments.
#[derive(clap::Args, Debug)]
pub struct DepthArgs {
    /// Uniform hidden width.
    #[arg(long)]
    pub width: usize,
    /// Largest acceptable P(born dead) (exact: 1e-3, 1/1000).
    #[arg(long, default_value = "1e-3", value_parser = parse_exact)]
    pub eps: BigRational,
    /// Bias initialization: zero or symmetric; or const:V, bias-sign:C (a
    /// general law, spec THM-CHAIN-GENERAL).
    #[arg(long, default_value = "zero")]
    pub bias: BiasLaw,
    /// Weight law of layers >= 2: he (symmetric), rai, sparse:S or
    /// weight-sign:A (spec THM-CHAIN-GENERAL; searched on the scaled-f64
    /// law with its error bound, ALG-SEARCH-GENERAL).
    #[arg(long = "law", default_value = "he")]
    pub weights: WeightLaw,
    /// First-layer PD probability q1, exact.
    #[arg(long, default_value = "0", value_parser = parse_prob)]
    pub q1: BigRational,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `depth`.
pub fn run_depth(a: &DepthArgs) -> Result<i32> {
    let Some(bias) = symmetric(&a.weights, &a.bias) else {
        return run_depth_general(a);
    };
    let ans = search::max_depth_born_dead(a.width, bias, &a.q1, &a.eps)?;
    let enc = |p: &search::ProbEnclosure| enclosure_json(p.lower, p.upper, p.exact.as_ref());
    let decided = ans.decided();
    let v = json!({
        "width": a.width,
        "bias": bias.name(),
        "q1": to_pq(&a.q1),
        "eps": to_pq(&a.eps),
        "decided": decided,
        "saturated": ans.saturated(),
        "depth": if decided && !ans.saturated() { Some(ans.depth_min) } else { None },
        "depth_min": ans.depth_min,
        "depth_max": ans.depth_max,
        "method": ans.method,
        "unlumped_steps": ans.unlumped_steps,
        "lifted_chains": ans.lifted_chains,
        "born_dead": enc(&ans.born_dead),
        "born_dead_next": ans.born_dead_next.as_ref().map(enc),
    });
    match a.format {
        Format::Json => print_json(&v)?,
        Format::Table => {
            outln!(
                "largest depth with P(born dead) <= {} (width {}, bias {}, q1 = {}):",
                short_pq(&a.eps),
                a.width,
                bias.name(),
                short_pq(&a.q1)
            )?;
            let show = |p: &serde_json::Value| -> String {
                match (p["exact"].as_str(), p["f64"].as_f64()) {
                    (Some(_), Some(x)) => format!("{x:.6e} (exact)"),
                    (None, Some(x)) => format!(
                        "{x:.6e} (relative error <= {:.1e})",
                        p["rel_error_bound"].as_f64().unwrap_or(f64::NAN)
                    ),
                    _ => match (p["lower_log10"].as_f64(), p["upper_log10"].as_f64()) {
                        (Some(l), Some(u)) if u - l < 1e-6 => {
                            format!("{} (from its log10 {:.6})", sci_log10(u, 6), u)
                        }
                        (Some(l), Some(u)) => {
                            format!("between {} and {}", sci_log10(l, 3), sci_log10(u, 3))
                        }
                        (None, Some(u)) => format!("at most {}", sci_log10(u, 3)),
                        _ => "0".into(),
                    },
                }
            };
            if ans.saturated() {
                outln!(
                    "  P(born dead) stays <= eps for at least 2^63 ~ 9.2e18 hidden layers \
                     (P(born dead) at 2^63 layers: {}): depth is no constraint at this width",
                    show(&v["born_dead"])
                )?;
                return Ok(0);
            }
            if !decided {
                outln!(
                    "  undecided at this precision: the depth lies between {} and {}",
                    ans.depth_min,
                    ans.depth_max
                        .map_or("2^63 or more".to_string(), |d| d.to_string())
                )?;
            }
            let here = show(&v["born_dead"]);
            outln!("  depth {}   P(born dead) = {here} <= eps", ans.depth_min)?;
            if let (Some(d), Some(_)) = (ans.depth_max, v["born_dead_next"].as_object()) {
                let next = show(&v["born_dead_next"]);
                outln!("  depth {}   P(born dead) = {next} > eps", d + 1)?;
                if next == here {
                    outln!(
                        "  (equal to the printed digits: each comparison with eps was decided \
                         on an outward-rounded 128-bit enclosure, spec ALG-ENCLOSURE)"
                    )?;
                }
            }
        }
    }
    Ok(0)
}

/// "p/q" when short, otherwise its scientific form (eps = 1e-330 prints as such).
fn short_pq(r: &BigRational) -> String {
    let s = to_pq(r);
    if s.len() <= 40 {
        s
    } else {
        sci(r, 6)
    }
}

/// T for people: "1 - 2.1e-5" near 1 (so 0.99999... never rounds to 1),
/// scientific notation otherwise (no underflow).
fn show_t(t: &BigRational) -> String {
    let half = BigRational::new(1.into(), 2.into());
    if t >= &half {
        format!("1 - {}", sci(&(BigRational::from_integer(1.into()) - t), 6))
    } else {
        sci(t, 6)
    }
}

/// The bias mode when the law is THM-CHAIN's (a = 1/2 with c = 1 or 1/2),
/// None for a general law.
fn symmetric(w: &WeightLaw, b: &BiasLaw) -> Option<BiasMode> {
    // the chain depends on the sign law only (THM-CHAIN-GENERAL): bias-sign:1
    // is zero's law, bias-sign:1/2 symmetric's
    step_law(w, b).as_symmetric()
}

/// A bounded probability as JSON: `f64`, `log10`, `rel_error_bound`,
/// `lower_log10`, `upper_log10` (outward).
fn bounded_json(b: &Bounded) -> serde_json::Value {
    let l = b.value.log10();
    let widen = crate::exact::report::widen_log10;
    json!({
        "f64": crate::exact::report::f64_or_null(b.value.to_f64(), b.value == crate::exact::float_chain::Xf64::ZERO),
        "log10": if l.is_finite() { json!(l) } else { serde_json::Value::Null },
        "rel_error_bound": b.rel,
        "lower_log10": widen(l + (1.0 - b.rel).log10(), false),
        "upper_log10": widen(l + (1.0 + b.rel).log10(), true),
    })
}

/// "2.5e-3 (relative error <= 1e-14)".
fn show_bounded(b: &Bounded) -> String {
    let l = b.value.log10();
    let x = if l.is_finite() {
        sci_log10(l, 6)
    } else {
        "0".into()
    };
    format!("{x} (relative error <= {:.1e})", b.rel)
}

fn law_text(w: &WeightLaw, b: &BiasLaw) -> (StepLaw, String) {
    (step_law(w, b), b.describe())
}

fn run_width_general(a: &WidthArgs, mw: &[usize]) -> Result<i32> {
    let (law, bias) = law_text(&a.weights, &a.bias);
    let ans = general_search::min_width(a.depth, mw, &a.q1, &law, &a.eps)?;
    let v = json!({
        "depth": a.depth,
        "min_widths": mw,
        "bias": bias,
        "law": law.describe(),
        "q1": to_pq(&a.q1),
        "eps": to_pq(&a.eps),
        "method": "scaled-f64 (BOUND-F64-GENERAL)",
        "decided": ans.width.is_some(),
        "width": ans.width,
        "undecided_at": ans.undecided_at,
        "one_minus_trainability": ans.failure.as_ref().map(bounded_json),
        "one_minus_trainability_below": ans.failure_below.as_ref().map(bounded_json),
    });
    match a.format {
        Format::Json => print_json(&v)?,
        Format::Table => {
            outln!(
                "smallest uniform width with trainability >= 1 - {} (depth {}, n* = {}, law {}, bias {}, q1 = {}):",
                short_pq(&a.eps),
                a.depth,
                crate::exact::cost::describe_widths(mw),
                law.describe(),
                bias,
                short_pq(&a.q1)
            )?;
            match (ans.width, ans.undecided_at) {
                (Some(n), _) => {
                    let f = ans.failure.as_ref().expect("decided");
                    outln!("  N = {n}   1 - T = {}", show_bounded(f))?;
                }
                (None, Some(n)) => outln!(
                    "  undecided at this precision: at N = {n} the enclosure of 1 - T contains eps{}",
                    ans.failure
                        .as_ref()
                        .map_or(String::new(), |f| format!(" (1 - T = {})", show_bounded(f)))
                )?,
                _ => {}
            }
            if let Some(b) = &ans.failure_below {
                let n = ans.width.or(ans.undecided_at).unwrap_or(1) - 1;
                outln!("  N = {n}   1 - T = {} > eps", show_bounded(b))?;
            }
            outln!(
                "  (every width from max n* up was computed: under a general law T need not \
                 grow with N, so wider is not proven better)"
            )?;
        }
    }
    Ok(0)
}

fn run_depth_general(a: &DepthArgs) -> Result<i32> {
    let (law, bias) = law_text(&a.weights, &a.bias);
    let ans = general_search::max_depth(a.width, &a.q1, &law, &a.eps)?;
    let (decided, saturated, depth, depth_min, depth_max, limit) = match &ans.answer {
        DepthAnswer::Depth(d) => (true, false, Some(*d), *d, Some(*d), None),
        DepthAnswer::NoConstraint { at, limit_upper } => {
            (true, true, None, *at, None, Some(limit_upper.clone()))
        }
        DepthAnswer::Undecided { at } => (false, false, None, at - 1, None, None),
        DepthAnswer::AtLeast { at } => (false, false, None, *at, None, None),
    };
    let v = json!({
        "width": a.width,
        "bias": bias,
        "law": law.describe(),
        "q1": to_pq(&a.q1),
        "eps": to_pq(&a.eps),
        "method": "scaled-f64 (BOUND-F64-GENERAL)",
        "decided": decided,
        "saturated": saturated,
        "depth": depth,
        "depth_min": depth_min,
        "depth_max": depth_max,
        "limit_upper": limit.as_ref().map(to_pq),
        "limit_upper_f64": limit.as_ref().map(crate::rational::to_f64),
        "born_dead": ans.born_dead.as_ref().map(bounded_json),
        "born_dead_next": ans.born_dead_next.as_ref().map(bounded_json),
    });
    match a.format {
        Format::Json => print_json(&v)?,
        Format::Table => {
            outln!(
                "largest depth with P(born dead) <= {} (width {}, law {}, bias {}, q1 = {}):",
                short_pq(&a.eps),
                a.width,
                law.describe(),
                bias,
                short_pq(&a.q1)
            )?;
            let here = ans.born_dead.as_ref().map(show_bounded);
            let next = ans.born_dead_next.as_ref().map(show_bounded);
            match &ans.answer {
                DepthAnswer::Depth(0) => outln!(
                    "  none: one hidden layer already has P(born dead) = {} > eps",
                    next.unwrap_or_default()
                )?,
                DepthAnswer::Depth(d) => {
                    outln!("  depth {d}   P(born dead) = {} <= eps", here.unwrap_or_default())?;
                    outln!("  depth {}   P(born dead) = {} > eps", d + 1, next.unwrap_or_default())?;
                }
                DepthAnswer::NoConstraint { at, limit_upper } => outln!(
                    "  no constraint: P(born dead) <= {} <= eps at every depth (bound reached at \
                     depth {at}: the mass that can still reach 0)",
                    sci(limit_upper, 6)
                )?,
                DepthAnswer::Undecided { at } => outln!(
                    "  undecided at this precision: depth {} or more; at depth {at} P(born dead) = {} \
                     and its enclosure contains eps",
                    at - 1,
                    next.unwrap_or_default()
                )?,
                DepthAnswer::AtLeast { at } => outln!(
                    "  at least {at}: P(born dead) <= eps up to {at} hidden layers, deeper not \
                     computed (budget; raise --max-seconds){}",
                    here.map_or(String::new(), |h| format!("; at depth {at}: {h}"))
                )?,
            }
        }
    }
    Ok(0)
}
