//! Property tests of the data-dependent initializer: over random
//! architectures (1 to 20 hidden layers, widths 1 to 64) and awkward data
//! sets, the census finds no dead neuron, ever (proptest and quickcheck;
//! both shrink to a readable (shape, m, d, widths, seed) case).
// spec: THM-DD-ACTIVE, ALG-DD-INIT, DEF-DEAD, DEF-PD

mod init_support;

use init_support::{make, Shape, ALL, F32_OK};
use proptest::prelude::*;
use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::census::census;
use relu_trainability::init::data_dependent::{initialize_with, DdOptions, Storage};
use relu_trainability::init::Architecture;

/// Runs the initializer and the census; Ok(()) iff every hidden neuron is
/// active and every neuron has both a non-positive and a positive
/// pre-activation on X (the construction's stronger form of G1).
fn no_dead(
    shape: Shape,
    m: usize,
    d: usize,
    widths: &[usize],
    seed: u64,
    storage: Storage,
) -> Result<(), String> {
    let data = make(shape, m, d, seed);
    let arch = Architecture::new(data.dim(), widths.to_vec(), 1).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37);
    let opts = DdOptions {
        storage,
        ..Default::default()
    };
    let net = initialize_with(&arch, &data, &mut rng, &opts).map_err(|e| format!("error: {e}"))?;
    let c = census(&net, &data).unwrap();
    for (l, lc) in c.layers.iter().enumerate() {
        if lc.dead() != 0 {
            return Err(format!("layer {}: {} dead", l + 1, lc.dead()));
        }
    }
    let fwd = net.forward(&data).unwrap();
    for (l, z) in fwd.pre.iter().enumerate() {
        for (j, col) in z.column_iter().enumerate() {
            if !(col.iter().any(|&v| v > 0.0) && col.iter().any(|&v| v <= 0.0)) {
                return Err(format!("layer {} neuron {}: no sign change", l + 1, j + 1));
            }
        }
    }
    if storage == Storage::F32 {
        let all_f32 = net.layers().iter().all(|l| {
            l.weight
                .iter()
                .chain(l.bias.iter())
                .all(|&v| v == v as f32 as f64)
        });
        if !all_f32 {
            return Err("a parameter is not an f32 value".into());
        }
    }
    Ok(())
}

fn shape_strategy() -> impl Strategy<Value = Shape> {
    (0..ALL.len()).prop_map(|i| ALL[i])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn proptest_no_dead_neuron_f64(
        shape in shape_strategy(),
        m in 2usize..40,
        d in 1usize..8,
        widths in prop::collection::vec(1usize..=64, 1..=20),
        seed in any::<u64>(),
    ) {
        prop_assert_eq!(no_dead(shape, m, d, &widths, seed, Storage::F64), Ok(()));
    }

    #[test]
    fn proptest_no_dead_neuron_f32_storage(
        shape in (0..F32_OK.len()).prop_map(|i| F32_OK[i]),
        m in 2usize..40,
        d in 1usize..8,
        widths in prop::collection::vec(1usize..=64, 1..=20),
        seed in any::<u64>(),
    ) {
        prop_assert_eq!(no_dead(shape, m, d, &widths, seed, Storage::F32), Ok(()));
    }
}

/// A quickcheck case; shrinks widths, m and d.
#[derive(Clone, Debug)]
struct Case {
    shape: usize,
    m: usize,
    d: usize,
    widths: Vec<usize>,
    seed: u64,
}

impl Arbitrary for Case {
    fn arbitrary(g: &mut Gen) -> Self {
        let depth = 1 + usize::arbitrary(g) % 20;
        Case {
            shape: usize::arbitrary(g) % ALL.len(),
            m: 2 + usize::arbitrary(g) % 38,
            d: 1 + usize::arbitrary(g) % 7,
            widths: (0..depth).map(|_| 1 + usize::arbitrary(g) % 64).collect(),
            seed: u64::arbitrary(g),
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let base = self.clone();
        let mut out = Vec::new();
        if self.widths.len() > 1 {
            let mut c = base.clone();
            c.widths.pop();
            out.push(c);
            let mut c = base.clone();
            c.widths.remove(0);
            out.push(c);
        }
        for (i, &w) in self.widths.iter().enumerate() {
            if w > 1 {
                let mut c = base.clone();
                c.widths[i] = w / 2;
                out.push(c);
            }
        }
        if self.m > 2 {
            out.push(Case {
                m: self.m / 2 + 1,
                ..base.clone()
            });
        }
        if self.d > 1 {
            out.push(Case {
                d: self.d - 1,
                ..base.clone()
            });
        }
        Box::new(out.into_iter())
    }
}

#[test]
fn quickcheck_no_dead_neuron() {
    fn prop(c: Case) -> TestResult {
        match no_dead(ALL[c.shape], c.m, c.d, &c.widths, c.seed, Storage::F64) {
            Ok(()) => TestResult::passed(),
            Err(e) => TestResult::error(format!("{c:?}: {e}")),
        }
    }
    QuickCheck::new()
        .tests(256)
        .rng(Gen::new(64))
        .quickcheck(prop as fn(Case) -> TestResult);
}

/// f32 storage on shapes it cannot represent (near-duplicates 1e-12 apart,
/// tight clusters, magnitudes 1e+-150): an error naming f64 as the way out, or a network
/// with no dead neuron, never a violating network.
#[test]
fn f32_storage_on_hard_shapes_errs_cleanly_or_holds() {
    for shape in [
        Shape::NearDuplicates,
        Shape::Clustered,
        Shape::Huge,
        Shape::Tiny,
    ] {
        for seed in 0..8u64 {
            match no_dead(shape, 20, 3, &[8, 30, 8], seed, Storage::F32) {
                Ok(()) => {}
                Err(e) => assert!(
                    e.starts_with("error:") && e.contains("f64"),
                    "{shape:?}: {e}"
                ),
            }
        }
    }
}
