//! p-values in log10 form, for tails below the f64 range (spec ALG-CHECK,
//! "p-value underflow"): the chi-square upper tail and the binomial upper
//! tail, and the f64 / log10 pair every printed p-value carries.

use statrs::distribution::{ChiSquared, ContinuousCDF};
use statrs::function::gamma::ln_gamma;

/// Tails at or above this are taken from the f64 routines directly.
const DIRECT: f64 = 1e-280;

/// log10 P(chi2_dof >= x); `-inf` only when x = +inf. For tails below 1e-280
/// it uses the continued fraction of the regularized upper incomplete gamma
/// Q(a, z) (a = dof/2, z = x/2, z > a + 1 there) in log space:
/// ln Q = -z + a ln z - ln Gamma(a) + ln CF(a, z).
pub fn chi2_sf_log10(dof: usize, x: f64) -> f64 {
    if x.is_infinite() {
        return f64::NEG_INFINITY;
    }
    if dof == 0 || x <= 0.0 {
        return 0.0;
    }
    let direct = ChiSquared::new(dof as f64)
        .map(|c| c.sf(x))
        .unwrap_or(f64::NAN);
    if direct >= DIRECT {
        return direct.min(1.0).log10();
    }
    let (a, z) = (dof as f64 / 2.0, x / 2.0);
    (-z + a * z.ln() - ln_gamma(a) + upper_gamma_cf(a, z).ln()) / std::f64::consts::LN_10
}

/// Modified Lentz evaluation of the continued fraction of
/// Gamma(a, z) e^z z^-a (converges fast for z > a + 1).
fn upper_gamma_cf(a: f64, z: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut b = z + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..10_000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// log10 P(Binomial(n, s) >= c) for 0 < s < 1, summing the terms from c
/// upward in log space, scaled by the largest term (the terms decrease
/// geometrically past the mode, where the sum stops); accurate to a few
/// f64 roundings per term.
pub fn binom_upper_log10(c: u64, n: u64, s: f64) -> f64 {
    if c == 0 {
        return 0.0;
    }
    if c > n {
        return f64::NEG_INFINITY;
    }
    let (ls, lf) = (s.ln(), (-s).ln_1p());
    let ln_term = |k: u64| {
        ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
            + k as f64 * ls
            + (n - k) as f64 * lf
    };
    // the terms are unimodal in k with the mode at floor((n + 1) s): scale by
    // the largest term of the tail so that no exp overflows
    let mode = (((n as f64 + 1.0) * s).floor() as u64).min(n);
    let first = ln_term(c.max(mode));
    let mut sum = 0.0f64; // sum of exp(term - first)
    for k in c..=n {
        let t = (ln_term(k) - first).exp();
        sum += t;
        if k as f64 > n as f64 * s && t < 1e-17 * sum {
            break;
        }
    }
    ((first + sum.ln()) / std::f64::consts::LN_10).min(0.0)
}

/// The two printed forms of a p-value given its log10 (`-inf` = exactly 0):
/// the f64 value, or `None` when it is positive but below the normal f64
/// range (it would print as 0 or lose digits); and the log10, or `None` when
/// the p-value is exactly 0.
pub fn printed_forms(log10: f64) -> (Option<f64>, Option<f64>) {
    if log10 == f64::NEG_INFINITY {
        return (Some(0.0), None);
    }
    let p = 10f64.powf(log10);
    let f = if p >= f64::MIN_POSITIVE {
        Some(p.min(1.0))
    } else {
        None
    };
    (f, Some(log10.min(0.0)))
}

/// log10 of the Bonferroni combination min(1, m * min p).
pub fn bonferroni_log10(m: usize, min_log10: f64) -> f64 {
    ((m.max(1) as f64).log10() + min_log10).min(0.0)
}
