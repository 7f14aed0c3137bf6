//! Parsing of the samples file of `check`.
// spec: FMT-CHECK-CSV

use relu_trainability::error::Error;
use relu_trainability::oracle::samples::parse_samples;

fn err(text: &str) -> String {
    match parse_samples(text, &[3, 2], "t.csv") {
        Err(e @ Error::Format { .. }) => e.to_string(),
        other => panic!("expected a format error for {text:?}, got {other:?}"),
    }
}

#[test]
fn header_detection_and_values() {
    let want = vec![vec![3, 0], vec![1, 2]];
    assert_eq!(
        parse_samples("K1,K2\n3,0\n1,2\n", &[3, 2], "t").unwrap(),
        want
    );
    assert_eq!(parse_samples("3,0\n1,2\n", &[3, 2], "t").unwrap(), want);
    assert_eq!(
        parse_samples("# comment\n 3 , 0\n\n1,2", &[3, 2], "t").unwrap(),
        want
    );
}

#[test]
fn malformed_rows_name_row_and_column() {
    let e = err("K1,K2\n3,0\n1,x\n");
    assert!(e.contains("row 3, column 2") && e.contains("\"x\""), "{e}");
    let e = err("1,2.5\n");
    assert!(e.contains("row 1, column 2"), "{e}");
    let e = err("4,0\n");
    assert!(e.contains("row 1, column 1") && e.contains("0..=3"), "{e}");
    let e = err("1,-1\n");
    assert!(e.contains("column 2"), "{e}");
    let e = err("1,1\n1,1,1\n");
    assert!(e.contains("row 2") && e.contains("3 columns"), "{e}");
    let e = err("");
    assert!(e.contains("no data rows"), "{e}");
    let e = err("K1,K2\n");
    assert!(e.contains("no data rows"), "{e}");
    let e = err("99999999999999999999999999999999999999999999,1\n");
    assert!(e.contains("row 1, column 1"), "{e}");
}
