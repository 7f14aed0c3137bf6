//! The data-dependent construction's own claims, checked on the network as
//! steps 1-6 of ALG-DD-INIT build it, with the re-checks (step 7 and the
//! final census) off: a wrong construction shows here instead of being
//! refused and redrawn. Also the peel fallback of deep layers
//! (THM-DD-RANK-DEEP, "what does not hold" point 2) and its layer-1 error.

mod init_support;

use init_support::{make, Shape, ALL, F32_OK};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::census::census;
use relu_trainability::init::data_dependent::{
    initialize_detailed, initialize_unverified, scale_ratios, DdInit, DdOptions, PeelDirection,
    Storage, G2_TOLERANCE,
};
use relu_trainability::init::Architecture;
use relu_trainability::sim::Dataset;
use std::collections::BTreeSet;

/// Class of every row (rows equal as f64 values, -0 == +0), in first-seen
/// order; independent of the library's hashing.
fn classes(a: &nalgebra::DMatrix<f64>) -> Vec<usize> {
    let mut reps: Vec<usize> = vec![];
    (0..a.nrows())
        .map(|i| {
            match reps
                .iter()
                .position(|&r| (0..a.ncols()).all(|k| a[(r, k)] == a[(i, k)]))
            {
                Some(c) => c,
                None => {
                    reps.push(i);
                    reps.len() - 1
                }
            }
        })
        .collect()
}

/// Checks, on the stored network, every claim of the construction:
/// THM-DD-ACTIVE (each hidden neuron has z <= 0 and z > 0 on X),
/// THM-DD-SCALE (second-moment ratio within G2_TOLERANCE), the bookkeeping
/// of `DdLayerInfo` (distinct inputs; peeled = classes - 1 when wide
/// enough and no fallback, else 0), and THM-DD-RANK's triangular pattern:
/// with S_k the classes on which peel neuron k is positive and R_k the union
/// of S_0..S_{k-1}, S_k minus R_k is exactly one class (the class it peels),
/// and one class is never peeled.
fn check_claims(r: &DdInit, data: &Dataset, width_ok: bool) -> Result<(), String> {
    let fwd = r.network.forward(data).unwrap();
    let ratios = scale_ratios(&r.network, data).unwrap();
    for (l, z) in fwd.pre.iter().enumerate() {
        let input = if l == 0 {
            data.points()
        } else {
            &fwd.post[l - 1]
        };
        let cls = classes(input);
        let n_cls = cls.iter().max().unwrap() + 1;
        let info = &r.layers[l];
        if info.distinct_inputs != n_cls {
            return Err(format!(
                "layer {l}: {} classes reported, {n_cls} seen",
                info.distinct_inputs
            ));
        }
        let wide = z.ncols() + 1 >= n_cls;
        let want_peeled = if width_ok && wide && !info.peel_fallback {
            n_cls - 1
        } else {
            0
        };
        if info.peeled != want_peeled {
            return Err(format!(
                "layer {l}: peeled {} want {want_peeled}",
                info.peeled
            ));
        }
        for (j, col) in z.column_iter().enumerate() {
            if !(col.iter().any(|&v| v <= 0.0) && col.iter().any(|&v| v > 0.0)) {
                return Err(format!("layer {l} neuron {j}: no sign change on X"));
            }
            let dev = (ratios[l][j] - 1.0).abs();
            if dev.is_nan() || dev > G2_TOLERANCE {
                return Err(format!(
                    "layer {l} neuron {j}: second moment off by {dev:e}"
                ));
            }
        }
        let mut removed: BTreeSet<usize> = BTreeSet::new();
        for k in 0..info.peeled {
            let pos: BTreeSet<usize> = (0..data.len())
                .filter(|&i| z[(i, k)] > 0.0)
                .map(|i| cls[i])
                .collect();
            let new: Vec<&usize> = pos.difference(&removed).collect();
            if new.len() != 1 {
                return Err(format!("layer {l} peel neuron {k}: new classes {new:?}"));
            }
            removed.extend(pos);
        }
        if info.peeled > 0 && removed.len() != n_cls - 1 {
            return Err(format!(
                "layer {l}: {} classes peeled of {n_cls}",
                removed.len()
            ));
        }
    }
    Ok(())
}

