//! `check_samples` accepts samples of the chain drawn by an independent
//! coin-flip sampler and rejects wrong laws at the power ALG-POWER computes.
// spec: ALG-CHECK, ALG-POWER, THM-CHAIN, THM-ACTIVE-BOUND

mod oracle_support;

use num_rational::BigRational;
use oracle_support::{sample_counts, sample_many};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::exact::{BiasMode, ChainSpec};
use relu_trainability::oracle::check::{check_samples, check_samples_with, CheckReport, Kind};
use relu_trainability::oracle::power::{power, sample_size, Deviation};
use relu_trainability::stats::gof::PValues;

fn spec(w: &[usize], b: BiasMode, q1: &str) -> ChainSpec {
    ChainSpec::parse(w.to_vec(), b, q1).unwrap()
}

fn q1f(s: &ChainSpec) -> f64 {
    relu_trainability::rational::to_f64(&s.q1)
}

/// `check_samples` with the exact enumeration (ALG-GOF-EXACT) limited to
/// 5e5 nodes per check (a CPU budget of 1 s): the replicated checks below
/// then take milliseconds each, with exact p-values for the components that
/// fit and the chi-square approximation for the others.
fn check_quick(s: &ChainSpec, rows: &[Vec<usize>], kind: Kind, alpha: f64) -> CheckReport {
    use relu_trainability::limits::{with, Limits, DEFAULT};
    with(
        Limits {
            max_seconds: 1.0,
            ..DEFAULT
        },
        || check_samples(s, rows, kind, alpha).unwrap(),
    )
}

fn draw(s: &ChainSpec, n: usize, seed: u64) -> Vec<Vec<usize>> {
    sample_many(&s.widths, s.bias.beta(), q1f(s), n, seed)
}

fn cases() -> Vec<ChainSpec> {
    vec![
        spec(&[8, 8, 8], BiasMode::Zero, "1/2"),
        spec(&[5, 2, 4], BiasMode::Symmetric, "1/3"),
        spec(&[3, 3, 3], BiasMode::Zero, "0"),
        spec(&[1, 1], BiasMode::Symmetric, "1/4"),
        spec(&[6], BiasMode::Zero, "1/4"),
        spec(&[4, 4, 4, 4, 4, 4], BiasMode::Symmetric, "1/2"),
    ]
}

/// Samples of the right law are accepted at nominal alpha = 1e-6 per check
/// (true false-alarm rate a small multiple of that, ALG-GOF calibration).
#[test]
fn accepts_the_exact_law() {
    for (i, s) in cases().iter().enumerate() {
        let r = check_quick(s, &draw(s, 3000, 100 + i as u64), Kind::NonPd, 1e-6);
        assert!(
            !r.reject,
            "{:?}: p = {:?} ({:?})",
            s.widths, r.overall_p_value, r.tests
        );
        let r = check_samples(s, &draw(s, 3000, 200 + i as u64), Kind::Active, 1e-6).unwrap();
        assert!(
            !r.reject,
            "active {:?}: p = {:?}",
            s.widths, r.overall_p_value
        );
    }
}

/// The whole check keeps its level: over 400 replications at alpha = 0.05
/// the number of rejections stays below 42, the 1e-6 upper quantile of
/// Binomial(400, 0.05) (Bonferroni makes the test conservative).
#[test]
fn false_alarm_rate_is_at_most_alpha() {
    let s = spec(&[5, 2, 4], BiasMode::Symmetric, "1/3");
    let rej = (0..400)
        .filter(|&i| check_quick(&s, &draw(&s, 400, 10_000 + i), Kind::NonPd, 0.05).reject)
        .count();
    assert!(rej <= 42, "{rej} false alarms out of 400 at alpha 0.05");
}

/// Companion: wrong laws are rejected (large samples, alpha = 1e-6).
#[test]
fn rejects_wrong_laws() {
    let h0 = spec(&[8, 8, 8], BiasMode::Zero, "1/2");
    for (k, dev) in [
        Deviation::Q1Shift(BigRational::new(1.into(), 20.into())),
        Deviation::WrongBias,
        Deviation::NarrowerLayer(1),
        Deviation::NarrowerLayer(3),
    ]
    .iter()
    .enumerate()
    {
        let alt = dev.apply(&h0).unwrap();
        let r = check_quick(&h0, &draw(&alt, 3000, 300 + k as u64), Kind::NonPd, 1e-6);
        assert!(
            r.reject,
            "{dev:?} not rejected: p = {:?}",
            r.overall_p_value
        );
    }
}

