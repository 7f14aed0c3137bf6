//! Rigorous enclosures of nonnegative reals: a 128-bit mantissa with an i64
//! exponent ([`Xf128`], no underflow or overflow at any depth) and directed
//! rounding, and intervals [`Iv`] of such numbers (spec ALG-SEARCH).
//!
//! Only `+`, `*` and division by a positive integer of nonnegative numbers
//! are needed: each is monotone in its arguments, so rounding the lower end
//! down and the upper end up keeps the exact value inside the interval
//! whatever the number of operations (no error analysis is needed).

use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use std::cmp::Ordering;

/// `m * 2^e` with m in [2^127, 2^128), or exactly zero (m = 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Xf128 {
    m: u128,
    e: i64,
}

/// Rounding direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Toward zero.
    Down,
    /// Away from zero.
    Up,
}

const TOP: u128 = 1 << 127;

impl Xf128 {
    /// Zero.
    pub const ZERO: Xf128 = Xf128 { m: 0, e: 0 };
    /// One.
    pub const ONE: Xf128 = Xf128 { m: TOP, e: -127 };

    /// True for zero.
    pub fn is_zero(self) -> bool {
        self.m == 0
    }

    /// Normalizes `m * 2^e` (m any u128) exactly.
    fn norm(m: u128, e: i64) -> Xf128 {
        if m == 0 {
            return Xf128::ZERO;
        }
        let z = m.leading_zeros() as i64;
        Xf128 {
            m: m << z,
            e: e - z,
        }
    }

    /// Rounds `m * 2^e` where `sticky` says whether nonzero bits were
    /// dropped below m; m must be normalized or zero.
    fn bump(m: u128, e: i64, sticky: bool, dir: Dir) -> Xf128 {
        if !sticky || dir == Dir::Down {
            return Xf128::norm(m, e);
        }
        match m.checked_add(1) {
            Some(x) => Xf128::norm(x, e),
            None => Xf128 { m: TOP, e: e + 1 },
        }
    }

    /// An exact nonnegative integer.
    pub fn from_u64(x: u64) -> Xf128 {
        Xf128::norm(x as u128, 0)
    }

    /// An exact u128.
    pub fn from_u128(x: u128) -> Xf128 {
        Xf128::norm(x, 0)
    }

    /// 2^k exactly.
    pub fn pow2(k: i64) -> Xf128 {
        Xf128 { m: TOP, e: k - 127 }
    }

    /// Exact product by 2^k.
    pub fn mul_pow2(self, k: i64) -> Xf128 {
        if self.m == 0 {
            self
        } else {
            Xf128 {
                m: self.m,
                e: self.e + k,
            }
        }
    }

    /// Product, rounded in direction `dir`.
    pub fn mul(self, o: Xf128, dir: Dir) -> Xf128 {
        if self.m == 0 || o.m == 0 {
            return Xf128::ZERO;
        }
        let (hi, lo) = mul_wide(self.m, o.m);
        // hi >= 2^126 since both mantissas are >= 2^127
        if hi >> 127 == 1 {
            Xf128::bump(hi, self.e + o.e + 128, lo != 0, dir)
        } else {
            let m = (hi << 1) | (lo >> 127);
            Xf128::bump(m, self.e + o.e + 127, lo << 1 != 0, dir)
        }
    }

    /// Sum of two nonnegative numbers, rounded in direction `dir`.
    pub fn add(self, o: Xf128, dir: Dir) -> Xf128 {
        if self.m == 0 {
            return o;
        }
        if o.m == 0 {
            return self;
        }
        let (big, small) = if self.e >= o.e { (self, o) } else { (o, self) };
        let d = (big.e - small.e) as u64;
        let (aligned, sticky) = if d >= 128 {
            (0, true)
        } else if d == 0 {
            (small.m, false)
        } else {
            (small.m >> d, small.m << (128 - d) != 0)
        };
        match big.m.checked_add(aligned) {
            Some(s) => Xf128::bump(s, big.e, sticky, dir),
            None => {
                let s = big.m.wrapping_add(aligned);
                let m = (s >> 1) | TOP;
                Xf128::bump(m, big.e + 1, sticky || s & 1 == 1, dir)
            }
        }
    }

