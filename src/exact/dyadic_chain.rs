//! Fast exact path (spec ALG-DYADIC). Every P(K_l = k) is kept as an integer
//! numerator over one common denominator `D_l = o^{N_1} * 2^{E_l}`, where
//! q1 = u / (o * 2^t) with o odd. Layer l >= 2 multiplies the denominator by
//! 2^{(N_{l-1}+beta) N_l} and needs only shifts, additions and single-word
//! multiplications by 2^s - 1: no gcd until the final conversion. When q1 is
//! dyadic, o = 1 and every probability is an integer over a power of two.

use super::{ChainSpec, ExactLaw};
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};

/// Distribution of one layer over the common denominator `odd * 2^shift`.
#[derive(Clone, Debug)]
pub struct ScaledDist {
    /// Numerators for k = 0..=N.
    pub numer: Vec<BigUint>,
    /// Odd part of the denominator, o^{N_1}.
    pub odd: BigUint,
    /// o, the odd part of q1's denominator (`odd` is a power of it): the
    /// reduction divides out its factors instead of a gcd with `odd`.
    pub base: BigUint,
    /// Power-of-two part of the denominator.
    pub shift: u64,
}

impl ScaledDist {
    /// Reduced exact rationals (one gcd per entry, here only).
    pub fn to_rationals(&self) -> Vec<BigRational> {
        (0..self.numer.len()).map(|k| self.entry(k)).collect()
    }

    /// P(K = k) as a reduced rational. The power-of-two part of the gcd is
    /// a trailing-zero count; the odd part is divided out in rounds of
    /// g = gcd(n mod o, o) (o is short beside o^{N_1}), each cut to a factor of what is left of
    /// `odd`, until g = 1: no gcd of two huge numbers is ever run (the
    /// former gcd with `odd` took 7 s of `exact --widths 8000 --q1 1/3`).
    /// The result is reduced: a prime common to n and the remaining odd part
    /// divides o, hence g.
    pub fn entry(&self, k: usize) -> BigRational {
        let n = &self.numer[k];
        if n.is_zero() {
            return BigRational::zero();
        }
        let twos = n.trailing_zeros().unwrap_or(0).min(self.shift);
        let mut n = n >> twos;
        let mut odd = self.odd.clone();
        while !odd.is_one() {
            let g = (&n % &self.base).gcd(&self.base);
            let g = (&odd % &g).gcd(&g);
            if g.is_one() {
                break;
            }
            n /= &g;
            odd /= &g;
        }
        let den = odd << (self.shift - twos);
        BigRational::new_raw(
            BigInt::from_biguint(Sign::Plus, n),
            BigInt::from_biguint(Sign::Plus, den),
        )
    }
}

/// C(n, k) for k = 0..=n, by the exact recurrence C(n,k+1) = C(n,k) (n-k)/(k+1).
pub fn binomials(n: usize) -> Vec<BigUint> {
    let mut out = Vec::with_capacity(n + 1);
    let mut c = BigUint::one();
    for k in 0..n {
        let next = &c * BigUint::from(n - k) / BigUint::from(k + 1);
        out.push(c);
        c = next;
    }
    out.push(c); // C(n, n) = 1
    out
}

/// First layer: K_1 ~ Binomial(N_1, 1 - q1) over denominator v^{N_1}.
fn first_layer(spec: &ChainSpec, floor: usize) -> ScaledDist {
    let n = spec.widths[0];
    let u = spec.q1.numer().magnitude().clone();
    let v = spec.q1.denom().magnitude().clone();
    let t = v.trailing_zeros().unwrap_or(0);
    let o = &v >> t;
    let alive = &v - &u; // numerator of 1 - q1
    if u.is_zero() {
        // q1 = 0 (reduced, so v = 1): K_1 = N surely, probability 1/1.
        let mut numer = vec![BigUint::zero(); n + 1];
        if n >= floor {
            numer[n] = BigUint::one();
        }
        return ScaledDist {
            numer,
            odd: BigUint::one(),
            base: BigUint::one(),
            shift: 0,
        };
    }
    // y_k = C(n,k) alive^k u^(n-k) by the exact recurrence
    // y_{k+1} = y_k (n - k) alive / ((k + 1) u): one multiplication and one
    // exact division by small numbers per k (ALG-COST's layer-1 count; the
    // former products of two huge numbers took 26 times the estimate for
    // q1 = 5/16 at N_1 = 8000).
    // u > 0 here, so only alive^k can vanish (q1 = 1, k >= 1).
    let mut numer = Vec::with_capacity(n + 1);
    let mut y = num_traits::pow(u.clone(), n);
    for k in 0..=n {
        numer.push(if k < floor {
            BigUint::zero()
        } else {
            y.clone()
        });
        if k < n {
            y = y * BigUint::from(n - k) * &alive / (BigUint::from(k + 1) * &u);
        }
    }
    ScaledDist {
        numer,
        odd: num_traits::pow(o.clone(), n),
        base: o,
        shift: t * n as u64,
    }
}

