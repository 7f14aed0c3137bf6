//! The exact engine against independent derivations: the plain-rational
//! reference, closed forms, and monotonicity properties.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use relu_trainability::exact::{
    dyadic_chain, float_chain, q1, rational_chain, search, BiasMode, ChainSpec,
};
use relu_trainability::rational::to_pq;

fn r(p: i64, q: i64) -> BigRational {
    BigRational::new(BigInt::from(p), BigInt::from(q))
}

fn spec(widths: Vec<usize>, beta: bool, q1: BigRational) -> ChainSpec {
    let bias = if beta {
        BiasMode::Symmetric
    } else {
        BiasMode::Zero
    };
    ChainSpec::new(widths, bias, q1).unwrap()
}

fn arb_q1() -> impl Strategy<Value = BigRational> {
    prop_oneof![
        Just(BigRational::zero()),
        Just(BigRational::one()),
        (0i64..=16).prop_map(|p| r(p, 16)),
        (0i64..=7, 1i64..=7).prop_map(|(p, q)| r(p.min(q), q)),
        (0i64..=1000).prop_map(|p| r(p, 1000)),
    ]
}

fn arb_spec(max_depth: usize, max_width: usize) -> impl Strategy<Value = ChainSpec> {
    (
        prop::collection::vec(1..=max_width, 1..=max_depth),
        any::<bool>(),
        arb_q1(),
    )
        .prop_map(|(w, b, q)| spec(w, b, q))
}

fn sum(v: &[BigRational]) -> BigRational {
    v.iter().fold(BigRational::zero(), |a, x| a + x)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, rng_seed: RngSeed::Fixed(0x1a3), ..ProptestConfig::default() })]

    // spec: THM-CHAIN, ALG-DYADIC
    #[test]
    fn dyadic_equals_rational_reference(s in arb_spec(5, 7)) {
        let fast = dyadic_chain::law(&s, None);
        let slow = rational_chain::law(&s, None);
        prop_assert_eq!(&fast, &slow);
        // and the reduced strings are identical
        for (a, b) in fast.layers.iter().zip(&slow.layers) {
            let sa: Vec<String> = a.iter().map(to_pq).collect();
            let sb: Vec<String> = b.iter().map(to_pq).collect();
            prop_assert_eq!(sa, sb);
        }
    }

    // spec: ALG-DYADIC, DEF-TRAINABILITY
    #[test]
    fn dyadic_equals_rational_with_floors(s in arb_spec(5, 6), seed in any::<u64>()) {
        let floors: Vec<usize> = s.widths.iter().enumerate()
            .map(|(i, &w)| ((seed >> (3 * i)) as usize) % (w + 2)).collect();
        prop_assert_eq!(
            dyadic_chain::law(&s, Some(&floors)),
            rational_chain::law(&s, Some(&floors))
        );
    }

    // spec: THM-CHAIN
    #[test]
    fn every_distribution_sums_to_exactly_one(s in arb_spec(8, 12)) {
        for (l, d) in dyadic_chain::law(&s, None).layers.iter().enumerate() {
            prop_assert_eq!(d.len(), s.widths[l] + 1);
            prop_assert_eq!(sum(d), BigRational::one());
            prop_assert!(d.iter().all(|x| *x >= BigRational::zero()));
        }
        for d in dyadic_chain::scaled_law(&s, None) {
            prop_assert!(dyadic_chain::sums_to_one(&d));
        }
    }

    // spec: BOUND-F64
    #[test]
    fn f64_path_within_its_bound(s in arb_spec(10, 24)) {
        let exact = dyadic_chain::law(&s, None);
        for (fl, ex) in float_chain::law(&s, None).iter().zip(&exact.layers) {
            let bound = BigRational::from_float(fl.rel_error_bound()).unwrap();
            for (x, e) in fl.probs.iter().zip(ex) {
                let err = (x.to_rational() - e).abs();
                prop_assert!(err <= &bound * e, "entry {} vs {} exceeds bound {}", x.to_f64(), e, fl.rel_error_bound());
            }
        }
    }

    // spec: THM-MONOTONE, DEF-TRAINABILITY
    #[test]
    fn trainability_monotone_in_width(s in arb_spec(5, 6), layer in 0usize..5, seed in any::<u64>()) {
        let l = layer % s.depth();
        let mw: Vec<usize> = s.widths.iter().enumerate().map(|(i, &w)| ((seed >> (2*i)) as usize) % (w + 1)).collect();
        let t0 = dyadic_chain::law(&s, Some(&mw)).total_mass_last();
        let mut wider = s.clone();
        wider.widths[l] += 1;
        let t1 = dyadic_chain::law(&wider, Some(&mw)).total_mass_last();
        prop_assert!(t1 >= t0);
    }

    // spec: THM-MONOTONE
    #[test]
    fn trainability_monotone_in_min_widths_and_depth(s in arb_spec(5, 6), layer in 0usize..5, extra in 1usize..7, nstar in 0usize..7) {
        let l = layer % s.depth();
        let mw = vec![1; s.depth()];
        let t0 = dyadic_chain::law(&s, Some(&mw)).total_mass_last();
        let mut more = mw.clone();
        more[l] += 1;
        prop_assert!(dyadic_chain::law(&s, Some(&more)).total_mass_last() <= t0.clone());
        let mut deeper = s.clone();
        deeper.widths.push(extra);
        let mut mw2 = mw.clone();
        mw2.push(nstar.min(extra));
        prop_assert!(dyadic_chain::law(&deeper, Some(&mw2)).total_mass_last() <= t0);
    }

    // spec: DEF-TRAINABILITY, ALG-DYADIC
    #[test]
    fn streaming_trainability_equals_the_full_law(s in arb_spec(6, 7), seed in any::<u64>()) {
        let floors: Vec<usize> = s.widths.iter().enumerate()
            .map(|(i, &w)| ((seed >> (3 * i)) as usize) % (w + 2)).collect();
        prop_assert_eq!(
            dyadic_chain::trainability(&s, &floors),
            rational_chain::law(&s, Some(&floors)).total_mass_last()
        );
    }

    // spec: THM-BORN-DEAD-LAST, DEF-BORN-DEAD, DEF-TRAINABILITY
    #[test]
    fn born_dead_is_complement_of_trainability_all_ones(s in arb_spec(7, 8)) {
        let ones = vec![1; s.depth()];
        let t = dyadic_chain::law(&s, Some(&ones)).total_mass_last();
        prop_assert_eq!(BigRational::one() - t, dyadic_chain::born_dead(&s));
        let by_depth = dyadic_chain::born_dead_by_depth(&s);
        prop_assert!(by_depth.windows(2).all(|w| w[0] <= w[1]));
        prop_assert_eq!(by_depth.last().unwrap(), &dyadic_chain::born_dead(&s));
    }
}

