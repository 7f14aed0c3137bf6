//! Reading and writing: data sets (CSV, npy, built-in generators).

pub mod data;
pub mod model;
pub mod plots;
