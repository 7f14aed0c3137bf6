//! `trainability q1`: q1 = P(a first-layer neuron is PD on X) for the
//! user's data and initializer, exact where a closed form exists, else a
//! Monte Carlo interval (spec FMT-Q1, ALG-Q1-DISPATCH).

use super::args::{parse_width, print_json, Format};
use super::out::outln;
use crate::error::{Error, Result};
use crate::init::InitScheme;
use crate::io::data::{load_data_with, read_npy, read_text_with, DataInfo, HeaderMode};
use crate::montecarlo::sample_rng;
use crate::q1::{compute, Q1Options, Q1Result, Q1Value};
use crate::rational::to_pq;
use crate::sim::Dataset;

/// `trainability q1` arguments.
#[derive(clap::Args, Debug)]
pub struct Q1Args {
    /// Data: csv:PATH, npy:PATH (or a path ending in .csv / .npy), or a
    /// generator ball:R:M, cube:A:M, gauss:M, grid1d:A:M (then give --input-dim).
    #[arg(long)]
    pub data: String,
    /// Input dimension (read from the file when omitted).
    #[arg(long)]
    pub input_dim: Option<usize>,
    /// Header line of a CSV / text data file: auto, yes or no.
    #[arg(long, value_enum, default_value = "auto")]
    pub header: HeaderMode,
    /// Weight initializer: he-normal, he-uniform, glorot-normal, glorot-uniform,
    /// lecun-normal, standard-normal, torch-default, rai.
    #[arg(long, default_value = "he-normal")]
    pub init: String,
    /// Bias initializer: zero, normal:STD, uniform:A or fan-in
    /// (U(-1/sqrt(fan_in), 1/sqrt(fan_in))); default fan-in for
    /// torch-default (as nn.Linear), zero otherwise.
    #[arg(long)]
    pub bias: Option<String>,
    /// First hidden width N_1 (needed only for Glorot scales with a non-zero bias).
    #[arg(long, value_parser = parse_width)]
    pub width: Option<usize>,
    /// Monte Carlo neurons, when no closed form applies (or with --monte-carlo).
    #[arg(long, default_value_t = 1_000_000)]
    pub samples: u64,
    /// Master seed of the Monte Carlo (neuron i uses stream i).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Confidence of the Monte Carlo (Clopper-Pearson) interval.
    #[arg(long, default_value_t = 0.99)]
    pub confidence: f64,
    /// Use Monte Carlo even where a closed form exists.
    #[arg(long)]
    pub monte_carlo: bool,
    /// Worker threads (default: all cores; the result does not depend on it).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Loads `source`; the dimension comes from `--input-dim` or the file
/// (read once to find it, then loaded as every command loads data).
pub fn load(
    source: &str,
    input_dim: Option<usize>,
    header: HeaderMode,
    seed: u64,
) -> Result<(Dataset, DataInfo)> {
    let s = source.trim();
    let d = match input_dim {
        Some(d) => d,
        None => {
            let p = s
                .strip_prefix("csv:")
                .or_else(|| s.strip_prefix("npy:"))
                .unwrap_or(s);
            let lower = s.to_ascii_lowercase();
            if s.starts_with("npy:") || lower.ends_with(".npy") {
                read_npy(p)?.dim()
            } else if s.starts_with("csv:")
                || [".csv", ".txt", ".dat", ".tsv"]
                    .iter()
                    .any(|e| lower.ends_with(e))
            {
                read_text_with(p, header)?.0.dim()
            } else {
                return Err(Error::input(format!(
                    "--data {s:?} is not a file: give --input-dim for a generated data set"
                )));
            }
        }
    };
    load_data_with(source, d, &mut sample_rng(seed, u64::MAX), header)
}

/// Row-major values of a data set.
pub fn row_major(data: &Dataset) -> Vec<f64> {
    data.points()
        .row_iter()
        .flat_map(|r| r.iter().copied().collect::<Vec<_>>())
        .collect()
}

/// Computes q1 for `--data/--init/--bias` with the Monte Carlo settings
/// (shared with `check --q1-from-data`).
#[allow(clippy::too_many_arguments)]
pub fn q1_for(
    data: &Dataset,
    scheme: &InitScheme,
    width: Option<usize>,
    samples: u64,
    seed: u64,
    confidence: f64,
    force_mc: bool,
    threads: Option<usize>,
) -> Result<Q1Result> {
    let opts = Q1Options {
        width,
        samples,
        seed,
        confidence,
        force_monte_carlo: force_mc,
        progress: true,
    };
    let threads = crate::limits::threads(threads)?;
    let limits = crate::limits::current();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(move |_| crate::limits::set(limits))
        .build()
        .map_err(|e| Error::input(format!("cannot start {threads} threads: {e}")))?;
    let pts = row_major(data);
    pool.install(|| compute(&pts, data.dim(), scheme, &opts))
}

/// One line describing q1 (FMT-Q1).
pub fn describe(r: &Q1Result) -> String {
    match &r.value {
        Q1Value::Exact(v) => {
            let digits = v.denom().to_string().len();
            if digits <= 40 {
                format!("q1 = {} (exact)", to_pq(v))
            } else {
                format!(
                    "q1 = {} (the f64 nearest the exact rational, whose denominator has {digits} \
                     digits; --format json prints it)",
                    crate::rational::to_f64(v)
                )
            }
        }
        Q1Value::Bounded { value, bound } => format!(
            "q1 = {value} +- {} (f64 with a proven rounding bound)",
            round_up_2(*bound)
        ),
        Q1Value::Interval {
            lo,
            hi,
            confidence,
            pd,
            samples,
            ..
        } => format!(
            "q1 in [{lo:.6e}, {hi:.6e}] at confidence {confidence} (Clopper-Pearson; {pd} PD of \
             {samples} neurons, estimate {:.6e})",
            *pd as f64 / *samples as f64
        ),
    }
}

/// A positive bound printed with two significant digits, rounded up (the
/// printed bound still holds).
pub fn round_up_2(b: f64) -> String {
    let mut s = format!("{b:.1e}");
    let (m, e) = s
        .split_once('e')
        .map(|(m, e)| (m.to_string(), e.to_string()))
        .unwrap_or_default();
    if s.parse::<f64>().map_or(true, |v| v < b) {
        let m: f64 = m.parse().unwrap_or(9.9);
        s = format!("{:.1}e{e}", m + 0.1);
    }
    s
}

/// Runs `q1`.
pub fn run(a: &Q1Args) -> Result<i32> {
    let bias = a
        .bias
        .clone()
        .unwrap_or_else(|| crate::init::random::default_bias(&a.init).into());
    let scheme = InitScheme::from_cli(&a.init, &bias)?;
    let (data, info) = load(&a.data, a.input_dim, a.header, a.seed)?;
    let r = q1_for(
        &data,
        &scheme,
        a.width,
        a.samples,
        a.seed,
        a.confidence,
        a.monte_carlo,
        a.threads,
    )?;
    match a.format {
        Format::Json => {
            let mut v = r.to_json();
            let mut dj = info.json();
            dj["dim"] = serde_json::json!(data.dim());
            v["data"] = dj;
            v["init"] = serde_json::json!(scheme.name());
            v["bias"] = serde_json::json!(match scheme.bias_law() {
                Some(bias) => bias.name(),
                None => "its own".into(),
            });
            print_json(&v)?
        }
        Format::Table => {
            outln!("{}", describe(&r))?;
            outln!("source: {}", r.source())?;
            outln!("case: {}", r.case)?;
            outln!(
                "data: {}, dimension {}; init {}",
                info.describe(),
                data.dim(),
                scheme.name()
            )?;
        }
    }
    Ok(0)
}