/// One chain step (spec THM-CHAIN): from the law of K_{l-1} (width `m`) to
/// the law of K_l (width `n`).
pub fn step(prev: &ScaledDist, n: usize, beta: usize, floor: usize) -> ScaledDist {
    let m = prev.numer.len() - 1;
    let top = ((m + beta) * n) as u64; // extra power of two this layer
    let mut acc = vec![BigUint::zero(); n + 1];
    for (p, np) in prev.numer.iter().enumerate().skip(1) {
        if np.is_zero() {
            continue;
        }
        let s = (p + beta) as u64;
        // term_k = n_p (2^s - 1)^k 2^{(top - s n)}, built incrementally in k.
        let mut t = np << (top - s * n as u64);
        for (k, a) in acc.iter_mut().enumerate() {
            if k > 0 {
                if s < 64 {
                    t *= (1u64 << s) - 1;
                } else {
                    t = (&t << s) - t;
                }
            }
            if k >= floor {
                *a += &t;
            }
        }
    }
    let binom = binomials(n);
    let mut numer: Vec<BigUint> = acc
        .into_iter()
        .zip(&binom)
        .map(|(a, c)| if a.is_zero() { a } else { a * c })
        .collect();
    if floor == 0 {
        numer[0] += &prev.numer[0] << top;
    }
    ScaledDist {
        numer,
        odd: prev.odd.clone(),
        base: prev.base.clone(),
        shift: prev.shift + top,
    }
}

/// All layers in scaled form; `floors` as in [`super::rational_chain::law`].
pub fn scaled_law(spec: &ChainSpec, floors: Option<&[usize]>) -> Vec<ScaledDist> {
    let floor = |l: usize| floors.map_or(0, |f| f[l]);
    let beta = spec.bias.beta();
    let mut out = vec![first_layer(spec, floor(0))];
    for l in 1..spec.depth() {
        let next = step(out.last().unwrap(), spec.widths[l], beta, floor(l));
        out.push(next);
    }
    out
}

/// The exact law, reduced to rationals at the end.
pub fn law(spec: &ChainSpec, floors: Option<&[usize]>) -> ExactLaw {
    ExactLaw {
        layers: scaled_law(spec, floors)
            .iter()
            .map(ScaledDist::to_rationals)
            .collect(),
    }
}

/// The last layer only, keeping one layer in memory at a time (`floors` as
/// in [`law`]).
pub fn last_layer(spec: &ChainSpec, floors: Option<&[usize]>) -> ScaledDist {
    let floor = |l: usize| floors.map_or(0, |f| f[l]);
    let beta = spec.bias.beta();
    let mut d = first_layer(spec, floor(0));
    for l in 1..spec.depth() {
        d = step(&d, spec.widths[l], beta, floor(l));
    }
    d
}

/// Exact P(born dead) only: runs the chain, keeps just the last layer, and
/// reduces one number.
pub fn born_dead(spec: &ChainSpec) -> BigRational {
    last_layer(spec, None).entry(0)
}

/// Exact T(n*) only, keeping one layer in memory at a time.
pub fn trainability(spec: &ChainSpec, min_widths: &[usize]) -> BigRational {
    let d = last_layer(spec, Some(min_widths));
    let total = d.numer.iter().fold(BigUint::zero(), |a, x| a + x);
    ScaledDist {
        numer: vec![total],
        ..d
    }
    .entry(0)
}

/// P(born dead) at every depth 1..=widths.len() in one pass (zero is
/// absorbing, so P(born dead at depth l) = P(K_l = 0)).
pub fn born_dead_by_depth(spec: &ChainSpec) -> Vec<BigRational> {
    scaled_law(spec, None).iter().map(|d| d.entry(0)).collect()
}

/// Check used by tests: the numerators of a layer sum to its denominator.
pub fn sums_to_one(d: &ScaledDist) -> bool {
    let total = d.numer.iter().fold(BigUint::zero(), |a, x| a + x);
    total == (&d.odd << d.shift)
}
