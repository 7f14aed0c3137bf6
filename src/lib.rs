//! relu-trainability: exact theory, simulation and test oracle for dead
//! neurons and trainability of ReLU networks (Shin and Karniadakis 2020).
//!
//! Module map (one concern each; spec IDs refer to `spec/`):
//! - [`exact`]: exact law of non-PD counts, born-dead probability,
//!   trainability, width/depth search, q1 closed forms, f64 path.
//! - [`sim`]: f64 networks, data sets, random initializers, forward pass.
//! - [`census`]: active / tentatively dead / permanently dead neurons.
//! - [`montecarlo`]: many random networks, histograms, agreement with theory.
//! - [`init`]: the data-dependent initializer.
//! - [`train`]: gradient descent and Adam, experiments.
//! - [`stats`]: goodness of fit, binomial intervals and tests.
//! - [`io`]: CSV / npy data, safetensors models, JSON.
//! - [`oracle`]: check samples against the law, golden test vectors.
//! - [`cli`]: the `trainability` command, a thin layer over the above.

pub mod census;
pub mod cli;
pub mod error;
pub mod exact;
pub mod init;
pub mod io;
pub mod montecarlo;
pub mod oracle;
pub mod rational;
pub mod sim;
pub mod stats;
pub mod train;

pub use error::{Error, Result};