    /// Quotient by a positive integer, rounded in direction `dir`.
    pub fn div_u64(self, d: u64, dir: Dir) -> Xf128 {
        assert!(d > 0, "division by zero");
        if self.m == 0 {
            return self;
        }
        // (m * 2^64) / d as a 192-bit quotient, limb by limb
        let limbs = [(self.m >> 64) as u64, self.m as u64, 0u64];
        let (mut q, mut r) = ([0u64; 3], 0u128);
        for (i, &l) in limbs.iter().enumerate() {
            let cur = (r << 64) | l as u128;
            q[i] = (cur / d as u128) as u64;
            r = cur % d as u128;
        }
        let q_hi = ((q[0] as u128) << 64) | q[1] as u128;
        let q_lo = q[2];
        // value = (q_hi * 2^64 + q_lo + r/d) * 2^(e - 64)
        let z = q_hi.leading_zeros();
        if z == 128 {
            let m = q_lo as u128;
            return Xf128::bump(m, self.e - 64, r != 0, dir);
        }
        let m = if z == 0 {
            q_hi
        } else {
            (q_hi << z) | (q_lo as u128 >> (64 - z))
        };
        let dropped = if z >= 64 { false } else { (q_lo << z) != 0 };
        Xf128::bump(m, self.e - z as i64, dropped || r != 0, dir)
    }

    /// The nonnegative rational `r` rounded in direction `dir`.
    pub fn from_rational(r: &BigRational, dir: Dir) -> Xf128 {
        assert!(r >= &BigRational::zero(), "negative");
        if r.is_zero() {
            return Xf128::ZERO;
        }
        let n = r.numer().magnitude();
        let d = r.denom().magnitude();
        // choose k so that floor(n 2^k / d) has at least 128 bits
        let k = 130 + d.bits() as i64 - n.bits() as i64;
        let (num, den) = if k >= 0 {
            (n << k as u64, d.clone())
        } else {
            (n.clone(), d << (-k) as u64)
        };
        let q = &num / &den;
        let exact = (&q * &den) == num;
        Xf128::from_biguint_scaled(&q, -k, !exact, dir)
    }

    /// `q * 2^k` (plus a nonzero fraction below q when `sticky`), rounded.
    fn from_biguint_scaled(q: &BigUint, k: i64, sticky: bool, dir: Dir) -> Xf128 {
        let bits = q.bits() as i64;
        if bits <= 128 {
            let m = q.to_u128().expect("fits");
            // a fraction below q: the value lies in (q, q + 1) * 2^k
            return if sticky && dir == Dir::Up {
                match m.checked_add(1) {
                    Some(x) => Xf128::norm(x, k),
                    None => Xf128::pow2(k + 128),
                }
            } else {
                Xf128::norm(m, k)
            };
        }
        let drop = (bits - 128) as u64;
        let top = (q >> drop).to_u128().expect("128 bits");
        let lost = sticky || q.trailing_zeros().is_some_and(|t| t < drop);
        Xf128::bump(top, k + drop as i64, lost, dir)
    }

    /// Exact rational value.
    pub fn to_rational(self) -> BigRational {
        if self.m == 0 {
            return BigRational::zero();
        }
        let m = BigInt::from(self.m);
        if self.e >= 0 {
            BigRational::from_integer(m << self.e as u64)
        } else {
            BigRational::new(m, BigInt::from(1u8) << (-self.e) as u64)
        }
    }

