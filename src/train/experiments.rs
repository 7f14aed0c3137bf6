//! The paper's numerical experiments (spec ALG-EXPERIMENTS):
//! (1) success rate versus trainability T(n*) and the provable bound U,
//! (2) He versus data-dependent initialization,
//! (3) over-parameterization: width sweeps at fixed depth (rows of (1)) and
//!     born-dead probability versus depth, exact with Monte Carlo points.
//!
//! Every run draws from `ChaCha8Rng::seed_from_u64(master ^ fnv(cell))`
//! with `set_stream(run)`, so a cell's results depend only on the master
//! seed and the cell itself: bit-identical for any thread count and any
//! sweep that contains the cell.

use super::bounds::success_bound_u;
use super::tasks::{Task, TaskKind};
use super::trainer::{train, TrainConfig};
use crate::census::census;
use crate::error::{Error, Result};
use crate::exact::{self, BiasMode, ChainSpec};
use crate::init::{initialize, Architecture, BiasInit, InitScheme, WeightInit};
use crate::rational::{to_f64, to_pq};
use crate::stats::intervals::checked_clopper_pearson;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Confidence level of every reported Clopper-Pearson interval.
pub const CONFIDENCE: f64 = 0.95;

/// The initializers compared.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InitChoice {
    /// He normal weights, biases zero or N(0, bias_std^2).
    He(BiasMode),
    /// The project's data-dependent initializer.
    DataDependent,
}

impl InitChoice {
    /// Short name for tables.
    pub fn name(&self) -> &'static str {
        match self {
            InitChoice::He(BiasMode::Zero) => "he/zero-bias",
            InitChoice::He(BiasMode::Symmetric) => "he/sym-bias",
            InitChoice::DataDependent => "data-dependent",
        }
    }

    fn scheme(&self, bias_std: f64) -> InitScheme {
        match *self {
            InitChoice::He(BiasMode::Zero) => InitScheme::Random {
                weights: WeightInit::HeNormal,
                bias: BiasInit::Zero,
            },
            InitChoice::He(BiasMode::Symmetric) => InitScheme::Random {
                weights: WeightInit::HeNormal,
                bias: BiasInit::Normal(bias_std),
            },
            InitChoice::DataDependent => InitScheme::DataDependent,
        }
    }
}

/// Everything the experiments need; [`ExperimentConfig::quick`] and
/// [`ExperimentConfig::full`] are the built-in defaults of `reproduce`.
#[derive(Clone, Debug, Serialize)]
pub struct ExperimentConfig {
    /// Master seed.
    pub seed: u64,
    /// Points of the |x| task (odd).
    pub abs_points: usize,
    /// Grid size of the 2-D task (odd).
    pub grid: usize,
    /// Std of symmetric biases, N(0, bias_std^2), every layer.
    pub bias_std: f64,
    /// Training run of every network.
    pub train: TrainConfig,
    /// Experiment 1 widths (uniform hidden widths).
    pub widths: Vec<usize>,
    /// Experiment 1 depths (hidden layers).
    pub depths: Vec<usize>,
    /// Training runs per cell in experiment 1.
    pub runs: usize,
    /// Experiment 2 (He vs data-dependent) widths, depths and runs.
    pub init_widths: Vec<usize>,
    /// Experiment 2 depths.
    pub init_depths: Vec<usize>,
    /// Experiment 2 runs per cell.
    pub init_runs: usize,
    /// Experiment 3: widths of the born-dead curves.
    pub bd_widths: Vec<usize>,
    /// Experiment 3: curves go to this depth.
    pub bd_max_depth: usize,
    /// Experiment 3: Monte Carlo every this many depths.
    pub bd_every: usize,
    /// Experiment 3: random networks per Monte Carlo point.
    pub bd_samples: usize,
}

impl ExperimentConfig {
    /// The quick run (minutes on a laptop): Adam lr 1e-3, <= 5000 steps,
    /// tolerance 1e-4 (DEF-SUCCESS).
    pub fn quick(seed: u64) -> Self {
        ExperimentConfig {
            seed,
            abs_points: 21,
            grid: 5,
            bias_std: 1.0,
            train: TrainConfig::default_adam(5000),
            widths: vec![2, 3, 5, 8],
            depths: vec![2, 4, 6],
            runs: 30,
            init_widths: vec![2, 3, 5],
            init_depths: vec![4, 8],
            init_runs: 30,
            bd_widths: vec![2, 3, 4, 6],
            bd_max_depth: 30,
            bd_every: 3,
            bd_samples: 500,
        }
    }

