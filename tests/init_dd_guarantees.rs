//! The data-dependent initializer's scale (G2) and rank (G3) guarantees,
//! bad input, determinism and f32 storage.

mod init_support;

use init_support::{features, make, separated, Shape, ALL};
use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use relu_trainability::census::census;
use relu_trainability::error::Error;
use relu_trainability::init::data_dependent::{
    initialize, initialize_detailed, initialize_with, scale_ratios, DdOptions, PeelDirection,
    Storage,
};
use relu_trainability::init::{Architecture, InitScheme};
use relu_trainability::sim::Dataset;

fn arch(d: usize, hidden: &[usize]) -> Architecture {
    Architecture::new(d, hidden.to_vec(), 1).unwrap()
}

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Second moment ratio M_j / T_l recomputed independently of the library:
/// plain sums (no scaling) on benign data, inputs from the forward pass.
fn ratios_by_hand(net: &relu_trainability::sim::Network, data: &Dataset) -> Vec<Vec<f64>> {
    let fwd = net.forward(data).unwrap();
    let m = data.len() as f64;
    let mut prev = data.points().clone();
    let mut out = Vec::new();
    for (l, layer) in net.hidden().iter().enumerate() {
        let n = layer.fan_in() as f64;
        let t = (2.0 / n) * prev.iter().map(|v| v * v).sum::<f64>() / m;
        let mut r = Vec::new();
        for j in 0..layer.width() {
            let mut s = 0.0;
            for i in 0..data.len() {
                let z: f64 = (0..layer.fan_in())
                    .map(|k| layer.weight[(j, k)] * prev[(i, k)])
                    .sum::<f64>()
                    + layer.bias[j];
                s += z * z;
            }
            r.push(s / m / t);
        }
        out.push(r);
        prev = fwd.post[l].clone();
    }
    out
}

// spec: THM-DD-SCALE
#[test]
fn second_moment_matches_he_value_f64_and_f32() {
    for (storage, tol) in [(Storage::F64, 1e-12), (Storage::F32, 1e-5)] {
        for seed in 0..10u64 {
            let data = make(Shape::Gaussian, 25, 4, seed);
            let net = initialize_with(
                &arch(4, &[8, 30, 5, 16]),
                &data,
                &mut rng(seed),
                &DdOptions {
                    storage,
                    ..Default::default()
                },
            )
            .unwrap();
            let lib = scale_ratios(&net, &data).unwrap();
            let hand = ratios_by_hand(&net, &data);
            for (a, b) in lib.iter().flatten().zip(hand.iter().flatten()) {
                assert!((a - 1.0).abs() <= tol, "{storage:?}: library ratio {a}");
                assert!((b - 1.0).abs() <= tol, "{storage:?}: by-hand ratio {b}");
            }
        }
    }
}

// spec: THM-DD-SCALE
#[test]
fn second_moment_holds_on_every_shape_within_the_checked_tolerance() {
    for shape in ALL {
        let data = make(shape, 30, 3, 7);
        let net = initialize(&arch(data.dim(), &[40, 7, 40]), &data, &mut rng(1)).unwrap();
        let worst = scale_ratios(&net, &data)
            .unwrap()
            .iter()
            .flatten()
            .map(|r| (r - 1.0).abs())
            .fold(0.0, f64::max);
        // The initializer refuses anything beyond G2_TOLERANCE = 1e-3; in f64
        // the deviation is a few roundoffs even for 1e+-150 or clustered data.
        assert!(worst <= 1e-9, "{shape:?}: worst deviation {worst:e}");
    }
}

/// Companion: the He check rejects a network whose scale is off by 1%
/// (the same comparison as above, on deliberately mis-scaled weights).
// spec: THM-DD-SCALE
#[test]
fn second_moment_check_rejects_a_misscaled_network() {
    let data = make(Shape::Gaussian, 25, 4, 3);
    let mut net = initialize(&arch(4, &[8]), &data, &mut rng(3)).unwrap();
    let l = &mut net.layers_mut()[0];
    l.weight *= 1.005;
    l.bias *= 1.005;
    let worst = ratios_by_hand(&net, &data)[0]
        .iter()
        .map(|r| (r - 1.0).abs())
        .fold(0.0, f64::max);
    assert!(worst > 1e-3, "deviation {worst:e} not detected");
}