/// Counts drawn independently from the exact marginals (columns shuffled
/// across networks) have exactly the right marginals; the transition tests
/// of consecutive layers catch them.
#[test]
fn transition_tests_catch_right_marginals_wrong_chain() {
    let s = spec(&[4, 4, 4], BiasMode::Zero, "1/4");
    let mut samples = draw(&s, 4000, 17);
    let mut rng = ChaCha8Rng::seed_from_u64(18);
    for l in 0..3 {
        let mut col: Vec<usize> = samples.iter().map(|r| r[l]).collect();
        col.shuffle(&mut rng);
        samples.iter_mut().zip(col).for_each(|(r, v)| r[l] = v);
    }
    let r = check_samples(&s, &samples, Kind::NonPd, 1e-6).unwrap();
    assert!(r.reject, "p = {:?}", r.overall_p_value);
    assert!(r
        .tests
        .iter()
        .filter(|t| t.test == "marginal")
        .all(|t| t.log10_p() > -6.0));
    assert!(r
        .tests
        .iter()
        .any(|t| t.test == "transition" && t.log10_p() < (1e-6f64 / 5.0).log10()));
}

/// Active counts below the non-PD counts (each non-PD neuron active with
/// probability 0.7) pass the one-sided test; counts above it (q1 too small
/// in the implementation) fail it.
#[test]
fn active_kind_is_one_sided() {
    let s = spec(&[6, 6, 6], BiasMode::Symmetric, "1/2");
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let thinned: Vec<Vec<usize>> = draw(&s, 3000, 4)
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|k| {
                    (0..k)
                        .filter(|_| rand::Rng::gen_bool(&mut rng, 0.7))
                        .count()
                })
                .collect()
        })
        .collect();
    assert!(
        !check_samples(&s, &thinned, Kind::Active, 1e-6)
            .unwrap()
            .reject
    );
    let too_many = draw(&spec(&[6, 6, 6], BiasMode::Symmetric, "1/4"), 3000, 5);
    assert!(
        check_samples(&s, &too_many, Kind::Active, 1e-6)
            .unwrap()
            .reject
    );
}

/// Degenerate components are reported: with q1 = 0 the first layer is a
/// point mass (K_1 = N_1), and with 3 samples every law pools into one cell.
/// The warnings are compared whole (a substring such as "layer 1" would
/// also match "layer 10"), on a net whose layer numbers all differ in the
/// warnings' text.
#[test]
fn degenerate_components_are_reported() {
    let s = spec(&[3, 3], BiasMode::Zero, "0");
    let r = check_samples(&s, &draw(&s, 2000, 9), Kind::NonPd, 1e-3).unwrap();
    assert_eq!(
        r.warnings,
        vec![
            "marginal test of layer 1: every cell pooled into one (2000 samples; a point-mass law \
             or too few samples), so it only detects impossible counts"
                .to_string()
        ]
    );
    let r = check_samples(&s, &draw(&s, 3, 9), Kind::NonPd, 1e-3).unwrap();
    let layers: Vec<(&str, usize)> = r.tests.iter().map(|t| (t.test, t.layer)).collect();
    assert_eq!(
        layers,
        vec![("marginal", 1), ("marginal", 2), ("transition", 2)]
    );
    let expected: Vec<String> = layers
        .iter()
        .map(|(t, l)| {
            format!(
                "{t} test of layer {l}: every cell pooled into one (3 samples; a point-mass law or \
                 too few samples), so it only detects impossible counts"
            )
        })
        .collect();
    assert_eq!(r.warnings, expected);
    assert!(!r.reject);
    // an impossible count still rejects with p = 0 exactly: K_1 < N_1 when q1 = 0
    let r = check_samples(&s, &[vec![2, 2]], Kind::NonPd, 1e-3).unwrap();
    assert!(r.reject);
    assert_eq!(r.overall_p_value, Some(0.0));
    assert_eq!(r.overall_p_value_log10, None);
    assert_eq!(
        r.warnings,
        vec![
            "layer 1 count 2 is impossible: with q1 = 0 (the default of --q1) every first-layer \
             neuron is non-PD, K_1 = N_1 = 3; check --q1"
                .to_string(),
            "marginal test of layer 2: every cell pooled into one (1 samples; a point-mass law or \
             too few samples), so it only detects impossible counts"
                .to_string()
        ]
    );
}

