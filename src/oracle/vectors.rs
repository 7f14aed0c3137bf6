//! Golden test vectors (spec FMT-VECTORS): being built.
