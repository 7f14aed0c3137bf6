//! Monte Carlo non-PD histograms against the exact law (goodness of fit),
//! and the same test rejecting deliberately wrong laws (power).
//! Every assertion has false-alarm rate alpha = 1e-6 (fixed seeds).
// spec: ALG-GOF-MC, THM-CHAIN, THM-ACTIVE-BOUND, THM-Q1-ZERO-1D, THM-Q1-ATAN, PROP-Q1-GAP-2D, PROP-Q1-ANTIPODAL

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::exact::{BiasMode, ChainSpec};
use relu_trainability::init::{Architecture, BiasInit, InitScheme, WeightInit};
use relu_trainability::io::data::load_data;
use relu_trainability::montecarlo::theory::{agreement, closed_form_q1, law_f64, Agreement};
use relu_trainability::montecarlo::{run, McConfig, McResult};
use relu_trainability::rational::{from_f64_exact, to_f64};
use relu_trainability::sim::Dataset;
use relu_trainability::stats::dominance::one_sided_dominance;
use relu_trainability::stats::gof::chi_square_gof;

const ALPHA: f64 = 1e-6;

struct Case {
    name: &'static str,
    widths: Vec<usize>,
    scheme: InitScheme,
    data: Dataset,
    source: &'static str,
    samples: u64,
}

fn rnd(w: WeightInit, b: BiasInit) -> InitScheme {
    InitScheme::Random {
        weights: w,
        bias: b,
    }
}

fn rows(v: &[&[f64]]) -> Dataset {
    Dataset::from_rows(&v.iter().map(|r| r.to_vec()).collect::<Vec<_>>()).unwrap()
}

fn gen(src: &str, d: usize) -> Dataset {
    load_data(src, d, &mut ChaCha8Rng::seed_from_u64(17)).unwrap()
}

fn cases() -> Vec<Case> {
    // 3 points at angles 0, 60, 120 degrees: largest gap 240 degrees, q1 = 1/6.
    let s3 = 3f64.sqrt() / 2.0;
    let wedge = rows(&[&[1.0, 0.0], &[0.5, s3], &[-0.5, s3]]);
    // Gaussian points and their negatives: q1 = 0.
    let g = gen("gauss:6", 3);
    let mut sym: Vec<Vec<f64>> = g
        .points()
        .row_iter()
        .map(|r| r.iter().copied().collect())
        .collect();
    sym.extend(
        sym.clone()
            .into_iter()
            .map(|r| r.into_iter().map(|v| -v).collect::<Vec<f64>>()),
    );
    vec![
        Case {
            name: "1-D grid, both signs, zero bias, He normal",
            widths: vec![3, 3, 3],
            scheme: rnd(WeightInit::HeNormal, BiasInit::Zero),
            data: gen("grid1d:1:9", 1),
            source: "THM-Q1-ZERO-1D",
            samples: 20_000,
        },
        Case {
            name: "1-D positive data, zero bias, Glorot uniform",
            widths: vec![4, 3, 2],
            scheme: rnd(WeightInit::GlorotUniform, BiasInit::Zero),
            data: rows(&[&[0.5], &[1.0], &[2.0]]),
            source: "THM-Q1-ZERO-1D",
            samples: 20_000,
        },
        Case {
            name: "1-D grid, Gaussian bias, He normal",
            widths: vec![3, 4, 3],
            scheme: rnd(WeightInit::HeNormal, BiasInit::Normal(0.5)),
            data: gen("grid1d:1:5", 1),
            source: "THM-Q1-ATAN",
            samples: 20_000,
        },
        Case {
            name: "1-D positive data, Gaussian bias, standard normal",
            widths: vec![2, 5],
            scheme: rnd(WeightInit::StandardNormal, BiasInit::Normal(2.0)),
            data: rows(&[&[0.1], &[0.3], &[0.7]]),
            source: "THM-Q1-ATAN",
            samples: 20_000,
        },
        Case {
            name: "2-D wedge, zero bias, LeCun normal",
            widths: vec![5, 5],
            scheme: rnd(WeightInit::LecunNormal, BiasInit::Zero),
            data: wedge,
            source: "PROP-Q1-GAP-2D",
            samples: 20_000,
        },
        Case {
            name: "2-D ball, zero bias, He normal, 4 layers of 8",
            widths: vec![8, 8, 8, 8],
            scheme: rnd(WeightInit::HeNormal, BiasInit::Zero),
            data: gen("ball:1:40", 2),
            source: "PROP-Q1-GAP-2D",
            samples: 20_000,
        },
        Case {
            name: "1-D positive data, zero bias, standard normal, 6 layers of 2 (deep, narrow)",
            widths: vec![2; 6],
            scheme: rnd(WeightInit::StandardNormal, BiasInit::Zero),
            data: rows(&[&[0.25], &[4.0]]),
            source: "THM-Q1-ZERO-1D",
            samples: 20_000,
        },
        Case {
            name: "3-D symmetric data, zero bias, He uniform",
            widths: vec![4, 4, 4],
            scheme: rnd(WeightInit::HeUniform, BiasInit::Zero),
            data: Dataset::from_rows(&sym).unwrap(),
            source: "PROP-Q1-ANTIPODAL",
            samples: 20_000,
        },
    ]
}