/// ALG-CHECK "impossible counts" (issue: a p-value that underflowed was
/// reported as "probability 0" and blamed on --q1). Widths 4,4, symmetric
/// bias, q1 = 0: K_1 = 4 always and K_2 ~ Bin(4, 31/32); rows (4, k) with
/// k ~ Bin(4, 0.85) are all possible, so no "impossible" warning, and the
/// p-values are tiny but positive: reported in log10 with the f64 field
/// null. Closed form for dof 2: P(chi2_2 >= x) = exp(-x/2).
#[test]
fn underflowing_p_values_are_not_impossible_counts() {
    let s = spec(&[4, 4], BiasMode::Symmetric, "0");
    let mut rng = ChaCha8Rng::seed_from_u64(85);
    let rows: Vec<Vec<usize>> = (0..2000)
        .map(|_| {
            let k = (0..4)
                .filter(|_| rand::Rng::gen_bool(&mut rng, 0.85))
                .count();
            vec![4, k]
        })
        .collect();
    // the exact p-values (ALG-GOF-EXACT): the pooled cell k <= 2 of layer 2
    // has probability about 0.0055 (expected 11 of 2000) and about 220 are
    // observed; its count alone reaching ~274 makes X^2 >= 6300, whose
    // Chernoff exponent 2000 KL(0.137 || 0.0055) = 636 nats = 10^-276: the
    // exact tail is near 10^-280, a thousand orders of magnitude above the
    // chi-square tail (below), which is far too small here
    let exact = check_samples(&s, &rows, Kind::NonPd, 1e-3).unwrap();
    assert!(exact.reject);
    for t in &exact.tests[1..] {
        assert_eq!(t.p_value_method, "exact", "{t:?}");
        let l = t.p_value_log10.unwrap();
        assert!(l > -320.0 && l < -150.0, "{t:?}");
    }
    let r = check_samples_with(&s, &rows, Kind::NonPd, 1e-3, PValues::Asymptotic).unwrap();
    assert!(r.reject);
    assert!(
        r.warnings.iter().all(|w| !w.contains("is impossible")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings.iter().all(|w| !w.contains("--q1")),
        "{:?}",
        r.warnings
    );
    for t in &r.tests[1..] {
        assert_eq!(t.dof, Some(2), "{t:?}");
        let x = t.statistic.unwrap();
        assert!(x > 1500.0, "{t:?}");
        assert_eq!(t.p_value, None, "{t:?}");
        let want = -x / 2.0 / std::f64::consts::LN_10;
        let got = t.p_value_log10.unwrap();
        assert!((got - want).abs() < 1e-9 * want.abs(), "{got} vs {want}");
    }
    let want = (3f64).log10() + r.tests[1].log10_p().min(r.tests[2].log10_p());
    assert!((r.overall_log10_p() - want).abs() < 1e-9 * want.abs());
    assert_eq!(r.overall_p_value, None);
    // a count of probability 2^-20 > 0 (K_2 = 0 from K_1 = 4, beta = 1) is
    // possible: no impossible-count warning however few samples
    let r = check_samples(&s, &[vec![4, 0]], Kind::NonPd, 1e-3).unwrap();
    assert!(
        r.warnings.iter().all(|w| !w.contains("is impossible")),
        "{:?}",
        r.warnings
    );
    // impossible pair (0, k > 0) is reported without blaming q1
    let s = spec(&[3, 3], BiasMode::Zero, "1/2");
    let r = check_samples(&s, &[vec![0, 1], vec![2, 2]], Kind::NonPd, 1e-3).unwrap();
    assert!(r.reject);
    assert_eq!(r.overall_p_value, Some(0.0));
    assert_eq!(
        r.warnings
            .iter()
            .filter(|w| w.contains("are impossible"))
            .cloned()
            .collect::<Vec<_>>(),
        vec![
            "layers 1 and 2: counts (0, 1) are impossible under every law of THM-CHAIN (when no \
              neuron of layer 1 is non-PD, every neuron of layer 2 is PD); check how the \
              implementation counts PD neurons"
                .to_string()
        ]
    );
}

#[test]
fn bad_input() {
    let s = spec(&[3, 3], BiasMode::Zero, "1/2");
    assert!(check_samples(&s, &[], Kind::NonPd, 1e-3).is_err());
    assert!(check_samples(&s, &[vec![1, 2, 3]], Kind::NonPd, 1e-3).is_err());
    assert!(check_samples(&s, &[vec![1, 4]], Kind::NonPd, 1e-3).is_err());
    assert!(check_samples(&s, &[vec![1, 1]], Kind::NonPd, 0.0).is_err());
    assert!(check_samples(&s, &[vec![1, 1]], Kind::NonPd, f64::NAN).is_err());
    // alpha = 1 would reject every sample: refused, as is anything outside (0, 1)
    for a in [1.0, 1.0 + 1e-15, -1e-300, f64::INFINITY] {
        assert!(
            check_samples(&s, &[vec![1, 1]], Kind::NonPd, a).is_err(),
            "{a}"
        );
        assert!(
            check_samples(&s, &[vec![1, 1]], Kind::Active, a).is_err(),
            "{a}"
        );
    }
    // just inside (0, 1) is accepted
    assert!(check_samples(&s, &[vec![1, 1]], Kind::NonPd, 1.0 - 1e-12).is_ok());
}

/// The documented power holds: with the sample size ALG-POWER gives for
/// power 0.9 at alpha = 1e-3, at least 158 of 200 simulated checks reject
/// (P(Binomial(200, 0.9) < 158) < 1e-6). Also the power function is
/// increasing on these cases and the bias mode of a one-layer net is
/// undetectable.
#[test]
fn documented_power_is_achieved() {
    let h0 = spec(&[8, 8, 8], BiasMode::Zero, "1/2");
    for (k, dev) in [
        Deviation::Q1Shift(BigRational::new((-1).into(), 20.into())),
        Deviation::WrongBias,
        Deviation::NarrowerLayer(1),
        Deviation::NarrowerLayer(2),
    ]
    .iter()
    .enumerate()
    {
        let alt = dev.apply(&h0).unwrap();
        let n = sample_size(&h0, &alt, 1e-3, 0.9).unwrap().unwrap();
        let rej = (0..200u64)
            .filter(|&i| {
                check_quick(
                    &h0,
                    &draw(&alt, n as usize, 1000 * (k as u64 + 1) + i),
                    Kind::NonPd,
                    1e-3,
                )
                .reject
            })
            .count();
        eprintln!("{}: n = {n}, empirical power {}/200", dev.label(), rej);
        assert!(
            rej >= 158,
            "{}: n = {n}, only {rej}/200 rejections",
            dev.label()
        );
        assert!(power(&h0, &alt, n, 1e-3).unwrap() >= 0.9);
    }
    let one = spec(&[8], BiasMode::Zero, "1/2");
    assert_eq!(
        sample_size(&one, &Deviation::WrongBias.apply(&one).unwrap(), 1e-3, 0.9).unwrap(),
        None
    );
}

#[test]
fn sampler_is_deterministic() {
    let mut a = ChaCha8Rng::seed_from_u64(1);
    let mut b = ChaCha8Rng::seed_from_u64(1);
    assert_eq!(
        sample_counts(&[5, 5], 1, 0.5, &mut a),
        sample_counts(&[5, 5], 1, 0.5, &mut b)
    );
}

/// Every component test (marginals and transitions) keeps its level on its
/// own, not only the Bonferroni combination: under H0, over 1000
/// replications (400 networks each), the empirical CDF F of each
/// component's p-values never exceeds the uniform CDF by more than the
/// one-sided DKW-Massart bound at alpha = 1e-6 (sup_a F(a) - a <=
/// sqrt(ln(1e6) / 2000) = 0.083). One-sided because the p-values of a
/// chi-square test of a 3-cell law sit on a coarse lattice: only a liberal
/// test (F(a) > a) would be a defect. The largest two-sided distance is
/// also bounded (DKW two-sided, 1e-6) to catch gross miscalibration.
#[test]
fn component_p_values_valid_under_h0() {
    use relu_trainability::stats::ks::{dkw_threshold, ks_uniform_distance};
    let s = spec(&[5, 2, 4], BiasMode::Symmetric, "1/3");
    let reps = component_p_values(&s, &s, 1000, 50_000);
    let n = reps.len() as f64;
    let one_sided = ((1e6f64).ln() / (2.0 * n)).sqrt();
    let two_sided = dkw_threshold(reps.len(), 1e-6);
    for c in 0..reps[0].len() {
        let mut ps: Vec<f64> = reps.iter().map(|r| r[c]).collect();
        ps.sort_by(f64::total_cmp);
        let excess = liberal_excess(&ps);
        let d = ks_uniform_distance(&ps).unwrap();
        eprintln!("component {c}: sup F(a) - a = {excess:.4} (bound {one_sided:.4}), KS {d:.4}");
        assert!(
            excess < one_sided,
            "component {c} is liberal: sup F(a) - a = {excess}"
        );
        assert!(
            d < two_sided,
            "component {c}: KS distance {d} >= {two_sided}"
        );
    }
}

/// p-values of every component over `reps` checks of 400 networks drawn
/// from `draw_from` against the claim `claim`.
fn component_p_values(
    claim: &ChainSpec,
    draw_from: &ChainSpec,
    reps: u64,
    seed: u64,
) -> Vec<Vec<f64>> {
    (0..reps)
        .map(|i| {
            let r = check_quick(claim, &draw(draw_from, 400, seed + i), Kind::NonPd, 0.05);
            r.tests.iter().map(|t| t.p_value.unwrap()).collect()
        })
        .collect()
}

/// sup_a F(a) - a of the empirical CDF F of sorted p-values.
fn liberal_excess(sorted: &[f64]) -> f64 {
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &p)| (i + 1) as f64 / n - p)
        .fold(f64::MIN, f64::max)
}

