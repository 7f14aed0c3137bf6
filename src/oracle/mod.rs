//! The oracle for other implementations (issue 5): test sampled counts
//! against the exact law ([`check`], spec ALG-CHECK), the number of samples
//! such a test needs ([`power`], ALG-POWER), and golden test vectors
//! ([`vectors`], FMT-VECTORS).

pub mod check;
pub mod check_law;
pub mod explain;
pub mod laws;
pub mod power;
pub mod power_active;
pub mod q1_interval;
pub mod samples;
pub mod samples_npy;
pub mod support;
pub mod vectors;
