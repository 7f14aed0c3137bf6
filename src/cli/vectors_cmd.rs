//! `trainability vectors`: write the golden test vectors (spec FMT-VECTORS).

use super::out::{errln, out};
use crate::error::{Error, Result};
use crate::oracle::vectors::{golden_vectors, to_text};
use std::path::PathBuf;

/// `trainability vectors` arguments.
#[derive(clap::Args, Debug)]
pub struct VectorsArgs {
    /// Output file ("-" for standard output).
    #[arg(long, required = true)]
    pub out: PathBuf,
}

/// Writes the vectors file.
pub fn run(a: &VectorsArgs) -> Result<i32> {
    let file = golden_vectors()?;
    let text = to_text(&file)?;
    if a.out.as_os_str() == "-" {
        out!("{text}")?;
    } else {
        std::fs::write(&a.out, &text).map_err(|e| Error::io(&a.out, e))?;
        errln!(
            "wrote {} test vectors to {}",
            file.vectors.len(),
            a.out.display()
        );
    }
    Ok(0)
}
