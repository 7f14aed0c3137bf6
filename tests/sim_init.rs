//! Random initializers: laws, determinism, parsing, RAI structure.
// spec: ALG-INIT-RANDOM, ALG-RAI, DEF-NETWORK

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::init::random::sample_layer_into;
use relu_trainability::init::{initialize, Architecture, BiasInit, InitScheme, WeightInit};
use relu_trainability::sim::Dataset;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

const ALPHA: f64 = 1e-6;
const ALL: [WeightInit; 7] = [
    WeightInit::HeNormal,
    WeightInit::HeUniform,
    WeightInit::GlorotNormal,
    WeightInit::GlorotUniform,
    WeightInit::LecunNormal,
    WeightInit::StandardNormal,
    WeightInit::TorchDefault,
];

fn data(d: usize) -> Dataset {
    Dataset::from_rows(&[vec![0.5; d], vec![-0.25; d]]).unwrap()
}

/// Two-sided p-value that `xs` have second moment `var` (mean 0 known):
/// exact chi-square for Gaussians, CLT on x^2 (fourth moment 9 var^2 / 5)
/// for the uniform law.
fn second_moment_p(xs: &[f64], var: f64, gaussian: bool) -> f64 {
    let n = xs.len() as f64;
    let ss: f64 = xs.iter().map(|x| x * x).sum();
    if gaussian {
        let c = ChiSquared::new(n).unwrap();
        let lo = c.cdf(ss / var);
        2.0 * lo.min(1.0 - lo)
    } else {
        // Var(x^2) = E x^4 - var^2 = (9/5 - 1) var^2 for U(-a, a).
        let z = (ss / n - var) / (0.8f64.sqrt() * var / n.sqrt());
        let nd = Normal::new(0.0, 1.0).unwrap();
        2.0 * nd.sf(z.abs())
    }
}

fn layer(scheme: InitScheme, fan_in: usize, fan_out: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut w = vec![0.0; fan_in * fan_out];
    let mut b = vec![0.0; fan_out];
    sample_layer_into(&scheme, fan_in, fan_out, &mut w, &mut b, &mut rng).unwrap();
    (w, b)
}

#[test]
fn weight_laws_have_documented_variance() {
    // alpha = 1e-6 per assertion.
    for (t, &wi) in ALL.iter().enumerate() {
        let (fan_in, fan_out) = (24, 4000);
        let scheme = InitScheme::Random {
            weights: wi,
            bias: BiasInit::Zero,
        };
        let (w, b) = layer(scheme, fan_in, fan_out, 100 + t as u64);
        let s = wi.std(fan_in, fan_out);
        let expected = match wi {
            WeightInit::HeNormal | WeightInit::HeUniform => 2.0 / 24.0,
            WeightInit::GlorotNormal | WeightInit::GlorotUniform => 2.0 / 4024.0,
            WeightInit::LecunNormal => 1.0 / 24.0,
            WeightInit::StandardNormal => 1.0,
            // U(-1/sqrt(24), 1/sqrt(24)) (spec ALG-INIT-TORCH)
            WeightInit::TorchDefault => 1.0 / 72.0,
        };
        assert!((s * s - expected).abs() < 1e-15, "{wi:?}");
        let p = second_moment_p(&w, expected, wi.is_gaussian());
        assert!(p > ALPHA, "{wi:?}: p = {p}");
        assert!(b.iter().all(|&x| x == 0.0));
        if !wi.is_gaussian() {
            let a = (3.0 * expected).sqrt();
            assert!(w.iter().all(|x| x.abs() <= a), "{wi:?} outside [-a, a]");
        }
    }
}

#[test]
fn variance_check_rejects_wrong_law() {
    // Power companion: He normal data tested against the LeCun variance
    // (half) and He uniform against the Glorot variance must be rejected.
    let (w, _) = layer(
        InitScheme::Random {
            weights: WeightInit::HeNormal,
            bias: BiasInit::Zero,
        },
        24,
        4000,
        1,
    );
    assert!(second_moment_p(&w, 1.0 / 24.0, true) < ALPHA);
    let (w, _) = layer(
        InitScheme::Random {
            weights: WeightInit::HeUniform,
            bias: BiasInit::Zero,
        },
        24,
        4000,
        2,
    );
    assert!(second_moment_p(&w, 1.5 / 24.0, false) < ALPHA);
}

#[test]
fn bias_laws_have_documented_variance() {
    for (bias, gaussian, var) in [
        (BiasInit::Normal(0.3), true, 0.09),
        (BiasInit::Uniform(0.6), false, 0.12),
    ] {
        let scheme = InitScheme::Random {
            weights: WeightInit::HeNormal,
            bias,
        };
        let (_, b) = layer(scheme, 2, 50_000, 9);
        let p = second_moment_p(&b, var, gaussian);
        assert!(p > ALPHA, "{bias:?}: p = {p}");
        assert!((bias.std().powi(2) - var).abs() < 1e-15);
        // wrong variance (x 1.1) rejected
        assert!(
            second_moment_p(&b, var * 1.1, gaussian) < ALPHA,
            "{bias:?} power"
        );
    }
}

#[test]
fn rai_neurons_always_have_a_positive_parameter() {
    // ALG-RAI: the Beta(2,1) entry is > 0 almost surely, so no neuron
    // has all of (w_j, b_j) <= 0; with symmetric laws and fan_in = 1 that
    // happens with probability 1/4 (checked below for He normal).
    let (w, b) = layer(InitScheme::Rai, 1, 20_000, 3);
    assert!(w.iter().zip(&b).all(|(&w, &b)| w > 0.0 || b > 0.0));
    let he = InitScheme::Random {
        weights: WeightInit::HeNormal,
        bias: BiasInit::Normal(1.0),
    };
    let (w, b) = layer(he, 1, 20_000, 3);
    assert!(w.iter().zip(&b).any(|(&w, &b)| w <= 0.0 && b <= 0.0));
}

