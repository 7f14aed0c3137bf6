//! A training set X: m points in R^d, one row per point (spec DEF-NETWORK).

use crate::error::{Error, Result};
use nalgebra::DMatrix;

/// A finite, validated data set: at least one point, every value finite.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    points: DMatrix<f64>,
}

impl Dataset {
    /// Validates and wraps an m x d matrix (one row per point).
    pub fn new(points: DMatrix<f64>) -> Result<Self> {
        if points.nrows() == 0 {
            return Err(Error::input("the data set is empty (no points)"));
        }
        if points.ncols() == 0 {
            return Err(Error::input("the data points have dimension 0"));
        }
        if let Some((i, x)) = points
            .row_iter()
            .enumerate()
            .find_map(|(i, r)| r.iter().find(|v| !v.is_finite()).map(|v| (i, *v)))
        {
            return Err(Error::input(format!(
                "point {} has a non-finite value ({x})",
                i + 1
            )));
        }
        Ok(Dataset { points })
    }

    /// From rows (each a point); all rows must have the same length.
    pub fn from_rows(rows: &[Vec<f64>]) -> Result<Self> {
        let d = rows.first().map_or(0, Vec::len);
        if let Some(i) = rows.iter().position(|r| r.len() != d) {
            return Err(Error::input(format!(
                "point {} has {} coordinates but point 1 has {d}",
                i + 1,
                rows[i].len()
            )));
        }
        Self::new(DMatrix::from_fn(rows.len(), d, |i, j| rows[i][j]))
    }

    /// The m x d matrix (row i = point i).
    pub fn points(&self) -> &DMatrix<f64> {
        &self.points
    }

    /// Number of points m.
    pub fn len(&self) -> usize {
        self.points.nrows()
    }

    /// Always false (a Dataset has at least one point).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Input dimension d.
    pub fn dim(&self) -> usize {
        self.points.ncols()
    }

    /// Number of distinct points (exact comparison).
    pub fn distinct_count(&self) -> usize {
        let mut rows: Vec<Vec<u64>> = self
            .points
            .row_iter()
            .map(|r| r.iter().map(|v| (v + 0.0).to_bits()).collect())
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows.len()
    }

    /// Are at least two points different (exact comparison, -0 = +0)? One
    /// pass, no allocation: what the data-dependent initializer needs,
    /// where [`Self::distinct_count`] would allocate a vector per point.
    pub fn has_two_distinct(&self) -> bool {
        let x = &self.points;
        (1..x.nrows()).any(|i| (0..x.ncols()).any(|c| x[(i, c)] != x[(0, c)]))
    }
}
