//! quickcheck properties of the exact engine (a second property-testing
//! engine next to proptest, with its own generators and shrinking).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::One;
use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};

/// quickcheck's defaults (100 cases, size 100) with a fixed seed: the same
/// cases every run, so a failure is reproducible.
fn fixed_seed(seed: u64) -> QuickCheck {
    QuickCheck::new()
        .tests(100)
        .rng(Gen::from_size_and_seed(100, seed))
}
use relu_trainability::exact::{dyadic_chain, rational_chain, BiasMode, ChainSpec};

#[derive(Clone, Debug)]
struct SmallNet {
    widths: Vec<usize>,
    symmetric: bool,
    q1: (u8, u8),
}

impl Arbitrary for SmallNet {
    fn arbitrary(g: &mut Gen) -> Self {
        let depth = usize::arbitrary(g) % 5 + 1;
        let widths = (0..depth).map(|_| usize::arbitrary(g) % 6 + 1).collect();
        let den = u8::arbitrary(g) % 12 + 1;
        SmallNet {
            widths,
            symmetric: bool::arbitrary(g),
            q1: (u8::arbitrary(g) % (den + 1), den),
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let me = self.clone();
        Box::new(
            self.widths
                .shrink()
                .filter(|w| !w.is_empty() && w.iter().all(|&x| x >= 1))
                .map(move |w| SmallNet {
                    widths: w,
                    ..me.clone()
                }),
        )
    }
}

impl SmallNet {
    fn spec(&self) -> ChainSpec {
        let bias = if self.symmetric {
            BiasMode::Symmetric
        } else {
            BiasMode::Zero
        };
        let q1 = BigRational::new(BigInt::from(self.q1.0), BigInt::from(self.q1.1));
        ChainSpec::new(self.widths.clone(), bias, q1).unwrap()
    }
}

// spec: ALG-DYADIC, THM-CHAIN
#[test]
fn quickcheck_dyadic_equals_reference_and_sums_to_one() {
    fn prop(n: SmallNet) -> TestResult {
        let s = n.spec();
        let fast = dyadic_chain::law(&s, None);
        if fast != rational_chain::law(&s, None) {
            return TestResult::failed();
        }
        let ok = fast.layers.iter().all(|d| {
            d.iter()
                .fold(BigRational::from_integer(0.into()), |a, x| a + x)
                == BigRational::one()
        });
        TestResult::from_bool(ok)
    }
    fixed_seed(0xd1ad).quickcheck(prop as fn(SmallNet) -> TestResult);
}

// spec: THM-BORN-DEAD-LAST
#[test]
fn quickcheck_born_dead_equals_last_zero_of_reference() {
    fn prop(n: SmallNet) -> bool {
        let s = n.spec();
        let reference = rational_chain::law(&s, None);
        dyadic_chain::born_dead(&s) == reference.layers.last().unwrap()[0]
    }
    fixed_seed(0xb0d).quickcheck(prop as fn(SmallNet) -> bool);
}
