//! One training run on a built-in task with a census at every step
//! (spec THM-PD-SOUND, DEF-SUCCESS): the library side of `trainability train`.

use super::bounds::success_bound_u;
use super::tasks::Task;
use super::trainer::{train_with_hook, TrainConfig, TrainOutcome};
use crate::census::{census, census_from_forward, Census, NeuronState};
use crate::error::Result;
use crate::exact::{self, BiasMode, ChainSpec};
use crate::init::{initialize, Architecture, BiasInit, InitScheme, WeightInit};
use crate::rational::to_f64;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Per-layer (active, tentatively dead, permanently dead) counts.
pub type Counts = Vec<(usize, usize, usize)>;

fn counts(c: &Census) -> Counts {
    c.layers
        .iter()
        .map(|l| (l.active(), l.tentatively_dead(), l.permanently_dead()))
        .collect()
}

/// What one run did.
#[derive(Clone, Debug, Serialize)]
pub struct SingleRun {
    /// Census at initialization.
    pub initial: Counts,
    /// Census of the final parameters.
    pub last: Counts,
    /// Training outcome.
    pub outcome: TrainOutcome,
    /// Censuses taken (one per step, including step 0 and the last).
    pub censuses: usize,
    /// (step, layer, neuron) where a neuron PD at init was not PD any more:
    /// always empty without an L2 penalty (THM-PD-SOUND).
    pub pd_violations: Vec<(usize, usize, usize)>,
    /// Exact T(2,1,...,1) and U when the scheme is He normal with zero or
    /// Gaussian biases (the laws the task's q1 closed forms cover).
    pub trainability: Option<f64>,
    /// Provable bound U (THM-SUCCESS-U).
    pub bound_u: Option<f64>,
    /// Monotone-fit floor of the task (THM-EVEN-MONOTONE).
    pub loss_floor: f64,
}

/// Initializes with `scheme`, trains with a census at every step.
pub fn train_task(
    task: &Task,
    scheme: &InitScheme,
    widths: &[usize],
    cfg: &TrainConfig,
    rng: &mut ChaCha8Rng,
) -> Result<SingleRun> {
    let arch = Architecture::new(task.data.dim(), widths.to_vec(), 1)?;
    let mut net = initialize(scheme, &arch, &task.data, rng)?;
    let c0 = census(&net, &task.data)?;
    let pd0 = c0.neurons_in(NeuronState::PermanentlyDead);
    let mut violations = Vec::new();
    let mut censuses = 0;
    let mut last = counts(&c0);
    let outcome = train_with_hook(&mut net, &task.data, &task.targets, cfg, |step, n, fwd| {
        let c = census_from_forward(n, &task.data, fwd);
        censuses += 1;
        for &(l, j) in &pd0 {
            if c.layers[l].states[j] != NeuronState::PermanentlyDead {
                violations.push((step, l + 1, j + 1));
            }
        }
        last = counts(&c);
    })?;
    let exact = match scheme {
        InitScheme::Random {
            weights: WeightInit::HeNormal,
            bias,
        } => {
            let (mode, std) = match bias {
                BiasInit::Zero => (Some(BiasMode::Zero), 1.0),
                BiasInit::Normal(s) => (Some(BiasMode::Symmetric), *s),
                BiasInit::Uniform(_) | BiasInit::FanIn | BiasInit::Const(_) => (None, 0.0),
            };
            match mode {
                Some(m) => {
                    let q1 = task.q1_he(m, std)?;
                    let spec = ChainSpec::new(widths.to_vec(), m, q1.value)?;
                    let t = exact::trainability(&spec, &task.min_widths(widths.len()))?;
                    Some((to_f64(&t), to_f64(&success_bound_u(&spec)?)))
                }
                None => None,
            }
        }
        _ => None,
    };
    Ok(SingleRun {
        initial: counts(&c0),
        last,
        outcome,
        censuses,
        pd_violations: violations,
        trainability: exact.map(|e| e.0),
        bound_u: exact.map(|e| e.1),
        loss_floor: task.loss_floor,
    })
}
