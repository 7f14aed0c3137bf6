//! Every q1 closed form against the Monte Carlo of the same initializer
//! (independent: it draws (w, b) and tests w . x + b <= 0 on every point).
//! Each assertion: the exact value lies in the Clopper-Pearson interval at
//! confidence 1 - 1e-6 (alpha = 1e-6 per assertion, fixed seeds); the
//! companion tests show the same check rejects wrong formulas.

use relu_trainability::exact::q1 as forms;
use relu_trainability::init::{BiasInit, InitScheme, WeightInit};
use relu_trainability::q1::cone::{polar_cone_fraction, ConeQ1};
use relu_trainability::q1::montecarlo::count_pd;
use relu_trainability::q1::{compute, Q1Options, Q1Value};
use relu_trainability::rational::from_f64_exact;

const CONF: f64 = 1.0 - 1e-6;
const N: u64 = 400_000;

fn scheme(w: WeightInit, b: BiasInit) -> InitScheme {
    InitScheme::Random {
        weights: w,
        bias: b,
    }
}

fn mc_interval(
    points: &[f64],
    d: usize,
    s: &InitScheme,
    width: Option<usize>,
    seed: u64,
) -> (f64, f64) {
    let opts = Q1Options {
        width,
        samples: N,
        seed,
        confidence: CONF,
        force_monte_carlo: true,
        progress: false,
    };
    match compute(points, d, s, &opts).unwrap().value {
        Q1Value::Interval { lo, hi, .. } => (lo, hi),
        v => panic!("expected an interval, got {v:?}"),
    }
}

fn closed(points: &[f64], d: usize, s: &InitScheme, width: Option<usize>) -> (f64, &'static str) {
    let opts = Q1Options {
        width,
        ..Q1Options::default()
    };
    let r = compute(points, d, s, &opts).unwrap();
    assert_ne!(r.theorem, "ALG-Q1-MC", "no closed form used for {s:?}");
    (r.value.point(), r.theorem)
}

fn agrees(points: &[f64], d: usize, s: &InitScheme, width: Option<usize>, seed: u64) {
    let (v, th) = closed(points, d, s, width);
    let (lo, hi) = mc_interval(points, d, s, width, seed);
    assert!(
        lo <= v && v <= hi,
        "{th} gives {v}, Monte Carlo interval [{lo}, {hi}] at {CONF} ({s:?}, d = {d})"
    );
}

