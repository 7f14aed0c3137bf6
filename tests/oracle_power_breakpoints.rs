//! `partition_breakpoints` (ALG-POWER's proof that the sample-size search
//! returns the safe threshold rests on it listing *every* n at which some
//! component's pooling partition changes) against brute force: the
//! partitions of ALG-GOF computed at every n from 1 to the limit, and
//! their change points listed directly.
// spec: ALG-POWER

use relu_trainability::exact::{BiasMode, ChainSpec};
use relu_trainability::oracle::laws::{check_marginals, pair_law, renormalize};
use relu_trainability::oracle::power::partition_breakpoints;
use relu_trainability::rational::parse_rational;
use relu_trainability::stats::gof::pooled_partition;

/// Every n in [1, max] whose partition (of some law) differs from that of
/// n - 1, with 1 first.
fn brute_force(laws: &[Vec<f64>], max: u64) -> Vec<u64> {
    let parts = |n: u64| -> Vec<_> { laws.iter().map(|p| pooled_partition(p, n)).collect() };
    let mut out = vec![1];
    let mut prev = parts(1);
    for n in 2..=max {
        let cur = parts(n);
        if cur != prev {
            out.push(n);
            prev = cur;
        }
    }
    out
}

/// Component laws of H0 as `check` tests them: renormalized marginals and
/// renormalized consecutive pair laws.
fn components(widths: &[usize], bias: BiasMode, q1: &str) -> Vec<Vec<f64>> {
    let spec = ChainSpec::new(widths.to_vec(), bias, parse_rational(q1).unwrap()).unwrap();
    let m = check_marginals(&spec).unwrap();
    let mut out = m.clone();
    for l in 0..widths.len() - 1 {
        let mut p = pair_law(&spec, &m, l);
        renormalize(&mut p);
        out.push(p);
    }
    out
}

fn check(laws: &[Vec<f64>], max: u64, what: &str) {
    let refs: Vec<&[f64]> = laws.iter().map(|p| p.as_slice()).collect();
    let got = partition_breakpoints(&refs, max).unwrap();
    let want = brute_force(laws, max);
    assert!(
        want.len() >= 3,
        "{what}: the case has too few breakpoints to test"
    );
    assert_eq!(got, want, "{what}");
}

#[test]
fn every_partition_change_is_listed() {
    // the networks of the power table, each component alone and all
    // together (the search uses the union over components)
    for (w, b) in [
        (vec![8, 8, 8], BiasMode::Symmetric),
        (vec![4, 4, 4, 4], BiasMode::Symmetric),
        (vec![5, 2, 4], BiasMode::Zero),
        (vec![16, 16], BiasMode::Zero),
    ] {
        let laws = components(&w, b, "1/2");
        for (i, p) in laws.iter().enumerate() {
            check(
                std::slice::from_ref(p),
                20_000,
                &format!("{w:?} component {i}"),
            );
        }
        check(&laws, 20_000, &format!("{w:?} all components"));
    }
    // hand-made laws: tiny cells between large ones, zeros, a dyadic law
    // whose partial sums hit 5 / n exactly, and a long flat law
    let flat: Vec<f64> = vec![1.0 / 40.0; 40];
    for (name, law) in [
        ("tiny cells", vec![0.3, 1e-6, 2e-6, 0.2, 1e-5, 0.499987]),
        ("zeros", vec![0.0, 0.1, 0.0, 0.0, 0.3, 0.0, 0.05, 0.0, 0.55]),
        ("dyadic", vec![0.125, 0.125, 0.25, 0.5]),
        ("flat", flat),
    ] {
        check(&[law], 5_000, name);
    }
}
