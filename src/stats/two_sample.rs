//! Comparing two success rates (spec ALG-TWO-SAMPLE): Fisher's exact test
//! (conditional on the total number of successes), via statrs.

use crate::error::{Error, Result};
use statrs::stats_tests::{fishers_exact, Alternative};

/// Which difference of success rates the test looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateAlternative {
    /// H1: rate 1 > rate 2 (H0: rate 1 <= rate 2).
    Greater,
    /// H1: rate 1 < rate 2 (H0: rate 1 >= rate 2).
    Less,
    /// H1: rate 1 != rate 2 (two-sided, scipy's convention: sum of the
    /// tables no more likely than the observed one).
    TwoSided,
}

/// p-value of Fisher's exact test for `s1` successes in `n1` trials against
/// `s2` in `n2`. Under H0 (equal rates), conditionally on s1 + s2 the count
/// s1 is hypergeometric; the one-sided p-values are its tails, e.g. for
/// `Greater` P(S1 >= s1 | s1 + s2). Exact (conservative) at every size.
pub fn compare_rates(s1: u64, n1: u64, s2: u64, n2: u64, alt: RateAlternative) -> Result<f64> {
    if s1 > n1 || s2 > n2 {
        return Err(Error::input(format!(
            "two-sample test: successes exceed trials ({s1}/{n1}, {s2}/{n2})"
        )));
    }
    if n1 == 0 || n2 == 0 {
        return Err(Error::input("two-sample test: a sample with no trials"));
    }
    let table = [s1, n1 - s1, s2, n2 - s2];
    let a = match alt {
        RateAlternative::Greater => Alternative::Greater,
        RateAlternative::Less => Alternative::Less,
        RateAlternative::TwoSided => Alternative::TwoSided,
    };
    fishers_exact(&table, a)
        .map(|p| p.clamp(0.0, 1.0))
        .map_err(|e| Error::Numerical(format!("Fisher's exact test: {e}")))
}
