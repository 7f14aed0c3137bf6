//! Cost estimates for the exact engine, checked before any big computation
//! (spec ALG-COST). The numerators of layer l have about
//! `bits_l = N_1 log2(den q1) + sum_{i=2..l} (N_{i-1} + beta) N_i` bits;
//! the fast path does about `N_{l-1} (N_l + 1)` big additions and
//! single-word multiplications per layer, each linear in `bits_l`; layer 1
//! costs about 3 N_1 (bits_1 / 64) (log2(den q1) / 64) limb operations.

use super::ChainSpec;
use crate::error::{Error, Result};

/// Time budget above which the exact engine refuses (and says what to do):
/// the `--max-seconds` budget in force (spec ALG-LIMITS; default 60 s).
pub fn max_seconds() -> f64 {
    crate::limits::current().max_seconds
}

/// Memory budget of an exact computation (every layer's law, or two
/// layers at a time for the streaming paths): `--max-memory-mb` (default 1 GB).
pub fn max_bytes() -> f64 {
    crate::limits::current().max_bytes
}
/// Nanoseconds per 64-bit limb operation of the inner loop (conservative:
/// tests/exact_cost.rs measures the engine 1.5 to 3 times faster).
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
    /// Estimated bytes of the largest single layer (streaming paths hold two).
    pub bytes_peak_layer: f64,
}

/// Estimates the cost of the exact law of `spec`.
pub fn estimate(spec: &ChainSpec) -> CostEstimate {
    let den_bits = (spec.q1.denom().bits() as f64).max(1.0);
    estimate_widths(&spec.widths, spec.bias.beta() as f64, den_bits)
}

/// [`estimate`] for hidden widths, beta and the bit length of q1's
/// denominator (no `ChainSpec` needed: callers check before allocating).
pub fn estimate_widths(widths: &[usize], beta: f64, den_bits: f64) -> CostEstimate {
    // layer 1: C(N,k) (1-q1)^k q1^(N-k) built incrementally: about N
    // products of an N den_bits-bit number by a den_bits-bit one, twice
    let n1 = widths[0] as f64;
    let mut bits = n1 * den_bits + n1;
    let mut seconds =
        3.0 * n1 * (bits / 64.0 + 1.0) * (den_bits / 64.0 + 1.0) * NS_PER_LIMB_OP * 1e-9;
    let mut bytes = (n1 + 1.0) * bits / 8.0;
    let mut peak = bytes;
    for l in 1..widths.len() {
        let (m, n) = (widths[l - 1] as f64, widths[l] as f64);
        bits += (m + beta) * n;
        let limbs = bits / 64.0 + 1.0;
        // the sums over p, then one multiplication by C(N_l, k) per entry
        seconds +=
            (m * (n + 1.0) * 3.0 + 2.0 * n * (n / 64.0 + 1.0)) * limbs * NS_PER_LIMB_OP * 1e-9;
        let layer = (n + 1.0) * bits / 8.0;
        bytes += layer;
        peak = peak.max(layer);
    }
    CostEstimate {
        max_bits: bits,
        seconds,
        bytes_all_layers: bytes,
        bytes_peak_layer: peak,
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
    let bytes = if all_layers {
        c.bytes_all_layers
    } else {
        2.0 * c.bytes_peak_layer
    };
    if c.seconds > max_seconds() || bytes > max_bytes() {
        return Err(Error::TooCostly(format!(
            "the exact law of widths {} needs numbers of about {:.0} bits, an estimated {:.0} s and {:.1} GiB \
             (budgets: --max-seconds {}, --max-memory-mb {}); \
             use `trainability approx` (scaled f64 with a proven error bound) or fewer/narrower layers",
            describe_widths(&spec.widths),
            c.max_bits,
            c.seconds,
            bytes / (1024.0 * 1024.0 * 1024.0),
            max_seconds(),
            max_bytes() / 1e6
        )));
    }
    Ok(())
}

/// A short description of a width list for messages ("[4, 4, 4]", or
/// "[64, 64, ..., 64] (1000 layers)").
pub fn describe_widths(w: &[usize]) -> String {
    if w.len() <= 8 {
        format!("{w:?}")
    } else {
        format!(
            "[{}, {}, ..., {}] ({} layers)",
            w[0],
            w[1],
            w[w.len() - 1],
            w.len()
        )
    }
}

/// Entries (sum of N_l + 1) of the scaled-f64 path per GB of memory budget.
pub const F64_ENTRIES_PER_GB: f64 = 2e7;
/// Scaled-f64 multiply-adds (sum of N_{l-1} (N_l + 1)) per minute of budget.
pub const F64_STEPS_PER_MINUTE: f64 = 3e9;

/// Entries of the scaled-f64 law: sum of N_l + 1 (in f64: no overflow).
pub fn f64_entries(widths: &[usize]) -> f64 {
    widths.iter().map(|&w| w as f64 + 1.0).sum()
}

/// Multiply-adds of the scaled-f64 law: sum of N_{l-1} (N_l + 1); 0 for one layer.
pub fn f64_steps(widths: &[usize]) -> f64 {
    widths
        .windows(2)
        .map(|w| w[0] as f64 * (w[1] as f64 + 1.0))
        .sum::<f64>()
        + 0.0
}

/// Refuses a scaled-f64 law (BOUND-F64) that would exceed about a minute
/// or a few GiB (computed in f64: no overflow for any widths).
pub fn check_f64(spec: &ChainSpec) -> Result<()> {
    let (entries, steps) = (f64_entries(&spec.widths), f64_steps(&spec.widths));
    let max_entries = F64_ENTRIES_PER_GB * max_bytes() / 1e9;
    let max_steps = F64_STEPS_PER_MINUTE * max_seconds() / 60.0;
    if entries > max_entries || steps > max_steps {
        return Err(Error::TooCostly(format!(
            "widths {}: about {steps:.1e} floating-point steps and {entries:.1e} entries; \
             keep the sum of N_(l-1) * N_l below {max_steps:.0e} and the sum of widths below {max_entries:.0e} \
             (raise with --max-seconds / --max-memory-mb), e.g. fewer or narrower layers",
            describe_widths(&spec.widths)
        )));
    }
    Ok(())
}