/// Numerical rank with the LAPACK/numpy default tolerance
/// sigma_max * max(rows, cols) * eps.
fn numerical_rank(f: &DMatrix<f64>) -> (usize, f64) {
    let sv = f.clone().svd(false, false).singular_values;
    let smax = sv.max();
    let tol = smax * f.nrows().max(f.ncols()) as f64 * f64::EPSILON;
    let rank = sv.iter().filter(|&&s| s > tol).count();
    let smin = sv.iter().copied().fold(f64::INFINITY, f64::min);
    (rank, smax / smin)
}

/// Least-squares fit of random targets by [1, features] (SVD solve):
/// relative residual |F beta - y| / |y|, and cond(F).
fn ls_residual(f: &DMatrix<f64>, seed: u64) -> (f64, f64) {
    let mut r = rng(seed);
    let y = DVector::from_fn(f.nrows(), |_, _| r.gen_range(-1.0..1.0));
    let svd = f.clone().svd(true, true);
    let beta = svd.solve(&y, 0.0).unwrap();
    let res = (f * beta - &y).norm() / y.norm();
    (res, numerical_rank(f).1)
}

// spec: THM-DD-RANK
#[test]
fn first_layer_features_have_full_rank_and_fit_any_targets() {
    for (m, d, seed) in [
        (10, 1, 1u64),
        (30, 2, 2),
        (60, 5, 3),
        (40, 20, 4),
        (2, 3, 5),
    ] {
        let data = separated(m, d, seed);
        // N_1 = m - 1 exactly (the minimum the theorem needs) and wider.
        for n1 in [m - 1, m + 7] {
            let r = initialize_detailed(
                &arch(d, &[n1]),
                &data,
                &mut rng(seed),
                &DdOptions::default(),
            )
            .unwrap();
            assert_eq!(r.layers[0].peeled, m - 1);
            let post = &r.network.forward(&data).unwrap().post[0];
            let f = features(post);
            let (rank, cond) = numerical_rank(&f);
            assert_eq!(rank, m, "m={m} d={d} N1={n1}: rank {rank}, cond {cond:e}");
            let (res, cond) = ls_residual(&f, seed);
            // Backward-stable solve of a square/full-rank system: residual
            // <= c * eps * cond(F); we allow 1e3 * eps * cond and require
            // cond small enough on well-separated data that this is < 1e-8.
            assert!(cond < 1e7, "cond {cond:e}");
            assert!(
                res <= 1e3 * f64::EPSILON * cond,
                "residual {res:e} cond {cond:e}"
            );
        }
    }
}

/// Exact structure behind THM-DD-RANK: ordering points by peeling, the
/// matrix is triangular with a non-zero diagonal (checked by exact
/// elimination on the computed values: each peel column has exactly one
/// positive entry among the not-yet-removed rows).
// spec: THM-DD-RANK
#[test]
fn peel_columns_are_triangular_on_the_stored_values() {
    for shape in ALL {
        let data = make(shape, 24, 3, 11);
        let r = initialize_detailed(
            &arch(data.dim(), &[30]),
            &data,
            &mut rng(5),
            &DdOptions::default(),
        )
        .unwrap();
        let post = &r.network.forward(&data).unwrap().post[0];
        let distinct = data.distinct_count();
        assert_eq!(r.layers[0].peeled, distinct - 1, "{shape:?}");
        // Distinct rows as class representatives.
        let mut remaining: Vec<usize> = Vec::new();
        for i in 0..data.len() {
            if !remaining
                .iter()
                .any(|&j| data.points().row(j) == data.points().row(i))
            {
                remaining.push(i);
            }
        }
        for k in 0..distinct - 1 {
            let pos: Vec<usize> = remaining
                .iter()
                .copied()
                .filter(|&i| post[(i, k)] > 0.0)
                .collect();
            assert_eq!(
                pos.len(),
                1,
                "{shape:?}: peel neuron {k} positive on {pos:?}"
            );
            remaining.retain(|&i| i != pos[0]);
        }
        assert_eq!(remaining.len(), 1);
    }
}

