//! f64 laws the oracle tests against: the marginals of THM-CHAIN (exact
//! rationals rounded once when the exact engine accepts the size, else the
//! scaled-f64 path with its error bound) and the joint laws of consecutive
//! layers (K_{l-1}, K_l).

use crate::error::{Error, Result};
use crate::exact::{self, ChainSpec};
use statrs::function::factorial::ln_binomial;

/// Largest number of cells of all pair laws together.
pub const MAX_PAIR_CELLS: usize = 20_000_000;

/// `marginals[l][k]` = P(K_{l+1} = k) as f64 (see [`exact::marginals_f64`]).
pub use exact::marginals_f64 as marginals;

/// Binomial(n, 1 - d) pmf for a dead probability d = 2^-e (e >= 1), in log
/// space so that alive probabilities within 2^-53 of 1 stay accurate.
pub fn transition_pmf(n: usize, e: usize) -> Vec<f64> {
    let ln_d = -(e as f64) * std::f64::consts::LN_2;
    let ln_alive = (-(0.5f64).powi(e.min(1100) as i32)).ln_1p();
    (0..=n)
        .map(|k| {
            (ln_binomial(n as u64, k as u64) + k as f64 * ln_alive + (n - k) as f64 * ln_d).exp()
        })
        .collect()
}

/// Joint law of (K_l, K_{l+1}) for l = 0..depth-2 (0-based layers), as a
/// flat vector indexed p * (N_{l+1} + 1) + k: P(K_l = p) times the chain
/// transition (K_{l+1} = 0 when p = 0, else Binomial(N_{l+1}, 1 - 2^-(p + beta))).
pub fn pair_law(spec: &ChainSpec, marg: &[Vec<f64>], l: usize) -> Vec<f64> {
    let n = spec.widths[l + 1];
    let beta = spec.bias.beta();
    let mut out = vec![0.0; (spec.widths[l] + 1) * (n + 1)];
    out[0] = marg[l][0];
    for (p, &mp) in marg[l].iter().enumerate().skip(1) {
        if mp == 0.0 {
            continue;
        }
        for (k, t) in transition_pmf(n, p + beta).into_iter().enumerate() {
            out[p * (n + 1) + k] = mp * t;
        }
    }
    out
}

/// Refuses pair laws with more than [`MAX_PAIR_CELLS`] cells in total.
pub fn check_pair_cost(widths: &[usize]) -> Result<()> {
    let cells: usize = widths
        .windows(2)
        .map(|w| (w[0] + 1).saturating_mul(w[1] + 1))
        .sum();
    if cells > MAX_PAIR_CELLS {
        return Err(Error::TooCostly(format!(
            "the joint laws of consecutive layers of widths {widths:?} have {cells} cells (limit {MAX_PAIR_CELLS}); \
             test fewer or narrower layers"
        )));
    }
    Ok(())
}

/// Normalizes a law whose f64 rounding left its sum within 1e-9 of 1
/// (a no-op otherwise); keeps the input validation of the tests meaningful.
pub fn renormalize(law: &mut [f64]) {
    let s: f64 = law.iter().sum();
    if s > 0.0 && (s - 1.0).abs() <= 1e-9 {
        law.iter_mut().for_each(|x| *x /= s);
    }
}
