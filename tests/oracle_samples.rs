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

/// The bytes `np.savetxt(counts)` writes for counts = [[3, 0], [1, 2],
/// [0, 2]] (documented defaults fmt='%.18e', delimiter=' ', newline='\n':
/// '%.18e' % 3 = "3.000000000000000000e+00"), with and without
/// `header='K1 K2'` (written as "# K1 K2"), and with fmt='%d',
/// delimiter=','.
#[test]
fn numpy_savetxt_defaults_are_read() {
    let want = vec![vec![3, 0], vec![1, 2], vec![0, 2]];
    let default = "3.000000000000000000e+00 0.000000000000000000e+00\n\
                   1.000000000000000000e+00 2.000000000000000000e+00\n\
                   0.000000000000000000e+00 2.000000000000000000e+00\n";
    assert_eq!(parse_samples(default, &[3, 2], "t").unwrap(), want);
    let header = format!("# K1 K2\n{default}");
    assert_eq!(parse_samples(&header, &[3, 2], "t").unwrap(), want);
    assert_eq!(
        parse_samples("3,0\n1,2\n0,2\n", &[3, 2], "t").unwrap(),
        want
    );
    // tabs, CRLF, several spaces, quoted CSV fields
    assert_eq!(
        parse_samples("3\t0\r\n1   2\r\n\"0\",\"2\"\r\n", &[3, 2], "t").unwrap(),
        want
    );
    // a width beyond 9: 1.200000000000000000e+01 = 12
    assert_eq!(
        parse_samples("1.200000000000000000e+01\n", &[12], "t").unwrap(),
        vec![vec![12]]
    );
}

/// Whole numbers decided on the decimal digits, not on a rounded f64.
#[test]
fn whole_numbers_are_decided_exactly() {
    use relu_trainability::oracle::samples::{whole_number, Whole};
    for (f, v) in [
        ("4", 4),
        ("+4", 4),
        ("4.", 4),
        ("4.0", 4),
        ("4.000000000000000000e+00", 4),
        ("40e-1", 4),
        ("0.4E1", 4),
        ("400000e-5", 4),
        ("0", 0),
        ("-0.0e+00", 0),
        ("0e999999999999999999", 0),
        ("-1", -1),
        ("-1.000000000000000000e+00", -1),
        ("1e29", 100_000_000_000_000_000_000_000_000_000),
    ] {
        assert_eq!(whole_number(f), Whole::Value(v), "{f}");
    }
    for f in [
        "4.5",
        "4.0000000000000000001", // 4.0 as an f64, but not whole
        "1e-400",
        "4.5e+00",
        "0.1",
        "1e-99999999999999999999",
    ] {
        assert_eq!(whole_number(f), Whole::Fraction, "{f}");
    }
    for f in ["1e400", "1e31", "-1e400", "1e99999999999999999999"] {
        assert_eq!(whole_number(f), Whole::Huge, "{f}");
    }
    for f in [
        "nan", "NaN", "inf", "-inf", "", ".", "e5", "1e", "1e+", "0x10", "4 5", "1.2.3", "--1",
    ] {
        assert_eq!(whole_number(f), Whole::NotANumber, "{f:?}");
    }
}

/// 4.5, 1e400, nan, -1 (also in NumPy's format) are refused naming row and column.
#[test]
fn non_whole_numpy_values_are_refused() {
    let cases = [
        (
            "3.000000000000000000e+00 0.000000000000000000e+00\n1 4.500000000000000000e+00\n",
            "row 2, column 2",
            "not a whole number",
        ),
        ("1e400 0\n", "row 1, column 1", "outside 0..=3"),
        ("1 nan\n", "row 1, column 2", "not a number"),
        (
            "-1.000000000000000000e+00 0\n",
            "row 1, column 1",
            "outside 0..=3",
        ),
        ("1,-1\n", "row 1, column 2", "outside 0..=2"),
    ];
    for (text, at, why) in cases {
        let e = err(text);
        assert!(e.contains(at) && e.contains(why), "{text:?}: {e}");
    }
}