// spec: THM-DD-RANK-DEEP
#[test]
fn last_hidden_layer_has_full_rank_when_every_layer_is_wide() {
    for (m, d, seed, hidden) in [
        (12, 2, 1u64, vec![11, 11, 11, 11, 11]),
        (20, 3, 2, vec![25, 19, 40]),
        (30, 1, 3, vec![29, 29, 29, 29, 29, 29, 29, 29]),
    ] {
        let data = separated(m, d, seed);
        let r = initialize_detailed(
            &arch(d, &hidden),
            &data,
            &mut rng(seed),
            &DdOptions::default(),
        )
        .unwrap();
        assert!(
            r.layers
                .iter()
                .all(|l| l.peeled == m - 1 && !l.peel_fallback),
            "{:?}",
            r.layers
        );
        let fwd = r.network.forward(&data).unwrap();
        for post in &fwd.post {
            let f = features(post);
            assert_eq!(numerical_rank(&f).0, m);
        }
        let (res, cond) = ls_residual(&features(fwd.post.last().unwrap()), seed);
        assert!(
            res <= 1e3 * f64::EPSILON * cond && cond < 1e9,
            "residual {res:e} cond {cond:e}"
        );
    }
}

/// What does NOT hold: after a layer narrower than m - 1, rows may
/// coincide and a later wide layer has rank < m. Also the companion that the
/// rank check detects a deficient matrix.
// spec: THM-DD-RANK-DEEP
#[test]
fn narrow_layer_can_collapse_rows_and_rank_check_detects_it() {
    let data = separated(30, 2, 9);
    let mut seen_collapse = false;
    for seed in 0..20u64 {
        // Without the carrier (whose zero side holds only the points next to
        // the minimum), one cut neuron's zero side collapses to one row.
        let opts = DdOptions {
            carrier: false,
            ..DdOptions::default()
        };
        let r = initialize_detailed(&arch(2, &[1, 40]), &data, &mut rng(seed), &opts).unwrap();
        let d2 = r.layers[1].distinct_inputs;
        assert!(d2 <= 30);
        assert_eq!(r.layers[1].peeled, d2 - 1);
        let f = features(&r.network.forward(&data).unwrap().post[1]);
        let (rank, _) = numerical_rank(&f);
        assert_eq!(rank, d2);
        seen_collapse |= rank < 30;
    }
    assert!(seen_collapse);
    let mut f = features(&separated(5, 1, 1).points().map(|v| v.max(0.0)));
    f.set_column(1, &f.column(0).clone_owned());
    assert!(numerical_rank(&f).0 < f.ncols());
}

// spec: ALG-DD-INIT
#[test]
fn deterministic_per_seed_and_seed_sensitive() {
    let data = make(Shape::Gaussian, 20, 3, 1);
    let a = arch(3, &[8, 25, 4]);
    let n1 = initialize(&a, &data, &mut rng(42)).unwrap();
    let n2 = initialize(&a, &data, &mut rng(42)).unwrap();
    let n3 = initialize(&a, &data, &mut rng(43)).unwrap();
    assert_eq!(n1, n2);
    assert_ne!(n1, n3);
    // Through the simulator's scheme dispatch: the same network.
    let n4 =
        relu_trainability::init::initialize(&InitScheme::DataDependent, &a, &data, &mut rng(42))
            .unwrap();
    assert_eq!(n1, n4);
}

