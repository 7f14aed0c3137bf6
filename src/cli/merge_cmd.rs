//! `trainability merge`: the report of a sharded `simulate` run from its
//! part files, equal byte for byte to the report of the same run made in
//! one piece (spec ALG-MC-SHARD, FMT-SIMULATE-PART).

use super::args::Format;
use super::simulate_cmd::print_report;
use crate::error::{Error, Result};
use crate::init::{Architecture, InitScheme};
use crate::io::data::{load_data_with, HeaderMode};
use crate::montecarlo::shard::{fingerprint, merge, Part};
use crate::montecarlo::{sample_rng, McConfig};

/// `trainability merge` arguments.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The part files written by `simulate --shard K/N`, one per shard.
    #[arg(required = true)]
    pub parts: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `merge`.
pub fn run(a: &MergeArgs) -> Result<i32> {
    let mut parts = Vec::with_capacity(a.parts.len());
    for path in &a.parts {
        let bytes = crate::io::read_bounded(path)?;
        let part: Part = serde_json::from_slice(&bytes).map_err(|e| {
            Error::input(format!(
                "{path} is not a part file written by `simulate --shard` ({e})"
            ))
        })?;
        parts.push((path.clone(), part));
    }
    let (run, res) = merge(&parts)?;
    let header = <HeaderMode as clap::ValueEnum>::from_str(&run.header, false).map_err(|_| {
        Error::input(format!(
            "unknown header mode {:?} in the part files",
            run.header
        ))
    })?;
    let scheme = InitScheme::from_cli(&run.init, &run.bias)?;
    let arch = Architecture::new(run.input_dim, run.widths.clone(), 1)?;
    // the data as the shards saw them: generated data from the seed's data
    // stream, files re-read and checked against the fingerprint
    let (data, info) = load_data_with(
        &run.data,
        run.input_dim,
        &mut sample_rng(run.seed, u64::MAX),
        header,
    )?;
    if fingerprint(&data) != run.data_fingerprint {
        return Err(Error::input(format!(
            "the data {:?} are not the data the shards ran on (fingerprint {} vs {}): merge where the same data file is readable",
            run.data,
            fingerprint(&data),
            run.data_fingerprint
        )));
    }
    let cfg = McConfig {
        arch,
        scheme,
        samples: run.samples,
        seed: run.seed,
    };
    print_report(&cfg, &run.data, &data, &info, &res, a.format)?;
    Ok(0)
}
