//! BOUND-F64-GENERAL and ALG-SEARCH-GENERAL: the scaled-f64 law of
//! THM-CHAIN-GENERAL and the width / depth searches on it, against
//! independent references: a plain rational chain written here from the
//! theorem's statement (s(p) = c a^p, or (n - p)/(n + 1) 2^-(p+1)), the
//! absorption probabilities of that chain by Gaussian elimination, the
//! symmetric engine's own searches (a different algorithm) for the law of
//! assumptions (A) spelled as a general law, and closed forms at the regime
//! boundaries.
// spec: BOUND-F64-GENERAL, ALG-SEARCH-GENERAL, THM-CHAIN-GENERAL, THM-BORN-DEAD-LAST

use assert_cmd::Command;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use relu_trainability::exact::general::{GeneralChain, StepLaw};
use relu_trainability::exact::general_float;
use relu_trainability::exact::general_search::{max_depth, min_width, DepthAnswer};
use relu_trainability::exact::{search, BiasMode};

mod law_support;
use law_support::{r, signs};

/// s(p) from the statement of THM-CHAIN-GENERAL, written out here.
fn s_of(law: &StepLaw, p: usize, n_prev: usize) -> BigRational {
    if p == 0 {
        return BigRational::one();
    }
    match law {
        StepLaw::Signs { weight, bias } => {
            let mut x = bias.clone();
            for _ in 0..p {
                x *= weight;
            }
            x
        }
        StepLaw::Rai => BigRational::new(
            BigInt::from(n_prev as i64 - p as i64),
            BigInt::from(n_prev + 1) * BigInt::from(2).pow(p as u32 + 1),
        ),
    }
}

fn choose(n: usize, k: usize) -> BigInt {
    (0..k).fold(BigInt::one(), |c, i| c * (n - i) / (i + 1))
}

fn pw(x: &BigRational, e: usize) -> BigRational {
    (0..e).fold(BigRational::one(), |a, _| a * x)
}

/// Binomial(n, 1 - q1).
fn first(n: usize, q1: &BigRational) -> Vec<BigRational> {
    let live = BigRational::one() - q1;
    (0..=n)
        .map(|k| BigRational::from_integer(choose(n, k)) * pw(&live, k) * pw(q1, n - k))
        .collect()
}

/// The transition matrix of THM-CHAIN-GENERAL from a layer of width m into
/// one of width n: row p is Binomial(n, 1 - s(p)).
fn matrix(m: usize, n: usize, law: &StepLaw) -> Vec<Vec<BigRational>> {
    (0..=m)
        .map(|p| {
            let s = s_of(law, p, m);
            let live = BigRational::one() - &s;
            (0..=n)
                .map(|k| BigRational::from_integer(choose(n, k)) * pw(&live, k) * pw(&s, n - k))
                .collect()
        })
        .collect()
}

/// One step with a transition matrix, then the floor.
fn apply(prev: &[BigRational], t: &[Vec<BigRational>], floor: usize) -> Vec<BigRational> {
    let n = t[0].len() - 1;
    let mut out = vec![BigRational::zero(); n + 1];
    for (mass, row) in prev.iter().zip(t) {
        if mass.is_zero() {
            continue;
        }
        for (o, x) in out.iter_mut().zip(row) {
            *o += mass * x;
        }
    }
    for x in out.iter_mut().take(floor) {
        *x = BigRational::zero();
    }
    out
}

/// One step of the chain of THM-CHAIN-GENERAL, then the floor.
fn next(prev: &[BigRational], n: usize, law: &StepLaw, floor: usize) -> Vec<BigRational> {
    apply(prev, &matrix(prev.len() - 1, n, law), floor)
}

fn to_rat(x: relu_trainability::exact::float_chain::Xf64) -> BigRational {
    x.to_rational()
}

fn within(x: &BigRational, exact: &BigRational, rel: f64) -> bool {
    let r = BigRational::from_float(rel).unwrap();
    let d = if x > exact { x - exact } else { exact - x };
    d <= r * exact
}

