//! Unit test of the cost of `partition_breakpoints` (ALG-POWER). Its
//! result is checked against brute force in tests/oracle_power_breakpoints.rs;
//! here, that the next change is predicted rather than searched for: about
//! three partitions per breakpoint (the candidate, one on each side),
//! where a wrong prediction costs a bisection (about 30) or a scan.

#![allow(clippy::single_range_in_vec_init)] // runs of a partition

use super::*;
use crate::exact::{BiasMode, ChainSpec};
use num_rational::BigRational;

// spec: ALG-POWER
#[test]
fn breakpoints_cost_about_three_partitions_each_up_to_1e9() {
    for (w, b) in [
        (vec![8, 8, 8], BiasMode::Symmetric),
        (vec![4, 4, 4, 4], BiasMode::Symmetric),
        (vec![5, 2, 4], BiasMode::Zero),
        (vec![16, 16], BiasMode::Zero),
    ] {
        let h0 = ChainSpec::new(w.clone(), b, BigRational::new(1.into(), 2.into())).unwrap();
        let laws = component_laws(&h0, &h0).unwrap();
        let p0s: Vec<&[f64]> = laws.iter().map(|(a, _)| a.as_slice()).collect();
        let (breaks, evals) = counted_breakpoints(&p0s, MAX_SAMPLES, MAX_BREAKPOINTS).unwrap();
        // measured when the bound was set: 534 for 177, 264 for 90, 115
        // for 39, 743 for 233
        assert!(breaks.len() >= 30, "{w:?}");
        // each breakpoint after the first is a partition computed and
        // found different
        assert!(evals >= breaks.len(), "{w:?}: {evals} partitions");
        assert!(
            evals <= 7 * breaks.len() / 2,
            "{w:?}: {evals} partitions for {} breakpoints",
            breaks.len()
        );
    }
}

/// First n' in (n, limit] whose ALG-GOF partition differs from that at n,
/// by computing every partition.
fn next_change_brute(p: &[f64], n: u64, limit: u64) -> Option<u64> {
    let cur = pooled_partition(p, n);
    (n + 1..=limit).find(|&m| pooled_partition(p, m) != cur)
}

// spec: ALG-POWER
#[test]
fn predicted_change_by_hand() {
    // p = (0.1, 0.2, 0.3, 0.4) at n = 10: expected counts 1, 2, 3, 4; the
    // run closes at the third cell (6 >= 5) and the remainder 4 < 5 joins
    // it: one run. It changes when the remainder closes on its own, at
    // ceil(5 / 0.4) = 13, before the run closes earlier at
    // ceil(5 / 0.3) = 17.
    let p = [0.1, 0.2, 0.3, 0.4];
    assert_eq!(pooled_partition(&p, 10), vec![0..4]);
    assert_eq!(predicted_change(&p, &[0..4], 10), 13);
    assert_eq!(pooled_partition(&p, 13), vec![0..3, 3..4]);
    // at n = 13 (runs 0..3 and 3..4): the first run closes one cell earlier
    // at ceil(5 / 0.3) = 17
    assert_eq!(predicted_change(&p, &[0..3, 3..4], 13), 17);
    assert_eq!(pooled_partition(&p, 17), vec![0..2, 2..3, 3..4]);
    // p = (0.1, 0.1, 0.8) at n = 10: one run closing at the last cell;
    // earlier closing at ceil(5 / 0.2) = 25, no remainder
    let p = [0.1, 0.1, 0.8];
    assert_eq!(pooled_partition(&p, 10), vec![0..3]);
    assert_eq!(predicted_change(&p, &[0..3], 10), 25);
    // p = (0.5, 0.3, 0.2) at n = 20: counts 10, 6, 4; the first two cells
    // close alone (no partial sum before them) and the remainder 4 joins
    // the second: it closes alone at ceil(5 / 0.2) = 25
    let p = [0.5, 0.3, 0.2];
    assert_eq!(pooled_partition(&p, 20), vec![0..1, 1..3]);
    assert_eq!(predicted_change(&p, &[0..1, 1..3], 20), 25);
    // a run that never closes (all of it below 5): it closes once its
    // whole sum reaches 5, at ceil(5 / 1) = 5
    let p = [0.25, 0.25, 0.5];
    assert_eq!(pooled_partition(&p, 2), vec![0..3]);
    assert_eq!(predicted_change(&p, &[0..3], 2), 5);
    // nothing left to change: a point mass at n = 5 (one cell closing
    // alone, no partial sum, no remainder)
    assert_eq!(predicted_change(&[1.0], &[0..1], 5), u64::MAX);
}

