//! Exact (Clopper-Pearson) confidence intervals for a binomial proportion,
//! robust for any number of trials (spec ALG-BINOMIAL): each end is found by
//! bisection on the bit pattern of an f64 (at most 64 steps) inside a proven
//! bracket, on binomial tails summed from Loader's saddle-point form of the
//! probability mass function, which is accurate for any n (no lgamma
//! cancellation, no iteration limit to hit).

use crate::error::{Error, Result};

/// Two-sided Clopper-Pearson interval at level `confidence` (e.g. 0.95) for
/// the success probability after `successes` in `trials`: the lower end p_L
/// solves P(X >= x | p_L) = alpha/2 (0 when x = 0), the upper end p_U solves
/// P(X <= x | p_U) = alpha/2 (1 when x = n), X ~ Binomial(n, p). With no
/// trials the interval is [0, 1].
///
/// Panics on arguments that are programming errors (successes > trials,
/// confidence outside (0, 1)); use [`checked_clopper_pearson`] for user data.
pub fn clopper_pearson(successes: u64, trials: u64, confidence: f64) -> (f64, f64) {
    checked_clopper_pearson(successes, trials, confidence)
        .expect("clopper_pearson: invalid arguments")
}

/// [`clopper_pearson`] with validation instead of a panic.
pub fn checked_clopper_pearson(successes: u64, trials: u64, confidence: f64) -> Result<(f64, f64)> {
    counted_clopper_pearson(successes, trials, confidence).map(|(iv, _)| iv)
}

/// [`checked_clopper_pearson`] and the number of tail evaluations it took
/// (the cost ALG-BINOMIAL states: about 60 per interval).
fn counted_clopper_pearson(
    successes: u64,
    trials: u64,
    confidence: f64,
) -> Result<((f64, f64), usize)> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::input(format!(
            "confidence {confidence} is not in (0, 1)"
        )));
    }
    if successes > trials {
        return Err(Error::input(format!(
            "{successes} successes in only {trials} trials"
        )));
    }
    if trials == 0 {
        return Ok(((0.0, 1.0), 0));
    }
    let evals = std::cell::Cell::new(0usize);
    let count = || evals.set(evals.get() + 1);
    let ln_a = ((1.0 - confidence) / 2.0).ln();
    let (x, n) = (successes, trials);
    let (p0, [lo_guess, hi_guess]) = (x as f64 / n as f64, normal_guesses(x, n, ln_a));
    let lo = if x == 0 {
        0.0
    } else {
        // g(p) = ln P(X >= x | p) - ln a increases in p; g(0) = -inf and
        // g(x/n) >= ln(1/2) - ln a > 0 (x is a median of Binomial(n, x/n)).
        let g = |p: f64| {
            count();
            ln_upper_tail(x, n, p) - ln_a
        };
        solve(g, 0.0, p0, lo_guess).0
    };
    let hi = if x == n {
        1.0
    } else {
        // g(p) = ln a - ln P(X <= x | p) increases in p; g(x/n) < 0,
        // g(1) = +inf.
        let g = |p: f64| {
            count();
            ln_a - ln_lower_tail(x, n, p)
        };
        solve(g, p0, 1.0, hi_guess).1
    };
    Ok(((lo, hi), evals.get()))
}

/// The upper a-quantile z of the standard normal (P(Z > z) = a, given
/// ln a), from the Mills-ratio approximation a = phi(z) / z iterated three
/// times from z^2 = -2 ln a - ln(2 pi) (0 when a >= 1/2 makes it negative):
/// above the true quantile by less than 0.1 for a <= 0.05 and less than
/// 0.01 for a <= 5e-7 (src/stats/intervals_tests.rs). Used only for
/// guesses.
fn normal_quantile_guess(ln_a: f64) -> f64 {
    let c = -2.0 * ln_a - (2.0 * std::f64::consts::PI).ln();
    let mut z2 = c;
    for _ in 0..3 {
        z2 = (c - z2.max(1.0).ln()).max(0.0);
    }
    z2.sqrt()
}