/// Companion of component_p_values_valid_under_h0: the same one-sided DKW
/// criterion (alpha = 1e-6) flags the components when the counts come from
/// a wrong law (q1 = 1/3 + 1/20 claimed as 1/3; 300 replications), so the
/// calibration test can fail. Both marginal of layer 1 and the first
/// transition see the shift.
#[test]
fn component_p_value_criterion_rejects_a_wrong_law() {
    let claim = spec(&[5, 2, 4], BiasMode::Symmetric, "1/3");
    let wrong = spec(&[5, 2, 4], BiasMode::Symmetric, "23/60");
    let reps = component_p_values(&claim, &wrong, 300, 70_000);
    let bound = ((1e6f64).ln() / (2.0 * reps.len() as f64)).sqrt();
    let flagged: Vec<usize> = (0..reps[0].len())
        .filter(|&c| {
            let mut ps: Vec<f64> = reps.iter().map(|r| r[c]).collect();
            ps.sort_by(f64::total_cmp);
            let e = liberal_excess(&ps);
            eprintln!("wrong law, component {c}: sup F(a) - a = {e:.4} (bound {bound:.4})");
            e > bound
        })
        .collect();
    assert!(
        flagged.contains(&0),
        "layer-1 marginal not flagged: {flagged:?}"
    );
}

