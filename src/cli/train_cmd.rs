//! `trainability train`: train one network on a built-in task with a census
//! at every step (spec THM-PD-SOUND, DEF-SUCCESS, THM-SUCCESS-U).

use super::args::{parse_width, print_json, Format};
use super::out::outln;
use crate::error::{Error, Result};
use crate::init::InitScheme;
use crate::montecarlo::sample_rng;
use crate::train::single::train_task;
use crate::train::{Optimizer, Task, TrainConfig};

/// `trainability train` arguments.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// Task: abs-1d (|x| on equispaced points of [-1,1]) or ridge-2d
    /// (|x1+x2|/2 on a grid of [-1,1]^2).
    #[arg(long, default_value = "abs-1d")]
    pub task: String,
    /// Points of abs-1d / grid size of ridge-2d (odd).
    #[arg(long)]
    pub points: Option<usize>,
    /// Hidden widths, e.g. 2,2,2,2.
    #[arg(long, required = true, value_delimiter = ',', value_parser = parse_width)]
    pub widths: Vec<usize>,
    /// Initializer: he-normal, data-dependent, rai, ... (as in `init`).
    #[arg(long, default_value = "he-normal")]
    pub init: String,
    /// Bias initializer: zero, normal:STD, uniform:A or fan-in
    /// (U(-1/sqrt(fan_in), 1/sqrt(fan_in))); default fan-in for
    /// torch-default (as nn.Linear), zero otherwise.
    #[arg(long)]
    pub bias: Option<String>,
    /// Optimizer: adam or gd.
    #[arg(long, default_value = "adam")]
    pub optimizer: String,
    /// Learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Step budget.
    #[arg(long, default_value_t = 5000)]
    pub steps: usize,
    /// Success tolerance on the training MSE.
    #[arg(long, default_value_t = 1e-4)]
    pub tol: f64,
    /// L2 penalty inside the loss (breaks THM-PD-SOUND with Adam; see spec).
    #[arg(long, default_value_t = 0.0)]
    pub l2: f64,
    /// Seed (the network uses stream 0).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `train`.
pub fn run(a: &TrainArgs) -> Result<i32> {
    let task = match a.task.as_str() {
        "abs-1d" => Task::abs_1d(a.points.unwrap_or(21))?,
        "ridge-2d" => Task::ridge_2d(a.points.unwrap_or(5))?,
        t => {
            return Err(Error::input(format!(
                "unknown task {t:?}: expected abs-1d or ridge-2d"
            )))
        }
    };
    let optimizer = match a.optimizer.as_str() {
        "adam" => Optimizer::adam(a.lr),
        "gd" => Optimizer::Gd { lr: a.lr },
        o => {
            return Err(Error::input(format!(
                "unknown optimizer {o:?}: expected adam or gd"
            )))
        }
    };
    let work = a.steps as f64
        * task.data.len() as f64
        * a.widths.iter().map(|&w| w as f64 * w as f64).sum::<f64>();
    if work > 5e11 {
        return Err(Error::TooCostly(format!(
            "about {work:.1e} multiply-adds with a census at every step; reduce --steps or --widths"
        )));
    }
    let cfg = TrainConfig {
        optimizer,
        max_steps: a.steps,
        tol: a.tol,
        l2: a.l2,
    };
    let bias = a
        .bias
        .clone()
        .unwrap_or_else(|| crate::init::random::default_bias(&a.init).into());
    let scheme = InitScheme::from_cli(&a.init, &bias)?;
    let r = train_task(&task, &scheme, &a.widths, &cfg, &mut sample_rng(a.seed, 0))?;
    match a.format {
        Format::Json => print_json(
            &serde_json::to_value(&r).map_err(|e| Error::format("json", e.to_string()))?,
        )?,
        Format::Table => {
            outln!(
                "task {}: {}; {} {}; widths {:?}",
                task.name(),
                task.describe(),
                scheme.name(),
                bias,
                a.widths
            )?;
            outln!("layer  init: active/TD/PD   final: active/TD/PD")?;
            for (l, (i, f)) in r.initial.iter().zip(&r.last).enumerate() {
                outln!(
                    "{:>5}  {:>6}/{}/{}   {:>13}/{}/{}",
                    l + 1,
                    i.0,
                    i.1,
                    i.2,
                    f.0,
                    f.1,
                    f.2
                )?;
            }
            let o = &r.outcome;
            outln!(
                "{}: MSE {:.3e} -> {:.3e} in {} steps; success (MSE < {:e}): {}{}",
                cfg.optimizer.name(),
                o.initial_loss,
                o.final_loss,
                o.steps,
                a.tol,
                o.success,
                if o.diverged { " (diverged)" } else { "" }
            )?;
            outln!(
                "census at each of {} steps: {} neuron(s) PD at init left PD{}",
                r.censuses,
                r.pd_violations.len(),
                if a.l2 > 0.0 {
                    " (an L2 penalty can revive PD neurons)"
                } else {
                    " (THM-PD-SOUND: always 0)"
                }
            )?;
            if let (Some(t), Some(u)) = (r.trainability, r.bound_u) {
                outln!("exact T(2,1,...,1) = {t:.6}, provable success bound U = {u:.6}")?;
            }
            outln!("monotone-fit floor {:.4} (a run below it started with every K_l >= 1 and some K_l >= 2)", r.loss_floor)?;
        }
    }
    Ok(0)
}
