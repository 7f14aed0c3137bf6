//! THM-CHAIN-GENERAL: the chain for any sign law and for RAI, against
//! independent references: brute-force enumeration of every sign pattern of
//! small networks with DEF-PD applied directly, the symmetric engine as the
//! special case a = 1/2, c in {1, 1/2}, closed forms at the regime
//! boundaries, and Monte Carlo of the simulator's own RAI networks.
// spec: THM-CHAIN-GENERAL, THM-CHAIN, DEF-PD, ALG-RAI, ALG-GOF-MC, ALG-INIT-SPARSE

use assert_cmd::Command;
use num_rational::BigRational;
use num_traits::{One, Zero};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::exact::general::{law, GeneralChain, StepLaw};
use relu_trainability::exact::{exact_law, BiasMode, ChainSpec};
use relu_trainability::init::{Architecture, InitScheme};
use relu_trainability::io::data::load_data;
use relu_trainability::montecarlo::theory::{agreement, transition_gof, transition_gof_step};
use relu_trainability::montecarlo::{run, McConfig};

mod law_support;
use law_support::{r, signs};

/// One neuron's possible sign patterns with their probabilities: for each
/// pattern, which of the n incoming weights are <= 0 and whether the bias
/// is, enumerated from the entry laws (not from s(p)).
fn neuron_patterns(step: &StepLaw, n: usize) -> Vec<(Vec<bool>, bool, BigRational)> {
    let half = r("1/2");
    let mut out = Vec::new();
    match step {
        StepLaw::Signs { weight, bias } => {
            for mask in 0..(1u64 << (n + 1)) {
                let bit = |i: usize| mask >> i & 1 == 1;
                let w: Vec<bool> = (0..n).map(bit).collect();
                let b = bit(n);
                let mut p = if b {
                    bias.clone()
                } else {
                    BigRational::one() - bias
                };
                for &wi in &w {
                    p *= if wi {
                        weight.clone()
                    } else {
                        BigRational::one() - weight
                    };
                }
                out.push((w, b, p));
            }
        }
        StepLaw::Rai => {
            // entry k (0..n weights, n the bias) is Beta(2,1) > 0; the
            // other n entries are symmetric: <= 0 with probability 1/2
            let pk = BigRational::new(1.into(), (n as i64 + 1).into());
            for k in 0..=n {
                for mask in 0..(1u64 << n) {
                    let mut bits = (0..n).map(|i| mask >> i & 1 == 1);
                    let mut entries = Vec::with_capacity(n + 1);
                    for e in 0..=n {
                        entries.push(if e == k { false } else { bits.next().unwrap() });
                    }
                    let p = &pk * num_traits::pow(half.clone(), n);
                    out.push((entries[..n].to_vec(), entries[n], p));
                }
            }
        }
    }
    out
}

/// The marginal laws of the non-PD counts by enumeration: layer 1 by the
/// 2^N_1 PD patterns (each PD with probability q1), later layers by every
/// combination of every neuron's sign pattern, DEF-PD applied directly.
fn brute_force(widths: &[usize], q1: &BigRational, steps: &[StepLaw]) -> Vec<Vec<BigRational>> {
    let mut marg: Vec<Vec<BigRational>> = widths
        .iter()
        .map(|&n| vec![BigRational::zero(); n + 1])
        .collect();
    fn go(
        l: usize,
        prev_pd: &[bool],
        prob: BigRational,
        widths: &[usize],
        steps: &[StepLaw],
        marg: &mut Vec<Vec<BigRational>>,
    ) {
        if l == widths.len() {
            return;
        }
        let n_prev = prev_pd.len();
        let patterns = neuron_patterns(&steps[l - 1], n_prev);
        // every assignment of a pattern to each of the widths[l] neurons
        let w = widths[l];
        let mut idx = vec![0usize; w];
        loop {
            let mut p = prob.clone();
            let pd: Vec<bool> = idx
                .iter()
                .map(|&i| {
                    let (ws, b, q) = &patterns[i];
                    p *= q;
                    prev_pd.iter().all(|&d| d)
                        || (*b && prev_pd.iter().zip(ws).all(|(&d, &wi)| d || wi))
                })
                .collect();
            if !p.is_zero() {
                marg[l][pd.iter().filter(|&&d| !d).count()] += &p;
                go(l + 1, &pd, p, widths, steps, marg);
            }
            // next assignment
            let mut j = 0;
            while j < w {
                idx[j] += 1;
                if idx[j] < patterns.len() {
                    break;
                }
                idx[j] = 0;
                j += 1;
            }
            if j == w {
                break;
            }
        }
    }
    let n1 = widths[0];
    for mask in 0..(1u64 << n1) {
        let pd: Vec<bool> = (0..n1).map(|i| mask >> i & 1 == 1).collect();
        let mut p = BigRational::one();
        for &d in &pd {
            p *= if d {
                q1.clone()
            } else {
                BigRational::one() - q1
            };
        }
        marg[0][pd.iter().filter(|&&d| !d).count()] += &p;
        go(1, &pd, p, widths, &steps, &mut marg);
    }
    marg
}

