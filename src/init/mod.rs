//! Initializers: random schemes (He, Glorot, LeCun, standard normal, RAI)
//! and the data-dependent initializer (spec ALG-INIT-RANDOM, ALG-RAI).

pub mod compare;
pub mod data_dependent;
pub mod random;

pub use random::{initialize, Architecture, BiasInit, InitScheme, WeightInit};