// spec: ALG-DD-INIT
#[test]
fn bad_input_gives_clear_errors() {
    let one = Dataset::from_rows(&[vec![1.0, 2.0], vec![1.0, 2.0], vec![1.0, 2.0]]).unwrap();
    let e = initialize(&arch(2, &[4]), &one, &mut rng(0)).unwrap_err();
    assert!(
        matches!(e, Error::Input(_)) && e.to_string().contains("two distinct points"),
        "{e}"
    );
    let data = make(Shape::Gaussian, 5, 3, 0);
    let e = initialize(&arch(2, &[4]), &data, &mut rng(0)).unwrap_err();
    assert!(e.to_string().contains("dimension 3"), "{e}");
    let e = initialize(
        &Architecture {
            input_dim: 3,
            hidden: vec![4, 0],
            output_dim: 1,
        },
        &data,
        &mut rng(0),
    )
    .unwrap_err();
    assert!(e.to_string().contains("width 0"), "{e}");
    // NaN / inf / empty are refused by Dataset itself.
    assert!(Dataset::from_rows(&[vec![1.0], vec![f64::NAN]])
        .unwrap_err()
        .to_string()
        .contains("non-finite"));
    assert!(Dataset::from_rows(&[vec![1.0], vec![f64::INFINITY]]).is_err());
    assert!(Dataset::from_rows(&[])
        .unwrap_err()
        .to_string()
        .contains("empty"));
    // f32 storage of data at 1e150: refused up front, naming the way out.
    let huge = make(Shape::Huge, 5, 2, 0);
    let e = initialize_with(
        &arch(2, &[4]),
        &huge,
        &mut rng(0),
        &DdOptions {
            storage: Storage::F32,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("f64"), "{e}");
    // Cost refused with advice.
    let big = make(Shape::Gaussian, 2000, 1000, 0);
    let e = initialize(&arch(1000, &[20000]), &big, &mut rng(0)).unwrap_err();
    assert!(matches!(e, Error::TooCostly(_)), "{e}");
}

/// Each refusal of ALG-DD-INIT's bad-input list is the one its own limit
/// gives, at the limit: f32 storage refuses data whose largest magnitude
/// is outside [1e-30, 1e30] (both sides) with that reason, not a later
/// failure to place a neuron; the cost limit m * sum(fan_in * width) <=
/// 2e10 is inclusive (1000 points of dimension 1 and one hidden layer of
/// 10^7 neurons cost 1000 (1 * 10^7 + 10^7 * 1) = 2e10 exactly and pass
/// it, to be refused by the f32 range check that comes next; one point more
/// is refused as too costly); f64 data whose He target overflows are
/// refused as input, not left to fail as "could not place".
// spec: ALG-DD-INIT
#[test]
fn refusals_name_their_own_limit() {
    let f32_opts = DdOptions {
        storage: Storage::F32,
        ..Default::default()
    };
    let base = make(Shape::Gaussian, 6, 2, 1);
    let top = base.points().iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for scale in [1e31, 1e-31] {
        let data = Dataset::new(base.points() * (scale / top)).unwrap();
        let e = initialize_with(&arch(2, &[4]), &data, &mut rng(0), &f32_opts).unwrap_err();
        assert!(
            matches!(e, Error::Input(_))
                && e.to_string().contains("largest magnitude")
                && e.to_string().contains("outside [1e-30, 1e30]")
                && e.to_string().contains("--dtype f64"),
            "{scale:e}: {e}"
        );
        // in f64 the same data work, and in f32 inside the range
        assert!(initialize(&arch(2, &[4]), &data, &mut rng(0)).is_ok());
        let inside = Dataset::new(base.points() * (scale.sqrt().sqrt() / top)).unwrap();
        let net = initialize_with(&arch(2, &[4]), &inside, &mut rng(0), &f32_opts).unwrap();
        assert!(census(&net, &inside)
            .unwrap()
            .layers
            .iter()
            .all(|l| l.dead() == 0));
    }
    let rows = |m: usize| {
        let pts: Vec<Vec<f64>> = (0..m)
            .map(|i| vec![1e31 * (1.0 + i as f64 / m as f64)])
            .collect();
        Dataset::from_rows(&pts).unwrap()
    };
    let wide = arch(1, &[10_000_000]);
    let at_limit = initialize_with(&wide, &rows(1000), &mut rng(0), &f32_opts).unwrap_err();
    assert!(
        matches!(at_limit, Error::Input(_)) && at_limit.to_string().contains("largest magnitude"),
        "{at_limit}"
    );
    let above = initialize_with(&wide, &rows(1001), &mut rng(0), &f32_opts).unwrap_err();
    assert!(
        matches!(above, Error::TooCostly(_)) && above.to_string().contains("2e10"),
        "{above}"
    );
    // f64 data whose He target sqrt(2) RMS overflows (RMS 1.65e308 > 2^1024
    // / sqrt 2): refused as input with advice, before any neuron is tried
    let edge = Dataset::from_rows(&[vec![1.7e308], vec![-1.7e308], vec![1.6e308]]).unwrap();
    let e = initialize(&arch(1, &[4]), &edge, &mut rng(0)).unwrap_err();
    assert!(
        matches!(e, Error::Input(_)) && e.to_string().contains("overflow f64"),
        "{e}"
    );
}

// spec: THM-DD-ACTIVE
#[test]
fn f32_stored_values_keep_every_neuron_active() {
    let data = make(Shape::Gaussian, 40, 5, 2);
    let net = initialize_with(
        &arch(5, &[64, 64, 64, 64]),
        &data,
        &mut rng(2),
        &DdOptions {
            storage: Storage::F32,
            ..Default::default()
        },
    )
    .unwrap();
    for l in net.layers() {
        assert!(l
            .weight
            .iter()
            .chain(l.bias.iter())
            .all(|&v| v == v as f32 as f64));
    }
    let c = census(&net, &data).unwrap();
    assert!(c.layers.iter().all(|l| l.dead() == 0));
    // The same network in f64 storage from the same seed differs (rounded).
    let net64 = initialize_with(
        &arch(5, &[64, 64, 64, 64]),
        &data,
        &mut rng(2),
        &DdOptions::default(),
    )
    .unwrap();
    assert_ne!(net, net64);
}

/// Why the peel neurons share one direction: with independent directions
/// the (triangular) feature matrix is typically far worse conditioned.
/// Prints the condition numbers (median over seeds) for the report.
// spec: THM-DD-RANK
#[test]
fn shared_peel_direction_is_better_conditioned_than_independent() {
    for m in [10usize, 20, 40, 80] {
        let mut conds = [Vec::new(), Vec::new()];
        for seed in 0..9u64 {
            let data = separated(m, 3, seed);
            for (i, dir) in [PeelDirection::Shared, PeelDirection::Independent]
                .into_iter()
                .enumerate()
            {
                let opts = DdOptions {
                    peel_direction: dir,
                    ..Default::default()
                };
                let net =
                    initialize_with(&arch(3, &[m - 1]), &data, &mut rng(seed), &opts).unwrap();
                let f = features(&net.forward(&data).unwrap().post[0]);
                let (rank, cond) = numerical_rank(&f);
                if dir == PeelDirection::Shared {
                    assert_eq!(rank, m, "{dir:?}");
                }
                // A numerically rank-deficient matrix counts as cond = inf.
                conds[i].push(if rank < m { f64::INFINITY } else { cond });
            }
        }
        for c in conds.iter_mut() {
            c.sort_by(f64::total_cmp);
        }
        println!(
            "m = {m}: median cond shared {:.2e}, independent {:.2e}",
            conds[0][4], conds[1][4]
        );
        assert!(conds[0][4] < 1e8);
        if m >= 40 {
            assert!(conds[1][4] > 10.0 * conds[0][4]);
        }
    }
}

/// Extreme magnitudes in f64: 1e250 and 1e-250 (squares would overflow or
/// underflow; every RMS and norm is computed with scaling).
// spec: THM-DD-ACTIVE, THM-DD-SCALE
#[test]
fn extreme_magnitudes_work_in_f64() {
    for scale in [1e250, 1e-250] {
        let base = make(Shape::Gaussian, 20, 3, 4);
        let data = Dataset::new(base.points() * scale).unwrap();
        let r = initialize_detailed(
            &arch(3, &[25, 6, 25]),
            &data,
            &mut rng(4),
            &DdOptions::default(),
        )
        .unwrap();
        let c = census(&r.network, &data).unwrap();
        assert!(c.layers.iter().all(|l| l.dead() == 0), "{scale:e}");
        assert!(
            r.layers[0].peeled == 19 && r.layers[2].peeled > 0,
            "{:?}",
            r.layers
        );
        let worst = scale_ratios(&r.network, &data)
            .unwrap()
            .iter()
            .flatten()
            .map(|x| (x - 1.0).abs())
            .fold(0.0, f64::max);
        assert!(worst <= 1e-9, "{scale:e}: {worst:e}");
    }
}
