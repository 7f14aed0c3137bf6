//! Reading sampled counts (spec FMT-CHECK-CSV): one row per sampled network,
//! one column per hidden layer, integer counts in 0..=N_l (any decimal
//! literal that is exactly an integer, e.g. NumPy's 4.000000000000000000e+00),
//! comma- or whitespace-separated, an optional header row (detected: a first
//! row none of whose fields is a number).

use crate::error::{Error, Result};
use crate::io::data::HeaderMode;
use std::path::Path;

/// Largest samples file read (bytes); larger files (or endless ones such as
/// /dev/zero) are refused after reading at most this much.
pub const MAX_SAMPLES_BYTES: u64 = 128 * 1024 * 1024;
/// Largest number of sampled networks (rows) accepted.
pub const MAX_SAMPLE_ROWS: usize = 4_000_000;

/// Reads and validates a samples file against the hidden widths, reading at
/// most [`MAX_SAMPLES_BYTES`] (spec FMT-CHECK-CSV).
pub fn read_samples(path: impl AsRef<Path>, widths: &[usize]) -> Result<Vec<Vec<usize>>> {
    read_samples_with(path, widths, HeaderMode::Auto)
}

/// [`read_samples`] with an explicit header mode (`check --header`).
pub fn read_samples_with(
    path: impl AsRef<Path>,
    widths: &[usize],
    header: HeaderMode,
) -> Result<Vec<Vec<usize>>> {
    use std::io::Read;
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_SAMPLES_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_SAMPLES_BYTES {
        return Err(Error::TooCostly(format!(
            "samples file {} is larger than {} MiB; a few thousand rows detect every standard \
             deviation (see check --power): subsample the file",
            path.display(),
            MAX_SAMPLES_BYTES >> 20
        )));
    }
    if bytes.starts_with(b"\x93NUMPY") {
        return super::samples_npy::parse_samples_npy(&bytes, widths, &path.display().to_string());
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::format(
            format!("samples file {}", path.display()),
            "not UTF-8 text (expected CSV of counts)",
        )
    })?;
    parse_samples_with(&text, widths, &path.display().to_string(), header)
}

/// Parses the samples text (`name` labels error messages).
pub fn parse_samples(text: &str, widths: &[usize], name: &str) -> Result<Vec<Vec<usize>>> {
    parse_samples_with(text, widths, name, HeaderMode::Auto)
}

/// Parses the samples text with a header mode: `auto` skips a first row
/// with no number and refuses one that is exactly `0,1,...,k-1` (the column
/// labels `DataFrame.to_csv` writes, or a sample?); `yes` skips the first
/// row; `no` reads it as counts (spec FMT-CHECK-CSV).
pub fn parse_samples_with(
    text: &str,
    widths: &[usize],
    name: &str,
    header: HeaderMode,
) -> Result<Vec<Vec<usize>>> {
    let what = format!("samples file {name}");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut first = true;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let body = raw.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let fields = split_fields(body);
        if std::mem::take(&mut first) {
            let skip = match header {
                HeaderMode::Yes => true,
                HeaderMode::No => false,
                HeaderMode::Auto => {
                    if fields.iter().enumerate().all(|(j, f)| *f == j.to_string()) {
                        return Err(Error::format(
                            &what,
                            format!(
                                "row {line} ({body:?}) could be a sample or the column labels 0,1,... that \
                                 pandas writes for unnamed columns (DataFrame.to_csv); say which with \
                                 --header yes or --header no"
                            ),
                        ));
                    }
                    fields.iter().all(|f| f.parse::<f64>().is_err())
                }
            };
            if skip {
                continue; // header
            }
        }
        if fields.len() != widths.len() {
            return Err(Error::format(
                &what,
                format!(
                    "row {line} has {} columns but the network has {} hidden layers (one count per hidden layer)",
                    fields.len(),
                    widths.len()
                ),
            ));
        }
        let mut row = Vec::with_capacity(widths.len());
        for (c, (f, &w)) in fields.iter().zip(widths).enumerate() {
            let at = format!("row {line}, column {}", c + 1);
            let v = match whole_number(f) {
                Whole::Value(v) => v,
                Whole::Huge => {
                    return Err(Error::format(
                        &what,
                        format!("{at}: {f:?} is outside 0..={w} (layer {} has width {w})", c + 1),
                    ))
                }
                Whole::Fraction => {
                    return Err(Error::format(
                        &what,
                        format!("{at}: {f:?} is not a whole number (a count is an integer, e.g. 4 or 4.0e+00)"),
                    ))
                }
                Whole::NotANumber => {
                    return Err(Error::format(
                        &what,
                        format!("{at}: {f:?} is not a number (expected a whole count)"),
                    ))
                }
            };
            if v < 0 || v > w as i128 {
                return Err(Error::format(
                    &what,
                    format!(
                        "{at}: count {v} is outside 0..={w} (layer {} has width {w})",
                        c + 1
                    ),
                ));
            }
            row.push(v as usize);
        }
        rows.push(row);
        if rows.len() > MAX_SAMPLE_ROWS {
            return Err(Error::TooCostly(format!(
                "{what} has more than {MAX_SAMPLE_ROWS} rows; subsample it (see check --power for \
                 how many samples detect what)"
            )));
        }
    }
    if rows.is_empty() {
        return Err(Error::format(
            &what,
            "no data rows (expected one row of counts per sampled network)",
        ));
    }
    Ok(rows)
}

