//! Monte Carlo over random networks on a fixed data set (spec ALG-MC-SEEDS,
//! ALG-CENSUS-FAST, ALG-GOF-MC): per-layer histograms of non-PD and active
//! counts, dead fractions, born-dead count, and agreement with the exact law.

pub mod cost;
pub mod fast;
pub(crate) mod progress;
pub mod report;
pub mod shard;
pub mod theory;

pub use fast::{SampleCounts, Workspace};

use crate::error::{Error, Result};
use crate::init::{Architecture, InitScheme};
use crate::sim::Dataset;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// What to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct McConfig {
    /// Network shape.
    pub arch: Architecture,
    /// Initialization scheme: random (fast census path) or data-dependent
    /// (built with `init::data_dependent` and counted by `census`).
    pub scheme: InitScheme,
    /// Number of independent networks (>= 1).
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
}

/// Histograms over the samples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct McResult {
    /// Number of networks.
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Hidden widths.
    pub widths: Vec<usize>,
    /// `non_pd[l][k]` = number of samples with k non-PD neurons in layer l+1.
    pub non_pd: Vec<Vec<u64>>,
    /// `active[l][k]` = number of samples with k active neurons in layer l+1.
    pub active: Vec<Vec<u64>>,
    /// Samples with some hidden layer entirely PD.
    pub born_dead_count: u64,
    /// `pairs[l][p * (N_{l+1} + 1) + k]` = number of samples with
    /// K_l = p and K_{l+1} = k (0-based layers, l = 0..depth-2): the
    /// transitions of the chain THM-CHAIN.
    pub pairs: Vec<Vec<u64>>,
}

impl McResult {
    pub(crate) fn zeros(widths: &[usize], samples: u64, seed: u64) -> Self {
        let h = || widths.iter().map(|&n| vec![0u64; n + 1]).collect();
        let pairs = widths
            .windows(2)
            .map(|w| vec![0u64; (w[0] + 1) * (w[1] + 1)])
            .collect();
        McResult {
            pairs,
            samples,
            seed,
            widths: widths.to_vec(),
            non_pd: h(),
            active: h(),
            born_dead_count: 0,
        }
    }

    fn add(&mut self, c: &SampleCounts) {
        for l in 0..self.widths.len() {
            self.non_pd[l][c.non_pd[l]] += 1;
            self.active[l][c.active[l]] += 1;
        }
        self.born_dead_count += u64::from(c.born_dead());
        for l in 1..self.widths.len() {
            self.pairs[l - 1][c.non_pd[l - 1] * (self.widths[l] + 1) + c.non_pd[l]] += 1;
        }
    }

    /// Adds histograms of the same shapes (a shard's, spec ALG-MC-SHARD).
    pub(crate) fn add_histograms(
        &mut self,
        non_pd: &[Vec<u64>],
        active: &[Vec<u64>],
        born_dead: u64,
        pairs: &[Vec<u64>],
    ) {
        let add = |a: &mut Vec<u64>, b: &Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        self.non_pd
            .iter_mut()
            .zip(non_pd)
            .for_each(|(a, b)| add(a, b));
        self.active
            .iter_mut()
            .zip(active)
            .for_each(|(a, b)| add(a, b));
        self.pairs
            .iter_mut()
            .zip(pairs)
            .for_each(|(a, b)| add(a, b));
        self.born_dead_count += born_dead;
    }

    fn merge(mut self, o: McResult) -> Self {
        for l in 0..self.widths.len() {
            for k in 0..=self.widths[l] {
                self.non_pd[l][k] += o.non_pd[l][k];
                self.active[l][k] += o.active[l][k];
            }
        }
        self.born_dead_count += o.born_dead_count;
        for (a, b) in self.pairs.iter_mut().zip(&o.pairs) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        self
    }

    /// Histogram of the non-PD count of 0-based layer l (l >= 1) among the
    /// samples whose layer l-1 has p non-PD neurons: `transitions(l, p)[k]`.
    pub fn transitions(&self, l: usize, p: usize) -> &[u64] {
        let n = self.widths[l] + 1;
        &self.pairs[l - 1][p * n..(p + 1) * n]
    }

    /// Fraction of layer l's neurons (over all samples) that are dead.
    pub fn dead_fraction(&self, l: usize) -> f64 {
        let n = self.widths[l] as f64;
        let active: f64 = self.active[l]
            .iter()
            .enumerate()
            .map(|(k, &c)| k as f64 * c as f64)
            .sum();
        1.0 - active / (n * self.samples as f64)
    }

