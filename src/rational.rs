//! Exact rationals at the user boundary: parsing "p/q", integers, decimals
//! ("0.25") and scientific notation ("1e-3") without ever going through f64,
//! and formatting reduced "p/q" strings.

use crate::error::{Error, Result};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Most decimal digits accepted in one integer (numerator, denominator or
/// mantissa): an exact f64 needs at most ~770, so this bounds parsing time
/// and the size of every exact computation that follows.
pub const MAX_DIGITS: usize = 2000;
/// Largest |exponent| accepted in scientific notation: 1e-20000 is read
/// (and every rational operation on it stays in milliseconds); 1e-100000
/// is refused with a clear message.
pub const MAX_EXPONENT: i64 = 20_000;

/// Parses an exact rational typed by a user (command-line values): like
/// [`parse_rational`] with at most [`MAX_DIGITS`] digits per integer, so
/// parsing and every exact computation that follows stay bounded.
pub fn parse_user_rational(s: &str) -> Result<BigRational> {
    parse_with_limit(s, MAX_DIGITS)
}

/// A user-typed probability: [`parse_user_rational`] in [0, 1].
pub fn parse_user_probability(s: &str, name: &str) -> Result<BigRational> {
    in_unit_interval(parse_user_rational(s)?, s, name)
}

/// Parses an exact rational: `"3/8"`, `"-2"`, `"0.125"`, `"1e-3"`, `"2.5E+2"`.
/// Decimal strings are read exactly (0.1 is 1/10, not the nearest f64).
/// |exponent| <= [`MAX_EXPONENT`]; any number of digits (for exact strings
/// this crate wrote; user input goes through [`parse_user_rational`]).
pub fn parse_rational(s: &str) -> Result<BigRational> {
    parse_with_limit(s, usize::MAX)
}

fn parse_with_limit(s: &str, max_digits: usize) -> Result<BigRational> {
    let t = s.trim();
    let bad = |why: &str| {
        Error::input(format!(
            "cannot read {t:?} as an exact rational ({why}); write p/q (e.g. 1/4), an integer or a decimal (e.g. 0.25, 1e-3)"
        ))
    };
    if t.is_empty() {
        return Err(bad("empty"));
    }
    let too_long = |part: &str| part.chars().filter(char::is_ascii_digit).count() > max_digits;
    if let Some((p, q)) = t.split_once('/') {
        if too_long(p) || too_long(q) {
            return Err(bad(&format!(
                "more than {max_digits} digits in one integer"
            )));
        }
        let p: BigInt = p
            .trim()
            .parse()
            .map_err(|_| bad("numerator is not an integer"))?;
        let q: BigInt = q
            .trim()
            .parse()
            .map_err(|_| bad("denominator is not an integer"))?;
        if q.is_zero() {
            return Err(bad("zero denominator"));
        }
        return Ok(BigRational::new(p, q));
    }
    let (mant, exp) = match t.find(['e', 'E']) {
        Some(i) => {
            let e: i64 = t[i + 1..]
                .parse()
                .map_err(|_| bad("exponent is not an integer"))?;
            (&t[..i], e)
        }
        None => (t, 0),
    };
    if !(-MAX_EXPONENT..=MAX_EXPONENT).contains(&exp) {
        return Err(bad(&format!(
            "exponent beyond +-{MAX_EXPONENT}; values below 1e-{MAX_EXPONENT} are not resolved here, use 0 or a larger value"
        )));
    }
    if too_long(mant) {
        return Err(bad(&format!("more than {max_digits} digits")));
    }
    let (neg, body) = match mant.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, mant.strip_prefix('+').unwrap_or(mant)),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad("no digits"));
    }
    if !int_part
        .chars()
        .chain(frac_part.chars())
        .all(|c| c.is_ascii_digit())
    {
        return Err(bad("unexpected character"));
    }
    let digits = format!("{int_part}{frac_part}");
    let mut num: BigInt = if digits.is_empty() {
        BigInt::zero()
    } else {
        digits.parse().map_err(|_| bad("digits"))?
    };
    if neg {
        num = -num;
    }
    let scale = exp - frac_part.len() as i64;
    let ten = BigInt::from(10u32);
    let r = if scale >= 0 {
        BigRational::from_integer(num * num_traits::pow(ten, scale as usize))
    } else {
        over_power_of_ten(num, (-scale) as u64)
    };
    Ok(r)
}

/// num / 10^k reduced without a general gcd (num-bigint's binary gcd is
/// quadratic in the bit length): 10^k = 2^k 5^k, so only factors 2 and 5 of
/// num can cancel.
fn over_power_of_ten(num: BigInt, k: u64) -> BigRational {
    if num.is_zero() {
        return BigRational::zero();
    }
    let twos = num.trailing_zeros().unwrap_or(0).min(k);
    let mut n = num >> twos;
    let five = BigInt::from(5u32);
    let mut fives = 0u64;
    while fives < k && (&n % &five).is_zero() {
        n /= &five;
        fives += 1;
    }
    let den = (BigInt::one() << (k - twos)) * num_traits::pow(five, (k - fives) as usize);
    BigRational::new_raw(n, den)
}

/// Parses a probability: an exact rational in [0, 1].
pub fn parse_probability(s: &str, name: &str) -> Result<BigRational> {
    in_unit_interval(parse_rational(s)?, s, name)
}

fn in_unit_interval(r: BigRational, s: &str, name: &str) -> Result<BigRational> {
    if r.is_negative() || r > BigRational::one() {
        return Err(Error::input(format!("{name} = {s} is outside [0, 1]")));
    }
    Ok(r)
}

/// Reduced "p/q" string (always with a denominator, "0/1" and "1/1" included),
/// the format of every exact value in this crate's JSON.
pub fn to_pq(r: &BigRational) -> String {
    crate::decimal::to_pq(r)
}

/// f64 value of a rational, correctly rounded by `num-rational` even when
/// numerator and denominator overflow f64. Underflows to 0 below ~4.9e-324.
pub fn to_f64(r: &BigRational) -> f64 {
    r.to_f64().unwrap_or(f64::NAN)
}

/// 2^e as f64 for any i64 (saturating to 0 or inf), exact when
/// representable (subnormals included); built from the bit pattern.
pub fn pow2(e: i64) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else if e >= -1074 {
        f64::from_bits(1u64 << (e + 1074))
    } else {
        0.0
    }
}

/// Exact rational value of a finite f64 (every finite double is dyadic).
pub fn from_f64_exact(x: f64) -> Result<BigRational> {
    BigRational::from_float(x).ok_or_else(|| Error::input(format!("{x} is not a finite number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pow2_matches_repeated_halving() {
        let mut x = 1.0f64;
        for e in 0..=1074i64 {
            assert_eq!(pow2(-e), x, "2^-{e}");
            x /= 2.0;
        }
        assert_eq!(pow2(-1075), 0.0);
        assert_eq!(pow2(1023), 2f64.powi(1023));
        assert_eq!(pow2(1024), f64::INFINITY);
    }

    #[test]
    fn decimals_are_read_exactly() {
        let r = |s| parse_rational(s).unwrap();
        assert_eq!(to_pq(&r("0.1")), "1/10");
        assert_eq!(to_pq(&r("1e-3")), "1/1000");
        assert_eq!(to_pq(&r("-2.50E+1")), "-25/1");
        assert_eq!(to_pq(&r("6/8")), "3/4");
        assert_eq!(to_pq(&r(".5")), "1/2");
        for bad in ["", "1/0", "abc", "1e", "1.2.3", "--1", "1e999999"] {
            assert!(parse_rational(bad).is_err(), "{bad}");
        }
    }
}
