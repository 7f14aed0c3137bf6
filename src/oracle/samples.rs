//! Reading sampled counts (spec FMT-CHECK-CSV): one row per sampled network,
//! one column per hidden layer, integer counts in 0..=N_l, an optional
//! header row (detected: a first row none of whose fields is a number).

use crate::error::{Error, Result};
use std::path::Path;

/// Largest samples file read (bytes); larger files (or endless ones such as
/// /dev/zero) are refused after reading at most this much.
pub const MAX_SAMPLES_BYTES: u64 = 128 * 1024 * 1024;
/// Largest number of sampled networks (rows) accepted.
pub const MAX_SAMPLE_ROWS: usize = 4_000_000;

/// Reads and validates a samples file against the hidden widths, reading at
/// most [`MAX_SAMPLES_BYTES`] (spec FMT-CHECK-CSV).
pub fn read_samples(path: impl AsRef<Path>, widths: &[usize]) -> Result<Vec<Vec<usize>>> {
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
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::format(
            &format!("samples file {}", path.display()),
            "not UTF-8 text (expected CSV of counts)",
        )
    })?;
    parse_samples(&text, widths, &path.display().to_string())
}

/// Parses the samples text (`name` labels error messages).
pub fn parse_samples(text: &str, widths: &[usize], name: &str) -> Result<Vec<Vec<usize>>> {
    let what = format!("samples file {name}");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| Error::format(&what, e.to_string()))?;
        let line = rec.position().map_or(i as u64 + 1, |p| p.line());
        if rec.iter().all(str::is_empty) {
            continue;
        }
        if i == 0 && rec.iter().all(|f| f.parse::<f64>().is_err()) {
            continue; // header
        }
        if rec.len() != widths.len() {
            return Err(Error::format(
                &what,
                format!(
                    "row {line} has {} columns but the network has {} hidden layers (one count per hidden layer)",
                    rec.len(),
                    widths.len()
                ),
            ));
        }
        let mut row = Vec::with_capacity(widths.len());
        for (c, (f, &w)) in rec.iter().zip(widths).enumerate() {
            let v: i128 = f.parse().map_err(|_| {
                Error::format(
                    &what,
                    format!("row {line}, column {}: {f:?} is not a whole number", c + 1),
                )
            })?;
            if v < 0 || v > w as i128 {
                return Err(Error::format(
                    &what,
                    format!("row {line}, column {}: count {v} is outside 0..={w} (layer {} has width {w})", c + 1, c + 1),
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
