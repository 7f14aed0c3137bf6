//! Unit tests of the Clopper-Pearson solver's cost and of the sign change
//! it returns (ALG-BINOMIAL). The values of the intervals are checked
//! against independent references in tests/robust_binomial.rs and
//! tests/stats_binomial.rs.

use super::*;

/// The grid: n from 1 to 1e12; x at 0, 1, n/3, n/2, n - 1, n; confidence
/// from 0.5 to 1 - 1e-12. At n = 1e12 only the ends (x = 0, 1, n - 1, n):
/// a tail near the middle sums about 1e6 terms there, and these tests run
/// under every mutant of the file (tests/robust_binomial.rs covers the
/// middle at 1e12).
fn grid() -> Vec<(u64, u64, f64)> {
    let mut out = Vec::new();
    for n in [
        1u64,
        2,
        10,
        100,
        1000,
        1_000_000,
        1_000_000_000,
        1_000_000_000_000,
    ] {
        for x in [0, 1, n / 3, n / 2, n - 1, n] {
            if n == 1_000_000_000_000 && (x == n / 3 || x == n / 2) {
                continue;
            }
            for c in [0.5, 0.9, 0.95, 0.999999, 1.0 - 1e-12] {
                out.push((x.min(n), n, c));
            }
        }
    }
    out
}

/// ALG-BINOMIAL's cost: at most 120 tail evaluations per interval and 64
/// on average over the grid (measured when the bound was set: 117, at
/// n = 1e9, and 62.1; a solver reduced to bisection on the bits needs
/// more than 64 per end). The ends themselves do not depend on the path:
/// for an increasing g the adjacent floats with g(lo) < 0 <= g(hi) are
/// unique (next test), so this bound is what a change of the solver's
/// strategy can break.
// spec: ALG-BINOMIAL
#[test]
fn tail_evaluations_per_interval_stay_within_the_stated_cost() {
    let mut counts = Vec::new();
    for (x, n, c) in grid() {
        let k = counted_clopper_pearson(x, n, c).unwrap().1;
        // an end strictly inside costs at least the two ends of its
        // bracket
        let inner = usize::from(x > 0) + usize::from(x < n);
        assert!(k >= 2 * inner, "{x} {n} {c}: {k}");
        counts.push(k);
    }
    let max = *counts.iter().max().unwrap();
    let mean = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    assert!(max <= 120 && mean <= 64.0, "max {max}, mean {mean}");
    // the closed-form ends need no tail at all
    assert_eq!(counted_clopper_pearson(0, 0, 0.95).unwrap().1, 0);
}

/// Each end is a sign change of its equation between adjacent floats: the
/// lower end p_L has P(X >= x | p_L) < a/2 <= P(X >= x | next float up),
/// the upper end p_U has P(X <= x | p_U) <= a/2 < P(X <= x | float below),
/// in the tails as computed.
// spec: ALG-BINOMIAL
#[test]
fn each_end_is_a_sign_change_between_adjacent_floats() {
    for (x, n, c) in grid() {
        let (lo, hi) = checked_clopper_pearson(x, n, c).unwrap();
        let ln_a = ((1.0 - c) / 2.0).ln();
        if x > 0 {
            assert!(ln_upper_tail(x, n, lo) - ln_a < 0.0, "{x} {n} {c}");
            assert!(
                ln_upper_tail(x, n, lo.next_up()) - ln_a >= 0.0,
                "{x} {n} {c}"
            );
        } else {
            assert_eq!(lo, 0.0);
        }
        if x < n {
            assert!(ln_a - ln_lower_tail(x, n, hi) >= 0.0, "{x} {n} {c}");
            assert!(
                ln_a - ln_lower_tail(x, n, hi.next_down()) < 0.0,
                "{x} {n} {c}"
            );
        } else {
            assert_eq!(hi, 1.0);
        }
    }
}