#[test]
fn law_equals_brute_force_enumeration() {
    let cases: Vec<(Vec<usize>, &str, Vec<StepLaw>)> = vec![
        (vec![2, 2], "1/3", vec![signs("1/2", "1/2")]),
        (vec![2, 2], "1/3", vec![signs("3/5", "1/4")]),
        (vec![3, 2], "1/4", vec![signs("11/20", "1")]),
        (
            vec![2, 2, 2],
            "2/7",
            vec![signs("2/3", "0"), signs("1/5", "3/4")],
        ),
        (
            vec![1, 2, 1],
            "1/2",
            vec![signs("1", "1"), signs("1/2", "1/2")],
        ),
        (vec![2, 2], "1/3", vec![StepLaw::Rai]),
        (vec![3, 2], "1/5", vec![StepLaw::Rai]),
        (vec![2, 1, 2], "1/2", vec![StepLaw::Rai, StepLaw::Rai]),
        (vec![1, 2], "1/3", vec![StepLaw::Rai]),
    ];
    for (widths, q1, steps) in cases {
        let q1 = r(q1);
        let chain = GeneralChain::new(widths.clone(), q1.clone(), steps.clone()).unwrap();
        let got = law(&chain, None).layers;
        let want = brute_force(&widths, &q1, &chain.steps);
        assert_eq!(got, want, "{widths:?} {steps:?}");
        for d in &got {
            assert_eq!(
                d.iter().fold(BigRational::zero(), |a, b| a + b),
                BigRational::one()
            );
        }
    }
}

/// (A) is the special case a = 1/2 with c = 1 (zero bias) or 1/2: the
/// general engine equals the symmetric engines (rational and dyadic).
#[test]
fn symmetric_law_is_the_special_case() {
    for (widths, q1) in [
        (vec![5, 3, 4], "1/3"),
        (vec![8, 8, 8, 8], "7/20"),
        (vec![1, 6], "0"),
    ] {
        for mode in [BiasMode::Zero, BiasMode::Symmetric] {
            let spec = ChainSpec::parse(widths.clone(), mode, q1).unwrap();
            let g = GeneralChain::new(
                widths.clone(),
                spec.q1.clone(),
                vec![StepLaw::symmetric(mode)],
            )
            .unwrap();
            assert_eq!(
                law(&g, None),
                exact_law(&spec).unwrap(),
                "{widths:?} {mode:?}"
            );
        }
    }
}

