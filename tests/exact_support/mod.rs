//! Exact helpers shared by the reference tests of the scaled floats
//! (tests/exact_xf64.rs, tests/exact_xf128.rs).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::One;

/// 2^e exactly, for any sign of e.
pub fn two_pow(e: i64) -> BigRational {
    let p = BigRational::from_integer(BigInt::one() << e.unsigned_abs());
    if e >= 0 {
        p
    } else {
        p.recip()
    }
}

/// floor(log2 r) for r > 0, by comparison with powers of two.
pub fn floor_log2(r: &BigRational) -> i64 {
    let mut e = r.numer().bits() as i64 - r.denom().bits() as i64;
    while two_pow(e) > *r {
        e -= 1;
    }
    while two_pow(e + 1) <= *r {
        e += 1;
    }
    e
}
