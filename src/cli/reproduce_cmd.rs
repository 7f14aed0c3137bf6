//! `trainability reproduce`: the paper's experiments (spec ALG-EXPERIMENTS,
//! FMT-REPRODUCE): training runs, success rates next to exact trainability,
//! He versus data-dependent initialization, born-dead curves; a summary on
//! the terminal, tables and charts in `--out`.

use super::out::{out, outln};
use crate::error::{Error, Result};
use crate::train::experiments::{run_all, ExperimentConfig};
use crate::train::report::{summary_table, write_outputs};
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
}

/// Runs `reproduce`.
pub fn run(a: &ReproduceArgs) -> Result<i32> {
    let mut cfg = if a.full {
        ExperimentConfig::full(a.seed)
    } else {
        ExperimentConfig::quick(a.seed)
    };
    if let Some(r) = a.runs {
        if r == 0 {
            return Err(Error::input("--runs must be at least 1"));
        }
        cfg.runs = r;
        cfg.init_runs = r;
    }
    if let Some(s) = a.steps {
        if s == 0 {
            return Err(Error::input("--steps must be at least 1"));
        }
        cfg.train.max_steps = s;
    }
    cfg.validate()?;
    let threads = crate::limits::threads(a.threads)?;
    let limits = crate::limits::current();
    // Fail early on an unwritable output folder, before minutes of training.
    std::fs::create_dir_all(&a.out).map_err(|e| Error::io(a.out.display().to_string(), e))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(move |_| crate::limits::set(limits))
        .build()
        .map_err(|e| Error::input(format!("cannot start {threads} threads: {e}")))?;
    let bar = if a.quiet {
        ProgressBar::with_draw_target(Some(cfg.total_runs()), ProgressDrawTarget::hidden())
    } else {
        ProgressBar::with_draw_target(Some(cfg.total_runs()), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} runs (eta {eta})",
        )
        .map_err(|e| Error::input(e.to_string()))?,
    );
    bar.set_message(if a.full { "full sweep" } else { "quick sweep" });
    let start = Instant::now();
    let report = pool.install(|| run_all(&cfg, &|| bar.inc(1)))?;
    bar.finish_and_clear();
    out!("{}", summary_table(&report))?;
    let files = write_outputs(&report, &a.out)?;
    let runs: usize = report
        .sweep
        .iter()
        .chain(&report.init_compare)
        .map(|c| c.runs)
        .sum();
    outln!(
        "\n{runs} training runs in {:.1} s on {threads} threads; wrote {} files to {}",
        start.elapsed().as_secs_f64(),
        files.len(),
        a.out.display()
    )?;
    Ok(0)
}