    /// The full sweep of the issue: widths 2..10 x depths 2..10, 100 runs.
    pub fn full(seed: u64) -> Self {
        ExperimentConfig {
            widths: (2..=10).collect(),
            depths: (2..=10).collect(),
            runs: 100,
            init_widths: vec![2, 3, 4, 6, 8, 10],
            init_depths: vec![2, 4, 6, 8, 10],
            init_runs: 100,
            bd_widths: vec![2, 3, 4, 5, 6, 8, 10],
            bd_max_depth: 60,
            bd_every: 3,
            bd_samples: 2000,
            ..Self::quick(seed)
        }
    }

    /// Validates sizes (refuses sweeps that would run for days).
    pub fn validate(&self) -> Result<()> {
        self.train.validate()?;
        let ok = |v: &[usize], what: &str, max: usize| -> Result<()> {
            if v.is_empty() || v.iter().any(|&x| x == 0 || x > max) {
                return Err(Error::input(format!(
                    "{what}: need values in 1..={max}, got {v:?}"
                )));
            }
            Ok(())
        };
        ok(&self.widths, "widths", 64)?;
        ok(&self.depths, "depths", 64)?;
        ok(&self.init_widths, "init widths", 64)?;
        ok(&self.init_depths, "init depths", 64)?;
        ok(&self.bd_widths, "born-dead widths", 64)?;
        if self.widths.iter().chain(&self.init_widths).any(|&w| w < 2) {
            return Err(Error::input("widths must be >= 2 (n*_1 = 2)"));
        }
        if self.runs == 0 || self.init_runs == 0 || self.bd_samples == 0 || self.bd_every == 0 {
            return Err(Error::input(
                "runs, samples and the Monte Carlo spacing must be >= 1",
            ));
        }
        if !(self.bias_std.is_finite() && self.bias_std > 0.0) {
            return Err(Error::input("bias std must be finite and > 0"));
        }
        if self.bd_max_depth == 0 || self.bd_max_depth > 1000 {
            return Err(Error::input("born-dead max depth must be in 1..=1000"));
        }
        let secs = self.estimated_core_seconds();
        if secs > 2.0e5 {
            return Err(Error::TooCostly(format!(
                "this sweep could need up to {:.0} core-hours of training; reduce runs, widths, depths or steps",
                secs / 3600.0
            )));
        }
        Ok(())
    }

    /// Worst-case training time in core-seconds (every run using its whole
    /// step budget), from a measured cost model: about 1 us + 2 ns x m x
    /// (parameters) per full-batch step.
    pub fn estimated_core_seconds(&self) -> f64 {
        let m = (self.abs_points + self.grid * self.grid) as f64 / 2.0;
        let cell = |w: usize, d: usize| {
            (1e-6 + 2e-9 * m * ((w * w + w) * d) as f64) * self.train.max_steps as f64
        };
        let e1: f64 = self
            .widths
            .iter()
            .flat_map(|&w| self.depths.iter().map(move |&d| cell(w, d)))
            .sum();
        let e2: f64 = self
            .init_widths
            .iter()
            .flat_map(|&w| self.init_depths.iter().map(move |&d| cell(w, d)))
            .sum();
        4.0 * e1 * self.runs as f64 + 3.0 * e2 * self.init_runs as f64
    }

    /// Number of training runs (for the progress bar).
    pub fn total_runs(&self) -> u64 {
        (4 * self.widths.len() * self.depths.len() * self.runs
            + 3 * self.init_widths.len() * self.init_depths.len() * self.init_runs) as u64
    }
}

/// One training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// DEF-SUCCESS.
    pub success: bool,
    /// Training MSE at the end.
    pub final_loss: f64,
    /// Updates performed.
    pub steps: usize,
    /// Born dead at init (DEF-BORN-DEAD).
    pub born_dead: bool,
    /// Non-PD counts K_l at init.
    pub non_pd: Vec<usize>,
    /// Dead (TD or PD) neurons per layer at init.
    pub dead: Vec<usize>,
}

impl RunResult {
    /// The event E of THM-SUCCESS-U at init: every K_l >= 1, some K_l >= 2.
    pub fn in_event_e(&self) -> bool {
        self.non_pd.iter().all(|&k| k >= 1) && self.non_pd.iter().any(|&k| k >= 2)
    }
}