/// The active check's sample size (exact binomial tails, ALG-POWER) is
/// achieved: at the n for power 0.9, at least 158 of 200 simulated active
/// checks of counts from the non-PD law of the deviating network reject
/// (P(Binomial(200, 0.9) < 158) < 1e-6). Deviations that only lower the
/// counts are reported undetectable.
#[test]
fn active_power_is_achieved() {
    use relu_trainability::oracle::power_active::{active_power, active_sample_size};
    let h0 = spec(&[8, 8, 8], BiasMode::Zero, "1/2");
    for (k, dev) in [
        Deviation::Q1Shift(BigRational::new((-1).into(), 20.into())),
        Deviation::WrongBias,
    ]
    .iter()
    .enumerate()
    {
        let alt = dev.apply(&h0).unwrap();
        let n = active_sample_size(&h0, &alt, 1e-3, 0.9).unwrap().unwrap();
        assert!(active_power(&h0, &alt, n, 1e-3).unwrap() >= 0.9);
        assert!(active_power(&h0, &alt, n - 1, 1e-3).unwrap() < 0.9 || n == 1);
        let rej = (0..200u64)
            .filter(|&i| {
                let s = draw(&alt, n as usize, 7000 * (k as u64 + 1) + i);
                check_samples(&h0, &s, Kind::Active, 1e-3).unwrap().reject
            })
            .count();
        eprintln!(
            "active, {}: n = {n}, empirical power {rej}/200",
            dev.label()
        );
        assert!(rej >= 158, "{}: n = {n}, only {rej}/200", dev.label());
    }
    for dev in [
        Deviation::Q1Shift(BigRational::new(1.into(), 20.into())),
        Deviation::NarrowerLayer(2),
    ] {
        let alt = dev.apply(&h0).unwrap();
        assert_eq!(
            active_sample_size(&h0, &alt, 1e-3, 0.9).unwrap(),
            None,
            "{dev:?}"
        );
    }
}

/// The exact power of the active check equals brute force: for a one-layer
/// net of width 3 (claimed q1 = 1/2, counts from q1 = 1/4), summing the
/// multinomial probability of every histogram of n = 25 counts on which
/// `check_samples` itself rejects gives `active_power` (1e-12), which is
/// above the single-threshold bound.
#[test]
fn active_power_equals_brute_force() {
    use relu_trainability::oracle::power_active::{active_power, active_power_threshold_bound};
    use statrs::function::factorial::ln_factorial;
    let h0 = spec(&[3], BiasMode::Zero, "1/2");
    let alt = spec(&[3], BiasMode::Zero, "1/4");
    let p1: Vec<f64> = (0..=3u64)
        .map(|k| {
            let c = [1.0, 3.0, 3.0, 1.0][k as usize];
            c * 0.25f64.powi(3 - k as i32) * 0.75f64.powi(k as i32)
        })
        .collect();
    let n = 25u64;
    for alpha in [0.05, 1e-3] {
        let mut brute = 0.0;
        for a in 0..=n {
            for b in 0..=n - a {
                for c in 0..=n - a - b {
                    let d = n - a - b - c;
                    let h = [a, b, c, d];
                    let rows: Vec<Vec<usize>> = h
                        .iter()
                        .enumerate()
                        .flat_map(|(k, &cnt)| std::iter::repeat_n(vec![k], cnt as usize))
                        .collect();
                    if check_samples(&h0, &rows, Kind::Active, alpha)
                        .unwrap()
                        .reject
                    {
                        let lp = ln_factorial(n)
                            + h.iter()
                                .zip(&p1)
                                .map(|(&x, p)| x as f64 * p.ln() - ln_factorial(x))
                                .sum::<f64>();
                        brute += lp.exp();
                    }
                }
            }
        }
        let dp = active_power(&h0, &alt, n, alpha).unwrap();
        let bound = active_power_threshold_bound(&h0, &alt, n, alpha).unwrap();
        eprintln!(
            "alpha {alpha}: brute force {brute}, exact program {dp}, threshold bound {bound}"
        );
        assert!((dp - brute).abs() < 1e-12, "{dp} vs {brute}");
        assert!(bound <= dp + 1e-15);
    }
}

