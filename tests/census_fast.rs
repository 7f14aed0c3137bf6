//! The Monte Carlo fast census equals the reference census exactly.

#[path = "census_support/mod.rs"]
mod census_support;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use relu_trainability::census::census;
use relu_trainability::init::{initialize, Architecture, BiasInit, InitScheme, WeightInit};
use relu_trainability::montecarlo::fast::Kernel;
use relu_trainability::montecarlo::Workspace;
use relu_trainability::sim::Dataset;

const WEIGHTS: [WeightInit; 6] = [
    WeightInit::HeNormal,
    WeightInit::HeUniform,
    WeightInit::GlorotNormal,
    WeightInit::GlorotUniform,
    WeightInit::LecunNormal,
    WeightInit::StandardNormal,
];

fn random_case(r: &mut ChaCha8Rng) -> (InitScheme, Architecture, Dataset) {
    let d = r.gen_range(1..=4);
    let depth = r.gen_range(1..=7);
    let wmax = if r.gen_bool(0.2) { 12 } else { 5 };
    let hidden: Vec<usize> = (0..depth).map(|_| r.gen_range(1..=wmax)).collect();
    let arch = Architecture::new(d, hidden, r.gen_range(1..=2)).unwrap();
    let scheme = match r.gen_range(0..8) {
        0 => InitScheme::Rai,
        _ => {
            let weights = WEIGHTS[r.gen_range(0..6)];
            let bias = match r.gen_range(0..3) {
                0 => BiasInit::Zero,
                1 => BiasInit::Normal(r.gen_range(0.01..3.0)),
                _ => BiasInit::Uniform(r.gen_range(0.01..3.0)),
            };
            InitScheme::Random { weights, bias }
        }
    };
    let m = r.gen_range(1..=24);
    // Data with structure: duplicates, zeros, one-signed coordinates, grids.
    // kind 5: tiny coordinates (subnormal multiples of 2^-1074 and values
    // near 1e-300), whose products with weights underflow (ALG-PD-SIGN)
    let kind = r.gen_range(0..6);
    let mut rows: Vec<Vec<f64>> = (0..m)
        .map(|i| {
            (0..d)
                .map(|_| match kind {
                    0 => r.gen_range(-1.0..1.0),
                    1 => r.gen_range(0.0..1.0),
                    2 => (r.gen_range(-2..=2) as f64) * 0.5,
                    3 => (i as f64) - (m as f64) / 2.0,
                    4 => 0.0,
                    _ => match r.gen_range(0..3) {
                        0 => r.gen_range(-3i32..=3) as f64 * 5e-324,
                        1 => r.gen_range(-1.0..1.0) * 1e-300,
                        _ => 0.0,
                    },
                })
                .collect()
        })
        .collect();
    if r.gen_bool(0.3) && m > 1 {
        rows[m - 1] = rows[0].clone();
    }
    (scheme, arch, Dataset::from_rows(&rows).unwrap())
}

