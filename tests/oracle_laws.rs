//! The f64 laws the oracle tests against (oracle::laws): the chain
//! transition against exact rationals (alive probabilities within 2^-53 of
//! 1 included), the pair laws against THM-CHAIN's marginals (their column
//! sums are the next layer's law, computed by the exact engine), and each
//! cost refusal of ALG-CHECK at its boundary, from the spec's formulas in
//! exact integers.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use relu_trainability::exact::{exact_law, rational_chain, BiasMode, ChainSpec};
use relu_trainability::oracle::laws::{
    check_pair_cost, check_samples_cost, marginals_ops, pair_law, power_cost, renormalize,
    transition_pmf, MAX_PAIR_CELLS,
};

fn to_f64(r: &BigRational) -> f64 {
    relu_trainability::rational::to_f64(r)
}

/// Binomial(n, 1 - 2^-e) pmf in exact rationals (the reference path,
/// `rational_chain::binomial_law`).
fn exact_transition(n: usize, e: usize) -> Vec<BigRational> {
    let alive = BigRational::one() - BigRational::new(BigInt::one(), BigInt::one() << e);
    rational_chain::binomial_law(n, &alive)
}

// spec: THM-CHAIN
#[test]
fn transition_pmf_matches_exact_rationals_near_one_and_below_f64() {
    for n in [0usize, 1, 2, 7, 40] {
        for e in [1usize, 2, 5, 30, 52, 53, 54, 60, 100, 700, 1100] {
            let got = transition_pmf(n, e);
            let want = exact_transition(n, e);
            assert_eq!(got.len(), n + 1);
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                let w = to_f64(w);
                if w >= 1e-290 {
                    assert!((g - w).abs() <= 1e-12 * w, "n {n} e {e} k {k}: {g} vs {w}");
                } else {
                    assert!(*g <= 1e-280, "n {n} e {e} k {k}: {g} vs {w}");
                }
            }
        }
    }
    // beyond e = 1100 the alive probability is 1 in f64 and the rest 0
    let p = transition_pmf(3, 5000);
    assert_eq!(p, vec![0.0, 0.0, 0.0, 1.0]);
}

/// The pair law of (K_l, K_{l+1}): its row sums are P(K_l = p), its column
/// sums P(K_{l+1} = k) (THM-CHAIN, from the exact engine), and each cell is
/// the exact product, rounded.
// spec: THM-CHAIN
#[test]
fn pair_laws_have_the_chain_marginals() {
    for (w, bias, q1) in [
        (vec![3usize, 4, 2], BiasMode::Zero, (1, 2)),
        (vec![5, 1, 6], BiasMode::Symmetric, (1, 3)),
        (vec![2, 2], BiasMode::Symmetric, (0, 1)),
    ] {
        let q1 = BigRational::new(q1.0.into(), q1.1.into());
        let spec = ChainSpec::new(w.clone(), bias, q1).unwrap();
        let law = exact_law(&spec).unwrap();
        let marg: Vec<Vec<f64>> = law
            .layers
            .iter()
            .map(|d| d.iter().map(to_f64).collect())
            .collect();
        for l in 0..w.len() - 1 {
            let pair = pair_law(&spec, &marg, l);
            let n = w[l + 1];
            assert_eq!(pair.len(), (w[l] + 1) * (n + 1));
            for p in 0..=w[l] {
                for k in 0..=n {
                    let want = if p == 0 {
                        if k == 0 {
                            law.layers[l][0].clone()
                        } else {
                            BigRational::zero()
                        }
                    } else {
                        &law.layers[l][p] * &exact_transition(n, p + bias.beta())[k]
                    };
                    let g = pair[p * (n + 1) + k];
                    let want = to_f64(&want);
                    assert!(
                        (g - want).abs() <= 1e-12 * want,
                        "{w:?} l {l} p {p} k {k}: {g} vs {want}"
                    );
                }
            }
            for k in 0..=n {
                let col: f64 = (0..=w[l]).map(|p| pair[p * (n + 1) + k]).sum();
                let want = to_f64(&law.layers[l + 1][k]);
                assert!(
                    (col - want).abs() <= 1e-12,
                    "{w:?} l {l} k {k}: {col} vs {want}"
                );
            }
        }
    }
}

