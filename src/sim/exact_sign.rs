//! The sign of a pre-activation w.x + b decided exactly for any finite f64
//! inputs (spec ALG-PD-SIGN): the layer-1 PD test must not be fooled by
//! products that underflow (5e-324 * w rounds to 0) or by rounding near 0.
//!
//! A floating-point filter decides almost every case: the computed sum is
//! within [`error_bound`] of the exact one, whatever the order of
//! summation (a matrix product's included). Only values within that bound
//! of 0 are recomputed exactly, in integers: every f64 is m 2^e.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

/// The unit roundoff 2^-53.
const U: f64 = f64::EPSILON / 2.0;
/// The smallest positive subnormal, 2^-1074.
const ETA: f64 = 5e-324;

/// A bound on |fl(w.x + b) - (w.x + b)| for `terms` = d + 1 summands (d
/// products and the bias) summed in any order, given an upper bound `abs`
/// of sum |w_i x_i| + |b|: gamma_terms abs + terms eta (each product's
/// underflow adds at most eta / 2; additions do not underflow), doubled to
/// cover the rounding of `abs` itself and of this expression.
pub fn error_bound(terms: usize, abs: f64) -> f64 {
    let n = terms as f64 + 1.0;
    let gamma = n * U / (1.0 - n * U);
    2.0 * (gamma * abs + n * ETA)
}

/// max_i sum_c |x_ic| of a column-major m x d data block, rounded up (the
/// factor covers the d roundings of each sum): with ||w||_inf it bounds
/// sum |w_i x_i| for every point.
pub fn max_l1(x: &[f64], m: usize, d: usize) -> f64 {
    (0..m)
        .map(|i| (0..d).map(|c| x[i + c * m].abs()).sum::<f64>())
        .fold(0.0, f64::max)
        * (1.0 + 2.0 * (d as f64 + 1.0) * U)
}

/// The mantissa and exponent of a finite f64: v = m 2^e exactly.
fn split(v: f64) -> (i64, i32) {
    if v == 0.0 {
        return (0, 0);
    }
    let bits = v.to_bits();
    let sign = if bits >> 63 == 1 { -1 } else { 1 };
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = (bits & ((1u64 << 52) - 1)) as i64;
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1i64 << 52), exp - 1075)
    };
    (sign * m, e)
}

/// The exact sign of sum_i w_i x_i + b (finite inputs): -1, 0 or 1.
pub fn exact_sign(w: &[f64], x: impl Iterator<Item = f64>, b: f64) -> i32 {
    let mut terms: Vec<(i128, i32)> = w
        .iter()
        .zip(x)
        .map(|(&wi, xi)| {
            let ((mw, ew), (mx, ex)) = (split(wi), split(xi));
            (mw as i128 * mx as i128, ew + ex)
        })
        .collect();
    let (mb, eb) = split(b);
    terms.push((mb as i128, eb));
    let terms: Vec<(i128, i32)> = terms.into_iter().filter(|t| t.0 != 0).collect();
    let Some(e0) = terms.iter().map(|t| t.1).min() else {
        return 0;
    };
    let sum: BigInt = terms
        .iter()
        .map(|&(m, e)| BigInt::from(m) << (e - e0) as usize)
        .fold(BigInt::zero(), |a, t| a + t);
    if sum.is_zero() {
        0
    } else if sum.is_positive() {
        1
    } else {
        -1
    }
}

/// Is w.x + b <= 0, exactly? `z` is the value computed in f64 (in any
/// order) and `bound` an [`error_bound`] for it; the exact sum is taken
/// only when z is within the bound of 0 (or not finite).
pub fn nonpositive(z: f64, bound: f64, w: &[f64], x: impl Iterator<Item = f64>, b: f64) -> bool {
    if z.is_finite() {
        if z > bound {
            return false;
        }
        if z < -bound {
            return true;
        }
    }
    exact_sign(w, x, b) <= 0
}