// spec: ALG-CENSUS-FAST, DEF-PD, DEF-ACTIVE, DEF-BORN-DEAD
#[test]
fn fast_census_equals_reference_on_random_cases() {
    // Both relu passes (the SIMD one where the CPU has it, and the portable
    // one, forced) against the reference census.
    let mut r = ChaCha8Rng::seed_from_u64(2024);
    let mut checked = 0;
    // Tallies by the independent classifier (tests/census_support), so the
    // non-vacuity thresholds do not depend on the code under test.
    let (mut pd_seen, mut pd_sign_seen, mut td_seen, mut active_seen) = (0, 0, 0, 0);
    let mut born_dead_seen = 0;
    for case in 0..4000 {
        let (scheme, arch, data) = random_case(&mut r);
        let mut ws = Workspace::new(&scheme, &arch, &data).unwrap();
        let mut portable = Workspace::new(&scheme, &arch, &data).unwrap();
        portable.use_portable_code(true);
        assert_eq!(portable.kernel(), Kernel::Portable);
        assert_eq!(ws.kernel(), Kernel::detect());
        for s in 0..3u64 {
            let seed = case * 10 + s;
            let net =
                initialize(&scheme, &arch, &data, &mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
            let c = census(&net, &data).unwrap();
            let non_pd: Vec<usize> = c.layers.iter().map(|l| l.non_pd()).collect();
            let active: Vec<usize> = c.layers.iter().map(|l| l.active()).collect();
            for w in [&mut ws, &mut portable] {
                let fast = w
                    .sample(&mut ChaCha8Rng::seed_from_u64(seed))
                    .unwrap()
                    .clone();
                assert_eq!(
                    fast.non_pd, non_pd,
                    "case {case} seed {seed}: {scheme:?} {arch:?}"
                );
                assert_eq!(
                    fast.active, active,
                    "case {case} seed {seed}: {scheme:?} {arch:?}"
                );
                assert_eq!(fast.born_dead(), c.born_dead());
            }
            let (t, bd) = census_support::tally(&census_support::brute_states(&net, &data));
            pd_sign_seen += t[0];
            pd_seen += t[1];
            td_seen += t[2];
            active_seen += t[3];
            born_dead_seen += usize::from(bd);
            checked += 1;
        }
    }
    // The cases exercise every state (the comparison is not vacuous).
    assert_eq!(checked, 12_000);
    assert!(
        pd_seen > 1000
            && pd_sign_seen > 1000
            && td_seen > 1000
            && active_seen > 10_000
            && born_dead_seen > 100,
        "pd {pd_seen} (sign clause {pd_sign_seen}) td {td_seen} active {active_seen} born dead {born_dead_seen}"
    );
}

// spec: ALG-CENSUS-FAST, DEF-PD, DEF-ACTIVE, DEF-BORN-DEAD
#[test]
fn fast_census_equals_reference_bench_shape() {
    // The benchmark's shape: width 32, depth 10, 256 points in 2-D, He normal.
    let arch = Architecture::new(2, vec![32; 10], 1).unwrap();
    let mut r = ChaCha8Rng::seed_from_u64(5);
    let rows: Vec<Vec<f64>> = (0..256)
        .map(|_| vec![r.gen_range(-1.0..1.0), r.gen_range(-1.0..1.0)])
        .collect();
    let data = Dataset::from_rows(&rows).unwrap();
    for bias in [BiasInit::Zero, BiasInit::Normal(0.5)] {
        let scheme = InitScheme::Random {
            weights: WeightInit::HeNormal,
            bias,
        };
        let mut ws = Workspace::new(&scheme, &arch, &data).unwrap();
        let mut portable = Workspace::new(&scheme, &arch, &data).unwrap();
        portable.use_portable_code(true);
        for seed in 0..200 {
            let net =
                initialize(&scheme, &arch, &data, &mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
            let c = census(&net, &data).unwrap();
            for w in [&mut ws, &mut portable] {
                let fast = w.sample(&mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
                assert_eq!(
                    fast.non_pd,
                    c.layers.iter().map(|l| l.non_pd()).collect::<Vec<_>>()
                );
                assert_eq!(
                    fast.active,
                    c.layers.iter().map(|l| l.active()).collect::<Vec<_>>()
                );
            }
        }
    }
}

/// Not a test: a fixed workload for `perf stat` (cycles per network are
/// meaningful on a loaded machine where wall-clock benches are not).
/// Run: cargo test --release --test census_fast -- --ignored probe --nocapture
#[test]
#[ignore]
fn probe_fixed_workload() {
    let n: u64 = std::env::var("PROBE_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let arch = Architecture::new(2, vec![32; 10], 1).unwrap();
    let data =
        relu_trainability::io::data::load_data("cube:1:256", 2, &mut ChaCha8Rng::seed_from_u64(1))
            .unwrap();
    let scheme = InitScheme::Random {
        weights: WeightInit::HeNormal,
        bias: BiasInit::Zero,
    };
    if let Some(threads) = std::env::var("PROBE_THREADS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
    {
        use relu_trainability::montecarlo::{run, McConfig};
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let cfg = McConfig {
            arch,
            scheme,
            samples: n,
            seed: 7,
        };
        let t = std::time::Instant::now();
        let r = pool.install(|| run(&cfg, &data, false)).unwrap();
        let s = t.elapsed().as_secs_f64();
        eprintln!(
            "{n} networks on {threads} threads in {s:.3} s: {:.0}/s (wall), born dead {}",
            n as f64 / s,
            r.born_dead_count
        );
        return;
    }
    let mut ws = Workspace::new(&scheme, &arch, &data).unwrap();
    let t = std::time::Instant::now();
    let mut acc = 0;
    for i in 0..n {
        acc += ws
            .sample(&mut relu_trainability::montecarlo::sample_rng(7, i))
            .unwrap()
            .active[9];
    }
    let s = t.elapsed().as_secs_f64();
    eprintln!(
        "{n} networks in {s:.3} s: {:.0}/s (wall), checksum {acc}",
        n as f64 / s
    );
}

// spec: ALG-CENSUS-FAST
#[test]
fn kernel_choice_is_the_detected_one_unless_forced() {
    // The tests above compare both relu passes with the reference only if the
    // forced workspace really runs the portable one.
    let arch = Architecture::new(2, vec![3], 1).unwrap();
    let data = Dataset::from_rows(&[vec![0.5, -1.0], vec![1.0, 2.0]]).unwrap();
    let scheme = InitScheme::Random {
        weights: WeightInit::HeNormal,
        bias: BiasInit::Zero,
    };
    let mut ws = Workspace::new(&scheme, &arch, &data).unwrap();
    #[cfg(target_arch = "x86_64")]
    let avx2 = std::arch::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    let avx2 = false;
    let detected = if avx2 { Kernel::Avx2 } else { Kernel::Portable };
    assert_eq!(Kernel::detect(), detected);
    assert_eq!(ws.kernel(), detected);
    ws.use_portable_code(true);
    assert_eq!(ws.kernel(), Kernel::Portable);
    ws.use_portable_code(false);
    assert_eq!(ws.kernel(), detected);
}
