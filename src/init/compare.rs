//! Side-by-side Monte Carlo of He-normal and data-dependent initialization
//! on the same data: per-layer dead and PD fractions, born-dead rate
//! (spec THM-DD-ACTIVE; the He column is the simulator's Monte Carlo,
//! ALG-MC-SEEDS).

use super::data_dependent::initialize as dd_initialize;
use super::{Architecture, BiasInit, InitScheme, WeightInit};
use crate::census::census;
use crate::error::{Error, Result};
use crate::montecarlo::{self, sample_rng, McConfig};
use crate::sim::Dataset;
use rayon::prelude::*;
use serde::Serialize;

/// Per-layer fractions for one scheme.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SchemeStats {
    /// Scheme name.
    pub scheme: String,
    /// Networks sampled.
    pub samples: u64,
    /// Fraction of layer-l neurons that are dead (TD or PD), over samples.
    pub dead: Vec<f64>,
    /// Fraction of layer-l neurons that are PD, over samples.
    pub pd: Vec<f64>,
    /// Fraction of samples born dead (some layer entirely PD).
    pub born_dead: f64,
}

/// He normal (zero bias) vs data-dependent on the same data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// Hidden widths.
    pub widths: Vec<usize>,
    /// Number of points.
    pub points: usize,
    /// He normal, zero bias.
    pub he: SchemeStats,
    /// Data-dependent (f64 storage).
    pub data_dependent: SchemeStats,
}

/// Runs `he_samples` He-normal networks (simulator Monte Carlo, sample i on
/// stream i of `seed`) and `dd_samples` data-dependent networks (sample i on
/// stream i of `seed + 1`), bit-identical for any thread count.
pub fn he_vs_data_dependent(
    arch: &Architecture,
    data: &Dataset,
    he_samples: u64,
    dd_samples: u64,
    seed: u64,
) -> Result<Comparison> {
    if he_samples == 0 || dd_samples == 0 {
        return Err(Error::input("both sample counts must be at least 1"));
    }
    let he = montecarlo::run(
        &McConfig {
            arch: arch.clone(),
            scheme: InitScheme::Random {
                weights: WeightInit::HeNormal,
                bias: BiasInit::Zero,
            },
            samples: he_samples,
            seed,
        },
        data,
        false,
    )?;
    let widths = arch.hidden.clone();
    let frac = |hist: &[u64], n: usize, samples: u64| {
        let alive: f64 = hist
            .iter()
            .enumerate()
            .map(|(k, &c)| (k as f64) * c as f64)
            .sum();
        1.0 - alive / (n as f64 * samples as f64)
    };
    let he_stats = SchemeStats {
        scheme: "he-normal".into(),
        samples: he_samples,
        dead: (0..widths.len())
            .map(|l| frac(&he.active[l], widths[l], he_samples))
            .collect(),
        pd: (0..widths.len())
            .map(|l| frac(&he.non_pd[l], widths[l], he_samples))
            .collect(),
        born_dead: he.born_dead_count as f64 / he_samples as f64,
    };
    // Integer counts per layer: (dead, pd), and born dead.
    let counts = (0..dd_samples)
        .into_par_iter()
        .map(|i| -> Result<(Vec<(u64, u64)>, u64)> {
            let net = dd_initialize(arch, data, &mut sample_rng(seed.wrapping_add(1), i))?;
            let c = census(&net, data)?;
            let per = c
                .layers
                .iter()
                .map(|l| (l.dead() as u64, l.permanently_dead() as u64))
                .collect();
            Ok((per, u64::from(c.born_dead())))
        })
        .try_reduce(
            || (vec![(0, 0); widths.len()], 0),
            |(a, ba), (b, bb)| {
                let s = a
                    .iter()
                    .zip(&b)
                    .map(|(x, y)| (x.0 + y.0, x.1 + y.1))
                    .collect();
                Ok((s, ba + bb))
            },
        )?;
    let total = |l: usize| (widths[l] as u64 * dd_samples) as f64;
    let dd_stats = SchemeStats {
        scheme: "data-dependent".into(),
        samples: dd_samples,
        dead: (0..widths.len())
            .map(|l| counts.0[l].0 as f64 / total(l))
            .collect(),
        pd: (0..widths.len())
            .map(|l| counts.0[l].1 as f64 / total(l))
            .collect(),
        born_dead: counts.1 as f64 / dd_samples as f64,
    };
    Ok(Comparison {
        widths,
        points: data.len(),
        he: he_stats,
        data_dependent: dd_stats,
    })
}

/// Markdown table (for the README): one row per hidden layer.
pub fn comparison_table(c: &Comparison) -> String {
    let mut s = format!(
        "widths {:?}, {} points; He normal: {} networks, data-dependent: {} networks\n\n",
        c.widths, c.points, c.he.samples, c.data_dependent.samples
    );
    s += "| layer | width | He dead | He PD | data-dep. dead | data-dep. PD |\n";
    s += "|---:|---:|---:|---:|---:|---:|\n";
    for l in 0..c.widths.len() {
        s += &format!(
            "| {} | {} | {:.4} | {:.4} | {:.4} | {:.4} |\n",
            l + 1,
            c.widths[l],
            c.he.dead[l],
            c.he.pd[l],
            c.data_dependent.dead[l],
            c.data_dependent.pd[l]
        );
    }
    s += &format!(
        "| born dead | | {:.4} | | {:.4} | |\n",
        c.he.born_dead, c.data_dependent.born_dead
    );
    s
}
