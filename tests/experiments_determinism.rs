//! Same seed, same numbers, whatever the thread count (ALG-EXPERIMENTS).
// spec: ALG-EXPERIMENTS

use relu_trainability::train::experiments::{run_all, ExperimentConfig};
use relu_trainability::train::TrainConfig;

fn tiny(seed: u64) -> ExperimentConfig {
    ExperimentConfig {
        widths: vec![2, 3],
        depths: vec![2, 3],
        runs: 6,
        init_widths: vec![2],
        init_depths: vec![3],
        init_runs: 4,
        bd_widths: vec![2, 3],
        bd_max_depth: 6,
        bd_samples: 50,
        train: TrainConfig::default_adam(400),
        ..ExperimentConfig::quick(seed)
    }
}

fn json_with_threads(n: usize, seed: u64) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .unwrap();
    pool.install(|| serde_json::to_string(&run_all(&tiny(seed), &|| {}).unwrap()).unwrap())
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let a = json_with_threads(1, 5);
    let b = json_with_threads(2, 5);
    let c = json_with_threads(3, 5);
    assert_eq!(a, b);
    assert_eq!(a, c);
    // And the seed matters (the comparison above is not vacuous).
    assert_ne!(a, json_with_threads(2, 6));
}
