//! Cost estimate of a Monte Carlo run (spec ALG-MC-COST): refuse runs that
//! would take hours or exhaust memory, with advice.

use crate::error::{Error, Result};
use crate::init::Architecture;

/// Multiply-adds per second assumed for one core (deliberately optimistic,
/// so we refuse only what is clearly too big).
pub const MULADD_PER_SEC: f64 = 2e10;
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
    let secs = muladds_per_sample(arch, m) * samples as f64 / MULADD_PER_SEC;
    if secs > TIME_BUDGET_SECS {
        return Err(Error::TooCostly(format!(
            "{samples} networks on {m} points need about {:.1e} multiply-adds, over {:.0} core-hours; \
             reduce --samples (the histograms' precision grows like sqrt(samples)), the number of points, or the widths \
             (for the exact law alone use `trainability exact`)",
            muladds_per_sample(arch, m) * samples as f64,
            secs / 3600.0
        )));
    }
    Ok(())
}
