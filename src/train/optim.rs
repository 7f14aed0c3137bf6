//! Full-batch optimizers: gradient descent and Adam with optional decoupled
//! weight decay (AdamW, as in PyTorch) (spec ALG-ADAM). Optimizer state
//! starts at zero, so a parameter whose gradient is always exactly zero never
//! moves except by the decoupled decay p <- (1 - lr wd) p, which keeps its
//! sign (spec THM-PD-SOUND).

use super::backprop::Gradients;
use crate::error::{Error, Result};
use crate::sim::Network;
use nalgebra::{DMatrix, DVector};
use serde::Serialize;

/// Which update rule, with its hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Optimizer {
    /// p <- p - lr g.
    Gd {
        /// Learning rate.
        lr: f64,
    },
    /// Adam (Kingma and Ba 2015) with bias correction; `weight_decay` > 0
    /// makes it AdamW (decoupled: p <- p (1 - lr wd) before the Adam step).
    Adam {
        /// Learning rate.
        lr: f64,
        /// First-moment decay.
        beta1: f64,
        /// Second-moment decay.
        beta2: f64,
        /// Denominator guard.
        eps: f64,
        /// Decoupled weight decay (0 for plain Adam).
        weight_decay: f64,
    },
}

impl Optimizer {
    /// Adam with the usual defaults (beta1 0.9, beta2 0.999, eps 1e-8).
    pub fn adam(lr: f64) -> Self {
        Optimizer::Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }

    /// Validates hyper-parameters.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str, v: f64| {
            Err(Error::input(format!(
                "optimizer: {what} = {v} is out of range"
            )))
        };
        match *self {
            Optimizer::Gd { lr } => {
                if !(lr.is_finite() && lr > 0.0) {
                    return bad("learning rate", lr);
                }
            }
            Optimizer::Adam {
                lr,
                beta1,
                beta2,
                eps,
                weight_decay,
            } => {
                if !(lr.is_finite() && lr > 0.0) {
                    return bad("learning rate", lr);
                }
                if !(0.0..1.0).contains(&beta1) {
                    return bad("beta1", beta1);
                }
                if !(0.0..1.0).contains(&beta2) {
                    return bad("beta2", beta2);
                }
                if !(eps.is_finite() && eps > 0.0) {
                    return bad("eps", eps);
                }
                if !(weight_decay >= 0.0 && lr * weight_decay < 1.0) {
                    return bad("weight decay (need 0 <= lr * wd < 1)", weight_decay);
                }
            }
        }
        Ok(())
    }

    /// Short name for tables.
    pub fn name(&self) -> String {
        match *self {
            Optimizer::Gd { lr } => format!("gd(lr={lr})"),
            Optimizer::Adam {
                lr, weight_decay, ..
            } if weight_decay > 0.0 => {
                format!("adamw(lr={lr},wd={weight_decay})")
            }
            Optimizer::Adam { lr, .. } => format!("adam(lr={lr})"),
        }
    }
}

/// Mutable optimizer state (moments start at zero).
#[derive(Clone, Debug)]
pub struct OptimizerState {
    opt: Optimizer,
    step: i32,
    moments: Vec<Moments>,
    decay_biases: bool,
}

#[derive(Clone, Debug)]
struct Moments {
    mw: DMatrix<f64>,
    vw: DMatrix<f64>,
    mb: DVector<f64>,
    vb: DVector<f64>,
}

impl OptimizerState {
    /// Fresh state for `net` (zero moments, step 0).
    pub fn new(opt: Optimizer, net: &Network) -> Result<Self> {
        opt.validate()?;
        let moments = match opt {
            Optimizer::Gd { .. } => Vec::new(),
            Optimizer::Adam { .. } => net
                .layers()
                .iter()
                .map(|l| Moments {
                    mw: DMatrix::zeros(l.weight.nrows(), l.weight.ncols()),
                    vw: DMatrix::zeros(l.weight.nrows(), l.weight.ncols()),
                    mb: DVector::zeros(l.bias.len()),
                    vb: DVector::zeros(l.bias.len()),
                })
                .collect(),
        };
        Ok(OptimizerState {
            opt,
            step: 0,
            moments,
            decay_biases: true,
        })
    }

    /// AdamW as often configured in PyTorch: decoupled decay on the weights
    /// only, biases excluded. Then a layer-1 PD neuron with b > 0 revives
    /// (spec THM-PD-SOUND, limits).
    pub fn exclude_biases_from_decay(mut self) -> Self {
        self.decay_biases = false;
        self
    }

    /// Applies one update with gradients `g` (same shapes as `net`).
    pub fn apply(&mut self, net: &mut Network, g: &Gradients) {
        self.step += 1;
        match self.opt {
            Optimizer::Gd { lr } => {
                for (layer, (gw, gb)) in net.layers_mut().iter_mut().zip(&g.layers) {
                    layer.weight.zip_apply(gw, |p, g| *p -= lr * g);
                    layer.bias.zip_apply(gb, |p, g| *p -= lr * g);
                }
            }
            Optimizer::Adam {
                lr,
                beta1,
                beta2,
                eps,
                weight_decay,
            } => {
                let c1 = 1.0 - beta1.powi(self.step);
                let c2 = 1.0 - beta2.powi(self.step);
                let decay_biases = self.decay_biases;
                let upd = |p: &mut f64, g: f64, m: &mut f64, v: &mut f64, is_bias: bool| {
                    if weight_decay > 0.0 && (decay_biases || !is_bias) {
                        *p *= 1.0 - lr * weight_decay;
                    }
                    *m = beta1 * *m + (1.0 - beta1) * g;
                    *v = beta2 * *v + (1.0 - beta2) * g * g;
                    let mh = *m / c1;
                    let vh = *v / c2;
                    *p -= lr * mh / (vh.sqrt() + eps);
                };
                for ((layer, (gw, gb)), mo) in net
                    .layers_mut()
                    .iter_mut()
                    .zip(&g.layers)
                    .zip(&mut self.moments)
                {
                    for i in 0..gw.len() {
                        upd(
                            &mut layer.weight[i],
                            gw[i],
                            &mut mo.mw[i],
                            &mut mo.vw[i],
                            false,
                        );
                    }
                    for i in 0..gb.len() {
                        upd(
                            &mut layer.bias[i],
                            gb[i],
                            &mut mo.mb[i],
                            &mut mo.vb[i],
                            true,
                        );
                    }
                }
            }
        }
    }
}