#[test]
fn rai_mean_matches_beta_entry() {
    // E[entry] = (2/3) / (n + 1) (one Beta(2,1) entry of mean 2/3 among n+1
    // zero-mean entries). Var[entry] = (1/(n+1)) E[B^2] + (n/(n+1)) s^2 - mean^2,
    // E[B^2] = 1/2. CLT z-test, alpha = 1e-6 (|z| < 4.9).
    let n = 7;
    let (w, b) = layer(InitScheme::Rai, n, 40_000, 5);
    let xs: Vec<f64> = w.iter().chain(&b).copied().collect();
    let k = (n + 1) as f64;
    let mean = (2.0 / 3.0) / k;
    let s2 = 0.6007f64.powi(2) / k;
    let var = 0.5 / k + (n as f64 / k) * s2 - mean * mean;
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    let z = (m - mean) / (var / xs.len() as f64).sqrt();
    assert!(z.abs() < 4.9, "z = {z}");
    // power: a mean of 0 (no Beta entry) is rejected
    let z0 = m / (var / xs.len() as f64).sqrt();
    assert!(z0.abs() > 4.9, "z0 = {z0}");
}

#[test]
fn initialize_shapes_and_determinism() {
    let arch = Architecture::new(3, vec![5, 4, 6], 2).unwrap();
    let x = data(3);
    for scheme in [
        InitScheme::Random {
            weights: WeightInit::HeNormal,
            bias: BiasInit::Normal(0.1),
        },
        InitScheme::Random {
            weights: WeightInit::GlorotUniform,
            bias: BiasInit::Uniform(0.2),
        },
        InitScheme::Rai,
    ] {
        let a = initialize(&scheme, &arch, &x, &mut ChaCha8Rng::seed_from_u64(11)).unwrap();
        let b = initialize(&scheme, &arch, &x, &mut ChaCha8Rng::seed_from_u64(11)).unwrap();
        let c = initialize(&scheme, &arch, &x, &mut ChaCha8Rng::seed_from_u64(12)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.hidden_widths(), vec![5, 4, 6]);
        assert_eq!(a.input_dim(), 3);
        assert_eq!(a.output_dim(), 2);
        // layer by layer the same draws as sample_layer_into (documented order)
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for (l, (fi, fo)) in arch.layer_shapes().into_iter().enumerate() {
            let mut w = vec![0.0; fi * fo];
            let mut bb = vec![0.0; fo];
            sample_layer_into(&scheme, fi, fo, &mut w, &mut bb, &mut rng).unwrap();
            let layer = &a.layers()[l];
            for j in 0..fo {
                for i in 0..fi {
                    assert_eq!(layer.weight[(j, i)], w[j * fi + i]);
                }
                assert_eq!(layer.bias[j], bb[j]);
            }
        }
    }
    // dimension mismatch is an error, not a panic
    assert!(initialize(
        &InitScheme::Rai,
        &arch,
        &data(2),
        &mut ChaCha8Rng::seed_from_u64(1)
    )
    .is_err());
}

#[test]
fn architecture_validation() {
    assert!(Architecture::new(0, vec![3], 1).is_err());
    assert!(Architecture::new(2, vec![], 1).is_err());
    assert!(Architecture::new(2, vec![3, 0], 1).is_err());
    assert!(Architecture::new(2, vec![3], 0).is_err());
    let a = Architecture::new(2, vec![3, 4], 1).unwrap();
    assert_eq!(a.layer_shapes(), vec![(2, 3), (3, 4), (4, 1)]);
    assert_eq!(a.parameter_count(), 3 * 3 + 4 * 4 + 5);
}

#[test]
fn parsing() {
    assert_eq!(
        "he-normal".parse::<WeightInit>().unwrap(),
        WeightInit::HeNormal
    );
    for w in ALL {
        assert_eq!(w.name().parse::<WeightInit>().unwrap(), w);
    }
    assert!("he".parse::<WeightInit>().is_err());
    assert_eq!("zero".parse::<BiasInit>().unwrap(), BiasInit::Zero);
    assert_eq!(
        "normal:0.5".parse::<BiasInit>().unwrap(),
        BiasInit::Normal(0.5)
    );
    assert_eq!(
        "uniform:2".parse::<BiasInit>().unwrap(),
        BiasInit::Uniform(2.0)
    );
    for bad in [
        "normal",
        "normal:0",
        "normal:-1",
        "uniform:nan",
        "uniform:inf",
        "gauss:1",
        "normal:x",
    ] {
        assert!(bad.parse::<BiasInit>().is_err(), "{bad}");
    }
    assert_eq!(
        InitScheme::from_cli("rai", "zero").unwrap(),
        InitScheme::Rai
    );
    assert_eq!(
        InitScheme::from_cli("data-dependent", "zero").unwrap(),
        InitScheme::DataDependent
    );
    assert!(InitScheme::from_cli("rai", "normal:1").is_err());
    assert_eq!(
        InitScheme::from_cli("lecun-normal", "normal:0.1").unwrap(),
        InitScheme::Random {
            weights: WeightInit::LecunNormal,
            bias: BiasInit::Normal(0.1)
        }
    );
}
