//! Reading and writing: data sets (CSV, npy, built-in generators).

pub mod data;
pub mod model;
pub mod npy;
pub mod plots;
pub mod state_dict;

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Reads a whole input file, refusing (before reading, when the file system
/// knows its size, and otherwise as soon as the limit is passed) one larger
/// than the `--max-input-mb` budget (spec ALG-LIMITS): `/dev/zero` or a
/// runaway file never exhausts memory.
pub fn read_bounded(path: impl AsRef<Path>) -> Result<Vec<u8>> {
    let path = path.as_ref();
    let max = crate::limits::current().max_input_bytes;
    let too_big = |size: String| {
        Error::TooCostly(format!(
            "{} is larger than the {} input limit{size}; raise it with --max-input-mb if the file is meant to be that large",
            path.display(),
            crate::limits::human_bytes(max as f64)
        ))
    };
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = f.metadata().map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::io(path, "is a directory, not a file"));
    }
    if meta.is_file() && meta.len() > max {
        return Err(too_big(format!(
            " ({})",
            crate::limits::human_bytes(meta.len() as f64)
        )));
    }
    let mut buf = Vec::new();
    f.take(max.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, e))?;
    if buf.len() as u64 > max {
        return Err(too_big(String::new()));
    }
    Ok(buf)
}