/// ALG-CHECK impossible counts, explained per layer by the rule that makes
/// them impossible (hand-derived from THM-CHAIN): q1 = 0 forces K_1 = N_1;
/// q1 = 1 forces K_1 = 0 and then K_l = 0 for every later layer. Depth 1
/// has no transition test, so the marginal explanation is the only one.
// spec: ALG-CHECK
#[test]
fn impossible_marginal_counts_are_explained_by_their_own_rule() {
    let only_impossible = |r: &relu_trainability::oracle::check::CheckReport| -> Vec<String> {
        r.warnings
            .iter()
            .filter(|w| w.contains("is impossible"))
            .cloned()
            .collect()
    };
    // depth 1, q1 = 0: K_1 = 2 < N_1 = 3
    let s = spec(&[3], BiasMode::Zero, "0");
    let r = check_samples(&s, &[vec![3], vec![2]], Kind::NonPd, 1e-3).unwrap();
    assert!(r.reject);
    assert_eq!(
        only_impossible(&r),
        vec![
            "layer 1 count 2 is impossible: with q1 = 0 (the default of --q1) every first-layer \
              neuron is non-PD, K_1 = N_1 = 3; check --q1"
                .to_string()
        ]
    );
    // q1 = 1, layer 2: K_1 = 0 observed (possible), K_2 = 1 is not
    let s = spec(&[2, 2], BiasMode::Zero, "1");
    let r = check_samples(&s, &[vec![0, 1]], Kind::NonPd, 1e-3).unwrap();
    assert!(r.reject);
    let notes = only_impossible(&r);
    assert_eq!(
        notes.first().map(String::as_str),
        Some(
            "layer 2 count 1 is impossible: with q1 = 1 every first-layer neuron is PD, so every \
             later layer is PD too (K_l = 0); check --q1"
        ),
        "{notes:?}"
    );
    // q1 = 1, layer 1: K_1 = 1 > 0 is impossible by the q1 = 1 rule
    let s1 = spec(&[2], BiasMode::Zero, "1");
    let r = check_samples(&s1, &[vec![1]], Kind::NonPd, 1e-3).unwrap();
    assert_eq!(
        only_impossible(&r),
        vec![
            "layer 1 count 1 is impossible: with q1 = 1 every first-layer neuron is PD, so \
              every later layer is PD too (K_l = 0); check --q1"
                .to_string()
        ]
    );
    // a possible sample has no such note
    let r = check_samples(&s, &[vec![0, 0]], Kind::NonPd, 1e-3).unwrap();
    assert!(only_impossible(&r).is_empty(), "{:?}", r.warnings);
}

/// ALG-CHECK cost: the joint (pair) laws exist only for non-PD counts, so
/// only they are refused for a pair table above MAX_PAIR_CELLS; the active
/// check of the same widths needs only the marginals (4501 + 4501 cells).
// spec: ALG-CHECK
#[test]
fn pair_table_cost_applies_to_non_pd_counts_only() {
    use relu_trainability::oracle::laws::MAX_PAIR_CELLS;
    let s = spec(&[4500, 4500], BiasMode::Zero, "1/2");
    assert!(4501 * 4501 > MAX_PAIR_CELLS);
    let rows = vec![vec![2250, 2000]; 3];
    let e = check_samples(&s, &rows, Kind::NonPd, 1e-3)
        .unwrap_err()
        .to_string();
    assert!(e.contains("joint laws of consecutive layers"), "{e}");
    let r = check_samples(&s, &rows, Kind::Active, 1e-3);
    assert!(r.is_ok(), "{:?}", r.err().map(|e| e.to_string()));
}

/// ALG-CHECK decision rule, by the spec's definitions only: reject iff the
/// printed overall p-value (Bonferroni, m * min p) is below alpha (strict),
/// and the deviations listed are exactly the components with m * p_t < alpha
/// (strict). The component p-values do not depend on alpha, so alpha is set
/// at the boundaries after one run: the overall p itself, the next f64 above
/// it, and between and at the Bonferroni thresholds of the two smallest
/// components.
// spec: ALG-CHECK
#[test]
fn rejection_and_deviations_follow_the_bonferroni_rule_at_its_boundaries() {
    let s = spec(&[3, 3], BiasMode::Zero, "1/2");
    // samples from q1 = 0.3 instead of 1/2: layer 1 is far off, layer 2 and
    // the transition less so
    let rows = sample_many(&s.widths, 0, 0.3, 300, 11);
    let base = check_samples(&s, &rows, Kind::NonPd, 0.5).unwrap();
    let m = base.tests.len();
    assert_eq!(m, 3);
    let mut ps: Vec<(f64, String)> = base
        .tests
        .iter()
        .map(|t| (t.p_value_log10.unwrap(), format!("{} {}", t.test, t.layer)))
        .collect();
    ps.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (p1, p2) = (10f64.powf(ps[0].0), 10f64.powf(ps[1].0));
    // non-vacuity: the smallest is far below the second, the second well
    // inside (0, 1/m) so that alpha can sit between its two thresholds
    assert!(
        p1 * (m as f64) < p2 / 10.0 && p2 * (m as f64) < 0.5,
        "{ps:?}"
    );
    let listed = |alpha: f64| -> (bool, Vec<String>) {
        let r = check_samples(&s, &rows, Kind::NonPd, alpha).unwrap();
        let mut d: Vec<String> = r
            .deviations
            .iter()
            .map(|d| format!("{} {}", d.test, d.layer))
            .collect();
        d.sort();
        (r.reject, d)
    };
    let overall = base.overall_p_value.unwrap();
    assert!(overall > 0.0 && overall < 0.5);
    assert_eq!(
        listed(overall),
        (false, vec![]),
        "alpha = the p-value itself"
    );
    assert!(listed(overall.next_up()).0, "alpha just above the p-value");
    // alpha in (p2, m p2): p2 is significant alone, not after Bonferroni
    let alpha = p2 * (m as f64).sqrt();
    assert_eq!(listed(alpha), (true, vec![ps[0].1.clone()]));
    // alpha at p2's Bonferroni threshold exactly (in the log form the rule is
    // evaluated in): strict, so p2 is not listed; just above, it is
    let x = ps[1].0 + (m as f64).log10();
    let mut at = 10f64.powf(x);
    for _ in 0..8 {
        if at.log10() < x {
            at = at.next_up();
        } else if at.log10() > x {
            at = at.next_down();
        }
    }
    assert_eq!(at.log10(), x, "no f64 alpha has log10 exactly m p2's");
    assert_eq!(listed(at), (true, vec![ps[0].1.clone()]), "alpha at m p2");
    let mut above = at.next_up();
    while above.log10() <= x {
        above = above.next_up();
    }
    let mut both = vec![ps[0].1.clone(), ps[1].1.clone()];
    both.sort();
    assert_eq!(listed(above), (true, both), "alpha above m p2");
}

