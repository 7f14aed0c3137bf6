//! Sharded Monte Carlo (spec ALG-MC-SHARD, FMT-SIMULATE-PART): shard k of n
//! runs the sample indices [floor((k-1) S / n), floor(k S / n)) of a run of S
//! samples and writes its integer histograms; [`merge`] sums the parts of all
//! n shards into the [`McResult`] a single run computes, exactly (sample i
//! always draws from stream i of the master seed, ALG-MC-SEEDS).

use super::McResult;
use crate::error::{Error, Result};
use crate::sim::Dataset;
use serde::{Deserialize, Serialize};

/// Schema tag of a partial result file.
pub const PART_SCHEMA: &str = "relu-trainability/simulate-part/1";

/// `k/n` of `--shard`: 1 <= k <= n.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, 1-based.
    pub k: u64,
    /// Number of shards.
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let bad = || format!("--shard takes K/N with 1 <= K <= N (e.g. 3/8), got {s:?}");
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// Sample indices [start, end) of this shard of a run of `samples`.
    pub fn range(self, samples: u64) -> (u64, u64) {
        let at = |j: u64| (u128::from(j) * u128::from(samples) / u128::from(self.n)) as u64;
        (at(self.k - 1), at(self.k))
    }
}

/// Everything that must be equal between the shards of one run: the
/// `simulate` arguments that change the result, as given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunKey {
    /// `--input-dim`.
    pub input_dim: usize,
    /// `--widths`.
    pub widths: Vec<usize>,
    /// `--init`.
    pub init: String,
    /// `--bias`.
    pub bias: String,
    /// `--data`.
    pub data: String,
    /// `--header`.
    pub header: String,
    /// `--samples` (of the whole run).
    pub samples: u64,
    /// `--seed`.
    pub seed: u64,
    /// FNV-1a 64 of the data points' shape and f64 bits, in hexadecimal:
    /// catches a data file that changed between shards.
    pub data_fingerprint: String,
}

/// A partial result: the histograms of one shard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// [`PART_SCHEMA`].
    pub schema: String,
    /// The run this shard belongs to.
    pub run: RunKey,
    /// Which shard.
    pub shard: Shard,
    /// Its sample indices [start, end).
    pub start: u64,
    /// End (exclusive).
    pub end: u64,
    /// `McResult::non_pd` over the shard's samples.
    pub non_pd: Vec<Vec<u64>>,
    /// `McResult::active`.
    pub active: Vec<Vec<u64>>,
    /// `McResult::born_dead_count`.
    pub born_dead_count: u64,
    /// `McResult::pairs`.
    pub pairs: Vec<Vec<u64>>,
}

impl Part {
    /// The part of shard `shard` from its histograms.
    pub fn new(run: RunKey, shard: Shard, res: &McResult) -> Self {
        let (start, end) = shard.range(run.samples);
        Part {
            schema: PART_SCHEMA.into(),
            run,
            shard,
            start,
            end,
            non_pd: res.non_pd.clone(),
            active: res.active.clone(),
            born_dead_count: res.born_dead_count,
            pairs: res.pairs.clone(),
        }
    }
}

/// FNV-1a 64 of the data (dimensions, then every coordinate's bits).
pub fn fingerprint(data: &Dataset) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |x: u64| {
        for b in x.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(data.len() as u64);
    eat(data.dim() as u64);
    for x in data.points().iter() {
        eat(x.to_bits());
    }
    format!("{h:016x}")
}

/// Checks that `shards` (file name, shard) are every shard 1..=n of one
/// split exactly once.
pub fn check_complete(shards: &[(&str, Shard)]) -> Result<()> {
    let (first_name, first) = shards
        .first()
        .ok_or_else(|| Error::input("merge needs at least one part file"))?;
    let n = first.n;
    if n > shards.len() as u64 {
        return Err(Error::input(format!(
            "{first_name} is shard {}/{n}, but only {} part file(s) were given: every shard 1..={n} is needed",
            first.k,
            shards.len()
        )));
    }
    // n <= the number of files given, so this allocation is small
    let mut seen = vec![None::<&str>; n as usize];
    for &(name, sh) in shards {
        if sh.n != n || sh.k == 0 || sh.k > n {
            return Err(Error::input(format!(
                "{name} is shard {}/{}, but {first_name} is one of {n} shards",
                sh.k, sh.n
            )));
        }
        let slot = &mut seen[(sh.k - 1) as usize];
        if let Some(other) = slot {
            return Err(Error::input(format!(
                "shard {}/{n} is given twice ({other} and {name})",
                sh.k
            )));
        }
        *slot = Some(name);
    }
    if let Some(k) = seen.iter().position(Option::is_none) {
        return Err(Error::input(format!(
            "shard {}/{n} is missing: give the part file of every shard 1..={n}",
            k + 1
        )));
    }
    Ok(())
}

