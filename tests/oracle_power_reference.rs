//! The power of `check` (ALG-POWER) against an independent implementation
//! written from the spec alone: tests/reference/power_scipy.py (exact
//! fractions for the chain laws and the pooling partition, scipy's ncx2 and
//! chi2 for the tails; no code shared with the crate). Covers every kind of
//! deviation (q1 shifted both ways, the wrong bias mode, each layer one
//! narrower), partitions of one run (power 0), the non-monotone region of
//! 5,2,4 (n = 159, 170), the Bonferroni level alpha / m with m = 5 and 7
//! components, and mass on cells of H0 probability 0 (q1 = 0 against
//! q1 = 1/20 at width 6: power 1 - (19/20)^(6 n), closed form).
// spec: ALG-POWER

use relu_trainability::exact::{BiasMode, ChainSpec};
use relu_trainability::oracle::power::{power, sample_size, Deviation};
use relu_trainability::rational::parse_rational;

type Case = (
    &'static [usize],
    usize,
    &'static str,
    &'static [usize],
    usize,
    &'static str,
    u64,
    f64,
);

/// Printed by tests/reference/power_scipy.py (alpha = 1e-3).
#[rustfmt::skip]
const CASES: &[Case] = &[
    (&[8, 8, 8], 1, "1/2", &[8, 8, 8], 1, "11/20", 10, 0.000000000000000e+00),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 8], 1, "11/20", 30, 5.773527896766519e-03),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 8], 1, "11/20", 100, 6.971898821654153e-02),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 8], 1, "9/20", 10, 0.000000000000000e+00),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 8], 1, "9/20", 30, 5.773527896766519e-03),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 8], 1, "9/20", 100, 6.971898821654154e-02),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 8], 0, "1/2", 10, 0.000000000000000e+00),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 8], 0, "1/2", 30, 4.197616948222218e-02),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 8], 0, "1/2", 100, 7.043034800114375e-01),
    (&[8, 8, 8], 1, "1/2", &[7, 8, 8], 1, "1/2", 10, 0.000000000000000e+00),
    (&[8, 8, 8], 1, "1/2", &[7, 8, 8], 1, "1/2", 30, 1.440172575995826e-02),
    (&[8, 8, 8], 1, "1/2", &[7, 8, 8], 1, "1/2", 100, 1.986425725011002e-01),
    (&[8, 8, 8], 1, "1/2", &[8, 7, 8], 1, "1/2", 10, 0.000000000000000e+00),
    (&[8, 8, 8], 1, "1/2", &[8, 7, 8], 1, "1/2", 30, 9.999995567626012e-01),
    (&[8, 8, 8], 1, "1/2", &[8, 7, 8], 1, "1/2", 100, 1.000000000000000e+00),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 7], 1, "1/2", 17, 9.954617888373953e-01),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 7], 1, "1/2", 60, 9.900270665353297e-01),
    (&[8, 8, 8], 1, "1/2", &[8, 8, 7], 1, "1/2", 180, 1.000000000000000e+00),
    (&[5, 2, 4], 0, "1/2", &[4, 2, 4], 0, "1/2", 50, 1.431396981778260e-01),
    (&[5, 2, 4], 0, "1/2", &[4, 2, 4], 0, "1/2", 159, 9.014909185937787e-01),
    (&[5, 2, 4], 0, "1/2", &[4, 2, 4], 0, "1/2", 170, 9.012025490491521e-01),
    (&[4, 4, 4, 4], 1, "1/2", &[4, 4, 4, 4], 0, "1/2", 21, 1.406488895095890e-01),
    (&[4, 4, 4, 4], 1, "1/2", &[4, 4, 4, 4], 0, "1/2", 99, 9.999943087457418e-01),
    (&[6], 0, "0", &[6], 0, "1/20", 1, 2.649081093750000e-01),
    (&[6], 0, "0", &[6], 0, "1/20", 3, 6.027856815417814e-01),
    (&[6], 0, "0", &[6], 0, "1/20", 10, 9.539302010130479e-01),
];

fn spec(w: &[usize], beta: usize, q1: &str) -> ChainSpec {
    let b = if beta == 1 {
        BiasMode::Symmetric
    } else {
        BiasMode::Zero
    };
    ChainSpec::new(w.to_vec(), b, parse_rational(q1).unwrap()).unwrap()
}

#[test]
fn power_equals_an_independent_scipy_implementation() {
    for &(w0, b0, q0, w1, b1, q1, n, want) in CASES {
        let got = power(&spec(w0, b0, q0), &spec(w1, b1, q1), n, 1e-3).unwrap();
        // scipy's tails and ours (Poisson mixture of statrs tails) agree to
        // about 1e-12; the laws differ only by f64 rounding
        assert!(
            (got - want).abs() <= 1e-9,
            "{w0:?} {b0} {q0} vs {w1:?} {b1} {q1}, n = {n}: {got} != {want}"
        );
    }
    // the closed form of the point-mass case, 1 - (19/20)^(6 n)
    for n in [1u64, 3, 10] {
        let got = power(&spec(&[6], 0, "0"), &spec(&[6], 0, "1/20"), n, 1e-3).unwrap();
        let want = 1.0 - 0.95f64.powi(6 * n as i32);
        assert!((got - want).abs() <= 1e-12, "n = {n}: {got} != {want}");
    }
}

