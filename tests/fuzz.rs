//! Fuzzing in the repo (issue 10): generated and mutated inputs through
//! every parser (CLI value parsers, data specs, CSV, npy, safetensors,
//! sample files, initializer specs) and through the command dispatch
//! in-process (`Cli::try_parse_from` + `cli::run`), asserting Ok or a typed
//! `Error`, never a panic (proptest reports a panic as a failure, shrunk).
//! The default run is bounded (a few seconds); the long campaign is
//! `cargo test --release --test fuzz -- --ignored --nocapture`, which
//! prints its numbers.

use clap::Parser;
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use relu_trainability::cli::{self, Cli};
use relu_trainability::error::Error;
use relu_trainability::init::data_dependent::Storage;
use relu_trainability::init::{BiasInit, InitScheme};
use relu_trainability::io::data::{load_data, parse_csv, parse_npy};
use relu_trainability::io::model::{from_safetensors_bytes, to_safetensors_bytes};
use relu_trainability::limits::{self, Limits};
use relu_trainability::montecarlo::sample_rng;
use relu_trainability::oracle::samples::parse_samples;
use relu_trainability::sim::{Layer, Network};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
mod npy_writer;
use npy_writer::{f64_bytes, npy};

/// Cases per property in the CI run, and in the long campaign.
const CI_CASES: u32 = 96;
const CAMPAIGN_CASES: u32 = 4000;

/// Runs counted across the properties (printed by the campaign).
static RUNS: AtomicU64 = AtomicU64::new(0);
/// Command lines that parsed and ran, and those that ran to success.
static PARSED: AtomicU64 = AtomicU64::new(0);
static SUCCEEDED: AtomicU64 = AtomicU64::new(0);

/// Small budgets so that accepted work stays short in-process.
fn small_limits() -> Limits {
    Limits {
        max_seconds: 0.5,
        max_bytes: 64e6,
        max_input_bytes: 1 << 20,
    }
}

fn check<S: Strategy>(
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    // CI runs are reproducible (fixed seed: the same inputs every run, so the
    // coverage assertions below cannot flake); the long campaign explores
    // new inputs each time
    let rng_seed = if cases <= 4 * CI_CASES {
        RngSeed::Fixed(0x5eed_f022)
    } else {
        RngSeed::Random
    };
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        rng_seed,
        ..Config::default()
    });
    let t = Instant::now();
    runner
        .run(&strategy, |v| {
            RUNS.fetch_add(1, Ordering::Relaxed);
            limits::set(small_limits());
            test(v)
        })
        .unwrap();
    // bounded time: the whole CI suite stays well under a minute
    assert!(t.elapsed() < Duration::from_secs(20 * (1 + cases as u64 / CI_CASES as u64)));
}

/// Numbers at the regime boundaries, and garbage.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "0", "1", "2", "3", "4", "7", "8", "64", "255", "1000", "65536", "1000000",
            "4294967295", "4294967296", "4294967297", "9223372036854775807",
            "9223372036854775808", "18446744073709551615", "18446744073709551616",
            "-1", "-0", "0.5", "1.5", "1e3", "1e308", "1e-308", "1e309", "5e-324", "nan",
            "NaN", "inf", "-inf", "", " ", "0x10", "4.000000000000000000e+00", "1/2", "1/0",
            "abc", "٣", "1,2", "+3", "00000000000000000000000000001",
        ])
        .prop_map(String::from),
        1 => any::<u64>().prop_map(|v| v.to_string()),
        1 => any::<f64>().prop_map(|v| v.to_string()),
        1 => "[0-9eE+.-]{0,12}",
    ]
}

/// Small numbers (for commands whose cost is not under our budgets).
fn small() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0u32..6).prop_map(|v| v.to_string()),
        1 => prop::sample::select(vec!["-1", "", "x", "1.5", "nan", "1e308"]).prop_map(String::from),
    ]
}

fn list(item: impl Strategy<Value = String>, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(item, 1..=max).prop_map(|v| v.join(","))
}