/// The quantile guess against statrs' normal quantile (an independent
/// implementation): the Mills-ratio form overstates z, by less than 0.1
/// for a <= 0.05 and less than 0.01 for a <= 5e-7 (measured when the bounds
/// were set: 0.089 at a = 0.05, 0.0075 at 5e-7, 1e-4 at 1e-100).
// spec: ALG-BINOMIAL
#[test]
fn quantile_guess_is_near_the_normal_quantile() {
    use statrs::distribution::{ContinuousCDF, Normal};
    let normal = Normal::new(0.0, 1.0).unwrap();
    for a in [0.05, 0.025, 0.005, 1e-3, 5e-7, 1e-9, 5e-13, 1e-100] {
        let z = -normal.inverse_cdf(a);
        let guess = normal_quantile_guess(f64::ln(a));
        let over = guess - z;
        assert!(over >= 0.0 && over < 0.1, "a = {a}: {guess} for {z}");
        assert!(a > 5e-7 || over < 0.01, "a = {a}: {guess} for {z}");
    }
}

/// Each guessed pair brackets its end, checked on the tails directly:
/// ln P(X >= x | g0) < ln(a/2) <= ln P(X >= x | g1) for the lower end and
/// ln P(X <= x | h0) > ln(a/2) >= ln P(X <= x | h1) for the upper end (an
/// outer guess may leave [0, 1]: the solver then ignores it). The normal
/// approximation misses where the binomial is skewed (30 successes of 300
/// at 99.9 %, 30 of 1e9 at 99.9 %), so the claim is a count over the
/// grid: at least 320 of its 464 pairs (measured when the bound was set:
/// 333). The pairs are always ordered and narrow: g0 < g1 < x / n < h0 <
/// h1, each pair at most 2 sd + 2 / n wide (for small n even an inner
/// guess can leave [0, 1]: g1 < 0 at 5 of 30).
// spec: ALG-BINOMIAL
#[test]
fn normal_guesses_bracket_most_ends_and_are_ordered_and_narrow() {
    let (mut pairs, mut bracketing) = (0, 0);
    for n in [30u64, 100, 300, 1000, 1_000_000, 1_000_000_000] {
        for x in [
            5,
            10,
            30,
            n / 10,
            n / 3,
            n / 2,
            n - n / 7,
            n - 30,
            n - 10,
            n - 5,
        ] {
            if x == 0 || x >= n {
                continue;
            }
            for c in [0.9f64, 0.95, 0.999, 0.999999] {
                let ln_a = ((1.0 - c) / 2.0).ln();
                let [[g0, g1], [h0, h1]] = normal_guesses(x, n, ln_a);
                let p0 = x as f64 / n as f64;
                let sd = (p0 * (1.0 - p0) / n as f64).sqrt();
                let what = format!("x = {x}, n = {n}, c = {c}: {g0} {g1} {h0} {h1}");
                assert!(g0 < g1 && g1 < p0 && p0 < h0 && h0 < h1, "{what}");
                let wide = 2.0 * sd + 2.0 / n as f64;
                assert!(g1 - g0 <= wide && h1 - h0 <= wide, "{what}");
                let lower = ln_upper_tail(x, n, g0) < ln_a && ln_upper_tail(x, n, g1) >= ln_a;
                let upper = ln_lower_tail(x, n, h0) > ln_a && ln_lower_tail(x, n, h1) <= ln_a;
                pairs += 2;
                bracketing += usize::from(lower) + usize::from(upper);
            }
        }
    }
    assert_eq!(pairs, 464);
    assert!(bracketing >= 320, "{bracketing} of {pairs}");
}

/// Confidence levels outside the open interval (0, 1), NaN included, are
/// refused, at both boundaries; successes above trials too.
// spec: ALG-BINOMIAL
#[test]
fn refuses_levels_outside_the_open_unit_interval() {
    for c in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        let e = checked_clopper_pearson(1, 2, c).unwrap_err().to_string();
        assert!(e.contains("is not in (0, 1)"), "{c}: {e}");
    }
    for c in [f64::MIN_POSITIVE, 0.5, 1.0 - f64::EPSILON] {
        assert!(checked_clopper_pearson(1, 2, c).is_ok(), "{c}");
    }
    let e = checked_clopper_pearson(3, 2, 0.95).unwrap_err().to_string();
    assert!(e.contains("3 successes in only 2 trials"), "{e}");
    assert!(checked_clopper_pearson(2, 2, 0.95).is_ok());
}