    /// log10 (-inf for 0), within about 1e-15 max(1, |log10|) of the truth.
    pub fn log10(self) -> f64 {
        if self.m == 0 {
            return f64::NEG_INFINITY;
        }
        let top = (self.m >> 64) as f64 / 2f64.powi(63); // in [1, 2)
        top.log10() + (self.e + 127) as f64 * std::f64::consts::LOG10_2
    }

    /// Nearest-ish f64 (within 2 ulp); 0 when below the f64 range, and
    /// subnormal results are not accurate (callers check with [`Self::log10`]).
    pub fn to_f64(self) -> f64 {
        if self.m == 0 {
            return 0.0;
        }
        let top = (self.m >> 64) as f64 / 2f64.powi(63);
        let e = self.e + 127;
        if e < -1100 {
            return 0.0;
        }
        if e > 1100 {
            return f64::INFINITY;
        }
        top * crate::rational::pow2(e / 2) * crate::rational::pow2(e - e / 2)
    }

    /// Compares two values exactly.
    pub fn cmp_value(self, o: Xf128) -> Ordering {
        match (self.m == 0, o.m == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => self.e.cmp(&o.e).then(self.m.cmp(&o.m)),
        }
    }
}

/// Full 256-bit product of two u128: (high, low).
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    let (a1, a0) = ((a >> 64) as u64, a as u64);
    let (b1, b0) = ((b >> 64) as u64, b as u64);
    let w = |x: u64, y: u64| x as u128 * y as u128;
    let (p00, p01, p10, p11) = (w(a0, b0), w(a0, b1), w(a1, b0), w(a1, b1));
    let mid = (p00 >> 64) + (p01 as u64 as u128) + (p10 as u64 as u128);
    let lo = (p00 as u64 as u128) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

/// A closed interval [lo, hi] of nonnegative reals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Iv {
    /// Lower end (rounded down).
    pub lo: Xf128,
    /// Upper end (rounded up).
    pub hi: Xf128,
}

#[allow(clippy::should_implement_trait)]
impl Iv {
    /// {0}.
    pub const ZERO: Iv = Iv {
        lo: Xf128::ZERO,
        hi: Xf128::ZERO,
    };
    /// {1}.
    pub const ONE: Iv = Iv {
        lo: Xf128::ONE,
        hi: Xf128::ONE,
    };

    /// A point.
    pub fn point(x: Xf128) -> Iv {
        Iv { lo: x, hi: x }
    }

    /// The enclosure of a nonnegative rational.
    pub fn from_rational(r: &BigRational) -> Iv {
        Iv {
            lo: Xf128::from_rational(r, Dir::Down),
            hi: Xf128::from_rational(r, Dir::Up),
        }
    }

    /// Sum.
    pub fn add(self, o: Iv) -> Iv {
        Iv {
            lo: self.lo.add(o.lo, Dir::Down),
            hi: self.hi.add(o.hi, Dir::Up),
        }
    }

    /// Product.
    pub fn mul(self, o: Iv) -> Iv {
        Iv {
            lo: self.lo.mul(o.lo, Dir::Down),
            hi: self.hi.mul(o.hi, Dir::Up),
        }
    }

    /// Product by 2^k (exact).
    pub fn mul_pow2(self, k: i64) -> Iv {
        Iv {
            lo: self.lo.mul_pow2(k),
            hi: self.hi.mul_pow2(k),
        }
    }

    /// Quotient by a positive integer.
    pub fn div_u64(self, d: u64) -> Iv {
        Iv {
            lo: self.lo.div_u64(d, Dir::Down),
            hi: self.hi.div_u64(d, Dir::Up),
        }
    }

    /// Integer power by squaring.
    pub fn powu(self, mut k: u64) -> Iv {
        let (mut acc, mut base) = (Iv::ONE, self);
        while k > 0 {
            if k & 1 == 1 {
                acc = acc.mul(base);
            }
            k >>= 1;
            if k > 0 {
                base = base.mul(base);
            }
        }
        acc
    }
}