// spec: THM-DD-ACTIVE, THM-DD-SCALE, THM-DD-RANK, ALG-DD-INIT
#[test]
fn construction_claims_hold_without_the_recheck() {
    let mut runs = 0;
    let mut peel_layers = 0;
    for (si, shape) in ALL.into_iter().enumerate() {
        for (m, d, hidden) in [
            (12usize, 2usize, vec![11usize, 11, 11]),
            (20, 3, vec![25, 4, 19]),
            (9, 1, vec![3, 3, 3, 3]),
            (16, 4, vec![16, 2, 30]),
        ] {
            let storages: &[Storage] = if F32_OK.contains(&shape) {
                &[Storage::F64, Storage::F32]
            } else {
                &[Storage::F64]
            };
            for &storage in storages {
                for dir in [PeelDirection::Shared, PeelDirection::Independent] {
                    for seed in 0..3u64 {
                        let data = make(shape, m, d, 100 * si as u64 + seed);
                        let arch = Architecture::new(data.dim(), hidden.clone(), 1).unwrap();
                        let opts = DdOptions {
                            storage,
                            peel_direction: dir,
                            ..DdOptions::default()
                        };
                        let mut rng = ChaCha8Rng::seed_from_u64(seed);
                        let Ok(r) = initialize_unverified(&arch, &data, &mut rng, &opts) else {
                            // refusals (points too close for the storage) are
                            // tested elsewhere; the claims are about returns
                            continue;
                        };
                        check_claims(&r, &data, true)
                            .map_err(|e| {
                                format!("{shape:?} {storage:?} {dir:?} {hidden:?} seed {seed}: {e}")
                            })
                            .unwrap();
                        runs += 1;
                        peel_layers += r.layers.iter().filter(|l| l.peeled > 0).count();
                    }
                }
            }
        }
    }
    // not vacuous: most runs return, and peeling happens in many layers
    assert!(
        runs >= 200 && peel_layers >= 300,
        "{runs} runs, {peel_layers} peeled layers"
    );
}

// spec: THM-DD-ACTIVE, THM-DD-SCALE, ALG-DD-INIT
#[test]
fn unverified_construction_without_peeling_or_carrier_still_holds() {
    for shape in ALL {
        for carrier in [false, true] {
            let data = make(shape, 15, 3, 7);
            let arch = Architecture::new(data.dim(), vec![20, 5, 20], 1).unwrap();
            let opts = DdOptions {
                peel: false,
                carrier,
                ..DdOptions::default()
            };
            let r = initialize_unverified(&arch, &data, &mut ChaCha8Rng::seed_from_u64(3), &opts)
                .unwrap();
            assert!(r.layers.iter().all(|l| l.peeled == 0));
            check_claims(&r, &data, false)
                .map_err(|e| format!("{shape:?} carrier {carrier}: {e}"))
                .unwrap();
        }
    }
}

