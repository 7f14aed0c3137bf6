//! `init --names layers|sequential|PREFIX` and the architecture in the
//! safetensors `__metadata__` (FMT-SAFETENSORS), checked on the raw file
//! header (parsed here, not by the reader under test), and read back by
//! `census` for every naming (FMT-STATE-DICT).
// spec: FMT-SAFETENSORS, FMT-STATE-DICT

use assert_cmd::Command;
use relu_trainability::init::data_dependent::Storage;
use relu_trainability::io::model::{from_safetensors_bytes, to_safetensors_bytes};
use safetensors::SafeTensors;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

fn bin() -> Command {
    Command::cargo_bin("trainability").unwrap()
}

/// The header text of a safetensors file, checked for the save_file layout:
/// 8-byte little-endian length, JSON padded with spaces to 8 bytes.
fn raw_header(bytes: &[u8]) -> String {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(n % 8, 0);
    let h = std::str::from_utf8(&bytes[8..8 + n]).unwrap();
    let body = h.trim_end_matches(' ');
    assert!(body.ends_with('}') && n - body.len() < 8, "{h:?}");
    body.to_string()
}

fn init(out: &Path, names: Option<&str>, extra: &[&str]) {
    let mut c = bin();
    c.args(["init", "--init", "he-normal", "--bias", "uniform:0.5"])
        .args(["--input-dim", "3", "--widths", "5,4", "--output-dim", "2"])
        .args(["--dtype", "f64", "--seed", "9", "--out"])
        .arg(out)
        .args(extra);
    if let Some(n) = names {
        c.args(["--names", n]);
    }
    c.assert().success();
}

#[test]
fn every_naming_has_the_documented_names_shapes_dtype_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let dims = [3usize, 5, 4, 2];
    for (names, prefix) in [
        (None, "layers."),
        (Some("layers"), "layers."),
        (Some("sequential"), ""),
        (Some("net"), "net."),
        (Some("net."), "net."),
        (Some("model.body"), "model.body."),
    ] {
        let out = dir.path().join("m.safetensors");
        init(&out, names, &[]);
        let bytes = std::fs::read(&out).unwrap();
        let text = raw_header(&bytes);
        assert!(text.starts_with("{\"__metadata__\":{"), "{text}");
        let h: Value = serde_json::from_str(&text).unwrap();
        let obj = h.as_object().unwrap();
        // exactly the tensors of the module, with shapes and contiguous data
        // in name order
        let mut want: Vec<(String, Vec<usize>)> = Vec::new();
        for k in 0..3 {
            want.push((
                format!("{prefix}{}.weight", 2 * k),
                vec![dims[k + 1], dims[k]],
            ));
            want.push((format!("{prefix}{}.bias", 2 * k), vec![dims[k + 1]]));
        }
        want.sort();
        let mut end = 0;
        for (name, shape) in &want {
            let t = &obj[name.as_str()];
            assert_eq!(t["dtype"], "F64", "{name}");
            assert_eq!(t["shape"], serde_json::json!(shape), "{name}");
            let (a, b) = (
                t["data_offsets"][0].as_u64().unwrap(),
                t["data_offsets"][1].as_u64().unwrap(),
            );
            assert_eq!(a, end, "{name}: data in name order");
            assert_eq!(b - a, 8 * shape.iter().product::<usize>() as u64);
            end = b;
            // the header lists tensors in that order too
            let pos = text.find(&format!("\"{name}\":")).unwrap();
            assert!(want
                .iter()
                .take_while(|(n, _)| n != name)
                .all(|(n, _)| text.find(&format!("\"{n}\":")).unwrap() < pos));
        }
        assert_eq!(obj.len(), want.len() + 1);
        assert_eq!(bytes.len(), 8 + raw_len(&bytes) + end as usize);
        let meta = &obj["__metadata__"];
        let label = match names {
            None | Some("layers") => "layers",
            Some("sequential") => "sequential",
            Some(_) => prefix,
        };
        for (k, v) in [
            ("format", "pt"),
            ("input_dim", "3"),
            ("widths", "5,4"),
            ("output_dim", "2"),
            ("dtype", "f64"),
            ("init", "he-normal"),
            ("bias", "uniform:0.5"),
            ("seed", "9"),
            ("names", label),
        ] {
            assert_eq!(meta[k], v, "{k} in {meta}");
        }
        assert!(meta["producer"]
            .as_str()
            .unwrap()
            .starts_with("relu-trainability "));
        // census reads every naming back, in order
        let o = bin()
            .args([
                "census", "--format", "json", "--data", "gauss:20", "--model",
            ])
            .arg(&out)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: Value = serde_json::from_slice(&o).unwrap();
        let read: Vec<&str> = v["model"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["weight"].as_str().unwrap())
            .collect();
        let expect: Vec<String> = (0..3)
            .map(|k| format!("{prefix}{}.weight", 2 * k))
            .collect();
        assert_eq!(read, expect);
        assert_eq!(v["model"]["dtype"], "F64");
    }
}

fn raw_len(bytes: &[u8]) -> usize {
    u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize
}

/// `nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4), nn.ReLU(),
/// nn.Linear(4, 2)).state_dict()` has exactly these keys and shapes
/// (children are named by position; ReLU has no tensors), so
/// `load_state_dict(load_file(path))` finds every key with its shape.
#[test]
fn sequential_names_are_what_nn_sequential_expects() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.safetensors");
    init(&out, Some("sequential"), &[]);
    let bytes = std::fs::read(&out).unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let got: HashMap<String, Vec<usize>> = st
        .tensors()
        .into_iter()
        .map(|(n, t)| (n, t.shape().to_vec()))
        .collect();
    let want: HashMap<String, Vec<usize>> = [
        ("0.weight", vec![5, 3]),
        ("0.bias", vec![5]),
        ("2.weight", vec![4, 5]),
        ("2.bias", vec![4]),
        ("4.weight", vec![2, 4]),
        ("4.bias", vec![2]),
    ]
    .into_iter()
    .map(|(n, s)| (n.to_string(), s))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn same_seed_same_bytes_and_bad_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        dir.path().join("a.safetensors"),
        dir.path().join("b.safetensors"),
    );
    init(&a, Some("net"), &[]);
    init(&b, Some("net"), &[]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    for bad in ["a-b", "net..x", ".x", "a b"] {
        let out = bin()
            .args([
                "init",
                "--init",
                "he-normal",
                "--input-dim",
                "2",
                "--widths",
                "3",
                "--names",
                bad,
                "--out",
            ])
            .arg(dir.path().join("c.safetensors"))
            .assert()
            .failure()
            .code(2)
            .get_output()
            .clone();
        let e = String::from_utf8(out.stderr).unwrap();
        assert!(e.contains("--names"), "{bad}: {e}");
    }
}

/// With the single metadata key of `to_safetensors_bytes`, the writer's
/// bytes equal the safetensors crate's serialization of the same tensors.
#[test]
fn writer_bytes_equal_the_crate_serialization() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.safetensors");
    init(&out, None, &[]);
    let net = from_safetensors_bytes(&std::fs::read(&out).unwrap()).unwrap();
    for storage in [Storage::F32, Storage::F64] {
        let mine = to_safetensors_bytes(&net, storage).unwrap();
        let st = SafeTensors::deserialize(&mine).unwrap();
        let meta: HashMap<String, String> = [("format".to_string(), "pt".to_string())].into();
        let theirs = safetensors::serialize(st.tensors(), &Some(meta)).unwrap();
        assert!(mine == theirs);
    }
}
