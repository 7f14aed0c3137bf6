//! Census of hidden neurons on a training set X: active, tentatively dead
//! (TD) or permanently dead (PD) (spec DEF-DEAD, DEF-PD, DEF-TD). Exact
//! comparisons only: a neuron whose outputs differ anywhere on X is active.

use crate::error::{Error, Result};
use crate::sim::exact_sign::{error_bound, max_l1, nonpositive};
use crate::sim::{Dataset, Forward, Network};
use serde::Serialize;

/// State of one hidden neuron on X.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeuronState {
    /// Output not constant on X.
    Active,
    /// Output constant on X, but not PD.
    TentativelyDead,
    /// PD (DEF-PD): constant on X after any gradient-based training.
    PermanentlyDead,
}

/// Census of one hidden layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerCensus {
    /// State of each neuron, in order.
    pub states: Vec<NeuronState>,
}

impl LayerCensus {
    fn count(&self, s: NeuronState) -> usize {
        self.states.iter().filter(|&&x| x == s).count()
    }
    /// Number of active neurons.
    pub fn active(&self) -> usize {
        self.count(NeuronState::Active)
    }
    /// Number of tentatively dead neurons.
    pub fn tentatively_dead(&self) -> usize {
        self.count(NeuronState::TentativelyDead)
    }
    /// Number of permanently dead neurons.
    pub fn permanently_dead(&self) -> usize {
        self.count(NeuronState::PermanentlyDead)
    }
    /// Number of non-PD neurons (K_l in THM-CHAIN).
    pub fn non_pd(&self) -> usize {
        self.states.len() - self.permanently_dead()
    }
    /// Number of dead (TD or PD) neurons.
    pub fn dead(&self) -> usize {
        self.states.len() - self.active()
    }
    /// Indices of the neurons in state `s`.
    pub fn indices(&self, s: NeuronState) -> Vec<usize> {
        (0..self.states.len())
            .filter(|&j| self.states[j] == s)
            .collect()
    }
}

/// Census of every hidden layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Census {
    /// One entry per hidden layer.
    pub layers: Vec<LayerCensus>,
}

impl Census {
    /// Born dead (DEF-BORN-DEAD): some hidden layer is entirely PD.
    pub fn born_dead(&self) -> bool {
        self.layers.iter().any(|l| l.non_pd() == 0)
    }

    /// Trainable for the minimum widths n* (DEF-TRAINABLE): K_l >= n*_l in
    /// every hidden layer. `min_widths` has one entry per hidden layer.
    pub fn trainable(&self, min_widths: &[usize]) -> Result<bool> {
        if min_widths.len() != self.layers.len() {
            return Err(Error::input(format!(
                "{} minimum widths given for {} hidden layers",
                min_widths.len(),
                self.layers.len()
            )));
        }
        Ok(self
            .layers
            .iter()
            .zip(min_widths)
            .all(|(l, &n)| l.non_pd() >= n))
    }

    /// (layer, neuron) pairs (0-based) of every hidden neuron in state `s`.
    pub fn neurons_in(&self, s: NeuronState) -> Vec<(usize, usize)> {
        self.layers
            .iter()
            .enumerate()
            .flat_map(|(l, lc)| lc.indices(s).into_iter().map(move |j| (l, j)))
            .collect()
    }
}

/// Census of `net` on `data`.
pub fn census(net: &Network, data: &Dataset) -> Result<Census> {
    let fwd = net.forward(data)?;
    Ok(census_from_forward(net, data, &fwd))
}

/// Census from an existing forward pass of `net` (avoids a second pass).
pub fn census_from_forward(net: &Network, data: &Dataset, fwd: &Forward) -> Census {
    let x = data.points();
    let (m, d) = (x.nrows(), x.ncols());
    let x1 = max_l1(x.as_slice(), m, d);
    let mut layers: Vec<LayerCensus> = Vec::with_capacity(fwd.pre.len());
    for (l, layer) in net.hidden().iter().enumerate() {
        let z = &fwd.pre[l];
        let a = &fwd.post[l];
        let prev_pd: Option<Vec<bool>> = layers.last().map(|p: &LayerCensus| {
            p.states
                .iter()
                .map(|&s| s == NeuronState::PermanentlyDead)
                .collect()
        });
        let states = (0..layer.width())
            .map(|j| {
                let pd = match &prev_pd {
                    // layer 1: w.x + b <= 0 for every point, decided
                    // exactly in sign (ALG-PD-SIGN)
                    None => {
                        let w = layer.weight.row(j);
                        let w: Vec<f64> = w.iter().copied().collect();
                        let b = layer.bias[j];
                        let wmax = w.iter().fold(0.0f64, |a, v| a.max(v.abs()));
                        let bound = error_bound(d + 1, wmax * x1 + b.abs());
                        z.column(j)
                            .iter()
                            .enumerate()
                            .all(|(i, &v)| nonpositive(v, bound, &w, (0..d).map(|c| x[(i, c)]), b))
                    }
                    Some(prev) => {
                        prev.iter().all(|&d| d)
                            || (layer.bias[j] <= 0.0
                                && prev
                                    .iter()
                                    .enumerate()
                                    .all(|(i, &d)| d || layer.weight[(j, i)] <= 0.0))
                    }
                };
                if pd {
                    NeuronState::PermanentlyDead
                } else if is_constant(a.column(j).iter()) {
                    NeuronState::TentativelyDead
                } else {
                    NeuronState::Active
                }
            })
            .collect();
        layers.push(LayerCensus { states });
    }
    Census { layers }
}

/// True when every value equals the first (exact comparison).
fn is_constant<'a>(mut it: impl Iterator<Item = &'a f64>) -> bool {
    match it.next() {
        None => true,
        Some(&first) => it.all(|&v| v == first),
    }
}
