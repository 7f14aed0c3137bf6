//! Text data files as NumPy and pandas write them, and the header line
//! (FMT-DATA-TEXT), through every command that reads data: census,
//! simulate, init. The expected bytes are NumPy's: `np.savetxt(path, X)`
//! formats each value with '%.18e' (Python's % operator), joins a row with
//! the delimiter (' ' by default) and ends it with '\n'; `header=H` writes
//! '# ' + H + '\n' first.
// spec: FMT-DATA-TEXT, ALG-DATA

use assert_cmd::Command;
use relu_trainability::io::data::{parse_text, HeaderMode};
use serde_json::Value;
use std::path::{Path, PathBuf};
mod npy_writer;
use npy_writer::npy;

/// X = [[0.1, -2.5], [3, 1e-3], [-0.7, 0.25], [1/3, -1], [0, 0.6]].
const X: [[f64; 2]; 5] = [
    [0.1, -2.5],
    [3.0, 1e-3],
    [-0.7, 0.25],
    [1.0 / 3.0, -1.0],
    [0.0, 0.6],
];
/// `np.savetxt("x.txt", X)`.
const SAVETXT: &str = "1.000000000000000056e-01 -2.500000000000000000e+00\n\
3.000000000000000000e+00 1.000000000000000021e-03\n\
-6.999999999999999556e-01 2.500000000000000000e-01\n\
3.333333333333333148e-01 -1.000000000000000000e+00\n\
0.000000000000000000e+00 5.999999999999999778e-01\n";
/// `np.savetxt("x.csv", X, delimiter=",", header="x1,x2")`.
const SAVETXT_CSV_HEADER: &str = "# x1,x2\n\
1.000000000000000056e-01,-2.500000000000000000e+00\n\
3.000000000000000000e+00,1.000000000000000021e-03\n\
-6.999999999999999556e-01,2.500000000000000000e-01\n\
3.333333333333333148e-01,-1.000000000000000000e+00\n\
0.000000000000000000e+00,5.999999999999999778e-01\n";

fn bin() -> Command {
    Command::cargo_bin("trainability").unwrap()
}

fn model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/state_dicts/fc.safetensors")
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

fn points(text: &str, mode: HeaderMode) -> Vec<Vec<f64>> {
    let (d, _) = parse_text(text, "t", mode).unwrap();
    d.points()
        .row_iter()
        .map(|r| r.iter().copied().collect())
        .collect()
}

