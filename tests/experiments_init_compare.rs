//! He versus the data-dependent initializer on a narrow deep network where
//! He is usually born dead (PROP-DD-VS-HE). Fisher's exact test, alpha 1e-6
//! per assertion, with a companion showing the test does not separate two
//! samples of the same initializer.
// spec: PROP-DD-VS-HE, ALG-EXPERIMENTS, DEF-BORN-DEAD

use relu_trainability::exact::BiasMode;
use relu_trainability::stats::two_sample::{compare_rates, RateAlternative};
use relu_trainability::train::experiments::{run_one, tasks, Cell, ExperimentConfig, InitChoice};
use relu_trainability::train::TrainConfig;

const ALPHA: f64 = 1e-6;
const RUNS: u64 = 300;

/// (runs whose final MSE < 0.9 x the best constant fit's MSE, born dead).
fn learned(init: InitChoice, seed: u64) -> (u64, u64) {
    let mut cfg = ExperimentConfig::quick(seed);
    cfg.train = TrainConfig::default_adam(1000);
    let ts = tasks(&cfg).unwrap();
    let task = &ts[0]; // |x| on 21 points
    let y = task.targets.column(0);
    let mean = y.mean();
    let const_mse = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64;
    let cell = Cell {
        task,
        init,
        width: 2,
        depth: 12,
    };
    let (mut k, mut bd) = (0, 0);
    for r in 0..RUNS {
        let res = run_one(&cell, &cfg, r).unwrap();
        k += (res.final_loss < 0.9 * const_mse) as u64;
        bd += res.born_dead as u64;
    }
    (k, bd)
}

#[test]
fn data_dependent_learns_more_often_than_he_when_he_is_born_dead() {
    let (he, he_bd) = learned(InitChoice::He(BiasMode::Zero), 1);
    let (dd, dd_bd) = learned(InitChoice::DataDependent, 1);
    eprintln!("learned: He {he}/{RUNS} (born dead {he_bd}), data-dependent {dd}/{RUNS} (born dead {dd_bd})");
    assert_eq!(
        dd_bd, 0,
        "the data-dependent initializer never leaves a layer entirely PD"
    );
    // A born-dead He network outputs a constant on X, so it cannot beat the constant fit.
    assert!(he <= RUNS - he_bd);
    let p = compare_rates(dd, RUNS, he, RUNS, RateAlternative::Greater).unwrap();
    assert!(
        p < ALPHA,
        "He {he}/{RUNS} vs data-dependent {dd}/{RUNS}: p = {p}"
    );
}

#[test]
fn two_samples_of_one_initializer_are_not_separated() {
    let (a, _) = learned(InitChoice::DataDependent, 1);
    let (b, _) = learned(InitChoice::DataDependent, 2);
    let p = compare_rates(a, RUNS, b, RUNS, RateAlternative::TwoSided).unwrap();
    assert!(p >= ALPHA, "{a} vs {b}: p = {p}");
}

/// (successes in the sense of DEF-SUCCESS, born dead) over `runs` runs of
/// |x| on 21 points at width `width`, depth `depth`, default Adam budget.
fn succeeded(init: InitChoice, seed: u64, width: usize, depth: usize, runs: u64) -> (u64, u64) {
    let cfg = ExperimentConfig::quick(seed);
    let ts = tasks(&cfg).unwrap();
    let cell = Cell {
        task: &ts[0],
        init,
        width,
        depth,
    };
    let results: Vec<_> = (0..runs)
        .map(|r| run_one(&cell, &cfg, r).unwrap())
        .collect();
    (
        results.iter().filter(|r| r.success).count() as u64,
        results.iter().filter(|r| r.born_dead).count() as u64,
    )
}

/// The assertion, in the sense of DEF-SUCCESS (MSE < 1e-4 within
/// 5000 Adam steps): on |x| with width 2 and 4 hidden layers, where He
/// (zero bias) is born dead with probability 0.3167 exactly, the
/// data-dependent initializer (with its carrier neuron, ALG-DD-INIT)
/// succeeds strictly more often. Fisher's exact test, alpha 1e-6.
// spec: PROP-DD-VS-HE, DEF-SUCCESS
#[test]
fn data_dependent_succeeds_more_often_than_he_on_a_narrow_network() {
    const N: u64 = 240;
    let (he, he_bd) = succeeded(InitChoice::He(BiasMode::Zero), 3, 2, 4, N);
    let (dd, dd_bd) = succeeded(InitChoice::DataDependent, 3, 2, 4, N);
    eprintln!(
        "DEF-SUCCESS: He {he}/{N} (born dead {he_bd}), data-dependent {dd}/{N} (born dead {dd_bd})"
    );
    assert_eq!(dd_bd, 0);
    assert!(
        he <= N - he_bd,
        "a born-dead network cannot succeed (THM-SUCCESS-BOUND)"
    );
    let p = compare_rates(dd, N, he, N, RateAlternative::Greater).unwrap();
    assert!(p < ALPHA, "He {he}/{N} vs data-dependent {dd}/{N}: p = {p}");
}
