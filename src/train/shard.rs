//! Sharded `reproduce` (spec ALG-REPRODUCE-SHARD, FMT-REPRODUCE-PART): shard
//! k of n trains the jobs [floor((k-1) J / n), floor(k J / n)) of the J
//! training runs of the configuration (in the order of
//! [`super::experiments::all_jobs`]) and writes their results; the merge
//! feeds all of them to [`super::experiments::run_all_from`], which builds the
//! report a single run builds (each run's RNG depends only on its cell and
//! index).

use super::experiments::{GivenRuns, RunResult};
use crate::error::{Error, Result};
use crate::montecarlo::shard::{check_complete, Shard};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Schema tag of a reproduce part file.
pub const REPRODUCE_PART_SCHEMA: &str = "relu-trainability/reproduce-part/1";

/// The `reproduce` arguments that define the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReproduceKey {
    /// `--full`.
    pub full: bool,
    /// `--seed`.
    pub seed: u64,
    /// `--runs`.
    pub runs: Option<usize>,
    /// `--steps`.
    pub steps: Option<usize>,
}

/// One training run of a part file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartRun {
    /// Cell key ("task/init/width/depth").
    pub cell: String,
    /// Run index within the cell.
    pub run: u64,
    /// Its result.
    pub result: RunResult,
}

/// The training runs of one shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReproducePart {
    /// [`REPRODUCE_PART_SCHEMA`].
    pub schema: String,
    /// The arguments.
    pub args: ReproduceKey,
    /// The configuration they give (checked equal across parts: a part made
    /// by another version of the program is refused).
    pub config: Value,
    /// Which shard.
    pub shard: Shard,
    /// Number of jobs of the whole run.
    pub jobs: u64,
    /// This shard's job indices [start, end).
    pub start: u64,
    /// End (exclusive).
    pub end: u64,
    /// The runs, in job order.
    pub runs: Vec<PartRun>,
}

/// The runs of every shard, checked: one configuration, every shard once,
/// each part holding exactly its slice of the jobs.
pub fn merge_runs(parts: &[(String, ReproducePart)]) -> Result<(ReproduceKey, GivenRuns)> {
    let (first_name, first) = parts
        .first()
        .ok_or_else(|| Error::input("merge needs at least one part file"))?;
    for (name, p) in parts {
        if p.args != first.args || p.config != first.config || p.jobs != first.jobs {
            return Err(Error::input(format!(
                "{name} belongs to a different reproduce run than {first_name} (arguments or configuration differ)"
            )));
        }
    }
    let shards: Vec<(&str, Shard)> = parts.iter().map(|(f, p)| (f.as_str(), p.shard)).collect();
    check_complete(&shards)?;
    let mut given = GivenRuns::new();
    for (name, p) in parts {
        let (start, end) = p.shard.range(p.jobs);
        if (p.start, p.end) != (start, end) || p.runs.len() as u64 != end - start {
            return Err(Error::input(format!(
                "{name}: holds {} runs for jobs {}..{}, but shard {}/{} of {} jobs is {start}..{end} (edited or damaged file?)",
                p.runs.len(),
                p.start,
                p.end,
                p.shard.k,
                p.shard.n,
                p.jobs
            )));
        }
        for r in &p.runs {
            let key = (r.cell.clone(), r.run);
            // a cell of both experiments has the same runs in both
            if let Some(old) = given.insert(key, r.result.clone()) {
                if old != r.result {
                    return Err(Error::input(format!(
                        "{name}: run {} of cell {} differs from the same run in another part",
                        r.run, r.cell
                    )));
                }
            }
        }
    }
    Ok((first.args.clone(), given))
}
