//! Inputs and outputs of the exact engine.

use crate::error::{Error, Result};
use crate::rational::parse_user_probability;
use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::{Deserialize, Serialize};

/// How biases are initialized (NOTES: beta).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BiasMode {
    /// All biases zero (beta = 0).
    Zero,
    /// Biases i.i.d. symmetric about 0 with no atom at 0 (beta = 1).
    Symmetric,
}

impl BiasMode {
    /// beta in the chain law: 0 or 1.
    pub fn beta(self) -> usize {
        match self {
            BiasMode::Zero => 0,
            BiasMode::Symmetric => 1,
        }
    }

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            BiasMode::Zero => "zero",
            BiasMode::Symmetric => "symmetric",
        }
    }
}

impl std::str::FromStr for BiasMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "zero" => Ok(BiasMode::Zero),
            "symmetric" => Ok(BiasMode::Symmetric),
            _ => Err(Error::input(format!(
                "bias mode {s:?}: expected zero or symmetric"
            ))),
        }
    }
}

/// Largest hidden width the chain engines accept: every index and size
/// computation (N + 1, N (N + 1)) stays far from overflow, and the cost
/// checks (ALG-COST) decide below it.
pub const MAX_WIDTH: usize = 1 << 32;

/// A network as the chain sees it: hidden widths N_1..N_{L-1}, bias mode and
/// the first-layer PD probability q1 (spec THM-CHAIN).
#[derive(Clone, Debug, PartialEq)]
pub struct ChainSpec {
    /// Hidden widths, all >= 1; `widths.len()` is the depth (hidden layers).
    pub widths: Vec<usize>,
    /// Bias mode (beta).
    pub bias: BiasMode,
    /// P(a first-layer neuron is PD), an exact probability.
    pub q1: BigRational,
}

impl ChainSpec {
    /// Validated constructor: at least one hidden layer, no zero width,
    /// q1 in [0, 1].
    pub fn new(widths: Vec<usize>, bias: BiasMode, q1: BigRational) -> Result<Self> {
        if widths.is_empty() {
            return Err(Error::input(
                "no hidden layer: give at least one width, e.g. --widths 4",
            ));
        }
        if let Some(i) = widths.iter().position(|&w| w == 0) {
            return Err(Error::input(format!(
                "hidden layer {} has width 0; every hidden width must be at least 1",
                i + 1
            )));
        }
        if let Some(i) = widths.iter().position(|&w| w > MAX_WIDTH) {
            return Err(Error::TooCostly(format!(
                "hidden layer {} has width {}; the chain engines take widths up to {MAX_WIDTH} \
                 (even one layer's law would not fit in memory)",
                i + 1,
                widths[i]
            )));
        }
        if q1 < BigRational::zero() || q1 > BigRational::one() {
            return Err(Error::input(format!("q1 = {q1} is outside [0, 1]")));
        }
        Ok(ChainSpec { widths, bias, q1 })
    }

    /// Convenience: parse q1 from a string ("1/4", "0.25").
    pub fn parse(widths: Vec<usize>, bias: BiasMode, q1: &str) -> Result<Self> {
        Self::new(widths, bias, parse_user_probability(q1, "q1")?)
    }

    /// Number of hidden layers.
    pub fn depth(&self) -> usize {
        self.widths.len()
    }

    /// Checks a minimum-width vector n* against this network.
    pub fn check_min_widths(&self, min_widths: &[usize]) -> Result<()> {
        if min_widths.len() != self.widths.len() {
            return Err(Error::input(format!(
                "--min-widths has {} entries but the network has {} hidden layers; give one n* per hidden layer",
                min_widths.len(),
                self.widths.len()
            )));
        }
        Ok(())
    }
}

/// Exact marginal laws: `layers[l][k] = P(K_{l+1} = k)` for k = 0..=N_{l+1}.
/// With a floor n*, entries k < n*_l are removed (a sub-probability: the mass
/// of paths that stayed at or above the floor so far).
#[derive(Clone, Debug, PartialEq)]
pub struct ExactLaw {
    /// One distribution per hidden layer.
    pub layers: Vec<Vec<BigRational>>,
}

impl ExactLaw {
    /// P(born dead) = P(K_{L-1} = 0): zero is absorbing (spec THM-BORN-DEAD-LAST).
    pub fn born_dead(&self) -> BigRational {
        self.layers
            .last()
            .map(|d| d[0].clone())
            .unwrap_or_else(BigRational::zero)
    }

    /// Total mass of the last layer (1 for an unrestricted law; T(n*) for a
    /// law run with floors).
    pub fn total_mass_last(&self) -> BigRational {
        self.layers
            .last()
            .map(|d| d.iter().fold(BigRational::zero(), |a, x| a + x))
            .unwrap_or_else(BigRational::zero)
    }
}
