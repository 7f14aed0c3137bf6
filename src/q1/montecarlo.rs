//! Monte Carlo estimate of q1 with an exact Clopper-Pearson interval
//! (spec ALG-Q1-MC): neuron i draws (w, b) from the scheme's first-layer
//! law with the rng [`crate::montecarlo::sample_rng`]`(seed, i)` and is PD
//! when w . x + b <= 0 on every point (f64). The count of PD neurons is a
//! sum of integers over fixed chunks: bit-identical for any thread count.

use super::{Q1Options, Q1Result, Q1Value};
use crate::error::{Error, Result};
use crate::init::random::sample_neuron;
use crate::init::{BiasInit, InitScheme, WeightInit};
use crate::montecarlo::progress::Progress;
use crate::montecarlo::sample_rng;
use crate::sim::exact_sign::{error_bound, nonpositive};
use crate::stats::intervals::checked_clopper_pearson;
use rayon::prelude::*;

/// Neurons per work unit.
const CHUNK: u64 = 4096;

/// Estimated CPU seconds of `samples` neurons on m points of dimension d
/// (every point evaluated: the worst case).
pub fn seconds(samples: u64, m: usize, d: usize) -> f64 {
    samples as f64 * (m as f64 * (d as f64 + 1.0) * 1e-9 + 2e-7)
}

/// The number of PD neurons among `samples` draws.
pub fn count_pd(
    points: &[f64],
    d: usize,
    scheme: &InitScheme,
    fan_out: usize,
    samples: u64,
    seed: u64,
    progress: bool,
) -> Result<u64> {
    let m = points.len() / d;
    crate::limits::check_seconds(
        &format!("a q1 Monte Carlo of {samples} neurons on {m} points of dimension {d}"),
        seconds(samples, m, d),
        "lower --samples",
    )?;
    // max over points of sum |x_c| (row-major points), rounded up, for the
    // exact-sign filter (ALG-PD-SIGN)
    let x1 = points
        .chunks_exact(d)
        .map(|x| x.iter().map(|v| v.abs()).sum::<f64>())
        .fold(0.0, f64::max)
        * (1.0 + 2.0 * (d as f64 + 1.0) * f64::EPSILON);
    let chunks = samples.div_ceil(CHUNK);
    let bar = Progress::new(samples, progress);
    let counts: Result<Vec<u64>> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut w = vec![0.0; d];
            let mut pd = 0u64;
            let end = ((c + 1) * CHUNK).min(samples);
            for i in c * CHUNK..end {
                let mut rng = sample_rng(seed, i);
                let b = sample_neuron(scheme, d, fan_out, &mut w, &mut rng)?;
                let wmax = w.iter().fold(0.0f64, |a, v| a.max(v.abs()));
                let bound = error_bound(d + 1, wmax * x1 + b.abs());
                let dead = points.chunks_exact(d).all(|x| {
                    let z = x.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>() + b;
                    nonpositive(z, bound, &w, x.iter().copied(), b)
                });
                pd += dead as u64;
            }
            bar.inc(end - c * CHUNK);
            Ok(pd)
        })
        .collect();
    bar.finish();
    Ok(counts?.iter().sum())
}

/// Monte Carlo q1 with a Clopper-Pearson interval at `opts.confidence`.
pub fn estimate(
    points: &[f64],
    d: usize,
    scheme: &InitScheme,
    opts: &Q1Options,
) -> Result<Q1Result> {
    if opts.samples == 0 {
        return Err(Error::input("--samples must be at least 1"));
    }
    if !(opts.confidence > 0.0 && opts.confidence < 1.0) {
        return Err(Error::input(format!(
            "--confidence {} is not in (0, 1)",
            opts.confidence
        )));
    }
    let fan_out = match (scheme, opts.width) {
        (_, Some(n)) => n,
        (
            InitScheme::Random {
                weights: w @ (WeightInit::GlorotNormal | WeightInit::GlorotUniform),
                bias,
            },
            None,
        ) if *bias != BiasInit::Zero => {
            return Err(Error::input(format!(
                "the {} scale depends on the first hidden width: give --width N1",
                w.name()
            )))
        }
        _ => 1,
    };
    let pd = count_pd(
        points,
        d,
        scheme,
        fan_out,
        opts.samples,
        opts.seed,
        opts.progress,
    )?;
    let (lo, hi) = checked_clopper_pearson(pd, opts.samples, opts.confidence)?;
    Ok(Q1Result {
        value: Q1Value::Interval {
            lo,
            hi,
            confidence: opts.confidence,
            pd,
            samples: opts.samples,
            seed: opts.seed,
        },
        theorem: "ALG-Q1-MC",
        case: format!(
            "no closed form for {} weights, {} bias, {d}-D data: Monte Carlo",
            scheme.name(),
            match scheme.bias_law() {
                Some(bias) => bias.name(),
                None => "its own".into(),
            }
        ),
    })
}
