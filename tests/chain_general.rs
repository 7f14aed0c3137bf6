//! THM-CHAIN-GENERAL: the chain for any sign law and for RAI, against
//! independent references: brute-force enumeration of every sign pattern of
//! small networks with DEF-PD applied directly, the symmetric engine as the
//! special case a = 1/2, c in {1, 1/2}, closed forms at the regime
//! boundaries, and Monte Carlo of the simulator's own RAI networks.
// spec: THM-CHAIN-GENERAL, THM-CHAIN, DEF-PD, ALG-RAI, ALG-GOF-MC

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

fn r(s: &str) -> BigRational {
    relu_trainability::rational::parse_user_rational(s).unwrap()
}

fn signs(a: &str, c: &str) -> StepLaw {
    StepLaw::Signs {
        weight: r(a),
        bias: r(c),
    }
}

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
fn cli_exact_takes_the_law_and_the_f64_paths_refuse_it() {
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
        if cmd == "approx" {
            assert_eq!(code, 2, "{err}");
            assert!(
                err.starts_with("error:") && err.contains("trainability exact"),
                "{err}"
            );
        } else {
            assert_eq!(code, 0, "{err}");
        }
    }
    let (code, _, err) = cli(&["exact", "--widths", "2", "--law", "sparse:2"]);
    assert_eq!(code, 2);
    assert!(err.contains("sparsity"), "{err}");
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
