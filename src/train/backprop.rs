//! Loss and gradients by backpropagation (spec ALG-BACKPROP).
//!
//! Loss: MSE L = (1/m) sum_i ||f(x_i) - y_i||^2 (mean over points, sum over
//! outputs), plus an optional L2 penalty `l2 * sum ||W^l||_F^2` on the
//! weights (biases not penalized) — the penalty is only there to exhibit the
//! limit of THM-PD-SOUND. ReLU'(0) = 0.

use crate::error::{Error, Result};
use crate::sim::{Dataset, Forward, Network};
use nalgebra::{DMatrix, DVector};

/// Gradient of the loss with respect to every layer's weight and bias.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// `(dL/dW^l, dL/db^l)` for every layer (hidden then output).
    pub layers: Vec<(DMatrix<f64>, DVector<f64>)>,
}

/// Checks that the targets are `m x N_L` and finite.
pub fn check_targets(net: &Network, data: &Dataset, targets: &DMatrix<f64>) -> Result<()> {
    net.check_data(data)?;
    if targets.nrows() != data.len() || targets.ncols() != net.output_dim() {
        return Err(Error::input(format!(
            "targets are {} x {} but the data have {} points and the network {} outputs",
            targets.nrows(),
            targets.ncols(),
            data.len(),
            net.output_dim()
        )));
    }
    if targets.iter().any(|v| !v.is_finite()) {
        return Err(Error::input("the targets contain a non-finite value"));
    }
    Ok(())
}

/// MSE of network outputs against targets: (1/m) sum of squared residuals.
pub fn mse(output: &DMatrix<f64>, targets: &DMatrix<f64>) -> f64 {
    let m = output.nrows().max(1) as f64;
    (output - targets).norm_squared() / m
}

/// Sum of squared weights (the L2 penalty without its factor).
pub fn weight_norm_squared(net: &Network) -> f64 {
    net.layers().iter().map(|l| l.weight.norm_squared()).sum()
}

/// Loss (MSE + l2 penalty) and its gradients, from a forward pass `fwd` of
/// `net` on `data` (shapes are trusted: call [`check_targets`] once first).
/// Returns `(mse, mse + penalty, gradients of mse + penalty)`.
pub fn loss_and_gradients(
    net: &Network,
    data: &Dataset,
    fwd: &Forward,
    targets: &DMatrix<f64>,
    l2: f64,
) -> (f64, f64, Gradients) {
    let m = data.len() as f64;
    let layers = net.layers();
    let n = layers.len();
    let resid = &fwd.output - targets;
    let mse = resid.norm_squared() / m;
    let mut loss = mse;
    if l2 != 0.0 {
        loss += l2 * weight_norm_squared(net);
    }
    // delta = dL/dz for the current layer, m x N_l.
    let mut delta = resid * (2.0 / m);
    let mut grads: Vec<(DMatrix<f64>, DVector<f64>)> = Vec::with_capacity(n);
    for l in (0..n).rev() {
        let input = if l == 0 {
            data.points()
        } else {
            &fwd.post[l - 1]
        };
        let mut gw = delta.transpose() * input;
        if l2 != 0.0 {
            gw += &layers[l].weight * (2.0 * l2);
        }
        let gb = DVector::from_iterator(delta.ncols(), delta.column_iter().map(|c| c.sum()));
        if l > 0 {
            let mut next = &delta * &layers[l].weight;
            // relu'(z) = 1 if z > 0 else 0 (relu'(0) = 0).
            next.zip_apply(&fwd.pre[l - 1], |d, z| {
                if z <= 0.0 {
                    *d = 0.0
                }
            });
            delta = next;
        }
        grads.push((gw, gb));
    }
    grads.reverse();
    (mse, loss, Gradients { layers: grads })
}

/// Loss only (one forward pass).
pub fn loss(net: &Network, data: &Dataset, targets: &DMatrix<f64>, l2: f64) -> Result<f64> {
    check_targets(net, data, targets)?;
    let fwd = net.forward(data)?;
    let mut l = mse(&fwd.output, targets);
    if l2 != 0.0 {
        l += l2 * weight_norm_squared(net);
    }
    Ok(l)
}
