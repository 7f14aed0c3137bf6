//! A nonnegative f64 with an i64 exponent (`m * 2^e`, m in [0.5, 1) or 0):
//! no underflow or overflow at any depth, and each multiplication, division
//! or addition rounds exactly once like plain f64 (spec BOUND-F64).

use crate::rational::pow2;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

/// `m * 2^e`, m in [0.5, 1) or exactly 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Xf64 {
    m: f64,
    e: i64,
}

/// Splits a finite nonzero f64 exactly into (mantissa in [0.5,1), exponent).
fn frexp(x: f64) -> (f64, i64) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    if exp == 0 {
        // subnormal: scale up by 2^64 exactly, then split.
        let (m, e) = frexp(x * pow2(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

impl Xf64 {
    /// Zero.
    pub const ZERO: Xf64 = Xf64 { m: 0.0, e: 0 };
    /// One.
    pub const ONE: Xf64 = Xf64 { m: 0.5, e: 1 };

    /// Exact conversion of a finite nonnegative f64.
    pub fn from_f64(x: f64) -> Xf64 {
        debug_assert!(x >= 0.0 && x.is_finite());
        if x == 0.0 {
            return Xf64::ZERO;
        }
        let (m, e) = frexp(x);
        Xf64 { m, e }
    }

    /// 2^e exactly.
    pub fn pow2(e: i64) -> Xf64 {
        Xf64 { m: 0.5, e: e + 1 }
    }

    /// Correctly rounded value of a nonnegative rational (one rounding), at
    /// any magnitude (1e-100000 included).
    pub fn from_rational(r: &BigRational) -> Xf64 {
        if r.is_zero() {
            return Xf64::ZERO;
        }
        let shift = r.numer().bits() as i64 - r.denom().bits() as i64;
        let scaled = if shift >= 0 {
            r / BigRational::from_integer(BigInt::from(1u8) << shift as u64)
        } else {
            r * BigRational::from_integer(BigInt::from(1u8) << (-shift) as u64)
        };
        let x = Xf64::from_f64(scaled.to_f64().unwrap_or(0.0));
        Xf64 {
            m: x.m,
            e: x.e + shift,
        }
    }

    fn norm(m: f64, e: i64) -> Xf64 {
        if m == 0.0 {
            return Xf64::ZERO;
        }
        let (mm, ee) = frexp(m);
        Xf64 { m: mm, e: e + ee }
    }

    /// Product (one rounding).
    pub fn times(self, o: Xf64) -> Xf64 {
        Xf64::norm(self.m * o.m, self.e + o.e)
    }

    /// a * b * c * 2^k with two roundings and one normalization.
    pub fn mul3_pow2(a: Xf64, b: Xf64, c: Xf64, k: i64) -> Xf64 {
        // mantissas in [0.5, 1): the product stays in [1/8, 1), no underflow
        Xf64::norm(a.m * b.m * c.m, a.e + b.e + c.e + k)
    }

    /// Exact product by 2^k (exponent shift, no rounding).
    pub fn mul_pow2(self, k: i64) -> Xf64 {
        if self.m == 0.0 {
            self
        } else {
            Xf64 {
                m: self.m,
                e: self.e + k,
            }
        }
    }

    /// Product by a plain f64 (one rounding).
    pub fn mul_f64(self, x: f64) -> Xf64 {
        self.times(Xf64::from_f64(x))
    }

    /// Quotient by a positive plain f64 (one rounding).
    pub fn div_f64(self, x: f64) -> Xf64 {
        let d = Xf64::from_f64(x);
        Xf64::norm(self.m / d.m, self.e - d.e)
    }

    /// Sum of two nonnegative numbers: one rounding of the sum, plus an
    /// alignment error far below u * sum (counted as a second rounding).
    pub fn plus(self, o: Xf64) -> Xf64 {
        if self.m == 0.0 {
            return o;
        }
        if o.m == 0.0 {
            return self;
        }
        let (big, small) = if self.e >= o.e { (self, o) } else { (o, self) };
        Xf64::norm(big.m + small.m * pow2(small.e - big.e), big.e)
    }

    /// Plain f64 value (underflows to 0 below ~4.9e-324).
    pub fn to_f64(self) -> f64 {
        if self.m == 0.0 {
            return 0.0;
        }
        // split the scaling so intermediate values stay normal where possible
        let half = self.e / 2;
        self.m * pow2(half) * pow2(self.e - half)
    }

    /// log10 of the value (-inf for 0), exact to about 1e-15 at any magnitude.
    pub fn log10(self) -> f64 {
        if self.m == 0.0 {
            return f64::NEG_INFINITY;
        }
        self.m.log10() + self.e as f64 * std::f64::consts::LOG10_2
    }

    /// The value as an exact rational (every Xf64 is dyadic).
    pub fn to_rational(self) -> BigRational {
        if self.m == 0.0 {
            return BigRational::zero();
        }
        let m = BigRational::from_float(self.m).expect("finite mantissa");
        let p = BigInt::from(1u8) << self.e.unsigned_abs();
        if self.e >= 0 {
            m * BigRational::from_integer(p)
        } else {
            m / BigRational::from_integer(p)
        }
    }
}
