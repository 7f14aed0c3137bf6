//! The law `check` tests against: THM-CHAIN's (a [`ChainSpec`]) or a
//! general sign law (THM-CHAIN-GENERAL, a [`GeneralChain`]). Everything the
//! check needs from a law: the widths, the f64 marginals, the exact
//! supports and the transition pmf from p non-PD neurons.

use super::laws::{check_marginals, pair_law, step_pmf, transition_pmf};
use super::support::{marginal_support, pair_support};
use crate::error::Result;
use crate::exact::general::{self, GeneralChain};
use crate::exact::ChainSpec;
use crate::rational::to_f64;
use num_traits::Zero;

/// A law of the non-PD counts.
#[derive(Clone, Copy, Debug)]
pub enum CheckLaw<'a> {
    /// THM-CHAIN.
    Chain(&'a ChainSpec),
    /// THM-CHAIN-GENERAL.
    General(&'a GeneralChain),
}

impl CheckLaw<'_> {
    /// Hidden widths.
    pub fn widths(&self) -> &[usize] {
        match self {
            CheckLaw::Chain(s) => &s.widths,
            CheckLaw::General(g) => &g.widths,
        }
    }

    /// `marginals[l][k]` = P(K_{l+1} = k) in f64: for a general law the
    /// exact rationals rounded once (within 2^-53 relative, inside the
    /// LAW_REL_ERROR that ALG-GOF-EXACT assumes).
    pub fn marginals(&self) -> Result<Vec<Vec<f64>>> {
        match self {
            CheckLaw::Chain(s) => check_marginals(s),
            CheckLaw::General(g) => Ok(general::law(g, None)
                .layers
                .iter()
                .map(|d| d.iter().map(to_f64).collect())
                .collect()),
        }
    }

    /// Support of K_{l+1} (0-based `l`), decided exactly.
    pub fn marginal_support(&self, l: usize) -> Vec<bool> {
        match self {
            CheckLaw::Chain(s) => marginal_support(s, l),
            CheckLaw::General(g) => general::law(g, None).layers[l]
                .iter()
                .map(|x| !x.is_zero())
                .collect(),
        }
    }

    /// The transition into 0-based layer `l >= 1` from p >= 1 non-PD
    /// neurons: the Binomial(N_l, 1 - s(p)) pmf and which k are possible
    /// (decided from the exact s(p)).
    pub fn step(&self, l: usize, p: usize) -> (Vec<f64>, Vec<bool>) {
        let w = self.widths();
        let n = w[l];
        match self {
            CheckLaw::Chain(s) => (transition_pmf(n, p + s.bias.beta()), vec![true; n + 1]),
            CheckLaw::General(g) => step_pmf(&g.steps[l - 1], n, p, w[l - 1]),
        }
    }

    /// s(p) in f64 for the step into 0-based layer `l >= 1`.
    pub fn dead(&self, l: usize, p: usize) -> f64 {
        match self {
            CheckLaw::Chain(s) => 0.5f64.powi(p.min(2000) as i32 + s.bias.beta() as i32),
            CheckLaw::General(g) => g.steps[l - 1].ln_pd_probability(p, g.widths[l - 1]).exp(),
        }
    }

    /// Joint law of (K_{l+1}, K_{l+2}) (0-based `l`), flat p * (N + 1) + k.
    pub fn pair_law(&self, marg: &[Vec<f64>], l: usize) -> Vec<f64> {
        match self {
            CheckLaw::Chain(s) => pair_law(s, marg, l),
            CheckLaw::General(_) => {
                let n = self.widths()[l + 1];
                let mut out = vec![0.0; (self.widths()[l] + 1) * (n + 1)];
                out[0] = marg[l][0];
                for (p, &mp) in marg[l].iter().enumerate().skip(1) {
                    if mp == 0.0 {
                        continue;
                    }
                    for (k, t) in self.step(l + 1, p).0.into_iter().enumerate() {
                        out[p * (n + 1) + k] = mp * t;
                    }
                }
                out
            }
        }
    }

    /// Support of the pair (K_{l+1}, K_{l+2}) (0-based `l`).
    pub fn pair_support(&self, l: usize) -> Vec<bool> {
        match self {
            CheckLaw::Chain(s) => pair_support(s, l),
            CheckLaw::General(_) => {
                let prev = self.marginal_support(l);
                let cols = self.widths()[l + 1] + 1;
                let mut out = vec![false; prev.len() * cols];
                for (p, &ok) in prev.iter().enumerate() {
                    if !ok {
                        continue;
                    }
                    if p == 0 {
                        out[0] = true;
                        continue;
                    }
                    let (_, possible) = self.step(l + 1, p);
                    for (k, &b) in possible.iter().enumerate() {
                        out[p * cols + k] = b;
                    }
                }
                out
            }
        }
    }
}
