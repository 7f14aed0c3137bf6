//! The power of `check --kind active` (spec ALG-POWER) against brute force:
//! every histogram of n counts is enumerated, weighted by its multinomial
//! probability under the exact (rational) law of the deviating network, and
//! judged by `check_samples` itself. The exact program of `active_power`
//! must give the per-layer rejection probability to 1e-12 at depth 2, its
//! maximum must stay below the whole check's power (the stated lower bound),
//! and the switch to the single-threshold bound sits at MAX_DP_WORK.

use num_rational::BigRational;
use num_traits::{One, ToPrimitive};
use relu_trainability::exact::rational_chain::law;
use relu_trainability::exact::{BiasMode, ChainSpec};
use relu_trainability::oracle::check::{check_samples, Kind};
use relu_trainability::oracle::power_active::{
    active_power, active_power_threshold_bound, active_sample_size, MAX_DP_WORK,
};
use statrs::function::factorial::ln_factorial;

fn spec(w: &[usize], b: BiasMode, q1: &str) -> ChainSpec {
    ChainSpec::parse(w.to_vec(), b, q1).unwrap()
}

fn f(x: &BigRational) -> f64 {
    x.to_f64().unwrap()
}

/// Every histogram (h_0..h_{cells-1}) with sum n.
fn histograms(cells: usize, n: usize) -> Vec<Vec<usize>> {
    if cells == 1 {
        return vec![vec![n]];
    }
    let mut out = Vec::new();
    for first in 0..=n {
        for mut rest in histograms(cells - 1, n - first) {
            rest.insert(0, first);
            out.push(rest);
        }
    }
    out
}

/// ln of the multinomial probability of histogram `h` under `p`
/// (-inf when a cell of probability 0 is used).
fn ln_multinomial(h: &[usize], p: &[f64]) -> f64 {
    let n: usize = h.iter().sum();
    let mut lp = ln_factorial(n as u64);
    for (&x, &q) in h.iter().zip(p) {
        if x > 0 {
            lp += x as f64 * q.ln() - ln_factorial(x as u64);
        }
    }
    lp
}

/// P(the check rejects) when layer `layer`'s counts follow `p` and every
/// other layer's count is 0 (a count of 0 never rejects a one-sided test).
fn brute_layer_power(h0: &ChainSpec, layer: usize, p: &[f64], n: usize, alpha: f64) -> f64 {
    let mut total = 0.0;
    for h in histograms(p.len(), n) {
        let lp = ln_multinomial(&h, p);
        if lp == f64::NEG_INFINITY {
            continue;
        }
        let rows: Vec<Vec<usize>> = h
            .iter()
            .enumerate()
            .flat_map(|(k, &c)| {
                let mut row = vec![0; h0.depth()];
                row[layer] = k;
                std::iter::repeat_n(row, c)
            })
            .collect();
        if check_samples(h0, &rows, Kind::Active, alpha)
            .unwrap()
            .reject
        {
            total += lp.exp();
        }
    }
    total
}

/// The exact program gives each layer's rejection probability, and the
/// reported power is their maximum: depth 2, widths [3, 2], claimed
/// q1 = 1/2 with zero biases, against the counts of q1 = 1/4 and of the
/// symmetric bias mode (the second raises layer 2 only), and of q1 = 1/4
/// with layer 2 one narrower (a law with no mass at the top), n = 14 and 9,
/// alpha 0.05 and 1e-3. The per-layer level alpha / (L m_l) is the one
/// `check_samples` applies; the law is rational_chain's exact marginal.
// spec: ALG-POWER
#[test]
fn active_power_equals_the_largest_brute_force_layer_power() {
    let h0 = spec(&[3, 2], BiasMode::Zero, "1/2");
    for alt in [
        spec(&[3, 2], BiasMode::Zero, "1/4"),
        spec(&[3, 2], BiasMode::Symmetric, "1/2"),
        // layer 2 narrower: its law has no mass at the top count
        spec(&[3, 1], BiasMode::Zero, "1/4"),
    ] {
        let marg: Vec<Vec<f64>> = law(&alt, None)
            .layers
            .iter()
            .zip(&h0.widths)
            .map(|(d, &w)| {
                let mut v: Vec<f64> = d.iter().map(f).collect();
                v.resize(w + 1, 0.0);
                v
            })
            .collect();
        for (n, alpha) in [(14usize, 0.05), (14, 1e-3), (9, 0.05)] {
            let per_layer: Vec<f64> = (0..2)
                .map(|l| brute_layer_power(&h0, l, &marg[l], n, alpha))
                .collect();
            let want = per_layer.iter().cloned().fold(0.0, f64::max);
            let got = active_power(&h0, &alt, n as u64, alpha).unwrap();
            eprintln!(
                "{:?} n {n} alpha {alpha}: layers {per_layer:?}, program {got}",
                alt.bias
            );
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
            assert!(want > 1e-3, "a case with almost no power tells nothing");
            let bound = active_power_threshold_bound(&h0, &alt, n as u64, alpha).unwrap();
            assert!(bound <= got + 1e-12, "{bound} > {got}");
        }
    }
}

