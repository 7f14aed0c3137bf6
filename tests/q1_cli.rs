//! `trainability q1` on the command line (spec FMT-Q1) and the
//! torch-default initializer (ALG-INIT-TORCH).

mod oracle_support;

use assert_cmd::Command;
use oracle_support::write;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::init::{initialize, Architecture, InitScheme};
use relu_trainability::sim::Dataset;

fn run(args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("trainability")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap(),
    )
}

fn circle_csv(n: usize) -> String {
    // Rust's f64 Display round-trips, so the file holds the exact f64 points
    (0..n)
        .map(|k| {
            let t = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
            format!("{},{}\n", t.cos(), t.sin())
        })
        .collect()
}

// spec: FMT-Q1, THM-Q1-TORCH-CIRCLE
#[test]
fn cli_256_circle_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(&dir, "circle.csv", &circle_csv(256));
    let want = 32.0 / 3.0 * (std::f64::consts::PI / 256.0).tan();
    let (out, _, code) = run(&["q1", "--data", &data, "--init", "torch-default"]);
    assert_eq!(code, 0);
    assert!(out.contains("source: closed form THM-Q1-POLYTOPE"), "{out}");
    assert!(out.contains("digits; --format json prints it"), "{out}");
    let v: f64 = out.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!((v - want).abs() < 1e-12);
    let (out, _, code) = run(&[
        "q1",
        "--data",
        &data,
        "--init",
        "torch-default",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["q1"]["kind"], "exact");
    assert!((j["q1"]["value"].as_f64().unwrap() - want).abs() < 1e-12);
    let pq = j["q1"]["exact"].as_str().unwrap();
    assert!(pq.contains('/') && pq.len() > 1000);
    assert_eq!(j["data"]["points"], 256);
    assert_eq!(j["init"], "torch-default");
    assert_eq!(j["bias"], "fan-in");
    // a small exact value prints as p/q; a bounded one with its bound
    let sq = write(&dir, "sq.csv", "1,0\n2,1\n");
    let (out, _, _) = run(&["q1", "--data", &sq, "--init", "he-uniform"]);
    assert!(out.starts_with("q1 = 7/16 (exact)"), "{out}");
    let (out, _, _) = run(&["q1", "--data", &sq]);
    assert!(out.contains("(f64 with a proven rounding bound)"), "{out}");
    assert!(out.contains("closed form THM-Q1-CONE"), "{out}");
}

// spec: FMT-Q1, ALG-Q1-MC
#[test]
fn cli_monte_carlo_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(&dir, "x.csv", "1,0\n0.5,0.5\n0.2,0.9\n");
    let args = |t: &'static str| {
        vec![
            "q1",
            "--data",
            &data,
            "--init",
            "rai",
            "--samples",
            "30000",
            "--seed",
            "3",
            "--format",
            "json",
            "--threads",
            t,
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let a1 = args("1");
    let (o1, _, c1) = run(&a1.iter().map(String::as_str).collect::<Vec<_>>());
    let a2 = args("2");
    let (o2, _, c2) = run(&a2.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!((c1, c2), (0, 0));
    assert_eq!(o1, o2, "thread count changed the result");
    let j: serde_json::Value = serde_json::from_str(&o1).unwrap();
    let q = &j["q1"];
    assert_eq!(q["kind"], "interval");
    assert_eq!(q["samples"], 30000);
    assert_eq!(q["seed"], 3);
    assert_eq!(q["confidence"], 0.99);
    let (lo, hi, e) = (
        q["lo"].as_f64().unwrap(),
        q["hi"].as_f64().unwrap(),
        q["estimate"].as_f64().unwrap(),
    );
    assert!(lo < e && e < hi);
    assert_eq!(j["source"], "monte carlo n=30000, seed=3 (ALG-Q1-MC)");
    // text form
    let (out, _, _) = run(&[
        "q1",
        "--data",
        &data,
        "--init",
        "rai",
        "--samples",
        "30000",
        "--confidence",
        "0.9",
    ]);
    assert!(out.contains("at confidence 0.9 (Clopper-Pearson;"), "{out}");
}

// spec: FMT-Q1, ALG-Q1-DISPATCH
#[test]
fn cli_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(&dir, "x.csv", "1,0\n0.5,0.5\n");
    let nan = write(&dir, "nan.csv", "1,0\nnan,0.5\n");
    let missing = dir.path().join("none.csv").display().to_string();
    for args in [
        vec!["q1", "--data", &missing],
        vec!["q1", "--data", &nan],
        vec![
            "q1",
            "--data",
            &data,
            "--init",
            "rai",
            "--confidence",
            "1.5",
        ],
        vec!["q1", "--data", &data, "--init", "rai", "--samples", "0"],
        vec!["q1", "--data", &data, "--init", "data-dependent"],
        vec![
            "q1",
            "--data",
            &data,
            "--init",
            "glorot-uniform",
            "--bias",
            "uniform:1",
        ],
        vec!["q1", "--data", "gauss:10"],
        vec!["q1", "--data", &data, "--init", "bogus"],
        vec![
            "q1",
            "--data",
            &data,
            "--init",
            "rai",
            "--samples",
            "1000000000000",
        ],
    ] {
        let (_, err, code) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.starts_with("error:"), "{args:?}: {err}");
    }
    // a generated data set with its dimension works
    let (_, err, code) = run(&["q1", "--data", "gauss:10", "--input-dim", "3"]);
    assert_eq!(code, 0, "{err}");
}

