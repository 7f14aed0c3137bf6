//! The depth search's documented strategy (ALG-SEARCH, "Work and budgets"):
//! how many unlumped steps it takes, which chains it lifts, and when it
//! calls the exact engine. These fix what the search costs and which of
//! several valid answers it gives; the expected values are derived here by
//! hand from the documented rules (step budget floor(3e6 / (N + 1)^2)
//! capped at 64; lumped chains of 16, 32, 64 states, the full chain below
//! 72 states; exact values within 0.2 s, exact tie-breaking within 2 s, of
//! the cost model ALG-COST). The correctness of the answers themselves is
//! checked against independent values in tests/exact_depth.rs; here each
//! answer is also checked against a closed form or an exact value.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use relu_trainability::exact::search::max_depth_born_dead;
use relu_trainability::exact::{cost, dyadic_chain, BiasMode, ChainSpec};

fn pow2_neg(e: usize) -> BigRational {
    BigRational::new(BigInt::one(), BigInt::one() << e)
}

/// ALG-COST estimate of the exact law of `depth` layers of width `n`, q1 = 0.
fn exact_cost(n: usize, depth: usize) -> cost::CostEstimate {
    cost::estimate(&ChainSpec::new(vec![n; depth], BiasMode::Zero, BigRational::zero()).unwrap())
}

// spec: ALG-SEARCH
#[test]
fn the_unlumped_step_budget_is_floor_3e6_over_n_plus_1_squared() {
    // q1 = 0: B(1) = 0, B(2) = 2^-N^2 (zero bias, closed form) and
    // B(3) > B(2); at eps = B(2), D* = 2, and B(2) is a point of the
    // 128-bit enclosures, so an unlumped step to depth 3 decides.
    // Width 1000: floor(3e6 / 1001^2) = floor(2.996) = 2 steps, then the
    // lumped chain of 16 states decides; a third step (budget 3, e.g. with
    // 999 * 1001 = 999999 in the denominator) would decide by stepping.
    let a = max_depth_born_dead(
        1000,
        BiasMode::Zero,
        &BigRational::zero(),
        &pow2_neg(1_000_000),
    )
    .unwrap();
    assert_eq!((a.depth_min, a.depth_max), (2, Some(2)));
    assert_eq!(a.unlumped_steps, 2);
    assert_eq!(a.lifted_chains, vec![16]);
    // Width 1224: floor(3e6 / 1225^2) = floor(1.9992) = 1 step (a budget
    // computed with 1224 * 1225 = 1499400 would give 2). Then no lumped
    // chain separates B(2) from eps: the answer is an interval with D* = 2
    // inside, after all three lumped chains.
    let a = max_depth_born_dead(
        1224,
        BiasMode::Zero,
        &BigRational::zero(),
        &pow2_neg(1224 * 1224),
    )
    .unwrap();
    assert_eq!(a.unlumped_steps, 1);
    assert_eq!(a.lifted_chains, vec![16, 32, 64]);
    assert!(a.depth_min <= 2 && a.depth_max.is_none_or(|h| h >= 2));
    assert!(!a.decided());
}

// spec: ALG-SEARCH
#[test]
fn lifted_chains_follow_the_documented_sizes() {
    // q1 = 0 and eps = 2^-3000 (width 72) or 2^-2000 (width 63): far more
    // than 64 layers are allowed, so the 64 unlumped steps do not decide and
    // the lumped chains of 16 and 32 states do not either (their
    // enclosures are too loose at these eps). Which chain comes next is
    // the documented rule: width 72 has no full chain (N + 1 = 73 > 72
    // states), so the lumped chain of 64 states; width 63 skips lumped
    // chains of more than half the full chain's 64 states (none here:
    // 2 * 32 = 64 is not more than 64) and then lifts the full chain.
    for (n, e, chains) in [
        (72usize, 3000usize, vec![16usize, 32, 64]),
        (63, 2000, vec![16, 32, 64]),
    ] {
        let a = max_depth_born_dead(n, BiasMode::Zero, &BigRational::zero(), &pow2_neg(e)).unwrap();
        assert_eq!(a.unlumped_steps, 64, "width {n}");
        assert_eq!(a.lifted_chains, chains, "width {n}");
        // the answer is at least the stepped depth (B(64) <= eps was seen)
        assert!(a.depth_min >= 64, "width {n}: {}", a.depth_min);
    }
}

// spec: ALG-SEARCH, ALG-COST
#[test]
fn the_exact_engine_is_called_within_its_budgets() {
    // A decided answer D* = 2 (q1 = 0, eps = B(2) = 2^-N^2, closed form)
    // gets exact values when the exact law of 3 layers costs at most 0.2 s
    // in the cost model: width 150 yes, width 200 no.
    let c150 = exact_cost(150, 3);
    let (c200_2, c200_3) = (exact_cost(200, 2), exact_cost(200, 3));
    assert!(c150.seconds <= 0.2, "{}", c150.seconds);
    assert!(c200_2.seconds <= 0.2 && c200_3.seconds > 0.2 && c200_3.seconds <= 2.0);
    assert!(c200_3.bytes_all_layers <= 256.0 * 1024.0 * 1024.0);
    let a = max_depth_born_dead(
        150,
        BiasMode::Zero,
        &BigRational::zero(),
        &pow2_neg(150 * 150),
    )
    .unwrap();
    assert_eq!((a.depth_min, a.depth_max, a.method), (2, Some(2), "exact"));
    assert_eq!(a.born_dead.exact, Some(pow2_neg(150 * 150)));
    // width 200: the report's budget is judged at depth 3 (0.2 s < cost),
    // not at depth 2, and a decided answer never enters the 2 s tie-break
    // budget, nor is the time budget waived when memory suffices
    let a = max_depth_born_dead(
        200,
        BiasMode::Zero,
        &BigRational::zero(),
        &pow2_neg(200 * 200),
    )
    .unwrap();
    assert_eq!(
        (a.depth_min, a.depth_max, a.method),
        (2, Some(2), "enclosure")
    );
    assert!(a.born_dead.exact.is_none());

    // A tie: eps = B(3) exactly (the exact engine), which no 128-bit
    // enclosure separates from B(3); D* = 3 since B(4) > B(3) (q1 = 0:
    // B(4) >= B(3) + P(K_3 = N) 2^-N^2). The tie is broken exactly when
    // the exact law of h + 1 = 4 layers costs at most 2 s: width 250 yes
    // (about 1.1 s), width 300 no (about 2.3 s; 3 layers would be 1.2 s).
    let (c250_4, c300_3, c300_4) = (exact_cost(250, 4), exact_cost(300, 3), exact_cost(300, 4));
    assert!(c250_4.seconds <= 2.0 && c300_3.seconds <= 2.0 && c300_4.seconds > 2.0);
    for (n, broken) in [(250usize, true), (300, false)] {
        let spec = ChainSpec::new(vec![n; 4], BiasMode::Zero, BigRational::zero()).unwrap();
        let b = dyadic_chain::born_dead_by_depth(&spec);
        assert!(b[3] > b[2]);
        let a = max_depth_born_dead(n, BiasMode::Zero, &BigRational::zero(), &b[2]).unwrap();
        if broken {
            assert_eq!(
                (a.depth_min, a.depth_max, a.method),
                (3, Some(3), "exact"),
                "width {n}"
            );
            assert_eq!(a.born_dead.exact.as_ref(), Some(&b[2]));
        } else {
            assert_eq!(
                (a.depth_min, a.depth_max, a.method),
                (2, Some(3), "enclosure"),
                "width {n}"
            );
        }
    }
}
