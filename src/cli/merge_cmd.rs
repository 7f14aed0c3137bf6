//! `trainability merge`: the report of a sharded `simulate` or `reproduce`
//! run from its part files, equal byte for byte to the report (or the files)
//! of the same run made in one piece (spec ALG-MC-SHARD, FMT-SIMULATE-PART,
//! ALG-REPRODUCE-SHARD, FMT-REPRODUCE-PART).

use super::args::Format;
use super::simulate_cmd::print_report;
use crate::error::{Error, Result};
use crate::init::{Architecture, InitScheme};
use crate::io::data::{load_data_with, HeaderMode};
use crate::montecarlo::shard::PART_SCHEMA;
use crate::montecarlo::shard::{fingerprint, merge};
use crate::montecarlo::{sample_rng, McConfig};
use crate::train::experiments::run_all_from;
use crate::train::shard::{merge_runs, ReproducePart, REPRODUCE_PART_SCHEMA};
use serde::de::DeserializeOwned;
use std::path::PathBuf;

/// `trainability merge` arguments.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The part files written by `simulate --shard K/N` or
    /// `reproduce --shard K/N`, one per shard.
    #[arg(required = true)]
    pub parts: Vec<String>,
    /// Output format (simulate parts).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Folder for the tables and charts (reproduce parts).
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
}

/// Every part file, parsed once: (path, JSON).
fn read_json(paths: &[String]) -> Result<Vec<(String, serde_json::Value)>> {
    paths
        .iter()
        .map(|path| {
            let bytes = crate::io::read_bounded(path)?;
            let v = serde_json::from_slice(&bytes).map_err(|e| {
                Error::input(format!(
                    "{path} is not a part file written by `simulate --shard` or `reproduce --shard` ({e})"
                ))
            })?;
            Ok((path.clone(), v))
        })
        .collect()
}

/// The parts as `T` (the part files of `what --shard`).
fn as_parts<T: DeserializeOwned>(
    files: Vec<(String, serde_json::Value)>,
    what: &str,
) -> Result<Vec<(String, T)>> {
    files
        .into_iter()
        .map(|(path, v)| {
            let part: T = serde_json::from_value(v).map_err(|e| {
                Error::input(format!(
                    "{path} is not a part file written by `{what} --shard` ({e})"
                ))
            })?;
            Ok((path, part))
        })
        .collect()
}

/// Runs `merge`.
pub fn run(a: &MergeArgs) -> Result<i32> {
    let files = read_json(&a.parts)?;
    let first = files[0].1["schema"].as_str().unwrap_or("").to_string();
    if first == REPRODUCE_PART_SCHEMA {
        return run_reproduce(a, as_parts(files, "reproduce")?);
    }
    if first != PART_SCHEMA {
        return Err(Error::input(format!(
            "{} is not a part file written by `simulate --shard` or `reproduce --shard` (schema {first:?})",
            a.parts[0]
        )));
    }
    let parts = as_parts(files, "simulate")?;
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

/// Merges the parts of a sharded `reproduce` into its tables and charts.
fn run_reproduce(a: &MergeArgs, parts: Vec<(String, ReproducePart)>) -> Result<i32> {
    for (name, p) in &parts {
        if p.schema != REPRODUCE_PART_SCHEMA {
            return Err(Error::input(format!(
                "{name}: schema {:?}, but {} is a reproduce part ({REPRODUCE_PART_SCHEMA:?})",
                p.schema, a.parts[0]
            )));
        }
    }
    let (key, given) = merge_runs(&parts)?;
    let cfg = super::reproduce_cmd::config(&key)?;
    std::fs::create_dir_all(&a.out).map_err(|e| Error::io(a.out.display().to_string(), e))?;
    let report = run_all_from(&cfg, &|| {}, Some(&given))?;
    let files = super::reproduce_cmd::write_report(&report, &a.out)?;
    super::out::outln!(
        "\nmerged {} training runs from {} part files; wrote {files} files to {}",
        given.len(),
        parts.len(),
        a.out.display()
    )?;
    Ok(0)
}