/// Normal-approximation guesses of the two ends, as pairs meant to bracket
/// each end (ALG-BINOMIAL): around p0 -+ z sd (p0 = x / n, sd the binomial
/// standard deviation of p0), widened by sd and 2 / n on the outer side
/// and by sd / 2 on the inner side. Used only to narrow the proven
/// brackets after checking the sign of the equation there.
fn normal_guesses(x: u64, n: u64, ln_a: f64) -> [[f64; 2]; 2] {
    let (p0, nf) = (x as f64 / n as f64, n as f64);
    let z = normal_quantile_guess(ln_a);
    let sd = (p0 * (1.0 - p0) / nf).sqrt();
    let (r_lo, r_hi) = (p0 - z * sd, p0 + z * sd);
    [
        [r_lo - sd - 2.0 / nf, r_lo + 0.5 * sd],
        [r_hi - 0.5 * sd, r_hi + sd + 2.0 / nf],
    ]
}

/// Root of an increasing `g` on [lo, hi] with g(lo) < 0 <= g(hi) (the
/// brackets above are proven): first narrowed by the `guess` pair when g
/// has the right signs there, then the Illinois variant of regula falsi
/// with a bisection step on the f64 bit patterns every third iteration,
/// until g is within rounding of 0; then a bracket of a few ulps around
/// that point and bisection on the bit patterns (about 30 evaluations per
/// end, at most about 60: src/stats/intervals_tests.rs). Returns adjacent
/// floats (lo, hi) with g(lo) < 0 <= g(hi); the interval takes the outer
/// one of each pair, so it contains the exact one up to the tails' rounding.
fn solve(g: impl Fn(f64) -> f64, lo: f64, hi: f64, guess: [f64; 2]) -> (f64, f64) {
    let (mut a, mut b) = (lo, hi);
    let (mut ga, mut gb) = (g(a), g(b));
    if guess[0] > a && guess[0] < b {
        let v = g(guess[0]);
        if v < 0.0 {
            (a, ga) = (guess[0], v);
        }
    }
    if guess[1] > a && guess[1] < b {
        let v = g(guess[1]);
        if v >= 0.0 {
            (b, gb) = (guess[1], v);
        }
    }
    // Phase 1: Illinois steps (a bisection on the bits every third step)
    // until g is within rounding of 0 at some point c.
    let mut side = 0i8;
    let mut near: Option<f64> = None;
    for it in 0..200 {
        let (ab, bb) = (a.to_bits(), b.to_bits());
        if bb - ab <= 1 {
            return (a, b);
        }
        let bisect_step = f64::from_bits(ab + (bb - ab) / 2);
        let c = if it % 3 == 2 || !(ga.is_finite() && gb.is_finite()) {
            bisect_step
        } else {
            let c = b - gb * (b - a) / (gb - ga);
            if c > a && c < b {
                c
            } else {
                bisect_step
            }
        };
        let gc = g(c);
        if gc < 0.0 {
            (a, ga) = (c, gc);
            if side == -1 {
                gb /= 2.0;
            }
            side = -1;
        } else {
            (b, gb) = (c, gc);
            if side == 1 {
                ga /= 2.0;
            }
            side = 1;
        }
        if gc.abs() < 1e-10 {
            near = Some(c);
            break;
        }
    }
    // Phase 2: bracket c tightly by probing a few ulps on each side
    // (widening by 16x until the sign changes).
    if let Some(c) = near {
        let cb = c.to_bits();
        let mut d = 4u64;
        while d < 1 << 60 {
            let lo_b = cb.saturating_sub(d);
            if lo_b > a.to_bits() && lo_b < b.to_bits() {
                let v = g(f64::from_bits(lo_b));
                if v < 0.0 {
                    a = f64::from_bits(lo_b);
                }
            }
            let hi_b = cb.saturating_add(d);
            if hi_b > a.to_bits() && hi_b < b.to_bits() {
                let v = g(f64::from_bits(hi_b));
                if v >= 0.0 {
                    b = f64::from_bits(hi_b);
                }
            }
            if b.to_bits() - a.to_bits() <= 2 * d {
                break;
            }
            d *= 16;
        }
    }
    // Phase 3: bisection on the bits of the (now narrow) bracket.
    loop {
        let (ab, bb) = (a.to_bits(), b.to_bits());
        if bb - ab <= 1 {
            break;
        }
        let m = f64::from_bits(ab + (bb - ab) / 2);
        if g(m) < 0.0 {
            a = m;
        } else {
            b = m;
        }
    }
    (a, b)
}

/// ln P(X >= x), X ~ Binomial(n, p), 1 <= x <= n.
pub fn ln_upper_tail(x: u64, n: u64, p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return 0.0;
    }
    if x as f64 >= n as f64 * p {
        // the far side of the mean: sum upwards, terms decreasing
        ln_sum_up(x, n, p)
    } else {
        // P(X >= x) = 1 - P(X <= x - 1) with x - 1 below the mean
        ln_one_minus(ln_sum_down(x - 1, n, p))
    }
}

