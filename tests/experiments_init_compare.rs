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