/// ALG-CHECK deviation report, every number derived by hand from THM-CHAIN
/// (spec/50-oracle.md, "deviations"). Widths 2, 2.
/// Zero bias, q1 = 1/2: K_1 ~ Bin(2, 1/2), mean 1, variance 1/2;
/// K_2 | K_1 = p ~ Bin(2, 1 - 2^-p) (0 for p = 0), so E[K_2] = 7/8 and
/// E[K_2^2] = (1/2)(1/2 + 1) + (1/4)(3/8 + 9/4) = 45/32, Var(K_2) = 41/64.
/// Symmetric bias: K_2 | p ~ Bin(2, 1 - 2^-(p+1)) for p >= 1, 0 for p = 0.
// spec: ALG-CHECK
#[test]
fn deviation_numbers_are_the_hand_derived_ones() {
    use relu_trainability::oracle::explain::Deviation;
    let close = |got: f64, want: f64, what: &str| {
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "{what}: {got} vs {want}"
        );
    };
    let find = |ds: &[Deviation], test: &str, layer: usize| -> Deviation {
        ds.iter()
            .find(|d| d.test == test && d.layer == layer)
            .unwrap_or_else(|| panic!("no {test} deviation at layer {layer}"))
            .clone()
    };
    let n = 1600.0;
    // 1. zero bias, every sample (2, 0): all three components deviate
    let s = spec(&[2, 2], BiasMode::Zero, "1/2");
    let rows = vec![vec![2, 0]; 1600];
    let r = check_samples(&s, &rows, Kind::NonPd, 1e-3).unwrap();
    assert!(r.reject);
    let m1 = find(&r.deviations, "marginal", 1);
    close(m1.mean_observed, 2.0, "marginal 1 mean");
    close(m1.mean_expected, 1.0, "marginal 1 expected mean");
    close(m1.z, 1.0 / (0.5f64 / n).sqrt(), "marginal 1 z");
    assert_eq!(m1.direction, "too_many");
    // contributions (O - E)^2 / E: K_1 = 2: (1600 - 400)^2 / 400 = 3600,
    // K_1 = 1: 800, K_1 = 0: 400
    let cells: Vec<(&str, u64, f64)> = m1
        .top_cells
        .iter()
        .map(|c| (c.cells.as_str(), c.observed, c.expected))
        .collect();
    assert_eq!(
        cells,
        vec![
            ("K_1 = 2", 1600, 400.0),
            ("K_1 = 1", 0, 800.0),
            ("K_1 = 0", 0, 400.0)
        ]
    );
    close(
        m1.top_cells[0].contribution.unwrap(),
        3600.0,
        "contribution",
    );
    let m2 = find(&r.deviations, "marginal", 2);
    close(m2.mean_expected, 7.0 / 8.0, "marginal 2 expected mean");
    close(
        m2.z,
        -(7.0 / 8.0) / (41.0 / 64.0 / n).sqrt(),
        "marginal 2 z",
    );
    assert_eq!(m2.direction, "too_few");
    let t2 = find(&r.deviations, "transition", 2);
    // E[K_2 | K_1 = 2] = 2 (3/4) = 3/2, Var = 2 (3/4)(1/4) = 3/8 per sample
    close(t2.mean_observed, 0.0, "transition mean");
    close(t2.mean_expected, 1.5, "transition expected mean");
    close(t2.z, -1.5 / ((3.0 / 8.0) * n).sqrt() * n, "transition z");
    // the cell (2, 0): n P(K_1 = 2) P(K_2 = 0 | 2) = 1600 / 64 = 25 expected
    let c = &t2.top_cells[0];
    assert_eq!(
        (c.cells.as_str(), c.observed),
        ("(K_1, K_2) = (2, 0)", 1600)
    );
    close(c.expected, 25.0, "pair cell expected");
    close(
        c.contribution.unwrap(),
        (1600.0f64 - 25.0).powi(2) / 25.0,
        "pair contribution",
    );
    // 2. symmetric bias, half the samples (0, 0), half (2, 0): the transition
    // averages E[K_2 | p] = 0 (p = 0) and 2 (7/8) (p = 2); variances 0 and
    // 2 (7/8)(1/8) = 7/32
    let s = spec(&[2, 2], BiasMode::Symmetric, "1/2");
    let mut rows = vec![vec![0, 0]; 800];
    rows.extend(vec![vec![2, 0]; 800]);
    let r = check_samples(&s, &rows, Kind::NonPd, 1e-3).unwrap();
    let t2 = find(&r.deviations, "transition", 2);
    close(
        t2.mean_expected,
        0.875,
        "symmetric transition expected mean",
    );
    close(
        t2.z,
        -0.875 / (800.0f64 * 7.0 / 32.0).sqrt() * n,
        "symmetric transition z",
    );
    assert_eq!(t2.direction, "too_few");
    // 3. active counts, every sample (2, 2): the dominance thresholds with
    // the smallest p-values are K_l >= 2, with expected n P(K_1 >= 2) = 400
    // and n P(K_2 >= 2) = n ((1/2)(1/4) + (1/4)(9/16)) = 425
    let s = spec(&[2, 2], BiasMode::Zero, "1/2");
    let rows = vec![vec![2, 2]; 1600];
    let r = check_samples(&s, &rows, Kind::Active, 1e-3).unwrap();
    for (layer, expected) in [(1, 400.0), (2, 425.0)] {
        let d = find(&r.deviations, "dominance", layer);
        assert_eq!(d.top_cells.len(), 1);
        let c = &d.top_cells[0];
        assert_eq!(
            (c.cells.clone(), c.observed),
            (format!("K_{layer} >= 2"), 1600)
        );
        close(c.expected, expected, "dominance expected");
        assert_eq!(c.contribution, None);
        assert_eq!(d.direction, "too_many");
    }
}

