//! Resource budgets shared by every command (spec ALG-LIMITS): estimated
//! CPU time, memory, bytes read from one input file, worker threads. Every
//! command estimates its cost from its size-bearing arguments before
//! allocating or computing and refuses above a budget with advice
//! ([`Error::TooCostly`]); the global flags `--max-seconds`,
//! `--max-memory-mb` and `--max-input-mb` raise the budgets.
//!
//! The budgets are per thread (a `thread_local`), so that commands run
//! in-process (tests) do not see each other's flags; code that estimates
//! inside a worker pool copies them in with [`set`].

use crate::error::{Error, Result};
use std::cell::Cell;

/// The budgets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Estimated CPU time, core-seconds.
    pub max_seconds: f64,
    /// Estimated memory of the largest allocation set, bytes.
    pub max_bytes: f64,
    /// Bytes read from one input file (data, model, samples).
    pub max_input_bytes: u64,
}

/// Defaults: one minute of CPU, 1 GB of memory, 256 MiB per input file.
pub const DEFAULT: Limits = Limits {
    max_seconds: 60.0,
    max_bytes: 1e9,
    max_input_bytes: 256 << 20,
};

/// Worker threads allowed per available core; more buys nothing (results
/// are identical for any thread count, spec ALG-MC-SEEDS).
pub const THREADS_PER_CORE: usize = 4;

/// Largest magnitude accepted for data coordinates and distribution scales
/// (bias std, cube half-side, ball radius): 1e100 leaves 200 orders of
/// magnitude of f64 headroom for the products and sums of a forward pass,
/// so that no pre-activation overflows and no sampler's range (2A) does.
pub const MAX_SCALE: f64 = 1e100;

thread_local! {
    static CURRENT: Cell<Limits> = const { Cell::new(DEFAULT) };
}

/// The budgets in force on this thread.
pub fn current() -> Limits {
    CURRENT.with(Cell::get)
}

/// Sets the budgets of this thread.
pub fn set(l: Limits) {
    CURRENT.with(|c| c.set(l));
}

/// Runs `f` with the budgets `l` on this thread, then restores the budgets
/// in force before (also when `f` panics).
pub fn with<T>(l: Limits, f: impl FnOnce() -> T) -> T {
    struct Restore(Limits);
    impl Drop for Restore {
        fn drop(&mut self) {
            set(self.0);
        }
    }
    let _restore = Restore(current());
    set(l);
    f()
}

/// Refuses `what` when its estimated memory exceeds the budget.
pub fn check_bytes(what: &str, bytes: f64, advice: &str) -> Result<()> {
    let max = current().max_bytes;
    if bytes.is_nan() || bytes > max {
        return Err(Error::TooCostly(format!(
            "{what} needs an estimated {} of memory (budget {}, raise it with --max-memory-mb); {advice}",
            human_bytes(bytes),
            human_bytes(max)
        )));
    }
    Ok(())
}

/// Refuses `what` when its estimated CPU time exceeds the budget.
pub fn check_seconds(what: &str, seconds: f64, advice: &str) -> Result<()> {
    let max = current().max_seconds;
    if seconds.is_nan() || seconds > max {
        return Err(Error::TooCostly(format!(
            "{what} would take an estimated {} of CPU time (budget {}, raise it with --max-seconds); {advice}",
            human_seconds(seconds),
            human_seconds(max)
        )));
    }
    Ok(())
}

/// The number of worker threads for `--threads`: at least 1 (0 is refused),
/// at most [`THREADS_PER_CORE`] per available core (more is capped with a
/// note on stderr). `None` means one per core.
pub fn threads(requested: Option<usize>) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = cores * THREADS_PER_CORE;
    match requested {
        None => Ok(cores),
        Some(0) => Err(Error::input("--threads must be at least 1")),
        Some(t) if t > cap => {
            crate::cli::out::errln!(
                "note: --threads {t} capped at {cap} ({THREADS_PER_CORE} per core on this machine); results do not depend on the thread count"
            );
            Ok(cap)
        }
        Some(t) => Ok(t),
    }
}

/// Bytes for people (kB, MB, GB, ...).
pub fn human_bytes(b: f64) -> String {
    if !b.is_finite() {
        return "more than any machine has".into();
    }
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = b;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < units.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == units.len() - 1 && v >= 1000.0 {
        return format!("{b:.1e} bytes");
    }
    format!("{v:.1} {}", units[u])
}

/// Seconds for people.
pub fn human_seconds(s: f64) -> String {
    if !s.is_finite() {
        "forever".into()
    } else if s < 120.0 {
        format!("{s:.1} s")
    } else if s < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 86400.0 * 365.0 * 100.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1e} years", s / (86400.0 * 365.0))
    }
}
