//! The golden test vectors: the file round-trips, covers the documented
//! grid, and every value equals an independent recomputation with the slow
//! reference `exact::rational_chain::law`.
// spec: FMT-VECTORS, THM-CHAIN, DEF-TRAINABILITY, DEF-BORN-DEAD

use assert_cmd::Command;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use relu_trainability::exact::{rational_chain, BiasMode, ChainSpec};
use relu_trainability::oracle::vectors::{
    golden_vectors, parse, to_text, VectorsFile, FORMAT, VERSION,
};
use relu_trainability::rational::{parse_rational, to_f64};

/// The f64 companion is the correctly rounded value of the exact one, checked
/// in exact arithmetic against both neighbouring doubles (it also survives
/// the JSON text exactly: shortest round-trip printing, exact parsing).
fn close_f64(got: f64, exact: &BigRational) -> bool {
    if !(0.0..=1.0).contains(&got) {
        return false;
    }
    let err = |x: f64| (BigRational::from_float(x).unwrap() - exact).abs();
    let up = f64::from_bits(got.to_bits() + 1);
    let down = if got == 0.0 {
        0.0
    } else {
        f64::from_bits(got.to_bits() - 1)
    };
    let e = err(got);
    e <= err(up) && e <= err(down) && got == to_f64(exact)
}

fn file_via_cli() -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.json");
    Command::cargo_bin("trainability")
        .unwrap()
        .args(["vectors", "--out", p.to_str().unwrap()])
        .assert()
        .code(0);
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn round_trips_through_serde() {
    let text = file_via_cli();
    let f: VectorsFile = parse(&text).unwrap();
    assert_eq!((f.format.as_str(), f.version), (FORMAT, VERSION));
    assert_eq!(to_text(&f).unwrap(), text, "re-serialized file differs");
    // and as generic JSON: same value after a parse/print cycle
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let again: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
    assert_eq!(v, again);
    assert!(parse(&text.replace("\"version\": 1", "\"version\": 2")).is_err());
    assert!(parse("{}").is_err());
}

#[test]
fn covers_the_documented_grid() {
    let f = golden_vectors().unwrap();
    let has =
        |p: &dyn Fn(&relu_trainability::oracle::vectors::Vector) -> bool| f.vectors.iter().any(p);
    assert!(
        has(&|v| v.widths.iter().all(|&w| w == 1) && v.widths.len() > 1),
        "deep width-1 net"
    );
    assert!(has(&|v| v.widths == [1]));
    assert!(
        has(&|v| v.widths.len() == 1 && v.widths[0] > 1),
        "one hidden layer"
    );
    assert!(has(&|v| v.widths == [3, 3, 3]));
    assert!(has(&|v| v.widths == [5, 2, 4]));
    assert!(has(&|v| v.widths.len() >= 6), "a deeper net");
    for q in ["0/1", "1/2", "1/4", "1/3", "1/1"] {
        for b in [BiasMode::Zero, BiasMode::Symmetric] {
            assert_eq!(
                f.vectors
                    .iter()
                    .filter(|v| v.q1 == q && v.bias == b)
                    .count(),
                6,
                "q1 {q} {b:?}"
            );
        }
    }
    assert_eq!(f.vectors.len(), 60);
}

/// Every exact value equals the reference chain (plain BigRational), every
/// f64 companion is its rounding, every distribution sums to exactly 1.
#[test]
fn values_equal_the_reference_chain() {
    let f = parse(&file_via_cli()).unwrap();
    let mut checked = 0;
    for v in &f.vectors {
        let spec =
            ChainSpec::new(v.widths.clone(), v.bias, parse_rational(&v.q1).unwrap()).unwrap();
        let law = rational_chain::law(&spec, None);
        assert_eq!(v.layers.len(), spec.depth());
        for (l, layer) in v.layers.iter().enumerate() {
            assert_eq!(layer.distribution.len(), v.widths[l] + 1);
            let mut sum = BigRational::zero();
            for (k, s) in layer.distribution.iter().enumerate() {
                let x = parse_rational(s).unwrap();
                assert_eq!(
                    s,
                    &format!("{}/{}", x.numer(), x.denom()),
                    "not reduced p/q: {s}"
                );
                assert_eq!(
                    x, law.layers[l][k],
                    "{:?} {:?} q1 {} layer {l} k {k}",
                    v.widths, v.bias, v.q1
                );
                assert!(close_f64(layer.distribution_f64[k], &x));
                sum += x;
                checked += 1;
            }
            assert!(sum.is_one());
        }
        let bd = parse_rational(&v.born_dead).unwrap();
        assert_eq!(bd, law.layers.last().unwrap()[0]);
        assert!(close_f64(v.born_dead_f64, &bd));
        assert!(!v.trainability.is_empty());
        for t in &v.trainability {
            let want = rational_chain::law(&spec, Some(&t.min_widths)).total_mass_last();
            let got = parse_rational(&t.value).unwrap();
            assert_eq!(got, want, "{:?} n* {:?}", v.widths, t.min_widths);
            assert!(close_f64(t.value_f64, &got));
        }
        // n* = (1, ..., 1) is the complement of born dead (DEF-BORN-DEAD)
        let ones = v
            .trainability
            .iter()
            .find(|t| t.min_widths.iter().all(|&m| m == 1))
            .unwrap();
        assert_eq!(
            parse_rational(&ones.value).unwrap(),
            BigRational::one() - bd
        );
    }
    assert!(checked > 500);
}

#[test]
fn snapshot() {
    let text = to_text(&golden_vectors().unwrap()).unwrap();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("golden_vectors", text);
    });
}

#[test]
fn stdout_and_bad_path() {
    let out = Command::cargo_bin("trainability")
        .unwrap()
        .args(["vectors", "--out", "-"])
        .assert()
        .code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(text, to_text(&golden_vectors().unwrap()).unwrap());
    Command::cargo_bin("trainability")
        .unwrap()
        .args(["vectors", "--out", "/nonexistent-dir/v.json"])
        .assert()
        .code(2);
    Command::cargo_bin("trainability")
        .unwrap()
        .args(["vectors"])
        .assert()
        .code(2);
}
