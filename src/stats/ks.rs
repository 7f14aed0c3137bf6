//! Kolmogorov-Smirnov distance to the uniform law on [0, 1], with the
//! Dvoretzky-Kiefer-Wolfowitz-Massart threshold (used to check that
//! p-values are uniform under H0).

use crate::error::{Error, Result};

/// D = sup_x |F_n(x) - x| for a sample of numbers in [0, 1].
pub fn ks_uniform_distance(xs: &[f64]) -> Result<f64> {
    if xs.is_empty() {
        return Err(Error::input("KS distance of an empty sample"));
    }
    if let Some(x) = xs.iter().find(|x| !(0.0..=1.0).contains(*x)) {
        return Err(Error::input(format!(
            "KS uniformity: value {x} is not in [0, 1]"
        )));
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    Ok(v.iter()
        .enumerate()
        .map(|(i, &x)| ((i + 1) as f64 / n - x).max(x - i as f64 / n))
        .fold(0.0, f64::max))
}

/// eps with P(D > eps) <= alpha for n i.i.d. uniforms (DKW-Massart:
/// P(D > eps) <= 2 exp(-2 n eps^2), valid at every n).
pub fn dkw_threshold(n: usize, alpha: f64) -> f64 {
    ((2.0 / alpha).ln() / (2.0 * n as f64)).sqrt()
}