/// Printed by tests/reference/loader_mpmath.py (50 digits, from the definitions).
#[rustfmt::skip]
const STIRLERR: &[(f64, f64)] = &[
    (1.0, 8.106146679532725822e-2),
    (2.0, 4.1340695955409294094e-2),
    (3.0, 2.7677925684998339149e-2),
    (4.0, 2.0790672103765093112e-2),
    (5.0, 1.6644691189821192163e-2),
    (6.0, 1.3876128823070747999e-2),
    (7.0, 1.1896709945891770095e-2),
    (8.0, 1.0411265261972096497e-2),
    (9.0, 9.2554621827127329177e-3),
    (10.0, 8.3305634333628712565e-3),
    (11.0, 7.573675487951840795e-3),
    (12.0, 6.9428401072095298657e-3),
    (13.0, 6.4089941880042070684e-3),
    (14.0, 5.9513701127588477356e-3),
    (15.0, 5.554733551962801371e-3),
    (16.0, 5.2076559196096404407e-3),
    (17.0, 4.9013959484347378607e-3),
    (18.0, 4.6291537493340285924e-3),
    (19.0, 4.3855602492323242683e-3),
    (20.0, 4.1663196919969224575e-3),
    (25.0, 3.3331556367280928758e-3),
    (30.0, 2.7776749297526936036e-3),
    (35.0, 2.3808876082341119857e-3),
    (36.0, 2.3147552905146838668e-3),
    (40.0, 2.0832899383024217487e-3),
    (50.0, 1.6666444469833655099e-3),
    (79.0, 1.0548466869410077596e-3),
    (80.0, 1.0416612415616190685e-3),
    (81.0, 1.0288013577107775094e-3),
    (100.0, 8.3333055563491468338e-4),
    (200.0, 4.1666631944692455667e-4),
    (499.0, 1.6700064564660699092e-4),
    (500.0, 1.6666664444446984119e-4),
    (501.0, 1.6633397657993270518e-4),
    (1000.0, 8.3333330555556349206e-5),
    (10000.0, 8.3333333305555555635e-6),
    (1000000.0, 8.3333333333330555556e-8),
    (1000000000.0, 8.3333333333333333331e-11),
    (1000000000000.0, 8.3333333333333333333e-14),
    (1000000000000000.0, 8.3333333333333333381e-17),
];
#[rustfmt::skip]
const BD0: &[(f64, f64, f64)] = &[
    (0.500000005, 0.5, 2.499999961279312098e-17),
    (0.499999995, 0.5, 2.5000000334571299404e-17),
    (0.50005, 0.5, 2.4999166708325327069e-9),
    (0.49995, 0.5, 2.5000833374996993185e-9),
    (0.505, 0.5, 2.4917080849881882537e-5),
    (0.495, 0.5, 2.5083752516786658776e-5),
    (0.55, 0.5, 2.4205988923786772568e-3),
    (0.45, 0.5, 2.5877679539781632779e-3),
    (0.59, 0.5, 7.6535187017682961332e-3),
    (0.42, 0.5, 6.7715773991933465756e-3),
    (0.04999999999999999, 0.5, 3.3487074535029774136e-1),
    (0.25, 0.5, 7.6713204860013672646e-2),
    (0.75, 0.5, 5.4098831081123286484e-2),
    (2.0, 0.5, 1.2725887222397812377),
    (50.5, 0.5, 1.8306358610048360227e+2),
    (10.0000001, 10.0, 4.999999922558624196e-16),
    (9.999999899999999, 10.0, 5.0000001335276422479e-16),
    (10.001, 10.0, 4.9998333416606247438e-8),
    (9.999, 10.0, 5.0001666749949575229e-8),
    (10.1, 10.0, 4.9834161699763323191e-4),
    (9.9, 10.0, 5.0167505033572871227e-4),
    (11.0, 10.0, 4.8411977847573460483e-2),
    (9.0, 10.0, 5.1755359079563288952e-2),
    (11.799999999999999, 10.0, 1.5307037403536584916e-1),
    (8.4, 10.0, 1.3543154798386681537e-1),
    (0.9999999999999998, 10.0, 6.6974149070059548273),
    (5.0, 10.0, 1.5342640972002734529),
    (15.0, 10.0, 1.0819766216224657297),
    (40.0, 10.0, 2.5451774444795624753e+1),
    (1010.0, 10.0, 3.6612717220096720454e+3),
    (1000000.0099999999, 1000000.0, 4.9999998762312384449e-11),
    (999999.99, 1000000.0, 5.0000000259798925471e-11),
    (1000100.0, 1000000.0, 4.9998333416661667e-3),
    (999900.0, 1000000.0, 5.0001666750005000333e-3),
    (1010000.0, 1000000.0, 4.9834161699763676698e+1),
    (990000.0, 1000000.0, 5.0167505033573228287e+1),
    (1100000.0, 1000000.0, 4.8411977847573460483e+3),
    (900000.0, 1000000.0, 5.1755359079563288952e+3),
    (1180000.0, 1000000.0, 1.5307037403536602557e+4),
    (840000.0, 1000000.0, 1.3543154798386687731e+4),
    (99999.99999999997, 1000000.0, 6.6974149070059549861e+5),
    (500000.0, 1000000.0, 1.5342640972002734529e+5),
    (1500000.0, 1000000.0, 1.0819766216224657297e+5),
    (4000000.0, 1000000.0, 2.5451774444795624753e+6),
    (101000000.0, 1000000.0, 3.6612717220096720454e+8),
    (1000000010000.0, 1000000000000.0, 4.9999999833333334167e-5),
    (999999990000.0, 1000000000000.0, 5.00000001666666675e-5),
    (1000100000000.0, 1000000000000.0, 4.9998333416661667e+3),
    (999900000000.0, 1000000000000.0, 5.0001666750005000333e+3),
    (1010000000000.0, 1000000000000.0, 4.9834161699763676698e+7),
    (990000000000.0, 1000000000000.0, 5.0167505033573228287e+7),
    (1100000000000.0, 1000000000000.0, 4.8411977847573460483e+9),
    (900000000000.0, 1000000000000.0, 5.1755359079563288952e+9),
    (1180000000000.0, 1000000000000.0, 1.5307037403536602557e+10),
    (840000000000.0, 1000000000000.0, 1.3543154798386687731e+10),
    (99999999999.99998, 1000000000000.0, 6.6974149070059546673e+11),
    (500000000000.0, 1000000000000.0, 1.5342640972002734529e+11),
    (1500000000000.0, 1000000000000.0, 1.0819766216224657297e+11),
    (4000000000000.0, 1000000000000.0, 2.5451774444795624753e+12),
    (101000000000000.0, 1000000000000.0, 3.6612717220096720454e+14),
];

