//! Training speed (issue 14 item 4): full-batch steps per second (forward,
//! MSE + backprop, Adam update) of `train::loss_and_gradients` +
//! `OptimizerState::apply` on the built-in tasks, one core. The comparison
//! baseline is `benches/numpy_train_reference.py`, the same step in NumPy,
//! timed on the same machine with the same shapes.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::init::{initialize, Architecture, InitScheme};
use relu_trainability::train::{loss_and_gradients, Optimizer, OptimizerState, Task};
use std::hint::black_box;
use std::time::Duration;

/// (name, task, width, depth): the experiments' shapes and one larger one.
fn cases() -> Vec<(&'static str, Task, usize, usize)> {
    vec![
        ("abs1d_m21_w8_d6", Task::abs_1d(21).unwrap(), 8, 6),
        ("ridge2d_g5_w10_d10", Task::ridge_2d(5).unwrap(), 10, 10),
        ("abs1d_m1001_w64_d4", Task::abs_1d(1001).unwrap(), 64, 4),
    ]
}

fn train_steps(c: &mut Criterion) {
    let mut g = c.benchmark_group("train_step");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(1));
    for (name, task, width, depth) in cases() {
        let arch = Architecture::new(task.data.dim(), vec![width; depth], 1).unwrap();
        let scheme = InitScheme::from_cli("he-normal", "normal:1").unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut net = initialize(&scheme, &arch, &task.data, &mut rng).unwrap();
        let mut opt = OptimizerState::new(Optimizer::adam(1e-3), &net).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| {
                let fwd = net.forward(black_box(&task.data)).unwrap();
                let (_, loss, grads) =
                    loss_and_gradients(&net, &task.data, &fwd, &task.targets, 0.0);
                opt.apply(&mut net, &grads);
                loss
            })
        });
    }
    g.finish();
}

criterion_group!(benches, train_steps);
criterion_main!(benches);
