//! The crate's error type. Every failure a user can cause (bad flags, malformed
//! files, NaN data, sizes that would exhaust memory or time) is an `Error`,
//! never a panic; the CLI prints it and exits with status 2.

/// Errors reported to users. The message names the problem and, where one
/// exists, the way out.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag, argument or value is out of its domain (zero width, q1 > 1, ...).
    #[error("invalid input: {0}")]
    Input(String),
    /// A file could not be read or written.
    #[error("I/O error on {path}: {message}")]
    Io { path: String, message: String },
    /// A file was read but its content is malformed.
    #[error("malformed {what}: {message}")]
    Format { what: String, message: String },
    /// The request would exceed the memory or time budget; the message says
    /// what to do instead.
    #[error("refused, too costly: {0}")]
    TooCostly(String),
    /// A numerical procedure failed to reach its guarantee (never expected;
    /// reported instead of returning a wrong number).
    #[error("numerical failure: {0}")]
    Numerical(String),
    /// Standard output was closed by the reader (a pipe into `head`); the
    /// CLI ends quietly with status 0, as `cat` does (spec FMT-OUTPUT).
    #[error("standard output closed")]
    OutputClosed,
}

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Shorthand for [`Error::Input`].
    pub fn input(msg: impl Into<String>) -> Self {
        Error::Input(msg.into())
    }

    /// Shorthand for [`Error::Io`] from a path and an `std::io::Error`.
    pub fn io(path: impl AsRef<std::path::Path>, err: impl std::fmt::Display) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            message: err.to_string(),
        }
    }

    /// Shorthand for [`Error::Format`].
    pub fn format(what: impl Into<String>, msg: impl Into<String>) -> Self {
        Error::Format {
            what: what.into(),
            message: msg.into(),
        }
    }
}
