//! Monte Carlo: bit-identical for any thread count, equal to the reference
//! census summed over the documented per-sample rngs.
// spec: ALG-MC-SEEDS, ALG-MC-COST

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::census::census;
use relu_trainability::error::Error;
use relu_trainability::init::{initialize, Architecture, BiasInit, InitScheme, WeightInit};
use relu_trainability::io::data::load_data;
use relu_trainability::montecarlo::{run, sample_rng, McConfig};

fn pool(t: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(t)
        .build()
        .unwrap()
}

#[test]
fn same_result_for_one_and_two_threads() {
    let arch = Architecture::new(2, vec![6, 5, 4], 1).unwrap();
    let data = load_data("ball:1:30", 2, &mut ChaCha8Rng::seed_from_u64(3)).unwrap();
    for scheme in [
        InitScheme::Random {
            weights: WeightInit::HeNormal,
            bias: BiasInit::Normal(0.5),
        },
        InitScheme::Rai,
    ] {
        let cfg = McConfig {
            arch: arch.clone(),
            scheme,
            samples: 1000,
            seed: 99,
        };
        let a = pool(1).install(|| run(&cfg, &data, false)).unwrap();
        let b = pool(2).install(|| run(&cfg, &data, false)).unwrap();
        let c = pool(2).install(|| run(&cfg, &data, false)).unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        let other = run(
            &McConfig {
                seed: 100,
                ..cfg.clone()
            },
            &data,
            false,
        )
        .unwrap();
        assert_ne!(a, other);
        assert_eq!(a.samples, 1000);
        for l in 0..3 {
            assert_eq!(a.non_pd[l].iter().sum::<u64>(), 1000);
            assert_eq!(a.active[l].iter().sum::<u64>(), 1000);
        }
    }
}

#[test]
fn equals_reference_census_per_sample() {
    let arch = Architecture::new(1, vec![3, 3, 2], 1).unwrap();
    let data = load_data("grid1d:1:9", 1, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
    let scheme = InitScheme::Random {
        weights: WeightInit::GlorotUniform,
        bias: BiasInit::Uniform(1.0),
    };
    let samples = 300;
    let res = run(
        &McConfig {
            arch: arch.clone(),
            scheme,
            samples,
            seed: 5,
        },
        &data,
        false,
    )
    .unwrap();
    let mut non_pd = vec![vec![0u64; 4], vec![0u64; 4], vec![0u64; 3]];
    let mut active = non_pd.clone();
    let mut born_dead = 0;
    let mut dead = [0usize; 3];
    let mut pairs = vec![vec![0u64; 4 * 4], vec![0u64; 4 * 3]];
    for i in 0..samples {
        let net = initialize(&scheme, &arch, &data, &mut sample_rng(5, i)).unwrap();
        let c = census(&net, &data).unwrap();
        for (l, lc) in c.layers.iter().enumerate() {
            non_pd[l][lc.non_pd()] += 1;
            active[l][lc.active()] += 1;
            dead[l] += lc.dead();
        }
        born_dead += u64::from(c.born_dead());
        for l in 1..3 {
            pairs[l - 1][c.layers[l - 1].non_pd() * (arch.hidden[l] + 1) + c.layers[l].non_pd()] +=
                1;
        }
    }
    assert_eq!(res.pairs, pairs);
    assert_eq!(res.non_pd, non_pd);
    assert_eq!(res.active, active);
    assert_eq!(res.born_dead_count, born_dead);
    for (l, &d) in dead.iter().enumerate() {
        let expect = d as f64 / (samples as f64 * arch.hidden[l] as f64);
        assert!((res.dead_fraction(l) - expect).abs() < 1e-12);
    }
    // sample_rng is seed_from_u64 then set_stream (the documented recipe)
    let mut r = ChaCha8Rng::seed_from_u64(5);
    r.set_stream(7);
    assert_eq!(r, sample_rng(5, 7));
}

#[test]
fn refuses_zero_samples_and_absurd_sizes() {
    let arch = Architecture::new(2, vec![4], 1).unwrap();
    let data = load_data("gauss:10", 2, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
    let scheme = InitScheme::Random {
        weights: WeightInit::HeNormal,
        bias: BiasInit::Zero,
    };
    let e = run(
        &McConfig {
            arch: arch.clone(),
            scheme,
            samples: 0,
            seed: 1,
        },
        &data,
        false,
    )
    .unwrap_err();
    assert!(matches!(e, Error::Input(_)));
    let big = Architecture::new(2, vec![256; 20], 1).unwrap();
    let e = run(
        &McConfig {
            arch: big,
            scheme,
            samples: 1_000_000,
            seed: 1,
        },
        &data,
        false,
    )
    .unwrap_err();
    assert!(matches!(e, Error::TooCostly(_)), "{e}");
    assert!(e.to_string().contains("reduce --samples"));
    // tiny networks but absurdly many samples: the per-sample overhead counts
    let tiny = Architecture::new(2, vec![1], 1).unwrap();
    let e = run(
        &McConfig {
            arch: tiny.clone(),
            scheme,
            samples: 1 << 40,
            seed: 1,
        },
        &data,
        false,
    )
    .unwrap_err();
    assert!(matches!(e, Error::TooCostly(_)), "{e}");
    // and reasonable runs are accepted by the estimate
    relu_trainability::montecarlo::cost::check(&tiny, 10, 10_000_000).unwrap();
    let bench = Architecture::new(2, vec![32; 10], 1).unwrap();
    relu_trainability::montecarlo::cost::check(&bench, 256, 100_000).unwrap();
    // the data-dependent scheme is supported (reference census path): no dead neuron
    let r = run(
        &McConfig {
            arch,
            scheme: InitScheme::DataDependent,
            samples: 5,
            seed: 1,
        },
        &data,
        false,
    )
    .unwrap();
    for (l, &n) in r.widths.iter().enumerate() {
        assert_eq!(r.active[l][n], 5);
    }
}
