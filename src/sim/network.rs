//! A fully connected ReLU network: hidden layers with ReLU, then a linear
//! output layer (spec DEF-NETWORK). Weights are stored `out x in`, the
//! PyTorch `nn.Linear` layout.

use super::Dataset;
use crate::error::{Error, Result};
use nalgebra::{DMatrix, DVector};

/// One affine layer z = W a + b.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// Weights, `out x in`.
    pub weight: DMatrix<f64>,
    /// Biases, length `out`.
    pub bias: DVector<f64>,
}

impl Layer {
    /// Number of neurons (outputs).
    pub fn width(&self) -> usize {
        self.weight.nrows()
    }

    /// Number of inputs.
    pub fn fan_in(&self) -> usize {
        self.weight.ncols()
    }
}

/// `layers[..L-1]` are hidden (ReLU), `layers[L-1]` is the linear output.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    layers: Vec<Layer>,
}

/// Everything a forward pass over a data set produces. Matrices are
/// `m x N_l` (row = point, column = neuron).
#[derive(Clone, Debug)]
pub struct Forward {
    /// Pre-activations z^l of each hidden layer.
    pub pre: Vec<DMatrix<f64>>,
    /// Activations relu(z^l) of each hidden layer.
    pub post: Vec<DMatrix<f64>>,
    /// Network outputs, `m x N_L`.
    pub output: DMatrix<f64>,
}

impl Network {
    /// Validates shapes (consecutive layers chain, biases match, at least a
    /// hidden layer and an output layer, every value finite).
    pub fn new(layers: Vec<Layer>) -> Result<Self> {
        if layers.len() < 2 {
            return Err(Error::input(
                "a network needs at least one hidden layer and an output layer",
            ));
        }
        for (i, l) in layers.iter().enumerate() {
            if l.weight.nrows() == 0 || l.weight.ncols() == 0 {
                return Err(Error::input(format!(
                    "layer {} has a zero dimension",
                    i + 1
                )));
            }
            if l.bias.len() != l.weight.nrows() {
                return Err(Error::input(format!(
                    "layer {}: bias has {} entries but the weight has {} rows",
                    i + 1,
                    l.bias.len(),
                    l.weight.nrows()
                )));
            }
            if i > 0 && l.weight.ncols() != layers[i - 1].weight.nrows() {
                return Err(Error::input(format!(
                    "layer {} takes {} inputs but layer {} has {} outputs",
                    i + 1,
                    l.weight.ncols(),
                    i,
                    layers[i - 1].weight.nrows()
                )));
            }
            if l.weight.iter().chain(l.bias.iter()).any(|v| !v.is_finite()) {
                return Err(Error::input(format!(
                    "layer {} has a non-finite parameter",
                    i + 1
                )));
            }
        }
        Ok(Network { layers })
    }

    /// All layers (hidden then output).
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Mutable access for training; callers keep shapes unchanged.
    pub fn layers_mut(&mut self) -> &mut [Layer] {
        &mut self.layers
    }

    /// Hidden layers only.
    pub fn hidden(&self) -> &[Layer] {
        &self.layers[..self.layers.len() - 1]
    }

    /// Input dimension d.
    pub fn input_dim(&self) -> usize {
        self.layers[0].fan_in()
    }

    /// Output dimension N_L.
    pub fn output_dim(&self) -> usize {
        self.layers.last().expect("non-empty").width()
    }

    /// Hidden widths N_1..N_{L-1}.
    pub fn hidden_widths(&self) -> Vec<usize> {
        self.hidden().iter().map(Layer::width).collect()
    }

    /// Checks that the data have the network's input dimension.
    pub fn check_data(&self, data: &Dataset) -> Result<()> {
        if data.dim() != self.input_dim() {
            return Err(Error::input(format!(
                "the data have dimension {} but the network expects inputs of dimension {}",
                data.dim(),
                self.input_dim()
            )));
        }
        Ok(())
    }

    /// Refuses a forward pass on `m` points whose stored activations
    /// (pre and post of every layer, m x N_l each) or products exceed the
    /// budgets (spec ALG-LIMITS); cheap, so every pass checks.
    pub fn check_forward_cost(&self, m: usize) -> Result<()> {
        let mf = m as f64;
        let neurons: f64 = self.layers.iter().map(|l| l.width() as f64).sum();
        let products: f64 = self
            .layers
            .iter()
            .map(|l| l.width() as f64 * l.fan_in() as f64)
            .sum();
        let what = || {
            format!(
                "a forward pass of widths {:?} on {m} points",
                self.hidden_widths()
            )
        };
        crate::limits::check_bytes(
            &what(),
            8.0 * mf * (2.0 * neurons + self.input_dim() as f64),
            "use fewer points (a representative subset) or a narrower network",
        )?;
        crate::limits::check_seconds(
            &what(),
            mf * products / crate::montecarlo::cost::MULADD_PER_SEC,
            "use fewer points (a representative subset) or a narrower network",
        )
    }

    /// Forward pass over the whole data set (matrix products by nalgebra,
    /// which calls matrixmultiply's dgemm).
    pub fn forward(&self, data: &Dataset) -> Result<Forward> {
        self.check_data(data)?;
        self.check_forward_cost(data.len())?;
        let mut pre = Vec::with_capacity(self.layers.len() - 1);
        let mut post = Vec::with_capacity(self.layers.len() - 1);
        let mut a = data.points().clone();
        for l in self.hidden() {
            let z = affine(&a, l);
            a = z.map(relu);
            pre.push(z);
            post.push(a.clone());
        }
        let output = affine(&a, self.layers.last().expect("non-empty"));
        Ok(Forward { pre, post, output })
    }
}

/// ReLU with the convention relu'(0) = 0 used by the trainer.
pub fn relu(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// Z = A W^T + 1 b^T for A of shape m x in.
pub fn affine(a: &DMatrix<f64>, l: &Layer) -> DMatrix<f64> {
    let mut z = a * l.weight.transpose();
    for (j, mut col) in z.column_iter_mut().enumerate() {
        col.add_scalar_mut(l.bias[j]);
    }
    z
}
