//! Model layouts (FMT-STATE-DICT): the state_dicts PyTorch users save,
//! written byte for byte as `safetensors.torch.save_file` writes them by
//! tests/fixtures/make_state_dicts.py, are read through the binary, and
//! the census equals a plain-loop census written here from DEF-PD, DEF-TD
//! and DEF-ACTIVE on the tensors fetched by their hand-listed names.
// spec: FMT-STATE-DICT, FMT-SAFETENSORS, DEF-PD, DEF-TD, DEF-ACTIVE

use assert_cmd::Command;
use relu_trainability::io::state_dict::{find_chain, linear_chain, MAX_SEARCHED_MODULES};
use safetensors::tensor::TensorView;
use safetensors::SafeTensors;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/state_dicts")
}

fn bin() -> Command {
    Command::cargo_bin("trainability").unwrap()
}

/// Every model fixture with its Linear layers (weight module, has bias) in
/// forward order, as the PyTorch module in the script defines them.
fn layouts() -> Vec<(&'static str, Vec<(String, bool)>)> {
    let with_bias = |names: &[&str]| names.iter().map(|n| (n.to_string(), true)).collect();
    vec![
        ("fc", with_bias(&["fc1", "fc2", "fc3"])),
        ("net", with_bias(&["net.0", "net.2", "net.4"])),
        ("sequential", with_bias(&["0", "2", "4"])),
        ("sequential_f64", with_bias(&["0", "2", "4"])),
        ("layers", with_bias(&["layers.0", "layers.2", "layers.4"])),
        ("fc12", (1..=12).map(|k| (format!("fc{k}"), true)).collect()),
        (
            "nobias",
            vec![("0".into(), false), ("2".into(), true), ("4".into(), false)],
        ),
        ("body_head", with_bias(&["body.0", "body.2", "head"])),
    ]
}

/// (rows, cols, row-major values) of a tensor stored as F32 or F64.
fn matrix(st: &SafeTensors, name: &str) -> (usize, usize, Vec<f64>) {
    let t = st.tensor(name).unwrap();
    let vals: Vec<f64> = match t.dtype() {
        safetensors::Dtype::F32 => t
            .data()
            .chunks(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()) as f64)
            .collect(),
        safetensors::Dtype::F64 => t
            .data()
            .chunks(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect(),
        d => panic!("{d:?}"),
    };
    let s = t.shape();
    (s[0], if s.len() == 2 { s[1] } else { 1 }, vals)
}

/// The points of `np.savetxt` output, parsed here (split at spaces).
fn points(path: &Path) -> Vec<Vec<f64>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            l.split([' ', ','])
                .map(|f| f.parse::<f64>().unwrap())
                .collect()
        })
        .collect()
}

/// Per hidden layer (active, tentatively dead, permanently dead), by plain
/// loops: layer 1 neuron j is PD iff w_j . x + b_j <= 0 for every x; layer
/// l >= 2 iff every neuron of l-1 is PD, or b_j <= 0 and W_ji <= 0 for
/// every non-PD i of l-1; a non-PD neuron is TD iff relu(z_j(x)) takes one
/// value on X, else active.
fn plain_census(file: &Path, layers: &[(String, bool)], xs: &[Vec<f64>]) -> Vec<[usize; 3]> {
    let bytes = std::fs::read(file).unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let mut acts: Vec<Vec<f64>> = xs.to_vec();
    let mut prev_pd: Vec<bool> = Vec::new();
    let mut out = Vec::new();
    for (k, (m, has_bias)) in layers.iter().enumerate().take(layers.len() - 1) {
        let (rows, cols, w) = matrix(&st, &format!("{m}.weight"));
        let b = if *has_bias {
            matrix(&st, &format!("{m}.bias")).2
        } else {
            vec![0.0; rows]
        };
        let mut next = vec![vec![0.0; rows]; acts.len()];
        let mut pd = vec![false; rows];
        let mut counts = [0usize; 3];
        for j in 0..rows {
            let mut all_nonpositive = true;
            for (p, a) in acts.iter().enumerate() {
                let mut z = b[j];
                for i in 0..cols {
                    z += w[j * cols + i] * a[i];
                }
                all_nonpositive &= z <= 0.0;
                next[p][j] = if z > 0.0 { z } else { 0.0 };
            }
            pd[j] = if k == 0 {
                all_nonpositive
            } else {
                prev_pd.iter().all(|&q| q)
                    || (b[j] <= 0.0 && (0..cols).all(|i| prev_pd[i] || w[j * cols + i] <= 0.0))
            };
            let constant = next.iter().all(|r| r[j] == next[0][j]);
            counts[if pd[j] {
                2
            } else if constant {
                1
            } else {
                0
            }] += 1;
        }
        out.push(counts);
        acts = next;
        prev_pd = pd;
    }
    out
}

