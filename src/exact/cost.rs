//! Cost estimates for the exact engine, checked before any big computation
//! (spec ALG-COST). The numerators of layer l have about
//! `bits_l = N_1 log2(den q1) + sum_{i=2..l} (N_{i-1} + beta) N_i` bits;
//! the fast path does about `N_{l-1} (N_l + 1)` big additions and
//! single-word multiplications per layer, each linear in `bits_l`.

use super::ChainSpec;
use crate::error::{Error, Result};

/// Budget above which the exact engine refuses (and says what to do).
pub const MAX_SECONDS: f64 = 60.0;
/// Memory budget for holding every layer's exact law.
pub const MAX_BYTES: f64 = 4.0 * 1024.0 * 1024.0 * 1024.0;
/// Calibrated nanoseconds per 64-bit limb operation of the inner loop
/// (benches/exact.rs measures it; conservative).
const NS_PER_LIMB_OP: f64 = 1.0;

/// Estimated size and time of an exact computation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostEstimate {
    /// Bits of the largest common denominator (last layer).
    pub max_bits: f64,
    /// Estimated seconds of the fast path on one core.
    pub seconds: f64,
    /// Estimated bytes to hold every layer's exact law.
    pub bytes_all_layers: f64,
}

/// Estimates the cost of the exact law of `spec`.
pub fn estimate(spec: &ChainSpec) -> CostEstimate {
    let beta = spec.bias.beta() as f64;
    let den_bits = spec.q1.denom().bits() as f64;
    let mut bits = spec.widths[0] as f64 * den_bits.max(1.0);
    let mut seconds = 0.0;
    let mut bytes = (spec.widths[0] as f64 + 1.0) * bits / 8.0;
    for l in 1..spec.widths.len() {
        let (m, n) = (spec.widths[l - 1] as f64, spec.widths[l] as f64);
        bits += (m + beta) * n;
        let limbs = bits / 64.0 + 1.0;
        seconds += m * (n + 1.0) * 3.0 * limbs * NS_PER_LIMB_OP * 1e-9;
        bytes += (n + 1.0) * bits / 8.0;
    }
    CostEstimate {
        max_bits: bits,
        seconds,
        bytes_all_layers: bytes,
    }
}

/// Refuses (with advice) an exact law that would exceed the budgets.
pub fn check_exact(spec: &ChainSpec) -> Result<()> {
    check(spec, true)
}

/// Like [`check_exact`] for computations that keep one layer at a time
/// (P(born dead), T(n*)): only the time budget applies.
pub fn check_exact_streaming(spec: &ChainSpec) -> Result<()> {
    check(spec, false)
}

fn check(spec: &ChainSpec, all_layers: bool) -> Result<()> {
    let c = estimate(spec);
    if c.seconds > MAX_SECONDS || (all_layers && c.bytes_all_layers > MAX_BYTES) {
        return Err(Error::TooCostly(format!(
            "the exact law of widths {:?} needs numbers of about {:.0} bits, an estimated {:.0} s and {:.1} GiB; \
             use `trainability approx` (scaled f64 with a proven error bound) or fewer/narrower layers",
            spec.widths,
            c.max_bits,
            c.seconds,
            c.bytes_all_layers / (1024.0 * 1024.0 * 1024.0)
        )));
    }
    Ok(())
}