/// Loader's stirlerr and bd0 (the pieces of every tail) against mpmath:
/// stirlerr within 4e-12 relative for n <= 15 (the sum of logs cancels:
/// 1.2e-12 measured at n = 14) and 4e-13 above (the series truncated as
/// Loader does: 1.5e-13 at n = 501); bd0 within 4e-15 (1.0e-15 measured),
/// on both sides of its series' range |x - m| < 0.1 (x + m).
// spec: ALG-BINOMIAL
#[test]
fn stirlerr_and_bd0_match_mpmath() {
    for &(n, want) in STIRLERR {
        let tol = if n <= 15.0 { 4e-12 } else { 4e-13 };
        let err = ((stirlerr(n) - want) / want).abs();
        assert!(err <= tol, "stirlerr({n}): relative error {err:e}");
    }
    for &(x, m, want) in BD0 {
        let err = ((bd0(x, m) - want) / want).abs();
        assert!(err <= 4e-15, "bd0({x}, {m}): relative error {err:e}");
    }
}

/// ln(1 - e^t) on both sides of the switch at t = -ln 2, against mpmath
/// (40 digits; python3 -c "import mpmath as mp; mp.mp.dps = 40;
/// print(mp.log(1 - mp.exp(mp.mpf(t))))" for each t): relative 1e-15. The
/// callers pass only t < -ln 2 (the complement of a tail beyond the
/// median), but the function is right for every t < 0; near 0 only the
/// expm1 form is (1e-7 relative off at t = -1e-10 otherwise).
// spec: ALG-BINOMIAL
#[test]
fn ln_one_minus_matches_mpmath_on_both_branches() {
    let cases = [
        (-1e-10, -23.025850929990456804),
        (-0.001, -6.9082552373154707118),
        (-0.5, -0.93275212956718857189),
        (-std::f64::consts::LN_2, -0.69314718055994533261),
        (-0.7, -0.6863410028083851535),
        (-5.0, -0.0067607494494885578259),
        (-50.0, -1.928749847963917783e-22),
    ];
    for (t, want) in cases {
        let got = ln_one_minus(t);
        assert!(
            ((got - want) / want).abs() <= 1e-15,
            "t = {t}: {got} vs {want}"
        );
    }
    assert_eq!(ln_one_minus(-800.0), 0.0);
}

