//! Xf64 (BOUND-F64's scaled f64) against an independent reference: every
//! operation is compared with the exact result, computed in big rationals
//! and rounded to 53 bits (round half to even) by the integer routine
//! below, at magnitudes far outside f64 (2^-6000 to 2^6000), at subnormal
//! inputs and at exact ties. The bound's rounding count assumes each
//! operation rounds as documented; these tests pin that assumption.

use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use proptest::prelude::*;
use relu_trainability::exact::float_chain::Xf64;

mod exact_support;
use exact_support::{floor_log2, two_pow};

/// r rounded to 53 significant bits, half to even, with an unbounded
/// exponent (no underflow, no overflow).
fn round53(r: &BigRational) -> BigRational {
    assert!(!r.is_negative());
    if r.is_zero() {
        return BigRational::zero();
    }
    // r = s * 2^(e - 52) with s in [2^52, 2^53)
    let e = floor_log2(r) - 52;
    let s = r * two_pow(-e);
    let (q, rem) = s.numer().div_rem(s.denom());
    let twice = BigRational::new(rem * 2, s.denom().clone());
    let q = if twice > BigRational::one() || (twice == BigRational::one() && q.is_odd()) {
        q + 1
    } else {
        q
    };
    BigRational::from_integer(q) * two_pow(e)
}

fn exact(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap()
}

/// A value m * 2^k built through the public API; exact (checked by
/// `construction_and_to_rational_are_exact`).
fn xf(m: f64, k: i64) -> Xf64 {
    Xf64::from_f64(m).mul_pow2(k)
}

/// Positive finite f64 mantissas, normal and subnormal.
fn mant() -> impl Strategy<Value = f64> {
    prop_oneof![
        (1u64..(1 << 52)).prop_map(|b| f64::from_bits((1023u64 << 52) | b)),
        (1u64..(1 << 52)).prop_map(f64::from_bits), // subnormal
        (1u64..0x7fe).prop_map(|e| f64::from_bits(e << 52)), // powers of two
        (1u64..0x7ff0_0000_0000_0000).prop_map(f64::from_bits),
    ]
}

fn scale() -> impl Strategy<Value = i64> {
    prop_oneof![-6000i64..6000, -80i64..80, Just(0i64)]
}

// spec: BOUND-F64
#[test]
fn construction_and_to_rational_are_exact() {
    let cases = [
        0.0,
        1.0,
        0.5,
        f64::MIN_POSITIVE,
        f64::MIN_POSITIVE / 3.0, // subnormal
        f64::from_bits(1),       // smallest subnormal
        f64::MAX,
        1.0 / 3.0,
        (1u64 << 53) as f64 - 1.0,
    ];
    for x in cases {
        assert_eq!(Xf64::from_f64(x).to_rational(), exact(x), "{x:e}");
        for k in [-5000i64, -1075, -1, 0, 1, 1100, 7000] {
            let want = if x == 0.0 {
                BigRational::zero()
            } else {
                exact(x) * two_pow(k)
            };
            assert_eq!(xf(x, k).to_rational(), want, "{x:e} 2^{k}");
        }
    }
    for e in [-7000i64, -1075, -1074, -1022, -1, 0, 1, 1023, 1024, 7000] {
        assert_eq!(Xf64::pow2(e).to_rational(), two_pow(e), "2^{e}");
    }
    assert_eq!(Xf64::ONE.to_rational(), BigRational::one());
    assert_eq!(Xf64::ZERO.to_rational(), BigRational::zero());
    assert_eq!(Xf64::ZERO.mul_pow2(9), Xf64::ZERO);
}