/// A data source spec; `files` are paths that exist.
fn data_spec(files: Vec<String>) -> impl Strategy<Value = String> {
    let files = if files.is_empty() {
        vec!["/nonexistent".to_string()]
    } else {
        files
    };
    prop_oneof![
        (
            prop::sample::select(vec!["ball", "cube", "grid1d"]),
            number(),
            number()
        )
            .prop_map(|(k, a, m)| format!("{k}:{a}:{m}")),
        number().prop_map(|m| format!("gauss:{m}")),
        (
            prop::sample::select(vec!["csv:", "npy:", ""]),
            prop::sample::select(files)
        )
            .prop_map(|(p, f)| format!("{p}{f}")),
        prop::sample::select(vec![
            "csv:/dev/zero",
            "npy:/dev/zero",
            "csv:/",
            "x.csv",
            "ball:1",
            "ball:1:2:3",
            ":",
            "",
            "csv:/dev/null",
            "npy:/dev/null",
        ])
        .prop_map(String::from),
        "[a-z0-9:./]{0,16}",
    ]
}

fn init_name() -> impl Strategy<Value = String> {
    prop_oneof![prop::sample::select(vec![
        "he-normal",
        "he-uniform",
        "glorot-normal",
        "glorot-uniform",
        "lecun-normal",
        "standard-normal",
        "rai",
        "data-dependent",
        "nope",
        "",
    ])
    .prop_map(String::from),]
}

fn bias_spec() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("zero".to_string()),
        (
            prop::sample::select(vec!["normal", "uniform", "beta", ""]),
            number()
        )
            .prop_map(|(k, v)| format!("{k}:{v}")),
        "[a-z:0-9.e-]{0,12}",
    ]
}

/// A small valid network and its files (the seeds of the mutations).
fn seeds() -> (Vec<u8>, Vec<u8>, String, String) {
    let net = Network::new(vec![
        Layer {
            weight: DMatrix::from_row_slice(2, 1, &[1.0, -1.0]),
            bias: DVector::from_vec(vec![0.1, 0.2]),
        },
        Layer {
            weight: DMatrix::from_row_slice(1, 2, &[0.5, 0.5]),
            bias: DVector::from_vec(vec![0.0]),
        },
    ])
    .unwrap();
    let st = to_safetensors_bytes(&net, Storage::F32).unwrap();
    let npy = npy("<f8", false, "(3, 1)", &f64_bytes(&[-1.0, 0.0, 1.0]));
    (
        st,
        npy,
        "x\n-1\n0\n1\n".to_string(),
        "k1,k2\n2,1\n1,0\n".to_string(),
    )
}

/// Mutations of a byte string: flips, inserts, deletes, truncation, and
/// splicing a boundary number into the text.
#[derive(Clone, Debug)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    Number(usize, String),
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let m = prop_oneof![
        3 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        2 => (any::<usize>(), number()).prop_map(|(i, s)| Mutation::Number(i, s)),
    ];
    prop::collection::vec(m, 0..6)
}

fn mutate(seed: &[u8], ms: &[Mutation]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for m in ms {
        let n = b.len().max(1);
        match m {
            Mutation::Set(i, v) => {
                if !b.is_empty() {
                    let k = i % b.len();
                    b[k] = *v;
                }
            }
            Mutation::Insert(i, v) => {
                let k = i % (b.len() + 1);
                b.splice(k..k, v.iter().copied());
            }
            Mutation::Delete(i, len) => {
                let k = i % n;
                let e = (k + len).min(b.len());
                if k < e {
                    b.drain(k..e);
                }
            }
            Mutation::Truncate(i) => b.truncate(i % n),
            Mutation::Number(i, s) => {
                // replace the first run of digits at or after i by s
                let k = i % n;
                if let Some(st) = (k..b.len()).find(|&j| b[j].is_ascii_digit()) {
                    let e = (st..b.len())
                        .find(|&j| !b[j].is_ascii_digit())
                        .unwrap_or(b.len());
                    b.splice(st..e, s.bytes());
                }
            }
        }
    }
    b
}

/// Any error is fine except a numerical failure, which the crate documents
/// as never expected.
fn typed(r: Result<impl Sized, Error>) -> Result<(), TestCaseError> {
    match r {
        Err(Error::Numerical(m)) => Err(TestCaseError::fail(format!("numerical failure: {m}"))),
        _ => Ok(()),
    }
}