/// Fixed pseudo-random points (a small LCG; any numbers will do).
fn points(m: usize, d: usize, seed: u64, shift: &[f64]) -> Vec<f64> {
    let mut x = seed;
    let mut out = Vec::with_capacity(m * d);
    for _ in 0..m {
        for j in 0..d {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.push(((x >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0 + shift[j]);
        }
    }
    out
}

fn circle(n: usize) -> Vec<f64> {
    (0..n)
        .flat_map(|k| {
            let t = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
            [t.cos(), t.sin()]
        })
        .collect()
}

// spec: THM-Q1-POLYTOPE, ALG-Q1-POLYTOPE, ALG-Q1-DISPATCH, ALG-Q1-MC, ALG-INIT-TORCH
#[test]
fn polytope_forms_agree_with_monte_carlo() {
    let torch = InitScheme::from_cli("torch-default", "zero").unwrap();
    agrees(&[0.5, 2.0], 1, &torch, None, 1);
    agrees(&points(7, 1, 3, &[0.3]), 1, &torch, None, 2);
    agrees(&circle(16), 2, &torch, None, 3);
    agrees(&points(9, 2, 5, &[0.8, 0.2]), 2, &torch, None, 4);
    let hu = scheme(WeightInit::HeUniform, BiasInit::Uniform(0.7));
    agrees(&points(9, 2, 6, &[0.5, -0.5]), 2, &hu, None, 5);
    agrees(&points(4, 1, 7, &[0.0]), 1, &hu, None, 6);
    let gu = scheme(WeightInit::GlorotUniform, BiasInit::Uniform(0.2));
    agrees(&points(6, 2, 8, &[1.0, 0.0]), 2, &gu, Some(5), 7);
    let hz = scheme(WeightInit::HeUniform, BiasInit::Zero);
    agrees(&[1.0, 0.0, 2.0, 1.0], 2, &hz, None, 8);
    agrees(&points(8, 2, 9, &[1.2, 0.3]), 2, &hz, None, 9);
    agrees(&points(8, 3, 10, &[1.1, 0.4, -0.2]), 3, &hz, None, 10);
    let tz = scheme(WeightInit::TorchDefault, BiasInit::Zero);
    agrees(&points(5, 3, 11, &[0.9, 0.9, 0.9]), 3, &tz, None, 11);
}

// spec: THM-Q1-CONE, ALG-Q1-CONE
#[test]
fn cone_forms_agree_with_monte_carlo() {
    let g = scheme(WeightInit::HeNormal, BiasInit::Zero);
    agrees(&[1.0, 0.0, 2.0, 1.0], 2, &g, None, 21);
    agrees(&points(8, 2, 22, &[1.2, 0.3]), 2, &g, None, 22);
    agrees(&points(8, 3, 23, &[1.1, 0.4, -0.2]), 3, &g, None, 23);
    agrees(&points(30, 3, 24, &[1.5, 1.5, 1.5]), 3, &g, None, 24);
    let s = scheme(WeightInit::GlorotNormal, BiasInit::Zero);
    agrees(
        &[
            1.0, 1.0, 1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0, 1.0, -1.0, 1.0,
        ],
        3,
        &s,
        None,
        25,
    );
}

// spec: THM-Q1-CONE, ALG-Q1-DISPATCH
#[test]
fn gaussian_bias_2d_lifted_cone_agrees_with_monte_carlo() {
    let g = scheme(WeightInit::HeNormal, BiasInit::Normal(0.5));
    agrees(&circle(32), 2, &g, None, 31);
    agrees(&points(10, 2, 32, &[0.5, 0.0]), 2, &g, None, 32);
    let gl = scheme(WeightInit::GlorotNormal, BiasInit::Normal(0.1));
    agrees(&points(10, 2, 33, &[0.0, 0.0]), 2, &gl, Some(3), 33);
    let g1 = scheme(WeightInit::LecunNormal, BiasInit::Normal(2.0));
    agrees(&points(5, 1, 34, &[0.5]), 1, &g1, None, 34);
}

// spec: THM-Q1-CONE, THM-Q1-ATAN
#[test]
fn lifted_cone_1d_equals_atan() {
    // two independent derivations of the same q1 on 1-D data
    for (xs, sw, sb) in [
        (vec![0.3, 2.0, -1.0], 1.0, 0.5),
        (vec![1.0, 4.0], 1.414, 0.01),
        (vec![-5.0, -1e-3], 0.2, 3.0),
    ] {
        let exact: Vec<Vec<_>> = xs
            .iter()
            .map(|&x| vec![from_f64_exact(x * sw).unwrap(), from_f64_exact(sb).unwrap()])
            .collect();
        let approx: Vec<Vec<f64>> = xs.iter().map(|&x| vec![x * sw, sb]).collect();
        let ConeQ1::Bounded { value, bound, .. } =
            polar_cone_fraction(&exact, &approx, 0.0).unwrap()
        else {
            panic!("expected a bounded value")
        };
        let atan = forms::gaussian_bias_1d(&xs, sw, sb).unwrap();
        assert!((value - atan).abs() <= bound + 1e-14, "{value} vs {atan}");
    }
}

// spec: THM-Q1-POLYTOPE, THM-Q1-CONE
#[test]
fn cone_formula_on_uniform_weights_is_rejected() {
    // companion: the check above must reject the rotation-invariant
    // formula applied to uniform weights
    let hz = scheme(WeightInit::HeUniform, BiasInit::Zero);
    let g = scheme(WeightInit::HeNormal, BiasInit::Zero);
    for (pts, d, seed) in [
        (vec![1.0, 0.0, 2.0, 1.0], 2, 41),
        (vec![1.0, 0.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 1.0], 3, 42),
    ] {
        let (wrong, th) = closed(&pts, d, &g, None);
        assert_eq!(th, "THM-Q1-CONE");
        let (right, _) = closed(&pts, d, &hz, None);
        assert!((wrong - right).abs() > 0.005);
        let (lo, hi) = mc_interval(&pts, d, &hz, None, seed);
        assert!(
            !(lo <= wrong && wrong <= hi),
            "cone formula {wrong} accepted: [{lo}, {hi}]"
        );
        assert!(lo <= right && right <= hi);
    }
    // and a wrong 256-circle-like value: the torch q1 of 16 points is not
    // that of the circumscribed ball under Gaussian laws
    let torch = InitScheme::from_cli("torch-default", "zero").unwrap();
    let (lo, hi) = mc_interval(&circle(16), 2, &torch, None, 43);
    let wrong = 16.0 * (std::f64::consts::PI / 16.0).tan() / 24.0 * 1.05;
    assert!(!(lo <= wrong && wrong <= hi));
}

// spec: ALG-Q1-MC
#[test]
fn monte_carlo_is_thread_independent() {
    let pts = points(20, 2, 51, &[0.5, 0.5]);
    let s = scheme(WeightInit::HeNormal, BiasInit::Uniform(0.3));
    let run = |t: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
            .install(|| count_pd(&pts, 2, &s, 1, 50_000, 7, false).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
    assert_ne!(one, count_pd(&pts, 2, &s, 1, 50_000, 8, false).unwrap());
}

// spec: ALG-Q1-MC, ALG-Q1-DISPATCH
#[test]
fn rai_and_gaussian_bias_use_monte_carlo() {
    let pts = points(6, 2, 61, &[0.0, 0.0]);
    let opts = Q1Options {
        samples: 20_000,
        ..Q1Options::default()
    };
    for s in [
        InitScheme::Rai,
        scheme(WeightInit::HeNormal, BiasInit::Uniform(0.3)),
        scheme(WeightInit::HeUniform, BiasInit::Normal(0.3)),
    ] {
        let r = compute(&pts, 2, &s, &opts).unwrap();
        assert_eq!(r.theorem, "ALG-Q1-MC");
        assert!(matches!(r.value, Q1Value::Interval { .. }));
        assert!(r.source().starts_with("monte carlo n=20000, seed=0"));
    }
    // d = 3 with a bias: Monte Carlo
    let r = compute(
        &points(4, 3, 62, &[0.0, 0.0, 0.0]),
        3,
        &scheme(WeightInit::HeUniform, BiasInit::Uniform(1.0)),
        &opts,
    )
    .unwrap();
    assert_eq!(r.theorem, "ALG-Q1-MC");
    // Glorot with a bias needs the width; the data-dependent scheme is refused
    let gl = scheme(WeightInit::GlorotUniform, BiasInit::Uniform(0.3));
    assert!(compute(&pts, 2, &gl, &opts).is_err());
    assert!(compute(&pts, 2, &InitScheme::DataDependent, &opts).is_err());
    assert!(compute(&[1.0, f64::NAN], 2, &gl, &opts).is_err());
    assert!(compute(&[1.0, 2.0, 3.0], 2, &gl, &opts).is_err());
}
