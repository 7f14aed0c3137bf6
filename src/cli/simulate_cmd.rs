//! `trainability simulate`: Monte Carlo over random networks on data,
//! compared with the exact law (spec FMT-SIMULATE, ALG-GOF-MC).

use super::args::{parse_width, print_json, Format};
use super::out::out;
use crate::error::{Error, Result};
use crate::init::{Architecture, InitScheme};
use crate::io::data::{load_data_with, HeaderMode};
use crate::montecarlo::{self, report, sample_rng, theory, McConfig};

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
    /// lecun-normal, standard-normal, rai.
    #[arg(long, default_value = "he-normal")]
    pub init: String,
    /// Bias initializer: zero, normal:STD or uniform:A.
    #[arg(long, default_value = "zero")]
    pub bias: String,
    /// Data: ball:R:M, cube:A:M, gauss:M, grid1d:A:M, csv:PATH, npy:PATH.
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
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `simulate`.
pub fn run(a: &SimulateArgs) -> Result<i32> {
    if a.samples == 0 {
        return Err(Error::input("--samples must be at least 1"));
    }
    let scheme = InitScheme::from_cli(&a.init, &a.bias)?;
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
    montecarlo::cost::check_config(&cfg, data.len(), threads)?;
    let limits = crate::limits::current();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(move |_| crate::limits::set(limits))
        .build()
        .map_err(|e| Error::input(format!("cannot start {threads} threads: {e}")))?;
    let res = pool.install(|| montecarlo::run(&cfg, &data, true))?;
    let agr = theory::agreement(&scheme, &data, &res)?;
    let mut v = report::simulate_json(&cfg, &a.data, data.len(), &res, &agr);
    if let (Some(d), serde_json::Value::Object(extra)) = (v["data"].as_object_mut(), info.json()) {
        for (k, x) in extra {
            d.entry(k).or_insert(x);
        }
    }
    match a.format {
        Format::Json => print_json(&v)?,
        Format::Table => {
            out!("data: {}\n", info.describe())?;
            out!("{}", report::simulate_table(&v))?
        }
    }
    Ok(0)
}
