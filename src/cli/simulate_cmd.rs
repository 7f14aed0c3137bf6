//! `trainability simulate`: Monte Carlo over random networks on data,
//! compared with the exact law (spec FMT-SIMULATE, ALG-GOF-MC).

use super::args::{parse_width, print_json, Format};
use super::out::out;
use crate::error::{Error, Result};
use crate::init::{Architecture, InitScheme};
use crate::io::data::DataInfo;
use crate::io::data::{load_data_with, HeaderMode};
use crate::montecarlo::shard::{fingerprint, Part, RunKey, Shard};
use crate::montecarlo::{self, report, sample_rng, theory, McConfig, McResult};
use crate::sim::Dataset;

/// `trainability simulate` arguments.
#[derive(clap::Args, Debug)]
pub struct SimulateArgs {
    /// Input dimension d.
    #[arg(long)]
    pub input_dim: usize,
    /// Hidden widths N_1,...,N_{L-1}, e.g. 8,8,8.
    #[arg(long, required = true, value_delimiter = ',', value_parser = parse_width)]
    pub widths: Vec<usize>,
    /// Weight initializer: he-normal, he-uniform, glorot-normal, glorot-uniform,
    /// lecun-normal, standard-normal, torch-default, rai.
    #[arg(long, default_value = "he-normal")]
    pub init: String,
    /// Bias initializer: zero, normal:STD, uniform:A or fan-in
    /// (U(-1/sqrt(fan_in), 1/sqrt(fan_in))); default fan-in for
    /// torch-default (as nn.Linear), zero otherwise.
    #[arg(long)]
    pub bias: Option<String>,
    /// Data: ball:R:M, cube:A:M, gauss:M, grid1d:A:M, csv:PATH, npy:PATH, or a .csv / .txt / .dat / .tsv / .npy path.
    #[arg(long)]
    pub data: String,
    /// Header line of a CSV / text --data file: auto, yes or no.
    #[arg(long, value_enum, default_value = "auto")]
    pub header: HeaderMode,
    /// Number of random networks.
    #[arg(long, default_value_t = 10_000)]
    pub samples: u64,
    /// Master seed (sample i uses stream i; generated data use stream 2^64-1).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run only shard K of N (1 <= K <= N) of the sample indices and print
    /// its partial result (JSON) for `trainability merge` (spec
    /// ALG-MC-SHARD); --format does not apply.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `simulate`.
pub fn run(a: &SimulateArgs) -> Result<i32> {
    if a.samples == 0 {
        return Err(Error::input("--samples must be at least 1"));
    }
    let scheme = InitScheme::from_cli(&a.init, &bias_of(a))?;
    let arch = Architecture::new(a.input_dim, a.widths.clone(), 1)?;
    let (data, info) = load_data_with(
        &a.data,
        a.input_dim,
        &mut sample_rng(a.seed, u64::MAX),
        a.header,
    )?;
    let cfg = McConfig {
        arch,
        scheme,
        samples: a.samples,
        seed: a.seed,
    };
    let threads = crate::limits::threads(a.threads)?;
    // estimate before starting threads or allocating (spec ALG-MC-COST)
    // (a shard: the cost of its slice of the samples)
    let drawn = a.shard.map_or(cfg.samples, |sh| {
        let (start, end) = sh.range(cfg.samples);
        end - start
    });
    montecarlo::cost::check_config(
        &McConfig {
            samples: drawn,
            ..cfg.clone()
        },
        data.len(),
        threads,
    )?;
    let limits = crate::limits::current();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(move |_| crate::limits::set(limits))
        .build()
        .map_err(|e| Error::input(format!("cannot start {threads} threads: {e}")))?;
    if let Some(shard) = a.shard {
        let range = shard.range(cfg.samples);
        let res = pool.install(|| montecarlo::run_range(&cfg, &data, range, true))?;
        let key = run_key(a, &data);
        let part = serde_json::to_value(Part::new(key, shard, &res))
            .map_err(|e| Error::Numerical(format!("JSON encoding: {e}")))?;
        print_json(&part)?;
        return Ok(0);
    }
    let res = pool.install(|| montecarlo::run(&cfg, &data, true))?;
    print_report(&cfg, &a.data, &data, &info, &res, a.format)?;
    Ok(0)
}

/// `--bias`, or the initializer's default (ALG-INIT-TORCH).
fn bias_of(a: &SimulateArgs) -> String {
    a.bias
        .clone()
        .unwrap_or_else(|| crate::init::random::default_bias(&a.init).into())
}

/// What identifies a run across its shards (spec FMT-SIMULATE-PART).
pub fn run_key(a: &SimulateArgs, data: &Dataset) -> RunKey {
    RunKey {
        input_dim: a.input_dim,
        widths: a.widths.clone(),
        init: a.init.clone(),
        bias: bias_of(a),
        data: a.data.clone(),
        header: a.header.name().into(),
        samples: a.samples,
        seed: a.seed,
        data_fingerprint: fingerprint(data),
    }
}

/// The simulate report of the histograms `res` (one run, or merged shards).
pub fn print_report(
    cfg: &McConfig,
    source: &str,
    data: &Dataset,
    info: &DataInfo,
    res: &McResult,
    format: Format,
) -> Result<()> {
    let agr = theory::agreement(&cfg.scheme, data, res)?;
    let mut v = report::simulate_json(cfg, source, data.len(), res, &agr);
    if let (Some(d), serde_json::Value::Object(extra)) = (v["data"].as_object_mut(), info.json()) {
        for (k, x) in extra {
            d.entry(k).or_insert(x);
        }
    }
    match format {
        Format::Json => print_json(&v)?,
        Format::Table => {
            out!("data: {}\n", info.describe())?;
            out!("{}", report::simulate_table(&v))?
        }
    }
    Ok(())
}
