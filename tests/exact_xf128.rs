//! Xf128 and Iv (ALG-ENCLOSURE's directed rounding) against an independent
//! reference: every operation is compared with the exact result, computed in
//! big rationals and rounded to 128 significant bits toward zero (`Down`) or
//! away from it (`Up`) by the integer routine below, at magnitudes far
//! outside f64, at every alignment of a sum, at carries out of the top bit
//! and at exact results. An enclosure is only as tight as this rounding:
//! one unit in the 128th bit per operation, never zero.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use relu_trainability::exact::xf128::{Dir, Iv, Xf128};
use std::cmp::Ordering;

mod exact_support;
use exact_support::{floor_log2, two_pow};

/// r >= 0 rounded to 128 significant bits in direction `dir`, with an
/// unbounded exponent.
fn round128(r: &BigRational, dir: Dir) -> BigRational {
    if r.is_zero() {
        return BigRational::zero();
    }
    // r = s * 2^e with s in [2^127, 2^128)
    let e = floor_log2(r) - 127;
    let s = r * two_pow(-e);
    let (q, rem) = s.numer().div_rem(s.denom());
    let q = if dir == Dir::Up && !rem.is_zero() {
        q + 1
    } else {
        q
    };
    BigRational::from_integer(q) * two_pow(e)
}

/// m * 2^k through the public API (exact: `construction_is_exact`).
fn xf(m: u128, k: i64) -> Xf128 {
    Xf128::from_u128(m).mul_pow2(k)
}

fn exact(m: u128, k: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(m)) * two_pow(k)
}

/// Mantissas: any u128, full 128-bit ones, all ones (carries), small ones.
fn mant() -> impl Strategy<Value = u128> {
    prop_oneof![
        1u128..u128::MAX,
        (0u128..(1 << 127)).prop_map(|m| m | (1 << 127)),
        (0u32..128).prop_map(|s| u128::MAX >> s),
        1u128..1000,
        (0u32..128).prop_map(|s| 1u128 << s),
    ]
}

fn scale() -> impl Strategy<Value = i64> {
    prop_oneof![-5000i64..5000, -140i64..140, Just(0i64)]
}

fn divisor() -> impl Strategy<Value = u64> {
    prop_oneof![
        1u64..u64::MAX,
        1u64..100,
        (0u32..64).prop_map(|s| 1u64 << s),
        (0u32..64).prop_map(|s| u64::MAX >> s),
        Just(u64::MAX),
    ]
}

const DIRS: [Dir; 2] = [Dir::Down, Dir::Up];

// spec: ALG-ENCLOSURE
#[test]
fn construction_is_exact() {
    for m in [0u128, 1, 3, u64::MAX as u128, 1 << 127, u128::MAX] {
        for k in [-100000i64, -1, 0, 1, 127, 100000] {
            let want = if m == 0 {
                BigRational::zero()
            } else {
                exact(m, k)
            };
            assert_eq!(xf(m, k).to_rational(), want, "{m} 2^{k}");
        }
    }
    for x in [0u64, 1, 7, u64::MAX] {
        assert_eq!(
            Xf128::from_u64(x).to_rational(),
            BigRational::from_integer(x.into())
        );
    }
    for k in [-100000i64, -128, -127, 0, 1, 128, 100000] {
        assert_eq!(Xf128::pow2(k).to_rational(), two_pow(k), "2^{k}");
    }
    assert_eq!(Xf128::ONE.to_rational(), BigRational::one());
    assert!(Xf128::ZERO.is_zero() && !Xf128::ONE.is_zero());
    assert_eq!(Xf128::ZERO.mul_pow2(50), Xf128::ZERO);
    assert_eq!(Iv::ONE, Iv::point(Xf128::ONE));
    assert_eq!(Iv::ZERO, Iv::point(Xf128::ZERO));
}

