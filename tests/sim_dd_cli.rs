//! `trainability simulate --init data-dependent`: the Monte Carlo of the
//! data-dependent initializer finds no dead neuron, with every data source,
//! and is deterministic for any thread count.

use assert_cmd::Command;
use serde_json::Value;

fn simulate(args: &[&str]) -> Value {
    let out = Command::cargo_bin("trainability")
        .unwrap()
        .arg("simulate")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

// spec: THM-DD-ACTIVE, ALG-MC-SEEDS
#[test]
fn data_dependent_monte_carlo_has_no_dead_neuron() {
    for (dim, widths, data) in [
        ("1", "2,2,2,2,2,2,2,2", "grid1d:1:21"),
        ("2", "8,3,8", "gauss:40"),
        ("3", "5,5", "ball:1:30"),
        ("2", "4,4,4", "cube:2:25"),
    ] {
        let args = [
            "--input-dim",
            dim,
            "--widths",
            widths,
            "--init",
            "data-dependent",
            "--data",
            data,
            "--samples",
            "300",
            "--seed",
            "9",
            "--format",
            "json",
        ];
        let v = simulate(&args);
        assert_eq!(v["born_dead_count"], 0);
        for layer in v["layers"].as_array().unwrap() {
            assert_eq!(layer["dead_fraction"].as_f64().unwrap(), 0.0, "{data}");
            let hist = layer["active_histogram"].as_array().unwrap();
            assert_eq!(
                hist.last().unwrap().as_u64().unwrap(),
                300,
                "{data}: every neuron active in every sample"
            );
        }
        let mut one = args.to_vec();
        one.extend(["--threads", "1"]);
        let mut two = args.to_vec();
        two.extend(["--threads", "2"]);
        assert_eq!(simulate(&one)["layers"], simulate(&two)["layers"]);
    }
}
