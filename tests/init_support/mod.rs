//! Data-set shapes shared by the data-dependent initializer tests: the
//! awkward cases the initializer must handle (spec ALG-DD-INIT).
#![allow(dead_code)]

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use relu_trainability::sim::Dataset;

/// A family of data sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// i.i.d. N(0, 1) coordinates.
    Gaussian,
    /// A few distinct Gaussian points, each repeated.
    Duplicates,
    /// Pairs of points 1e-12 apart.
    NearDuplicates,
    /// Points on a line c + s u.
    Collinear,
    /// Three tight clusters (spread 1e-3) around centers at distance ~10.
    Clustered,
    /// Gaussian times 1e150.
    Huge,
    /// Gaussian times 1e-150.
    Tiny,
    /// d = 1000, Gaussian.
    HighDim,
}

pub const ALL: [Shape; 8] = [
    Shape::Gaussian,
    Shape::Duplicates,
    Shape::NearDuplicates,
    Shape::Collinear,
    Shape::Clustered,
    Shape::Huge,
    Shape::Tiny,
    Shape::HighDim,
];

/// Shapes whose points are far apart relative to f32 resolution, for which
/// f32 storage is expected to succeed (clusters of spread 1e-3 around
/// centers of size 10 put points ~1e-7 apart relative: not claimed).
pub const F32_OK: [Shape; 4] = [
    Shape::Gaussian,
    Shape::Duplicates,
    Shape::Collinear,
    Shape::HighDim,
];

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

/// m points (m >= 2) of dimension d (ignored by HighDim) of the given shape.
pub fn make(shape: Shape, m: usize, d: usize, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let d = if shape == Shape::HighDim { 1000 } else { d };
    let gauss =
        |rng: &mut ChaCha8Rng, n: usize| -> Vec<f64> { (0..n).map(|_| normal(rng)).collect() };
    let rows: Vec<Vec<f64>> = match shape {
        Shape::Gaussian | Shape::HighDim => (0..m).map(|_| gauss(&mut rng, d)).collect(),
        Shape::Huge => (0..m)
            .map(|_| gauss(&mut rng, d).iter().map(|v| v * 1e150).collect())
            .collect(),
        Shape::Tiny => (0..m)
            .map(|_| gauss(&mut rng, d).iter().map(|v| v * 1e-150).collect())
            .collect(),
        Shape::Duplicates => {
            let k = (m / 3).max(2);
            let base: Vec<Vec<f64>> = (0..k).map(|_| gauss(&mut rng, d)).collect();
            (0..m.max(2)).map(|i| base[i % k].clone()).collect()
        }
        Shape::NearDuplicates => {
            let mut rows = Vec::new();
            while rows.len() < m {
                let x = gauss(&mut rng, d);
                let mut y = x.clone();
                let k = rng.gen_range(0..d);
                y[k] += 1e-12;
                rows.push(x);
                rows.push(y);
            }
            rows.truncate(m.max(2));
            rows
        }
        Shape::Collinear => {
            let c = gauss(&mut rng, d);
            let u = gauss(&mut rng, d);
            (0..m)
                .map(|_| {
                    let s = normal(&mut rng);
                    c.iter().zip(&u).map(|(c, u)| c + s * u).collect()
                })
                .collect()
        }
        Shape::Clustered => {
            let centers: Vec<Vec<f64>> = (0..3)
                .map(|_| gauss(&mut rng, d).iter().map(|v| 10.0 * v).collect())
                .collect();
            (0..m)
                .map(|i| {
                    centers[i % 3]
                        .iter()
                        .map(|c| c + 1e-3 * normal(&mut rng))
                        .collect()
                })
                .collect()
        }
    };
    Dataset::from_rows(&rows).expect("finite non-empty rows")
}

/// Well-separated data for rank / least-squares checks: m Gaussian points
/// in dimension d, drawn one by one, rejecting a draw closer than 1 / m to
/// an accepted point (so every pairwise distance is >= 1 / m).
pub fn separated(m: usize, d: usize, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let r = 1.0 / m as f64;
    let mut rows: Vec<Vec<f64>> = Vec::new();
    while rows.len() < m {
        let x: Vec<f64> = (0..d).map(|_| normal(&mut rng)).collect();
        let far = rows.iter().all(|y| {
            x.iter()
                .zip(y)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
                .sqrt()
                >= r
        });
        if far {
            rows.push(x);
        }
    }
    Dataset::from_rows(&rows).unwrap()
}

/// [1, relu(z)] feature matrix of the given hidden layer (0-based) on X.
pub fn features(post: &DMatrix<f64>) -> DMatrix<f64> {
    let (m, n) = post.shape();
    DMatrix::from_fn(m, n + 1, |i, j| if j == 0 { 1.0 } else { post[(i, j - 1)] })
}

/// min over pairs of distinct rows of |x_i - x_j| / max(|x_i|, |x_j|)
/// (Euclidean norms; infinity if fewer than two distinct rows).
pub fn relative_separation(data: &Dataset) -> f64 {
    let x = data.points();
    let mut best = f64::INFINITY;
    for i in 0..x.nrows() {
        for j in 0..i {
            let gap = (x.row(i) - x.row(j)).norm();
            if gap > 0.0 {
                best = best.min(gap / x.row(i).norm().max(x.row(j).norm()));
            }
        }
    }
    best
}

/// Spec BOUND-DD-SEPARATION: the relative separation from which the
/// property tests require the initializer to succeed, 2^8 * 2 u_s
/// (2^-15 for f32, 2^-44 for f64); below it a refusal with advice is allowed.
pub fn separation_claimed(storage: relu_trainability::init::data_dependent::Storage) -> f64 {
    256.0 * 2.0 * storage.unit_roundoff()
}
