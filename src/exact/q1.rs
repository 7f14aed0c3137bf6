//! Closed forms for q1 = P(a first-layer neuron is PD on X) (spec THM-Q1-*).

use crate::error::{Error, Result};
use num_rational::BigRational;
use num_traits::{One, Zero};
use statrs::distribution::{ContinuousCDF, FisherSnedecor};

fn check_finite(xs: &[f64]) -> Result<()> {
    if xs.is_empty() {
        return Err(Error::input("the data set is empty"));
    }
    if let Some(x) = xs.iter().find(|x| !x.is_finite()) {
        return Err(Error::input(format!(
            "the data contain a non-finite value ({x})"
        )));
    }
    Ok(())
}

/// Zero bias, 1-D data, any weight law symmetric about 0 without atom at 0
/// (THM-Q1-ZERO-1D): 0 if X has points of both signs, 1/2 if all points are
/// >= 0 (or all <= 0) and not all zero, 1 if every point is 0.
pub fn zero_bias_1d(xs: &[f64]) -> Result<BigRational> {
    check_finite(xs)?;
    let pos = xs.iter().any(|&x| x > 0.0);
    let neg = xs.iter().any(|&x| x < 0.0);
    Ok(match (pos, neg) {
        (true, true) => BigRational::zero(),
        (false, false) => BigRational::one(),
        _ => BigRational::new(1.into(), 2.into()),
    })
}

/// Symmetric Gaussian bias on the ball of radius r in R^d, w ~ N(0, s_w^2 I),
/// b ~ N(0, s_b^2) (THM-Q1-BALL): q1 = P(b <= -r |w|)
/// = (1/2) P(F(1, d) >= d r^2 s_w^2 / s_b^2).
pub fn gaussian_bias_ball(d: usize, r: f64, s_w: f64, s_b: f64) -> Result<f64> {
    if d == 0 {
        return Err(Error::input("input dimension must be at least 1"));
    }
    for (name, v) in [("radius", r), ("weight std", s_w), ("bias std", s_b)] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::input(format!(
                "{name} must be finite and > 0, got {v}"
            )));
        }
    }
    let f = FisherSnedecor::new(1.0, d as f64)
        .map_err(|e| Error::Numerical(format!("Fisher-Snedecor(1, {d}): {e}")))?;
    Ok(0.5 * f.sf(d as f64 * r * r * s_w * s_w / (s_b * s_b)))
}

/// Symmetric Gaussian bias on finite 1-D data, w ~ N(0, s_w^2), b ~ N(0, s_b^2)
/// (THM-Q1-ATAN): q1 = (pi - (atan(c x_max) - atan(c x_min))) / (2 pi),
/// c = s_w / s_b. Only the extreme points matter.
pub fn gaussian_bias_1d(xs: &[f64], s_w: f64, s_b: f64) -> Result<f64> {
    check_finite(xs)?;
    for (name, v) in [("weight std", s_w), ("bias std", s_b)] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::input(format!(
                "{name} must be finite and > 0, got {v}"
            )));
        }
    }
    let c = s_w / s_b;
    let lo = xs.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let pi = std::f64::consts::PI;
    Ok((pi - ((c * hi).atan() - (c * lo).atan())) / (2.0 * pi))
}
