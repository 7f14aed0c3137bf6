//! `trainability reproduce`: the paper's experiments (spec ALG-EXPERIMENTS,
//! FMT-REPRODUCE): training runs, success rates next to exact trainability,
//! He versus data-dependent initialization, born-dead curves; a summary on
//! the terminal, tables and charts in `--out`.

use super::out::{out, outln};
use crate::error::{Error, Result};
use crate::montecarlo::shard::Shard;
use crate::train::experiments::{all_jobs, run_all, run_jobs, ExperimentConfig, Report};
use crate::train::report::{summary_table, write_outputs};
use crate::train::shard::{PartRun, ReproduceKey, ReproducePart, REPRODUCE_PART_SCHEMA};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `reproduce`.
#[derive(clap::Args, Debug)]
pub struct ReproduceArgs {
    /// Folder for tables (CSV, JSON) and charts (SVG, PNG); created if needed.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// The full sweep (widths and depths 2..10, 100 runs per cell; about
    /// 15-30 minutes on 2 cores) instead of the quick one (under 3 minutes).
    #[arg(long)]
    pub full: bool,
    /// Master seed (same seed, same numbers, any thread count).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override the training runs per cell.
    #[arg(long)]
    pub runs: Option<usize>,
    /// Override the step budget of every training run.
    #[arg(long)]
    pub steps: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Train only shard K of N (1 <= K <= N) of the training runs and print
    /// their results (JSON) for `trainability merge --out DIR` (spec
    /// ALG-REPRODUCE-SHARD); nothing is written to --out.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

/// The configuration of the arguments (spec ALG-EXPERIMENTS).
pub fn config(k: &ReproduceKey) -> Result<ExperimentConfig> {
    let mut cfg = if k.full {
        ExperimentConfig::full(k.seed)
    } else {
        ExperimentConfig::quick(k.seed)
    };
    if let Some(r) = k.runs {
        if r == 0 {
            return Err(Error::input("--runs must be at least 1"));
        }
        cfg.runs = r;
        cfg.init_runs = r;
    }
    if let Some(s) = k.steps {
        if s == 0 {
            return Err(Error::input("--steps must be at least 1"));
        }
        cfg.train.max_steps = s;
    }
    cfg.validate()?;
    Ok(cfg)
}

/// Prints the summary and writes the tables and charts of `report`;
/// returns the number of files written.
pub fn write_report(report: &Report, dir: &std::path::Path) -> Result<usize> {
    out!("{}", summary_table(report))?;
    Ok(write_outputs(report, dir)?.len())
}

/// Runs `reproduce`.
pub fn run(a: &ReproduceArgs) -> Result<i32> {
    let key = ReproduceKey {
        full: a.full,
        seed: a.seed,
        runs: a.runs,
        steps: a.steps,
    };
    let cfg = config(&key)?;
    let threads = crate::limits::threads(a.threads)?;
    let limits = crate::limits::current();
    // Fail early on an unwritable output folder, before minutes of training.
    if a.shard.is_none() {
        std::fs::create_dir_all(&a.out).map_err(|e| Error::io(a.out.display().to_string(), e))?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(move |_| crate::limits::set(limits))
        .build()
        .map_err(|e| Error::input(format!("cannot start {threads} threads: {e}")))?;
    let jobs = all_jobs(&cfg)?.len() as u64;
    let range = a.shard.map(|sh| sh.range(jobs));
    let total = range.map_or(cfg.total_runs(), |(s, e)| e - s);
    let bar = if a.quiet {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
    } else {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} runs (eta {eta})",
        )
        .map_err(|e| Error::input(e.to_string()))?,
    );
    bar.set_message(if a.full { "full sweep" } else { "quick sweep" });
    let start = Instant::now();
    if let (Some(shard), Some(range)) = (a.shard, range) {
        let runs = pool.install(|| run_jobs(&cfg, range, &|| bar.inc(1)))?;
        bar.finish_and_clear();
        let part = ReproducePart {
            schema: REPRODUCE_PART_SCHEMA.into(),
            args: key,
            config: serde_json::to_value(&cfg)
                .map_err(|e| Error::Numerical(format!("JSON encoding: {e}")))?,
            shard,
            jobs,
            start: range.0,
            end: range.1,
            runs: runs
                .into_iter()
                .map(|((cell, run), result)| PartRun { cell, run, result })
                .collect(),
        };
        super::args::print_json(
            &serde_json::to_value(&part)
                .map_err(|e| Error::Numerical(format!("JSON encoding: {e}")))?,
        )?;
        return Ok(0);
    }
    let report = pool.install(|| run_all(&cfg, &|| bar.inc(1)))?;
    bar.finish_and_clear();
    let files = write_report(&report, &a.out)?;
    let runs: usize = report
        .sweep
        .iter()
        .chain(&report.init_compare)
        .map(|c| c.runs)
        .sum();
    outln!(
        "\n{runs} training runs in {:.1} s on {threads} threads; wrote {} files to {}",
        start.elapsed().as_secs_f64(),
        files,
        a.out.display()
    )?;
    Ok(0)
}