// spec: BOUND-F64
#[test]
fn from_rational_rounds_once_at_any_magnitude() {
    // 1/3 * 2^k far outside f64, and halfway cases in both directions
    let third = BigRational::new(1.into(), 3.into());
    for k in [-100000i64, -1080, -1074, -1022, 0, 1024, 100000] {
        let r = &third * two_pow(k);
        assert_eq!(
            Xf64::from_rational(&r).to_rational(),
            round53(&r),
            "2^{k}/3"
        );
    }
    let one = BigRational::one();
    let u = two_pow(-53);
    // 1 + 2^-53 is a tie: to even (1); 1 + 3 2^-53 is a tie: to even (1 + 2^-51)
    assert_eq!(Xf64::from_rational(&(&one + &u)).to_rational(), one);
    let up = &one + &u * BigRational::from_integer(3.into());
    assert_eq!(Xf64::from_rational(&up).to_rational(), &one + two_pow(-51));
    // just above a tie rounds up
    let above = &one + &u + two_pow(-200);
    assert_eq!(
        Xf64::from_rational(&above).to_rational(),
        &one + two_pow(-52)
    );
    assert_eq!(Xf64::from_rational(&BigRational::zero()), Xf64::ZERO);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    // spec: BOUND-F64
    #[test]
    fn each_operation_rounds_exactly_as_documented(
        a in mant(), ka in scale(), b in mant(), kb in scale(),
        c in mant(), kc in scale(), k in -3000i64..3000,
        num in 1u64..u64::MAX, den in 1u64..u64::MAX, kr in -5000i64..5000,
    ) {
        let (x, y, z) = (xf(a, ka), xf(b, kb), xf(c, kc));
        let (rx, ry, rz) = (x.to_rational(), y.to_rational(), z.to_rational());
        prop_assert_eq!(&rx, &(exact(a) * two_pow(ka)));
        // one rounding
        prop_assert_eq!(x.times(y).to_rational(), round53(&(&rx * &ry)));
        prop_assert_eq!(x.plus(y).to_rational(), round53(&(&rx + &ry)));
        prop_assert_eq!(x.mul_f64(b).to_rational(), round53(&(&rx * exact(b))));
        prop_assert_eq!(x.div_f64(b).to_rational(), round53(&(&rx / exact(b))));
        // two roundings: (x y) rounded, times z rounded, then an exact 2^k
        let two = round53(&(round53(&(&rx * &ry)) * &rz)) * two_pow(k);
        prop_assert_eq!(Xf64::mul3_pow2(x, y, z, k).to_rational(), two);
        // exact shift
        prop_assert_eq!(x.mul_pow2(k).to_rational(), &rx * two_pow(k));
        // zero is neutral for plus and absorbing for products
        prop_assert_eq!(x.plus(Xf64::ZERO), x);
        prop_assert_eq!(Xf64::ZERO.plus(x), x);
        prop_assert_eq!(x.times(Xf64::ZERO).to_rational(), BigRational::zero());
        // a rational at any magnitude, rounded once
        let r = BigRational::new(num.into(), den.into()) * two_pow(kr);
        prop_assert_eq!(Xf64::from_rational(&r).to_rational(), round53(&r));
    }

    // spec: BOUND-F64
    #[test]
    fn to_f64_and_log10_match_the_exact_value(a in mant(), k in -1200i64..1200) {
        let x = xf(a, k);
        let r = x.to_rational();
        let got = x.to_f64();
        let e = floor_log2(&r);
        if e >= 1024 {
            prop_assert_eq!(got, f64::INFINITY);
        } else if e >= -1022 {
            // a normal f64 holds the 53-bit value exactly
            prop_assert_eq!(exact(got), r.clone());
        } else {
            // subnormal range: within one subnormal spacing, never above 2^-1022
            let diff = (exact(got) - &r).abs();
            prop_assert!(diff <= two_pow(-1074), "{got:e} vs 2^{e}");
        }
        // log10 from an independent split: r = s 2^e, s in [1, 2)
        let scaled = (&r * two_pow(60 - e)).to_integer(); // s 2^60, s in [1, 2)
        let s = scaled.to_f64().unwrap() / 2f64.powi(60);
        let want = s.log10() + e as f64 * std::f64::consts::LOG10_2;
        let l = x.log10();
        prop_assert!((l - want).abs() <= 1e-15 * want.abs().max(1.0), "{l} vs {want}");
    }
}

// spec: BOUND-F64
#[test]
fn plus_is_correctly_rounded_across_every_alignment() {
    // 1 + 2^-d for d = 0..1200: the sum needs the small term's bits exactly
    // while they can change the result, and must return the big term after
    for d in 0..1200i64 {
        for m in [1.0, 1.5, 1.0 - f64::EPSILON / 2.0, 1.0 + f64::EPSILON] {
            let big = xf(m, 0);
            let small = xf(1.0 + f64::EPSILON * 3.0, -d);
            let want = round53(&(big.to_rational() + small.to_rational()));
            assert_eq!(big.plus(small).to_rational(), want, "m {m} d {d}");
            assert_eq!(small.plus(big).to_rational(), want, "m {m} d {d} swapped");
        }
    }
    // ties at the alignment boundary: 1 + 2^-53 -> 1, (1 + 2^-52) + 2^-53 -> 1 + 2^-51
    let one = xf(1.0, 0);
    assert_eq!(one.plus(Xf64::pow2(-53)).to_rational(), BigRational::one());
    let odd = xf(1.0 + f64::EPSILON, 0);
    assert_eq!(
        odd.plus(Xf64::pow2(-53)).to_rational(),
        BigRational::one() + two_pow(-51)
    );
    assert_eq!(Xf64::ZERO.plus(Xf64::ZERO), Xf64::ZERO);
}

// spec: BOUND-F64
#[test]
fn zero_and_extremes_render_as_documented() {
    assert_eq!(Xf64::ZERO.to_f64(), 0.0);
    assert_eq!(Xf64::ZERO.log10(), f64::NEG_INFINITY);
    assert_eq!(Xf64::ONE.to_f64(), 1.0);
    assert!(Xf64::ONE.log10().abs() < 1e-16);
    // below the smallest subnormal: 0; at and above 2^1024: inf
    assert_eq!(Xf64::pow2(-1076).to_f64(), 0.0);
    assert_eq!(Xf64::pow2(-1074).to_f64(), f64::from_bits(1));
    assert_eq!(Xf64::pow2(1023).to_f64(), 2f64.powi(1023));
    assert_eq!(Xf64::pow2(1024).to_f64(), f64::INFINITY);
    // log10 at magnitudes no f64 holds: 2^-100000 and 2^100000
    let l = Xf64::pow2(-100000).log10();
    assert!((l + 100000.0 * std::f64::consts::LOG10_2).abs() < 1e-15 * 30103.0);
    let l = Xf64::pow2(100000).log10();
    assert!((l - 100000.0 * std::f64::consts::LOG10_2).abs() < 1e-15 * 30103.0);
}