fn laws() -> Vec<StepLaw> {
    vec![
        StepLaw::Rai,
        signs("3/4", "1"),
        signs("1/2", "1/2"),
        signs("1/2", "1"),
        signs("9/10", "1"),
        signs("1/3", "2/3"),
        signs("1/2", "0"),
        signs("1", "1/2"),
        signs("0", "1"),
    ]
}

/// Every entry of every layer, and 1 - T with floors, within its printed
/// relative bound of the exact rational value (BOUND-F64-GENERAL), over
/// laws, widths 1..5, depths 1..4 and several q1.
#[test]
fn every_entry_is_within_its_bound_of_the_exact_value() {
    let archs: Vec<Vec<usize>> = vec![
        vec![1],
        vec![3],
        vec![2, 5],
        vec![5, 1, 4],
        vec![4, 4, 4, 4],
        vec![1, 1, 1],
        vec![5, 3, 2, 5],
    ];
    let mut checked = 0;
    for law in laws() {
        for widths in &archs {
            for q1 in ["0", "1/4", "871/10000", "1"] {
                let q1 = r(q1);
                let chain =
                    GeneralChain::new_f64(widths.clone(), q1.clone(), vec![law.clone()]).unwrap();
                let floors: Vec<usize> = widths.iter().map(|&w| w.div_ceil(2)).collect();
                for fl in [None, Some(&floors[..])] {
                    let got = general_float::law(&chain, fl);
                    let floor = |l: usize| fl.map_or(0, |f| f[l]);
                    let mut exact = first(widths[0], &q1);
                    let mut failure: BigRational = exact.iter().take(floor(0)).sum();
                    for x in exact.iter_mut().take(floor(0)) {
                        *x = BigRational::zero();
                    }
                    for l in 0..widths.len() {
                        if l > 0 {
                            let unfloored = next(&exact, widths[l], &law, 0);
                            failure += unfloored.iter().take(floor(l)).sum::<BigRational>();
                            exact = next(&exact, widths[l], &law, floor(l));
                        }
                        let d = &got.layers[l];
                        assert_eq!(d.probs.len(), exact.len());
                        let rel = d.rel_error_bound();
                        for (k, (x, e)) in d.probs.iter().zip(&exact).enumerate() {
                            assert!(
                                within(&to_rat(*x), e, rel),
                                "{law:?} {widths:?} q1 {q1} layer {l} k {k}: {} vs {e}",
                                x.to_f64()
                            );
                            checked += 1;
                        }
                    }
                    assert!(
                        within(&to_rat(got.failure), &failure, got.failure_rel),
                        "{law:?} {widths:?}: 1 - T {} vs {failure}",
                        got.failure.to_f64()
                    );
                    if fl.is_some() {
                        // T = 1 - failure, exactly, for the exact law
                        let t: BigRational = exact.iter().sum();
                        assert_eq!(t + &failure, BigRational::one());
                    }
                }
            }
        }
    }
    assert!(checked > 2000, "{checked}");
}