/// Closed forms at the regime boundaries (spec THM-CHAIN-GENERAL).
#[test]
fn regime_boundaries_in_closed_form() {
    let q1 = r("1/3");
    let bd = |widths: Vec<usize>, steps: Vec<StepLaw>| {
        law(&GeneralChain::new(widths, q1.clone(), steps).unwrap(), None).born_dead()
    };
    // c = 0 (positive constant bias) or a = 0: only an entirely PD first layer kills
    for step in [signs("1/2", "0"), signs("0", "1")] {
        assert_eq!(
            bd(vec![3, 4, 2], vec![step]),
            num_traits::pow(q1.clone(), 3)
        );
    }
    // a = c = 1: every layer after the first is PD
    assert_eq!(bd(vec![3, 4], vec![signs("1", "1")]), BigRational::one());
    // RAI from a width-1 layer: p = n = 1 gives s = 0, so K_2 = N_2 unless K_1 = 0
    assert_eq!(bd(vec![1, 5], vec![StepLaw::Rai]), q1);
    // s(p) itself
    assert_eq!(StepLaw::Rai.pd_probability(1, 3), r("1/8"));
    assert_eq!(StepLaw::Rai.pd_probability(3, 3), r("0"));
    assert_eq!(signs("3/4", "1/2").pd_probability(2, 9), r("9/32"));
    assert_eq!(signs("3/4", "1/2").pd_probability(0, 9), r("1"));
    // the f64 logarithm the simulator's transition test uses agrees with
    // the exact s(p), and is -inf exactly where s(p) = 0
    for step in [
        StepLaw::Rai,
        signs("3/4", "1/2"),
        signs("1/10", "1"),
        signs("1/2", "0"),
    ] {
        for n in [1usize, 2, 5, 40] {
            for p in 0..=n {
                let exact = step.pd_probability(p, n);
                let ln = step.ln_pd_probability(p, n);
                if exact.is_zero() {
                    assert_eq!(ln, f64::NEG_INFINITY, "{step:?} {p} {n}");
                } else {
                    let want = relu_trainability::rational::to_f64(&exact).ln();
                    assert!(
                        (ln - want).abs() <= 1e-12 * want.abs().max(1.0),
                        "{step:?} {p} {n}"
                    );
                }
            }
        }
    }
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let o = Command::cargo_bin("trainability")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

/// `exact --law` and `--bias` presets print the brute-force values;
/// the f64 paths refuse general laws instead of answering with (A)'s law.
#[test]
fn cli_exact_and_approx_take_the_law_and_the_truncated_path_refuses_it() {
    for (law_arg, bias, step) in [
        ("rai", "zero", StepLaw::Rai),
        ("sparse:0.2", "const:0.01", signs("3/5", "0")),
        ("sparse:0.2", "const:-1", signs("3/5", "1")),
        ("weight-sign:2/3", "bias-sign:1/4", signs("2/3", "1/4")),
        ("he", "bias-sign:1/4", signs("1/2", "1/4")),
    ] {
        let (code, out, err) = cli(&[
            "exact", "--widths", "2,3", "--q1", "1/3", "--law", law_arg, "--bias", bias,
            "--format", "json",
        ]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let want = brute_force(&[2, 3], &r("1/3"), &[step]);
        let got: Vec<BigRational> = v["layers"][1]["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| r(s.as_str().unwrap()))
            .collect();
        assert_eq!(got, want[1], "{law_arg} {bias}");
        assert_eq!(r(v["born_dead"].as_str().unwrap()), want[1][0]);
    }
    for cmd in ["approx", "exact"] {
        let (code, _, err) = cli(&[cmd, "--widths", "2,3", "--law", "rai", "--summary"]);
        assert_eq!(code, 0, "{err}");
    }
    // the truncated f64 path takes THM-CHAIN's law only (BOUND-F64-GENERAL)
    let (code, _, err) = cli(&[
        "approx",
        "--widths",
        "2,3",
        "--law",
        "rai",
        "--summary",
        "--method",
        "truncated",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error:") && err.contains("dense scaled-f64 path"),
        "{err}"
    );
    let (code, _, err) = cli(&["exact", "--widths", "2", "--law", "sparse:2"]);
    assert_eq!(code, 2);
    assert!(err.contains("sparsity"), "{err}");
}

/// Sparse weights (ALG-INIT-SPARSE) and constant biases: the simulator's
/// networks follow THM-CHAIN-GENERAL's step s(p) = c a^p with a = (1 + S)/2
/// and c = 1 (const <= 0) or 0 (const > 0), at alpha = 1e-6 per assertion;
/// companion: the same counts reject the symmetric law's transitions.
#[test]
fn simulated_sparse_and_constant_bias_networks_follow_their_step() {
    use relu_trainability::init::{BiasInit, WeightInit};
    use relu_trainability::montecarlo::theory::general_step;
    let cases = [
        (
            InitScheme::Sparse {
                sparsity: 0.3,
                bias: BiasInit::Zero,
            },
            signs("13/20", "1"),
            0usize,
        ),
        (
            InitScheme::Sparse {
                sparsity: 0.5,
                bias: BiasInit::Normal(0.1),
            },
            signs("3/4", "1/2"),
            1,
        ),
        (
            InitScheme::Random {
                weights: WeightInit::HeNormal,
                bias: BiasInit::Const(0.01),
            },
            signs("1/2", "0"),
            0,
        ),
        (
            InitScheme::Random {
                weights: WeightInit::HeUniform,
                bias: BiasInit::Const(-0.2),
            },
            signs("1/2", "1"),
            1,
        ),
    ];
    let data = load_data("ball:1:10", 2, &mut ChaCha8Rng::seed_from_u64(8)).unwrap();
    for (i, (scheme, step, wrong_beta)) in cases.into_iter().enumerate() {
        // the step law the simulator reports is the one derived by hand
        let got = general_step(&scheme).unwrap();
        if let (
            StepLaw::Signs { weight: a, bias: c },
            StepLaw::Signs {
                weight: a0,
                bias: c0,
            },
        ) = (&got, &step)
        {
            assert_eq!(c, c0, "{scheme:?}");
            // 0.3 and 0.5 read exactly from f64: within 2^-53 of 13/20, 3/4
            let d = relu_trainability::rational::to_f64(&(a - a0)).abs();
            assert!(d < 1e-16, "{scheme:?}: a off by {d}");
        } else {
            panic!("{scheme:?}: {got:?}");
        }
        let widths = vec![3, 3, 3];
        let cfg = McConfig {
            arch: Architecture::new(2, widths.clone(), 1).unwrap(),
            scheme,
            samples: 40_000,
            seed: 700 + i as u64,
        };
        let res = run(&cfg, &data, false).unwrap();
        let agr = agreement(&scheme, &data, &res).unwrap();
        assert!(
            agr.law_status.contains("THM-CHAIN-GENERAL"),
            "{}",
            agr.law_status
        );
        for l in 1..widths.len() {
            let t = agr.layers[l].transition.as_ref().unwrap();
            assert!(t.p_value > 1e-6, "{scheme:?} layer {}: {t:?}", l + 1);
            let wrong = transition_gof(&res, l, wrong_beta).unwrap();
            assert!(
                wrong.p_value < 1e-6,
                "{scheme:?} layer {}: {wrong:?}",
                l + 1
            );
        }
    }
}

/// The sparse sampler: a fraction S of zero weights (binomial test at
/// 5.3 standard deviations, two-sided false-alarm rate about 1e-7), the
/// others N(0, 2 / fan_in) (variance within 5.3 standard errors);
/// companion: the same counts reject S + 0.02.
#[test]
fn sparse_weights_have_the_stated_law() {
    use relu_trainability::init::random::sample_layer_into;
    use relu_trainability::init::BiasInit;
    let (fan_in, fan_out, sparsity) = (50usize, 40usize, 0.3);
    let scheme = InitScheme::Sparse {
        sparsity,
        bias: BiasInit::Zero,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let (mut zeros, mut n, mut sum2, mut nz) = (0u64, 0u64, 0.0f64, 0u64);
    let mut w = vec![0.0; fan_in * fan_out];
    let mut b = vec![1.0; fan_out];
    for _ in 0..100 {
        sample_layer_into(&scheme, fan_in, fan_out, &mut w, &mut b, &mut rng).unwrap();
        assert!(b.iter().all(|&v| v == 0.0));
        for &v in &w {
            n += 1;
            if v == 0.0 {
                zeros += 1;
            } else {
                nz += 1;
                sum2 += v * v;
            }
        }
    }
    let z = |s: f64| (zeros as f64 - n as f64 * s) / (n as f64 * s * (1.0 - s)).sqrt();
    assert!(z(sparsity).abs() < 5.3, "z = {}", z(sparsity));
    assert!(
        z(sparsity + 0.02).abs() > 5.3,
        "companion z = {}",
        z(sparsity + 0.02)
    );
    // E v^2 = 2 / fan_in, Var v^2 = 2 (2 / fan_in)^2 for a normal
    let var = 2.0 / fan_in as f64;
    let se = (2.0f64).sqrt() * var / (nz as f64).sqrt();
    assert!((sum2 / nz as f64 - var).abs() < 5.3 * se);
}

/// The simulator's own RAI networks (ALG-RAI) follow RAI's transitions
/// (alpha = 1e-6 per assertion), and the same counts reject the symmetric
/// law's transitions (companion: p < 1e-6), on data where q1 has no
/// closed form.
#[test]
fn simulated_rai_networks_follow_the_rai_step() {
    for (i, (widths, src, d)) in [
        (vec![3, 3, 3], "ball:1:12", 2usize),
        (vec![2, 4, 2], "cube:1:8", 3),
    ]
    .into_iter()
    .enumerate()
    {
        let data = load_data(src, d, &mut ChaCha8Rng::seed_from_u64(5)).unwrap();
        let cfg = McConfig {
            arch: Architecture::new(d, widths.clone(), 1).unwrap(),
            scheme: InitScheme::Rai,
            samples: 40_000,
            seed: 900 + i as u64,
        };
        let res = run(&cfg, &data, false).unwrap();
        let agr = agreement(&InitScheme::Rai, &data, &res).unwrap();
        for l in 1..widths.len() {
            let t = agr.layers[l].transition.as_ref().unwrap();
            assert_eq!(*t, transition_gof_step(&res, l, &StepLaw::Rai).unwrap());
            assert!(
                t.dof > 0 && t.p_value > 1e-6,
                "{widths:?} layer {}: {t:?}",
                l + 1
            );
            let wrong = transition_gof(&res, l, 1).unwrap();
            assert!(
                wrong.p_value < 1e-6,
                "{widths:?} layer {}: {wrong:?}",
                l + 1
            );
        }
    }
}

/// The README's depth claim: under RAI at equal widths a full layer stays
/// full (s(n) = 0), so P(born dead) never exceeds 1 - P(K_1 = N) =
/// 1 - (1 - q1)^N at any depth (an independent bound), and it is already
/// within 1e-12 of its depth-100 value at depth 10; He's grows with depth.
#[test]
fn rai_full_layers_are_absorbing() {
    let q1 = r("871/10000");
    let bd = |depth: usize, step: StepLaw| {
        let c = GeneralChain::new(vec![4; depth], q1.clone(), vec![step]).unwrap();
        relu_trainability::rational::to_f64(&law(&c, None).born_dead())
    };
    let bound = 1.0 - (1.0 - 0.0871f64).powi(4);
    let (d10, d100) = (bd(10, StepLaw::Rai), bd(100, StepLaw::Rai));
    assert!(d10 <= d100 && d100 <= bound, "{d10} {d100} {bound}");
    assert!((d100 - d10) / d100 < 1e-12, "{d10} {d100}");
    // README: 5.905e-5 at width 4 for depths 3, 10, 50, 100
    for depth in [3, 10, 50, 100] {
        assert!((bd(depth, StepLaw::Rai) / 5.905e-5 - 1.0).abs() < 1e-3);
    }
    let he = StepLaw::symmetric(BiasMode::Zero);
    assert!(bd(10, he.clone()) < bd(50, he.clone()) && bd(50, he.clone()) < bd(100, he));
}

/// Every row (K_1, ..., K_L) with positive probability and its exact
/// probability, from the brute-force patterns' step probabilities
/// (enumerated independently of the engine: neuron_patterns + DEF-PD).
fn rows_general(
    widths: &[usize],
    q1: &BigRational,
    steps: &[StepLaw],
) -> Vec<(Vec<usize>, BigRational)> {
    // per-neuron PD probability given p, from the enumerated patterns
    let s = |step: &StepLaw, p: usize, n: usize| -> BigRational {
        // the first p of the n previous neurons are the non-PD ones
        neuron_patterns(step, n)
            .into_iter()
            .filter(|(w, b, _)| p == 0 || (*b && w[..p].iter().all(|&x| x)))
            .fold(BigRational::zero(), |a, (_, _, q)| a + q)
    };
    let binom = |n: usize, k: usize, dead: &BigRational| -> BigRational {
        let c = relu_trainability::exact::rational_chain::binomial(n, k);
        BigRational::from_integer(c)
            * num_traits::pow(BigRational::one() - dead, k)
            * num_traits::pow(dead.clone(), n - k)
    };
    let mut out: Vec<(Vec<usize>, BigRational)> = (0..=widths[0])
        .map(|k| (vec![k], binom(widths[0], k, q1)))
        .collect();
    for l in 1..widths.len() {
        let mut next = Vec::new();
        for (row, p) in out {
            let prev = *row.last().unwrap();
            let dead = s(&steps[l - 1], prev, widths[l - 1]);
            for k in 0..=widths[l] {
                let t = binom(widths[l], k, &dead);
                if !t.is_zero() && !p.is_zero() {
                    let mut r = row.clone();
                    r.push(k);
                    next.push((r, &p * t));
                }
            }
        }
        out = next;
    }
    out
}

fn compositions(n: usize, cells: usize, f: &mut impl FnMut(&[usize])) {
    fn go(h: &mut Vec<usize>, left: usize, cells: usize, f: &mut impl FnMut(&[usize])) {
        if h.len() + 1 == cells {
            h.push(left);
            f(h);
            h.pop();
            return;
        }
        for o in 0..=left {
            h.push(o);
            go(h, left - o, cells, f);
            h.pop();
        }
    }
    go(&mut Vec::new(), n, cells, f)
}

/// `check --law`: its false-alarm rate, by exact enumeration of every
/// possible sample histogram under the general law, is at most alpha
/// (exact p-values), and the printed bound is alpha.
#[test]
fn check_against_a_general_law_keeps_alpha() {
    use num_traits::ToPrimitive;
    use relu_trainability::oracle::check::{check_law_with, Kind};
    use relu_trainability::oracle::check_law::CheckLaw;
    use relu_trainability::stats::gof::PValues;
    for (widths, q1, step, n, alpha) in [
        (vec![1, 2], "1/3", StepLaw::Rai, 30usize, 0.05),
        (vec![2, 1], "1/4", signs("3/4", "1/2"), 20, 0.05),
        (vec![2, 2], "1/2", StepLaw::Rai, 25, 0.1),
    ] {
        let chain = GeneralChain::new(widths.clone(), r(q1), vec![step.clone()]).unwrap();
        let rows = rows_general(&widths, &r(q1), &chain.steps);
        let total = rows.iter().fold(BigRational::zero(), |a, (_, p)| a + p);
        assert_eq!(total, BigRational::one());
        let mut rate = BigRational::zero();
        let mut count = 0;
        compositions(n, rows.len(), &mut |h| {
            let samples: Vec<Vec<usize>> = h
                .iter()
                .zip(&rows)
                .flat_map(|(&c, (row, _))| std::iter::repeat(row.clone()).take(c))
                .collect();
            let rep = check_law_with(
                &CheckLaw::General(&chain),
                &samples,
                Kind::NonPd,
                alpha,
                PValues::Auto,
            )
            .unwrap();
            assert_eq!(
                rep.false_alarm_bound,
                Some(alpha),
                "{widths:?}: {}",
                rep.false_alarm
            );
            if rep.reject {
                let mut coef = num_bigint::BigInt::one();
                let mut left = n;
                let mut p = BigRational::one();
                for (&c, (_, q)) in h.iter().zip(&rows) {
                    coef *= relu_trainability::exact::rational_chain::binomial(left, c);
                    left -= c;
                    p *= num_traits::pow(q.clone(), c);
                }
                rate += p * BigRational::from_integer(coef);
                count += 1;
            }
        });
        let rate = rate.to_f64().unwrap();
        eprintln!("{widths:?} {step:?} n {n} alpha {alpha}: exact false-alarm rate {rate:.5} ({count} rejected histograms)");
        assert!(rate <= alpha, "{widths:?}: rate {rate}");
        assert!(count > 0, "the check rejects something");
    }
}

/// `check --law rai` on samples drawn from RAI's chain (an independent
/// sampler of the rows above) accepts at alpha 1e-6, and the same samples
/// are rejected by the default (symmetric) law: the flag is read and used.
#[test]
fn check_cli_takes_the_law() {
    use rand::Rng;
    let widths = [3usize, 3, 3];
    let q1 = r("1/5");
    let rows = rows_general(&widths, &q1, &[StepLaw::Rai, StepLaw::Rai]);
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let probs: Vec<f64> = rows
        .iter()
        .map(|(_, p)| relu_trainability::rational::to_f64(p))
        .collect();
    let mut text = String::new();
    for _ in 0..4000 {
        let mut u: f64 = rng.gen();
        let mut i = 0;
        while i + 1 < probs.len() && u >= probs[i] {
            u -= probs[i];
            i += 1;
        }
        let row: Vec<String> = rows[i].0.iter().map(|k| k.to_string()).collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.csv");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let (code, out, err) = cli(&[
        "check",
        "--widths",
        "3,3,3",
        "--q1",
        "1/5",
        "--law",
        "rai",
        "--samples",
        p,
        "--alpha",
        "1e-6",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out} {err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["law"][0], "rai");
    let (code, _, err) = cli(&[
        "check",
        "--widths",
        "3,3,3",
        "--q1",
        "1/5",
        "--bias",
        "symmetric",
        "--samples",
        p,
        "--alpha",
        "1e-6",
    ]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = cli(&["check", "--widths", "3,3,3", "--law", "rai", "--power"]);
    assert_eq!(code, 2);
    assert!(err.contains("--power"), "{err}");
}
