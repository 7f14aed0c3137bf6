//! q1 for zero bias and rotation-invariant (Gaussian) weights in 2-D and
//! 3-D: the solid-angle fraction of the polar cone
//! C° = {w : w . x <= 0 for all x in X} (spec THM-Q1-CONE, ALG-Q1-CONE).
//!
//! The combinatorics are decided exactly (rational arithmetic): whether
//! C = cone(X) is pointed (C° has interior iff vol(C° cap [-1, 1]^d) > 0,
//! computed exactly by [`super::polytope`]), and the extreme rays of C in
//! cyclic order (the convex hull of X projected from the origin onto a
//! plane w0 . y = -1, w0 an interior point of C°). Only the arc lengths
//! between consecutive extreme rays are computed in f64, with a proven
//! error bound.

use super::polytope::{integer_constraint, volume};
use crate::error::Result;
use crate::rational::from_f64_exact;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// The value of q1 under zero bias and rotation-invariant weights.
#[derive(Clone, Debug, PartialEq)]
pub enum ConeQ1 {
    /// An exact value (0, 1/2 or 1: the degenerate cases of THM-Q1-CONE).
    Exact(BigRational, &'static str),
    /// f64 with an absolute error bound that holds.
    Bounded {
        /// The f64 value.
        value: f64,
        /// |value - q1| <= bound.
        bound: f64,
        /// Number of extreme rays of cone(X) (the case of THM-Q1-CONE).
        rays: usize,
    },
}

/// q1 for zero bias and rotation-invariant weights on points of dimension
/// `d` in {2, 3} (row-major `points`, length m d).
pub fn zero_bias_cone(points: &[f64], d: usize) -> Result<ConeQ1> {
    let rows: Vec<Vec<f64>> = points.chunks(d).map(|r| r.to_vec()).collect();
    let exact: Vec<Vec<BigRational>> = rows
        .iter()
        .map(|r| r.iter().map(|&v| from_f64_exact(v)).collect())
        .collect::<Result<_>>()?;
    polar_cone_fraction(&exact, &rows, 0.0)
}

/// Solid-angle fraction of the polar cone of the rational points `exact`
/// in R^d, d in {2, 3}: P(w . x <= 0 for all x) for a rotation-invariant w.
/// `approx[i]` is an f64 vector within relative angle `perturb` (radians)
/// of `exact[i]`, used only for the arc lengths (the bound grows by
/// 2 perturb per arc).
pub fn polar_cone_fraction(
    exact: &[Vec<BigRational>],
    approx: &[Vec<f64>],
    perturb: f64,
) -> Result<ConeQ1> {
    let d = exact.first().map_or(2, Vec::len);
    let keep: Vec<usize> = (0..exact.len())
        .filter(|&i| exact[i].iter().any(|v| !v.is_zero()))
        .collect();
    if keep.is_empty() {
        return Ok(ConeQ1::Exact(BigRational::one(), "X = {0}: C° = R^d"));
    }
    let exact: Vec<Vec<BigRational>> = keep.iter().map(|&i| exact[i].clone()).collect();
    let rows: Vec<&[f64]> = keep.iter().map(|&i| approx[i].as_slice()).collect();
    crate::limits::check_seconds(
        &format!("the exact polar cone ({d}-D, {} points)", exact.len()),
        super::polytope::work(d, exact.len()) * 4e-6,
        "or pass --monte-carlo for an interval estimate",
    )?;
    let cons: Vec<_> = exact.iter().map(|a| integer_constraint(a)).collect();
    let vol = volume(d, &cons)?;
    if vol.fraction.is_zero() {
        return Ok(ConeQ1::Exact(
            BigRational::zero(),
            "cone(X) not pointed: C° has no interior",
        ));
    }
    // an interior point of C°: a positive multiple of the centroid of a
    // full-dimensional simplex (the origin and d points of a face piece)
    let mut w0 = vec![BigRational::zero(); d];
    for p in &vol.simplex {
        for (w, x) in w0.iter_mut().zip(p) {
            *w += x;
        }
    }
    // project each x onto the plane w0 . y = -1 (w0 . x < 0 for x != 0)
    let proj: Vec<Vec<BigRational>> = exact
        .iter()
        .map(|x| {
            let s = -dotq(&w0, x);
            x.iter().map(|v| v / &s).collect()
        })
        .collect();
    let hull: Vec<usize> = if d == 2 {
        let u = [-w0[1].clone(), w0[0].clone()];
        let t: Vec<BigRational> = proj.iter().map(|y| dotq(&u, y)).collect();
        let (mut lo, mut hi) = (0, 0);
        for i in 0..t.len() {
            if t[i] < t[lo] {
                lo = i;
            }
            if t[i] > t[hi] {
                hi = i;
            }
        }
        if t[lo] == t[hi] {
            vec![lo]
        } else {
            vec![lo, hi]
        }
    } else {
        // plane basis u = w0 x e_j, v = w0 x u, e_j not parallel to w0
        let j = (0..3)
            .min_by_key(|&j| if w0[j].is_zero() { 0 } else { 1 })
            .expect("three axes");
        let mut e = vec![BigRational::zero(); 3];
        e[j] = BigRational::one();
        let u = cross(&w0, &e);
        let v = cross(&w0, &u);
        let pts: Vec<[BigRational; 2]> = proj.iter().map(|y| [dotq(&u, y), dotq(&v, y)]).collect();
        convex_hull(&pts)
    };
    let eps = f64::EPSILON / 2.0;
    let pi = std::f64::consts::PI;
    Ok(match hull.len() {
        1 => ConeQ1::Exact(
            BigRational::new(1.into(), 2.into()),
            "cone(X) a ray: C° a half-space",
        ),
        2 => {
            // a planar pointed cone of angle theta: q1 = (pi - theta) / (2 pi)
            let th = angle(rows[hull[0]], rows[hull[1]]);
            ConeQ1::Bounded {
                value: ((pi - th) / (2.0 * pi)).clamp(0.0, 0.5),
                bound: 64.0 * eps + 2.0 * perturb,
                rays: 2,
            }
        }
        k => {
            let mut per = 0.0;
            for i in 0..k {
                per += angle(rows[hull[i]], rows[hull[(i + 1) % k]]);
            }
            ConeQ1::Bounded {
                value: ((2.0 * pi - per) / (4.0 * pi)).clamp(0.0, 0.5),
                bound: (32.0 * k as f64 + 64.0) * eps + k as f64 * 2.0 * perturb,
                rays: k,
            }
        }
    })
}

fn dotq(a: &[BigRational], b: &[BigRational]) -> BigRational {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn cross(a: &[BigRational], b: &[BigRational]) -> Vec<BigRational> {
    vec![
        &a[1] * &b[2] - &a[2] * &b[1],
        &a[2] * &b[0] - &a[0] * &b[2],
        &a[0] * &b[1] - &a[1] * &b[0],
    ]
}

/// Vertices of the convex hull of rational points, counter-clockwise,
/// collinear and repeated points dropped (Andrew's monotone chain with
/// exact orientation tests); one index for a single point, two for a
/// segment.
pub fn convex_hull(pts: &[[BigRational; 2]]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..pts.len()).collect();
    idx.sort_by(|&a, &b| pts[a].cmp(&pts[b]));
    idx.dedup_by(|a, b| pts[*a] == pts[*b]);
    if idx.len() <= 2 {
        return idx;
    }
    let orient = |o: usize, a: usize, b: usize| {
        let (o, a, b) = (&pts[o], &pts[a], &pts[b]);
        (&a[0] - &o[0]) * (&b[1] - &o[1]) - (&a[1] - &o[1]) * (&b[0] - &o[0])
    };
    let mut hull: Vec<usize> = Vec::new();
    for pass in 0..2 {
        let start = hull.len();
        let it: Box<dyn Iterator<Item = &usize>> = if pass == 0 {
            Box::new(idx.iter())
        } else {
            Box::new(idx.iter().rev())
        };
        for &i in it {
            while hull.len() >= start + 2
                && !orient(hull[hull.len() - 2], hull[hull.len() - 1], i).is_positive()
            {
                hull.pop();
            }
            hull.push(i);
        }
        hull.pop();
    }
    hull
}

/// The angle between two nonzero f64 vectors, atan2(|u x v|, u . v), each
/// first scaled by a power of 2 (exact) so that its largest coordinate is
/// in [1, 2): no overflow, and underflow only in products below 2^-1000
/// of the result. Error <= 16 * 2^-53 (spec ALG-Q1-CONE).
pub fn angle(u: &[f64], v: &[f64]) -> f64 {
    let scale = |x: &[f64]| -> Vec<f64> {
        let m = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let e = -(m.log2().floor() as i64);
        let (a, b) = (e / 2, e - e / 2);
        x.iter()
            .map(|v| v * crate::rational::pow2(a) * crate::rational::pow2(b))
            .collect()
    };
    let (u, v) = (scale(u), scale(v));
    let d: f64 = u.iter().zip(&v).map(|(a, b)| a * b).sum();
    let c = if u.len() == 2 {
        (u[0] * v[1] - u[1] * v[0]).abs()
    } else {
        let c = [
            u[1] * v[2] - u[2] * v[1],
            u[2] * v[0] - u[0] * v[2],
            u[0] * v[1] - u[1] * v[0],
        ];
        (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]).sqrt()
    };
    c.atan2(d)
}
