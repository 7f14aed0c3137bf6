//! `trainability exact | approx | table`: the exact engine and its f64 path.

use super::args::{parse_min_widths, parse_prob, parse_width, print_json, Format, MinWidths};
use super::out::{out, outln};
use crate::error::{Error, Result};
use crate::exact::general::{chain_of, BiasLaw, GeneralChain, WeightLaw};
use crate::exact::trunc_report::{self, Method};
use crate::exact::{dyadic_chain, report, BiasMode, ChainSpec};
use crate::rational::to_pq;
use num_rational::BigRational;
use serde_json::{json, Value};

/// Arguments shared by `exact` and `approx`.
#[derive(clap::Args, Debug)]
pub struct LawArgs {
    /// Hidden widths N_1,...,N_{L-1}, e.g. 4,4,4.
    #[arg(long, required = true, value_delimiter = ',', value_parser = parse_width)]
    pub widths: Vec<usize>,
    /// Bias initialization: zero (beta = 0) or symmetric (beta = 1); for
    /// `exact` also const:V (every bias V: P(b <= 0) is 1 or 0) or
    /// bias-sign:C (P(b <= 0) = C), spec THM-CHAIN-GENERAL.
    #[arg(long, default_value = "zero")]
    pub bias: BiasLaw,
    /// Weight law of layers >= 2 (`exact` only for other than he): he (any
    /// symmetric law without atom, P(w <= 0) = 1/2), rai, sparse:S (each
    /// weight 0 with probability S), weight-sign:A (P(w <= 0) = A); one
    /// for every layer, or a comma-separated list, one per layer after the
    /// first (spec THM-CHAIN-GENERAL).
    #[arg(long = "law", value_delimiter = ',', default_value = "he")]
    pub weights: Vec<WeightLaw>,
    /// First-layer PD probability q1, exact: 1/4, 0.25, 1e-3.
    #[arg(long, default_value = "0", value_parser = parse_prob)]
    pub q1: BigRational,
    /// Minimum widths n* (one per hidden layer, or ending in ",..."): adds trainability.
    #[arg(long, value_parser = parse_min_widths)]
    pub min_widths: Option<MinWidths>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

impl LawArgs {
    /// The chain of a law other than (A)'s, or None (THM-CHAIN-GENERAL);
    /// `for_f64`: with the scaled-f64 path's budget.
    fn general(&self, for_f64: bool) -> Result<Option<GeneralChain>> {
        chain_of(
            self.widths.clone(),
            self.q1.clone(),
            &self.weights,
            &self.bias,
            for_f64,
        )
    }

    fn spec(&self) -> Result<(ChainSpec, Option<Vec<usize>>)> {
        let Some(mode) = self.bias.mode else {
            return Err(Error::input(
                "this path takes bias zero or symmetric (THM-CHAIN); for other bias laws use \
                 `trainability exact` (exact rationals, THM-CHAIN-GENERAL)",
            ));
        };
        if self.general(false)?.is_some() {
            return Err(Error::input(
                "this path takes symmetric weights (--law he, THM-CHAIN); for rai, sparse:S or \
                 weight-sign:A use `trainability exact` (exact rationals) or `trainability approx` \
                 (scaled f64 with an error bound), THM-CHAIN-GENERAL",
            ));
        }
        let spec = ChainSpec::new(self.widths.clone(), mode, self.q1.clone())?;
        let mw = self.floors(spec.depth())?;
        Ok((spec, mw))
    }

