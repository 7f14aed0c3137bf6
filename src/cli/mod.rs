//! The `trainability` command line: a thin layer over the library. Each
//! subcommand lives in its own file; errors print as `error: ...` on stderr
//! with exit status 2 (the `check` command uses 1 for "reject").

use crate::error::Result;
use clap::{Parser, Subcommand};

pub mod args;
pub mod census_cmd;
pub mod check_cmd;
pub mod exact_cmd;
pub mod init_cmd;
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
    /// Write an initialized network (safetensors, PyTorch layout).
    Init(init_cmd::InitArgs),
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
    match cli.command {
        Command::Exact(a) => exact_cmd::run_exact(&a),
        Command::Approx(a) => exact_cmd::run_approx(&a),
        Command::Table(a) => exact_cmd::run_table(&a),
        Command::Width(a) => search_cmd::run_width(&a),
        Command::Depth(a) => search_cmd::run_depth(&a),
        Command::Simulate(a) => simulate_cmd::run(&a),
        Command::Init(a) => init_cmd::run(&a),
        Command::Census(a) => census_cmd::run(&a),
        Command::Check(a) => check_cmd::run(&a),
        Command::Vectors(a) => vectors_cmd::run(&a),
        Command::Reproduce(a) => reproduce_cmd::run(&a),
        Command::Train(a) => train_cmd::run(&a),
    }
}

/// Entry point of the binary: parse, run, report.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
