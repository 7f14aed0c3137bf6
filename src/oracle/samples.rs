//! Reading sampled counts (spec FMT-CHECK-CSV): one row per sampled network,
//! one column per hidden layer, integer counts in 0..=N_l, an optional
//! header row (detected: a first row none of whose fields is a number).

use crate::error::{Error, Result};
use std::path::Path;

/// Reads and validates a samples file against the hidden widths.
pub fn read_samples(path: impl AsRef<Path>, widths: &[usize]) -> Result<Vec<Vec<usize>>> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
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
    }
    if rows.is_empty() {
        return Err(Error::format(
            &what,
            "no data rows (expected one row of counts per sampled network)",
        ));
    }
    Ok(rows)
}