fn simulate(c: &Case, seed: u64) -> (McResult, Agreement) {
    let arch = Architecture::new(c.data.dim(), c.widths.clone(), 1).unwrap();
    let cfg = McConfig {
        arch,
        scheme: c.scheme,
        samples: c.samples,
        seed,
    };
    let res = run(&cfg, &c.data, false).unwrap();
    let agr = agreement(&c.scheme, &c.data, &res).unwrap();
    (res, agr)
}

#[test]
fn nonpd_histograms_fit_the_exact_law() {
    for (i, c) in cases().iter().enumerate() {
        let (res, agr) = simulate(c, 1000 + i as u64);
        let q1 = agr.q1.as_ref().unwrap();
        assert_eq!(q1.source, c.source, "{}", c.name);
        for (l, lt) in agr.layers.iter().enumerate() {
            let p = lt.gof_p_value.unwrap();
            assert!(
                p > ALPHA,
                "{} layer {}: p = {p}, hist {:?}, law {:?}",
                c.name,
                l + 1,
                res.non_pd[l],
                lt.law
            );
            // THM-ACTIVE-BOUND: active counts stochastically <= the law.
            let pa = lt.active_dominance_p_value.unwrap();
            eprintln!(
                "{} layer {}: gof p = {p:.4}, active dominance p = {pa:.4}",
                c.name,
                l + 1
            );
            assert!(
                pa > ALPHA,
                "{} layer {}: active dominance p = {pa}",
                c.name,
                l + 1
            );
        }
        assert!(agr.born_dead_probability.is_some());
        // Layer 1 with >= 2 distinct points: a non-PD neuron is positive
        // somewhere and w != 0 a.s., so its outputs differ: active = non-PD.
        if c.data.distinct_count() >= 2 {
            assert_eq!(res.active[0], res.non_pd[0], "{}", c.name);
        }
    }
}

/// The law of `c` with a modified spec.
fn law_with(widths: Vec<usize>, mode: BiasMode, q1: f64) -> Vec<Vec<f64>> {
    law_f64(&ChainSpec::new(widths, mode, from_f64_exact(q1).unwrap()).unwrap()).unwrap()
}

#[test]
fn gof_rejects_wrong_laws() {
    // Power companion: the same histograms against deliberately wrong laws.
    for (i, c) in cases().iter().enumerate() {
        let (res, agr) = simulate(c, 1000 + i as u64);
        let mode = agr.bias_mode.unwrap();
        let q1 = agr.q1.as_ref().unwrap().value;
        let depth = c.widths.len();
        // (a) the other bias mode: every layer >= 2 has a different law.
        let other = if mode == BiasMode::Zero {
            BiasMode::Symmetric
        } else {
            BiasMode::Zero
        };
        let wrong = law_with(c.widths.clone(), other, q1);
        let p = chi_square_gof(&res.non_pd[depth - 1], &wrong[depth - 1])
            .unwrap()
            .p_value;
        eprintln!("{}: power p-values: wrong bias mode {p:.2e}", c.name);
        assert!(
            p < ALPHA,
            "{}: wrong bias mode not rejected, p = {p}",
            c.name
        );
        // (b) q1 shifted by 0.1 (layer 1).
        let shifted = if q1 < 0.5 { q1 + 0.1 } else { q1 - 0.1 };
        let wrong = law_with(c.widths.clone(), mode, shifted);
        let p = chi_square_gof(&res.non_pd[0], &wrong[0]).unwrap().p_value;
        eprintln!("{}: power p-values: q1 shifted {p:.2e}", c.name);
        assert!(
            p < ALPHA,
            "{}: q1 {q1} -> {shifted} not rejected, p = {p}",
            c.name
        );
        // (c) layer 1 one neuron narrower: layer 2's law changes.
        if depth >= 2 && c.widths[0] > 1 {
            let mut w = c.widths.clone();
            w[0] -= 1;
            let wrong = law_with(w, mode, q1);
            let p = chi_square_gof(&res.non_pd[1], &wrong[1]).unwrap().p_value;
            eprintln!("{}: power p-values: narrower layer 1 {p:.2e}", c.name);
            assert!(
                p < ALPHA,
                "{}: narrower layer 1 not rejected, p = {p}",
                c.name
            );
        }
        // Dominance power: active counts against a law with q1 + 0.5 more PD.
        let wrong = law_with(c.widths.clone(), mode, (q1 + 0.5).min(1.0));
        let p = one_sided_dominance(&res.active[0], &wrong[0]).unwrap();
        assert!(
            p < ALPHA,
            "{}: dominance against a lower law not rejected, p = {p}",
            c.name
        );
    }
}

