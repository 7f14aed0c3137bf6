//! Speed of the exact engine (issue targets, release, one core):
//! uniform width 32 x depth 32 exact P(born dead) < 0.1 s; 64 x 64 < 2 s.
//! Also the plain-rational reference (for the speed-up), the f64 path, and
//! the full 32 x 32 law as JSON (issue target < 0.12 s; spec FMT-DECIMAL).

use criterion::{criterion_group, criterion_main, Criterion};
use num_rational::BigRational;
use num_traits::Zero;
use relu_trainability::decimal;
use relu_trainability::exact::{
    dyadic_chain, float_chain, rational_chain, report, BiasMode, ChainSpec,
};
use std::hint::black_box;
use std::time::Duration;

fn uniform(n: usize, depth: usize, bias: BiasMode) -> ChainSpec {
    ChainSpec::new(vec![n; depth], bias, BigRational::zero()).unwrap()
}

fn exact_born_dead(c: &mut Criterion) {
    let mut g = c.benchmark_group("exact_born_dead");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (n, bias) in [
        (32, BiasMode::Zero),
        (32, BiasMode::Symmetric),
        (64, BiasMode::Zero),
    ] {
        let s = uniform(n, n, bias);
        g.bench_function(format!("dyadic_{n}x{n}_{}", bias.name()), |b| {
            b.iter(|| dyadic_chain::born_dead(black_box(&s)))
        });
    }
    let s = uniform(32, 32, BiasMode::Zero);
    g.bench_function("dyadic_full_law_with_reduction_32x32", |b| {
        b.iter(|| dyadic_chain::law(black_box(&s), None))
    });
    let s = uniform(16, 16, BiasMode::Zero);
    g.bench_function("rational_reference_16x16", |b| {
        b.iter(|| rational_chain::law(black_box(&s), None))
    });
    g.bench_function("dyadic_16x16", |b| {
        b.iter(|| dyadic_chain::law(black_box(&s), None))
    });
    g.finish();
}

fn float_path(c: &mut Criterion) {
    let mut g = c.benchmark_group("f64_path");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for n in [64usize, 1000] {
        let s = uniform(n, if n == 1000 { 100 } else { n }, BiasMode::Zero);
        g.bench_function(format!("born_dead_{n}x{}", s.depth()), |b| {
            b.iter(|| float_chain::born_dead(black_box(&s)))
        });
    }
    g.finish();
}

fn exact_output(c: &mut Criterion) {
    let mut g = c.benchmark_group("exact_output");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    let s = uniform(32, 32, BiasMode::Zero);
    // what `trainability exact --widths 32 x 32 --format json` does
    g.bench_function("full_law_json_32x32", |b| {
        b.iter(|| {
            let v = report::exact_json_with_logs(black_box(&s), None).unwrap();
            serde_json::to_string_pretty(&v).unwrap().len()
        })
    });
    let law = dyadic_chain::law(&s, None);
    let all: Vec<BigRational> = law.layers.concat();
    g.bench_function("pq_strings_32x32_display", |b| {
        b.iter(|| {
            all.iter()
                .map(|r| format!("{}/{}", r.numer(), r.denom()).len())
                .sum::<usize>()
        })
    });
    g.bench_function("pq_strings_32x32_decimal", |b| {
        b.iter(|| decimal::to_pq_all(black_box(&all)).len())
    });
    g.finish();
}

criterion_group!(benches, exact_born_dead, float_path, exact_output);
criterion_main!(benches);
