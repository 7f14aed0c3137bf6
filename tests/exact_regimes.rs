//! Regime boundaries of the exact engine's paths (issue "faults live where
//! regimes change"): the f64 rendering across the underflow threshold, the
//! BOUND-F64 rounding count pinned against its derivation, and the dyadic
//! shift path (s >= 64) compared exactly with the rational reference.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use relu_trainability::exact::float_chain::{self, gamma, UNIT_ROUNDOFF};
use relu_trainability::exact::{dyadic_chain, rational_chain, report, BiasMode, ChainSpec};

fn bias(beta: usize) -> BiasMode {
    if beta == 1 {
        BiasMode::Symmetric
    } else {
        BiasMode::Zero
    }
}

// spec: BOUND-F64
#[test]
fn f64_rendering_switches_to_log10_exactly_at_the_underflow_threshold() {
    // Width-1 chains: P(K_L = 1) = (1 - q1) pi^{L-1}, pi = 1 - 2^{-(1+beta)}
    // (closed form). Sweep L across 2^-1022 (smallest normal f64) and
    // 2^-1074 (smallest subnormal).
    for beta in [0usize, 1] {
        let (pn, pd) = if beta == 0 { (1, 2) } else { (3, 4) };
        let pi = BigRational::new(pn.into(), pd.into());
        for q1 in [BigRational::zero(), BigRational::new(1.into(), 3.into())] {
            let alive = BigRational::one() - &q1;
            let la = (1.0 - relu_trainability::rational::to_f64(&q1)).log2();
            let lpi = (pn as f64 / pd as f64).log2();
            let cross = |t: f64| ((la + t) / -lpi).round() as i64 + 1; // L at 2^-t
            let around = |c: i64| (c - 3)..=(c + 4);
            for l in around(cross(1022.0)).chain(around(cross(1074.0))) {
                let l = l as usize;
                let spec = ChainSpec::new(vec![1; l], bias(beta), q1.clone()).unwrap();
                let v = report::approx_json(&spec, None).unwrap();
                let exact = &alive * num_traits::pow(pi.clone(), l - 1);
                let want_log10 = (la + (l - 1) as f64 * lpi) * std::f64::consts::LOG10_2;
                let layer = &v["layers"][l - 1];
                let f = &layer["distribution_f64"][1];
                let normal = exact >= BigRational::new(1.into(), BigInt::one() << 1022u32);
                assert_eq!(f.is_null(), !normal, "beta {beta} q1 {q1} L {l}: {f}");
                let r = layer["rel_error_bound"].as_f64().unwrap();
                if normal {
                    let x = f.as_f64().unwrap();
                    let ex = relu_trainability::rational::to_f64(&exact);
                    assert!((x - ex).abs() <= (r + 2.3e-16) * ex, "L {l}");
                }
                let got = layer["distribution_log10"][1].as_f64().unwrap();
                assert!(
                    (got - want_log10).abs() <= r / std::f64::consts::LN_10 + 1e-12,
                    "L {l}"
                );
            }
        }
    }
}

/// The rounding count of BOUND-F64, derived independently from the widths.
fn derived_roundings(widths: &[usize]) -> Vec<u64> {
    let mut r = vec![4 * widths[0] as u64 + 2];
    for l in 1..widths.len() {
        let prev = r[l - 1];
        r.push(prev + 4 * widths[l] as u64 + 2 * widths[l - 1] as u64 + 5);
    }
    r
}

// spec: BOUND-F64
#[test]
fn bound_f64_rounding_count_and_gamma_are_pinned() {
    for widths in [
        vec![1],
        vec![7],
        vec![3, 5, 2],
        vec![64, 65, 1, 130],
        vec![200; 6],
    ] {
        for beta in [0, 1] {
            let spec = ChainSpec::new(
                widths.clone(),
                bias(beta),
                BigRational::new(1.into(), 5.into()),
            )
            .unwrap();
            let law = float_chain::law(&spec, None);
            let want = derived_roundings(&widths);
            for (d, r) in law.iter().zip(&want) {
                assert_eq!(d.roundings, *r, "widths {widths:?}");
                // gamma_r = r u / (1 - r u), rounded up by a hair, never down
                let ru = *r as f64 * UNIT_ROUNDOFF;
                let g = ru / (1.0 - ru);
                assert!(d.rel_error_bound() >= g && d.rel_error_bound() <= g * (1.0 + 1e-14));
            }
            // the trainability sum adds 2 (N_{L-1} + 1) roundings
            let last = widths[widths.len() - 1] as u64;
            let (_, tb) = float_chain::trainability(&spec, &vec![0; widths.len()]);
            assert_eq!(tb, gamma(want[want.len() - 1] + 2 * (last + 1)));
        }
    }
    assert!(gamma(1 << 53).is_infinite());
    assert!(gamma(1).to_bits() > UNIT_ROUNDOFF.to_bits());
}