// spec: THM-CHAIN
#[test]
fn single_hidden_layer_is_binomial() {
    // P(K_1 = k) = C(N,k) (1-q1)^k q1^(N-k), checked against a direct
    // evaluation with factorials.
    for n in 1..=12usize {
        for q in [r(0, 1), r(1, 3), r(1, 2), r(5, 7), r(1, 1)] {
            let s = spec(vec![n], false, q.clone());
            let law = dyadic_chain::law(&s, None);
            let fact = |k: usize| (1..=k).fold(BigInt::one(), |a, i| a * BigInt::from(i));
            for k in 0..=n {
                let c = BigRational::new(fact(n), fact(k) * fact(n - k));
                let want = c
                    * num_traits::pow(BigRational::one() - &q, k)
                    * num_traits::pow(q.clone(), n - k);
                assert_eq!(law.layers[0][k], want, "n={n} q1={q} k={k}");
            }
        }
    }
}

// spec: THM-CHAIN, THM-DEPTH-DEATH
#[test]
fn width_one_networks_match_closed_form() {
    // widths (1,...,1): P(not born dead at depth D) = (1-q1) (1 - 2^-(1+beta))^(D-1)
    for beta in [false, true] {
        for q in [r(0, 1), r(1, 4), r(2, 3)] {
            for depth in 1..=12 {
                let s = spec(vec![1; depth], beta, q.clone());
                let alive = (BigRational::one() - &q)
                    * num_traits::pow(BigRational::one() - r(1, 1 << (1 + beta as i64)), depth - 1);
                assert_eq!(dyadic_chain::born_dead(&s), BigRational::one() - alive);
            }
        }
    }
}

// spec: THM-MINIMAL-WIDTH
#[test]
fn trainability_at_minimal_widths_is_the_product_and_below_one() {
    for beta in [false, true] {
        for q in [r(0, 1), r(1, 8), r(1, 3)] {
            for widths in [
                vec![2],
                vec![2, 1],
                vec![2, 1, 1, 1],
                vec![3, 2, 4],
                vec![1, 1],
            ] {
                let s = spec(widths.clone(), beta, q.clone());
                let t = dyadic_chain::law(&s, Some(&widths)).total_mass_last();
                let mut want = num_traits::pow(BigRational::one() - &q, widths[0]);
                for l in 1..widths.len() {
                    let dead = r(1, 1i64 << (widths[l - 1] + beta as usize));
                    want *= num_traits::pow(BigRational::one() - dead, widths[l]);
                }
                assert_eq!(t, want);
                if q > BigRational::zero() || widths.len() >= 2 {
                    assert!(t < BigRational::one(), "{widths:?} beta={beta} q1={q}");
                }
            }
        }
    }
}

