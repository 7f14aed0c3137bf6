//! Which counts are possible under THM-CHAIN, decided exactly (spec
//! ALG-CHECK, "impossible counts"): the f64 laws can underflow to 0 at counts
//! of positive probability, so "probability 0" is never read off an f64.
//!
//! Layer 1: K_1 ~ Bin(N_1, 1 - q1) has support {N_1} if q1 = 0, {0} if
//! q1 = 1, else 0..=N_1. Layer l >= 2: from K_{l-1} = p >= 1 the step
//! Bin(N_l, 1 - 2^-(p+beta)) has success probability in (0, 1), so every
//! k in 0..=N_l is possible; from p = 0 only k = 0. Hence K_l has support
//! {0} if K_{l-1} has support {0}, else 0..=N_l; a pair (p, k) of consecutive
//! layers is possible iff p is possible for K_{l-1} and (p >= 1 or k = 0).

use crate::exact::ChainSpec;
use num_traits::{One, Zero};

/// Support of K_{l+1} (0-based `l`) as a mask over 0..=N_{l+1}.
pub fn marginal_support(spec: &ChainSpec, l: usize) -> Vec<bool> {
    let n1 = spec.widths[0];
    let mut mask: Vec<bool> = (0..=n1)
        .map(|k| {
            if spec.q1.is_zero() {
                k == n1
            } else if spec.q1.is_one() {
                k == 0
            } else {
                true
            }
        })
        .collect();
    for &n in &spec.widths[1..=l] {
        let alive = mask.iter().skip(1).any(|&b| b);
        mask = (0..=n).map(|k| k == 0 || alive).collect();
    }
    mask
}

/// Support of the pair (K_{l+1}, K_{l+2}) (0-based `l`), flat index
/// p * (N_{l+2} + 1) + k as in [`super::laws::pair_law`].
pub fn pair_support(spec: &ChainSpec, l: usize) -> Vec<bool> {
    let prev = marginal_support(spec, l);
    let cols = spec.widths[l + 1] + 1;
    let mut out = vec![false; prev.len() * cols];
    for (p, &ok) in prev.iter().enumerate() {
        for k in 0..cols {
            out[p * cols + k] = ok && (p >= 1 || k == 0);
        }
    }
    out
}
