//! Speed of the truncated f64 chain (spec BOUND-F64-TRUNC; issue targets,
//! release, one core): P(born dead) of width 4096 x depth 10,000 and of
//! width 10^5 x depth 100 under 1 s each; the dense path (BOUND-F64) at
//! width 1000 x depth 100 for comparison.

use criterion::{criterion_group, criterion_main, Criterion};
use relu_trainability::exact::truncated_chain as tc;
use relu_trainability::exact::{float_chain, BiasMode, ChainSpec};
use relu_trainability::rational::parse_probability;
use std::hint::black_box;
use std::time::Duration;

fn spec(n: usize, depth: usize, q1: &str) -> ChainSpec {
    ChainSpec::new(
        vec![n; depth],
        BiasMode::Zero,
        parse_probability(q1, "q1").unwrap(),
    )
    .unwrap()
}

fn truncated(c: &mut Criterion) {
    let mut g = c.benchmark_group("truncated");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (n, depth, q1) in [
        (4096usize, 10_000usize, "1/3"),
        (4096, 10_000, "0"),
        (100_000, 100, "1/3"),
        (100_000, 100, "0.999999999"),
        (1000, 100, "1/3"),
    ] {
        let s = spec(n, depth, q1);
        let drop = tc::auto_drop_log2(&s);
        let name = format!("born_dead_{n}x{depth}_q1_{}", q1.replace('/', "over"));
        g.bench_function(name, |b| {
            b.iter(|| tc::born_dead(black_box(&s), drop).unwrap())
        });
    }
    let s = spec(1000, 100, "1/3");
    g.bench_function("dense_born_dead_1000x100_q1_1over3", |b| {
        b.iter(|| float_chain::born_dead(black_box(&s)))
    });
    g.finish();
}

criterion_group!(benches, truncated);
criterion_main!(benches);
