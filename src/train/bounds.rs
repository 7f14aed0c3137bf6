//! The provable success bound for even targets on symmetric data
//! (spec THM-EVEN-MONOTONE, THM-SUCCESS-U).
//!
//! If X = -X and y(-x) = y(x), a network whose non-PD counts satisfy
//! K_l <= 1 for every hidden layer (or K_l = 0 for some layer) computes on X
//! a monotone function of one projection w.x, and any such function has
//! training MSE >= (max y - min y)^2 / (2m). Since PD neurons stay PD under
//! training (THM-PD-SOUND), a run with final MSE below that floor started in
//! the event E = {every K_l >= 1 and some K_l >= 2}, so
//! P(success) <= U = P(E) = 1 - P(born dead) - P(K_1 = ... = K_{L-1} = 1).

use crate::error::{Error, Result};
use crate::exact::{self, ChainSpec};
use crate::sim::Dataset;
use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

/// The MSE floor (max y - min y)^2 / (2m) of every monotone function of a
/// projection (THM-EVEN-MONOTONE). Refuses data that are not symmetric
/// (X = -X exactly, as a set of rows) or a target that is not even
/// (y(-x) = y(x) exactly) or not one-dimensional.
pub fn even_target_loss_floor(data: &Dataset, targets: &DMatrix<f64>) -> Result<f64> {
    let x = data.points();
    let m = x.nrows();
    if targets.nrows() != m || targets.ncols() != 1 {
        return Err(Error::input(
            "the loss floor needs one scalar target per data point",
        ));
    }
    for i in 0..m {
        let j = (0..m)
            .find(|&j| (0..x.ncols()).all(|c| x[(j, c)] == -x[(i, c)]))
            .ok_or_else(|| {
                Error::input(format!(
                    "the data are not symmetric: -x_{} is not a data point",
                    i + 1
                ))
            })?;
        if targets[(j, 0)] != targets[(i, 0)] {
            return Err(Error::input(format!(
                "the target is not even: y(x_{}) != y(-x_{})",
                i + 1,
                i + 1
            )));
        }
    }
    let lo = targets.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = targets.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    Ok((hi - lo) * (hi - lo) / (2.0 * m as f64))
}

/// P(K_1 = ... = K_{L-1} = 1) in closed form (THM-SUCCESS-U):
/// N_1 (1-q1) q1^(N_1-1) * prod_{l>=2} N_l (1 - 2^-(1+beta)) 2^-((1+beta)(N_l-1)).
pub fn prob_all_ones(spec: &ChainSpec) -> BigRational {
    let beta = spec.bias.beta();
    let n1 = spec.widths[0];
    let one = BigRational::one();
    let mut p = BigRational::from_integer(n1.into())
        * (&one - &spec.q1)
        * num_traits::pow(spec.q1.clone(), n1 - 1);
    let half = BigRational::new(BigInt::one(), BigInt::from(2));
    let dead = num_traits::pow(half, 1 + beta); // P(neuron PD | one non-PD input)
    for &n in &spec.widths[1..] {
        p = p
            * BigRational::from_integer(n.into())
            * (&one - &dead)
            * num_traits::pow(dead.clone(), n - 1);
    }
    p
}

/// U = 1 - P(born dead) - P(all K_l = 1) (THM-SUCCESS-U), exact.
pub fn success_bound_u(spec: &ChainSpec) -> Result<BigRational> {
    let bd = exact::exact_law(spec)?.born_dead();
    let u = BigRational::one() - bd - prob_all_ones(spec);
    debug_assert!(u >= BigRational::zero());
    Ok(u)
}
