//! The README's "Validate your PyTorch init in three commands": the shell
//! commands are extracted from README.md and run for real, on the files
//! `export.py` would write (points as `np.savetxt` writes them, the
//! state_dict of the documented `nn.Sequential` with the byte layout of
//! `save_file`); the names and shapes the loading snippet expects are those
//! `init` writes; both Python snippets parse (when python3 is installed;
//! torch is not needed for that).
// spec: FMT-STATE-DICT, FMT-SAFETENSORS, FMT-DATA-TEXT

use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;
use std::collections::BTreeMap;
use std::path::Path;

const HEADING: &str = "### Validate your PyTorch init in three commands";

/// (language, code) of each fenced block of the section.
fn section_blocks() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find(HEADING).expect("the README section exists");
    let rest = &readme[start + HEADING.len()..];
    let end = rest.find("\n### ").unwrap_or(rest.len());
    let mut blocks = Vec::new();
    let mut lines = rest[..end].lines();
    while let Some(l) = lines.next() {
        if let Some(lang) = l.strip_prefix("```") {
            let code: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            blocks.push((lang.to_string(), code.join("\n")));
        }
    }
    blocks
}

/// (in, out) of every `nn.Linear(in, out)` in a snippet.
fn linears(code: &str) -> Vec<(usize, usize)> {
    code.split("nn.Linear(")
        .skip(1)
        .map(|s| {
            let args: Vec<usize> = s[..s.find(')').unwrap()]
                .split(',')
                .map(|a| a.trim().parse().unwrap())
                .collect();
            (args[0], args[1])
        })
        .collect()
}

/// Python's '%.18e' (what np.savetxt writes): Rust's `{:.18e}` digits with
/// a signed, at least two-digit exponent.
fn pct_18e(v: f64) -> String {
    let s = format!("{v:.18e}");
    let (m, e) = s.split_once('e').unwrap();
    let e: i32 = e.parse().unwrap();
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

#[test]
fn pct_18e_matches_python() {
    // values printed by Python's "%.18e" % v
    assert_eq!(pct_18e(0.1), "1.000000000000000056e-01");
    assert_eq!(pct_18e(-2.5), "-2.500000000000000000e+00");
    assert_eq!(pct_18e(1e-3), "1.000000000000000021e-03");
    assert_eq!(pct_18e(0.0), "0.000000000000000000e+00");
    assert_eq!(pct_18e(1e100), "1.000000000000000016e+100");
}

#[test]
fn the_three_commands_run_and_match_the_snippets() {
    let blocks = section_blocks();
    let py: Vec<&String> = blocks
        .iter()
        .filter(|b| b.0 == "python")
        .map(|b| &b.1)
        .collect();
    let sh: Vec<&String> = blocks
        .iter()
        .filter(|b| b.0 == "sh")
        .map(|b| &b.1)
        .collect();
    assert_eq!((py.len(), sh.len()), (2, 1), "{blocks:?}");
    let (export, load) = (py[0], py[1]);
    // complete as pasted: imports, dtypes, the files the commands use
    for needle in [
        "import numpy as np",
        "import torch\n",
        "import torch.nn as nn",
        "from safetensors.torch import save_file",
        "np.savetxt(\"points.txt\", X)",
        "save_file(model.state_dict(), \"model.safetensors\")",
    ] {
        assert!(export.contains(needle), "export.py lacks {needle:?}");
    }
    for needle in [
        "import numpy as np",
        "import torch\n",
        "from safetensors.torch import load_file",
        "load_state_dict(load_file(\"dd.safetensors\"))",
        "np.loadtxt(\"points.txt\")).float()",
        "model.double()",
    ] {
        assert!(
            load.contains(needle),
            "the loading snippet lacks {needle:?}"
        );
    }
    let arch = linears(export);
    assert_eq!(linears(load), arch, "both snippets build the same network");
    let commands: Vec<&str> = sh[0]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(commands.len(), 3, "{commands:?}");
    assert_eq!(commands[0], "python3 export.py");

    // what export.py writes: 256 points in [-1, 1]^2 as np.savetxt, and the
    // state_dict of the nn.Sequential (PyTorch's default init bounds)
    let dir = tempfile::tempdir().unwrap();
    let mut s = 0x2545f4914f6cdd1du64;
    let mut uniform = |a: f64| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        a * (2.0 * (s >> 11) as f64 / (1u64 << 53) as f64 - 1.0)
    };
    let d = arch[0].0;
    let text: String = (0..256)
        .map(|_| {
            let row: Vec<String> = (0..d).map(|_| pct_18e(uniform(1.0))).collect();
            row.join(" ") + "\n"
        })
        .collect();
    std::fs::write(dir.path().join("points.txt"), text).unwrap();
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (k, &(i, o)) in arch.iter().enumerate() {
        let bound = 1.0 / (i as f64).sqrt();
        let mut vals = |n: usize| -> Vec<u8> {
            (0..n)
                .flat_map(|_| (uniform(bound) as f32).to_le_bytes())
                .collect()
        };
        tensors.push((format!("{}.weight", 2 * k), vec![o, i], vals(o * i)));
        tensors.push((format!("{}.bias", 2 * k), vec![o], vals(o)));
    }
    let views: Vec<(String, TensorView)> = tensors
        .iter()
        .map(|(n, s, b)| {
            (
                n.clone(),
                TensorView::new(Dtype::F32, s.clone(), b).unwrap(),
            )
        })
        .collect();
    std::fs::write(
        dir.path().join("model.safetensors"),
        safetensors::serialize(views, &None).unwrap(),
    )
    .unwrap();

    // the two trainability commands, as printed
    let bin = assert_cmd::cargo::cargo_bin("trainability");
    for c in &commands[1..] {
        let words: Vec<&str> = c.split_whitespace().collect();
        assert_eq!(words[0], "trainability");
        let out = std::process::Command::new(&bin)
            .args(&words[1..])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{c}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if words[1] == "census" {
            assert!(stdout.contains("census on 256 points"), "{stdout}");
            assert!(
                stdout.contains("model: 0 [16, 2] -> 2 [16, 16] -> 4 [1, 16]"),
                "{stdout}"
            );
        } else {
            assert!(stdout.contains("permanently dead 0"), "{stdout}");
        }
    }
    // dd.safetensors has exactly the keys and shapes the loading snippet's
    // nn.Sequential expects, float32
    let bytes = std::fs::read(dir.path().join("dd.safetensors")).unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let got: BTreeMap<String, (Vec<usize>, Dtype)> = st
        .tensors()
        .into_iter()
        .map(|(n, t)| (n, (t.shape().to_vec(), t.dtype())))
        .collect();
    let want: BTreeMap<String, (Vec<usize>, Dtype)> = arch
        .iter()
        .enumerate()
        .flat_map(|(k, &(i, o))| {
            [
                (format!("{}.weight", 2 * k), (vec![o, i], Dtype::F32)),
                (format!("{}.bias", 2 * k), (vec![o], Dtype::F32)),
            ]
        })
        .collect();
    assert_eq!(got, want);

    // the snippets are valid Python (syntax only; skipped without python3)
    for code in [export, load] {
        let Ok(out) = std::process::Command::new("python3")
            .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(code.as_bytes())?;
                child.wait_with_output()
            })
        else {
            eprintln!("python3 not found: snippet syntax not checked");
            return;
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
