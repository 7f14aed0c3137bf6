//! Unit test of the cost of `partition_breakpoints` (ALG-POWER). Its
//! result is checked against brute force in tests/oracle_power_breakpoints.rs;
//! here, that the next change is predicted rather than searched for: about
//! three partitions per breakpoint (the candidate, one on each side),
//! where a wrong prediction costs a bisection (about 30) or a scan.

use super::*;
use crate::exact::{BiasMode, ChainSpec};
use num_rational::BigRational;

// spec: ALG-POWER
#[test]
fn breakpoints_cost_about_three_partitions_each_up_to_1e9() {
    for (w, b) in [
        (vec![8, 8, 8], BiasMode::Symmetric),
        (vec![4, 4, 4, 4], BiasMode::Symmetric),
        (vec![5, 2, 4], BiasMode::Zero),
        (vec![16, 16], BiasMode::Zero),
    ] {
        let h0 = ChainSpec::new(w.clone(), b, BigRational::new(1.into(), 2.into())).unwrap();
        let laws = component_laws(&h0, &h0).unwrap();
        let p0s: Vec<&[f64]> = laws.iter().map(|(a, _)| a.as_slice()).collect();
        let (breaks, evals) = counted_breakpoints(&p0s, MAX_SAMPLES).unwrap();
        // measured when the bound was set: 534 for 177, 264 for 90, 115
        // for 39, 743 for 233
        assert!(breaks.len() >= 30, "{w:?}");
        assert!(
            evals <= 7 * breaks.len() / 2,
            "{w:?}: {evals} partitions for {} breakpoints",
            breaks.len()
        );
    }
}
