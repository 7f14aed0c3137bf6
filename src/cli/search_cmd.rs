//! `trainability width` and `trainability depth`: "how wide must my network
//! be?" and "how deep can it be?" (spec ALG-SEARCH).

use super::args::{parse_exact, parse_min_widths, parse_prob, print_json, Format, MinWidths};
use super::out::outln;
use crate::error::Result;
use crate::exact::{search, BiasMode};
use crate::rational::{to_f64, to_pq};
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
    /// Bias initialization: zero or symmetric.
    #[arg(long, default_value = "zero")]
    pub bias: BiasMode,
    /// First-layer PD probability q1, exact.
    #[arg(long, default_value = "0", value_parser = parse_prob)]
    pub q1: BigRational,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `width`.
pub fn run_width(a: &WidthArgs) -> Result<i32> {
    let mw = a.min_widths.for_depth(a.depth)?;
    let ans = search::min_uniform_width(a.depth, a.bias, &a.q1, &mw, &a.eps)?;
    let v = json!({
        "depth": a.depth,
        "min_widths": mw,
        "bias": a.bias.name(),
        "q1": to_pq(&a.q1),
        "eps": to_pq(&a.eps),
        "width": ans.width,
        "trainability": to_pq(&ans.trainability),
        "trainability_f64": to_f64(&ans.trainability),
        "trainability_below": ans.trainability_below.as_ref().map(to_pq),
        "trainability_below_f64": ans.trainability_below.as_ref().map(to_f64),
    });
    match a.format {
        Format::Json => print_json(&v)?,
        Format::Table => {
            outln!(
                "smallest uniform width with trainability >= 1 - {} (depth {}, n* = {:?}, bias {}, q1 = {}):",
                to_pq(&a.eps), a.depth, mw, a.bias.name(), to_pq(&a.q1)
            )?;
            outln!(
                "  N = {}   T = {:.10} (exact)",
                ans.width,
                to_f64(&ans.trainability)
            )?;
            if let Some(b) = &ans.trainability_below {
                outln!(
                    "  N = {}   T = {:.10} (exact, below the target)",
                    ans.width - 1,
                    to_f64(b)
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
    /// Bias initialization: zero or symmetric.
    #[arg(long, default_value = "zero")]
    pub bias: BiasMode,
    /// First-layer PD probability q1, exact.
    #[arg(long, default_value = "0", value_parser = parse_prob)]
    pub q1: BigRational,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `depth`.
pub fn run_depth(a: &DepthArgs) -> Result<i32> {
    let ans = search::max_depth_born_dead(a.width, a.bias, &a.q1, &a.eps)?;
    let v = json!({
        "width": a.width,
        "bias": a.bias.name(),
        "q1": to_pq(&a.q1),
        "eps": to_pq(&a.eps),
        "depth": ans.depth,
        "born_dead_f64": ans.born_dead,
        "born_dead_next_f64": ans.born_dead_next,
        "born_dead": ans.exact.as_ref().map(|e| to_pq(&e.0)),
        "born_dead_next": ans.exact.as_ref().map(|e| to_pq(&e.1)),
        "exact": ans.exact.is_some(),
        "rel_error_bound": ans.rel_error_bound,
        "saturated": ans.saturated,
    });
    match a.format {
        Format::Json => print_json(&v)?,
        Format::Table => {
            outln!(
                "largest depth with P(born dead) <= {} (width {}, bias {}, q1 = {}):",
                to_pq(&a.eps),
                a.width,
                a.bias.name(),
                to_pq(&a.q1)
            )?;
            if ans.saturated {
                outln!(
                    "  P(born dead) stays <= eps for more than 2^63 ~ 9.2e18 hidden layers (P ~ {:.3e} there): depth is no constraint at this width",
                    ans.born_dead
                )?;
                return Ok(0);
            }
            let how = if ans.exact.is_some() {
                "exact".to_string()
            } else {
                format!("f64, relative error <= {:.1e}", ans.rel_error_bound)
            };
            outln!(
                "  depth {}   P(born dead) = {:.6e} ({how})",
                ans.depth,
                ans.born_dead
            )?;
            outln!(
                "  depth {}   P(born dead) = {:.6e}",
                ans.depth + 1,
                ans.born_dead_next
            )?;
        }
    }
    Ok(0)
}