/// ln P(X <= x), X ~ Binomial(n, p), 0 <= x < n.
pub fn ln_lower_tail(x: u64, n: u64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::NEG_INFINITY;
    }
    if x as f64 <= n as f64 * p {
        ln_sum_down(x, n, p)
    } else {
        ln_one_minus(ln_sum_up(x + 1, n, p))
    }
}

fn ln_one_minus(ln_t: f64) -> f64 {
    if ln_t > -std::f64::consts::LN_2 {
        (-ln_t.exp_m1()).ln()
    } else {
        (-ln_t.exp()).ln_1p()
    }
}

/// Relative size of the neglected remainder of a tail sum.
const TAIL_EPS: f64 = 1e-17;

/// ln sum_{k >= x} pmf(k), for x >= n p (terms decrease from k = x on).
fn ln_sum_up(x: u64, n: u64, p: f64) -> f64 {
    let ln0 = ln_pmf(x, n, p);
    if ln0 == f64::NEG_INFINITY {
        return ln0;
    }
    let odds = p / (1.0 - p);
    let (mut t, mut s, mut k) = (1.0f64, 1.0f64, x);
    while k < n {
        let r = (n - k) as f64 / (k + 1) as f64 * odds;
        t *= r;
        s += t;
        k += 1;
        // later ratios are smaller than r: the rest is below t r / (1 - r)
        if r < 1.0 && t * r / (1.0 - r) < TAIL_EPS * s {
            break;
        }
    }
    ln0 + s.ln()
}

/// ln sum_{k <= x} pmf(k), for x <= n p (terms decrease from k = x down).
fn ln_sum_down(x: u64, n: u64, p: f64) -> f64 {
    let ln0 = ln_pmf(x, n, p);
    if ln0 == f64::NEG_INFINITY {
        return ln0;
    }
    let inv_odds = (1.0 - p) / p;
    let (mut t, mut s, mut k) = (1.0f64, 1.0f64, x);
    while k > 0 {
        let r = k as f64 / (n - k + 1) as f64 * inv_odds;
        t *= r;
        s += t;
        k -= 1;
        if r < 1.0 && t * r / (1.0 - r) < TAIL_EPS * s {
            break;
        }
    }
    ln0 + s.ln()
}

/// ln of the binomial pmf by Loader's saddle-point formula (C. Loader, Fast
/// and accurate computation of binomial probabilities, 2000):
/// ln pmf = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, np)
/// - bd0(n - x, nq) - ln(2 pi x (n - x) / n) / 2.
pub fn ln_pmf(x: u64, n: u64, p: f64) -> f64 {
    let q = 1.0 - p;
    let nf = n as f64;
    if x == 0 {
        return if p == 0.0 { 0.0 } else { nf * (-p).ln_1p() };
    }
    if x == n {
        return if q == 0.0 { 0.0 } else { nf * p.ln() };
    }
    if p == 0.0 || q == 0.0 {
        return f64::NEG_INFINITY;
    }
    let (xf, yf) = (x as f64, (n - x) as f64);
    let lc = stirlerr(nf) - stirlerr(xf) - stirlerr(yf) - bd0(xf, nf * p) - bd0(yf, nf * q);
    let lf = (2.0 * std::f64::consts::PI).ln() + xf.ln() + (-xf / nf).ln_1p();
    lc - 0.5 * lf
}

/// stirlerr(n) = ln n! - (n + 1/2) ln n + n - ln sqrt(2 pi), n >= 1.
fn stirlerr(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        // exact ln n! for small integers (sum of logs), then the definition
        let lnfact: f64 = (2..=n as u64).map(|k| (k as f64).ln()).sum();
        return lnfact - (n + 0.5) * n.ln() + n - 0.5 * (2.0 * std::f64::consts::PI).ln();
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// bd0(x, m) = x ln(x / m) + m - x, computed without cancellation near
/// x = m (Loader's series).
fn bd0(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let v = (x - m) / (x + m);
        let mut s = (x - m) * v;
        let mut ej = 2.0 * x * v;
        let v2 = v * v;
        for j in 1..1000 {
            ej *= v2;
            let s1 = s + ej / (2 * j + 1) as f64;
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        s
    } else {
        x * (x / m).ln() + m - x
    }
}

#[cfg(test)]
#[path = "intervals_tests.rs"]
mod tests;
