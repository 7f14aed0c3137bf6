//! Fallible standard output shared by every command (spec FMT-OUTPUT).
//!
//! `println!` panics when stdout cannot be written; here every write returns
//! a `Result`. A closed pipe (`trainability table | head -1`) becomes
//! [`Error::OutputClosed`], which [`super::main`] turns into a quiet exit 0
//! as `cat` does; any other write error (a full disk) is an `error:` line
//! with exit 2.

use crate::error::{Error, Result};
use std::io::Write;

/// Maps a write error on stdout to the crate error.
pub fn stdout_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::OutputClosed
    } else {
        Error::io("standard output", e)
    }
}

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<Vec<u8>>> = const { std::cell::RefCell::new(None) };
}

/// Writes formatted text to stdout (used by [`out!`] and [`outln!`]), or
/// to this thread's buffer inside [`capture`].
pub fn write(args: std::fmt::Arguments<'_>) -> Result<()> {
    let captured = CAPTURE.with(|c| {
        c.borrow_mut().as_mut().map(|buf| {
            let _ = buf.write_fmt(args);
        })
    });
    if captured.is_some() {
        return Ok(());
    }
    std::io::stdout()
        .lock()
        .write_fmt(args)
        .map_err(stdout_error)
}

/// Runs `f` with this thread's standard output collected into a string
/// (for running commands in-process, e.g. in tests).
pub fn capture<R>(f: impl FnOnce() -> R) -> (R, String) {
    let prev = CAPTURE.with(|c| c.borrow_mut().replace(Vec::new()));
    let r = f();
    let buf = CAPTURE.with(|c| std::mem::replace(&mut *c.borrow_mut(), prev));
    (
        r,
        String::from_utf8_lossy(&buf.unwrap_or_default()).into_owned(),
    )
}

/// Flushes stdout, so a write error on buffered text is reported too.
pub fn flush() -> Result<()> {
    std::io::stdout().lock().flush().map_err(stdout_error)
}

/// Writes a message to stderr, ignoring failure (there is nowhere left to
/// report it); used for notes and warnings.
pub fn err_write(args: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// `print!` returning `Result<()>`.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!($($arg)*))
    };
}

/// `println!` returning `Result<()>`.
macro_rules! outln {
    () => {
        $crate::cli::out::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that never panics (a closed stderr is ignored).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::out::err_write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {errln, out, outln};
