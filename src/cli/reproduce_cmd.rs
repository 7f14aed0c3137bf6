//! (being built)
use crate::error::{Error, Result};

/// (being built)
#[derive(clap::Args, Debug)]
pub struct ReproduceArgs {}

/// (being built)
pub fn run(_: &ReproduceArgs) -> Result<i32> {
    Err(Error::input("this command is not built yet"))
}