/// lim P(born dead) for a uniform-width chain, from the absorption
/// probabilities h(k) = P(reach 0 | K = k), solved by Gaussian elimination
/// over the rationals on the states that can reach 0.
fn born_dead_limit(n: usize, q1: &BigRational, law: &StepLaw) -> BigRational {
    // transition matrix on 0..n (rows p)
    let t: Vec<Vec<BigRational>> = (0..=n)
        .map(|p| {
            let mut e = vec![BigRational::zero(); n + 1];
            e[p] = BigRational::one();
            next(&e, n, law, 0)
        })
        .collect();
    // states that reach 0: fixed point of "some positive step into the set"
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    loop {
        let mut changed = false;
        for p in 1..=n {
            if !reach[p] && (0..=n).any(|k| reach[k] && !t[p][k].is_zero()) {
                reach[p] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let idx: Vec<usize> = (1..=n).filter(|&p| reach[p]).collect();
    let m = idx.len();
    // (I - T_RR) h = T_R0
    let mut a: Vec<Vec<BigRational>> = idx
        .iter()
        .map(|&p| {
            let mut row: Vec<BigRational> = idx
                .iter()
                .map(|&k| {
                    let id = if k == p {
                        BigRational::one()
                    } else {
                        BigRational::zero()
                    };
                    id - &t[p][k]
                })
                .collect();
            row.push(t[p][0].clone());
            row
        })
        .collect();
    for c in 0..m {
        let piv = (c..m).find(|&i| !a[i][c].is_zero()).expect("nonsingular");
        a.swap(c, piv);
        let d = a[c][c].clone();
        for j in c..=m {
            a[c][j] = &a[c][j] / &d;
        }
        for i in 0..m {
            if i != c && !a[i][c].is_zero() {
                let f = a[i][c].clone();
                for j in c..=m {
                    let v = &f * &a[c][j];
                    a[i][j] -= v;
                }
            }
        }
    }
    let mut h = vec![BigRational::zero(); n + 1];
    h[0] = BigRational::one();
    for (i, &p) in idx.iter().enumerate() {
        h[p] = a[i][m].clone();
    }
    first(n, q1).iter().zip(&h).map(|(x, y)| x * y).sum()
}

/// The depth search against the exact chain: Depth(d) means P(d) <= eps <
/// P(d + 1) exactly; NoConstraint means the exact limit is <= the printed
/// bound <= eps (and P(d) <= eps at the first 40 depths).
#[test]
fn depth_search_matches_the_exact_chain() {
    let mut seen = [0usize; 4];
    let mut skipped = 0;
    for law in laws() {
        for n in 1..=5 {
            for q1 in ["0", "1/10", "1/2", "871/10000"] {
                let q1 = r(q1);
                for eps in ["1/10", "1/1000", "1/1000000", "0"] {
                    let eps = r(eps);
                    let ans = max_depth(n, &q1, &law, &eps).unwrap();
                    // exact P(born dead) at depths 1.. (past the answer)
                    let need = match &ans.answer {
                        DepthAnswer::Depth(k) => k + 1,
                        DepthAnswer::AtLeast { at } => *at,
                        _ => 40,
                    };
                    if need > 120 {
                        // exact rationals that deep are slow; (A)'s deep
                        // cases are checked against the symmetric engine
                        skipped += 1;
                        continue;
                    }
                    let t = matrix(n, n, &law);
                    let mut bd = Vec::new();
                    let mut d = first(n, &q1);
                    for _ in 0..need.max(40) {
                        bd.push(d[0].clone());
                        d = apply(&d, &t, 0);
                    }
                    match &ans.answer {
                        DepthAnswer::Depth(k) => {
                            seen[0] += 1;
                            if *k > 0 {
                                assert!(bd[k - 1] <= eps, "{law:?} n {n} q1 {q1}: depth {k}");
                            }
                            assert!(
                                bd.get(*k).map_or(true, |x| *x > eps),
                                "{law:?} n {n} q1 {q1} eps {eps}: depth {k}"
                            );
                        }
                        DepthAnswer::NoConstraint { limit_upper, .. } => {
                            seen[1] += 1;
                            assert!(*limit_upper <= eps);
                            let lim = born_dead_limit(n, &q1, &law);
                            assert!(
                                lim <= *limit_upper,
                                "{law:?} n {n} q1 {q1}: limit {lim} > bound {limit_upper}"
                            );
                            assert!(bd.iter().all(|x| *x <= lim));
                        }
                        DepthAnswer::Undecided { at } => {
                            seen[2] += 1;
                            let b = ans.born_dead_next.as_ref().unwrap();
                            assert!(b.lo <= eps && eps < b.hi, "{at}");
                        }
                        DepthAnswer::AtLeast { at } => {
                            seen[3] += 1;
                            assert!(bd.iter().take(*at).all(|x| *x <= eps));
                        }
                    }
                }
            }
        }
    }
    // both decided outcomes occur often in this sweep
    assert!(
        seen[0] > 100 && seen[1] > 100 && skipped < 80,
        "{seen:?} skipped {skipped}"
    );
    eprintln!("outcomes {seen:?}, skipped {skipped}");
}

/// With the law of assumptions (A) spelled as a general law (a = 1/2, c
/// = 1 or 1/2), the general searches answer as the symmetric engine's
/// (exact, lumped: a different algorithm) wherever both decide.
#[test]
fn general_searches_agree_with_the_symmetric_engine_on_its_law() {
    let mut compared = 0;
    for (mode, c) in [(BiasMode::Zero, "1"), (BiasMode::Symmetric, "1/2")] {
        let law = signs("1/2", c);
        for q1 in ["0", "1/4", "1/2"] {
            let q1 = r(q1);
            for eps in ["1/10", "1/1000", "1/1000000"] {
                let eps = r(eps);
                for n in 1..=8 {
                    let old = search::max_depth_born_dead(n, mode, &q1, &eps).unwrap();
                    if !old.decided() || old.depth_min > 2000 {
                        continue; // beyond a quick layer-by-layer run
                    }
                    let new = max_depth(n, &q1, &law, &eps).unwrap();
                    if let (true, DepthAnswer::Depth(d)) = (old.decided(), &new.answer) {
                        assert_eq!(*d as u64, old.depth_min, "n {n} q1 {q1} eps {eps} {mode:?}");
                        compared += 1;
                    }
                }
                for depth in 1..=4 {
                    let mw = vec![1; depth];
                    let old = search::min_uniform_width(depth, mode, &q1, &mw, &eps).unwrap();
                    let new = min_width(depth, &mw, &q1, &law, &eps).unwrap();
                    assert_eq!(
                        new.width,
                        Some(old.width),
                        "depth {depth} q1 {q1} eps {eps} {mode:?}"
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 150, "{compared}");
}

/// The width search against the exact chain: T(N - 1) < 1 - eps <= T(N)
/// exactly, and every width below N fails (the scan is complete).
#[test]
fn width_search_matches_the_exact_chain() {
    for law in [
        StepLaw::Rai,
        signs("3/4", "1"),
        signs("1/3", "2/3"),
        signs("1/2", "0"),
    ] {
        for depth in 1..=3 {
            for q1 in ["1/10", "1/2"] {
                let q1 = r(q1);
                let eps = r("1/1000");
                let mw = vec![2; depth];
                let ans = min_width(depth, &mw, &q1, &law, &eps).unwrap();
                let n = ans.width.expect("decided");
                let t = |n: usize| -> BigRational {
                    let mut d = first(n, &q1);
                    for x in d.iter_mut().take(2) {
                        *x = BigRational::zero();
                    }
                    for _ in 1..depth {
                        d = next(&d, n, &law, 2);
                    }
                    d.iter().sum()
                };
                assert!(
                    t(n) >= BigRational::one() - &eps,
                    "{law:?} depth {depth} q1 {q1}: N {n}"
                );
                for m in 2..n {
                    assert!(
                        t(m) < BigRational::one() - &eps,
                        "{law:?} depth {depth}: N {m} passes"
                    );
                }
            }
        }
    }
}

/// Regime boundaries in closed form: c = 0 (a positive constant bias)
/// leaves only layer 1's death, P(born dead) = q1^N at every depth, so the
/// depth is unconstrained with the bound q1^N; a = c = 1 makes every
/// layer after the first PD, and q1 = 1 the first: no width is trainable.
#[test]
fn regime_boundaries_in_closed_form() {
    let q1 = r("1/2");
    for n in 1..=12 {
        let ans = max_depth(n, &q1, &signs("1/2", "0"), &r("1/100")).unwrap();
        let q1n = pw(&q1, n);
        if q1n > r("1/100") {
            assert_eq!(ans.answer, DepthAnswer::Depth(0), "n {n}");
        } else {
            match ans.answer {
                DepthAnswer::NoConstraint { at, limit_upper } => {
                    assert_eq!(at, 1);
                    assert!(limit_upper >= q1n && within(&limit_upper, &q1n, 1e-14));
                }
                other => panic!("n {n}: {other:?}"),
            }
        }
        // a = c = 1: P(born dead at depth 2) = 1
        let ans = max_depth(n, &r("0"), &signs("1", "1"), &r("1/2")).unwrap();
        assert_eq!(ans.answer, DepthAnswer::Depth(1), "n {n}");
    }
    for (law, q1) in [(signs("1", "1"), "1/2"), (StepLaw::Rai, "1")] {
        let e = min_width(2, &[1, 1], &r(q1), &law, &r("1/10")).unwrap_err();
        assert!(e.to_string().contains("no width is trainable"), "{e}");
    }
}

/// The scaled-f64 general law is bit-identical with 1 and 2 threads.
#[test]
fn general_float_law_is_thread_count_independent() {
    let chain = GeneralChain::new_f64(vec![300, 200, 300], r("1/3"), vec![StepLaw::Rai]).unwrap();
    let run = |t: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
            .install(|| general_float::law(&chain, Some(&[10, 10, 10])))
    };
    let (a, b) = (run(1), run(2));
    for (x, y) in a.layers.iter().zip(&b.layers) {
        assert_eq!(x.probs, y.probs);
    }
    assert_eq!(a.failure, b.failure);
}

fn cli() -> Command {
    Command::cargo_bin("trainability").unwrap()
}

/// The CLI: `approx --law` agrees with `exact --law`; `depth --law rai`
/// prints the unconstrained verdict with its bound; the truncated path
/// refuses a general law with advice.
#[test]
fn cli_general_approx_depth_width() {
    let json = |args: &[&str]| -> serde_json::Value {
        let out = cli()
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let base = [
        "--widths",
        "4,3,4",
        "--q1",
        "871/10000",
        "--law",
        "rai",
        "--min-widths",
        "2,...",
        "--format",
        "json",
    ];
    let e = json(&[&["exact"][..], &base].concat());
    let a = json(&[&["approx"][..], &base].concat());
    let exact_bd = r(e["born_dead"].as_str().unwrap());
    let got_bd = BigRational::from_float(a["born_dead_f64"].as_f64().unwrap()).unwrap();
    let rel = a["born_dead_rel_error_bound"].as_f64().unwrap() + 1.2e-16;
    assert!(within(&got_bd, &exact_bd, rel));
    let exact_fail = BigRational::one() - r(e["trainability"].as_str().unwrap());
    let got_fail =
        BigRational::from_float(a["one_minus_trainability_f64"].as_f64().unwrap()).unwrap();
    assert!(within(
        &got_fail,
        &exact_fail,
        a["one_minus_trainability_rel_error_bound"]
            .as_f64()
            .unwrap()
            + 1.2e-16
    ));

    let d = json(&[
        "depth",
        "--width",
        "4",
        "--q1",
        "871/10000",
        "--law",
        "rai",
        "--format",
        "json",
    ]);
    assert_eq!(d["saturated"], true);
    assert_eq!(d["decided"], true);
    assert!(d["limit_upper_f64"].as_f64().unwrap() <= 1e-3);
    let text = cli()
        .args(["depth", "--width", "4", "--q1", "871/10000", "--law", "rai"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(text).unwrap().contains("no constraint"));

    let w = json(&[
        "width",
        "--depth",
        "3",
        "--q1",
        "1/2",
        "--law",
        "sparse:1/2",
        "--format",
        "json",
    ]);
    assert_eq!(w["decided"], true);
    assert!(w["width"].as_u64().unwrap() > 1);

    let out = cli()
        .args([
            "approx",
            "--widths",
            "4,4",
            "--law",
            "rai",
            "--method",
            "truncated",
        ])
        .assert()
        .failure()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("dense scaled-f64 path"));
}
