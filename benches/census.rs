//! Census throughput (networks per second): width 32, depth 10, 256 points
//! in 2-D (uniform cube [-1, 1]^2), He normal, zero biases.
//! Single thread and all threads (2 on the reference machine), through the
//! Monte Carlo driver; plus the reference path (build a Network, forward,
//! census) for comparison.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::census::census;
use relu_trainability::init::{initialize, Architecture, BiasInit, InitScheme, WeightInit};
use relu_trainability::io::data::load_data;
use relu_trainability::montecarlo::{run, sample_rng, McConfig, Workspace};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let arch = Architecture::new(2, vec![32; 10], 1).unwrap();
    let data = load_data("cube:1:256", 2, &mut ChaCha8Rng::seed_from_u64(1)).unwrap();
    let mut g = c.benchmark_group("census_w32_d10_m256");
    g.measurement_time(Duration::from_secs(8)).sample_size(20);
    for (name, bias) in [
        ("zero_bias", BiasInit::Zero),
        ("normal_bias", BiasInit::Normal(0.1)),
    ] {
        let scheme = InitScheme::Random {
            weights: WeightInit::HeNormal,
            bias,
        };
        let n = 2048u64;
        g.throughput(Throughput::Elements(n));
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        for t in [1, threads] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap();
            let cfg = McConfig {
                arch: arch.clone(),
                scheme,
                samples: n,
                seed: 7,
            };
            g.bench_function(format!("{name}/montecarlo_{t}_threads"), |b| {
                b.iter(|| pool.install(|| run(&cfg, &data, false).unwrap()))
            });
        }
        let mut ws = Workspace::new(&scheme, &arch, &data).unwrap();
        g.throughput(Throughput::Elements(1));
        g.bench_function(format!("{name}/fast_census_one_network"), |b| {
            let mut i = 0;
            b.iter(|| {
                i += 1;
                ws.sample(&mut sample_rng(7, i)).unwrap().non_pd[9]
            })
        });
        g.bench_function(format!("{name}/reference_init_forward_census"), |b| {
            let mut i = 0;
            b.iter(|| {
                i += 1;
                let net = initialize(&scheme, &arch, &data, &mut sample_rng(7, i)).unwrap();
                census(&net, &data).unwrap().born_dead()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
