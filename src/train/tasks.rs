//! The learning tasks of the experiments (spec ALG-EXPERIMENTS): even
//! targets on symmetric data, so that THM-SUCCESS-U applies, each with its
//! minimum widths n* = (2, 1, ..., 1) and exact q1 under He initialization.

use super::bounds::even_target_loss_floor;
use crate::error::{Error, Result};
use crate::exact::{q1, BiasMode};
use crate::rational::from_f64_exact;
use crate::sim::Dataset;
use nalgebra::DMatrix;
use num_rational::BigRational;
use num_traits::Zero;
use serde::Serialize;

/// Which task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// y = |x| on m equispaced points of [-1, 1].
    Abs1d,
    /// y = |x1 + x2| / 2 on a g x g grid of [-1, 1]^2 (XOR on the corners).
    Ridge2d,
}

/// Data, targets and what the theory knows about them.
#[derive(Clone, Debug)]
pub struct Task {
    /// Which task.
    pub kind: TaskKind,
    /// Training inputs X (symmetric: X = -X).
    pub data: Dataset,
    /// Targets, m x 1 (even).
    pub targets: DMatrix<f64>,
    /// MSE floor of monotone fits (THM-EVEN-MONOTONE); DEF-SUCCESS needs tol below it.
    pub loss_floor: f64,
}

/// q1 of the first layer with its provenance.
#[derive(Clone, Debug)]
pub struct Q1 {
    /// Exact value (for symmetric biases: the f64 closed form, converted exactly).
    pub value: BigRational,
    /// Which theorem gave it.
    pub how: &'static str,
}

impl Task {
    /// |x| on m equispaced points x_k = (k - h)/h, k = 0..2h, m = 2h + 1.
    pub fn abs_1d(m: usize) -> Result<Task> {
        if m < 3 || m.is_multiple_of(2) || m > 100_001 {
            return Err(Error::input(format!(
                "abs-1d needs an odd number of points in 3..=100001, got {m}"
            )));
        }
        let h = (m / 2) as f64;
        let xs: Vec<f64> = (0..m).map(|k| (k as f64 - h) / h).collect();
        let ys: Vec<f64> = xs.iter().map(|x| x.abs()).collect();
        Task::new(TaskKind::Abs1d, DMatrix::from_column_slice(m, 1, &xs), ys)
    }

    /// |x1 + x2| / 2 on the g x g grid with coordinates (k - h)/h, g = 2h + 1.
    pub fn ridge_2d(g: usize) -> Result<Task> {
        if g < 3 || g.is_multiple_of(2) || g > 301 {
            return Err(Error::input(format!(
                "ridge-2d needs an odd grid size in 3..=301, got {g}"
            )));
        }
        let h = (g / 2) as f64;
        let c: Vec<f64> = (0..g).map(|k| (k as f64 - h) / h).collect();
        let mut rows = Vec::with_capacity(2 * g * g);
        let mut ys = Vec::with_capacity(g * g);
        for &a in &c {
            for &b in &c {
                rows.push(a);
                rows.push(b);
                ys.push((a + b).abs() / 2.0);
            }
        }
        Task::new(
            TaskKind::Ridge2d,
            DMatrix::from_row_slice(g * g, 2, &rows),
            ys,
        )
    }

    fn new(kind: TaskKind, x: DMatrix<f64>, ys: Vec<f64>) -> Result<Task> {
        let data = Dataset::new(x)?;
        let targets = DMatrix::from_column_slice(ys.len(), 1, &ys);
        let loss_floor = even_target_loss_floor(&data, &targets)?;
        Ok(Task {
            kind,
            data,
            targets,
            loss_floor,
        })
    }

    /// Short name.
    pub fn name(&self) -> &'static str {
        match self.kind {
            TaskKind::Abs1d => "abs-1d",
            TaskKind::Ridge2d => "ridge-2d",
        }
    }

    /// Human description.
    pub fn describe(&self) -> String {
        match self.kind {
            TaskKind::Abs1d => format!("|x| on {} equispaced points of [-1,1]", self.data.len()),
            TaskKind::Ridge2d => {
                format!("|x1+x2|/2 on a {}-point grid of [-1,1]^2", self.data.len())
            }
        }
    }

    /// n* = (2, 1, ..., 1) for `depth` hidden layers (THM-ABS-MIN-WIDTHS,
    /// THM-2D-MIN-WIDTHS).
    pub fn min_widths(&self, depth: usize) -> Vec<usize> {
        let mut n = vec![1; depth];
        if depth > 0 {
            n[0] = 2;
        }
        n
    }

    /// q1 for He-normal first-layer weights N(0, 2/d) and the given biases:
    /// 0 for zero biases (X = -X has a non-zero point); THM-Q1-ATAN in 1-D;
    /// THM-Q1-SQUARE in 2-D.
    pub fn q1_he(&self, bias: BiasMode, bias_std: f64) -> Result<Q1> {
        let d = self.data.dim();
        let s_w = (2.0 / d as f64).sqrt();
        match bias {
            BiasMode::Zero => Ok(Q1 {
                value: BigRational::zero(),
                how: "THM-Q1-SYMMETRIC-ZERO",
            }),
            BiasMode::Symmetric => {
                let v = match self.kind {
                    TaskKind::Abs1d => {
                        let xs: Vec<f64> = self.data.points().column(0).iter().cloned().collect();
                        q1::gaussian_bias_1d(&xs, s_w, bias_std)?
                    }
                    TaskKind::Ridge2d => q1_square_gaussian(s_w, bias_std)?,
                };
                let how = if self.kind == TaskKind::Abs1d {
                    "THM-Q1-ATAN"
                } else {
                    "THM-Q1-SQUARE"
                };
                Ok(Q1 {
                    value: from_f64_exact(v)?,
                    how,
                })
            }
        }
    }
}

/// q1 = P(w.x + b <= 0 for all x in X) for X inside [-1, 1]^2 containing its
/// four corners, w ~ N(0, s_w^2 I_2), b ~ N(0, s_b^2) (THM-Q1-SQUARE):
/// q1 = 1/2 - arccos(c^2 / (c^2 + 2)) / pi with c = s_b / s_w.
pub fn q1_square_gaussian(s_w: f64, s_b: f64) -> Result<f64> {
    for (name, v) in [("weight std", s_w), ("bias std", s_b)] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::input(format!(
                "{name} must be finite and > 0, got {v}"
            )));
        }
    }
    let c2 = (s_b / s_w).powi(2);
    Ok(0.5 - (c2 / (c2 + 2.0)).acos() / std::f64::consts::PI)
}
