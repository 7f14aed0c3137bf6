//! Exact volume of K = {v in [-1, 1]^n : a_i . v <= 0 for all i} for
//! n = 1, 2, 3 with rational a_i (spec ALG-Q1-POLYTOPE, THM-Q1-POLYTOPE).
//!
//! Every constraint passes through the origin, so by the divergence theorem
//! (the field v, div v = n, is tangent to the constraint facets)
//! vol_n(K) = (1/n) sum over the 2n cube faces F of vol_{n-1}(K cap F):
//! a face piece is an interval (n = 2) or a convex polygon (n = 3), the
//! square clipped by half-planes. Polygons are kept in homogeneous integer
//! coordinates (a vertex is the cross product of two edge lines), so no
//! rational is ever reduced during clipping and the numbers stay as large
//! as the data's own f64 mantissas and exponents make them.

use crate::error::{Error, Result};
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// A half-space constraint a . v <= 0 with integer coefficients.
pub type Constraint = Vec<BigInt>;

/// Scales a rational constraint by the lcm of its denominators (a positive
/// factor: the half-space is unchanged) into integers.
pub fn integer_constraint(a: &[BigRational]) -> Constraint {
    let l = a.iter().fold(BigInt::one(), |l, r| l.lcm(r.denom()));
    a.iter().map(|r| r.numer() * (&l / r.denom())).collect()
}

/// Result of [`volume`].
#[derive(Clone, Debug)]
pub struct Volume {
    /// vol_n(K) / 2^n, exact.
    pub fraction: BigRational,
    /// n points of one face piece K cap F of positive (n-1)-volume that
    /// are affinely independent (none when vol K = 0): with the origin they
    /// span a full-dimensional simplex inside K.
    pub simplex: Vec<Vec<BigRational>>,
}

/// Estimated work of [`volume`] in elementary big-integer operations.
pub fn work(n: usize, m: usize) -> f64 {
    let m = m as f64;
    match n {
        0 | 1 => m,
        2 => 4.0 * m,
        _ => 6.0 * (m + 4.0) * m,
    }
}

/// vol_n(K) / 2^n for n in 1..=3 (every constraint of length n).
pub fn volume(n: usize, cons: &[Constraint]) -> Result<Volume> {
    if !(1..=3).contains(&n) || cons.iter().any(|c| c.len() != n) {
        return Err(Error::Numerical(format!(
            "polytope volume: dimension {n} not in 1..=3 or a constraint of the wrong length"
        )));
    }
    let mut total = BigRational::zero();
    let mut simplex = Vec::new();
    for k in 0..n {
        for s in [-1i32, 1] {
            let s_big = BigInt::from(s);
            // the face v_k = s: constraint a_k s + sum_{j != k} a_j v_j <= 0
            let rest: Vec<usize> = (0..n).filter(|&j| j != k).collect();
            let face_cons: Vec<(Vec<BigInt>, BigInt)> = cons
                .iter()
                .map(|c| (rest.iter().map(|&j| c[j].clone()).collect(), &c[k] * &s_big))
                .collect();
            let embed = |coords: Vec<BigRational>| {
                let mut v = vec![BigRational::zero(); n];
                v[k] = BigRational::from_integer(s_big.clone());
                for (j, x) in rest.iter().zip(coords) {
                    v[*j] = x;
                }
                v
            };
            let (measure, pts) = match n {
                1 => face_point(&face_cons),
                2 => face_interval(&face_cons),
                _ => face_polygon(&face_cons),
            };
            if simplex.is_empty() && measure.is_positive() {
                simplex = independent(pts).into_iter().map(embed).collect();
            }
            total += measure;
        }
    }
    // vol = total / n; fraction = vol / 2^n
    let denom = BigInt::from(n) << n;
    Ok(Volume {
        fraction: total / BigRational::from_integer(denom),
        simplex,
    })
}

/// n - 1 affinely independent points among the vertices of a face piece of
/// positive measure (n = 1: the single point; n = 2: the two ends; n = 3:
/// three non-collinear vertices, found with exact orientation tests).
fn independent(pts: Vec<Vec<BigRational>>) -> Vec<Vec<BigRational>> {
    if pts.len() <= 2 || pts[0].len() < 2 {
        return pts;
    }
    let p = &pts[0];
    let Some(q) = pts.iter().find(|q| *q != p) else {
        return vec![];
    };
    let r = pts.iter().find(|r| {
        let o = (&q[0] - &p[0]) * (&r[1] - &p[1]) - (&q[1] - &p[1]) * (&r[0] - &p[0]);
        !o.is_zero()
    });
    match r {
        Some(r) => vec![p.clone(), q.clone(), r.clone()],
        None => vec![],
    }
}

type Piece = (BigRational, Vec<Vec<BigRational>>);

/// n = 1: the face is a point; measure 1 when every c0 <= 0.
fn face_point(cons: &[(Vec<BigInt>, BigInt)]) -> Piece {
    if cons.iter().all(|(_, c0)| !c0.is_positive()) {
        (BigRational::one(), vec![vec![]])
    } else {
        (BigRational::zero(), vec![])
    }
}

