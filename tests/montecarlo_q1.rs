//! Monte Carlo estimates of q1 against the closed forms, with
//! Clopper-Pearson intervals at confidence 1 - 1e-6 (alpha = 1e-6 per
//! assertion), and the same intervals excluding deliberately wrong values.
//! Every test but `ball_formula_by_sampling_w_and_b` runs the simulator.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use relu_trainability::exact::q1;
use relu_trainability::init::{Architecture, BiasInit, InitScheme, WeightInit};
use relu_trainability::montecarlo::theory::gap_q1_2d;
use relu_trainability::montecarlo::{run, McConfig};
use relu_trainability::rational::to_f64;
use relu_trainability::sim::Dataset;
use relu_trainability::stats::intervals::clopper_pearson;

const CONF: f64 = 1.0 - 1e-6;

fn rows(v: &[&[f64]]) -> Dataset {
    Dataset::from_rows(&v.iter().map(|r| r.to_vec()).collect::<Vec<_>>()).unwrap()
}

/// Layer-1 PD count and trials from a Monte Carlo run (N_1 = 16).
fn pd_rate(scheme: InitScheme, data: &Dataset, samples: u64, seed: u64) -> (u64, u64) {
    let arch = Architecture::new(data.dim(), vec![16], 1).unwrap();
    run(
        &McConfig {
            arch,
            scheme,
            samples,
            seed,
        },
        data,
        false,
    )
    .unwrap()
    .first_layer_pd()
}

fn inside(x: f64, (lo, hi): (f64, f64)) -> bool {
    lo <= x && x <= hi
}

// spec: THM-Q1-ZERO-1D, ALG-GOF-MC
#[test]
fn zero_bias_1d() {
    let z = InitScheme::Random {
        weights: WeightInit::GlorotNormal,
        bias: BiasInit::Zero,
    };
    // one-signed data: q1 = 1/2
    let data = rows(&[&[0.2], &[1.0], &[3.0]]);
    let expect = to_f64(&q1::zero_bias_1d(&[0.2, 1.0, 3.0]).unwrap());
    assert_eq!(expect, 0.5);
    let (k, n) = pd_rate(z, &data, 10_000, 1);
    let ci = clopper_pearson(k, n, CONF);
    assert!(inside(expect, ci), "{ci:?}");
    assert!(!inside(0.48, ci), "power: {ci:?}");
    // both signs: q1 = 0, and indeed no PD neuron at all
    let data = rows(&[&[-0.5], &[1.0]]);
    assert_eq!(to_f64(&q1::zero_bias_1d(&[-0.5, 1.0]).unwrap()), 0.0);
    assert_eq!(pd_rate(z, &data, 5000, 2).0, 0);
}

// spec: THM-Q1-ATAN, ALG-GOF-MC
#[test]
fn gaussian_bias_1d_atan() {
    let xs = [-0.3, 0.1, 0.5, 2.0];
    let data = rows(&[&[-0.3], &[0.1], &[0.5], &[2.0]]);
    for (w, sb) in [
        (WeightInit::HeNormal, 0.5),
        (WeightInit::StandardNormal, 2.0),
        (WeightInit::LecunNormal, 1.0),
    ] {
        let scheme = InitScheme::Random {
            weights: w,
            bias: BiasInit::Normal(sb),
        };
        let sw = w.std(1, 16);
        let expect = q1::gaussian_bias_1d(&xs, sw, sb).unwrap();
        let (k, n) = pd_rate(scheme, &data, 20_000, 3);
        let ci = clopper_pearson(k, n, CONF);
        assert!(inside(expect, ci), "{w:?}: q1 {expect} not in {ci:?}");
        // power: the formula with the bias std doubled is excluded
        let wrong = q1::gaussian_bias_1d(&xs, sw, 2.0 * sb).unwrap();
        assert!((wrong - expect).abs() > 0.02);
        assert!(!inside(wrong, ci), "{w:?}: wrong q1 {wrong} in {ci:?}");
    }
}

