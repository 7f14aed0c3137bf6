//! End to end: networks drawn by the crate's initializer, counted by the
//! census on real data, pass `check` against the exact law with the right
//! claim and fail it with wrong claims.
// spec: ALG-CHECK, THM-CHAIN, THM-ACTIVE-BOUND, THM-Q1-ZERO-1D, THM-Q1-ATAN

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::census::census;
use relu_trainability::exact::{BiasMode, ChainSpec};
use relu_trainability::init::{initialize, Architecture, InitScheme};
use relu_trainability::oracle::check::{check_samples, Kind};
use relu_trainability::rational::from_f64_exact;
use relu_trainability::sim::Dataset;

const XS: [f64; 4] = [0.5, 1.0, 2.0, 3.0];

/// (non-PD counts, active counts) of `n` networks.
fn simulate(
    widths: &[usize],
    init: &str,
    bias: &str,
    n: u64,
    seed: u64,
) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let data = Dataset::new(DMatrix::from_column_slice(XS.len(), 1, &XS)).unwrap();
    let arch = Architecture::new(1, widths.to_vec(), 1).unwrap();
    let scheme = InitScheme::from_cli(init, bias).unwrap();
    let (mut nonpd, mut active) = (Vec::new(), Vec::new());
    for i in 0..n {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(i);
        let net = initialize(&scheme, &arch, &data, &mut rng).unwrap();
        let c = census(&net, &data).unwrap();
        nonpd.push(c.layers.iter().map(|l| l.non_pd()).collect());
        active.push(c.layers.iter().map(|l| l.active()).collect());
    }
    (nonpd, active)
}

/// Zero bias, 1-D data of one sign: q1 = 1/2 (THM-Q1-ZERO-1D). Right claim
/// accepted at nominal alpha = 1e-6 (both kinds; ALG-GOF calibration), wrong
/// q1 / bias mode / width rejected.
#[test]
fn zero_bias_simulated_networks() {
    let (nonpd, active) = simulate(&[6, 6, 6], "he-normal", "zero", 3000, 42);
    let right = ChainSpec::parse(vec![6, 6, 6], BiasMode::Zero, "1/2").unwrap();
    let r = check_samples(&right, &nonpd, Kind::NonPd, 1e-6).unwrap();
    assert!(!r.reject, "p = {:?} {:?}", r.overall_p_value, r.tests);
    let r = check_samples(&right, &active, Kind::Active, 1e-6).unwrap();
    assert!(!r.reject, "active p = {:?}", r.overall_p_value);
    for wrong in [
        ChainSpec::parse(vec![6, 6, 6], BiasMode::Zero, "1/4").unwrap(),
        ChainSpec::parse(vec![6, 6, 6], BiasMode::Symmetric, "1/2").unwrap(),
        ChainSpec::parse(vec![6, 7, 6], BiasMode::Zero, "1/2").unwrap(),
    ] {
        let r = check_samples(&wrong, &nonpd, Kind::NonPd, 1e-6).unwrap();
        assert!(r.reject, "{wrong:?} accepted: p = {:?}", r.overall_p_value);
    }
}

/// Gaussian weights and biases of equal std (He normal with fan-in 1 has
/// std sqrt 2): (w, b) is isotropic in the plane and the PD cone has angle
/// pi - (atan(x_max) - atan(x_min)), so q1 = that / (2 pi) (THM-Q1-ATAN).
#[test]
fn symmetric_bias_simulated_networks() {
    let (nonpd, active) = simulate(
        &[5, 4, 5],
        "he-normal",
        &format!("normal:{}", 2f64.sqrt()),
        3000,
        7,
    );
    let q1 = (std::f64::consts::PI - (3f64.atan() - 0.5f64.atan())) / (2.0 * std::f64::consts::PI);
    let right = ChainSpec::new(
        vec![5, 4, 5],
        BiasMode::Symmetric,
        from_f64_exact(q1).unwrap(),
    )
    .unwrap();
    let r = check_samples(&right, &nonpd, Kind::NonPd, 1e-6).unwrap();
    assert!(!r.reject, "p = {:?} {:?}", r.overall_p_value, r.tests);
    assert!(
        !check_samples(&right, &active, Kind::Active, 1e-6)
            .unwrap()
            .reject
    );
    let wrong = ChainSpec::new(vec![5, 4, 5], BiasMode::Zero, from_f64_exact(q1).unwrap()).unwrap();
    assert!(
        check_samples(&wrong, &nonpd, Kind::NonPd, 1e-6)
            .unwrap()
            .reject
    );
}