/// Aggregated results of one (task, init, width, depth) cell.
#[derive(Clone, Debug, Serialize)]
pub struct CellResult {
    /// Task name.
    pub task: &'static str,
    /// Initializer name.
    pub init: &'static str,
    /// Hidden width (uniform).
    pub width: usize,
    /// Hidden layers.
    pub depth: usize,
    /// Training runs.
    pub runs: usize,
    /// Successful runs.
    pub successes: usize,
    /// successes / runs.
    pub success_rate: f64,
    /// Clopper-Pearson interval (CONFIDENCE).
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
    /// Exact trainability T(n*) as f64 (He only).
    pub trainability: Option<f64>,
    /// Provable bound U (He only; THM-SUCCESS-U).
    pub bound_u: Option<f64>,
    /// Exact P(born dead) (He only).
    pub born_dead_exact: Option<f64>,
    /// Observed born-dead fraction.
    pub born_dead_observed: f64,
    /// Mean final training MSE.
    pub mean_final_loss: f64,
    /// Median final training MSE.
    pub median_final_loss: f64,
    /// Mean fraction of dead (TD or PD) neurons per layer at init.
    pub dead_fraction: Vec<f64>,
    /// Runs ending below the monotone-fit floor (THM-EVEN-MONOTONE): they
    /// escaped the provably untrainable regime; their rate is <= U as well.
    pub below_floor: usize,
    /// Runs ending below the floor that did not start in E: must be 0
    /// (THM-SUCCESS-U; successes are among them since tol < floor).
    pub successes_outside_e: usize,
    /// How q1 was obtained (He only).
    pub q1_source: Option<&'static str>,
    /// Exact T(n*) as "p/q" (He only; JSON).
    pub trainability_exact: Option<String>,
    /// Exact U as "p/q" (He only; JSON).
    pub bound_u_exact: Option<String>,
}

/// A point of the born-dead-versus-depth experiment.
#[derive(Clone, Debug, Serialize)]
pub struct BornDeadPoint {
    /// Bias mode of He init.
    pub bias: &'static str,
    /// Uniform width.
    pub width: usize,
    /// Hidden layers.
    pub depth: usize,
    /// Exact P(born dead).
    pub exact: f64,
    /// Monte Carlo (samples, born dead, CI), at every `bd_every`-th depth.
    pub mc: Option<(usize, usize, f64, f64)>,
}

/// All results.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The configuration used.
    pub config: ExperimentConfig,
    /// Experiment 1 (and 3's width sweeps): He, both bias modes, both tasks.
    pub sweep: Vec<CellResult>,
    /// Experiment 2: He vs data-dependent (None if unavailable, with reason).
    pub init_compare: Vec<CellResult>,
    /// Why experiment 2 could not run, if so.
    pub init_compare_error: Option<String>,
    /// Experiment 3: born dead versus depth.
    pub born_dead: Vec<BornDeadPoint>,
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The RNG of run `run` of the cell named `cell`.
pub fn run_rng(master: u64, cell: &str, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(master ^ fnv(cell));
    rng.set_stream(run);
    rng
}

/// One (task, init, width, depth) cell of the sweeps.
#[derive(Clone, Copy, Debug)]
pub struct Cell<'a> {
    /// The task.
    pub task: &'a Task,
    /// The initializer.
    pub init: InitChoice,
    /// Uniform hidden width.
    pub width: usize,
    /// Hidden layers.
    pub depth: usize,
}

impl Cell<'_> {
    /// "task/init/width/depth": names the cell's RNG and its runs in part
    /// files (spec ALG-REPRODUCE-SHARD).
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.task.name(),
            self.init.name(),
            self.width,
            self.depth
        )
    }
}

/// Initializes and trains one network (run `run` of `cell`).
pub fn run_one(cell: &Cell, cfg: &ExperimentConfig, run: u64) -> Result<RunResult> {
    let mut rng = run_rng(cfg.seed, &cell.key(), run);
    let task = cell.task;
    let arch = Architecture::new(task.data.dim(), vec![cell.width; cell.depth], 1)?;
    let mut net = initialize(&cell.init.scheme(cfg.bias_std), &arch, &task.data, &mut rng)?;
    let c = census(&net, &task.data)?;
    let out = train(&mut net, &task.data, &task.targets, &cfg.train)?;
    Ok(RunResult {
        success: out.success,
        final_loss: out.final_loss,
        steps: out.steps,
        born_dead: c.born_dead(),
        non_pd: c.layers.iter().map(|l| l.non_pd()).collect(),
        dead: c.layers.iter().map(|l| l.dead()).collect(),
    })
}