#[test]
fn no_p_value_without_a_closed_form_or_for_rai() {
    // 2-D data, Gaussian weights with a uniform bias or uniform weights
    // with a Gaussian bias: no closed form (spec ALG-Q1-DISPATCH); q1 estimated.
    let data = gen("cube:1:5", 2);
    let widths = vec![4, 4];
    let arch = Architecture::new(2, widths.clone(), 1).unwrap();
    for scheme in [
        rnd(WeightInit::HeNormal, BiasInit::Uniform(1.0)),
        rnd(WeightInit::HeUniform, BiasInit::Normal(1.0)),
    ] {
        let res = run(
            &McConfig {
                arch: arch.clone(),
                scheme,
                samples: 2000,
                seed: 1,
            },
            &data,
            false,
        )
        .unwrap();
        let agr = agreement(&scheme, &data, &res).unwrap();
        let q1 = agr.q1.unwrap();
        assert_eq!(q1.source, "monte-carlo");
        assert!(q1.interval.0 <= q1.value && q1.value <= q1.interval.1);
        assert!(agr.layers.iter().all(|l| l.gof_p_value.is_none()));
    }
    let res = run(
        &McConfig {
            arch,
            scheme: InitScheme::Rai,
            samples: 500,
            seed: 1,
        },
        &data,
        false,
    )
    .unwrap();
    let agr = agreement(&InitScheme::Rai, &data, &res).unwrap();
    // RAI: q1 estimated from the run, no marginal p-value, transitions
    // tested against RAI's own step (THM-CHAIN-GENERAL, tests/chain_general.rs)
    assert_eq!(agr.q1.as_ref().unwrap().source, "monte-carlo");
    assert!(agr.bias_mode.is_none());
    assert!(agr.layers.iter().all(|l| l.gof_p_value.is_none()));
    assert!(agr.layers[1].transition.is_some());
    assert!(agr.law_status.contains("THM-CHAIN-GENERAL"));
}

#[test]
fn closed_form_selection() {
    let z = rnd(WeightInit::HeNormal, BiasInit::Zero);
    let q = |s: &InitScheme, d: &Dataset| {
        closed_form_q1(s, 3, d)
            .unwrap()
            .map(|(q, id)| (to_f64(&q), id))
    };
    assert_eq!(
        q(&z, &rows(&[&[1.0], &[2.0]])),
        Some((0.5, "THM-Q1-ZERO-1D"))
    );
    assert_eq!(
        q(&z, &rows(&[&[0.0, 0.0]])),
        Some((1.0, "PROP-Q1-ANTIPODAL"))
    );
    assert_eq!(
        q(&z, &rows(&[&[1.0, 2.0], &[-1.0, -2.0], &[3.0, 0.1]])),
        Some((0.0, "PROP-Q1-ANTIPODAL"))
    );
    // one direction in 2-D: 1/2; a right angle: gap 270 degrees -> 1/4
    assert_eq!(
        q(&z, &rows(&[&[1.0, 1.0], &[2.0, 2.0]])),
        Some((0.5, "PROP-Q1-GAP-2D"))
    );
    let (v, _) = q(&z, &rows(&[&[1.0, 0.0], &[0.0, 3.0], &[0.0, 0.0]])).unwrap();
    assert!((v - 0.25).abs() < 1e-15);
    // uniform weights in 2-D: not rotation invariant, the exact polytope
    // volume instead (w1 <= 0 and w2 <= 0 in the square: 1/4)
    assert_eq!(
        q(
            &rnd(WeightInit::HeUniform, BiasInit::Zero),
            &rows(&[&[1.0, 0.0], &[0.0, 1.0]])
        ),
        Some((0.25, "THM-Q1-POLYTOPE"))
    );
    // uniform bias: none
    assert_eq!(
        q(
            &rnd(WeightInit::HeNormal, BiasInit::Uniform(1.0)),
            &rows(&[&[1.0]])
        ),
        None
    );
    // Gaussian bias in 1-D: atan formula with s_w = sqrt(2/1) for He, c = s_w / s_b
    let (v, id) = q(
        &rnd(WeightInit::HeNormal, BiasInit::Normal(0.5)),
        &rows(&[&[-1.0], &[2.0]]),
    )
    .unwrap();
    let c = 2f64.sqrt() / 0.5;
    let pi = std::f64::consts::PI;
    assert_eq!(id, "THM-Q1-ATAN");
    assert!((v - (pi - ((2.0 * c).atan() - (-c).atan())) / (2.0 * pi)).abs() < 1e-15);
}