fn err(text: &str, mode: HeaderMode) -> String {
    match parse_text(text, "t", mode) {
        Ok((d, _)) => panic!("accepted {text:?}: {d:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn numpy_savetxt_bytes_are_read_by_every_command() {
    let want: Vec<Vec<f64>> = X.iter().map(|r| r.to_vec()).collect();
    let tab = SAVETXT.replace(' ', "\t"); // np.savetxt(path, X, delimiter="\t")
    let crlf = SAVETXT.replace('\n', "\r\n"); // written on Windows
    for text in [SAVETXT, SAVETXT_CSV_HEADER, &tab, &crlf] {
        // %.18e has 19 significant digits: the values come back exactly
        assert_eq!(points(text, HeaderMode::Auto), want, "{text:?}");
        assert_eq!(points(text, HeaderMode::No), want, "{text:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("x.txt", SAVETXT), ("x.csv", SAVETXT_CSV_HEADER)] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let v = json(
            bin()
                .args(["census", "--format", "json", "--model"])
                .arg(model())
                .arg("--data")
                .arg(&p),
        );
        assert_eq!(v["data"]["points"], 5);
        let v = json(
            bin()
                .args([
                    "simulate",
                    "--input-dim",
                    "2",
                    "--widths",
                    "3,3",
                    "--samples",
                    "50",
                ])
                .args(["--format", "json", "--data"])
                .arg(&p),
        );
        assert_eq!(v["data"]["points"], 5, "{v}");
        let out = dir.path().join("m.safetensors");
        let o = bin()
            .args(["init", "--input-dim", "2", "--widths", "4,4", "--out"])
            .arg(&out)
            .arg("--data")
            .arg(&p)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let o = String::from_utf8(o).unwrap();
        assert!(o.contains("(5 points"), "{o}");
        assert!(
            o.contains("active 4, tentatively dead 0, permanently dead 0"),
            "{o}"
        );
    }
}

#[test]
fn header_modes() {
    let named = "x,y\n1,2\n3,4\n";
    let bare = "1,2\n3,4\n";
    assert_eq!(points(named, HeaderMode::Auto), [[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(points(named, HeaderMode::Yes), [[1.0, 2.0], [3.0, 4.0]]);
    let e = err(named, HeaderMode::No);
    assert!(e.contains("line 1") && e.contains("--header yes"), "{e}");
    assert_eq!(points(bare, HeaderMode::Auto), [[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(points(bare, HeaderMode::No), [[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(points(bare, HeaderMode::Yes), [[3.0, 4.0]]);
    // whitespace header, quoted header (pandas quotes when needed), BOM
    assert_eq!(points("x y\n1 2\n", HeaderMode::Auto), [[1.0, 2.0]]);
    assert_eq!(points("\"a\",\"b\"\n1,2\n", HeaderMode::Auto), [[1.0, 2.0]]);
    assert_eq!(points("\u{feff}1,2\n", HeaderMode::Auto), [[1.0, 2.0]]);
    // a # line is a comment, never the header: --header yes skips the
    // next line
    assert_eq!(points("# x,y\nx,y\n1,2\n", HeaderMode::Yes), [[1.0, 2.0]]);
    assert!(err("x,y\n", HeaderMode::Auto).contains("no data rows"));
}

#[test]
fn ambiguous_first_lines_are_refused_with_advice() {
    // pd.DataFrame(X).to_csv(index=False): labels 0,1 then the values
    let pandas = "0,1\n0.5,0.25\n1.5,2\n";
    let e = err(pandas, HeaderMode::Auto);
    assert!(
        e.contains("pandas") && e.contains("--header yes") && e.contains("--header no"),
        "{e}"
    );
    assert_eq!(points(pandas, HeaderMode::Yes), [[0.5, 0.25], [1.5, 2.0]]);
    assert_eq!(points(pandas, HeaderMode::No).len(), 3);
    // one column: "0"
    assert!(err("0\n0.5\n", HeaderMode::Auto).contains("pandas"));
    // not the labels: read as data
    assert_eq!(points("1,0\n2,3\n", HeaderMode::Auto).len(), 2);
    assert_eq!(points("0,1,3\n2,3,4\n", HeaderMode::Auto).len(), 2);
    // a line mixing numbers and text
    let e = err("x,2\n1,2\n", HeaderMode::Auto);
    assert!(
        e.contains("mixes numbers and text") && e.contains("line 1"),
        "{e}"
    );
}

#[test]
fn the_output_reports_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "a.csv",
            "x1,x2\n1,2\n-1,0.5\n",
            "auto",
            Some((1, "x1,x2")),
            0,
        ),
        ("b.csv", SAVETXT_CSV_HEADER, "auto", None, 1),
        (
            "c.txt",
            SAVETXT,
            "yes",
            Some((1, SAVETXT.lines().next().unwrap())),
            0,
        ),
        ("d.txt", SAVETXT, "no", None, 0),
    ];
    for (name, text, mode, header, comments) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let v = json(
            bin()
                .args(["census", "--format", "json", "--header", mode, "--model"])
                .arg(model())
                .arg("--data")
                .arg(&p),
        );
        let d = &v["data"];
        assert_eq!(d["header_mode"], mode);
        assert_eq!(d["kind"], "text");
        assert_eq!(d["comment_lines"], comments);
        match header {
            Some((line, t)) => {
                assert_eq!(d["header"]["line"], line);
                assert_eq!(d["header"]["text"], t);
            }
            None => assert!(d["header"].is_null(), "{d}"),
        }
        let table = bin()
            .args(["census", "--header", mode, "--model"])
            .arg(model())
            .arg("--data")
            .arg(&p)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let table = String::from_utf8(table).unwrap();
        let want = if header.is_some() {
            "header line 1"
        } else {
            "no header"
        };
        assert!(
            table.contains(want) && table.contains(&format!("--header {mode}")),
            "{table}"
        );
    }
    // generated data: no header fields
    let v = json(
        bin()
            .args([
                "census",
                "--format",
                "json",
                "--data",
                "ball:1:10",
                "--model",
            ])
            .arg(model()),
    );
    assert_eq!(v["data"]["kind"], "generated");
    assert!(v["data"]["header_mode"].is_null());
}

#[test]
fn numpy_save_files_are_read_by_census() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("x.txt");
    std::fs::write(&txt, SAVETXT).unwrap();
    let census = |p: &Path| {
        let v = json(
            bin()
                .args(["census", "--format", "json", "--model"])
                .arg(model())
                .arg("--data")
                .arg(p),
        );
        (v["layers"].clone(), v["data"]["kind"].clone())
    };
    let (want, kind) = census(&txt);
    assert_eq!(kind, "text");
    let c: Vec<u8> = X.iter().flatten().flat_map(|v| v.to_le_bytes()).collect();
    let f: Vec<u8> = (0..2)
        .flat_map(|j| X.iter().map(move |r| r[j]))
        .flat_map(|v| v.to_le_bytes())
        .collect();
    // f4: values rounded to f32 (np.save(X.astype(np.float32))); the fixture
    // model's census is the same on these points
    let c4: Vec<u8> = X
        .iter()
        .flatten()
        .flat_map(|&v| (v as f32).to_le_bytes())
        .collect();
    for (name, bytes) in [
        ("c.npy", npy("<f8", false, "(5, 2)", &c)),
        ("f.npy", npy("<f8", true, "(5, 2)", &f)),
        ("c4.npy", npy("<f4", false, "(5, 2)", &c4)),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let (got, kind) = census(&p);
        assert_eq!(kind, "npy");
        assert_eq!(got, want, "{name}");
    }
}

/// `check --samples`: pandas' `DataFrame(counts).to_csv(index=False)` puts
/// the labels `0,1,2` on the first line, which would otherwise count as one
/// more sampled network; auto refuses it with advice, `--header yes` skips
/// it, `--header no` counts it.
// spec: FMT-CHECK-CSV
#[test]
fn check_counts_header_modes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("counts.csv");
    std::fs::write(&p, "0,1,2\n8,8,8\n8,8,7\n").unwrap();
    let check = |extra: &[&str]| {
        let mut c = bin();
        c.args([
            "check", "--widths", "8,8,8", "--bias", "zero", "--format", "json",
        ])
        .arg("--samples")
        .arg(&p)
        .args(extra);
        c
    };
    let out = check(&[]).assert().code(2).get_output().stderr.clone();
    let e = String::from_utf8(out).unwrap();
    assert!(e.contains("pandas") && e.contains("--header yes"), "{e}");
    let samples = |extra: &[&str]| {
        let out = check(extra).output().unwrap();
        assert!(out.status.code() == Some(0) || out.status.code() == Some(1));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["samples"].as_u64().unwrap()
    };
    assert_eq!(samples(&["--header", "yes"]), 2);
    assert_eq!(samples(&["--header", "no"]), 3);
}
