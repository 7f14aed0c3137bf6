//! Unit tests of the construction's private steps on hand-made inputs: the
//! exact re-check of step 7 (`Ctx::holds`) must refuse every wrong neuron,
//! the stored threshold of step 6 (`Ctx::threshold`) and the helpers
//! (`groups`, `rms`, `Storage`) against hand-derived values, and the redraws
//! of `place` and `build_layer` on inputs where the re-check does refuse
//! (points 64 u apart, overflowing pre-activations). On ordinary data the
//! construction never hands the re-check a wrong neuron
//! (tests/init_dd_construction.rs checks the construction with the
//! re-check off), so the integration tests cannot see these.

use super::*;

fn col(v: &[f64]) -> DMatrix<f64> {
    DMatrix::from_column_slice(v.len(), 1, v)
}

fn ctx<'a>(a: &'a DMatrix<f64>, opts: &'a DdOptions) -> Ctx<'a> {
    Ctx {
        a,
        g: groups(a),
        row_norm: a.row_iter().map(|r| r.norm()).collect(),
        target: target_rms(a),
        opts,
        layer: 1,
    }
}

fn plan(kind: Kind, theta: f64) -> Plan {
    Plan {
        w: DVector::from_element(1, 1.0),
        theta,
        kind,
    }
}

/// `shape` scaled by c > 0 so that (rms / target)^2 = ratio.
fn scaled(shape: &[f64], target: f64, ratio: f64) -> Vec<f64> {
    let r = (shape.iter().map(|v| v * v).sum::<f64>() / shape.len() as f64).sqrt();
    shape
        .iter()
        .map(|v| v * target * ratio.sqrt() / r)
        .collect()
}

#[test]
fn recheck_of_a_cut_neuron_needs_both_signs_finite_values_and_the_scale() {
    let a = col(&[1.0, 2.0, 3.0]);
    let opts = DdOptions::default();
    let c = ctx(&a, &opts);
    // target = sqrt(2) * rms(1, 2, 3) = sqrt(28 / 3)
    assert!((c.target - (28.0f64 / 3.0).sqrt()).abs() < 1e-15);
    let p = plan(Kind::Cut, 0.0);
    let pos = [0, 1, 2];
    let holds = |shape: &[f64], ratio: f64| c.holds(&p, &scaled(shape, c.target, ratio), &pos);
    assert!(holds(&[-1.0, 0.5, 2.0], 1.0));
    assert!(holds(&[0.0, 1.0, 2.0], 1.0), "0 counts as <= 0");
    assert!(!holds(&[1.0, 2.0, 3.0], 1.0), "never <= 0");
    assert!(!holds(&[-1.0, -2.0, 0.0], 1.0), "never > 0");
    assert!(holds(&[-1.0, 0.5, 2.0], 1.0 + 0.9e-3));
    assert!(holds(&[-1.0, 0.5, 2.0], 1.0 - 0.9e-3));
    assert!(!holds(&[-1.0, 0.5, 2.0], 1.0 + 1.1e-3), "scale off");
    assert!(!holds(&[-1.0, 0.5, 2.0], 1.0 - 1.1e-3), "scale off");
    assert!(!c.holds(&p, &[-1.0, f64::NAN, 2.0], &pos));
    assert!(!c.holds(&p, &[-1.0, f64::INFINITY, 2.0], &pos));
}

#[test]
fn recheck_of_a_peel_neuron_is_the_triangular_pattern() {
    let a = col(&[1.0, 2.0, 3.0]);
    let opts = DdOptions::default();
    let c = ctx(&a, &opts);
    let g = &c.g.group;
    assert_eq!(c.g.reps.len(), 3);
    // removal order: row 2 first, then row 1; row 0 is never removed
    let order = [g[2], g[1], g[0]];
    let mut pos = vec![0; 3];
    for (i, &cl) in order.iter().enumerate() {
        pos[cl] = i;
    }
    let holds = |k: usize, shape: &[f64]| {
        c.holds(
            &plan(Kind::Peel { k }, 0.0),
            &scaled(shape, c.target, 1.0),
            &pos,
        )
    };
    // z per row (row 0, row 1, row 2)
    assert!(holds(0, &[-1.0, -0.5, 2.0]));
    assert!(holds(0, &[-1.0, 0.0, 2.0]), "0 counts as <= 0");
    assert!(!holds(0, &[-1.0, 0.5, 2.0]), "a later class is positive");
    assert!(!holds(0, &[1.0, -0.5, 2.0]), "the last class is positive");
    assert!(
        !holds(0, &[-1.0, -0.5, 0.0]),
        "the peeled class is not positive"
    );
    assert!(holds(1, &[-1.0, 1.0, 5.0]));
    assert!(holds(1, &[-1.0, 1.0, -5.0]), "earlier classes are free");
    assert!(!holds(1, &[5.0, 1.0, -1.0]), "the last class is positive");
    assert!(
        !holds(1, &[-1.0, 0.0, 3.0]),
        "the peeled class is not positive"
    );
}