/// P(Binomial(n, p) < k), exact.
fn binom_below(n: usize, p: &BigRational, k: usize) -> BigRational {
    rational_chain::binomial_law(n, p)
        .iter()
        .take(k)
        .fold(BigRational::zero(), |a, x| a + x)
}

// spec: THM-WIDTH-SUFFICIENT
#[test]
fn wide_networks_are_trainable_with_the_union_bound() {
    let nstar = [2usize, 1, 1, 3];
    for beta in [false, true] {
        for q in [r(0, 1), r(1, 2), r(9, 10)] {
            let mut prev_gap = BigRational::one();
            for n in [3usize, 6, 12, 24, 48] {
                let s = spec(vec![n; 4], beta, q.clone());
                let gap =
                    BigRational::one() - dyadic_chain::law(&s, Some(&nstar)).total_mass_last();
                let mut bound = binom_below(n, &(BigRational::one() - &q), nstar[0]);
                for &k in &nstar[1..] {
                    bound += binom_below(n, &r(1, 2), k.max(1));
                }
                assert!(gap <= bound, "n={n}");
                assert!(gap <= prev_gap);
                prev_gap = gap;
            }
            // the bound (hence the gap) is tiny at n = 48 unless q1 is large
            if q <= r(1, 2) {
                assert!(prev_gap < r(1, 1_000_000));
            }
        }
    }
}

// spec: THM-DEPTH-DEATH, THM-BORN-DEAD-LAST
#[test]
fn narrow_deep_networks_are_born_dead() {
    for beta in [0usize, 1] {
        for n in 1..=3usize {
            let s = spec(vec![n; 60], beta == 1, BigRational::zero());
            let bd = dyadic_chain::born_dead_by_depth(&s);
            let delta = r(1, 1i64 << ((n + beta) * n));
            for (d, p) in bd.iter().enumerate() {
                let survive_bound = num_traits::pow(BigRational::one() - &delta, d);
                assert!(
                    BigRational::one() - p <= survive_bound,
                    "n={n} depth={}",
                    d + 1
                );
            }
            assert!(bd.windows(2).all(|w| w[0] <= w[1]));
        }
    }
    // width 2, 60 layers, zero bias: born dead with probability > 0.99
    let s = spec(vec![2; 60], false, BigRational::zero());
    assert!(dyadic_chain::born_dead(&s) > r(99, 100));
}

// spec: THM-Q1-ZERO-1D
#[test]
fn q1_zero_bias_1d_cases() {
    assert_eq!(q1::zero_bias_1d(&[-1.0, 0.5, 2.0]).unwrap(), r(0, 1));
    assert_eq!(q1::zero_bias_1d(&[0.0, 0.5, 2.0]).unwrap(), r(1, 2));
    assert_eq!(q1::zero_bias_1d(&[-3.0, -0.5, 0.0]).unwrap(), r(1, 2));
    assert_eq!(q1::zero_bias_1d(&[0.0, 0.0]).unwrap(), r(1, 1));
    assert!(q1::zero_bias_1d(&[]).is_err());
    assert!(q1::zero_bias_1d(&[1.0, f64::NAN]).is_err());
}