// spec: ALG-INIT-TORCH
#[test]
fn torch_default_draws_documented_bounds() {
    let scheme = InitScheme::from_cli("torch-default", "fan-in").unwrap();
    let arch = Architecture::new(4, vec![3000, 9], 1).unwrap();
    let data = Dataset::from_rows(&[vec![0.0; 4]]).unwrap();
    let net = initialize(&scheme, &arch, &data, &mut ChaCha8Rng::seed_from_u64(1)).unwrap();
    for (layer, fan_in) in net.layers().iter().zip([4usize, 3000, 9]) {
        let a = 1.0 / (fan_in as f64).sqrt();
        let wmax = layer.weight.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(wmax < a, "fan-in {fan_in}: {wmax} >= {a}");
        let bmax = layer.bias.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(bmax < a);
        if layer.weight.len() >= 3000 {
            // P(max |w| < 0.99 a) = 0.99^n < 1e-13 for n >= 3000
            assert!(wmax > 0.99 * a);
        }
        if layer.bias.len() >= 3000 {
            assert!(bmax > 0.99 * a);
            assert!(layer.bias.iter().any(|&b| b < 0.0) && layer.bias.iter().any(|&b| b > 0.0));
        }
    }
}

// spec: ALG-INIT-TORCH
#[test]
fn torch_default_bias_flags() {
    use relu_trainability::init::random::default_bias;
    use relu_trainability::init::{BiasInit, WeightInit};
    // PyTorch's default when --bias is absent; an explicit law is obeyed
    assert_eq!(default_bias("torch-default"), "fan-in");
    assert_eq!(default_bias("he-normal"), "zero");
    let t = InitScheme::from_cli("torch-default", "fan-in").unwrap();
    assert_eq!(
        t,
        InitScheme::Random {
            weights: WeightInit::TorchDefault,
            bias: BiasInit::FanIn
        }
    );
    assert_eq!(
        InitScheme::from_cli("torch-default", "zero").unwrap(),
        InitScheme::Random {
            weights: WeightInit::TorchDefault,
            bias: BiasInit::Zero
        }
    );
    assert_eq!(
        InitScheme::from_cli("torch-default", "normal:1").unwrap(),
        InitScheme::Random {
            weights: WeightInit::TorchDefault,
            bias: BiasInit::Normal(1.0)
        }
    );
    assert_eq!(t.name(), "torch-default");
    // simulate uses the exact q1 of THM-Q1-POLYTOPE: X = {1/2, 2} gives 3/8
    let dir = tempfile::tempdir().unwrap();
    let data = write(&dir, "x.csv", "0.5\n2\n");
    let (out, err, code) = run(&[
        "simulate",
        "--input-dim",
        "1",
        "--widths",
        "3,2",
        "--init",
        "torch-default",
        "--data",
        &format!("csv:{data}"),
        "--samples",
        "3000",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let s = j.to_string();
    assert!(s.contains("THM-Q1-POLYTOPE"), "{s}");
    assert!(s.contains("0.375"), "{s}");
}

// spec: ALG-INIT-TORCH
#[test]
fn init_writes_torch_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.safetensors").display().to_string();
    let (_, err, code) = run(&[
        "init",
        "--init",
        "torch-default",
        "--input-dim",
        "3",
        "--widths",
        "400,5",
        "--out",
        &out,
        "--dtype",
        "f64",
        "--names",
        "sequential",
        "--seed",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&out).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let h: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    assert_eq!(h["__metadata__"]["init"], "torch-default");
    assert_eq!(h["__metadata__"]["bias"], "fan-in");
    let data = &bytes[8 + n..];
    let values = |name: &str| -> Vec<f64> {
        let t = &h[name];
        assert_eq!(t["dtype"], "F64");
        let (a, b) = (
            t["data_offsets"][0].as_u64().unwrap() as usize,
            t["data_offsets"][1].as_u64().unwrap() as usize,
        );
        data[a..b]
            .chunks(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect()
    };
    // fan-in 3, then 400, then 5: every weight and bias inside
    // (-1/sqrt(fan_in), 1/sqrt(fan_in)), and 1200 weights reach 0.98 of it
    // (P(all below) = 0.98^1200 < 1e-10)
    for (k, fan_in) in [(0, 3.0f64), (2, 400.0), (4, 5.0)] {
        let a = 1.0 / fan_in.sqrt();
        let w = values(&format!("{k}.weight"));
        let b = values(&format!("{k}.bias"));
        assert!(w.iter().chain(&b).all(|v| v.abs() < a), "layer {k}");
        if w.len() >= 1200 {
            assert!(w.iter().any(|v| v.abs() > 0.98 * a));
        }
    }
}

// spec: ALG-INIT-TORCH
#[test]
fn torch_default_with_an_explicit_zero_bias_writes_zero_biases() {
    // `--bias zero` is obeyed (zero biases, metadata "zero"); without
    // --bias the biases are PyTorch's fan-in law (metadata "fan-in")
    let dir = tempfile::tempdir().unwrap();
    for (bias, want) in [(Some("zero"), "zero"), (None, "fan-in")] {
        let out = dir
            .path()
            .join(format!("m-{want}.safetensors"))
            .display()
            .to_string();
        let mut args = vec![
            "init",
            "--init",
            "torch-default",
            "--input-dim",
            "2",
            "--widths",
            "50",
            "--out",
            &out,
            "--dtype",
            "f64",
            "--seed",
            "3",
        ];
        if let Some(b) = bias {
            args.extend_from_slice(&["--bias", b]);
        }
        let (_, err, code) = run(&args);
        assert_eq!(code, 0, "{err}");
        let bytes = std::fs::read(&out).unwrap();
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let h: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
        assert_eq!(h["__metadata__"]["bias"], want);
        let t = &h["layers.0.bias"];
        let (a, b) = (
            t["data_offsets"][0].as_u64().unwrap() as usize,
            t["data_offsets"][1].as_u64().unwrap() as usize,
        );
        let biases: Vec<f64> = bytes[8 + n + a..8 + n + b]
            .chunks(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(biases.len(), 50);
        let zeros = biases.iter().filter(|&&x| x == 0.0).count();
        if want == "zero" {
            assert_eq!(zeros, 50);
        } else {
            // U(-1/sqrt(2), 1/sqrt(2)) has no atom at 0
            assert_eq!(zeros, 0);
            assert!(biases.iter().all(|x| x.abs() < 1.0 / 2f64.sqrt()));
        }
    }
}