#[test]
fn stored_threshold_of_cut_and_peel_neurons() {
    let a = col(&[1.0, 2.0, 3.0]);
    let opts = DdOptions::default();
    let c = ctx(&a, &opts);
    let g = &c.g.group;
    let order = [g[2], g[1], g[0]];
    let t = [1.0, 2.0, 3.0]; // projections per row
    let cut = |theta: f64| c.threshold(&plan(Kind::Cut, theta), &t, &order);
    assert_eq!(cut(1.0), Some(1.0), "lo <= v");
    assert_eq!(cut(2.9), Some(2.9));
    assert_eq!(cut(3.0), None, "v < hi");
    assert_eq!(cut(0.5), None);
    let peel =
        |k: usize, theta: f64, t: &[f64]| c.threshold(&plan(Kind::Peel { k }, theta), t, &order);
    // k = 0: top = t[row 2] = 3, second = max(t[row 1], t[row 0]) = 2
    assert_eq!(peel(0, 2.5, &t), Some(2.5));
    assert_eq!(peel(0, 2.0, &t), Some(2.0), "second <= v");
    assert_eq!(
        peel(0, 3.5, &t),
        Some(2.0),
        "out of range: smallest storable >= second"
    );
    assert_eq!(peel(0, 1.0, &t), Some(2.0));
    assert_eq!(peel(0, 3.0, &t), Some(2.0), "v = top is not below top");
    assert_eq!(
        peel(0, 2.5, &[1.0, 3.0, 3.0]),
        None,
        "tie: nothing separates"
    );
    assert_eq!(peel(0, 2.5, &[3.5, 2.0, 3.0]), None, "a later class on top");
    // k = 1: top = t[row 1] = 2, second = t[row 0] = 1; row 2 is free
    assert_eq!(peel(1, 1.5, &t), Some(1.5));
    assert_eq!(peel(1, 1.5, &[1.0, 2.0, -7.0]), Some(1.5));
    // f32 storage: v is rounded up to an f32 value >= second and < top
    let o32 = DdOptions {
        storage: Storage::F32,
        ..DdOptions::default()
    };
    let c32 = ctx(&a, &o32);
    let second = 1.0 + 1e-12; // not an f32
    let top = 1.0 + 1e-6;
    let v = c32
        .threshold(&plan(Kind::Peel { k: 0 }, 5.0), &[0.0, second, top], &order)
        .unwrap();
    assert_eq!(v, 1.0 + f64::from(f32::EPSILON));
    assert!(second <= v && v < top && v == v as f32 as f64);
    assert_eq!(
        c32.threshold(
            &plan(Kind::Peel { k: 0 }, 5.0),
            &[0.0, second, 1.0 + 1e-9],
            &order
        ),
        None,
        "no f32 value in [second, top)"
    );
    let top = 1.0 + f64::from(f32::EPSILON); // = the f32 ceiling of second
    assert_eq!(
        c32.threshold(&plan(Kind::Peel { k: 0 }, 5.0), &[0.0, second, top], &order),
        None,
        "the ceiling of second equals top"
    );
}