// spec: ALG-POWER
#[test]
fn predicted_change_is_the_next_change_by_brute_force() {
    // dyadic laws (sums exact in f64) and the component laws of a table
    // network: the prediction is never after the next change (a late one
    // would cost a bisection), and it is the change itself except where a
    // run reaching 5 at its last cell or a remainder closing leaves the
    // partition as it was (an early candidate costs one more partition)
    let mut laws: Vec<Vec<f64>> = vec![
        vec![0.125, 0.25, 0.0625, 0.5, 0.0625],
        vec![0.03125, 0.03125, 0.0625, 0.125, 0.25, 0.5],
        vec![0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125],
        vec![0.0078125, 0.9921875],
        // one run closing at its first cell with the rest merged into it
        vec![0.875, 0.0625, 0.0625],
    ];
    let h0 = ChainSpec::new(
        vec![5, 2, 4],
        BiasMode::Zero,
        BigRational::new(1.into(), 2.into()),
    )
    .unwrap();
    laws.extend(
        component_laws(&h0, &h0)
            .unwrap()
            .into_iter()
            .map(|(a, _)| a),
    );
    let (mut checked, mut exact) = (0, 0);
    for p in &laws {
        for n in 1..=400u64 {
            let runs = pooled_partition(p, n);
            let pred = predicted_change(p, &runs, n).max(n + 1);
            let limit = 2000;
            match next_change_brute(p, n, limit) {
                Some(m) => {
                    assert!(
                        pred <= m,
                        "{p:?} at n = {n}: predicted {pred} after the change at {m}"
                    );
                    checked += 1;
                    exact += usize::from(pred == m);
                }
                None => assert!(pred > limit, "{p:?} at n = {n}: predicted {pred}"),
            }
        }
    }
    // measured when written: 1640 exact of 1738
    assert!(checked >= 1700 && exact >= 1630, "{exact} of {checked}");
}

/// Calls of `changed` made by `locate_change` with the first change at
/// `c` (`changed(m)` = m >= c), and its answer; calls beyond `max` fail.
fn locate_with(n: u64, cand: u64, max: u64, c: u64) -> (Option<u64>, Vec<u64>) {
    let mut calls = Vec::new();
    let r = locate_change(n, cand, max, |m| {
        assert!(m > n && m <= max, "called at {m} outside ({n}, {max}]");
        calls.push(m);
        m >= c
    });
    (r, calls)
}

// spec: ALG-POWER
#[test]
fn locate_change_finds_the_first_change_at_the_stated_cost() {
    let (n, cand, max) = (10, 20, 100);
    for c in 11..=30 {
        let (r, calls) = locate_with(n, cand, max, c);
        match c {
            // earlier than predicted: 19 true, then bisection in (10, 19]
            11..=19 => {
                assert_eq!(r, Some(c), "c = {c}");
                assert_eq!(calls[0], 19);
                // (10, 19] halves to width 1 in 3 or 4 steps (widths 9,
                // 4 or 5, 2 or 3, 1 or 2, 1)
                assert!((4..=5).contains(&calls.len()), "c = {c}: {calls:?}");
            }
            20 => assert_eq!((r, calls), (Some(20), vec![19, 20])),
            21 => assert_eq!((r, calls), (Some(21), vec![19, 20, 21])),
            _ => assert_eq!((r, calls), (None, vec![19, 20, 21]), "c = {c}"),
        }
    }
    // the bisection's midpoints for a change at 13: (10, 19] -> 14 (true),
    // (10, 14] -> 12 (false), (12, 14] -> 13 (true)
    assert_eq!(locate_with(10, 20, 100, 13).1, vec![19, 14, 12, 13]);
    // the candidate at the limit: cand + 1 is not looked at
    assert_eq!(locate_with(10, 100, 100, 101), (None, vec![99, 100]));
    assert_eq!(locate_with(10, 100, 100, 100), (Some(100), vec![99, 100]));
    // the candidate right after n: cand - 1 = n is not a candidate
    assert_eq!(locate_with(10, 11, 100, 11), (Some(11), vec![11]));
    assert_eq!(locate_with(10, 11, 100, 12), (Some(12), vec![11, 11, 12]));
    assert_eq!(locate_with(10, 11, 100, 13), (None, vec![11, 11, 12]));
    assert_eq!(locate_with(10, 12, 100, 11), (Some(11), vec![11]));
}