fn value_parsers(cases: u32) {
    check(
        cases,
        prop_oneof![number(), list(number(), 5), ".{0,24}"],
        |s| {
            let _ = cli::args::parse_width(&s);
            let _ = cli::args::parse_widths(&s);
            if let Ok(m) = cli::args::parse_min_widths(&s) {
                for d in [0, 1, 3, 1000] {
                    let _ = m.for_depth(d);
                }
            }
            let _ = s.parse::<BiasInit>();
            let _ = s.parse::<InitScheme>();
            let _ = s.parse::<Storage>();
            let _ = InitScheme::from_cli(&s, &s);
            Ok(())
        },
    );
    // exact rationals and probabilities, with bounded digits and exponents
    let rational = prop_oneof![
        "[0-9]{1,6}(\\.[0-9]{0,6})?(e-?[0-9]{1,3})?",
        "[0-9]{1,6}/[0-9]{1,6}",
        number(),
    ];
    check(cases, rational, |s| {
        let _ = cli::args::parse_prob(&s);
        let _ = cli::args::parse_exact(&s);
        Ok(())
    });
    check(cases, (init_name(), bias_spec()), |(i, b)| {
        let _ = InitScheme::from_cli(&i, &b);
        Ok(())
    });
}

fn data_sources(cases: u32) {
    let dir = tempfile::tempdir().unwrap();
    let (_, npy, csv, _) = seeds();
    let f_csv = dir.path().join("d.csv");
    let f_npy = dir.path().join("d.npy");
    std::fs::write(&f_csv, &csv).unwrap();
    std::fs::write(&f_npy, &npy).unwrap();
    let files = vec![f_csv.display().to_string(), f_npy.display().to_string()];
    check(
        cases,
        (data_spec(files), 0usize..5, any::<u64>()),
        |(spec, d, seed)| typed(load_data(&spec, d, &mut sample_rng(seed, u64::MAX))),
    );
}

fn file_parsers(cases: u32) {
    let (st, npy, csv, samples) = seeds();
    check(
        cases,
        (mutations(), prop::sample::select(vec![0u8, 1, 2, 3])),
        move |(ms, which)| {
            match which {
                0 => {
                    let b = mutate(csv.as_bytes(), &ms);
                    typed(parse_csv(&String::from_utf8_lossy(&b), "fuzz"))
                }
                1 => typed(parse_npy(&mutate(&npy, &ms), "fuzz")),
                2 => {
                    let r = from_safetensors_bytes(&mutate(&st, &ms));
                    if let Ok(net) = &r {
                        // a network that parses also runs a census
                        let d = relu_trainability::sim::Dataset::new(DMatrix::from_element(
                            2,
                            net.input_dim(),
                            0.5,
                        ));
                        if let Ok(d) = d {
                            typed(relu_trainability::census::census(net, &d))?;
                        }
                    }
                    typed(r)
                }
                _ => {
                    let b = mutate(samples.as_bytes(), &ms);
                    typed(parse_samples(&String::from_utf8_lossy(&b), &[2, 2], "fuzz"))
                }
            }
        },
    );
    // arbitrary text and bytes too
    check(
        cases,
        (".{0,200}", prop::collection::vec(any::<u8>(), 0..200)),
        |(t, b)| {
            typed(parse_csv(&t, "fuzz"))?;
            typed(parse_samples(&t, &[1, 3], "fuzz"))?;
            typed(parse_npy(&b, "fuzz"))?;
            typed(from_safetensors_bytes(&b))
        },
    );
}