fn census_json(model: &Path, data: &Path, extra: &[&str]) -> Value {
    let out = bin()
        .args(["census", "--format", "json", "--model"])
        .arg(model)
        .arg("--data")
        .arg(data)
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn counts(v: &Value) -> Vec<[usize; 3]> {
    v["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let f = |k: &str| l[k].as_u64().unwrap() as usize;
            [f("active"), f("tentatively_dead"), f("permanently_dead")]
        })
        .collect()
}

#[test]
fn every_layout_is_read_and_its_census_equals_plain_loops() {
    let dir = fixtures();
    let xs = points(&dir.join("points.txt"));
    assert_eq!(xs.len(), 12);
    let mut states = [0usize; 3];
    for (file, layers) in layouts() {
        let model = dir.join(format!("{file}.safetensors"));
        let want = plain_census(&model, &layers, &xs);
        for data in ["points.txt", "points_header.csv"] {
            let v = census_json(&model, &dir.join(data), &[]);
            assert_eq!(counts(&v), want, "{file} on {data}");
            let read: Vec<(String, Value)> = v["model"]["layers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| (l["weight"].as_str().unwrap().to_string(), l["bias"].clone()))
                .collect();
            let expect: Vec<(String, Value)> = layers
                .iter()
                .map(|(m, b)| {
                    (
                        format!("{m}.weight"),
                        if *b {
                            Value::from(format!("{m}.bias"))
                        } else {
                            Value::Null
                        },
                    )
                })
                .collect();
            assert_eq!(read, expect, "{file}");
        }
        for (s, c) in states.iter_mut().zip(
            want.iter()
                .fold([0; 3], |a, c| [a[0] + c[0], a[1] + c[1], a[2] + c[2]]),
        ) {
            *s += c;
        }
    }
    // the fixtures exercise every state
    assert!(states.iter().all(|&s| s > 5), "{states:?}");
}

/// The committed files are byte for byte what the safetensors crate (the
/// code behind `safetensors.torch.save_file`) serializes for the same
/// tensors: header order (descending dtype alignment, then name),
/// `__metadata__` first, space padding to 8 bytes, data order.
#[test]
fn fixtures_have_the_byte_layout_save_file_writes() {
    let mut n = 0;
    for e in std::fs::read_dir(fixtures()).unwrap() {
        let path = e.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("safetensors") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let st = SafeTensors::deserialize(&bytes).unwrap();
        let (hlen, meta) = SafeTensors::read_metadata(&bytes).unwrap();
        assert_eq!(hlen % 8, 0, "{path:?}");
        let views: Vec<(String, TensorView)> = st.tensors();
        let meta: Option<HashMap<String, String>> = meta.metadata().clone();
        let again = safetensors::serialize(views, &meta).unwrap();
        assert!(
            again == bytes,
            "{path:?} differs from the crate's serialization"
        );
        n += 1;
    }
    assert_eq!(n, 13);
}

/// Regenerating the fixtures with the script gives the committed bytes
/// (skipped, with a note, where no python3 is installed).
#[test]
fn the_script_regenerates_the_committed_fixtures() {
    let tmp = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/make_state_dicts.py");
    let Ok(status) = std::process::Command::new("python3")
        .arg(&script)
        .arg(tmp.path())
        .status()
    else {
        eprintln!("python3 not found: regeneration not checked");
        return;
    };
    assert!(status.success());
    let mut n = 0;
    for e in std::fs::read_dir(fixtures()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap();
        assert_eq!(
            std::fs::read(&p).unwrap(),
            std::fs::read(tmp.path().join(name)).unwrap(),
            "{name:?}"
        );
        n += 1;
    }
    assert_eq!(n, 15);
}

fn census_fails(model: &str, extra: &[&str], needles: &[&str]) {
    let dir = fixtures();
    let out = bin()
        .args(["census", "--model"])
        .arg(dir.join(format!("{model}.safetensors")))
        .arg("--data")
        .arg(dir.join("points.txt"))
        .args(extra)
        .assert()
        .failure()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    for n in needles {
        assert!(err.contains(n), "{model}: expected {n:?} in {err}");
    }
}

#[test]
fn non_linear_ambiguous_and_unplaced_tensors_are_named() {
    census_fails(
        "batchnorm",
        &[],
        &[
            "bn1.weight [5] (a 1-D weight: a norm layer",
            "bn1.running_mean [5]",
            "bn1.num_batches_tracked []",
        ],
    );
    census_fails(
        "conv",
        &[],
        &["conv.weight [4, 1, 3, 3] (a 4-D weight", "conv.bias"],
    );
    census_fails(
        "ambiguous",
        &[],
        &[
            "ambiguous",
            "hid_a [4, 4], hid_b [4, 4], inp [4, 2], out [1, 4]",
            "--layers NAME,NAME",
        ],
    );
    census_fails(
        "two_heads",
        &[],
        &[
            "do not form one chain",
            "body.0 [5, 2] -> body.2 [4, 5] -> head_a [1, 4]",
            "could not be placed: head_b [1, 4]",
        ],
    );
    census_fails("autoencoder", &[], &["ambiguous", "--prefix"]);
    census_fails("fc", &["--prefix", "net."], &["no tensor name starts with"]);
    census_fails(
        "fc",
        &["--layers", "fc1,fc3"],
        &["fc3.weight has shape [1, 4]", "fc1.weight has 5 outputs"],
    );
    census_fails(
        "fc",
        &["--layers", "fc1,fc9"],
        &["no tensor \"fc9.weight\""],
    );
}

/// --layers and --prefix settle what names and shapes cannot; the census
/// is then that of the chosen chain, and the left-out tensors are listed.
#[test]
fn prefix_and_layers_select_the_chain() {
    let dir = fixtures();
    let xs = points(&dir.join("points.txt"));
    let data = dir.join("points.txt");
    let cases: Vec<(&str, Vec<&str>, Vec<&str>, usize)> = vec![
        (
            "ambiguous",
            vec!["--layers", "inp,hid_b,hid_a,out"],
            vec!["inp", "hid_b", "hid_a", "out"],
            0,
        ),
        (
            "ambiguous",
            vec!["--layers", "inp,hid_a,hid_b,out"],
            vec!["inp", "hid_a", "hid_b", "out"],
            0,
        ),
        (
            "two_heads",
            vec!["--layers", "body.0,body.2,head_b"],
            vec!["body.0", "body.2", "head_b"],
            2,
        ),
        (
            "autoencoder",
            vec!["--prefix", "encoder."],
            vec!["encoder.0", "encoder.2"],
            4,
        ),
        (
            "autoencoder",
            vec!["--prefix", "encoder.", "--layers", "0,2"],
            vec!["encoder.0", "encoder.2"],
            4,
        ),
    ];
    for (file, args, chain, ignored) in cases {
        let model = dir.join(format!("{file}.safetensors"));
        let layers: Vec<(String, bool)> = chain.iter().map(|m| (m.to_string(), true)).collect();
        let v = census_json(&model, &data, &args);
        assert_eq!(
            counts(&v),
            plain_census(&model, &layers, &xs),
            "{file} {args:?}"
        );
        assert_eq!(v["model"]["ignored"].as_array().unwrap().len(), ignored);
    }
}

fn t(name: &str, shape: &[usize]) -> (String, Vec<usize>) {
    (name.to_string(), shape.to_vec())
}

fn keys(v: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    v.iter()
        .map(|(w, b)| (w.to_string(), b.map(str::to_string)))
        .collect()
}

/// The library function on (name, shape) lists in any order (what the
/// Python package passes from a state_dict).
#[test]
fn linear_chain_on_name_shape_lists() {
    // file order (sorted strings) is not module order: fc10 sorts before fc2
    let mut v = Vec::new();
    let dims = [2usize, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1];
    for k in (0..11).rev() {
        v.push(t(&format!("fc{}.weight", k + 1), &[dims[k + 1], dims[k]]));
        v.push(t(&format!("fc{}.bias", k + 1), &[dims[k + 1]]));
    }
    let c = linear_chain(&v, None, None).unwrap();
    let names: Vec<String> = c.iter().map(|(w, _)| w.clone()).collect();
    let want: Vec<String> = (1..=11).map(|k| format!("fc{k}.weight")).collect();
    assert_eq!(names, want);
    // names without numbers: the shapes decide when they decide uniquely
    let v = vec![
        t("output.weight", &[1, 8]),
        t("hidden.weight", &[8, 6]),
        t("input.weight", &[6, 2]),
        t("input.bias", &[6]),
    ];
    assert_eq!(
        linear_chain(&v, None, None).unwrap(),
        keys(&[
            ("input.weight", Some("input.bias")),
            ("hidden.weight", None),
            ("output.weight", None)
        ])
    );
    // a Sequential with Dropout between Linear layers (positions 0, 3, 6)
    // and a bare nn.Sequential inside a deeper path
    let v = vec![
        t("model.body.6.weight", &[1, 4]),
        t("model.body.0.weight", &[4, 3]),
        t("model.body.3.weight", &[4, 4]),
    ];
    let c = linear_chain(&v, None, None).unwrap();
    assert_eq!(c[1].0, "model.body.3.weight");
    // numbered names keep their order even when shapes would allow another
    let v = vec![
        t("net.0.weight", &[4, 2]),
        t("net.2.weight", &[4, 4]),
        t("net.4.weight", &[4, 4]),
        t("head.weight", &[1, 4]),
    ];
    let c = linear_chain(&v, None, None).unwrap();
    let names: Vec<&str> = c.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(
        names,
        [
            "net.0.weight",
            "net.2.weight",
            "net.4.weight",
            "head.weight"
        ]
    );
    // numbered names whose shapes do not chain in number order: refused
    let v = vec![
        t("fc1.weight", &[4, 2]),
        t("fc2.weight", &[1, 3]),
        t("fc3.weight", &[3, 4]),
    ];
    let e = linear_chain(&v, None, None).unwrap_err().to_string();
    assert!(e.contains("order of the layer numbers"), "{e}");
    // explicit layers may name the weight; ".weight" is stripped
    let c = find_chain(
        &v,
        None,
        Some(&["fc1".into(), "fc3.weight".into(), "fc2".into()]),
    )
    .unwrap();
    assert_eq!(c.layers.len(), 3);
    assert!(c.ignored.is_empty());
    // a bias of the wrong length, a bias without weight, one layer only
    let e = linear_chain(
        &[
            t("a.weight", &[3, 2]),
            t("a.bias", &[2]),
            t("b.weight", &[1, 3]),
        ],
        None,
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("a.bias has shape [2]; expected [3]"), "{e}");
    let e = linear_chain(&[t("a.bias", &[3]), t("b.weight", &[1, 3])], None, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("a.bias [3] (a bias without a weight)"), "{e}");
    let e = linear_chain(&[t("weight", &[3, 2]), t("bias", &[3])], None, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("at least one hidden layer"), "{e}");
    assert!(linear_chain(&[], None, None).is_err());
}

/// The reviewers' case: `inp`, `hidden.0`, `hidden.1`, `out`, all 16 x 16.
/// Names fix only hidden.0 before hidden.1; the old message suggested
/// `--layers hidden.0,hidden.1,inp,out`, a wrong order (forward runs inp
/// first) that gives a wrong census. The message names every layer with
/// its shape and suggests no order.
#[test]
fn an_ambiguous_order_is_not_guessed() {
    let v: Vec<(String, Vec<usize>)> = ["inp", "hidden.0", "hidden.1", "out"]
        .iter()
        .flat_map(|n| {
            [
                t(&format!("{n}.weight"), &[16, 16]),
                t(&format!("{n}.bias"), &[16]),
            ]
        })
        .collect();
    let e = linear_chain(&v, None, None).unwrap_err().to_string();
    assert!(e.contains("ambiguous"), "{e}");
    for n in [
        "inp [16, 16]",
        "hidden.0 [16, 16]",
        "hidden.1 [16, 16]",
        "out [16, 16]",
    ] {
        assert!(e.contains(n), "{n:?} missing in {e}");
    }
    // no comma-separated order of the four names appears anywhere
    let names = ["inp", "hidden.0", "hidden.1", "out"];
    for a in names {
        for b in names {
            assert!(
                !e.contains(&format!("{a},{b}")),
                "an order is suggested: {e}"
            );
        }
    }
}

/// Beyond MAX_SEARCHED_MODULES unnumbered modules the order is not searched
/// (2^n work): refused with advice, at once.
#[test]
fn many_unordered_modules_are_refused_with_advice() {
    let n = MAX_SEARCHED_MODULES + 1;
    let names = "abcdefghijklmnopqrstuvwxyz".chars().take(n);
    let v: Vec<(String, Vec<usize>)> = names.map(|c| t(&format!("{c}.weight"), &[3, 3])).collect();
    let e = linear_chain(&v, None, None).unwrap_err().to_string();
    assert!(e.contains("--layers"), "{e}");
    // at the limit the search runs and finds the ambiguity
    let names = "abcdefghijklmnopqrstuvwxyz"
        .chars()
        .take(MAX_SEARCHED_MODULES);
    let v: Vec<(String, Vec<usize>)> = names.map(|c| t(&format!("{c}.weight"), &[3, 3])).collect();
    let e = linear_chain(&v, None, None).unwrap_err().to_string();
    assert!(e.contains("ambiguous"), "{e}");
}