/// n = 2: the face is t in [-1, 1] with constraints c0 + c1 t <= 0.
fn face_interval(cons: &[(Vec<BigInt>, BigInt)]) -> Piece {
    let mut lo = -BigRational::one();
    let mut hi = BigRational::one();
    for (c, c0) in cons {
        let c1 = &c[0];
        if c1.is_zero() {
            if c0.is_positive() {
                return (BigRational::zero(), vec![]);
            }
            continue;
        }
        let t = BigRational::new(-c0.clone(), c1.clone());
        if c1.is_positive() {
            if t < hi {
                hi = t;
            }
        } else if t > lo {
            lo = t;
        }
        if lo > hi {
            return (BigRational::zero(), vec![]);
        }
    }
    (&hi - &lo, vec![vec![lo], vec![hi]])
}

/// A homogeneous point (X, Y, W), W > 0.
type HPoint = [BigInt; 3];
/// A line (a, b, c): a X + b Y + c W = 0; the kept side is <= 0.
type HLine = [BigInt; 3];

fn dot(l: &HLine, p: &HPoint) -> BigInt {
    &l[0] * &p[0] + &l[1] * &p[1] + &l[2] * &p[2]
}

/// Intersection of two lines, normalized to W > 0 and reduced by the gcd.
fn meet(a: &HLine, b: &HLine) -> HPoint {
    let mut p = [
        &a[1] * &b[2] - &a[2] * &b[1],
        &a[2] * &b[0] - &a[0] * &b[2],
        &a[0] * &b[1] - &a[1] * &b[0],
    ];
    if p[2].is_negative() {
        p.iter_mut().for_each(|x| *x = -x.clone());
    }
    let g = p[0].gcd(&p[1]).gcd(&p[2]);
    if !g.is_zero() && !g.is_one() {
        p.iter_mut().for_each(|x| *x = &*x / &g);
    }
    p
}

fn int(v: i64) -> BigInt {
    BigInt::from(v)
}

/// n = 3: the face is the square [-1, 1]^2 clipped by c0 + c1 u + c2 t <= 0
/// (Sutherland-Hodgman on a convex polygon; each vertex carries the line of
/// the edge that leaves it).
fn face_polygon(cons: &[(Vec<BigInt>, BigInt)]) -> Piece {
    let line = |a: i64, b: i64, c: i64| [int(a), int(b), int(c)];
    let pt = |x: i64, y: i64| [int(x), int(y), int(1)];
    // counter-clockwise square; edge i goes from vertex i to vertex i + 1
    let mut poly: Vec<(HPoint, HLine)> = vec![
        (pt(-1, -1), line(0, -1, -1)),
        (pt(1, -1), line(1, 0, -1)),
        (pt(1, 1), line(0, 1, -1)),
        (pt(-1, 1), line(-1, 0, -1)),
    ];
    for (c, c0) in cons {
        let l: HLine = [c[0].clone(), c[1].clone(), c0.clone()];
        let signs: Vec<i32> = poly
            .iter()
            .map(|(p, _)| match dot(&l, p) {
                x if x.is_positive() => 1,
                x if x.is_negative() => -1,
                _ => 0,
            })
            .collect();
        if signs.iter().all(|&s| s <= 0) {
            continue;
        }
        let k = poly.len();
        let mut out: Vec<(HPoint, HLine)> = Vec::with_capacity(k + 1);
        for i in 0..k {
            let j = (i + 1) % k;
            let (sp, sq) = (signs[i], signs[j]);
            let (p, e) = &poly[i];
            if sp <= 0 {
                if sq > 0 {
                    // leaving: the next edge runs along l
                    if sp < 0 {
                        out.push((p.clone(), e.clone()));
                        out.push((meet(e, &l), l.clone()));
                    } else {
                        out.push((p.clone(), l.clone()));
                    }
                } else {
                    out.push((p.clone(), e.clone()));
                }
            } else if sq < 0 {
                // entering strictly inside: the crossing point continues along e
                out.push((meet(e, &l), e.clone()));
            }
        }
        poly = out;
        if poly.len() < 3 {
            return (BigRational::zero(), vec![]);
        }
    }
    // shoelace: area = 1/2 sum det(p_i, p_{i+1}) / (W_i W_{i+1})
    let k = poly.len();
    let mut twice = BigRational::zero();
    for i in 0..k {
        let (p, q) = (&poly[i].0, &poly[(i + 1) % k].0);
        let num = &p[0] * &q[1] - &q[0] * &p[1];
        if !num.is_zero() {
            twice += BigRational::new(num, &p[2] * &q[2]);
        }
    }
    let area = twice / BigRational::from_integer(int(2));
    if area.is_zero() {
        return (area, vec![]);
    }
    let pts = poly
        .iter()
        .map(|(p, _)| {
            vec![
                BigRational::new(p[0].clone(), p[2].clone()),
                BigRational::new(p[1].clone(), p[2].clone()),
            ]
        })
        .collect();
    (area, pts)
}
