//! Parsers shared by the subcommands (clap `value_parser`s) and output
//! helpers. Every parser returns a message that names the problem.

use super::out::outln;
use crate::error::{Error, Result};
use crate::rational::{parse_user_probability, parse_user_rational};
use num_rational::BigRational;

/// Output format of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// JSON for programs (the documented contract).
    Json,
}

/// Parses one hidden width (a whole number >= 1); used with
/// `value_delimiter = ','` so `--widths 4,4,4` gives a list.
pub fn parse_width(t: &str) -> std::result::Result<usize, String> {
    let t = t.trim();
    let w: usize = t
        .parse()
        .map_err(|_| format!("{t:?} is not a whole number (widths look like 4,4,4)"))?;
    if w == 0 {
        return Err("a width of 0 is not a layer; every width must be at least 1".to_string());
    }
    Ok(w)
}

/// Parses "4,4,4" into widths (each >= 1).
pub fn parse_widths(s: &str) -> std::result::Result<Vec<usize>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty width list; write e.g. 4,4,4".into());
    }
    s.split(',').map(parse_width).collect()
}

/// Parses a list of whole numbers that may end in "..." (repeat the last
/// value), e.g. "2,1,...". Zeros are allowed (n*_l = 0 means no constraint).
pub fn parse_min_widths(s: &str) -> std::result::Result<MinWidths, String> {
    let mut parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let repeat = parts.last() == Some(&"...");
    if repeat {
        parts.pop();
    }
    if parts.is_empty() {
        return Err("empty minimum-width list; write e.g. 2,1,1 or 2,1,...".into());
    }
    let values = parts
        .iter()
        .map(|t| {
            t.parse::<usize>().map_err(|_| {
                format!("{t:?} is not a whole number (minimum widths look like 2,1,1 or 2,1,...)")
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(MinWidths { values, repeat })
}

/// Minimum widths n*, possibly with a trailing "..." (repeat the last).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinWidths {
    /// The listed values.
    pub values: Vec<usize>,
    /// Whether the list ended in "...".
    pub repeat: bool,
}

impl MinWidths {
    /// The vector for a network with `depth` hidden layers.
    pub fn for_depth(&self, depth: usize) -> Result<Vec<usize>> {
        let n = self.values.len();
        if n > depth || (n < depth && !self.repeat) {
            return Err(Error::input(format!(
                "--min-widths has {n} entries but the network has {depth} hidden layers{}",
                if n < depth {
                    " (end the list with ,... to repeat the last value)"
                } else {
                    ""
                }
            )));
        }
        let last = *self.values.last().expect("non-empty");
        let mut v = self.values.clone();
        v.resize(depth, last);
        Ok(v)
    }
}

/// clap parser for an exact probability.
pub fn parse_prob(s: &str) -> std::result::Result<BigRational, String> {
    parse_user_probability(s, "value").map_err(|e| e.to_string())
}

/// clap parser for an exact rational.
pub fn parse_exact(s: &str) -> std::result::Result<BigRational, String> {
    parse_user_rational(s).map_err(|e| e.to_string())
}

/// Pretty JSON to stdout.
pub fn print_json(v: &serde_json::Value) -> Result<()> {
    outln!(
        "{}",
        serde_json::to_string_pretty(v)
            .map_err(|e| Error::Numerical(format!("JSON encoding: {e}")))?
    )?;
    Ok(())
}
