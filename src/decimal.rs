//! Exact decimal strings of big integers and rationals, fast (spec FMT-DECIMAL).
//!
//! The exact engine's JSON is mostly digits: the 32 x 32 full law is about
//! 10 MB of numerators and denominators. `num-bigint`'s `Display` spends most
//! of that time in general big-number division; here each number is cut into
//! base-10^19 chunks by repeated division by the constant 10^19, done with a
//! precomputed reciprocal (Moller and Granlund, "Improved division by
//! invariant integers", 2011, Algorithm 4), and a batch of rationals is
//! printed with each distinct denominator converted once and the numerators
//! converted in parallel. The strings are the same as `Display`'s.

use num_bigint::{BigInt, BigUint, Sign};
use num_rational::BigRational;
use rayon::prelude::*;
use std::collections::HashMap;

/// 10^19: the largest power of ten below 2^64. Its top bit is set, so it is
/// already normalized for the 2-by-1 division below.
const CHUNK: u64 = 10_000_000_000_000_000_000;
const CHUNK_DIGITS: usize = 19;
/// floor((2^128 - 1) / CHUNK) - 2^64, the reciprocal of Algorithm 4.
const RECIP: u64 = (u128::MAX / CHUNK as u128 - (1u128 << 64)) as u64;

/// (hi * 2^64 + lo) / CHUNK and the remainder, for hi < CHUNK.
#[inline]
fn div_2by1(hi: u64, lo: u64) -> (u64, u64) {
    debug_assert!(hi < CHUNK);
    let p = RECIP as u128 * hi as u128 + (((hi as u128) << 64) | lo as u128);
    let mut q = ((p >> 64) as u64).wrapping_add(1);
    let q0 = p as u64;
    let mut r = lo.wrapping_sub(q.wrapping_mul(CHUNK));
    if r > q0 {
        q = q.wrapping_sub(1);
        r = r.wrapping_add(CHUNK);
    }
    if r >= CHUNK {
        q += 1;
        r -= CHUNK;
    }
    (q, r)
}

/// Divides the little-endian limbs in place by 10^19; returns the remainder
/// and drops leading zero limbs.
fn div_chunk(limbs: &mut Vec<u64>) -> u64 {
    let mut rem = 0u64;
    for limb in limbs.iter_mut().rev() {
        let (q, r) = div_2by1(rem, *limb);
        *limb = q;
        rem = r;
    }
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
    rem
}

/// Below this many base-10^19 chunks a number is converted by repeated
/// division by 10^19 (quadratic, but with no big-number arithmetic).
const SCHOOLBOOK_CHUNKS: usize = 32;

/// The powers 10^(19 * 2^j) and their Barrett reciprocals, shared by every
/// number of a batch (divide-and-conquer conversion: each level splits a
/// number into a high and a low half with two multiplications).
pub struct Powers {
    /// (P_j, n_j, mu_j): P_j = 10^(19 * 2^j), n_j its limb count,
    /// mu_j = floor(2^(128 n_j) / P_j).
    levels: Vec<(BigUint, usize, BigUint)>,
}

impl Powers {
    /// Powers up to the level that exceeds `bits`-bit numbers.
    pub fn for_bits(bits: u64) -> Self {
        let mut levels = Vec::new();
        let mut p = BigUint::from(CHUNK);
        loop {
            let n = p.to_u64_digits().len();
            let mu = (BigUint::from(1u32) << (128 * n)) / &p;
            let done = p.bits() > bits;
            levels.push((p.clone(), n, mu));
            if done {
                return Powers { levels };
            }
            p = &p * &p;
        }
    }

    /// x / P_j and x % P_j for x < P_j^2 (Barrett reduction, HAC 14.42:
    /// the estimate is at most 2 below the quotient).
    fn div_rem(&self, x: &BigUint, j: usize) -> (BigUint, BigUint) {
        let (p, n, mu) = &self.levels[j];
        let q1 = x >> (64 * (n - 1));
        let mut q = (q1 * mu) >> (64 * (n + 1));
        let mut r = x - &q * p;
        while &r >= p {
            r -= p;
            q += 1u32;
        }
        (q, r)
    }

