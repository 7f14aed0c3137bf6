//! f64 laws the oracle tests against: the marginals of THM-CHAIN (exact
//! rationals rounded once when the exact engine accepts the size, else the
//! scaled-f64 path with its error bound) and the joint laws of consecutive
//! layers (K_{l-1}, K_l).

use crate::error::{Error, Result};
use crate::exact::{self, ChainSpec};
use statrs::function::factorial::ln_binomial;

/// Largest number of cells of all pair laws together.
pub const MAX_PAIR_CELLS: usize = 20_000_000;

/// `marginals[l][k]` = P(K_{l+1} = k) as f64 (see [`exact::marginals_f64`]),
/// taking the scaled-f64 path of BOUND-F64 directly when the exact first layer
/// alone is estimated above 0.05 s (3 N_1^2 log2(den q1) / 64 limb operations:
/// reducing and rounding a wide exact layer costs more than the f64 answer).
pub fn marginals(spec: &ChainSpec) -> Result<Vec<Vec<f64>>> {
    let n1 = spec.widths[0] as f64;
    let den_bits = spec.q1.denom().bits().max(1) as f64;
    if 3.0 * n1 * n1 * den_bits / 64.0 * 1e-9 <= 0.05 {
        return exact::marginals_f64(spec);
    }
    Ok(exact::float_chain::law(spec, None)
        .iter()
        .map(|d| d.probs.iter().map(|x| x.to_f64()).collect())
        .collect())
}

/// Binomial(n, 1 - d) pmf for a dead probability d = 2^-e (e >= 1), in log
/// space so that alive probabilities within 2^-53 of 1 stay accurate.
pub fn transition_pmf(n: usize, e: usize) -> Vec<f64> {
    let ln_d = -(e as f64) * std::f64::consts::LN_2;
    let ln_alive = (-(0.5f64).powi(e.min(1100) as i32)).ln_1p();
    (0..=n)
        .map(|k| {
            (ln_binomial(n as u64, k as u64) + k as f64 * ln_alive + (n - k) as f64 * ln_d).exp()
        })
        .collect()
}

/// Binomial(n, 1 - s(p)) pmf of a general step law (THM-CHAIN-GENERAL)
/// from p >= 1 of `n_prev` non-PD neurons, in log space, and which k are
/// possible (decided from the exact s(p): only k = 0 when s = 1, only
/// k = n when s = 0, every k otherwise).
pub fn step_pmf(
    step: &crate::exact::general::StepLaw,
    n: usize,
    p: usize,
    n_prev: usize,
) -> (Vec<f64>, Vec<bool>) {
    use num_traits::{One, Zero};
    let s = step.pd_probability(p, n_prev);
    let (zero, one) = (s.is_zero(), s.is_one());
    let possible = (0..=n)
        .map(|k| (!one || k == 0) && (!zero || k == n))
        .collect();
    let ln_s = step.ln_pd_probability(p, n_prev);
    let ln_alive = (-ln_s.exp()).ln_1p();
    let term = |c: usize, ln: f64| if c == 0 { 0.0 } else { c as f64 * ln };
    let pmf = (0..=n)
        .map(|k| (ln_binomial(n as u64, k as u64) + term(k, ln_alive) + term(n - k, ln_s)).exp())
        .collect();
    (pmf, possible)
}

/// Joint law of (K_l, K_{l+1}) for l = 0..depth-2 (0-based layers), as a
/// flat vector indexed p * (N_{l+1} + 1) + k: P(K_l = p) times the chain
/// transition (K_{l+1} = 0 when p = 0, else Binomial(N_{l+1}, 1 - 2^-(p + beta))).
pub fn pair_law(spec: &ChainSpec, marg: &[Vec<f64>], l: usize) -> Vec<f64> {
    let n = spec.widths[l + 1];
    let beta = spec.bias.beta();
    let mut out = vec![0.0; (spec.widths[l] + 1) * (n + 1)];
    out[0] = marg[l][0];
    for (p, &mp) in marg[l].iter().enumerate().skip(1) {
        if mp == 0.0 {
            continue;
        }
        for (k, t) in transition_pmf(n, p + beta).into_iter().enumerate() {
            out[p * (n + 1) + k] = mp * t;
        }
    }
    out
}

/// Refuses pair laws with more than [`MAX_PAIR_CELLS`] cells in total.
pub fn check_pair_cost(widths: &[usize]) -> Result<()> {
    let cells: usize = widths
        .windows(2)
        .map(|w| {
            w[0].saturating_add(1)
                .saturating_mul(w[1].saturating_add(1))
        })
        .fold(0usize, usize::saturating_add);
    if cells > MAX_PAIR_CELLS {
        return Err(Error::TooCostly(format!(
            "the joint laws of consecutive layers of widths {widths:?} have {cells} cells (limit {MAX_PAIR_CELLS}); \
             test fewer or narrower layers"
        )));
    }
    Ok(())
}

