//! The f64 network simulator: networks, data sets, random initializers and
//! the forward pass (spec DEF-NETWORK).

pub mod data;
pub mod exact_sign;
pub mod network;

pub use data::Dataset;
pub use network::{Forward, Layer, Network};