    /// Appends exactly 2^j base-10^19 chunks of x < P_j (little-endian).
    fn chunks(&self, x: &BigUint, j: usize, out: &mut Vec<u64>) {
        if (1usize << j) <= SCHOOLBOOK_CHUNKS {
            let mut limbs = x.to_u64_digits();
            for _ in 0..(1usize << j) {
                out.push(div_chunk(&mut limbs));
            }
            debug_assert!(limbs.is_empty());
            return;
        }
        let (q, r) = self.div_rem(x, j - 1);
        self.chunks(&r, j - 1, out);
        self.chunks(&q, j - 1, out);
    }

    /// Decimal digits of `x` (as `x.to_string()`); `x` must have at most the
    /// bits given to [`Powers::for_bits`].
    pub fn decimal(&self, x: &BigUint) -> String {
        if x.bits() == 0 {
            return "0".into();
        }
        let j = self
            .levels
            .iter()
            .position(|(p, _, _)| p > x)
            .expect("Powers::for_bits covers every number of the batch");
        let mut chunks = Vec::with_capacity(1 << j);
        self.chunks(x, j, &mut chunks);
        while chunks.len() > 1 && chunks.last() == Some(&0) {
            chunks.pop();
        }
        let mut s = Vec::with_capacity(chunks.len() * CHUNK_DIGITS);
        let mut it = chunks.iter().rev();
        if let Some(&top) = it.next() {
            let mut buf = [0u8; CHUNK_DIGITS];
            fill_digits(top, &mut buf);
            let first = buf
                .iter()
                .position(|&b| b != b'0')
                .unwrap_or(CHUNK_DIGITS - 1);
            s.extend_from_slice(&buf[first..]);
        }
        for &c in it {
            let mut buf = [0u8; CHUNK_DIGITS];
            fill_digits(c, &mut buf);
            s.extend_from_slice(&buf);
        }
        String::from_utf8(s).expect("ASCII digits")
    }

    fn signed(&self, x: &BigInt) -> String {
        let digits = self.decimal(x.magnitude());
        if x.sign() == Sign::Minus {
            format!("-{digits}")
        } else {
            digits
        }
    }
}

/// The 19 decimal digits of a chunk c < 10^19, zero-padded.
#[inline]
fn fill_digits(mut c: u64, buf: &mut [u8; CHUNK_DIGITS]) {
    for b in buf.iter_mut().rev() {
        *b = b'0' + (c % 10) as u8;
        c /= 10;
    }
}

/// Decimal digits of `x` (no sign, no leading zeros; "0" for zero): the same
/// string as `x.to_string()`.
pub fn biguint_to_decimal(x: &BigUint) -> String {
    Powers::for_bits(x.bits()).decimal(x)
}

/// Decimal string of a signed big integer, as `x.to_string()`.
pub fn bigint_to_decimal(x: &BigInt) -> String {
    Powers::for_bits(x.bits()).signed(x)
}

/// "p/q" of a rational in lowest terms (`q` > 0), as `format!("{}/{}")`.
pub fn to_pq(r: &BigRational) -> String {
    format!(
        "{}/{}",
        bigint_to_decimal(r.numer()),
        bigint_to_decimal(r.denom())
    )
}

/// "p/q" of every entry, in order: each distinct denominator is converted
/// once (the entries of one exact distribution share few denominators), the
/// numerators in parallel. The result does not depend on the thread count.
pub fn to_pq_all(rs: &[BigRational]) -> Vec<String> {
    to_pq_refs(&rs.iter().collect::<Vec<_>>())
}

/// [`to_pq_all`] of entries held elsewhere (e.g. every layer of a law at
/// once: one set of powers, one parallel batch).
pub fn to_pq_refs(rs: &[&BigRational]) -> Vec<String> {
    let mut denoms: HashMap<&BigInt, String> = HashMap::new();
    for r in rs {
        denoms.entry(r.denom()).or_default();
    }
    let keys: Vec<&BigInt> = denoms.keys().copied().collect();
    let bits = rs
        .iter()
        .map(|r| r.numer().bits().max(r.denom().bits()))
        .max()
        .unwrap_or(0);
    let powers = Powers::for_bits(bits);
    let strings: Vec<String> = keys.par_iter().map(|d| powers.signed(d)).collect();
    for (k, s) in keys.into_iter().zip(strings) {
        denoms.insert(k, s);
    }
    rs.par_iter()
        .map(|r| format!("{}/{}", powers.signed(r.numer()), denoms[r.denom()]))
        .collect()
}

