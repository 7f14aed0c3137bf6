//! relu-trainability: exact theory, simulation and test oracle for dead
//! neurons and trainability of ReLU networks (Shin and Karniadakis 2020).
//!
//! Module map (one concern each; spec IDs refer to `spec/`):
//! - [`exact`]: exact law of non-PD counts, born-dead probability,
//!   trainability, width/depth search, q1 closed forms, f64 path.
//! - [`sim`]: f64 networks, data sets, forward pass.
//! - [`census`]: active / tentatively dead / permanently dead neurons.
//! - [`montecarlo`]: many random networks, histograms, agreement with theory.
//! - [`init`]: random initializers (He, Glorot, LeCun, RAI, ...) and the
//!   data-dependent initializer.
//! - [`train`]: gradient descent and Adam, experiments.
//! - [`stats`]: goodness of fit, binomial intervals and tests.
//! - [`io`]: CSV / npy data, safetensors models, JSON.
//! - [`oracle`]: check samples against the law, golden test vectors.
//! - [`cli`]: the `trainability` command, a thin layer over the above.
//!
//! # Example: the exact law
//!
//! Two hidden layers of width 2, zero biases, q1 = 0: K_1 = 2 surely, and a
//! second-layer neuron is PD when both its weights are <= 0 (probability
//! 1/4), so P(born dead) = P(K_2 = 0) = (1/4)^2 = 1/16 (spec THM-CHAIN).
//!
//! ```
//! use relu_trainability::exact::{exact_law, trainability, BiasMode, ChainSpec};
//! use relu_trainability::rational::to_pq;
//!
//! let spec = ChainSpec::parse(vec![2, 2], BiasMode::Zero, "0").unwrap();
//! let law = exact_law(&spec).unwrap();
//! assert_eq!(to_pq(&law.born_dead()), "1/16");
//! // P(K_2 = 2) = (3/4)^2 = 9/16 is the trainability for n* = (2, 2)
//! assert_eq!(to_pq(&trainability(&spec, &[2, 2]).unwrap()), "9/16");
//! ```

pub mod census;
pub mod cli;
pub mod decimal;
pub mod error;
pub mod exact;
pub mod init;
pub mod io;
pub mod limits;
pub mod montecarlo;
pub mod oracle;
pub mod q1;
pub mod rational;
pub mod sim;
pub mod stats;
pub mod train;

pub use error::{Error, Result};