/// Sums at every alignment d = e_big - e_small around the mantissa width
/// (0, 1, 126..129, 300), with and without a carry out of the top bit, and
/// all-ones mantissas whose upward rounding carries into a new power of two.
// spec: ALG-ENCLOSURE
#[test]
fn sums_round_once_at_every_alignment() {
    let top = 1u128 << 127;
    let bigs = [top, top + 1, u128::MAX, u128::MAX - 1, 3 << 126];
    let smalls = [top, top + 1, u128::MAX, 1 << 127 | 5];
    for &a in &bigs {
        for &b in &smalls {
            for d in [0i64, 1, 2, 63, 64, 126, 127, 128, 129, 300] {
                let (x, y) = (xf(a, 0), xf(b, -d));
                let want = exact(a, 0) + exact(b, -d);
                for dir in DIRS {
                    let got = x.add(y, dir).to_rational();
                    assert_eq!(got, round128(&want, dir), "{a:x} + {b:x} 2^-{d} {dir:?}");
                    assert_eq!(y.add(x, dir).to_rational(), got, "order");
                }
            }
        }
    }
    for dir in DIRS {
        assert_eq!(Xf128::ZERO.add(xf(5, 3), dir), xf(5, 3));
        assert_eq!(xf(5, 3).add(Xf128::ZERO, dir), xf(5, 3));
    }
    // u128::MAX + 2^-200 rounds up to 2^128 exactly
    let got = xf(u128::MAX, 0).add(xf(1, -200), Dir::Up);
    assert_eq!(got.to_rational(), two_pow(128));
}

/// Quotients whose 192-bit quotient has its leading one at each position the
/// routine distinguishes (d = 1, 2^63, 2^64 - 1, ...), exact ones included.
// spec: ALG-ENCLOSURE
#[test]
fn quotients_round_once_for_every_divisor_size() {
    let top = 1u128 << 127;
    let ms = [
        top,
        top + 1,
        u128::MAX,
        3 << 126,
        (u64::MAX as u128) * ((1 << 63) + 1),
    ];
    let ds = [
        1u64,
        2,
        3,
        (1 << 62) * 3,
        1 << 63,
        (1 << 63) + 1,
        u64::MAX - 1,
        u64::MAX,
    ];
    for &m in &ms {
        for &d in &ds {
            let x = xf(m, -40);
            let want = exact(m, -40) / BigRational::from_integer(d.into());
            for dir in DIRS {
                assert_eq!(
                    x.div_u64(d, dir).to_rational(),
                    round128(&want, dir),
                    "{m:x} / {d} {dir:?}"
                );
            }
        }
    }
    assert_eq!(Xf128::ZERO.div_u64(7, Dir::Up), Xf128::ZERO);
}