// spec: PROP-Q1-GAP-2D, ALG-GOF-MC
#[test]
fn gap_formula_2d() {
    // angles 0 and 90 degrees: q1 = 1/4; He normal weights, zero bias.
    let data = rows(&[&[1.0, 0.0], &[0.0, 2.0], &[0.5, 0.5]]);
    let expect = gap_q1_2d(&data);
    assert!((expect - 0.25).abs() < 1e-15);
    let z = InitScheme::Random {
        weights: WeightInit::HeNormal,
        bias: BiasInit::Zero,
    };
    let (k, n) = pd_rate(z, &data, 10_000, 4);
    let ci = clopper_pearson(k, n, CONF);
    assert!(inside(expect, ci), "{ci:?}");
    assert!(!inside(0.23, ci), "power: {ci:?}");
}

/// Samples (w, b) directly (not the simulator: a ball in d >= 2 is not a
/// finite data set); the simulator runs the 1-D ball below.
// spec: THM-Q1-BALL
#[test]
fn ball_formula_by_sampling_w_and_b() {
    // THM-Q1-BALL: a neuron is PD on the whole ball iff b <= -r |w|.
    let n = 400_000u64;
    for (d, r, sw, sb) in [
        (1usize, 1.0, 1.0, 1.0),
        (2, 0.5, 1.0, 2.0),
        (5, 1.0, 0.3, 1.0),
        (10, 2.0, 0.1, 0.5),
    ] {
        let mut rng = ChaCha8Rng::seed_from_u64(d as u64);
        let mut k = 0u64;
        for _ in 0..n {
            let norm2: f64 = (0..d)
                .map(|_| {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    (sw * z).powi(2)
                })
                .sum();
            let z: f64 = StandardNormal.sample(&mut rng);
            if sb * z <= -r * norm2.sqrt() {
                k += 1;
            }
        }
        let expect = q1::gaussian_bias_ball(d, r, sw, sb).unwrap();
        let ci = clopper_pearson(k, n, CONF);
        assert!(inside(expect, ci), "d {d}: q1 {expect} not in {ci:?}");
        // power: the formula at twice the radius is excluded
        let wrong = q1::gaussian_bias_ball(d, 2.0 * r, sw, sb).unwrap();
        assert!(!inside(wrong, ci), "d {d}: wrong q1 {wrong} in {ci:?}");
    }
}

/// In 1-D the ball [-r, r] is PD iff its two end points are (z is affine), so
/// the simulator on X = {-r, r} estimates the ball's q1 exactly; the formula
/// is also compared with the independent 1-D closed form
/// (pi - 2 atan(r s_w / s_b)) / (2 pi) (THM-Q1-ATAN's argument).
// spec: THM-Q1-BALL, ALG-GOF-MC
#[test]
fn ball_formula_1d_by_the_simulator() {
    let pi = std::f64::consts::PI;
    for (w, sb, r, seed) in [
        (WeightInit::StandardNormal, 1.0, 1.0, 5u64),
        (WeightInit::HeNormal, 0.5, 2.0, 6),
        (WeightInit::LecunNormal, 2.0, 0.5, 7),
    ] {
        let sw = w.std(1, 16);
        let expect = q1::gaussian_bias_ball(1, r, sw, sb).unwrap();
        let by_angle = (pi - 2.0 * (r * sw / sb).atan()) / (2.0 * pi);
        assert!((expect - by_angle).abs() < 1e-12, "{expect} vs {by_angle}");
        let scheme = InitScheme::Random {
            weights: w,
            bias: BiasInit::Normal(sb),
        };
        let (k, n) = pd_rate(scheme, &rows(&[&[-r], &[r]]), 20_000, seed);
        let ci = clopper_pearson(k, n, CONF);
        assert!(inside(expect, ci), "{w:?}: q1 {expect} not in {ci:?}");
        let wrong = q1::gaussian_bias_ball(1, 2.0 * r, sw, sb).unwrap();
        assert!(!inside(wrong, ci), "{w:?}: wrong q1 {wrong} in {ci:?}");
    }
}