/// Argument lists for the commands this suite drives with any numbers
/// (their costs are under the `--max-*` budgets) and, with small numbers,
/// the exact-engine commands.
fn argv(files: Vec<String>, out: String) -> impl Strategy<Value = Vec<String>> {
    let flag = |name: &'static str, v: BoxedStrategy<String>| {
        prop::option::of(v)
            .prop_map(move |v| v.map(|v| vec![format!("--{name}"), v]).unwrap_or_default())
    };
    let n = || prop_oneof![2 => (1u32..9).prop_map(|v| v.to_string()), 1 => number()].boxed();
    let req = |name: &'static str, v: BoxedStrategy<String>| prop_oneof![9 => v.prop_map(move |v| vec![format!("--{name}"), v]), 1 => Just(vec![])];
    let widths = || {
        prop_oneof![1 => list(number(), 3), 3 => list((1u32..9).prop_map(|v| v.to_string()), 3)]
            .boxed()
    };
    let fmt = || {
        prop::sample::select(vec![
            "table".to_string(),
            "json".to_string(),
            "xml".to_string(),
        ])
        .boxed()
    };
    let data = data_spec(files.clone()).boxed();
    let model = prop::sample::select(
        files
            .iter()
            .cloned()
            .chain(["/dev/zero".to_string(), "/nonexistent".to_string()])
            .collect::<Vec<_>>(),
    )
    .boxed();
    let simulate = (
        req("input-dim", n()),
        req("widths", widths()),
        flag("init", init_name().boxed()),
        flag("bias", bias_spec().boxed()),
        req("data", data.clone()),
        flag("samples", n()),
        flag("threads", n()),
        flag("format", fmt()),
    )
        .prop_map(|t| {
            [
                vec!["simulate".to_string()],
                t.0,
                t.1,
                t.2,
                t.3,
                t.4,
                t.5,
                t.6,
                t.7,
            ]
            .concat()
        });
    let init = (
        req("input-dim", n()),
        req("widths", widths()),
        flag("init", init_name().boxed()),
        flag("bias", bias_spec().boxed()),
        flag("data", data.clone()),
        flag("output-dim", n()),
        flag(
            "dtype",
            prop::sample::select(vec![
                "f32".to_string(),
                "f64".to_string(),
                "f16".to_string(),
            ])
            .boxed(),
        ),
        Just(vec!["--out".to_string(), out]),
    )
        .prop_map(|t| {
            [
                vec!["init".to_string()],
                t.0,
                t.1,
                t.2,
                t.3,
                t.4,
                t.5,
                t.6,
                t.7,
            ]
            .concat()
        });
    let census = (
        req("model", model),
        req("data", data),
        flag("format", fmt()),
        any::<bool>(),
    )
        .prop_map(|t| {
            [
                vec!["census".to_string()],
                t.0,
                t.1,
                t.2,
                if t.3 {
                    vec!["--indices".to_string()]
                } else {
                    vec![]
                },
            ]
            .concat()
        });
    let train = (
        req("widths", widths()),
        flag(
            "task",
            prop::sample::select(vec![
                "abs-1d".to_string(),
                "ridge-2d".to_string(),
                "x".to_string(),
            ])
            .boxed(),
        ),
        flag("points", n()),
        flag("init", init_name().boxed()),
        flag("bias", bias_spec().boxed()),
        req("steps", small().boxed()),
        flag("lr", n()),
        flag(
            "optimizer",
            prop::sample::select(vec![
                "adam".to_string(),
                "gd".to_string(),
                "sgd".to_string(),
            ])
            .boxed(),
        ),
    )
        .prop_map(|t| {
            [
                vec!["train".to_string()],
                t.0,
                t.1,
                t.2,
                t.3,
                t.4,
                t.5,
                t.6,
                t.7,
            ]
            .concat()
        });
    let exactish = (
        prop::sample::select(vec!["exact", "approx", "table", "width", "depth"]),
        flag("widths", list(small(), 3).boxed()),
        flag(
            "q1",
            prop_oneof![small(), Just("1/3".to_string()), Just("0.25".to_string())].boxed(),
        ),
        flag("max-width", small().boxed()),
        flag("max-depth", small().boxed()),
        flag("depth", small().boxed()),
        flag("width", small().boxed()),
        flag("format", fmt()),
    )
        .prop_map(|t| [vec![t.0.to_string()], t.1, t.2, t.3, t.4, t.5, t.6, t.7].concat());
    let budgets = (
        flag("max-seconds", n()),
        flag("max-memory-mb", n()),
        flag("max-input-mb", n()),
    );
    (
        prop_oneof![3 => simulate, 3 => init, 2 => census, 2 => train, 1 => exactish],
        budgets,
    )
        .prop_map(|(a, b)| {
            // budgets from the generator are ignored unless smaller than ours
            let mut v = vec!["trainability".to_string()];
            v.extend(a);
            for (flag, val) in [b.0, b.1, b.2]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .chunks(2)
                .map(|c| (c[0].clone(), c[1].clone()))
            {
                if val.parse::<f64>().is_ok_and(|x| x < 0.5) {
                    v.push(flag);
                    v.push(val);
                }
            }
            v
        })
}

