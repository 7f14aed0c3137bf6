//! Cost estimate of a Monte Carlo run (spec ALG-MC-COST): refuse runs that
//! would take hours or exhaust memory, with advice. The rates are
//! deliberately optimistic (the census bench measures about 150 µs of CPU
//! for 256 points x 10 layers of 32, i.e. about 2e10 multiply-adds per
//! second counting all the work), so only clearly absurd runs are refused.

use crate::error::{Error, Result};
use crate::init::Architecture;

/// Multiply-adds per second assumed for one core (deliberately optimistic,
/// so we refuse only what is clearly too big).
pub const MULADD_PER_SEC: f64 = 2e10;
/// Fixed cost of one sample (seeding its rng, counting), seconds.
pub const SECS_PER_SAMPLE: f64 = 2e-7;
/// Cost of drawing one parameter (ChaCha8 + ziggurat), seconds.
pub const SECS_PER_PARAMETER: f64 = 3e-9;
/// Refuse runs estimated above this many core-seconds.
pub const TIME_BUDGET_SECS: f64 = 3600.0;
/// Refuse when one thread's buffers would exceed this many bytes.
pub const MEMORY_BUDGET_BYTES: f64 = 2e9;

/// Multiply-adds of one sample: m x sum of fan_in x fan_out over hidden layers.
pub fn muladds_per_sample(arch: &Architecture, m: usize) -> f64 {
    let mut fan_in = arch.input_dim as f64;
    let mut s = 0.0;
    for &n in &arch.hidden {
        s += fan_in * n as f64;
        fan_in = n as f64;
    }
    s * m as f64
}

/// Bytes of one thread's buffers (activations, products, weights).
pub fn bytes_per_thread(arch: &Architecture, m: usize) -> f64 {
    let w = *arch.hidden.iter().max().unwrap_or(&1) as f64;
    let f = w.max(arch.input_dim as f64);
    8.0 * (m as f64 * (f + w) + 3.0 * f * w + m as f64 * arch.input_dim as f64)
}

/// Estimated core-seconds of one sample: products at [`MULADD_PER_SEC`],
/// parameter draws and a fixed overhead.
pub fn seconds_per_sample(arch: &Architecture, m: usize) -> f64 {
    let params: usize = arch
        .layer_shapes()
        .iter()
        .take(arch.hidden.len())
        .map(|(i, o)| (i + 1) * o)
        .sum();
    muladds_per_sample(arch, m) / MULADD_PER_SEC
        + params as f64 * SECS_PER_PARAMETER
        + SECS_PER_SAMPLE
}

/// Refuses runs over the time or memory budget.
pub fn check(arch: &Architecture, m: usize, samples: u64) -> Result<()> {
    let mem = bytes_per_thread(arch, m);
    if mem > MEMORY_BUDGET_BYTES {
        return Err(Error::TooCostly(format!(
            "one network on {m} points needs about {:.1} GB of buffers (budget {:.0} GB); use fewer points or narrower layers",
            mem / 1e9,
            MEMORY_BUDGET_BYTES / 1e9
        )));
    }
    let secs = seconds_per_sample(arch, m) * samples as f64;
    if secs > TIME_BUDGET_SECS {
        return Err(Error::TooCostly(format!(
            "{samples} networks on {m} points would take an estimated {:.1} core-hours ({:.1e} multiply-adds; budget 1 core-hour); \
             reduce --samples (the histograms' precision grows like sqrt(samples)), the number of points, or the widths \
             (for the exact law alone use `trainability exact`)",
            secs / 3600.0,
            muladds_per_sample(arch, m) * samples as f64
        )));
    }
    Ok(())
}