/// Sums the parts of every shard of one run into the run's histograms.
/// Refuses parts of different runs, a wrong schema, histograms of the wrong
/// shape, a shard given twice, a missing shard, or counts that do not add
/// up to the shard's samples.
pub fn merge(parts: &[(String, Part)]) -> Result<(RunKey, McResult)> {
    let (first_name, first) = parts
        .first()
        .ok_or_else(|| Error::input("merge needs at least one part file"))?;
    let run = &first.run;
    let n = first.shard.n;
    for (name, p) in parts {
        if p.schema != PART_SCHEMA {
            return Err(Error::input(format!(
                "{name}: schema {:?}, expected {PART_SCHEMA:?} (a file written by `simulate --shard`)",
                p.schema
            )));
        }
        if p.run != *run {
            return Err(Error::input(format!(
                "{name} belongs to a different run than {first_name} (the simulate arguments or the data differ): {:?} vs {:?}",
                p.run, run
            )));
        }
    }
    let shards: Vec<(&str, Shard)> = parts.iter().map(|(f, p)| (f.as_str(), p.shard)).collect();
    check_complete(&shards)?;
    let mut total = McResult::zeros(&run.widths, 0, run.seed);
    for (name, p) in parts {
        let (start, end) = p.shard.range(run.samples);
        let shape_ok = p.non_pd.len() == run.widths.len()
            && p.active.len() == run.widths.len()
            && p.non_pd
                .iter()
                .zip(&run.widths)
                .all(|(h, &w)| h.len() == w + 1)
            && p.active
                .iter()
                .zip(&run.widths)
                .all(|(h, &w)| h.len() == w + 1)
            && p.pairs.len() == run.widths.len().saturating_sub(1)
            && p.pairs
                .iter()
                .zip(run.widths.windows(2))
                .all(|(h, w)| h.len() == (w[0] + 1) * (w[1] + 1));
        let count = |h: &Vec<u64>| h.iter().try_fold(0u64, |a, &x| a.checked_add(x));
        let counts_ok = (p.start, p.end) == (start, end)
            && p.non_pd
                .iter()
                .chain(&p.active)
                .all(|h| count(h) == Some(end - start))
            && p.pairs.iter().all(|h| count(h) == Some(end - start))
            && p.born_dead_count <= end - start;
        if !shape_ok || !counts_ok {
            return Err(Error::input(format!(
                "{name}: the histograms do not match shard {}/{n} of {} samples with widths {:?} (edited or damaged file?)",
                p.shard.k, run.samples, run.widths
            )));
        }
        total.add_histograms(&p.non_pd, &p.active, p.born_dead_count, &p.pairs);
    }
    total.samples = run.samples;
    Ok((run.clone(), total))
}

#[cfg(test)]
mod tests {
    // spec: ALG-MC-SHARD
    use super::*;

    #[test]
    fn shards_partition_the_sample_indices() {
        for samples in [0u64, 1, 2, 7, 64, 1000, u64::MAX] {
            for n in [1u64, 2, 3, 4, 7, 64, 1000] {
                let mut next = 0;
                for k in 1..=n {
                    let (s, e) = Shard { k, n }.range(samples);
                    assert_eq!(s, next);
                    assert!(e >= s);
                    // balanced: sizes differ by at most one
                    let size = e - s;
                    assert!(size == samples / n || size == samples / n + 1);
                    next = e;
                }
                assert_eq!(next, samples);
            }
        }
    }

    #[test]
    fn shard_syntax() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard { k: 3, n: 8 }));
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", "-1/4", "1/4/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
