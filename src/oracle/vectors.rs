//! Golden test vectors for other implementations (spec FMT-VECTORS): the
//! exact law, P(born dead) and trainability for a documented grid of
//! networks, as reduced "p/q" strings with f64 companions.

use crate::error::{Error, Result};
use crate::exact::{self, report::exact_json, BiasMode, ChainSpec};
use crate::rational::{to_f64, to_pq};
use num_rational::BigRational;
use serde::{Deserialize, Serialize};

/// Value of the `format` field.
pub const FORMAT: &str = "relu-trainability-vectors";
/// Value of the `version` field (incremented on any incompatible change).
pub const VERSION: u32 = 1;

/// The whole file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorsFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Schema version ([`VERSION`]).
    pub version: u32,
    /// What the numbers are (human-readable).
    pub description: String,
    /// One entry per network.
    pub vectors: Vec<Vector>,
}

/// One network of the grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    /// Hidden widths N_1..N_{L-1}.
    pub widths: Vec<usize>,
    /// "zero" or "symmetric".
    pub bias: BiasMode,
    /// q1 as reduced "p/q".
    pub q1: String,
    /// Per hidden layer, the law of its non-PD count.
    pub layers: Vec<LayerLaw>,
    /// P(born dead) = P(K_{L-1} = 0), "p/q".
    pub born_dead: String,
    /// f64 of `born_dead` (correctly rounded).
    pub born_dead_f64: f64,
    /// Trainability for the stated minimum widths.
    pub trainability: Vec<TrainabilityEntry>,
}

/// P(K_l = k) for k = 0..=N_l.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerLaw {
    /// Reduced "p/q" strings.
    pub distribution: Vec<String>,
    /// Correctly rounded f64 companions.
    pub distribution_f64: Vec<f64>,
}

/// T(n*) = P(K_l >= n*_l for every l).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainabilityEntry {
    /// n*, one entry per hidden layer.
    pub min_widths: Vec<usize>,
    /// Reduced "p/q".
    pub value: String,
    /// Correctly rounded f64 companion.
    pub value_f64: f64,
}

/// The grid's architectures: width-1 nets (one and four layers), one hidden
/// layer of width 4, 3,3,3, mixed 5,2,4 and a deeper 2,2,2,2,2,2.
pub fn grid_widths() -> Vec<Vec<usize>> {
    vec![
        vec![1],
        vec![1, 1, 1, 1],
        vec![4],
        vec![3, 3, 3],
        vec![5, 2, 4],
        vec![2, 2, 2, 2, 2, 2],
    ]
}

/// The grid's q1 values: 0, 1/2, 1/4, 1/3 (not dyadic), 1.
pub fn grid_q1() -> Vec<BigRational> {
    [(0, 1), (1, 2), (1, 4), (1, 3), (1, 1)]
        .iter()
        .map(|&(p, q)| BigRational::new(p.into(), q.into()))
        .collect()
}

/// The stated n* for a network: all ones (1 - P(born dead)), (2, 1, ..., 1)
/// when N_1 >= 2 (the |x| task), ceil(N_l / 2) per layer, and N_l per layer
/// (no PD neuron at all); duplicates removed, in this order.
pub fn stated_min_widths(widths: &[usize]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![vec![1; widths.len()]];
    if widths[0] >= 2 {
        let mut v = vec![1; widths.len()];
        v[0] = 2;
        out.push(v);
    }
    out.push(widths.iter().map(|w| w.div_ceil(2)).collect());
    out.push(widths.to_vec());
    let mut seen = Vec::new();
    out.retain(|v| {
        let new = !seen.contains(v);
        seen.push(v.clone());
        new
    });
    out
}

/// One vector: the exact report of `exact_json` plus the trainability entries.
pub fn vector(spec: &ChainSpec) -> Result<Vector> {
    let mut v = exact_json(spec, None)?;
    let entries = stated_min_widths(&spec.widths)
        .into_iter()
        .map(|mw| {
            let t = exact::trainability(spec, &mw)?;
            Ok(TrainabilityEntry {
                min_widths: mw,
                value: to_pq(&t),
                value_f64: to_f64(&t),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    v["trainability"] =
        serde_json::to_value(entries).map_err(|e| Error::Numerical(e.to_string()))?;
    serde_json::from_value(v)
        .map_err(|e| Error::Numerical(format!("exact report does not fit FMT-VECTORS: {e}")))
}

/// The documented grid: every architecture of [`grid_widths`] x both bias
/// modes x every q1 of [`grid_q1`] (60 vectors).
pub fn golden_vectors() -> Result<VectorsFile> {
    let mut vectors = Vec::new();
    for w in grid_widths() {
        for b in [BiasMode::Zero, BiasMode::Symmetric] {
            for q in grid_q1() {
                vectors.push(vector(&ChainSpec::new(w.clone(), b, q)?)?);
            }
        }
    }
    Ok(VectorsFile {
        format: FORMAT.into(),
        version: VERSION,
        description: "Exact law of the numbers K_l of non-permanently-dead neurons per hidden layer of a ReLU \
                      network (spec THM-CHAIN): layers[l].distribution[k] = P(K_{l+1} = k); born_dead = \
                      P(K_last = 0); trainability = P(K_l >= min_widths[l] for every l). Exact values are \
                      reduced p/q strings; *_f64 are their correctly rounded doubles. Schema: spec/50-oracle.md \
                      FMT-VECTORS."
            .into(),
        vectors,
    })
}

/// The file text: pretty at the top level, one vector per line (so that a
/// diff shows whole cases), newline-terminated.
pub fn to_text(file: &VectorsFile) -> Result<String> {
    let mut s = String::from("{\n");
    s += &format!("  \"format\": {},\n", enc(&file.format)?);
    s += &format!("  \"version\": {},\n", file.version);
    s += &format!("  \"description\": {},\n", enc(&file.description)?);
    s += "  \"vectors\": [\n";
    for (i, v) in file.vectors.iter().enumerate() {
        let sep = if i + 1 < file.vectors.len() { "," } else { "" };
        s += &format!("    {}{sep}\n", enc(v)?);
    }
    s += "  ]\n}\n";
    Ok(s)
}

fn enc<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Numerical(format!("JSON encoding: {e}")))
}

/// Parses a vectors file (checks `format` and `version`).
pub fn parse(text: &str) -> Result<VectorsFile> {
    let f: VectorsFile =
        serde_json::from_str(text).map_err(|e| Error::format("vectors file", e.to_string()))?;
    if f.format != FORMAT || f.version != VERSION {
        return Err(Error::format(
            "vectors file",
            format!(
                "format {:?} version {} (expected {FORMAT:?} version {VERSION})",
                f.format, f.version
            ),
        ));
    }
    Ok(f)
}