/// The fields of a line: comma-separated when it has a comma, else
/// separated by runs of spaces or tabs (`np.savetxt`'s default); trimmed,
/// one pair of surrounding double quotes removed.
fn split_fields(line: &str) -> Vec<&str> {
    fn unquote(f: &str) -> &str {
        let f = f.trim();
        f.strip_prefix('"')
            .and_then(|g| g.strip_suffix('"'))
            .unwrap_or(f)
            .trim()
    }
    if line.contains(',') {
        line.split(',').map(unquote).collect()
    } else {
        line.split_whitespace().map(unquote).collect()
    }
}

/// What a field is, decided exactly on its decimal digits (never through a
/// rounded f64: 4.0000000000000000001 is not whole).
#[derive(Debug, PartialEq)]
pub enum Whole {
    /// An integer, possibly written as a float literal (4, 4.0, 4.000e+00, 40e-1).
    Value(i128),
    /// An integer of more than 30 digits (outside every width).
    Huge,
    /// A finite decimal that is not an integer (4.5, 1e-400).
    Fraction,
    /// Not a decimal literal (x, nan, inf, empty).
    NotANumber,
}

/// Classifies a decimal literal `[+-]digits[.digits][(e|E)[+-]digits]`.
pub fn whole_number(f: &str) -> Whole {
    let (neg, body) = match f.as_bytes().first() {
        Some(b'-') => (true, &f[1..]),
        Some(b'+') => (false, &f[1..]),
        _ => (false, f),
    };
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !digits(int) || !digits(frac) {
        return Whole::NotANumber;
    }
    // exponent, saturated: |e| beyond 10^12 only matters through its sign
    let e: i64 = match exp {
        None => 0,
        Some(x) => {
            let (eneg, ed) = match x.as_bytes().first() {
                Some(b'-') => (true, &x[1..]),
                Some(b'+') => (false, &x[1..]),
                _ => (false, x),
            };
            if ed.is_empty() || !digits(ed) {
                return Whole::NotANumber;
            }
            let t = ed.trim_start_matches('0');
            let m: i64 = if t.len() > 12 {
                1_000_000_000_000
            } else {
                t.parse().unwrap_or(0)
            };
            if eneg {
                -m
            } else {
                m
            }
        }
    };
    let all = format!("{int}{frac}");
    let sig = all.trim_start_matches('0');
    if sig.is_empty() {
        return Whole::Value(0);
    }
    let trimmed = sig.trim_end_matches('0');
    // value = trimmed * 10^scale
    let scale = e - frac.len() as i64 + (sig.len() - trimmed.len()) as i64;
    if scale < 0 {
        return Whole::Fraction;
    }
    if trimmed.len() as i64 + scale > 30 {
        return Whole::Huge;
    }
    let v: i128 = trimmed.parse::<i128>().unwrap_or(0) * 10i128.pow(scale as u32);
    Whole::Value(if neg { -v } else { v })
}