/// Renormalization applies only within 1e-9 of 1, and never to zeros.
// spec: ALG-CHECK
#[test]
fn renormalize_only_fixes_rounding() {
    let mut a = vec![0.25, 0.25, 0.5 + 5e-10];
    renormalize(&mut a);
    let s: f64 = a.iter().sum();
    assert!((s - 1.0).abs() <= 2e-16, "{s}");
    assert!(a[0] < 0.25);
    let mut b = vec![0.25, 0.25, 0.5 + 2e-9];
    renormalize(&mut b);
    assert_eq!(b, vec![0.25, 0.25, 0.5 + 2e-9]);
    let mut c = vec![0.25, 0.25, 0.5 - 2e-9];
    renormalize(&mut c);
    assert_eq!(c, vec![0.25, 0.25, 0.5 - 2e-9]);
    let mut z = vec![0.0; 3];
    renormalize(&mut z);
    assert_eq!(z, vec![0.0; 3]);
}

/// Each cost refusal at its boundary (spec ALG-CHECK, "Cost"): the largest
/// accepted size and the next, found from the stated formulas in exact
/// integers; sizes that overflow usize are refused, not wrapped.
// spec: ALG-CHECK
#[test]
fn cost_refusals_sit_at_their_boundaries() {
    // pair cells: sum (N_(l-1) + 1)(N_l + 1) <= 2e7 = 4000 x 5000
    assert_eq!(MAX_PAIR_CELLS, 20_000_000);
    assert!(check_pair_cost(&[3999, 4999]).is_ok());
    assert!(check_pair_cost(&[3999, 5000]).is_err());
    assert!(check_pair_cost(&[1999, 4999, 1999]).is_ok()); // 2 x 2000 x 5000
    assert!(check_pair_cost(&[1999, 4999, 2000]).is_err());
    assert!(check_pair_cost(&[usize::MAX, usize::MAX]).is_err());
    assert!(check_pair_cost(&[usize::MAX - 1, 0]).is_err());
    assert!(check_pair_cost(&[5]).is_ok());

    // marginal operations: 2 (N_1 + 1) + sum N_(l-1) (N_l + 1)
    assert_eq!(marginals_ops(&[7]), 16.0);
    assert_eq!(marginals_ops(&[3, 4, 2]), 8.0 + 3.0 * 5.0 + 4.0 * 3.0);

    // check, one layer: ops = 2 (N + 1) + 4 (N + 1) <= 4e8
    let m = 400_000_000u64 / 6; // largest N + 1
    assert!(check_samples_cost(&[(m - 1) as usize], false).is_ok());
    assert!(check_samples_cost(&[m as usize], false).is_err());
    // two layers, marginals only: 2 (a + 1) + a (b + 1) + 4 ((a + 1) + (b + 1))
    let ops = |a: u64, b: u64| 2 * (a + 1) + a * (b + 1) + 4 * ((a + 1) + (b + 1));
    let b = (0..).find(|&b| ops(9, b) > 400_000_000).unwrap();
    assert!(check_samples_cost(&[9, (b - 1) as usize], false).is_ok());
    assert!(check_samples_cost(&[9, b as usize], false).is_err());
    // an exact tie: [7, b] costs 6 x 8 + 11 (b + 1), which is 4e8 at
    // b + 1 = 36,363,632: accepted (the limit is inclusive), one more refused
    assert_eq!(ops(7, 36_363_631), 400_000_000);
    assert!(check_samples_cost(&[7, 36_363_631], false).is_ok());
    assert!(check_samples_cost(&[7, 36_363_632], false).is_err());
    // with pairs the cell limit comes first (4 x 2e7 cells + the marginals'
    // operations stay below 4e8): 10 x 2e6 cells pass, one column more fails
    assert!(check_samples_cost(&[9, 1_999_999], true).is_ok());
    let e = check_samples_cost(&[9, 2_000_000], true)
        .unwrap_err()
        .to_string();
    assert!(e.contains("joint laws"), "{e}");
    let e = check_samples_cost(&[m as usize], false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("exact law of the counts") && e.contains("narrower"),
        "{e}"
    );

    // active power, one layer: (3 + 1) (N + 1)^2 <= 5e6 -> N + 1 <= 1118
    assert!(power_cost(&[1117], true).is_ok());
    assert!(power_cost(&[1118], true).is_err());
    // an exact tie: (3 + 2)(600^2 + 800^2) = 5e6 is accepted, one more refused
    assert!(power_cost(&[599, 799], true).is_ok());
    assert!(power_cost(&[599, 800], true).is_err());
    // three layers: (3 + 3) sum (N_l + 1)^2
    let act = |n: u64| 6 * 3 * (n + 1) * (n + 1);
    let n = (0..).find(|&n| act(n) > 5_000_000).unwrap();
    assert!(power_cost(&[(n - 1) as usize; 3], true).is_ok());
    assert!(power_cost(&[n as usize; 3], true).is_err());

    // non-PD power, one layer (c = N + 1 cells, no pairs):
    // (3 + 1) 2 (2 x 2 (N + 1) + 192 c + c^2 / 50) <= 4e9, in units of 1/50
    let nonpd = |c: u64| 8 * (4 * c * 50 + 192 * c * 50 + c * c);
    let c = (1..).find(|&c| nonpd(c) > 4_000_000_000 * 50).unwrap();
    assert!(power_cost(&[(c - 2) as usize], false).is_ok());
    assert!(power_cost(&[(c - 1) as usize], false).is_err());
    let e = power_cost(&[(c - 1) as usize], false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("power table") && e.contains("narrower"), "{e}");
    // non-PD power, two layers [1, b]: deviations 3 + 2, cells
    // c = 2 + (b + 1) + 2 (b + 1), marginal operations M = 4 + (b + 1)
    let nonpd2 = |b: u64| {
        let c = 2 + 3 * (b + 1);
        let m = 4 + (b + 1);
        10 * (2 * m * 50 + 192 * c * 50 + c * c)
    };
    let b = (1..).find(|&b| nonpd2(b) > 4_000_000_000 * 50).unwrap();
    assert!(power_cost(&[1, (b - 1) as usize], false).is_ok());
    assert!(power_cost(&[1, b as usize], false).is_err());
    // and the pair-cell limit applies first
    let e = power_cost(&[3999, 5000], false).unwrap_err().to_string();
    assert!(e.contains("joint laws"), "{e}");
    // long width lists are cut in messages (past six widths)
    let e = power_cost(&[2000; 6], true).unwrap_err().to_string();
    assert!(
        e.contains("[2000, 2000, 2000, 2000, 2000, 2000] needs"),
        "{e}"
    );
    let e = power_cost(&[2000; 9], true).unwrap_err().to_string();
    assert!(e.contains("[2000, 2000, 2000, 2000, 2000, 2000]..."), "{e}");
}

