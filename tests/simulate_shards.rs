//! Sharded Monte Carlo: `simulate --shard K/N` parts merged by
//! `trainability merge` give, byte for byte, the report of the run made in
//! one piece (histograms, GOF p-values, agreement, table and JSON), for any
//! order of the part files; every inconsistent set of parts is refused.
// spec: ALG-MC-SHARD, FMT-SIMULATE-PART, ALG-MC-SEEDS

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn run(args: &[&str]) -> Vec<u8> {
    let out = Command::cargo_bin("trainability")
        .unwrap()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    out
}

fn refused(args: &[&str], needle: &str) {
    let a = Command::cargo_bin("trainability")
        .unwrap()
        .args(args)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.starts_with("error:"), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err}");
}

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes the parts of `n` shards of `sim` into `d`; returns their paths.
fn parts(d: &Path, sim: &[&str], n: u64) -> Vec<String> {
    (1..=n)
        .map(|k| {
            let p = d.join(format!("part-{k}-of-{n}.json"));
            let shard = format!("{k}/{n}");
            let mut args = vec!["simulate"];
            args.extend_from_slice(sim);
            args.extend_from_slice(&["--shard", &shard]);
            std::fs::write(&p, run(&args)).unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect()
}

fn merged(paths: &[String], format: &str) -> Vec<u8> {
    let mut args = vec!["merge", "--format", format];
    args.extend(paths.iter().map(String::as_str));
    run(&args)
}

fn single(sim: &[&str], format: &str) -> Vec<u8> {
    let mut args = vec!["simulate", "--format", format];
    args.extend_from_slice(sim);
    run(&args)
}

#[test]
fn four_shards_merge_to_the_single_run_byte_for_byte() {
    let d = dir("shards_generated");
    // 3001 samples: shards of 750 and 751, not multiples of the 64-sample chunk
    let sim = [
        "--input-dim",
        "2",
        "--widths",
        "6,6,6",
        "--bias",
        "normal:0.5",
        "--data",
        "cube:1:64",
        "--samples",
        "3001",
        "--seed",
        "7",
    ];
    let mut ps = parts(&d, &sim, 4);
    for format in ["json", "table"] {
        assert_eq!(merged(&ps, format), single(&sim, format), "{format}");
    }
    // the order of the files does not matter
    ps.reverse();
    assert_eq!(merged(&ps, "json"), single(&sim, "json"));
    // the report has the GOF p-values of the whole run
    let v: serde_json::Value = serde_json::from_slice(&merged(&ps, "json")).unwrap();
    assert_eq!(
        v["samples"].as_u64().or(v["config"]["samples"].as_u64()),
        Some(3001)
    );
}

#[test]
fn shards_of_a_data_file_and_more_shards_than_chunks() {
    let d = dir("shards_file");
    let csv = d.join("x.csv");
    let rows: String = (0..40)
        .map(|i| format!("{} {}\n", (i as f64 * 0.37).sin(), (i as f64 * 0.91).cos()))
        .collect();
    std::fs::write(&csv, rows).unwrap();
    let data = format!("csv:{}", csv.display());
    let sim = [
        "--input-dim",
        "2",
        "--widths",
        "4,4",
        "--data",
        &data,
        "--header",
        "no",
        "--samples",
        "200",
        "--seed",
        "3",
    ];
    // 7 shards of ~29 samples, each smaller than one work chunk
    let ps = parts(&d, &sim, 7);
    assert_eq!(merged(&ps, "json"), single(&sim, "json"));
    // a data file changed after the shards ran is detected
    std::fs::write(&csv, "0 1\n1 0\n").unwrap();
    let mut args = vec!["merge"];
    args.extend(ps.iter().map(String::as_str));
    refused(&args, "not the data the shards ran on");
}

#[test]
fn inconsistent_parts_are_refused() {
    let d = dir("shards_bad");
    let sim = [
        "--input-dim",
        "1",
        "--widths",
        "3,3",
        "--data",
        "grid1d:1:9",
        "--samples",
        "100",
    ];
    let ps = parts(&d, &sim, 3);
    let merge = |files: &[&str], needle: &str| {
        let mut args = vec!["merge"];
        args.extend_from_slice(files);
        refused(&args, needle);
    };
    merge(&[&ps[0], &ps[1]], "every shard 1..=3 is needed");
    merge(&[&ps[0], &ps[1], &ps[1]], "given twice");
    // a part of another run (other seed)
    let other: Vec<&str> = sim.iter().copied().chain(["--seed", "9"]).collect();
    let o = parts(&dir("shards_other"), &other, 3);
    merge(&[&ps[0], &ps[1], &o[2]], "different run");
    // edited counts
    let edited = d.join("edited.json");
    let text = std::fs::read_to_string(&ps[2]).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["non_pd"][0][0] = serde_json::json!(v["non_pd"][0][0].as_u64().unwrap() + 1);
    std::fs::write(&edited, v.to_string()).unwrap();
    merge(
        &[&ps[0], &ps[1], edited.to_str().unwrap()],
        "do not match shard 3/3",
    );
    // not a part file at all
    let junk = d.join("junk.json");
    std::fs::write(&junk, "{\"schema\": 1}").unwrap();
    merge(&[junk.to_str().unwrap()], "not a part file");
    // bad --shard values
    for bad in ["0/3", "4/3", "1/0", "x"] {
        let mut args = vec!["simulate"];
        args.extend_from_slice(&sim);
        args.extend_from_slice(&["--shard", bad]);
        let a = Command::cargo_bin("trainability")
            .unwrap()
            .args(&args)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(err.contains("--shard takes K/N"), "{err}");
    }
}