/// A power curve given by a function of n, counting its evaluations.
struct Curve<F: Fn(u64) -> f64> {
    f: F,
    evals: std::cell::Cell<usize>,
}

impl<F: Fn(u64) -> f64> Curve<F> {
    fn new(f: F) -> Self {
        Curve {
            f,
            evals: std::cell::Cell::new(0),
        }
    }
    fn power(&self) -> impl Fn(u64) -> Result<f64> + '_ {
        move |n| {
            assert!((1..=MAX_SAMPLES).contains(&n), "power asked at n = {n}");
            self.evals.set(self.evals.get() + 1);
            Ok((self.f)(n))
        }
    }
}

// spec: ALG-POWER
#[test]
fn safe_threshold_on_hand_made_curves() {
    let breaks = [1, 100, 1000];
    // answer inside the top interval, by bisection: power 1/4 from 1000,
    // 3/4 from 4000 (and 3/4 below 100, which must not matter)
    let c = Curve::new(|n| if n >= 4000 || n < 100 { 0.75 } else { 0.25 });
    assert_eq!(safe_threshold(c.power(), &breaks, 0.5).unwrap(), Some(4000));
    // power(MAX), power(1000), power(MAX) again, then a bisection of
    // (1000, 1e9]: 30 halvings at most
    assert!(
        (3 + 20..=3 + 30).contains(&c.evals.get()),
        "{}",
        c.evals.get()
    );

    // the answer is the left end of an interval: its left neighbour fails
    // at both ends; 4 evaluations (MAX, 1000, 100, 999), no bisection
    let c = Curve::new(|n| if (100..1000).contains(&n) { 0.25 } else { 0.75 });
    assert_eq!(safe_threshold(c.power(), &breaks, 0.5).unwrap(), Some(1000));
    assert_eq!(c.evals.get(), 4);

    // the power meets the target exactly at the interval's right end
    let c = Curve::new(|n| match n {
        100..=998 => 0.25,
        999 => 0.5,
        _ => 0.75,
    });
    assert_eq!(safe_threshold(c.power(), &breaks, 0.5).unwrap(), Some(999));

    // the answer in the lowest interval, found by bisection of (1, 99]
    let c = Curve::new(|n| if n >= 37 { 0.5 } else { 0.25 });
    assert_eq!(safe_threshold(c.power(), &breaks, 0.5).unwrap(), Some(37));

    // every interval good from its left end: 1; the target met exactly
    // at MAX_SAMPLES counts as reached
    let c = Curve::new(|_| 0.5);
    assert_eq!(safe_threshold(c.power(), &breaks, 0.5).unwrap(), Some(1));
    // MAX, then the three left ends
    assert_eq!(c.evals.get(), 4);
    // below the target at MAX_SAMPLES: none, after one evaluation
    let c = Curve::new(|n| if n == MAX_SAMPLES { 0.25 } else { 0.75 });
    assert_eq!(safe_threshold(c.power(), &breaks, 0.5).unwrap(), None);
    assert_eq!(c.evals.get(), 1);
    // good only at MAX_SAMPLES: MAX_SAMPLES itself
    let c = Curve::new(|n| if n == MAX_SAMPLES { 0.75 } else { 0.25 });
    assert_eq!(
        safe_threshold(c.power(), &breaks, 0.5).unwrap(),
        Some(MAX_SAMPLES)
    );
}