/// The exact side of a He cell: (T(n*), U, P(born dead), q1 source).
pub fn exact_side(
    task: &Task,
    bias: BiasMode,
    bias_std: f64,
    width: usize,
    depth: usize,
) -> Result<(
    num_rational::BigRational,
    num_rational::BigRational,
    num_rational::BigRational,
    &'static str,
)> {
    let q1 = task.q1_he(bias, bias_std)?;
    let spec = ChainSpec::new(vec![width; depth], bias, q1.value)?;
    let t = exact::trainability(&spec, &task.min_widths(depth))?;
    let u = success_bound_u(&spec)?;
    let bd = exact::exact_law(&spec)?.born_dead();
    Ok((t, u, bd, q1.how))
}

/// Aggregates the runs of one cell (adds the exact side for He).
pub fn aggregate(cell: &Cell, cfg: &ExperimentConfig, runs: &[RunResult]) -> Result<CellResult> {
    let n = runs.len();
    let k = runs.iter().filter(|r| r.success).count();
    let (lo, hi) = checked_clopper_pearson(k as u64, n as u64, CONFIDENCE)?;
    let mut losses: Vec<f64> = runs.iter().map(|r| r.final_loss).collect();
    losses.sort_by(|a, b| a.total_cmp(b));
    let median = if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        losses[n / 2]
    } else {
        0.5 * (losses[n / 2 - 1] + losses[n / 2])
    };
    let dead_fraction = (0..cell.depth)
        .map(|l| runs.iter().map(|r| r.dead[l] as f64).sum::<f64>() / (n * cell.width) as f64)
        .collect();
    let exact = match cell.init {
        InitChoice::He(bias) => Some(exact_side(
            cell.task,
            bias,
            cfg.bias_std,
            cell.width,
            cell.depth,
        )?),
        InitChoice::DataDependent => None,
    };
    Ok(CellResult {
        task: cell.task.name(),
        init: cell.init.name(),
        width: cell.width,
        depth: cell.depth,
        runs: n,
        successes: k,
        success_rate: k as f64 / n as f64,
        ci_low: lo,
        ci_high: hi,
        trainability: exact.as_ref().map(|e| to_f64(&e.0)),
        bound_u: exact.as_ref().map(|e| to_f64(&e.1)),
        born_dead_exact: exact.as_ref().map(|e| to_f64(&e.2)),
        born_dead_observed: runs.iter().filter(|r| r.born_dead).count() as f64 / n as f64,
        mean_final_loss: losses.iter().sum::<f64>() / n as f64,
        median_final_loss: median,
        dead_fraction,
        below_floor: runs
            .iter()
            .filter(|r| r.final_loss < cell.task.loss_floor)
            .count(),
        successes_outside_e: runs
            .iter()
            .filter(|r| (r.success || r.final_loss < cell.task.loss_floor) && !r.in_event_e())
            .count(),
        q1_source: exact.as_ref().map(|e| e.3),
        trainability_exact: exact.as_ref().map(|e| to_pq(&e.0)),
        bound_u_exact: exact.as_ref().map(|e| to_pq(&e.1)),
    })
}

