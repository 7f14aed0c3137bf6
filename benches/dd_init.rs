//! Data-dependent initializer (spec ALG-DD-INIT): time to build one network,
//! including the exact checks and the final census, for shapes where the
//! cost O(m * sum(fan_in * width)) is dominated by peeling (wide first
//! layer), by depth, and by the input dimension.

use criterion::{criterion_group, criterion_main, Criterion};
use relu_trainability::init::data_dependent::{initialize_with, DdOptions, Storage};
use relu_trainability::init::Architecture;
use relu_trainability::io::data::load_data;
use relu_trainability::montecarlo::sample_rng;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("dd_init");
    g.measurement_time(Duration::from_secs(4)).sample_size(10);
    let cases = [
        ("m1000_d20_w1000x2_peel", 20, vec![1000, 1000], "gauss:1000"),
        ("m500_d2_w64x20", 2, vec![64; 20], "ball:1:500"),
        ("m100_d1000_w128x2", 1000, vec![128, 128], "gauss:100"),
    ];
    for (name, d, hidden, src) in cases {
        let data = load_data(src, d, &mut sample_rng(1, u64::MAX)).unwrap();
        let arch = Architecture::new(d, hidden, 1).unwrap();
        for storage in [Storage::F64, Storage::F32] {
            let opts = DdOptions {
                storage,
                ..Default::default()
            };
            g.bench_function(format!("{name}_{}", storage.name()), |b| {
                let mut i = 0;
                b.iter(|| {
                    i += 1;
                    initialize_with(&arch, &data, &mut sample_rng(7, i), &opts).unwrap()
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