/// 2 ceil(log2 c): the doublings 1, 2, ..., 2^k (k + 1 evaluations, 2^k
/// the first power of two >= c) and the bisection of (2^(k-1), 2^k]
/// (k - 1 halvings).
fn doubling_cost(c: u64) -> usize {
    let k = 64 - (c - 1).leading_zeros() as usize;
    if c == 1 {
        1
    } else {
        2 * k
    }
}

// spec: ALG-POWER
#[test]
fn search_sample_size_finds_the_first_crossing_at_the_stated_cost() {
    let mut cs: Vec<u64> = (1..=300).collect();
    cs.extend([1 << 20, (1 << 20) + 1, 999_999, 1 << 29]);
    for c in cs {
        // reaching the target exactly counts
        let curve = Curve::new(move |n| if n >= c { 0.5 } else { 0.25 });
        assert_eq!(search_sample_size(curve.power(), 0.5).unwrap(), Some(c));
        assert_eq!(curve.evals.get(), doubling_cost(c), "c = {c}");
    }
    // between 2^29 and MAX_SAMPLES = 1e9 the doubling stops at 1e9: the
    // bisection of (2^29, 1e9] takes at most 29 halvings
    for c in [(1 << 29) + 1, MAX_SAMPLES - 1, MAX_SAMPLES] {
        let curve = Curve::new(move |n| if n >= c { 0.5 } else { 0.25 });
        assert_eq!(search_sample_size(curve.power(), 0.5).unwrap(), Some(c));
        assert!(curve.evals.get() <= 31 + 29, "{}", curve.evals.get());
    }
    // never reached up to MAX_SAMPLES: none (1, 2, ..., 2^29, 1e9)
    let curve = Curve::new(|n| if n > MAX_SAMPLES { 0.5 } else { 0.25 });
    assert_eq!(search_sample_size(curve.power(), 0.5).unwrap(), None);
    assert_eq!(curve.evals.get(), 31);
    // a non-monotone curve: some n with power(n - 1) < target <= power(n)
    let curve = Curve::new(|n| if n % 10 >= 5 { 0.5 } else { 0.25 });
    let n = search_sample_size(curve.power(), 0.5).unwrap().unwrap();
    assert!(n % 10 == 5, "{n}");
}

/// Every breakpoint of `p` in [1, max], by computing every partition.
fn breakpoints_brute(p: &[f64], max: u64) -> Vec<u64> {
    let mut out = vec![1];
    let mut n = 1;
    while let Some(m) = next_change_brute(p, n, max) {
        out.push(m);
        n = m;
    }
    out
}

// spec: ALG-POWER
#[test]
fn breakpoints_end_at_the_limit_and_respect_the_count_limit() {
    // the components of a table network; their breakpoints are the union
    // of each one's
    let h0 = ChainSpec::new(
        vec![8, 8, 8],
        BiasMode::Symmetric,
        BigRational::new(1.into(), 2.into()),
    )
    .unwrap();
    let laws = component_laws(&h0, &h0).unwrap();
    let p0s: Vec<&[f64]> = laws.iter().map(|(a, _)| a.as_slice()).collect();
    let union = |max: u64| {
        let mut v: Vec<u64> = p0s.iter().flat_map(|p| breakpoints_brute(p, max)).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let all = union(600);
    assert!(all.len() >= 20, "{all:?}");
    // a breakpoint at the search limit itself is listed
    for &b in &all[1..] {
        let got = counted_breakpoints(&p0s, b, MAX_BREAKPOINTS).unwrap().0;
        assert_eq!(got, union(b), "max = {b}");
        assert_eq!(got.last(), Some(&b));
    }
    // exactly as many breakpoints as allowed: accepted; one fewer allowed:
    // refused
    let max = all[all.len() - 1] + 1;
    let k = all.len();
    assert_eq!(counted_breakpoints(&p0s, max, k).unwrap().0, all);
    match counted_breakpoints(&p0s, max, k - 1) {
        Err(Error::TooCostly(m)) => assert!(m.contains(&format!("more than {}", k - 1)), "{m}"),
        other => panic!("{other:?}"),
    }
}
