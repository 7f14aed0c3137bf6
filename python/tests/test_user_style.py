"""What a user's test suite does: sample He networks in NumPy and validate
them with assert_init_matches_law (spec THM-CHAIN, ALG-CHECK, ALG-POWER).
alpha = 1e-6 per assertion, fixed seeds; the correct sampler is accepted,
and deliberately wrong claims are rejected."""

from fractions import Fraction

import numpy as np
import pytest

import relu_trainability as rt

# 64 points on the quarter circle from (1, 0) to (0, 1): a first-layer
# neuron without bias is PD iff w_1 <= 0 and w_2 <= 0, so q1 = 1/4 exactly
T = np.linspace(0, np.pi / 2, 64)
X = np.stack([np.cos(T), np.sin(T)], axis=1)


def he_sampler(seed, widths, bias_std=0.0, d=2):
    rng = np.random.default_rng(seed)

    def sample():
        dims = [d, *widths, 1]
        net = []
        for i, o in zip(dims[:-1], dims[1:]):
            W = rng.normal(0.0, np.sqrt(2.0 / i), size=(o, i))
            b = rng.normal(0.0, bias_std, size=o) if bias_std else np.zeros(o)
            net.append((W, b))
        return net

    return sample


def test_he_normal_zero_bias_matches_the_law():
    r = rt.assert_init_matches_law(he_sampler(1, [8, 8, 8]), [8, 8, 8], "zero", Fraction(1, 4), X)
    assert r.accepted and r.samples == rt.samples_needed([8, 8, 8], "zero", "1/4")
    # active counts: one-sided, also accepted
    rt.assert_init_matches_law(he_sampler(2, [8, 8, 8]), [8, 8, 8], "zero", "1/4", X,
                               n=1000, kind="active")


def test_zero_bias_law_claimed_for_a_symmetric_bias_sampler_fails():
    with pytest.raises(AssertionError) as e:
        rt.assert_init_matches_law(he_sampler(3, [8, 8, 8], bias_std=0.5), [8, 8, 8], "zero",
                                   Fraction(1, 4), X)
    assert "REJECT" in str(e.value) and "deviations" in str(e.value)


def test_symmetric_bias_sampler_matches_the_symmetric_law_with_its_q1():
    # 1-D data x > 0 and w, b i.i.d. N(0, s^2) (NOTES: q1 = (pi - (atan(x_max) - atan(x_min))) / (2 pi)):
    # with a single point x = 1: q1 = (pi - 0) / (2 pi) = 1/2
    x1 = np.array([[1.0]])

    def sampler_rng(seed):
        rng = np.random.default_rng(seed)

        def sample():
            W1 = rng.normal(size=(6, 1))
            b1 = rng.normal(size=6)  # same std as the weights (fan_in 1)
            rest = [(rng.normal(size=(o, i)), rng.normal(size=o)) for i, o in [(6, 6), (6, 1)]]
            return [(W1, b1), *rest]

        return sample

    rt.assert_init_matches_law(sampler_rng(4), [6, 6], "symmetric", Fraction(1, 2), x1)
    with pytest.raises(AssertionError):
        rt.assert_init_matches_law(sampler_rng(5), [6, 6], "symmetric", Fraction(1, 4), x1, n=3000)


def test_wrong_widths_are_named():
    with pytest.raises(AssertionError, match=r"hidden widths \[8, 8, 7\]"):
        rt.assert_init_matches_law(he_sampler(6, [8, 8, 7]), [8, 8, 8], "zero", "1/4", X, n=10)
    with pytest.raises(AssertionError, match="hidden widths"):
        rt.assert_init_matches_law(he_sampler(6, [8, 8]), [8, 8, 8], "zero", "1/4", X, n=10)
