//! Sharded `reproduce`: the part files of `reproduce --shard K/N` merged by
//! `trainability merge --out DIR` give the same 22 files (CSV, JSON, SVG, PNG)
//! byte for byte, and the same summary, as the run made in one piece;
//! inconsistent parts are refused.
// spec: ALG-REPRODUCE-SHARD, FMT-REPRODUCE-PART, ALG-EXPERIMENTS

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const SMALL: [&str; 5] = ["--runs", "1", "--steps", "20", "--quiet"];

fn run(args: &[&str]) -> Vec<u8> {
    Command::cargo_bin("trainability")
        .unwrap()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn parts(d: &Path, extra: &[&str], n: u64) -> Vec<String> {
    (1..=n)
        .map(|k| {
            let p = d.join(format!("part-{k}.json"));
            let shard = format!("{k}/{n}");
            let mut args = vec!["reproduce", "--shard", &shard];
            args.extend_from_slice(&SMALL);
            args.extend_from_slice(extra);
            std::fs::write(&p, run(&args)).unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect()
}

/// Every file of `a` equals the file of the same name in `b`, and both have
/// the same names.
fn same_tree(a: &Path, b: &Path) {
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let (na, nb) = (names(a), names(b));
    assert_eq!(na, nb);
    assert_eq!(na.len(), 22, "{na:?}");
    for n in na {
        assert!(
            std::fs::read(a.join(&n)).unwrap() == std::fs::read(b.join(&n)).unwrap(),
            "{n} differs"
        );
    }
}

/// The summary table: stdout without its last line (timing or merge note).
fn summary(out: &[u8]) -> String {
    let s = String::from_utf8_lossy(out).to_string();
    let t = s.trim_end();
    t[..t.rfind('\n').unwrap()].to_string()
}

#[test]
fn three_shards_merge_to_the_single_run_file_for_file() {
    let d = dir("reproduce_shards");
    let single_dir = d.join("single");
    let mut args = vec!["reproduce", "--out", single_dir.to_str().unwrap()];
    args.extend_from_slice(&SMALL);
    let single = run(&args);
    let ps = parts(&d, &[], 3);
    let merged_dir = d.join("merged");
    let merged = run(&[
        "merge",
        "--out",
        merged_dir.to_str().unwrap(),
        &ps[2],
        &ps[0],
        &ps[1],
    ]);
    same_tree(&single_dir, &merged_dir);
    assert_eq!(summary(&single), summary(&merged));
    assert!(String::from_utf8_lossy(&merged).contains("from 3 part files"));
}

#[test]
fn inconsistent_reproduce_parts_are_refused() {
    let d = dir("reproduce_shards_bad");
    let ps = parts(&d, &[], 2);
    let other = parts(&dir("reproduce_shards_other"), &["--seed", "5"], 2);
    let refused = |files: &[&str], needle: &str| {
        let mut args = vec!["merge", "--out", "unused-out"];
        args.extend_from_slice(files);
        let a = Command::cargo_bin("trainability")
            .unwrap()
            .current_dir(&d)
            .args(&args)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(
            err.starts_with("error:") && err.contains(needle),
            "{needle}: {err}"
        );
    };
    refused(&[&ps[0]], "every shard 1..=2 is needed");
    refused(&[&ps[0], &other[1]], "different reproduce run");
    refused(&[&ps[1], &ps[1]], "given twice");
    // a simulate part among reproduce parts
    let sim = d.join("sim.json");
    std::fs::write(
        &sim,
        run(&[
            "simulate",
            "--input-dim",
            "1",
            "--widths",
            "2",
            "--data",
            "grid1d:1:5",
            "--samples",
            "10",
            "--shard",
            "2/2",
        ]),
    )
    .unwrap();
    refused(
        &[&ps[0], sim.to_str().unwrap()],
        "not a part file written by `reproduce --shard`",
    );
    // a damaged part (one run dropped)
    let text = std::fs::read_to_string(&ps[1]).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["runs"].as_array_mut().unwrap().pop();
    let damaged = d.join("damaged.json");
    std::fs::write(&damaged, v.to_string()).unwrap();
    refused(&[&ps[0], damaged.to_str().unwrap()], "edited or damaged");
    assert!(
        !d.join("unused-out").exists(),
        "a refused merge writes nothing"
    );
}
