//! A progress bar that appears only for runs longer than about 1.5 s and
//! only when stderr is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_millis(1500);

pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
}

impl Progress {
    pub(crate) fn new(total: u64, wanted: bool) -> Self {
        Self::with_unit(total, wanted, "networks")
    }

    /// A bar counting `unit` (e.g. "neurons").
    pub(crate) fn with_unit(total: u64, wanted: bool, unit: &str) -> Self {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
            let template = format!("{{bar:40}} {{pos}}/{{len}} {unit}, eta {{eta}}");
            if let Ok(s) = ProgressStyle::with_template(&template) {
                b.set_style(s);
            }
            b
        });
        Progress {
            bar,
            start: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    pub(crate) fn inc(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
            if !self.shown.load(Ordering::Relaxed)
                && self.start.elapsed() > DELAY
                && !self.shown.swap(true, Ordering::Relaxed)
            {
                b.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