// spec: ALG-DYADIC
#[test]
fn dyadic_shift_path_equals_the_reference_at_widths_63_to_128() {
    // s = p + beta >= 64 takes the shift-and-subtract branch
    for (widths, beta, q1) in [
        (vec![63, 63], 1, BigRational::zero()),
        (vec![64, 3], 0, BigRational::new(1.into(), 3.into())),
        (vec![64, 64], 1, BigRational::zero()),
        (vec![65, 65], 0, BigRational::new(1.into(), 4.into())),
        (vec![128, 4], 1, BigRational::zero()),
    ] {
        let spec = ChainSpec::new(widths.clone(), bias(beta), q1).unwrap();
        assert_eq!(
            dyadic_chain::law(&spec, None),
            rational_chain::law(&spec, None),
            "widths {widths:?} beta {beta}"
        );
        let floors = vec![2; widths.len()];
        assert_eq!(
            dyadic_chain::law(&spec, Some(&floors)),
            rational_chain::law(&spec, Some(&floors)),
        );
    }
}

// spec: ALG-DYADIC
#[test]
fn dyadic_denominator_is_the_specified_one() {
    // ALG-DYADIC keeps layer l over D_l = o^{N_1} 2^{E_l}, q1 = u / (o 2^t),
    // E_1 = t N_1 and E_l = E_{l-1} + (N_{l-1} + beta) N_l: the size of every
    // big integer (hence the cost bound) rests on it. Expected exponents from
    // that formula; numerators must sum to the denominator (total mass 1).
    use num_bigint::BigUint;
    for (widths, beta, (qn, qd), o, t) in [
        (vec![3, 2, 4], 0usize, (1i64, 3i64), 3u64, 0u64),
        (vec![2, 5], 1, (1, 12), 3, 2),
        (vec![4, 1, 3], 1, (5, 8), 1, 3),
        (vec![3, 3], 0, (0, 1), 1, 0),
        (vec![2, 2, 2], 1, (1, 1), 1, 0),
        (vec![70, 2], 0, (7, 40), 5, 3),
    ] {
        let q1 = BigRational::new(qn.into(), qd.into());
        let spec = ChainSpec::new(widths.clone(), bias(beta), q1).unwrap();
        let layers = dyadic_chain::scaled_law(&spec, None);
        let mut e = t * widths[0] as u64;
        for (l, d) in layers.iter().enumerate() {
            if l > 0 {
                e += ((widths[l - 1] + beta) * widths[l]) as u64;
            }
            let odd = if qn == 0 {
                BigUint::one()
            } else {
                BigUint::from(o).pow(widths[0] as u32)
            };
            assert_eq!(
                (d.shift, &d.odd),
                (e, &odd),
                "widths {widths:?} layer {}",
                l + 1
            );
            let total: BigUint = d.numer.iter().sum();
            assert_eq!(total, odd << e, "widths {widths:?} layer {}", l + 1);
        }
    }
}

// spec: ALG-DYADIC
#[test]
fn sums_to_one_rejects_a_wrong_total() {
    // Companion of the property tests that assert sums_to_one: it must be
    // able to say no (a mass off by one unit, or a shift off by one).
    use num_bigint::BigUint;
    let d = dyadic_chain::ScaledDist {
        numer: vec![
            BigUint::from(1u32),
            BigUint::from(2u32),
            BigUint::from(5u32),
        ],
        odd: BigUint::from(1u32),
        base: BigUint::from(1u32),
        shift: 3,
    };
    assert!(dyadic_chain::sums_to_one(&d));
    let mut off = d.clone();
    off.numer[0] = BigUint::from(2u32);
    assert!(!dyadic_chain::sums_to_one(&off));
    let mut shifted = d.clone();
    shifted.shift = 4;
    assert!(!dyadic_chain::sums_to_one(&shifted));
    let mut odd = d;
    odd.odd = BigUint::from(3u32);
    assert!(!dyadic_chain::sums_to_one(&odd));
}