/// Runs `runs` trainings of every cell, all runs of all cells in one
/// parallel pool (balanced), then aggregates in cell order.
pub fn run_cells(
    cells: &[Cell],
    runs: usize,
    cfg: &ExperimentConfig,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<CellResult>> {
    run_cells_from(cells, runs, cfg, tick, None)
}

/// Training runs made elsewhere (the merged part files of a sharded run),
/// by (cell key, run index) (spec ALG-REPRODUCE-SHARD).
pub type GivenRuns = std::collections::HashMap<(String, u64), RunResult>;

/// [`run_cells`], taking the runs from `given` instead of training when set.
fn run_cells_from(
    cells: &[Cell],
    runs: usize,
    cfg: &ExperimentConfig,
    tick: &(dyn Fn() + Sync),
    given: Option<&GivenRuns>,
) -> Result<Vec<CellResult>> {
    let jobs: Vec<(usize, u64)> = (0..cells.len())
        .flat_map(|c| (0..runs as u64).map(move |r| (c, r)))
        .collect();
    let results: Vec<Result<RunResult>> = jobs
        .par_iter()
        .map(|&(c, r)| {
            let out = match given {
                None => run_one(&cells[c], cfg, r),
                Some(g) => g.get(&(cells[c].key(), r)).cloned().ok_or_else(|| {
                    Error::input(format!(
                        "the part files have no result for run {r} of cell {}",
                        cells[c].key()
                    ))
                }),
            };
            tick();
            out
        })
        .collect();
    let mut per_cell: Vec<Vec<RunResult>> = vec![Vec::with_capacity(runs); cells.len()];
    for (&(c, _), res) in jobs.iter().zip(results) {
        per_cell[c].push(res?);
    }
    cells
        .iter()
        .zip(&per_cell)
        .map(|(cell, rs)| aggregate(cell, cfg, rs))
        .collect()
}

/// The tasks of the configuration: |x| and the 2-D ridge.
pub fn tasks(cfg: &ExperimentConfig) -> Result<Vec<Task>> {
    let tasks = vec![Task::abs_1d(cfg.abs_points)?, Task::ridge_2d(cfg.grid)?];
    for t in &tasks {
        if cfg.train.tol >= t.loss_floor {
            return Err(Error::input(format!(
                "tolerance {} is not below the monotone-fit floor {:.4} of {}: success would not imply the bound (THM-SUCCESS-U)",
                cfg.train.tol,
                t.loss_floor,
                t.name()
            )));
        }
    }
    Ok(tasks)
}

/// Experiment 1: success rate versus T(n*) and U, He init, both bias modes.
pub fn success_vs_trainability(
    tasks: &[Task],
    cfg: &ExperimentConfig,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<CellResult>> {
    run_cells(&sweep_cells(tasks, cfg), cfg.runs, cfg, tick)
}

/// The cells of experiment 1, in report order.
fn sweep_cells<'a>(tasks: &'a [Task], cfg: &ExperimentConfig) -> Vec<Cell<'a>> {
    let mut cells = Vec::new();
    for task in tasks {
        for bias in [BiasMode::Zero, BiasMode::Symmetric] {
            for &depth in &cfg.depths {
                for &width in &cfg.widths {
                    cells.push(Cell {
                        task,
                        init: InitChoice::He(bias),
                        width,
                        depth,
                    });
                }
            }
        }
    }
    cells
}

/// Experiment 2: He (both bias modes) versus data-dependent on the |x| task.
pub fn he_vs_data_dependent(
    task: &Task,
    cfg: &ExperimentConfig,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<CellResult>> {
    run_cells(&init_cells(task, cfg)?, cfg.init_runs, cfg, tick)
}

/// The cells of experiment 2, in report order, after probing the
/// data-dependent initializer once (refusing early with its reason).
fn init_cells<'a>(task: &'a Task, cfg: &ExperimentConfig) -> Result<Vec<Cell<'a>>> {
    // Probe the data-dependent initializer once: refuse early with its reason.
    let probe = Architecture::new(task.data.dim(), vec![2, 2], 1)?;
    initialize(
        &InitScheme::DataDependent,
        &probe,
        &task.data,
        &mut run_rng(cfg.seed, "probe", 0),
    )?;
    let mut cells = Vec::new();
    for &depth in &cfg.init_depths {
        for &width in &cfg.init_widths {
            for init in [
                InitChoice::He(BiasMode::Zero),
                InitChoice::He(BiasMode::Symmetric),
                InitChoice::DataDependent,
            ] {
                cells.push(Cell {
                    task,
                    init,
                    width,
                    depth,
                });
            }
        }
    }
    Ok(cells)
}

/// Experiment 3b: exact P(born dead) versus depth for each width (He on the
/// |x| data, both bias modes), with Monte Carlo points (census at init).
pub fn born_dead_vs_depth(task: &Task, cfg: &ExperimentConfig) -> Result<Vec<BornDeadPoint>> {
    let mut points = Vec::new();
    for bias in [BiasMode::Zero, BiasMode::Symmetric] {
        let q1 = task.q1_he(bias, cfg.bias_std)?;
        for &width in &cfg.bd_widths {
            let spec = ChainSpec::new(vec![width; cfg.bd_max_depth], bias, q1.value.clone())?;
            let law = exact::exact_law(&spec)?;
            for depth in 1..=cfg.bd_max_depth {
                let exact = to_f64(&law.layers[depth - 1][0]);
                let mc = if depth % cfg.bd_every == 0 || depth == 1 {
                    let init = InitChoice::He(bias);
                    let key = format!("bd/{}/{}/{}/{}", task.name(), init.name(), width, depth);
                    let arch = Architecture::new(task.data.dim(), vec![width; depth], 1)?;
                    let scheme = init.scheme(cfg.bias_std);
                    let dead: Vec<Result<bool>> = (0..cfg.bd_samples as u64)
                        .into_par_iter()
                        .map(|s| {
                            let mut rng = run_rng(cfg.seed, &key, s);
                            let net = initialize(&scheme, &arch, &task.data, &mut rng)?;
                            Ok(census(&net, &task.data)?.born_dead())
                        })
                        .collect();
                    let mut k = 0;
                    for d in dead {
                        k += d? as usize;
                    }
                    let (lo, hi) =
                        checked_clopper_pearson(k as u64, cfg.bd_samples as u64, CONFIDENCE)?;
                    Some((cfg.bd_samples, k, lo, hi))
                } else {
                    None
                };
                points.push(BornDeadPoint {
                    bias: bias.name(),
                    width,
                    depth,
                    exact,
                    mc,
                });
            }
        }
    }
    Ok(points)
}