/// The carrier of ALG-DD-INIT is the first cut neuron of each layer: its
/// threshold sits delta above the smallest projection (u = 0), so its
/// smallest pre-activation is -c delta, about 1e-15 of its range; every
/// other cut neuron draws u uniformly in [0, 1), so its smallest
/// pre-activation is -u times its range (up to 2 delta): below 1e-6 of the
/// range with probability about 1e-6 per neuron (72 such neurons here).
/// With `carrier: false` the first cut neuron is an ordinary one.
// spec: ALG-DD-INIT
#[test]
fn the_first_cut_neuron_of_each_layer_is_the_carrier() {
    let data = make(Shape::Gaussian, 30, 3, 11);
    let arch = Architecture::new(3, vec![10, 10], 1).unwrap();
    for carrier in [true, false] {
        for seed in 0..4u64 {
            let opts = DdOptions {
                carrier,
                ..DdOptions::default()
            };
            let r =
                initialize_unverified(&arch, &data, &mut ChaCha8Rng::seed_from_u64(seed), &opts)
                    .unwrap();
            let fwd = r.network.forward(&data).unwrap();
            for (l, z) in fwd.pre.iter().enumerate() {
                assert_eq!(r.layers[l].peeled, 0, "10 neurons cannot peel 30 classes");
                for (j, col) in z.column_iter().enumerate() {
                    let (lo, hi) = (col.min(), col.max());
                    let depth = -lo / (hi - lo);
                    let msg =
                        format!("carrier {carrier} seed {seed} layer {l} neuron {j}: {depth:e}");
                    if carrier && j == 0 {
                        assert!(depth > 0.0 && depth <= 1e-9, "{msg}");
                    } else {
                        assert!(depth > 1e-6, "{msg}");
                    }
                }
            }
        }
    }
}

/// 1-D data with two points 1e-9 apart (relative): far apart in f64, but
/// closer than the f32 margin 2 u_32 |w| max|a| (u_32 = 2^-24).
fn near_pair() -> Dataset {
    Dataset::from_rows(&[
        vec![-2.0],
        vec![-1.0],
        vec![0.0],
        vec![1.0],
        vec![1.0 + 1e-9],
    ])
    .unwrap()
}

// spec: THM-DD-RANK-DEEP, ALG-DD-INIT
#[test]
fn close_rows_make_a_deep_layer_fall_back_to_cut_neurons() {
    // Layer 1 (width 2 < 5 - 1) is built from cuts; the pair stays 1e-9 apart
    // in layer 1's outputs whenever some neuron is positive on both, so the
    // width-4 layer 2, wide enough to peel its 5 distinct inputs, cannot peel
    // in f32 and is rebuilt from cut neurons (peel_fallback). Every neuron is
    // still active (checked by the census); THM-DD-RANK-DEEP is not claimed.
    let data = near_pair();
    let arch = Architecture::new(1, vec![2, 4], 1).unwrap();
    let opts = DdOptions {
        storage: Storage::F32,
        ..DdOptions::default()
    };
    let mut fallbacks = 0;
    for seed in 0..20u64 {
        let r =
            initialize_detailed(&arch, &data, &mut ChaCha8Rng::seed_from_u64(seed), &opts).unwrap();
        let c = census(&r.network, &data).unwrap();
        assert!(c.layers.iter().all(|l| l.dead() == 0), "seed {seed}");
        assert_eq!(r.layers[0].peeled, 0);
        assert!(!r.layers[0].peel_fallback);
        let l2 = &r.layers[1];
        if l2.peel_fallback {
            fallbacks += 1;
            assert_eq!(l2.peeled, 0, "seed {seed}");
            assert_eq!(l2.distinct_inputs, 5, "seed {seed}");
            check_claims(&r, &data, true).unwrap();
        } else {
            // then the pair was merged by layer 1 and peeling succeeded
            assert!(l2.distinct_inputs < 5, "seed {seed}: {l2:?}");
            assert_eq!(l2.peeled, l2.distinct_inputs - 1, "seed {seed}");
        }
    }
    assert!(fallbacks >= 5, "{fallbacks} fallbacks in 20 seeds");
    // In f64 the same data peel without fallback (the pair is 1e-9 apart,
    // far above the f64 margin).
    let r = initialize_detailed(
        &arch,
        &data,
        &mut ChaCha8Rng::seed_from_u64(0),
        &DdOptions::default(),
    )
    .unwrap();
    assert!(r.layers.iter().all(|l| !l.peel_fallback));
}

