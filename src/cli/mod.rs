//! The `trainability` command line: a thin layer over the library. Each
//! subcommand lives in its own file; errors print as `error: ...` on stderr
//! with exit status 2 (the `check` command uses 1 for "reject").

use crate::error::{Error, Result};
use clap::{Parser, Subcommand};

pub mod args;
pub mod census_cmd;
pub mod check_cmd;
pub mod exact_cmd;
pub mod init_cmd;
pub mod merge_cmd;
pub mod out;
pub mod q1_cmd;
pub mod reproduce_cmd;
pub mod search_cmd;
pub mod simulate_cmd;
pub mod train_cmd;
pub mod vectors_cmd;

/// Exact theory, simulation and test oracle for dead neurons and
/// trainability of ReLU networks (Shin and Karniadakis 2020).
#[derive(Parser, Debug)]
#[command(name = "trainability", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Budget of estimated CPU time in core-seconds; larger requests are
    /// refused with advice (spec ALG-LIMITS).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_budget)]
    pub max_seconds: Option<f64>,
    /// Budget of estimated memory in MB (default 1000).
    #[arg(long, global = true, value_name = "MB", value_parser = parse_budget)]
    pub max_memory_mb: Option<f64>,
    /// Largest input file read, in MB (default 268; a file claiming or
    /// holding more is refused before it is read).
    #[arg(long, global = true, value_name = "MB", value_parser = parse_budget)]
    pub max_input_mb: Option<f64>,
}

/// Parses a positive finite budget.
fn parse_budget(s: &str) -> std::result::Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if !(v.is_finite() && v > 0.0) {
        return Err(format!("a budget must be finite and > 0, got {s}"));
    }
    Ok(v)
}

impl Cli {
    /// The budgets these flags give (defaults elsewhere).
    pub fn limits(&self) -> crate::limits::Limits {
        let d = crate::limits::DEFAULT;
        crate::limits::Limits {
            max_seconds: self.max_seconds.unwrap_or(d.max_seconds),
            max_bytes: self.max_memory_mb.map_or(d.max_bytes, |m| m * 1e6),
            max_input_bytes: self
                .max_input_mb
                .map_or(d.max_input_bytes, |m| (m * 1e6).min(u64::MAX as f64) as u64),
        }
    }
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Exact law of non-PD counts per layer, P(born dead), trainability.
    Exact(exact_cmd::ExactArgs),
    /// The same quantities in scaled f64 with a proven error bound (any size).
    Approx(exact_cmd::ApproxArgs),
    /// Exact born-dead table for uniform widths by depths.
    Table(exact_cmd::TableArgs),
    /// Smallest uniform width with trainability >= 1 - eps.
    Width(search_cmd::WidthArgs),
    /// Largest depth with P(born dead) <= eps.
    Depth(search_cmd::DepthArgs),
    /// Monte Carlo over random networks on data, compared with the theory.
    Simulate(simulate_cmd::SimulateArgs),
    /// Report of a sharded simulate run from its part files (simulate --shard K/N).
    Merge(merge_cmd::MergeArgs),
    /// Write an initialized network (safetensors, PyTorch layout).
    Init(init_cmd::InitArgs),
    /// q1 = P(a first-layer neuron is PD on the data) for a data set and initializer.
    Q1(q1_cmd::Q1Args),
    /// Census (active / tentatively dead / permanently dead) of a saved model.
    Census(census_cmd::CensusArgs),
    /// Test sampled counts from another implementation against the exact law.
    Check(check_cmd::CheckArgs),
    /// Write golden test vectors (JSON) for other implementations.
    Vectors(vectors_cmd::VectorsArgs),
    /// Run the paper's experiments (training, success rates, plots).
    Reproduce(reproduce_cmd::ReproduceArgs),
    /// Train one network on a built-in task with a census at every step.
    Train(train_cmd::TrainArgs),
}

/// Runs a parsed command; returns the process exit status.
pub fn run(cli: Cli) -> Result<i32> {
    crate::limits::set(cli.limits());
    match cli.command {
        Command::Exact(a) => exact_cmd::run_exact(&a),
        Command::Approx(a) => exact_cmd::run_approx(&a),
        Command::Table(a) => exact_cmd::run_table(&a),
        Command::Width(a) => search_cmd::run_width(&a),
        Command::Depth(a) => search_cmd::run_depth(&a),
        Command::Simulate(a) => simulate_cmd::run(&a),
        Command::Merge(a) => merge_cmd::run(&a),
        Command::Init(a) => init_cmd::run(&a),
        Command::Q1(a) => q1_cmd::run(&a),
        Command::Census(a) => census_cmd::run(&a),
        Command::Check(a) => check_cmd::run(&a),
        Command::Vectors(a) => vectors_cmd::run(&a),
        Command::Reproduce(a) => reproduce_cmd::run(&a),
        Command::Train(a) => train_cmd::run(&a),
    }
}

/// Entry point of the binary: parse, run, report (spec FMT-OUTPUT).
///
/// Exit status: 0 success (or stdout closed by its reader), 1 `check`
/// rejects, 2 bad input or an error, 3 an internal error (a bug: a panic,
/// reported as such rather than as bad input).
pub fn main() -> i32 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.len() <= 1 {
        out::errln!("error: no command given; run `trainability --help` for the list of commands");
        return 2;
    }
    std::panic::set_hook(Box::new(|info| {
        out::errln!("internal error (a bug, please report it): {info}");
    }));
    // exit 3: a bug, distinct from bad input (the hook printed it)
    std::panic::catch_unwind(move || main_inner(args)).unwrap_or(3)
}

fn main_inner(args: Vec<std::ffi::OsString>) -> i32 {
    let res = match Cli::try_parse_from(args) {
        Ok(cli) => run(cli),
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            return 2;
        }
        // --help and --version: text for stdout, which may fail too
        Err(e) => out::out!("{}", e.render()).map(|()| 0),
    };
    match res.and_then(|code| out::flush().map(|()| code)) {
        Ok(code) => code,
        Err(Error::OutputClosed) => 0,
        Err(e) => {
            out::errln!("error: {e}");
            2
        }
    }
}