/// The reported power is a lower bound on the whole check's power: all
/// 12 870 histograms of n = 8 pairs (K_1, K_2) of widths [2, 2], weighted by
/// THM-CHAIN's exact joint law of q1 = 1/4 (P(K_2 = b | K_1 = a) binomial
/// with alive probability 1 - 2^-a), judged by `check_samples` (claimed
/// q1 = 1/2).
// spec: ALG-POWER
#[test]
fn active_power_bounds_the_whole_checks_power_from_below() {
    let h0 = spec(&[2, 2], BiasMode::Zero, "1/2");
    let alt = spec(&[2, 2], BiasMode::Zero, "1/4");
    let l1 = law(&alt, None).layers[0].clone();
    let mut joint = vec![0.0; 9];
    for a in 0..=2usize {
        for b in 0..=2usize {
            let pb = if a == 0 {
                if b == 0 {
                    BigRational::one()
                } else {
                    BigRational::from_integer(0.into())
                }
            } else {
                let dead = BigRational::new(1.into(), (1u64 << a).into());
                relu_trainability::exact::rational_chain::binomial_law(
                    2,
                    &(BigRational::one() - dead),
                )[b]
                    .clone()
            };
            joint[a * 3 + b] = f(&(&l1[a] * pb));
        }
    }
    assert!((joint.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    let n = 8;
    for alpha in [0.05, 1e-3] {
        let mut whole = 0.0;
        for h in histograms(9, n) {
            let lp = ln_multinomial(&h, &joint);
            if lp == f64::NEG_INFINITY {
                continue;
            }
            let rows: Vec<Vec<usize>> = h
                .iter()
                .enumerate()
                .flat_map(|(cell, &c)| std::iter::repeat_n(vec![cell / 3, cell % 3], c))
                .collect();
            if check_samples(&h0, &rows, Kind::Active, alpha)
                .unwrap()
                .reject
            {
                whole += lp.exp();
            }
        }
        let reported = active_power(&h0, &alt, n as u64, alpha).unwrap();
        eprintln!("alpha {alpha}: whole check {whole}, reported {reported}");
        assert!(reported > 0.01 && reported <= whole + 1e-12);
    }
}

/// A claimed law with no mass above 0 (q1 = 1: layer 1 born dead) makes a
/// single positive count reject: power 1 - P_alt(K = 0)^n, here
/// 1 - (1/8)^n for width 3 and q1 = 1/2 (n = 1: 7/8, so power 0.9 needs
/// n = 2), by both the exact program and the single-threshold bound.
// spec: ALG-POWER
#[test]
fn a_point_mass_at_zero_is_rejected_by_one_positive_count() {
    let h0 = spec(&[3], BiasMode::Zero, "1");
    let alt = spec(&[3], BiasMode::Zero, "1/2");
    for n in [1u64, 2, 3, 10] {
        let want = 1.0 - 0.125f64.powi(n as i32);
        for got in [
            active_power(&h0, &alt, n, 1e-3).unwrap(),
            active_power_threshold_bound(&h0, &alt, n, 1e-3).unwrap(),
        ] {
            assert!((got - want).abs() < 1e-15, "n {n}: {got} vs {want}");
        }
    }
    assert_eq!(active_sample_size(&h0, &alt, 1e-3, 0.9).unwrap(), Some(2));
    assert_eq!(active_sample_size(&h0, &alt, 1e-3, 0.99).unwrap(), Some(3));
}

/// The exact program runs while sum_l N_l n^2 <= MAX_DP_WORK (width 8:
/// n = 5000 sits exactly on the budget) and the single-threshold bound
/// beyond (n = 5001). For a deviation small enough that several thresholds
/// share the evidence (q1 = 1/2 against 1/2 - 1/64), the program's power is
/// strictly above the bound at the tie, and equal to it one sample later.
// spec: ALG-POWER
#[test]
fn the_exact_program_stops_at_its_work_budget() {
    assert_eq!(8.0 * 5000f64.powi(2), MAX_DP_WORK);
    let h0 = spec(&[8], BiasMode::Zero, "1/2");
    let alt = spec(&[8], BiasMode::Zero, "31/64");
    let (at, past) = (5000u64, 5001u64);
    let exact = active_power(&h0, &alt, at, 1e-3).unwrap();
    let bound = active_power_threshold_bound(&h0, &alt, at, 1e-3).unwrap();
    eprintln!("n = {at}: program {exact}, bound {bound}");
    assert!(exact > bound + 1e-6, "{exact} vs {bound}");
    let beyond = active_power(&h0, &alt, past, 1e-3).unwrap();
    let beyond_bound = active_power_threshold_bound(&h0, &alt, past, 1e-3).unwrap();
    assert_eq!(beyond, beyond_bound);
}

/// An alternative with all its mass at the top (q1 = 0: K = 3 always) makes
/// every C_t = n, so the check rejects surely once 3 P(Bin(n, 1/8) >= n) =
/// 3 / 8^n < alpha (the top threshold of the claimed q1 = 1/2, width 3,
/// m = 3), and never before: alpha = 1e-3 needs n = 4 (3 / 512 = 5.9e-3 at
/// n = 3). `check_samples` agrees on both sides.
// spec: ALG-POWER
#[test]
fn an_alternative_at_the_top_count_is_caught_at_the_closed_form_n() {
    let h0 = spec(&[3], BiasMode::Zero, "1/2");
    let alt = spec(&[3], BiasMode::Zero, "0");
    for n in 1..=6u64 {
        let want = if 3.0 / 8f64.powi(n as i32) < 1e-3 {
            1.0
        } else {
            0.0
        };
        let rows = vec![vec![3usize]; n as usize];
        let rejects = check_samples(&h0, &rows, Kind::Active, 1e-3)
            .unwrap()
            .reject;
        assert_eq!(rejects, want == 1.0, "n {n}");
        for got in [
            active_power(&h0, &alt, n, 1e-3).unwrap(),
            active_power_threshold_bound(&h0, &alt, n, 1e-3).unwrap(),
        ] {
            assert!((got - want).abs() < 1e-15, "n {n}: {got}");
        }
    }
    assert_eq!(active_sample_size(&h0, &alt, 1e-3, 0.9).unwrap(), Some(4));
}

/// The program through an alternative whose low counts underflow: q1 = 0
/// at widths [40, 40] gives K_1 = 40 and K_2 ~ Bin(40, 1 - 2^-40), whose
/// counts below about 14 are 0.0 in f64, so at the lowest nonzero count the
/// program's step forces every remaining count there (q = 1) and below it
/// sees no mass at all (q = 0). The claimed q1 = 1/2 has P(K_1 = 40) =
/// 2^-40, so layer 1 alone rejects ten samples surely (2 m 2^-400 < alpha):
/// the power is exactly 1, with no NaN from the empty steps.
// spec: ALG-POWER
#[test]
fn an_alternative_with_underflowed_low_counts_is_handled() {
    let h0 = spec(&[40, 40], BiasMode::Zero, "1/2");
    let alt = spec(&[40, 40], BiasMode::Zero, "0");
    let l2 = law(&alt, None).layers[1]
        .iter()
        .map(f)
        .collect::<Vec<f64>>();
    assert!(
        l2[0] == 0.0 && l2[39] > 0.0,
        "the bottom of the law must underflow"
    );
    assert_eq!(active_power(&h0, &alt, 10, 1e-3).unwrap(), 1.0);
}

/// The check rejects when m p < alpha, strictly: a p-value equal to alpha
/// does not reject. Width 1, q1 = 1/2: one threshold, P(K >= 1) = 1/2, so
/// with n samples all equal to 1 the p-value is 2^-n exactly; at alpha =
/// 2^-n neither the check nor the power counts a rejection (power 0), just
/// above it both do (power P_alt(K = 1)^n = (3/4)^n for q1 = 1/4).
// spec: ALG-POWER, ALG-DOMINANCE
#[test]
fn a_p_value_equal_to_alpha_does_not_reject() {
    let h0 = spec(&[1], BiasMode::Zero, "1/2");
    let alt = spec(&[1], BiasMode::Zero, "1/4");
    for n in 1..=4u64 {
        let tie = 0.5f64.powi(n as i32);
        let above = tie * (1.0 + 1e-9);
        let rows = vec![vec![1usize]; n as usize];
        for (alpha, want) in [(tie, 0.0), (above, 0.75f64.powi(n as i32))] {
            let rejects = check_samples(&h0, &rows, Kind::Active, alpha)
                .unwrap()
                .reject;
            assert_eq!(rejects, want > 0.0, "n {n} alpha {alpha}");
            let got = active_power(&h0, &alt, n, alpha).unwrap();
            assert!(
                (got - want).abs() < 1e-15,
                "n {n} alpha {alpha}: {got} vs {want}"
            );
        }
    }
}

/// Deviations that only lower the counts are answered "undetectable" at
/// once, by comparing the tails (no search over n): the whole table of
/// such deviations for 8,8,8 takes well under a second.
// spec: ALG-POWER
#[test]
fn undetectable_deviations_are_decided_without_a_search() {
    let h0 = spec(&[8, 8, 8], BiasMode::Zero, "1/2");
    let start = std::time::Instant::now();
    for alt in [
        spec(&[8, 8, 8], BiasMode::Zero, "11/20"),
        spec(&[8, 7, 8], BiasMode::Zero, "1/2"),
        spec(&[8, 8, 7], BiasMode::Zero, "1/2"),
    ] {
        assert_eq!(active_sample_size(&h0, &alt, 1e-3, 0.9).unwrap(), None);
    }
    let secs = start.elapsed().as_secs_f64();
    assert!(secs < 0.5, "{secs} s: a search ran");
}

/// Bad arguments are input errors, not panics: alpha outside (0, 1), n = 0,
/// an alternative deeper or wider than the claimed network.
// spec: ALG-POWER
#[test]
fn bad_power_arguments_are_refused() {
    let h0 = spec(&[3, 3], BiasMode::Zero, "1/2");
    let alt = spec(&[3, 3], BiasMode::Zero, "1/4");
    for (n, alpha) in [(10u64, 0.0), (10, 1.0), (10, f64::NAN), (0, 0.05)] {
        assert!(active_power(&h0, &alt, n, alpha).is_err(), "{n} {alpha}");
    }
    for bad in [
        spec(&[3], BiasMode::Zero, "1/4"),
        spec(&[3, 3, 3], BiasMode::Zero, "1/4"),
        spec(&[4, 3], BiasMode::Zero, "1/4"),
        spec(&[3, 4], BiasMode::Zero, "1/4"),
    ] {
        assert!(
            active_power(&h0, &bad, 10, 0.05).is_err(),
            "{:?}",
            bad.widths
        );
        assert!(active_sample_size(&h0, &bad, 0.05, 0.9).is_err());
    }
    // a narrower alternative is allowed (and only lowers the counts)
    let narrow = spec(&[3, 2], BiasMode::Zero, "1/2");
    assert_eq!(active_sample_size(&h0, &narrow, 0.05, 0.9).unwrap(), None);
}

/// The Bonferroni factor is the check's own: every threshold t whose tail
/// is possible counts, also when the f64 tail underflowed to 0 (width 1100,
/// q1 = 1/2: P(K_1 >= t) = 2^-1100 sum_{k >= t} C(1100, k) is below 2^-1074
/// for t >= 1098, so three tails are 0.0 in f64). With one sample the
/// check's p-value is m s0_k, and it rejects iff K >= k*, found here by
/// bisection on `check_samples` itself; alpha is put 1.5 s0_t0 below the
/// check's m s0_t0, so that a factor short of the three underflowed tails
/// would reject at t0 already, and 0.5 s0_t0 above it, so that a factor
/// one too large would not. The power must be P_alt(K >= k*) under the
/// exact law (q1 = 2/5).
// spec: ALG-POWER, ALG-DOMINANCE
#[test]
fn underflowed_tails_count_in_the_bonferroni_factor() {
    let n1 = 1100;
    let h0 = spec(&[n1], BiasMode::Zero, "1/2");
    let alt = spec(&[n1], BiasMode::Zero, "2/5");
    let p0: Vec<f64> = law(&h0, None).layers[0].iter().map(f).collect();
    let underflowed = (1..=n1)
        .filter(|&t| p0[t..].iter().all(|&p| p == 0.0))
        .count();
    assert_eq!(underflowed, 3);
    let t0 = 660;
    let s0_t0: f64 = p0[t0..].iter().sum();
    let p_at = |k: usize, alpha: f64| {
        check_samples(&h0, &[vec![k]], Kind::Active, alpha)
            .unwrap()
            .overall_p_value
            .unwrap()
    };
    let m_check = (p_at(t0, 0.05) / s0_t0).round();
    let exact = law(&alt, None).layers[0].clone();
    // alpha just below m s0_t0 (a smaller factor would reject at t0), and
    // just above it (a larger factor would not)
    for (alpha, first) in [
        (s0_t0 * (m_check - 1.5), t0 + 1),
        (s0_t0 * (m_check + 0.5), t0),
    ] {
        let rejects = |k: usize| {
            check_samples(&h0, &[vec![k]], Kind::Active, alpha)
                .unwrap()
                .reject
        };
        let (mut lo, mut hi) = (0usize, n1); // !rejects(lo), rejects(hi)
        assert!(!rejects(lo) && rejects(hi));
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if rejects(mid) {
                hi = mid
            } else {
                lo = mid
            }
        }
        assert_eq!(hi, first, "alpha sits next to the check's level at t0");
        assert!(rejects(n1 - 1) && !rejects(t0 - 40));
        let want: f64 = f(&exact[hi..].iter().sum::<BigRational>());
        let got = active_power(&h0, &alt, 1, alpha).unwrap();
        eprintln!("check's m {m_check}, k* {hi}: power {got}, want {want}");
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
}