// spec: ALG-CHECK (the laws are the exact rationals rounded once when the
// estimated cost is at most 0.2 s, else the scaled-f64 law of BOUND-F64)
#[test]
fn marginals_are_the_rounded_exact_law_when_cheap_and_the_f64_path_above() {
    use relu_trainability::exact::MARGINALS_EXACT_SECONDS;
    use relu_trainability::exact::{cost, exact_law, marginals_f64_and_born_dead_log10};
    use relu_trainability::rational::to_f64;
    let f64_path = |spec: &ChainSpec| -> Vec<Vec<f64>> {
        float_chain::law(spec, None)
            .iter()
            .map(|d| d.probs.iter().map(|x| x.to_f64()).collect())
            .collect()
    };
    // Cheap: every cell is the exact rational rounded once, bit for bit,
    // and the widths are chosen so that the f64 path differs in some cell
    // (so that taking the f64 path would show).
    let cheap = ChainSpec::new(
        vec![7, 5, 9, 6],
        BiasMode::Symmetric,
        BigRational::new(1.into(), 3.into()),
    )
    .unwrap();
    assert!(cost::estimate(&cheap).seconds <= MARGINALS_EXACT_SECONDS);
    let exact = exact_law(&cheap).unwrap();
    let rounded: Vec<Vec<f64>> = exact
        .layers
        .iter()
        .map(|d| d.iter().map(to_f64).collect())
        .collect();
    assert_ne!(
        f64_path(&cheap),
        rounded,
        "the two paths must differ for this case to test the choice"
    );
    let (m, born) = marginals_f64_and_born_dead_log10(&cheap).unwrap();
    assert_eq!(m, rounded);
    let born_exact = to_f64(&exact.born_dead()).log10();
    assert!((born.unwrap() - born_exact).abs() < 1e-12);
    // Costly (estimate above 0.2 s, still within the exact engine's limits):
    // the f64 path's values, bit for bit.
    let costly = ChainSpec::new(
        vec![400, 400, 400],
        BiasMode::Symmetric,
        BigRational::new(1.into(), 3.into()),
    )
    .unwrap();
    assert!(cost::estimate(&costly).seconds > MARGINALS_EXACT_SECONDS);
    assert!(cost::check_exact(&costly).is_ok());
    let (m, born) = marginals_f64_and_born_dead_log10(&costly).unwrap();
    assert_eq!(m, f64_path(&costly));
    let last = float_chain::law(&costly, None).pop().unwrap();
    assert_eq!(born, Some(last.probs[0].log10()));
}

// spec: DEF-TRAINABILITY (one n*_l per hidden layer)
#[test]
fn min_widths_of_the_wrong_length_are_refused() {
    use relu_trainability::exact::trainability;
    let spec = ChainSpec::new(vec![3, 3], BiasMode::Zero, BigRational::zero()).unwrap();
    for mw in [vec![1], vec![1, 1, 1], vec![]] {
        let e = trainability(&spec, &mw).unwrap_err().to_string();
        assert!(
            e.contains(&format!(
                "has {} entries but the network has 2 hidden layers",
                mw.len()
            )),
            "{e}"
        );
    }
    assert!(trainability(&spec, &[1, 1]).is_ok());
}

/// The dyadic path reduces each entry by dividing out the factors of q1's
/// odd denominator o in rounds (no gcd with o^{N_1}): every entry must be
/// in lowest terms (numerator and denominator coprime, checked by a full
/// gcd here) and equal to the rational reference, for o prime, a prime
/// power and composite, with numerators sharing factors with o through
/// C(N, k) (Kummer: 3 | C(9, k) for most k) and across later layers.
// spec: ALG-DYADIC
#[test]
fn dyadic_entries_are_in_lowest_terms() {
    use num_integer::Integer;
    for (q1n, q1d) in [(1, 3), (2, 9), (5, 12), (7, 15), (1, 45), (44, 45)] {
        for widths in [vec![9], vec![27, 4], vec![6, 10, 3]] {
            for beta in [0usize, 1] {
                let q1 = BigRational::new(q1n.into(), q1d.into());
                let spec = ChainSpec::new(widths.clone(), bias(beta), q1).unwrap();
                let want = rational_chain::law(&spec, None);
                for (l, d) in dyadic_chain::scaled_law(&spec, None).iter().enumerate() {
                    for (k, r) in d.to_rationals().iter().enumerate() {
                        assert!(
                            r.numer().gcd(r.denom()) == BigInt::one() || r.numer().is_zero(),
                            "{q1n}/{q1d} {widths:?} layer {l} k {k}: {r} not reduced"
                        );
                        assert_eq!(r.numer(), want.layers[l][k].numer());
                        assert_eq!(r.denom(), want.layers[l][k].denom());
                    }
                }
            }
        }
    }
}