/// ln s, s = sum_{k >= x} pmf(k) / pmf(x) (or k <= x), the sum the tail
/// functions add term by term, printed by tests/reference/tail_sum_mpmath.py
/// from exact ratios at 50 digits: (x, n, p, upwards, ln s).
#[rustfmt::skip]
const TAIL_SUMS: &[(u64, u64, f64, bool, f64)] = &[
    // At the mean, p = 1/2 (about 12 sd of terms: 6e6 at n = 1e12).
    (50_000_000, 100_000_000, 0.5, true, 8.743064331833916134720805),
    (5_000_000_000, 10_000_000_000, 0.5, true, 11.04557761589378755291682),
    (500_000_000_000, 1_000_000_000_000, 0.5, true, 13.34815552793354872000283),
    (500_000_000_000, 1_000_000_000_000, 0.5, false, 13.34815552793354872000283),
    // Ratios near 5e-4 that fall fast: the terms are 5e-4, 1.7e-7,
    // 4.2e-11, 8.3e-15, 1.4e-18 of the first.
    (1, 1_000_000, 1e-9, true, 5.000411669163608507619209e-4),
    (999_999, 1_000_000, 1.0 - 1.0 / 1_073_741_824.0, false, 4.656969619354807523071804e-4),
];

/// The tail sums stop only when the rest cannot change the sum: at the
/// mean of Binomial(n, 1/2) within 1e-12 relative (3.2e-13 measured at
/// n = 1e12, the rounding of 6e6 additions), and with fast-falling ratios
/// within 2e-15 absolute in ln s (the rounding of ln pmf(x) + ln s: 4.4e-16).
/// Stopping one term early there (when t r^2 < 1e-17 s instead of
/// t r / (1 - r)) drops the term 8.3e-15.
// spec: ALG-BINOMIAL
#[test]
fn tail_sums_match_an_exact_summation() {
    for &(x, n, p, up, want) in TAIL_SUMS {
        let l0 = ln_pmf(x, n, p);
        let got = if up {
            ln_sum_up(x, n, p)
        } else {
            ln_sum_down(x, n, p)
        } - l0;
        let tol = if p == 0.5 { 1e-12 * want } else { 2e-15 };
        assert!(
            (got - want).abs() <= tol,
            "x {x} n {n} p {p} up {up}: ln s {got} vs {want}"
        );
    }
}
