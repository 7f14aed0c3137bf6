//! Parsing of the samples file of `check`.
// spec: FMT-CHECK-CSV

use relu_trainability::error::Error;
use relu_trainability::oracle::samples::parse_samples;
mod npy_writer;
use npy_writer::{f64_bytes, i64_bytes, npy, npy_file};

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

/// `np.save(counts)` of int64 [[3, 0], [1, 2], [0, 2]] and of its float64
/// copy are read; float64 4.5 and int64 -1 are refused naming row and column.
#[test]
fn numpy_save_counts_are_read() {
    use relu_trainability::oracle::samples_npy::parse_samples_npy;
    let want = vec![vec![3, 0], vec![1, 2], vec![0, 2]];
    let ints = i64_bytes(&[3, 0, 1, 2, 0, 2]);
    let floats = f64_bytes(&[3.0, 0.0, 1.0, 2.0, 0.0, 2.0]);
    for (descr, data) in [("<i8", &ints), ("<f8", &floats)] {
        let b = npy(descr, false, "(3, 2)", data);
        assert_eq!((b.len() - data.len()) % 64, 0); // header aligned as NumPy does
        assert_eq!(
            parse_samples_npy(&b, &[3, 2], "t").unwrap(),
            want,
            "{descr}"
        );
    }
    let half = f64_bytes(&[3.0, 4.5]);
    let e = parse_samples_npy(&npy("<f8", false, "(1, 2)", &half), &[3, 5], "t")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("row 1, column 2") && e.contains("not a whole number"),
        "{e}"
    );
    let neg = i64_bytes(&[3, -1]);
    let e = parse_samples_npy(&npy("<i8", false, "(1, 2)", &neg), &[3, 5], "t")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("row 1, column 2") && e.contains("outside 0..=5"),
        "{e}"
    );
    // one hidden layer: a 1-D array
    let one = i64_bytes(&[2, 0]);
    assert_eq!(
        parse_samples_npy(&npy("<i8", false, "(2,)", &one), &[2], "t").unwrap(),
        vec![vec![2], vec![0]]
    );
    // a header that lies about its size: refused before allocating
    let e = parse_samples_npy(&npy("<i8", false, "(3000000, 2)", &ints), &[3, 2], "t")
        .unwrap_err()
        .to_string();
    assert!(e.contains("bytes"), "{e}");
    // shapes whose element count (or a stride: the 3-D case has no elements)
    // is beyond u64: refused before npyz multiplies the dimensions (which
    // panicked in debug builds and wrapped to a small count in release)
    for (shape, widths) in [
        ("(4294967296, 4294967296)", vec![3, 2]),
        ("(0, 4294967296, 4294967296)", vec![3, 2]),
        ("(18446744073709551615, 2)", vec![3, 2]),
    ] {
        let e = parse_samples_npy(&npy("<i8", false, shape, &ints), &widths, "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("impossibly large"), "{shape}: {e}");
    }
    // the same guard in the data reader
    use relu_trainability::io::data::parse_npy;
    let e = parse_npy(&npy("<f8", false, "(4294967296, 4294967296)", &ints), "t").unwrap_err();
    assert!(e.to_string().contains("impossibly large"), "{e}");
}