#[test]
fn storage_rounding_and_ceiling() {
    assert_eq!(Storage::F64.ceil(0.1), 0.1);
    for x in [1.0 + 1e-12, -1e-10, 0.1, 3.0, -2.5e-40, 1e30] {
        let c = Storage::F32.ceil(x);
        assert_eq!(c, c as f32 as f64, "{x}: an f32 value");
        assert!(c >= x, "{x}");
        // the next f32 below is < x: the smallest such value
        assert!(f64::from((c as f32).next_down()) < x, "{x}");
    }
    assert_eq!(Storage::F32.ceil(3.0), 3.0);
    assert_eq!(Storage::F32.round(0.1), 0.1f32 as f64);
    assert_eq!(Storage::F64.round(0.1), 0.1);
    assert_eq!(Storage::F32.unit_roundoff(), 2f64.powi(-24));
    assert_eq!(Storage::F64.unit_roundoff(), 2f64.powi(-53));
    assert!(Storage::F32.fits(3e38) && !Storage::F32.fits(4e38));
    assert!(Storage::F64.fits(4e38));
    assert_eq!(
        ("f32".parse::<Storage>().unwrap(), Storage::F32.name()),
        (Storage::F32, "f32")
    );
    assert_eq!("Float64".parse::<Storage>().unwrap(), Storage::F64);
    assert!("f16".parse::<Storage>().is_err());
}

#[test]
fn groups_rms_and_margin_by_hand() {
    // rows: 0 and -0 are one class, duplicates are one class
    let a = DMatrix::from_row_slice(5, 2, &[0.0, 1.0, -0.0, 1.0, 2.0, 3.0, 2.0, 3.0, 2.0, -3.0]);
    let g = groups(&a);
    assert_eq!(g.reps.len(), 3);
    assert_eq!(g.group[0], g.group[1]);
    assert_eq!(g.group[2], g.group[3]);
    let distinct: std::collections::BTreeSet<usize> =
        [0, 2, 4].iter().map(|&i| g.group[i]).collect();
    assert_eq!(distinct.len(), 3);
    for (cl, &r) in g.reps.iter().enumerate() {
        assert_eq!(g.group[r], cl, "a representative is in its class");
    }
    assert!((rms([3.0, 4.0].into_iter()) - 12.5f64.sqrt()).abs() < 1e-15);
    assert_eq!(rms([1e300, -1e300].into_iter()), 1e300, "no overflow");
    assert_eq!(rms([1e-300, 1e-300].into_iter()), 1e-300, "no underflow");
    assert_eq!(rms([0.0, 0.0].into_iter()), 0.0);
    // target = sqrt(2) * rms of all entries
    let t = target_rms(&a);
    let mean_sq = (0.0 + 1.0 + 0.0 + 1.0 + 4.0 + 9.0 + 4.0 + 9.0 + 4.0 + 9.0) / 10.0;
    assert!((t - (2.0f64 * mean_sq).sqrt()).abs() < 1e-15);
    // margin = 2 u |w| max row norm over the given rows
    let opts = DdOptions::default();
    let c = ctx(&a, &opts);
    let w = DVector::from_vec(vec![3.0, 4.0]);
    let m = c.margin(&w, [0usize, 2].into_iter());
    assert_eq!(m, 2.0 * 2f64.powi(-53) * 5.0 * 13f64.sqrt());
}

/// Step 4's cut threshold keeps its margin delta from both extremes for
/// every u that `rng.gen::<f64>()` can give (0 to 1 - 2^-53), on ranges
/// from tiny to huge, including ranges just above the 4 delta that
/// plan_cut requires (hand derivation: lo + delta + u (hi - lo - 2 delta)
/// lies in [lo + delta, hi - delta]; allow half of delta for rounding).
#[test]
fn cut_threshold_keeps_its_margin_at_both_ends() {
    let u_max = 1.0 - f64::EPSILON / 2.0;
    for (lo, hi, delta) in [
        (-1.0, 1.0, 0.01),
        (0.0, 4.000001e-300, 1e-300),
        (-3e300, 5e300, 1e299),
        (1.0, 1.0 + 4.5e-12, 1e-12),
        (-7.5, -2.0, 1e-3),
    ] {
        assert!(hi - lo > 4.0 * delta);
        for u in [0.0, 0.25, 0.5, u_max] {
            let t = cut_threshold(lo, hi, delta, u);
            assert!(
                t >= lo + 0.5 * delta && t <= hi - 0.5 * delta,
                "{lo} {hi} {delta} {u}: {t}"
            );
        }
        // the carrier (u = 0) sits at lo + delta, up to one rounding
        let t0 = cut_threshold(lo, hi, delta, 0.0);
        assert!(
            (t0 - (lo + delta)).abs() <= f64::EPSILON * (lo.abs() + delta),
            "{t0}"
        );
    }
}

