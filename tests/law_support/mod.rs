//! Helpers shared by the tests of THM-CHAIN-GENERAL's laws
//! (tests/chain_general.rs, tests/general_float_search.rs).

use num_rational::BigRational;
use relu_trainability::exact::general::StepLaw;

/// An exact rational from its text ("1/3", "0.25", "1e-3").
pub fn r(s: &str) -> BigRational {
    relu_trainability::rational::parse_user_rational(s).unwrap()
}

/// The independent-signs step law with P(w <= 0) = a, P(b <= 0) = c.
pub fn signs(a: &str, c: &str) -> StepLaw {
    StepLaw::Signs {
        weight: r(a),
        bias: r(c),
    }
}