// spec: ALG-ENCLOSURE
#[test]
fn division_by_zero_is_refused() {
    assert!(std::panic::catch_unwind(|| Xf128::ONE.div_u64(0, Dir::Down)).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, rng_seed: RngSeed::Fixed(0x128), ..ProptestConfig::default() })]

    // spec: ALG-ENCLOSURE
    #[test]
    fn each_operation_rounds_exactly_as_documented(
        a in mant(), ka in scale(), b in mant(), kb in scale(), d in divisor(),
        num in 1u64..u64::MAX, den in 1u64..u64::MAX, kr in -5000i64..5000, big in 0u32..400,
    ) {
        let (x, y) = (xf(a, ka), xf(b, kb));
        let (rx, ry) = (exact(a, ka), exact(b, kb));
        prop_assert_eq!(x.to_rational(), rx.clone());
        let rd = BigRational::from_integer(d.into());
        for dir in DIRS {
            prop_assert_eq!(x.mul(y, dir).to_rational(), round128(&(&rx * &ry), dir));
            prop_assert_eq!(x.add(y, dir).to_rational(), round128(&(&rx + &ry), dir));
            prop_assert_eq!(x.div_u64(d, dir).to_rational(), round128(&(&rx / &rd), dir));
            // a rational at any magnitude, with numerators wider than 128 bits
            let r = BigRational::new(BigInt::from(num) << big, den.into()) * two_pow(kr);
            prop_assert_eq!(Xf128::from_rational(&r, dir).to_rational(), round128(&r, dir));
            // a rational that is exactly representable comes back unchanged in
            // both directions (random denominators above are rarely powers of two)
            prop_assert_eq!(Xf128::from_rational(&rx, dir).to_rational(), rx.clone());
        }
        prop_assert_eq!(x.mul(Xf128::ZERO, Dir::Up), Xf128::ZERO);
        prop_assert_eq!(Xf128::ZERO.mul(x, Dir::Up), Xf128::ZERO);
        // exact comparison
        prop_assert_eq!(x.cmp_value(y), rx.cmp(&ry));
        prop_assert_eq!(x.cmp_value(x), Ordering::Equal);
        prop_assert_eq!(x.cmp_value(Xf128::ZERO), Ordering::Greater);
        prop_assert_eq!(Xf128::ZERO.cmp_value(x), Ordering::Less);
        // intervals: each end rounded once, in its direction
        let (ix, iy) = (Iv::point(x), Iv::point(y));
        for (iv, want) in [
            (ix.mul(iy), &rx * &ry),
            (ix.add(iy), &rx + &ry),
            (ix.div_u64(d), &rx / &rd),
        ] {
            prop_assert_eq!(iv.lo.to_rational(), round128(&want, Dir::Down));
            prop_assert_eq!(iv.hi.to_rational(), round128(&want, Dir::Up));
        }
        prop_assert_eq!(ix.mul_pow2(kb).lo.to_rational(), &rx * two_pow(kb));
        let r = BigRational::new(num.into(), den.into()) * two_pow(kr);
        let iv = Iv::from_rational(&r);
        prop_assert_eq!(iv.lo.to_rational(), round128(&r, Dir::Down));
        prop_assert_eq!(iv.hi.to_rational(), round128(&r, Dir::Up));
    }

    /// powu by squaring: the ends are products rounded down and up one
    /// operation at a time, so x^k lies inside, within 2 k units of the
    /// 128th bit; k = 0 and 1 are exact.
    // spec: ALG-ENCLOSURE
    #[test]
    fn powers_enclose_the_exact_power(a in mant(), ka in -300i64..300, k in 0u64..70) {
        let x = Iv::point(xf(a, ka));
        let rx = exact(a, ka);
        let p = x.powu(k);
        let want = num_traits::pow(rx.clone(), k as usize);
        let (lo, hi) = (p.lo.to_rational(), p.hi.to_rational());
        prop_assert!(lo <= want && want <= hi);
        prop_assert!((&hi - &lo) * two_pow(126) <= want * BigRational::from_integer((2 * k + 1).into()));
        if k <= 1 {
            prop_assert_eq!(lo, hi);
        }
        // the ends of a proper interval are raised separately
        let wide = Iv { lo: xf(a, ka), hi: xf(a, ka + 1) };
        let q = wide.powu(k);
        prop_assert!(q.lo.to_rational() <= num_traits::pow(rx.clone(), k as usize));
        prop_assert!(q.hi.to_rational() >= num_traits::pow(&rx * two_pow(1), k as usize));
    }

    /// log10 and to_f64 from an independent split r = s 2^e, s in [1, 2).
    // spec: ALG-ENCLOSURE
    #[test]
    fn log10_and_to_f64_match_the_exact_value(a in mant(), k in -1300i64..1300) {
        let x = xf(a, k);
        let r = x.to_rational();
        let e = floor_log2(&r);
        let scaled = (&r * two_pow(60 - e)).to_integer();
        let s = scaled.to_f64().unwrap() / 2f64.powi(60);
        let want = s.log10() + e as f64 * std::f64::consts::LOG10_2;
        let l = x.log10();
        prop_assert!((l - want).abs() <= 1e-15 * want.abs().max(1.0), "{l} vs {want}");
        let got = x.to_f64();
        if e > 1100 {
            prop_assert_eq!(got, f64::INFINITY);
        } else if e < -1100 {
            prop_assert_eq!(got, 0.0);
        } else if (-1022..1024).contains(&e) {
            // within 2 ulp of the exact value
            let back = BigRational::from_float(got).unwrap();
            let err = ((back - &r) / &r).to_f64().unwrap().abs();
            prop_assert!(err <= 2.0 * f64::EPSILON, "{got:e}: relative error {err:e}");
        }
    }
}

#[test]
fn zero_has_no_logarithm_and_no_f64_size() {
    assert_eq!(Xf128::ZERO.log10(), f64::NEG_INFINITY);
    assert_eq!(Xf128::ZERO.to_f64(), 0.0);
    assert_eq!(Xf128::ONE.log10(), 0.0);
    assert_eq!(Xf128::ONE.to_f64(), 1.0);
    assert_eq!(
        Xf128::from_rational(&BigRational::zero(), Dir::Up),
        Xf128::ZERO
    );
}