#[test]
fn transitions_fit_without_a_closed_form_and_reject_wrong_beta() {
    // No closed form for q1 here, but K_l given K_{l-1} = p must follow
    // Binomial(N_l, 1 - 2^-(p + beta)) whatever q1 (THM-CHAIN). alpha = 1e-6
    // per assertion; power companion: the same counts against the other beta.
    use relu_trainability::montecarlo::theory::transition_gof;
    let cases = [
        (
            "3-D cube, uniform bias, He uniform",
            vec![3, 4, 3],
            rnd(WeightInit::HeUniform, BiasInit::Uniform(0.3)),
            gen("cube:1:20", 3),
        ),
        (
            "3-D Gaussian data, Gaussian bias, Glorot normal",
            vec![2, 3, 4],
            rnd(WeightInit::GlorotNormal, BiasInit::Normal(1.0)),
            gen("gauss:15", 3),
        ),
        (
            "4-D cube, zero bias, Glorot uniform",
            vec![4, 3, 3],
            rnd(WeightInit::GlorotUniform, BiasInit::Zero),
            gen("cube:1:6", 4),
        ),
    ];
    for (i, (name, widths, scheme, data)) in cases.into_iter().enumerate() {
        let c = Case {
            name,
            widths,
            scheme,
            data,
            source: "monte-carlo",
            samples: 20_000,
        };
        let (res, agr) = simulate(&c, 77 + i as u64);
        assert_eq!(agr.q1.as_ref().unwrap().source, "monte-carlo", "{name}");
        assert!(agr.layers[0].transition.is_none());
        let beta = agr.bias_mode.unwrap().beta();
        for l in 1..c.widths.len() {
            let t = agr.layers[l].transition.as_ref().unwrap();
            eprintln!(
                "{name} layer {}: transition p = {:.4} (dof {})",
                l + 1,
                t.p_value,
                t.dof
            );
            assert!(t.dof > 0, "{name}: the test has degrees of freedom");
            assert!(
                t.p_value > ALPHA,
                "{name} layer {}: p = {}",
                l + 1,
                t.p_value
            );
            let wrong = transition_gof(&res, l, 1 - beta).unwrap();
            eprintln!(
                "{name} layer {}: wrong beta p = {:.2e}",
                l + 1,
                wrong.p_value
            );
            assert!(
                wrong.p_value < ALPHA,
                "{name} layer {}: wrong beta not rejected, p = {}",
                l + 1,
                wrong.p_value
            );
        }
    }
}

/// The transition test on the eight cases whose law is known: every
/// transition fits (alpha = 1e-6 per assertion), and the companion: the same
/// counts against the other bias mode (beta) are rejected.
#[test]
fn transitions_also_fit_when_the_law_is_known() {
    use relu_trainability::montecarlo::theory::transition_gof;
    for (i, c) in cases().iter().enumerate() {
        let (res, agr) = simulate(c, 1000 + i as u64);
        let beta = agr.bias_mode.unwrap().beta();
        for l in 1..c.widths.len() {
            let p = agr.layers[l].transition.as_ref().unwrap().p_value;
            assert!(p > ALPHA, "{} layer {}: transition p = {p}", c.name, l + 1);
            let wrong = transition_gof(&res, l, 1 - beta).unwrap().p_value;
            eprintln!(
                "{} layer {}: p = {p:.3}, wrong beta p = {wrong:.2e}",
                c.name,
                l + 1
            );
            assert!(
                wrong < ALPHA,
                "{} layer {}: wrong beta not rejected, p = {wrong}",
                c.name,
                l + 1
            );
        }
    }
}