#[cfg(test)]
mod tests {
    // spec: FMT-DECIMAL
    use super::*;
    use num_traits::{One, Zero};

    #[test]
    fn reciprocal_is_the_algorithm_4_constant() {
        // v = floor((2^128 - 1) / d) - 2^64 for normalized d (top bit set).
        assert!(CHUNK >> 63 == 1);
        let v = (1u128 << 64) + RECIP as u128;
        assert!(v.checked_mul(CHUNK as u128).is_some());
        assert!(u128::MAX - v * (CHUNK as u128) < CHUNK as u128);
    }

    #[test]
    fn two_by_one_division_matches_u128_division_at_the_edges() {
        let edge = [
            0,
            1,
            2,
            CHUNK - 1,
            CHUNK / 2,
            1 << 63,
            u64::MAX,
            u64::MAX - 1,
        ];
        for &hi in &[0, 1, CHUNK / 3, CHUNK - 2, CHUNK - 1] {
            for &lo in &edge {
                let n = ((hi as u128) << 64) | lo as u128;
                let (q, r) = div_2by1(hi, lo);
                assert_eq!(
                    (q as u128, r as u128),
                    (n / CHUNK as u128, n % CHUNK as u128)
                );
            }
        }
    }

    #[test]
    fn decimal_strings_equal_display_across_chunk_boundaries() {
        let ten = BigUint::from(10u32);
        let mut cases = vec![BigUint::zero(), BigUint::one()];
        for k in [18u32, 19, 20, 37, 38, 39, 57, 380, 381] {
            let p = ten.pow(k);
            cases.push(&p - 1u32);
            cases.push(p.clone());
            cases.push(&p + 1u32);
        }
        for k in [63u32, 64, 65, 127, 128, 1000, 8000] {
            let p = BigUint::one() << k;
            cases.push(&p - 1u32);
            cases.push(p);
        }
        // 3^k has no zero runs of any particular shape; 10^(19 * 2^j) +- 1
        // are the divide-and-conquer split points (j = 5, 6: 32 and 64 chunks)
        cases.push(BigUint::from(3u32).pow(5000));
        cases.push(BigUint::from(3u32).pow(40000));
        for k in [19u32 * 32, 19 * 64, 19 * 128] {
            let p = ten.pow(k);
            cases.push(&p - 1u32);
            cases.push(&p + 1u32);
            cases.push(&p * &p - 1u32);
            cases.push(p);
        }
        for x in &cases {
            assert_eq!(biguint_to_decimal(x), x.to_string());
        }
    }

    #[test]
    fn random_sizes_equal_display() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261127);
        for _ in 0..300 {
            let limbs = rng.gen_range(1..=700usize);
            let mut v: Vec<u64> = (0..limbs).map(|_| rng.gen()).collect();
            // runs of zero limbs and of all-ones limbs inside the number
            let a = rng.gen_range(0..limbs);
            let b = rng.gen_range(a..limbs);
            let fill = if rng.gen::<bool>() { 0 } else { u64::MAX };
            v[a..b].iter_mut().for_each(|x| *x = fill);
            let x = BigUint::new(
                v.iter()
                    .flat_map(|&l| [l as u32, (l >> 32) as u32])
                    .collect(),
            );
            assert_eq!(biguint_to_decimal(&x), x.to_string());
        }
    }

    #[test]
    fn batch_pq_equals_display_in_order() {
        let r = |p: i64, q: i64| BigRational::new(p.into(), q.into());
        let big = BigRational::new(BigInt::from(7u32).pow(300), BigInt::from(2u32).pow(900));
        let rs = vec![r(1, 2), r(-3, 4), r(0, 1), big.clone(), r(5, 2), -big];
        let want: Vec<String> = rs
            .iter()
            .map(|x| format!("{}/{}", x.numer(), x.denom()))
            .collect();
        assert_eq!(to_pq_all(&rs), want);
        assert_eq!(to_pq(&rs[1]), "-3/4");
    }
}
