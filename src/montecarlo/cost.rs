//! Cost estimate of a Monte Carlo run (spec ALG-MC-COST): refuse runs that
//! would take hours or exhaust memory, with advice. The rates are
//! deliberately optimistic (the census bench measures about 150 µs of CPU
//! for 256 points x 10 layers of 32, i.e. about 2e10 multiply-adds per
//! second counting all the work), so only clearly absurd runs are refused.

use crate::error::Result;
use crate::init::Architecture;

/// Multiply-adds per second assumed for one core (deliberately optimistic,
/// so we refuse only what is clearly too big).
pub const MULADD_PER_SEC: f64 = 2e10;
/// Fixed cost of one sample (seeding its rng, counting), seconds.
pub const SECS_PER_SAMPLE: f64 = 2e-7;
/// Cost of drawing one parameter (ChaCha8 + ziggurat), seconds.
pub const SECS_PER_PARAMETER: f64 = 3e-9;

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
        + histogram_bytes(arch)
}

/// Bytes of the histograms a worker holds (its partial result and the ones
/// being merged: about three copies), including the pair table
/// (N_l + 1)(N_{l+1} + 1) of every pair of layers.
pub fn histogram_bytes(arch: &Architecture) -> f64 {
    let h = &arch.hidden;
    let single: f64 = h.iter().map(|&n| 2.0 * (n as f64 + 1.0)).sum();
    let pairs: f64 = h
        .windows(2)
        .map(|w| (w[0] as f64 + 1.0) * (w[1] as f64 + 1.0))
        .sum();
    3.0 * 8.0 * (single + pairs)
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

/// Calibrated seconds per point and hidden neuron and log2(m) of the
/// data-dependent construction (sorting projections, placing thresholds):
/// `init --widths 2,2` on 1e5 / 1e6 points takes 0.14 / 1.2 s per network.
pub const DD_SECS_PER_POINT_NEURON_LOG: f64 = 1.5e-8;

/// Estimated core-seconds of one data-dependent sample: the construction
/// and the reference census (both linear in m).
pub fn seconds_per_dd_sample(arch: &Architecture, m: usize) -> f64 {
    let neurons: f64 = arch.hidden.iter().map(|&n| n as f64).sum();
    let mf = m as f64;
    mf * neurons * DD_SECS_PER_POINT_NEURON_LOG * (mf + 1.0).log2()
        + 2.0 * muladds_per_sample(arch, m) / MULADD_PER_SEC
        + SECS_PER_SAMPLE
}

/// Bytes of one data-dependent sample: the network and the census'
/// pre-activations of every layer on every point.
pub fn bytes_per_dd_sample(arch: &Architecture, m: usize) -> f64 {
    let neurons: f64 = arch.hidden.iter().map(|&n| n as f64).sum();
    let params: f64 = arch
        .layer_shapes()
        .iter()
        .map(|&(i, o)| (i as f64 + 1.0) * o as f64)
        .sum();
    8.0 * (2.0 * m as f64 * (neurons + arch.input_dim as f64) + 2.0 * params)
        + histogram_bytes(arch)
}

/// Refuses a run of `cfg` on `m` points with `threads` workers whose
/// estimated CPU time or memory (all threads) exceeds the budgets of
/// [`crate::limits`] (spec ALG-MC-COST, ALG-LIMITS).
pub fn check_config(cfg: &super::McConfig, m: usize, threads: usize) -> Result<()> {
    let dd = cfg.scheme == crate::init::InitScheme::DataDependent;
    let (per_thread, per_sample) = if dd {
        (
            bytes_per_dd_sample(&cfg.arch, m),
            seconds_per_dd_sample(&cfg.arch, m),
        )
    } else {
        (
            bytes_per_thread(&cfg.arch, m),
            seconds_per_sample(&cfg.arch, m),
        )
    };
    let threads = threads.max(1) as f64;
    crate::limits::check_bytes(
        &format!("one network on {m} points on each of {threads} threads"),
        per_thread * threads,
        "use fewer points, narrower layers or fewer --threads",
    )?;
    let samples = cfg.samples;
    crate::limits::check_seconds(
        &format!(
            "{samples} {}networks on {m} points",
            if dd { "data-dependent " } else { "" }
        ),
        per_sample * samples as f64,
        "reduce --samples (the histograms' precision grows like sqrt(samples)), the number of points, or the widths \
         (for the exact law alone use `trainability exact`); or split the run over processes or machines with \
         `simulate --shard K/N` and `trainability merge`",
    )
}

/// [`check_config`] for a random scheme on the current rayon pool.
pub fn check(arch: &Architecture, m: usize, samples: u64) -> Result<()> {
    let cfg = super::McConfig {
        arch: arch.clone(),
        scheme: crate::init::InitScheme::Random {
            weights: crate::init::WeightInit::HeNormal,
            bias: crate::init::BiasInit::Zero,
        },
        samples,
        seed: 0,
    };
    check_config(&cfg, m, rayon::current_num_threads())
}