// spec: THM-Q1-ATAN, THM-Q1-BALL
#[test]
fn q1_gaussian_closed_forms_limits() {
    // symmetric data around 0 with c x_max -> inf: the cone is a half-plane, q1 -> 0
    let q = q1::gaussian_bias_1d(&[-1e9, 1e9], 1.0, 1.0).unwrap();
    assert!(q < 1e-9);
    // a single point x = 0: condition b <= 0, q1 = 1/2
    assert!((q1::gaussian_bias_1d(&[0.0], 1.0, 1.0).unwrap() - 0.5).abs() < 1e-15);
    // one point x = 1, s_w = s_b: half-plane (w + b <= 0), q1 = 1/2
    assert!((q1::gaussian_bias_1d(&[1.0], 1.0, 1.0).unwrap() - 0.5).abs() < 1e-15);
    // X = {-1, 1}: the two normals (-1,1),(1,1) are at angle pi/2: q1 = (pi - pi/2)/(2 pi) = 1/4
    assert!((q1::gaussian_bias_1d(&[-1.0, 1.0], 1.0, 1.0).unwrap() - 0.25).abs() < 1e-15);
    // ball: radius -> 0 gives P(b <= 0) = 1/2; d = 1 ball [-r, r] equals the 1-D formula
    assert!((q1::gaussian_bias_ball(3, 1e-12, 1.0, 1.0).unwrap() - 0.5).abs() < 1e-9);
    for (rad, sw, sb) in [(1.0, 1.0, 1.0), (0.5, 2.0, 0.3), (3.0, 0.1, 1.0)] {
        let a = q1::gaussian_bias_ball(1, rad, sw, sb).unwrap();
        let b = q1::gaussian_bias_1d(&[-rad, rad], sw, sb).unwrap();
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    assert!(q1::gaussian_bias_ball(0, 1.0, 1.0, 1.0).is_err());
    // every scale must be finite and > 0 (zero, negative, infinite, NaN refused)
    for bad in [0.0, -1.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
        for (i, e) in [
            q1::gaussian_bias_ball(2, bad, 1.0, 1.0),
            q1::gaussian_bias_ball(2, 1.0, bad, 1.0),
            q1::gaussian_bias_ball(2, 1.0, 1.0, bad),
            q1::gaussian_bias_1d(&[1.0], bad, 1.0),
            q1::gaussian_bias_1d(&[1.0], 1.0, bad),
        ]
        .into_iter()
        .enumerate()
        {
            let msg = e
                .expect_err(&format!("{bad} accepted in case {i}"))
                .to_string();
            assert!(msg.contains("must be finite and > 0"), "{msg}");
        }
    }
}

// spec: ALG-SEARCH, THM-MONOTONE
#[test]
fn width_search_matches_a_direct_scan() {
    for (depth, nstar, eps, beta) in [
        (3usize, vec![2usize, 1, 1], r(1, 100), false),
        (6, vec![2, 1, 1, 1, 1, 1], r(1, 1000), true),
        (10, vec![1; 10], r(1, 10_000), false),
        (2, vec![3, 3], r(1, 2), true),
    ] {
        let bias = if beta {
            BiasMode::Symmetric
        } else {
            BiasMode::Zero
        };
        let ans =
            search::min_uniform_width(depth, bias, &BigRational::zero(), &nstar, &eps).unwrap();
        let target = BigRational::one() - &eps;
        let lo = *nstar.iter().max().unwrap();
        let first = (lo..200)
            .find(|&n| {
                let s = spec(vec![n; depth], beta, BigRational::zero());
                dyadic_chain::law(&s, Some(&nstar)).total_mass_last() >= target
            })
            .unwrap();
        assert_eq!(ans.width, first);
        assert!(ans.trainability >= target);
        if let Some(b) = ans.trainability_below {
            assert!(b < target);
        }
    }
}

// spec: ALG-SEARCH, THM-BORN-DEAD-LAST
#[test]
fn depth_search_matches_a_direct_scan() {
    for (n, beta, q, eps) in [
        (1usize, false, r(0, 1), r(1, 10)),
        (2, false, r(0, 1), r(1, 100)),
        (3, true, r(1, 4), r(1, 20)),
        (4, false, r(0, 1), r(1, 1000)),
        (2, true, r(1, 3), r(1, 2)),
    ] {
        let bias = if beta {
            BiasMode::Symmetric
        } else {
            BiasMode::Zero
        };
        let ans = search::max_depth_born_dead(n, bias, &q, &eps).unwrap();
        let s = spec(vec![n; 3000], beta, q.clone());
        let direct = dyadic_chain::born_dead_by_depth(&s)
            .iter()
            .take_while(|p| **p <= eps)
            .count() as u64;
        assert_eq!(ans.depth_min, direct, "n={n}");
        assert_eq!(ans.depth_max, Some(direct), "n={n}");
        assert!(ans.born_dead.exact.is_some());
    }
    // q1 = 1: born dead already at depth 1
    let ans = search::max_depth_born_dead(3, BiasMode::Zero, &r(1, 1), &r(1, 2)).unwrap();
    assert_eq!((ans.depth_min, ans.depth_max), (0, Some(0)));
}

// spec: BOUND-F64
#[test]
fn f64_path_handles_thousands_without_underflow() {
    let s = spec(vec![300; 300], false, BigRational::zero());
    let (bd, bound) = float_chain::born_dead(&s);
    assert!(bound < 1e-9, "bound {bound}");
    // P(born dead) is astronomically small but representable in Xf64
    assert!(bd.log10() < -100.0 && bd.log10().is_finite());
    let (t, tb) = float_chain::trainability(&s, &vec![1; 300]);
    assert!((t.to_f64() - 1.0).abs() <= tb);
}

// spec: BOUND-F64
#[test]
fn f64_path_is_bit_identical_for_any_thread_count() {
    let s = spec(vec![200, 150, 300, 100], true, r(1, 3));
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| float_chain::law(&s, None))
    };
    let (a, b) = (run(1), run(3));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.probs, y.probs);
        assert_eq!(x.roundings, y.roundings);
    }
}