/// Two points 64 u apart (u = 2^-53) in the plane: a neuron's scale
/// c ~ 1 / (64 u) makes its pre-activations differences of numbers near
/// 1e14, and THM-DD-SCALE's check (step 7) refuses about a third of the
/// first plans; a cut in one attempt is possible only when the direction is
/// within 60 degrees of the points' difference.
fn near_pair() -> DMatrix<f64> {
    let d = 64.0 * (f64::EPSILON / 2.0);
    DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 1.0 + d, d])
}

/// Outcomes of `build_layer` over seeds 0..200: (errors, layers, layers
/// reported as a peel fallback).
fn outcomes(a: &DMatrix<f64>, width: usize, l: usize, opts: &DdOptions) -> (usize, usize, usize) {
    use rand::SeedableRng;
    let (mut err, mut ok, mut fallback) = (0, 0, 0);
    for seed in 0..200u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        match build_layer(a, width, l, &mut rng, opts, true, &Progress::new(0, false)) {
            Ok((_, info)) => {
                ok += 1;
                fallback += usize::from(info.peel_fallback);
            }
            Err(e) => {
                assert!(e.to_string().contains("could not place"), "{e}");
                err += 1;
            }
        }
    }
    (err, ok, fallback)
}

/// A peel plan refused by the exact check fails the same way in every
/// round, so the layer must plan its peels again (spec ALG-DD-INIT step 7).
/// With one attempt 70 of 200 seeds fail (the regime is reached: a bound
/// of 20 to 120 is asserted); with the default 64 attempts every seed
/// gives a verified layer, at widths 1 (the peel neuron alone) and 2 (one
/// cut beside it). Keeping the refused plan fails 70 of them at width 1.
// spec: ALG-DD-INIT
#[test]
fn a_refused_peel_plan_is_planned_again() {
    let a = near_pair();
    let one = DdOptions {
        max_attempts: 1,
        ..DdOptions::default()
    };
    let (err, _, _) = outcomes(&a, 1, 1, &one);
    assert!(
        (20..=120).contains(&err),
        "{err} of 200 first plans refused"
    );
    for width in [1, 2] {
        let (err, ok, fallback) = outcomes(&a, width, 1, &DdOptions::default());
        assert_eq!((err, ok, fallback), (0, 200, 0), "width {width}");
    }
}

/// Without peeling (peeled = 0) a deep layer that cannot be built is an
/// error, never a "peel fallback" (THM-DD-RANK-DEEP point 2 concerns peel
/// neurons only): with one attempt the near pair fails for 156 of 200
/// seeds and builds for 44, none reported as a fallback.
// spec: THM-DD-RANK-DEEP
#[test]
fn without_peeling_a_failed_layer_is_an_error_not_a_fallback() {
    let opts = DdOptions {
        peel: false,
        max_attempts: 1,
        ..DdOptions::default()
    };
    let (err, ok, fallback) = outcomes(&near_pair(), 1, 2, &opts);
    assert!(err >= 20 && ok >= 20, "{err} errors, {ok} layers");
    assert_eq!(fallback, 0);
}

/// Rows 1e308 and 5e307 (one feature): the cut neuron's scaled weight is
/// sqrt(2) sqrt(1 + 1/4) / (1/2) = 3.16 (sign of the direction), whose
/// stored threshold passes step 6 but whose pre-activation 3.16e308
/// overflows; step 7 (verify) must refuse every such layer, however the
/// thresholds went (every one of 200 seeds is an error).
// spec: ALG-DD-INIT
#[test]
fn a_layer_whose_pre_activations_overflow_is_refused() {
    let opts = DdOptions {
        peel: false,
        ..DdOptions::default()
    };
    let (err, ok, _) = outcomes(&col(&[1e308, 5e307]), 1, 1, &opts);
    assert_eq!((err, ok), (200, 0));
}