/// The deviations of the table are the alternatives above.
#[test]
fn deviations_build_the_alternatives_of_the_reference() {
    let h0 = spec(&[8, 8, 8], 1, "1/2");
    let q = |d: &str| {
        Deviation::Q1Shift(parse_rational(d).unwrap())
            .apply(&h0)
            .unwrap()
    };
    assert_eq!(q("1/20"), spec(&[8, 8, 8], 1, "11/20"));
    assert_eq!(q("-1/20"), spec(&[8, 8, 8], 1, "9/20"));
    assert_eq!(
        Deviation::WrongBias.apply(&h0).unwrap(),
        spec(&[8, 8, 8], 0, "1/2")
    );
    assert_eq!(
        Deviation::NarrowerLayer(1).apply(&h0).unwrap(),
        spec(&[7, 8, 8], 1, "1/2")
    );
    assert_eq!(
        Deviation::NarrowerLayer(3).apply(&h0).unwrap(),
        spec(&[8, 8, 7], 1, "1/2")
    );
    assert_eq!(
        Deviation::WrongBias.apply(&spec(&[6], 0, "0")).unwrap(),
        spec(&[6], 1, "0")
    );
    // shifts may reach 0 and 1 but not leave [0, 1]; a layer can be
    // narrowed when it exists and has at least two neurons
    assert_eq!(q("1/2"), spec(&[8, 8, 8], 1, "1"));
    assert_eq!(q("-1/2"), spec(&[8, 8, 8], 1, "0"));
    // refused by the deviation itself, naming the shift (the law's own
    // check of q1 would refuse too, without saying why q1 left [0, 1])
    for d in ["51/100", "-51/100"] {
        let e = Deviation::Q1Shift(parse_rational(d).unwrap())
            .apply(&h0)
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!("shifted by {d}")), "{e}");
    }
    for l in [0, 4] {
        assert!(Deviation::NarrowerLayer(l).apply(&h0).is_err(), "layer {l}");
    }
    let thin = spec(&[8, 1, 8], 1, "1/2");
    assert!(Deviation::NarrowerLayer(2).apply(&thin).is_err());
    assert_eq!(
        Deviation::NarrowerLayer(3).apply(&thin).unwrap(),
        spec(&[8, 1, 7], 1, "1/2")
    );
    // the alternative must have H0's depth and no wider layer (both
    // refused as input, each on its own)
    for alt in [
        spec(&[8, 8], 1, "1/2"),
        spec(&[8, 8, 8, 8], 1, "1/2"),
        spec(&[9, 8, 8], 1, "1/2"),
    ] {
        let e = power(&h0, &alt, 100, 1e-3).unwrap_err();
        assert!(
            e.to_string().contains("must have the depth"),
            "{:?}: {e}",
            alt.widths
        );
    }
}

/// Bad levels, sample counts and targets are refused at their boundaries
/// (alpha and the target in the open interval (0, 1), n >= 1); laws equal
/// to within 1e-12 in total variation are undetectable whatever the
/// target, even a target below alpha, which a test of equal laws reaches
/// by its false alarms alone.
// spec: ALG-POWER
#[test]
fn refusals_and_undetectable_alternatives() {
    let (h0, alt) = (spec(&[8, 8, 8], 1, "1/2"), spec(&[8, 8, 8], 0, "1/2"));
    for alpha in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert!(power(&h0, &alt, 10, alpha).is_err(), "alpha {alpha}");
        assert!(sample_size(&h0, &alt, alpha, 0.9).is_err(), "alpha {alpha}");
    }
    assert!(power(&h0, &alt, 0, 1e-3).is_err());
    assert!(power(&h0, &alt, 1, 1e-300).unwrap() >= 0.0);
    for target in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert!(
            sample_size(&h0, &alt, 1e-3, target).is_err(),
            "target {target}"
        );
    }
    // one hidden layer: the law of K_1 does not depend on the bias mode
    let one = spec(&[6], 0, "1/2");
    for target in [1e-4, 0.5, 0.9] {
        assert_eq!(
            sample_size(&one, &spec(&[6], 1, "1/2"), 1e-3, target).unwrap(),
            None
        );
        // q1 shifted by 1e-15: total variation about 1e-13
        let near = spec(&[6], 0, "500000000000001/1000000000000000");
        assert_eq!(
            sample_size(&one, &near, 1e-3, target).unwrap(),
            None,
            "{target}"
        );
    }
}