fn dispatch(cases: u32) {
    let dir = tempfile::tempdir().unwrap();
    let (st, npy, csv, _) = seeds();
    let paths = [
        ("m.safetensors", st),
        ("d.npy", npy),
        ("d.csv", csv.into_bytes()),
    ];
    let mut files = vec![];
    for (n, b) in &paths {
        let p = dir.path().join(n);
        std::fs::write(&p, b).unwrap();
        files.push(p.display().to_string());
    }
    let out = dir.path().join("out.safetensors").display().to_string();
    check(cases, argv(files, out), |args| {
        let Ok(mut cli) = Cli::try_parse_from(&args) else {
            return Ok(());
        };
        PARSED.fetch_add(1, Ordering::Relaxed);
        // our budgets, unless the generated ones are smaller
        let l = small_limits();
        cli.max_seconds = Some(
            cli.max_seconds
                .map_or(l.max_seconds, |v| v.min(l.max_seconds)),
        );
        cli.max_memory_mb = Some(cli.max_memory_mb.map_or(64.0, |v| v.min(64.0)));
        cli.max_input_mb = Some(cli.max_input_mb.map_or(1.0, |v| v.min(1.0)));
        let t = Instant::now();
        let (r, _out) = cli::out::capture(|| cli::run(cli));
        prop_assert!(
            t.elapsed() < Duration::from_secs(10),
            "{args:?} took {:?}",
            t.elapsed()
        );
        if r.is_ok() {
            SUCCEEDED.fetch_add(1, Ordering::Relaxed);
        }
        typed(r).map_err(|e| TestCaseError::fail(format!("{args:?}: {e}")))
    });
}

// spec: ALG-LIMITS
#[test]
fn fuzz_value_parsers() {
    value_parsers(CI_CASES);
}

// spec: ALG-DATA, ALG-LIMITS
#[test]
fn fuzz_data_sources() {
    data_sources(CI_CASES);
}

// spec: FMT-SAFETENSORS, FMT-CHECK-CSV, ALG-DATA
#[test]
fn fuzz_file_parsers() {
    file_parsers(CI_CASES * 2);
}

// spec: ALG-LIMITS, FMT-OUTPUT
#[test]
fn fuzz_cli_dispatch() {
    let (p0, s0) = (
        PARSED.load(Ordering::Relaxed),
        SUCCEEDED.load(Ordering::Relaxed),
    );
    dispatch(CI_CASES * 4);
    // the generator reaches the commands (not only clap's rejections),
    // and some of them succeed
    let (p, s) = (
        PARSED.load(Ordering::Relaxed) - p0,
        SUCCEEDED.load(Ordering::Relaxed) - s0,
    );
    assert!(
        p > CI_CASES as u64 / 2 && s > 5,
        "parsed {p}, succeeded {s}"
    );
}

// spec: ALG-DATA
#[test]
fn mutations_do_mutate() {
    // the generators can fail: a mutated npy seed is not always valid
    let (_, npy, _, _) = seeds();
    assert!(parse_npy(&npy, "seed").is_ok());
    assert!(parse_npy(&mutate(&npy, &[Mutation::Truncate(60)]), "t").is_err());
    let big = mutate(&npy, &[Mutation::Number(40, "4294967296".into())]);
    assert!(String::from_utf8_lossy(&big).contains("4294967296"));
    assert!(parse_npy(&big, "t").is_err());
}

/// The long campaign: many more cases of every property.
#[test]
#[ignore]
fn campaign() {
    let t = Instant::now();
    RUNS.store(0, Ordering::Relaxed);
    value_parsers(CAMPAIGN_CASES);
    data_sources(CAMPAIGN_CASES);
    file_parsers(CAMPAIGN_CASES * 2);
    dispatch(CAMPAIGN_CASES * 2);
    println!(
        "fuzz campaign: {} runs ({} command lines parsed and ran, {} succeeded), 0 failures, {:.1} s",
        RUNS.load(Ordering::Relaxed),
        PARSED.load(Ordering::Relaxed),
        SUCCEEDED.load(Ordering::Relaxed),
        t.elapsed().as_secs_f64()
    );
}
