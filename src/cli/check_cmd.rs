//! (being built)
use crate::error::{Error, Result};

/// (being built)
#[derive(clap::Args, Debug)]
pub struct CheckArgs {}

/// (being built)
pub fn run(_: &CheckArgs) -> Result<i32> {
    Err(Error::input("this command is not built yet"))
}
