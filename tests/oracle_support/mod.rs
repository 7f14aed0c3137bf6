//! Shared by the oracle tests: an independent sampler of the non-PD counts
//! that simulates the PD mechanism neuron by neuron with fair coins
//! (spec THM-CHAIN's proof, not its binomial formula): a first-layer neuron
//! is PD with probability q1; a later neuron is PD iff its bias (if any) and
//! its weights from the p non-PD neurons below are all <= 0, p + beta fair
//! coins, or if no neuron below is non-PD.
#![allow(dead_code)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One network's counts.
pub fn sample_counts(widths: &[usize], beta: usize, q1: f64, rng: &mut impl Rng) -> Vec<usize> {
    let mut out = Vec::with_capacity(widths.len());
    let mut prev = 0usize;
    for (l, &n) in widths.iter().enumerate() {
        let mut k = 0;
        for _ in 0..n {
            let alive = if l == 0 {
                rng.gen::<f64>() >= q1
            } else if prev == 0 {
                false
            } else {
                (0..prev + beta).any(|_| rng.gen::<bool>())
            };
            k += alive as usize;
        }
        out.push(k);
        prev = k;
    }
    out
}

/// `n` networks with a fixed seed (per-sample stream, as DEVELOPING.md says).
pub fn sample_many(widths: &[usize], beta: usize, q1: f64, n: usize, seed: u64) -> Vec<Vec<usize>> {
    (0..n)
        .map(|i| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(i as u64);
            sample_counts(widths, beta, q1, &mut rng)
        })
        .collect()
}

/// CSV text of samples (with a header).
pub fn to_csv(samples: &[Vec<usize>]) -> String {
    let d = samples.first().map_or(0, |r| r.len());
    let mut s = (1..=d)
        .map(|l| format!("K{l}"))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    for r in samples {
        s += &(r
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(",")
            + "\n");
    }
    s
}

/// Writes `text` to the file `name` in `dir`; returns its path.
pub fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}