/// Normalizes a law whose f64 rounding left its sum within 1e-9 of 1
/// (a no-op otherwise); keeps the input validation of the tests meaningful.
pub fn renormalize(law: &mut [f64]) {
    let s: f64 = law.iter().sum();
    if s > 0.0 && (s - 1.0).abs() <= 1e-9 {
        law.iter_mut().for_each(|x| *x /= s);
    }
}

/// The marginal laws as `check` tests them: [`marginals`], each
/// [`renormalize`]d. The power of the active check is computed on these
/// too, so that both see the same tails.
pub fn check_marginals(spec: &ChainSpec) -> Result<Vec<Vec<f64>>> {
    let mut marg = marginals(spec)?;
    marg.iter_mut().for_each(|m| renormalize(m));
    Ok(marg)
}

/// Budget of the f64 work of one `check` (marginal laws, pair laws, tests).
pub const MAX_CHECK_OPS: f64 = 4e8;
/// Budget of one non-PD power table (sample-size searches over the laws).
pub const MAX_POWER_OPS: f64 = 4e9;
/// Budget of one active power table (exact binomial dynamic programs).
pub const MAX_ACTIVE_POWER_WORK: f64 = 5e6;

/// f64 operations of the marginal laws (ALG-COST for the scaled-f64 path:
/// N_1 + sum_l N_{l-1} (N_l + 1)), in f64 so that no width overflows.
pub fn marginals_ops(widths: &[usize]) -> f64 {
    let w: Vec<f64> = widths.iter().map(|&n| n as f64).collect();
    2.0 * (w[0] + 1.0) + w.windows(2).map(|p| p[0] * (p[1] + 1.0)).sum::<f64>()
}

/// Cells of every marginal and (for non-PD counts) every pair law.
fn cells(widths: &[usize], pairs: bool) -> f64 {
    let w: Vec<f64> = widths.iter().map(|&n| n as f64 + 1.0).collect();
    let marg: f64 = w.iter().sum();
    if pairs {
        marg + w.windows(2).map(|p| p[0] * p[1]).sum::<f64>()
    } else {
        marg
    }
}

/// The one budget rule of ALG-CHECK: an estimate at the limit is accepted,
/// one above it is refused with the advice.
fn within_budget(what: &str, est: f64, limit: f64, widths: &[usize], advice: &str) -> Result<()> {
    if est <= limit {
        return Ok(());
    }
    let w = if widths.len() > 6 {
        format!("{:?}...", &widths[..6])
    } else {
        format!("{widths:?}")
    };
    Err(Error::TooCostly(format!(
        "{what} for widths {w} needs about {est:.2e} operations (limit {limit:.0e}); {advice}"
    )))
}

/// Estimates the cost of `check` (samples) before anything is allocated
/// (spec ALG-CHECK, cost): refuses with advice above [`MAX_CHECK_OPS`].
pub fn check_samples_cost(widths: &[usize], pairs: bool) -> Result<()> {
    if pairs {
        check_pair_cost(widths)?;
    }
    let ops = marginals_ops(widths) + 4.0 * cells(widths, pairs);
    within_budget(
        "the exact law of the counts",
        ops,
        MAX_CHECK_OPS,
        widths,
        "check narrower layers (the law of wide layers is concentrated: test a sub-network, \
         or the first layers only)",
    )
}

/// Estimates the cost of `check --power` before anything is allocated:
/// non-PD, (3 + depth) deviations x 2 targets x (2 marginal laws + about 64
/// power evaluations over every cell + the breakpoint walk, ~cells^2 / 50);
/// active, the dynamic programs grow as
/// (3 + depth) x sum_l (N_l + 1)^2.
pub fn power_cost(widths: &[usize], active: bool) -> Result<()> {
    let devs = 3.0 + widths.len() as f64;
    if active {
        let work: f64 = devs
            * widths
                .iter()
                .map(|&n| (n as f64 + 1.0).powi(2))
                .sum::<f64>();
        return within_budget(
            "the active power table",
            work,
            MAX_ACTIVE_POWER_WORK,
            widths,
            "ask for narrower layers (width about 1000 or less), or use --kind nonpd",
        );
    }
    check_pair_cost(widths)?;
    let c = cells(widths, true);
    // the safe-threshold search walks the partition breakpoints (about one
    // per cell, each recomputing every partition): ~ c^2 per search
    let ops = devs * 2.0 * (2.0 * marginals_ops(widths) + 64.0 * 3.0 * c + c * c / 50.0);
    within_budget(
        "the power table",
        ops,
        MAX_POWER_OPS,
        widths,
        "ask for narrower layers (two layers of width about 1000 or less)",
    )
}
