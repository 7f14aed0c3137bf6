//! Theorems of spec/20 swept across their regime boundaries (n*_l = 0,
//! q1 in {0, 1}, one hidden layer) against an exact Markov chain written here
//! from THM-CHAIN alone (plain rationals, no library code), and the library's
//! engine checked against the same reference.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use relu_trainability::exact::{self, BiasMode, ChainSpec};

fn r(p: i64, q: i64) -> BigRational {
    BigRational::new(BigInt::from(p), BigInt::from(q))
}

fn choose(n: usize, k: usize) -> BigInt {
    let mut c = BigInt::one();
    for i in 0..k {
        c = c * BigInt::from(n - i) / BigInt::from(i + 1);
    }
    c
}

/// P(Bin(n, s) = k) for k = 0..=n, from the definition.
fn binom(n: usize, s: &BigRational) -> Vec<BigRational> {
    let f = BigRational::one() - s;
    (0..=n)
        .map(|k| {
            BigRational::from(choose(n, k))
                * num_traits::pow(s.clone(), k)
                * num_traits::pow(f.clone(), n - k)
        })
        .collect()
}

/// P(Bin(n, s) < m).
fn below(n: usize, s: &BigRational, m: usize) -> BigRational {
    binom(n, s)
        .into_iter()
        .take(m)
        .fold(BigRational::zero(), |a, x| a + x)
}

/// T(n*) by the chain of THM-CHAIN, restricted to paths with K_l >= n*_l.
fn reference_t(widths: &[usize], beta: usize, q1: &BigRational, nstar: &[usize]) -> BigRational {
    let mut dist = binom(widths[0], &(BigRational::one() - q1));
    for (k, p) in dist.iter_mut().enumerate() {
        if k < nstar[0] {
            *p = BigRational::zero();
        }
    }
    for l in 1..widths.len() {
        let mut next = vec![BigRational::zero(); widths[l] + 1];
        for (p, mass) in dist.iter().enumerate() {
            if mass.is_zero() {
                continue;
            }
            if p == 0 {
                next[0] += mass;
                continue;
            }
            let s = BigRational::one() - r(1, 1i64 << (p + beta));
            for (k, b) in binom(widths[l], &s).into_iter().enumerate() {
                next[k] += mass * b;
            }
        }
        for (k, p) in next.iter_mut().enumerate() {
            if k < nstar[l] {
                *p = BigRational::zero();
            }
        }
        dist = next;
    }
    dist.into_iter().fold(BigRational::zero(), |a, x| a + x)
}

/// The corrected bound of THM-WIDTH-SUFFICIENT (m_l = max(n*_l, 1)).
fn corrected_bound(widths: &[usize], q1: &BigRational, nstar: &[usize]) -> BigRational {
    let mut b = below(widths[0], &(BigRational::one() - q1), nstar[0].max(1));
    for l in 1..widths.len() {
        b += below(widths[l], &r(1, 2), nstar[l].max(1));
    }
    b
}

/// The statement before the fix (n*_1 in the first term).
fn old_bound(widths: &[usize], q1: &BigRational, nstar: &[usize]) -> BigRational {
    let mut b = below(widths[0], &(BigRational::one() - q1), nstar[0]);
    for l in 1..widths.len() {
        b += below(widths[l], &r(1, 2), nstar[l].max(1));
    }
    b
}

fn bias(beta: usize) -> BiasMode {
    if beta == 1 {
        BiasMode::Symmetric
    } else {
        BiasMode::Zero
    }
}

fn library_t(widths: &[usize], beta: usize, q1: &BigRational, nstar: &[usize]) -> BigRational {
    let spec = ChainSpec::new(widths.to_vec(), bias(beta), q1.clone()).unwrap();
    exact::trainability(&spec, nstar).unwrap()
}

/// All vectors of length `d` with entries in 0..=2.
fn nstars(d: usize) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for _ in 0..d {
        out = out
            .into_iter()
            .flat_map(|v| {
                (0..=2).map(move |x| {
                    let mut w = v.clone();
                    w.push(x);
                    w
                })
            })
            .collect();
    }
    out
}

fn q1s() -> Vec<BigRational> {
    vec![r(0, 1), r(1, 2), r(1, 3), r(9, 10), r(99, 100), r(1, 1)]
}

fn architectures() -> Vec<Vec<usize>> {
    vec![
        vec![1],
        vec![3],
        vec![1, 1],
        vec![2, 3],
        vec![4, 1],
        vec![4, 4],
        vec![1, 2, 1],
        vec![3, 2, 4],
        vec![4, 4, 4],
    ]
}

// spec: THM-WIDTH-SUFFICIENT, THM-CHAIN
#[test]
fn width_sufficient_bound_holds_across_regimes() {
    let mut old_violations = 0;
    for widths in architectures() {
        for beta in [0, 1] {
            for q1 in q1s() {
                for nstar in nstars(widths.len()) {
                    let t = reference_t(&widths, beta, &q1, &nstar);
                    assert_eq!(
                        t,
                        library_t(&widths, beta, &q1, &nstar),
                        "{widths:?} {nstar:?}"
                    );
                    let gap = BigRational::one() - &t;
                    let bound = corrected_bound(&widths, &q1, &nstar);
                    assert!(
                        gap <= bound,
                        "widths {widths:?} beta {beta} q1 {q1} n* {nstar:?}: 1 - T = {gap} > {bound}"
                    );
                    if widths.len() == 1 {
                        // one hidden layer: exact, with n*_1 itself
                        let exact1 = below(widths[0], &(BigRational::one() - &q1), nstar[0]);
                        assert_eq!(gap, exact1);
                    }
                    if gap > old_bound(&widths, &q1, &nstar) {
                        old_violations += 1;
                        assert!(nstar[0] == 0 && widths.len() >= 2);
                    }
                }
            }
        }
    }
    // the sweep does reach the regime where the old statement was false
    assert!(old_violations > 50, "{old_violations}");
}