/// `marginals` rounds the exact law when the exact first layer is cheap
/// (3 N_1^2 log2(den q1) / 64 ns <= 0.05 s) and renders the scaled-f64 law
/// otherwise. Width 100 (5e-6 s) must be the exact law rounded once, width
/// 30000 with q1 = 1/3 (0.084 s; the exact engine's own estimate, 0.13 s,
/// would still accept it) the f64 law (the exact path there differs from it
/// in the last bits: checked by moving the threshold, spec/mutants.md).
// spec: ALG-CHECK
#[test]
fn marginals_choose_the_exact_path_only_when_layer_one_is_cheap() {
    use relu_trainability::exact::{cost, float_chain, MARGINALS_EXACT_SECONDS};
    use relu_trainability::oracle::laws::marginals;
    let third = BigRational::new(1.into(), 3.into());
    let f64_path = |s: &ChainSpec| -> Vec<Vec<f64>> {
        float_chain::law(s, None)
            .iter()
            .map(|d| d.probs.iter().map(|x| x.to_f64()).collect())
            .collect()
    };
    let small = ChainSpec::new(vec![100, 7], BiasMode::Symmetric, third.clone()).unwrap();
    let exact: Vec<Vec<f64>> = exact_law(&small)
        .unwrap()
        .layers
        .iter()
        .map(|d| d.iter().map(to_f64).collect())
        .collect();
    assert_ne!(
        exact,
        f64_path(&small),
        "the paths must differ for the test to tell"
    );
    assert_eq!(marginals(&small).unwrap(), exact);
    // width 1000 is cheap by the estimate (3 N^2 2 / 64 ns = 9.4e-5 s) but
    // would not be if the limb count were 3 N^2 bits x 64 instead of / 64
    // (0.38 s, above the 0.05 s line): still the exact path
    let mid = ChainSpec::new(vec![1000], BiasMode::Zero, third.clone()).unwrap();
    let mid_exact = relu_trainability::exact::marginals_f64(&mid).unwrap();
    assert_ne!(mid_exact, f64_path(&mid), "the paths must differ here too");
    assert_eq!(marginals(&mid).unwrap(), mid_exact);

    let large = ChainSpec::new(vec![30000], BiasMode::Zero, third).unwrap();
    assert!(cost::estimate(&large).seconds <= MARGINALS_EXACT_SECONDS);
    let got = marginals(&large).unwrap();
    assert_eq!(got, f64_path(&large));
}