/// Every dtype `np.save` may write for counts, both orders, and each
/// refusal with its own message, on arrays written by hand.
// spec: FMT-CHECK-CSV
#[test]
fn numpy_save_dtypes_orders_and_refusals_by_hand() {
    use relu_trainability::oracle::samples::MAX_SAMPLE_ROWS;
    use relu_trainability::oracle::samples_npy::parse_samples_npy;
    let want = vec![vec![3, 0], vec![1, 2], vec![0, 2]];
    let c = [3u32, 0, 1, 2, 0, 2]; // C order: row by row
    let f = [3u32, 1, 0, 0, 2, 2]; // Fortran order: column by column
    type Enc = fn(u32) -> Vec<u8>;
    let encodings: [(&str, Enc); 6] = [
        ("<i8", |v| (v as i64).to_le_bytes().to_vec()),
        ("<i4", |v| (v as i32).to_le_bytes().to_vec()),
        ("<u8", |v| (v as u64).to_le_bytes().to_vec()),
        ("<u4", |v| v.to_le_bytes().to_vec()),
        ("<f8", |v| (v as f64).to_le_bytes().to_vec()),
        ("<f4", |v| (v as f32).to_le_bytes().to_vec()),
    ];
    for (descr, enc) in encodings {
        // format 2.0 has a u32 header length (np.save writes it for headers
        // over 65535 bytes)
        for (major, fortran, vals) in [(1, false, c), (1, true, f), (2, false, c), (2, true, f)] {
            let data: Vec<u8> = vals.iter().flat_map(|&v| enc(v)).collect();
            let b = npy_file(major, descr, fortran, "(3, 2)", &data);
            assert_eq!(
                parse_samples_npy(&b, &[3, 2], "t").unwrap(),
                want,
                "{descr} fortran {fortran} format {major}"
            );
            // one data byte short: refused by the header check, before reading
            let e = parse_samples_npy(&b[..b.len() - 1], &[3, 2], "t")
                .unwrap_err()
                .to_string();
            let size = data.len() / 6;
            assert!(
                e.contains(&format!(
                    "claims shape [3, 2] of {size}-byte values but the file has only {} data bytes",
                    data.len() - 1
                )),
                "{descr}: {e}"
            );
        }
    }
    let err = |descr: &str, shape: &str, data: Vec<u8>, widths: &[usize]| {
        parse_samples_npy(&npy(descr, false, shape, &data), widths, "t")
            .unwrap_err()
            .to_string()
    };
    // a 1-D array is one hidden layer only
    let e = err("<f8", "(2,)", f64_bytes(&[1.0, 2.0]), &[3, 2]);
    assert!(
        e.contains("expected an array of shape (samples, 2), got shape [2]"),
        "{e}"
    );
    // floats: not a number, outside the range (printed exactly), the ends of the range
    for (x, why) in [
        (f64::NAN, "NaN is not a number"),
        (f64::INFINITY, "inf is not a number"),
        (f64::NEG_INFINITY, "-inf is not a number"),
        (-1.0, "count -1 is outside 0..=5"),
        (6.0, "count 6 is outside 0..=5"),
        (
            1e40,
            "count 10000000000000000000000000000000000000000 is outside 0..=5",
        ),
        (-1e300, "is outside 0..=5"),
    ] {
        let e = err("<f8", "(1, 2)", f64_bytes(&[0.0, x]), &[3, 5]);
        assert!(e.contains("row 1, column 2") && e.contains(why), "{x}: {e}");
    }
    let ends = npy("<f8", false, "(2, 2)", &f64_bytes(&[0.0, 5.0, -0.0, 0.0]));
    assert_eq!(
        parse_samples_npy(&ends, &[3, 5], "t").unwrap(),
        vec![vec![0, 5], vec![0, 0]]
    );
    let e = err("<i8", "(1, 2)", i64_bytes(&[0, 6]), &[3, 5]);
    assert!(
        e.contains("row 1, column 2: count 6 is outside 0..=5"),
        "{e}"
    );
    // the row limit: MAX_SAMPLE_ROWS rows pass it (and fail the byte check
    // here), one more is refused as too costly, both before any allocation
    let e = err("<i4", &format!("({MAX_SAMPLE_ROWS},)"), vec![0; 4], &[3]);
    assert!(
        e.contains("claims shape") && !e.contains("subsample"),
        "{e}"
    );
    let e = err(
        "<i4",
        &format!("({},)", MAX_SAMPLE_ROWS + 1),
        vec![0; 4],
        &[3],
    );
    assert!(
        e.contains(&format!(
            "has {} rows, more than {MAX_SAMPLE_ROWS}; subsample",
            MAX_SAMPLE_ROWS + 1
        )),
        "{e}"
    );
}

/// The library's file entry point: the same rows from a CSV file (with a
/// header row) and from the `np.save` file of the same counts; a missing
/// file is an I/O error naming it.
// spec: FMT-CHECK-CSV
#[test]
fn read_samples_reads_csv_and_npy_files() {
    use relu_trainability::oracle::samples::read_samples;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("counts.csv");
    std::fs::write(&csv, "layer1,layer2\n3,0\n1,2\n0,2\n").unwrap();
    let want = vec![vec![3, 0], vec![1, 2], vec![0, 2]];
    assert_eq!(read_samples(&csv, &[3, 2]).unwrap(), want);
    let ints = i64_bytes(&[3, 0, 1, 2, 0, 2]);
    let np = dir.path().join("counts.npy");
    std::fs::write(&np, npy("<i8", false, "(3, 2)", &ints)).unwrap();
    assert_eq!(read_samples(&np, &[3, 2]).unwrap(), want);
    let e = read_samples(dir.path().join("missing.csv"), &[3, 2]).unwrap_err();
    assert!(e.to_string().contains("missing.csv"), "{e}");
}

/// The two limits of the text reader at their boundaries: exactly
/// MAX_SAMPLE_ROWS rows are read, one more is refused; a file of exactly
/// MAX_SAMPLES_BYTES bytes (one data row, the rest a comment) is read, one
/// byte more is refused before parsing.
// spec: FMT-CHECK-CSV, ALG-LIMITS
#[test]
fn text_limits_at_their_boundaries() {
    use relu_trainability::oracle::samples::{read_samples, MAX_SAMPLES_BYTES, MAX_SAMPLE_ROWS};
    assert_eq!(MAX_SAMPLE_ROWS, 4_000_000);
    let rows = "1\n".repeat(MAX_SAMPLE_ROWS);
    assert_eq!(
        parse_samples(&rows, &[1], "t").unwrap().len(),
        MAX_SAMPLE_ROWS
    );
    let e = parse_samples(&format!("{rows}0\n"), &[1], "t").unwrap_err();
    assert!(e.to_string().contains("more than 4000000 rows"), "{e}");
    assert_eq!(MAX_SAMPLES_BYTES, 128 << 20);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.csv");
    let mut text = b"1\n#".to_vec();
    text.resize(MAX_SAMPLES_BYTES as usize - 1, b'x');
    text.push(b'\n');
    std::fs::write(&p, &text).unwrap();
    assert_eq!(read_samples(&p, &[1]).unwrap(), vec![vec![1]]);
    text.insert(3, b'x');
    std::fs::write(&p, &text).unwrap();
    let e = read_samples(&p, &[1]).unwrap_err();
    assert!(e.to_string().contains("larger than 128 MiB"), "{e}");
}
