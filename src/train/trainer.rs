//! The training loop: full batch, a step budget, success = training MSE
//! below a tolerance (spec DEF-SUCCESS). A hook sees the network and its
//! forward pass before every update, e.g. to take a census (THM-PD-SOUND).

use super::backprop::{check_targets, loss_and_gradients};
use super::optim::{Optimizer, OptimizerState};
use crate::error::{Error, Result};
use crate::sim::{Dataset, Forward, Network};
use nalgebra::DMatrix;
use serde::Serialize;

/// What to run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TrainConfig {
    /// Update rule.
    pub optimizer: Optimizer,
    /// Step budget (number of updates at most).
    pub max_steps: usize,
    /// Success tolerance on the training MSE (DEF-SUCCESS).
    pub tol: f64,
    /// L2 penalty inside the loss (0 by default; see THM-PD-SOUND's limits).
    pub l2: f64,
}

impl TrainConfig {
    /// The project's defaults (DEF-SUCCESS): Adam, lr 1e-3, tolerance 1e-4.
    pub fn default_adam(max_steps: usize) -> Self {
        TrainConfig {
            optimizer: Optimizer::adam(1e-3),
            max_steps,
            tol: 1e-4,
            l2: 0.0,
        }
    }

    /// Validates the configuration.
    pub fn validate(&self) -> Result<()> {
        self.optimizer.validate()?;
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(Error::input(format!(
                "tolerance must be finite and > 0, got {}",
                self.tol
            )));
        }
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return Err(Error::input(format!(
                "l2 penalty must be finite and >= 0, got {}",
                self.l2
            )));
        }
        Ok(())
    }
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TrainOutcome {
    /// Training MSE at initialization.
    pub initial_loss: f64,
    /// Training MSE of the returned parameters.
    pub final_loss: f64,
    /// Updates performed.
    pub steps: usize,
    /// final_loss < tol.
    pub success: bool,
    /// The loss became non-finite (training stopped; counts as failure).
    pub diverged: bool,
}

/// Trains `net` in place; see [`train_with_hook`].
pub fn train(
    net: &mut Network,
    data: &Dataset,
    targets: &DMatrix<f64>,
    cfg: &TrainConfig,
) -> Result<TrainOutcome> {
    train_with_hook(net, data, targets, cfg, |_, _, _| {})
}

/// Trains `net` in place. `hook(step, net, fwd)` runs on the parameters after
/// `step` updates (step 0 = initialization), including the final ones.
/// Stops at success, divergence, or after `max_steps` updates.
pub fn train_with_hook(
    net: &mut Network,
    data: &Dataset,
    targets: &DMatrix<f64>,
    cfg: &TrainConfig,
    mut hook: impl FnMut(usize, &Network, &Forward),
) -> Result<TrainOutcome> {
    cfg.validate()?;
    check_targets(net, data, targets)?;
    let mut state = OptimizerState::new(cfg.optimizer, net)?;
    let mut initial_loss = f64::NAN;
    let mut step = 0;
    loop {
        let fwd = net.forward(data)?;
        hook(step, net, &fwd);
        let (mse, total, grads) = loss_and_gradients(net, data, &fwd, targets, cfg.l2);
        if step == 0 {
            initial_loss = mse;
        }
        let diverged = !total.is_finite()
            || grads
                .layers
                .iter()
                .any(|(w, b)| w.iter().chain(b.iter()).any(|v| !v.is_finite()));
        let success = !diverged && mse < cfg.tol;
        if diverged || success || step == cfg.max_steps {
            return Ok(TrainOutcome {
                initial_loss,
                final_loss: mse,
                steps: step,
                success,
                diverged,
            });
        }
        state.apply(net, &grads);
        step += 1;
    }
}