// spec: THM-DD-RANK, ALG-DD-INIT
#[test]
fn close_rows_in_layer_one_are_an_error_not_a_fallback() {
    // Layer 1 wide enough to peel the 5 points: no fallback in layer 1, the
    // f32 construction refuses with advice; --no-rank (peel = false) builds.
    let data = near_pair();
    let arch = Architecture::new(1, vec![4, 4], 1).unwrap();
    let opts = DdOptions {
        storage: Storage::F32,
        ..DdOptions::default()
    };
    let e = initialize_detailed(&arch, &data, &mut ChaCha8Rng::seed_from_u64(1), &opts)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("peel neuron") && e.contains("hidden layer 1"),
        "{e}"
    );
    let no_rank = DdOptions {
        peel: false,
        ..opts
    };
    let r = initialize_detailed(&arch, &data, &mut ChaCha8Rng::seed_from_u64(1), &no_rank).unwrap();
    assert!(r.layers.iter().all(|l| l.peeled == 0 && !l.peel_fallback));
}

// spec: ALG-DD-INIT, THM-DD-ACTIVE, THM-DD-RANK
#[test]
fn two_distinct_points_suffice() {
    // m_d = 2 is the smallest accepted input (ALG-DD-INIT step 1), also
    // with duplicates, in every layer (a width-1 peel layer keeps the two
    // rows apart): built, every neuron active, one peel neuron per layer.
    for rows in [
        vec![vec![-1.0], vec![2.0]],
        vec![vec![0.5], vec![0.5], vec![3.0]],
    ] {
        let data = Dataset::from_rows(&rows).unwrap();
        for hidden in [vec![1usize, 1, 1], vec![3, 2]] {
            let arch = Architecture::new(1, hidden.clone(), 1).unwrap();
            for seed in 0..5u64 {
                let r = initialize_detailed(
                    &arch,
                    &data,
                    &mut ChaCha8Rng::seed_from_u64(seed),
                    &DdOptions::default(),
                )
                .unwrap();
                assert!(r
                    .layers
                    .iter()
                    .all(|l| l.distinct_inputs == 2 && l.peeled == 1));
                check_claims(&r, &data, true).unwrap();
                let c = census(&r.network, &data).unwrap();
                assert!(
                    c.layers.iter().all(|l| l.dead() == 0),
                    "{hidden:?} seed {seed}"
                );
            }
        }
    }
    let one = Dataset::from_rows(&[vec![1.0], vec![1.0]]).unwrap();
    let arch = Architecture::new(1, vec![2], 1).unwrap();
    assert!(initialize_detailed(
        &arch,
        &one,
        &mut ChaCha8Rng::seed_from_u64(0),
        &DdOptions::default()
    )
    .is_err());
}

// spec: ALG-DD-INIT
#[test]
fn peel_margin_is_the_specified_one() {
    // Step 3: consecutive projections must differ by more than
    // 2 u_s |u| max|a|. Points (1, ..., 1) and the same + 1e-6 e_1 in d = 100:
    // for any direction u the gap |u_1| 1e-6 <= |u| 1e-6 is below the f32
    // margin 2 2^-24 |u| 10 = 1.19e-6 |u|, so f32 peeling is refused in layer
    // 1 (an error), whatever the seed; in f64 (margin 2.2e-15 |u|) it builds.
    let x0 = vec![1.0; 100];
    let mut x1 = x0.clone();
    x1[0] += 1e-6;
    let x2: Vec<f64> = x0.iter().map(|v| -v).collect();
    let data = Dataset::from_rows(&[x0, x1, x2]).unwrap();
    let arch = Architecture::new(100, vec![2, 2], 1).unwrap();
    for seed in 0..3u64 {
        let f32_opts = DdOptions {
            storage: Storage::F32,
            ..DdOptions::default()
        };
        let e = initialize_detailed(
            &arch,
            &data,
            &mut ChaCha8Rng::seed_from_u64(seed),
            &f32_opts,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("peel neuron"), "{e}");
        let r = initialize_detailed(
            &arch,
            &data,
            &mut ChaCha8Rng::seed_from_u64(seed),
            &DdOptions::default(),
        )
        .unwrap();
        check_claims(&r, &data, true).unwrap();
    }
}