    /// `--min-widths` expanded to `depth` hidden layers, when given.
    fn floors(&self, depth: usize) -> Result<Option<Vec<usize>>> {
        self.min_widths
            .as_ref()
            .map(|m| m.for_depth(depth))
            .transpose()
    }
}

/// `trainability exact` arguments.
#[derive(clap::Args, Debug)]
pub struct ExactArgs {
    #[command(flatten)]
    pub law: LawArgs,
    /// Only P(born dead) and trainability (no per-layer distributions; one
    /// layer in memory at a time, for large networks).
    #[arg(long)]
    pub summary: bool,
}

/// `trainability approx` arguments.
#[derive(clap::Args, Debug)]
pub struct ApproxArgs {
    #[command(flatten)]
    pub law: LawArgs,
    /// f64 path: dense (every entry), truncated (the support where the mass
    /// lies, with a bound on the rest), or auto (dense while cheap).
    #[arg(long, value_enum, default_value = "auto")]
    pub method: Method,
    /// Only P(born dead) and trainability (no per-layer distributions).
    #[arg(long)]
    pub summary: bool,
    /// Truncated path: drop contributions below 2^VALUE (default: -20000, or
    /// lower when needed to certify P(born dead) >= q1^N_1).
    #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(i64).range(-1_000_000..=-60))]
    pub drop_below_log2: Option<i64>,
}

/// Runs `exact`.
pub fn run_exact(a: &ExactArgs) -> Result<i32> {
    if let Some(chain) = a.law.general(false)? {
        let mw = a.law.floors(chain.widths.len())?;
        let mut v = report::general_json(&chain, &a.law.bias.describe(), mw.as_deref())?;
        if a.summary {
            if let Some(o) = v.as_object_mut() {
                o.remove("layers");
            }
        }
        match a.law.format {
            Format::Json => print_json(&v)?,
            Format::Table => print_law_table(&v, true)?,
        }
        return Ok(0);
    }
    let (spec, mw) = a.law.spec()?;
    let v = if a.summary {
        report::exact_summary_json(&spec, mw.as_deref())?
    } else {
        report::exact_json_with_logs(&spec, mw.as_deref())?
    };
    match a.law.format {
        Format::Json => print_json(&v)?,
        Format::Table => print_law_table(&v, true)?,
    }
    Ok(0)
}

/// Runs `approx`.
pub fn run_approx(a: &ApproxArgs) -> Result<i32> {
    if let Some(chain) = a.law.general(true)? {
        if a.method == Method::Truncated || a.drop_below_log2.is_some() {
            return Err(Error::input(
                "the truncated path takes symmetric weights (THM-CHAIN); under a general law \
                 `approx` runs the dense scaled-f64 path (BOUND-F64-GENERAL): drop --method \
                 truncated / --drop-below-log2",
            ));
        }
        let mw = a.law.floors(chain.widths.len())?;
        let v =
            report::general_approx_json(&chain, &a.law.bias.describe(), mw.as_deref(), a.summary)?;
        match a.law.format {
            Format::Json => print_json(&v)?,
            Format::Table => print_law_table(&v, false)?,
        }
        return Ok(0);
    }
    let (spec, mw) = a.law.spec()?;
    let v =
        trunc_report::approx_json(&spec, mw.as_deref(), a.method, a.summary, a.drop_below_log2)?;
    match a.law.format {
        Format::Json => print_json(&v)?,
        Format::Table => print_law_table(&v, false)?,
    }
    Ok(0)
}

fn print_law_table(v: &serde_json::Value, exact: bool) -> Result<()> {
    outln!(
        "widths {}  bias {}  q1 {}",
        v["widths"],
        v["bias"].as_str().unwrap_or(""),
        v["q1"].as_str().unwrap_or("")
    )?;
    if let Some(law) = v["law"].as_array() {
        let mut l: Vec<&str> = law.iter().filter_map(|x| x.as_str()).collect();
        if l.windows(2).all(|w| w[0] == w[1]) {
            l.truncate(1);
        }
        outln!("layers >= 2: {} (THM-CHAIN-GENERAL)", l.join("; "))?;
    }
    for (l, layer) in v["layers"].as_array().into_iter().flatten().enumerate() {
        outln!("\nlayer {} : P(K_{} = k)", l + 1, l + 1)?;
        let f = layer["distribution_f64"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let exact_col: Vec<String> = if exact {
            layer["distribution"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| s.as_str().unwrap_or("").to_string())
                .collect()
        } else {
            vec![]
        };
        let w = exact_col.iter().map(String::len).max().unwrap_or(0).max(5);
        let logs = layer["distribution_log10"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (k, x) in f.iter().enumerate() {
            let dec = show(x, logs.get(k).unwrap_or(&serde_json::Value::Null));
            if exact {
                outln!("  k = {k:>4}   {:>w$}   {dec}", exact_col[k])?;
            } else {
                outln!("  k = {k:>4}   {dec}")?;
            }
        }
        if let Some(b) = layer["rel_error_bound"].as_f64() {
            outln!("  (relative error of every entry <= {b:.2e})")?;
        }
    }
    if exact {
        outln!(
            "\nP(born dead)  = {}  ~ {}",
            v["born_dead"].as_str().unwrap_or(""),
            show(&v["born_dead_f64"], &v["born_dead_log10"])
        )?;
        if let Some(t) = v["trainability"].as_str() {
            outln!(
                "trainability  = {t}  ~ {}   (n* = {})",
                show(&v["trainability_f64"], &v["trainability_log10"]),
                v["min_widths"]
            )?;
        }
    } else if v["method"] == "truncated" {
        outln!(
            "\nP(born dead)  ~ {}  (in [{}, {}], drop below 2^{})",
            show(&v["born_dead_f64"], &v["born_dead_log10"]),
            show(&Value::Null, &v["born_dead_lower_log10"]),
            show(&Value::Null, &v["born_dead_upper_log10"]),
            v["drop_below_log2"]
        )?;
        if v.get("trainability_lower_log10").is_some() {
            outln!(
                "trainability  ~ {}  (1 - T in [{}, {}], n* = {})",
                show(&v["trainability_f64"], &v["trainability_log10"]),
                show(&Value::Null, &v["one_minus_trainability_lower_log10"]),
                show(&Value::Null, &v["one_minus_trainability_upper_log10"]),
                v["min_widths"]
            )?;
        }
    } else {
        outln!(
            "\nP(born dead)  ~ {}  (log10 {}, relative error <= {:.2e})",
            show(&v["born_dead_f64"], &v["born_dead_log10"]),
            v["born_dead_log10"],
            num(&v["born_dead_rel_error_bound"])
        )?;
        if v.get("trainability_f64").is_some() {
            outln!(
                "trainability  ~ {}  (relative error <= {:.2e}, n* = {})",
                show(&v["trainability_f64"], &v["trainability_log10"]),
                num(&v["trainability_rel_error_bound"]),
                v["min_widths"]
            )?;
        }
        if v.get("one_minus_trainability_rel_error_bound").is_some() {
            outln!(
                "1 - T         ~ {}  (relative error <= {:.2e})",
                show(
                    &v["one_minus_trainability_f64"],
                    &v["one_minus_trainability_log10"]
                ),
                num(&v["one_minus_trainability_rel_error_bound"])
            )?;
        }
    }
    Ok(())
}

/// `trainability table` arguments: the born-dead table.
#[derive(clap::Args, Debug)]
pub struct TableArgs {
    /// Largest uniform width (rows 1..=max-width).
    #[arg(long, default_value_t = 8)]
    pub max_width: usize,
    /// Largest depth in hidden layers (columns 1..=max-depth).
    #[arg(long, default_value_t = 10)]
    pub max_depth: usize,
    /// First-layer PD probability q1, exact.
    #[arg(long, default_value = "0", value_parser = parse_prob)]
    pub q1: BigRational,
    /// Output format (JSON carries the exact "p/q" values).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Exact P(born dead) for uniform widths 1..=W and depths 1..=D, both bias
/// modes: `table[bias][width-1][depth-1]`.
pub fn born_dead_table(
    max_width: usize,
    max_depth: usize,
    q1: &BigRational,
) -> Result<Vec<(BiasMode, Vec<Vec<BigRational>>)>> {
    // ALG-COST before any allocation: the whole table, not one row at a time
    let cells = max_width.saturating_mul(max_depth);
    if cells > MAX_TABLE_CELLS {
        return Err(crate::Error::TooCostly(format!(
            "a table of {max_width} widths x {max_depth} depths has more than {MAX_TABLE_CELLS} entries; \
             ask `trainability exact --summary` or `approx` for the networks you need"
        )));
    }
    let den_bits = (q1.denom().bits() as f64).max(1.0);
    let mut seconds = 0.0;
    for w in 1..=max_width {
        for beta in [0.0, 1.0] {
            let c = crate::exact::cost::estimate_widths(&vec![w; max_depth], beta, den_bits);
            seconds += c.seconds;
            if c.bytes_all_layers > crate::exact::cost::max_bytes()
                || seconds > crate::exact::cost::max_seconds()
            {
                return Err(crate::Error::TooCostly(format!(
                    "the exact born-dead table up to width {max_width} and depth {max_depth} would take more than \
                     {:.0} s or {:.1} GiB (row {w} alone: {:.1} GiB); use smaller --max-width/--max-depth, \
                     or `trainability approx` for single networks",
                    crate::exact::cost::max_seconds(),
                    crate::exact::cost::max_bytes() / 1073741824.0,
                    c.bytes_all_layers / 1073741824.0
                )));
            }
        }
    }
    let mut out = vec![];
    for bias in [BiasMode::Zero, BiasMode::Symmetric] {
        let mut rows = vec![];
        for w in 1..=max_width {
            let spec = ChainSpec::new(vec![w; max_depth], bias, q1.clone())?;
            crate::exact::cost::check_exact(&spec)?;
            rows.push(dyadic_chain::born_dead_by_depth(&spec));
        }
        out.push((bias, rows));
    }
    Ok(out)
}

/// Most entries (widths x depths) of one born-dead table.
pub const MAX_TABLE_CELLS: usize = 1_000_000;

/// Runs `table`.
pub fn run_table(a: &TableArgs) -> Result<i32> {
    if a.max_width == 0 || a.max_depth == 0 {
        return Err(crate::Error::input(
            "--max-width and --max-depth must be at least 1",
        ));
    }
    let t = born_dead_table(a.max_width, a.max_depth, &a.q1)?;
    match a.format {
        Format::Json => {
            let v: Vec<_> = t
                .iter()
                .map(|(bias, rows)| {
                    json!({
                        "bias": bias.name(),
                        "q1": to_pq(&a.q1),
                        "born_dead": rows.iter().map(|r| r.iter().map(to_pq).collect::<Vec<_>>()).collect::<Vec<_>>(),
                        "born_dead_log10": rows.iter().map(|r| r.iter().map(report::rational_log10).collect::<Vec<_>>()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            print_json(
                &json!({ "widths": (1..=a.max_width).collect::<Vec<_>>(), "depths": (1..=a.max_depth).collect::<Vec<_>>(), "tables": v }),
            )?;
        }
        Format::Table => {
            for (bias, rows) in &t {
                outln!(
                    "P(born dead), exact, shown to 4 digits: bias {}, q1 = {} (rows: width, columns: hidden layers)",
                    bias.name(),
                    to_pq(&a.q1)
                )?;
                out!("{:>6}", "N \\ L")?;
                for d in 1..=a.max_depth {
                    out!("{d:>11}")?;
                }
                outln!()?;
                for (w, r) in rows.iter().enumerate() {
                    out!("{:>6}", w + 1)?;
                    for p in r {
                        out!("{:>11}", report::sci(p, 4))?;
                    }
                    outln!()?;
                }
                outln!()?;
            }
        }
    }
    Ok(0)
}

/// A probability for people: the f64 value when it is a normal number,
/// otherwise its scientific form rebuilt from the log10 companion.
fn show(f: &serde_json::Value, log10: &serde_json::Value) -> String {
    match (f.as_f64(), log10.as_f64()) {
        (Some(x), _) => format!("{x:.6e}"),
        (None, Some(l)) => report::sci_log10(l, 6),
        _ => "?".into(),
    }
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}