    /// Total number of PD neurons of layer 1 over all samples and the number
    /// of layer-1 neurons observed: i.i.d. Bernoulli(q1) trials (THM-CHAIN).
    pub fn first_layer_pd(&self) -> (u64, u64) {
        let n = self.widths[0] as u64;
        let non_pd: u64 = self.non_pd[0]
            .iter()
            .enumerate()
            .map(|(k, &c)| k as u64 * c)
            .sum();
        (n * self.samples - non_pd, n * self.samples)
    }
}

/// The rng of sample `i`: `ChaCha8Rng::seed_from_u64(seed)` on stream `i`
/// (spec ALG-MC-SEEDS).
pub fn sample_rng(seed: u64, i: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(i);
    r
}

/// Samples per work unit (the unit of parallelism and of progress).
const CHUNK: u64 = 64;

/// Runs the Monte Carlo on the current rayon pool. Bit-identical for any
/// number of threads: sample i always uses [`sample_rng`]`(seed, i)` and the
/// histograms are sums of integers. `progress` shows a bar on stderr for
/// runs longer than about 1.5 s when stderr is a terminal.
pub fn run(cfg: &McConfig, data: &Dataset, progress: bool) -> Result<McResult> {
    run_range(cfg, data, (0, cfg.samples), progress)
}

/// [`run`] restricted to the sample indices [start, end) (a shard, spec
/// ALG-MC-SHARD): the histograms of those samples, exactly the ones they
/// contribute to the whole run; `samples` is end - start.
pub fn run_range(
    cfg: &McConfig,
    data: &Dataset,
    range: (u64, u64),
    progress: bool,
) -> Result<McResult> {
    if cfg.samples == 0 {
        return Err(Error::input("--samples must be at least 1"));
    }
    // the cost of the samples this call draws (a shard: its slice)
    let slice = McConfig {
        samples: range.1.saturating_sub(range.0),
        ..cfg.clone()
    };
    cost::check_config(&slice, data.len(), rayon::current_num_threads())?;
    if cfg.scheme == InitScheme::DataDependent {
        // The construction depends on the data, so the fast sign-based path
        // does not apply: build each network and count with the reference
        // census (spec ALG-MC-SEEDS).
        return run_chunks(
            cfg,
            range,
            progress,
            || (),
            |_, rng| {
                let net = crate::init::data_dependent::initialize(&cfg.arch, data, rng)?;
                let census = crate::census::census(&net, data)?;
                Ok(SampleCounts {
                    non_pd: census.layers.iter().map(|l| l.non_pd()).collect(),
                    active: census.layers.iter().map(|l| l.active()).collect(),
                })
            },
        );
    }
    // Validate once (scheme, dimensions) before spawning work.
    Workspace::new(&cfg.scheme, &cfg.arch, data)?;
    run_chunks(
        cfg,
        range,
        progress,
        || Workspace::new(&cfg.scheme, &cfg.arch, data).expect("validated above"),
        |ws, rng| ws.sample(rng).cloned(),
    )
}

/// The chunked parallel loop shared by both paths: sample i draws from
/// [`sample_rng`]`(seed, i)` with a per-thread state made by `init`.
fn run_chunks<W, I, S>(
    cfg: &McConfig,
    (start, end): (u64, u64),
    progress: bool,
    init: I,
    sample: S,
) -> Result<McResult>
where
    I: Fn() -> W + Sync + Send,
    S: Fn(&mut W, &mut ChaCha8Rng) -> Result<SampleCounts> + Sync + Send,
{
    if start > end || end > cfg.samples {
        return Err(Error::input(format!(
            "sample range {start}..{end} is not within 0..{}",
            cfg.samples
        )));
    }
    let bar = progress::Progress::new(end - start, progress);
    let chunks = (end - start).div_ceil(CHUNK);
    let res = (0..chunks)
        .into_par_iter()
        .map_init(&init, |state, c| -> Result<McResult> {
            let mut r = McResult::zeros(&cfg.arch.hidden, 0, cfg.seed);
            let (from, to) = (
                start + c * CHUNK,
                start.saturating_add((c + 1) * CHUNK).min(end),
            );
            for i in from..to {
                r.add(&sample(state, &mut sample_rng(cfg.seed, i))?);
            }
            bar.inc(to - from);
            Ok(r)
        })
        .try_reduce(
            || McResult::zeros(&cfg.arch.hidden, 0, cfg.seed),
            |a, b| Ok(a.merge(b)),
        )?;
    bar.finish();
    Ok(McResult {
        samples: end - start,
        ..res
    })
}