// spec: ALG-CHECK-EXPLAIN (contributions (O - E)^2 / E of the pooled
// groups; the degenerate groups by hand: no samples at all gives 0 for
// every group, samples in a group of expected 0 give an infinite share)
#[test]
fn contributions_of_degenerate_groups_by_hand() {
    use relu_trainability::oracle::explain::top_contributions;
    let label = |a: usize, b: usize| format!("{a}..={b}");
    // n = 0: one pooled group (expected 0 < 5), contribution 0, not 0/0
    let c = top_contributions(&[0, 0], &[0.5, 0.5], &[true, true], 5, label);
    assert_eq!(c.len(), 1);
    assert_eq!(
        (c[0].observed, c[0].expected, c[0].contribution),
        (0, 0.0, Some(0.0))
    );
    // a group of probability 0 holding 3 samples: listed once as impossible
    // (cell by cell) and once as its pooled group, both infinite
    let c = top_contributions(&[3], &[0.0], &[false], 5, label);
    assert_eq!(c.len(), 2);
    for x in &c {
        assert_eq!(
            (x.observed, x.expected, x.contribution),
            (3, 0.0, Some(f64::INFINITY))
        );
    }
    // the ordinary case: n = 20 on (1/4, 3/4): groups {0} (E = 5) and {1}
    // (E = 15); observed (9, 11): shares 16/5 = 3.2 and 16/15, largest first
    let c = top_contributions(&[9, 11], &[0.25, 0.75], &[true, true], 5, label);
    let got: Vec<_> = c
        .iter()
        .map(|x| (x.cells.as_str(), x.observed, x.contribution))
        .collect();
    assert_eq!(
        got,
        vec![("0..=0", 9, Some(3.2)), ("1..=1", 11, Some(16.0 / 15.0))]
    );
}

// spec: ALG-CHECK-EXPLAIN (direction: "too_many" if z > 3, "too_few" if
// z < -3, else "shape"; one sentence per direction and test, by hand)
#[test]
fn directions_and_sentences_by_hand() {
    use relu_trainability::oracle::explain::{direction, sentence, Deviation};
    let next = |x: f64| f64::from_bits(x.to_bits() + 1); // away from 0
    for (z, want) in [
        (3.0, "shape"),
        (next(3.0), "too_many"),
        (-3.0, "shape"),
        (next(-3.0), "too_few"),
        (0.0, "shape"),
        (f64::INFINITY, "too_many"),
        (f64::NEG_INFINITY, "too_few"),
    ] {
        assert_eq!(direction(z), want, "z = {z}");
    }
    let d = |test: &'static str, direction: &'static str| Deviation {
        test,
        layer: 3,
        direction,
        mean_observed: 1.5,
        mean_expected: 2.25,
        z: -4.0,
        top_cells: vec![],
        explanation: String::new(),
    };
    let means = "(mean 1.5000 vs 2.2500 expected, z = -4.0)";
    for (test, dir, want) in [
        ("marginal", "too_many", format!("layer 3: too many non-PD neurons {means}")),
        ("marginal", "too_few", format!("layer 3: too few non-PD neurons {means}")),
        ("transition", "too_few", format!("layer 3 given layer 2: too few non-PD neurons {means}")),
        (
            "marginal",
            "shape",
            format!("layer 3: the mean is as expected {means} but the spread or shape of the non-PD counts differs"),
        ),
        (
            "transition",
            "shape",
            format!(
                "layer 3 given layer 2: the mean given layer 2 is as expected {means}; the joint law of \
                 layers 2 and 3 differs in shape, or through layer 2's own law"
            ),
        ),
    ] {
        assert_eq!(sentence(&d(test, dir), "non-PD"), want);
    }
}