// spec: THM-WIDTH-SUFFICIENT
#[test]
fn width_sufficient_old_statement_counterexamples() {
    // widths 1,1, zero bias, q1 = 9/10, n* = (0, 1): 1 - T = 19/20 by hand
    // (T = P(K_1 = 1) P(K_2 = 1 | K_1 = 1) = 1/10 * 1/2)
    let q = r(9, 10);
    let gap = BigRational::one() - reference_t(&[1, 1], 0, &q, &[0, 1]);
    assert_eq!(gap, r(19, 20));
    assert_eq!(old_bound(&[1, 1], &q, &[0, 1]), r(1, 2));
    // corrected: P(Bin(1, 1/10) < 1) + P(Bin(1, 1/2) < 1) = 9/10 + 1/2
    assert_eq!(corrected_bound(&[1, 1], &q, &[0, 1]), r(7, 5));
    // widths 4,4,4, q1 = 9/10, n* = (0, 1, 1): 1 - T > 0.68 > 1/8 = old bound
    let gap = BigRational::one() - library_t(&[4, 4, 4], 0, &q, &[0, 1, 1]);
    // (= 5838645207437/8589934592000 = 0.67971..., by an independent Python Fraction run)
    assert_eq!(
        gap,
        BigRational::one() - reference_t(&[4, 4, 4], 0, &q, &[0, 1, 1])
    );
    assert!(gap > r(6797, 10000) && gap < r(6798, 10000), "{gap}");
    assert_eq!(old_bound(&[4, 4, 4], &q, &[0, 1, 1]), r(1, 8));
    // corrected: 0.9^4 + 2/16
    let c = corrected_bound(&[4, 4, 4], &q, &[0, 1, 1]);
    assert_eq!(c, r(6561, 10000) + r(1, 8));
    assert!(gap <= c);
}

// spec: THM-WIDTH-SUFFICIENT
#[test]
fn width_sufficient_bound_vanishes() {
    // n*_1 = 0 and large q1: the corrected bound still -> 0 as N grows (q1 < 1),
    // and so does the exact gap; q1 = 1 keeps T = 0
    let q = r(9, 10);
    let mut prev = BigRational::one() + BigRational::one();
    for n in [4usize, 16, 64, 200] {
        let w = [n, n, n];
        let b = corrected_bound(&w, &q, &[0, 1, 2]);
        assert!(b < prev);
        prev = b.clone();
        let gap = BigRational::one() - library_t(&w, 1, &q, &[0, 1, 2]);
        assert!(gap <= b);
    }
    assert!(prev < r(1, 1_000_000_000), "{prev}");
    assert!(library_t(&[50, 50], 0, &r(1, 1), &[0, 1]).is_zero());
    assert!(library_t(&[50, 50], 0, &r(1, 1), &[0, 0]).is_one());
}

// Siblings: the other theorems of spec/20 whose statements admit n*_l = 0 or
// q1 in {0, 1}, swept over the same regimes against the same reference.

// spec: THM-MINIMAL-WIDTH
#[test]
fn minimal_width_product_across_regimes() {
    for widths in architectures() {
        for beta in [0, 1] {
            for q1 in q1s() {
                let t = reference_t(&widths, beta, &q1, &widths);
                let mut want = num_traits::pow(BigRational::one() - &q1, widths[0]);
                for l in 1..widths.len() {
                    let alive = BigRational::one() - r(1, 1i64 << (widths[l - 1] + beta));
                    want *= num_traits::pow(alive, widths[l]);
                }
                assert_eq!(t, want, "{widths:?} {beta} {q1}");
                if q1 > BigRational::zero() || widths.len() >= 2 {
                    assert!(t < BigRational::one());
                }
            }
        }
    }
}

// spec: THM-MONOTONE
#[test]
fn monotonicity_across_regimes() {
    for widths in architectures() {
        for beta in [0, 1] {
            for q1 in q1s() {
                for nstar in nstars(widths.len()) {
                    let t = reference_t(&widths, beta, &q1, &nstar);
                    for l in 0..widths.len() {
                        // raising n*_l (including from 0) does not increase T
                        let mut up = nstar.clone();
                        up[l] += 1;
                        assert!(reference_t(&widths, beta, &q1, &up) <= t);
                        // widening layer l does not decrease T
                        let mut wide = widths.clone();
                        wide[l] += 1;
                        assert!(reference_t(&wide, beta, &q1, &nstar) >= t);
                    }
                    // appending a layer (any n* there, including 0) does not increase T
                    for extra in 0..=2 {
                        let mut w = widths.clone();
                        w.push(2);
                        let mut n = nstar.clone();
                        n.push(extra);
                        assert!(reference_t(&w, beta, &q1, &n) <= t);
                    }
                }
            }
        }
    }
}

// spec: THM-DEPTH-DEATH
#[test]
fn depth_death_bound_across_q1_regimes() {
    for beta in [0usize, 1] {
        for n in 1..=3usize {
            for q1 in q1s() {
                let delta = r(1, 1i64 << ((n + beta) * n));
                for d in 1..=8usize {
                    let survive = reference_t(&vec![n; d], beta, &q1, &vec![1; d]);
                    assert!(survive <= num_traits::pow(BigRational::one() - &delta, d - 1));
                }
            }
        }
    }
}
