//! An independent census written from the definitions (DEF-DEAD, DEF-PD,
//! DEF-TD): plain loops over the parameters and the forward pass's
//! outputs, sharing no code with `census.rs`. Used as the expected value of
//! the census tests and to count the states the random cases exercise.
#![allow(dead_code)]

use relu_trainability::census::NeuronState;
use relu_trainability::sim::{Dataset, Network};

/// States of every hidden neuron, layer by layer, from the definitions:
/// layer 1 is PD iff z_j(x) <= 0 for every x; layer l >= 2 iff every neuron
/// of layer l-1 is PD, or b_j <= 0 and W_ji <= 0 for every non-PD i of
/// layer l-1; a non-PD neuron is TD iff its outputs take a single value on
/// X (min == max: outputs are >= 0, never NaN), else active.
pub fn brute_states(net: &Network, x: &Dataset) -> Vec<Vec<NeuronState>> {
    let f = net.forward(x).unwrap();
    let hidden = net.layers().len() - 1;
    let m = x.len();
    let mut out: Vec<Vec<NeuronState>> = Vec::new();
    for l in 0..hidden {
        let layer = &net.layers()[l];
        let n = layer.bias.len();
        let mut states = Vec::with_capacity(n);
        for j in 0..n {
            let pd = if l == 0 {
                // w.x + b <= 0 at every point, in exact rationals (every
                // f64 is a dyadic rational): no rounding, no underflow
                let exact = |v: f64| relu_trainability::rational::from_f64_exact(v).unwrap();
                let mut all_nonpos = true;
                for i in 0..m {
                    let mut z = exact(layer.bias[j]);
                    for c in 0..x.dim() {
                        z += exact(layer.weight[(j, c)]) * exact(x.points()[(i, c)]);
                    }
                    if z > num_rational::BigRational::from_integer(0.into()) {
                        all_nonpos = false;
                    }
                }
                all_nonpos
            } else {
                let prev = &out[l - 1];
                let mut live_inputs = 0;
                let mut positive_live_weight = false;
                for (i, s) in prev.iter().enumerate() {
                    if *s != NeuronState::PermanentlyDead {
                        live_inputs += 1;
                        if layer.weight[(j, i)] > 0.0 {
                            positive_live_weight = true;
                        }
                    }
                }
                live_inputs == 0 || (layer.bias[j] <= 0.0 && !positive_live_weight)
            };
            let (mut lo, mut hi) = (f64::MAX, f64::MIN);
            for i in 0..m {
                let v = f.post[l][(i, j)];
                lo = lo.min(v);
                hi = hi.max(v);
            }
            states.push(if pd {
                NeuronState::PermanentlyDead
            } else if lo == hi {
                NeuronState::TentativelyDead
            } else {
                NeuronState::Active
            });
        }
        out.push(states);
    }
    out
}

/// Counts of (PD neurons of layers l >= 2 whose layer l-1 is not entirely
/// PD, i.e. PD by the sign clause; all PD; TD; active) and whether some
/// layer is entirely PD.
pub fn tally(states: &[Vec<NeuronState>]) -> ([usize; 4], bool) {
    let mut t = [0usize; 4];
    let mut all_pd_before = true; // "before layer 1": not a sign-clause layer
    let mut born_dead = false;
    for layer in states {
        let mut pd = 0;
        for s in layer {
            match s {
                NeuronState::PermanentlyDead => {
                    pd += 1;
                    if !all_pd_before {
                        t[0] += 1;
                    }
                }
                NeuronState::TentativelyDead => t[2] += 1,
                NeuronState::Active => t[3] += 1,
            }
        }
        t[1] += pd;
        all_pd_before = pd == layer.len();
        born_dead |= all_pd_before;
    }
    (t, born_dead)
}