/// Runs all three experiments. `tick` is called once per training run.
pub fn run_all(cfg: &ExperimentConfig, tick: &(dyn Fn() + Sync)) -> Result<Report> {
    run_all_from(cfg, tick, None)
}

/// [`run_all`] with the training runs taken from `given` when set (the
/// merge of a sharded run, spec ALG-REPRODUCE-SHARD): the same report.
pub fn run_all_from(
    cfg: &ExperimentConfig,
    tick: &(dyn Fn() + Sync),
    given: Option<&GivenRuns>,
) -> Result<Report> {
    cfg.validate()?;
    let tasks = tasks(cfg)?;
    let sweep = run_cells_from(&sweep_cells(&tasks, cfg), cfg.runs, cfg, tick, given)?;
    let abs = tasks
        .iter()
        .find(|t| t.kind == TaskKind::Abs1d)
        .expect("abs task");
    let (init_compare, init_compare_error) = match init_cells(abs, cfg)
        .and_then(|cells| run_cells_from(&cells, cfg.init_runs, cfg, tick, given))
    {
        Ok(v) => (v, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let born_dead = born_dead_vs_depth(abs, cfg)?;
    Ok(Report {
        config: cfg.clone(),
        sweep,
        init_compare,
        init_compare_error,
        born_dead,
    })
}

/// Every training run of the configuration, in a fixed order (experiment 1's
/// cells, then experiment 2's when the data-dependent probe succeeds; runs
/// within a cell): (cell key, run index) (spec ALG-REPRODUCE-SHARD).
pub fn all_jobs(cfg: &ExperimentConfig) -> Result<Vec<(String, u64)>> {
    cfg.validate()?;
    let tasks = tasks(cfg)?;
    let abs = tasks
        .iter()
        .find(|t| t.kind == TaskKind::Abs1d)
        .expect("abs task");
    let mut jobs = Vec::new();
    let mut push = |cells: &[Cell], runs: usize| {
        for c in cells {
            jobs.extend((0..runs as u64).map(|r| (c.key(), r)));
        }
    };
    push(&sweep_cells(&tasks, cfg), cfg.runs);
    if let Ok(cells) = init_cells(abs, cfg) {
        push(&cells, cfg.init_runs);
    }
    Ok(jobs)
}

/// Trains the jobs `range` (indices into [`all_jobs`]) in parallel: the
/// runs one shard of a sharded `reproduce` contributes, in job order.
pub fn run_jobs(
    cfg: &ExperimentConfig,
    (start, end): (u64, u64),
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<((String, u64), RunResult)>> {
    let tasks = tasks(cfg)?;
    let abs = tasks
        .iter()
        .find(|t| t.kind == TaskKind::Abs1d)
        .expect("abs task");
    let mut cells: Vec<(Cell, usize)> = sweep_cells(&tasks, cfg)
        .into_iter()
        .map(|c| (c, cfg.runs))
        .collect();
    if let Ok(more) = init_cells(abs, cfg) {
        cells.extend(more.into_iter().map(|c| (c, cfg.init_runs)));
    }
    let jobs: Vec<(&Cell, u64)> = cells
        .iter()
        .flat_map(|(c, runs)| (0..*runs as u64).map(move |r| (c, r)))
        .skip(start as usize)
        .take(end.saturating_sub(start) as usize)
        .collect();
    jobs.par_iter()
        .map(|&(c, r)| {
            let out = run_one(c, cfg, r).map(|res| ((c.key(), r), res));
            tick();
            out
        })
        .collect()
}
