"""q1 through Python against the CLI's q1 command and check --q1-from-data
(spec FMT-Q1, ALG-Q1-DISPATCH, ALG-CHECK-Q1-INTERVAL). Statistical
assertions at alpha = 1e-6 (intervals at confidence 1 - 1e-6), fixed
seeds, each with a companion rejection."""

import json
import math
from fractions import Fraction

import numpy as np
import pytest

import relu_trainability as rt

ALPHA = 1e-6


def test_closed_forms_equal_the_cli(cli, tmp_path):
    t = np.linspace(0, np.pi / 2, 64)
    cases = [
        (np.array([0.5, 1.0, 2.0]), "he-normal", "zero"),                   # THM-Q1-ZERO-1D: 1/2
        (np.stack([np.cos(t), np.sin(t)], axis=1), "he-normal", "zero"),    # gap 3 pi / 2: 1/4
        (np.stack([np.cos(t), np.sin(t)], axis=1), "torch-default", "fan-in"),
    ]
    for X, init, bias in cases:
        np.save(tmp_path / "x.npy", X)
        code, out, err = cli("q1", "--data", tmp_path / "x.npy", "--init", init, "--bias", bias,
                             "--format", "json")
        assert code == 0, err
        q = rt.q1(X, init, bias)
        v = json.loads(out)  # the CLI's document also describes the data and init
        assert {k: v[k] for k in ("q1", "source", "theorem", "case")} == \
            {k: q.report[k] for k in ("q1", "source", "theorem", "case")}, (init, bias)
    assert rt.q1(np.array([0.5, 1.0, 2.0])).exact == Fraction(1, 2)
    q = rt.q1(np.stack([np.cos(t), np.sin(t)], axis=1))
    assert q.kind in ("exact", "bounded") and abs(q.value - 0.25) <= (q.bound or 0) + 1e-15


def test_torch_default_on_the_unit_circle():
    # the hand derivation: (32/3) tan(pi/256) for 256 points on the circle
    t = 2 * np.pi * np.arange(256) / 256
    q = rt.q1(np.stack([np.cos(t), np.sin(t)], axis=1), "torch-default", "fan-in")
    assert q.bias == "symmetric"
    assert abs(q.value - 32 / 3 * math.tan(math.pi / 256)) <= 1e-12


def test_monte_carlo_interval_contains_the_exact_value():
    X = np.array([0.5, 1.0, 2.0])
    q = rt.q1(X, monte_carlo=True, samples=20000, seed=3, confidence=1 - ALPHA)
    assert q.kind == "interval" and q.lo <= 0.5 <= q.hi and q.hi - q.lo < 0.05
    # a law needs a value: an interval is refused with advice
    with pytest.raises(ValueError, match="interval"):
        rt.law([2], q1=q)
    # an exact Q1 is a q1
    assert rt.law([3], q1=rt.q1(X)).distributions == rt.law([3], q1=Fraction(1, 2)).distributions


def sample_counts(widths, d, bias_std, n, seed, X):
    rng = np.random.default_rng(seed)

    def sample():
        dims = [d, *widths, 1]
        return [(rng.normal(0, np.sqrt(2 / i), size=(o, i)), rng.normal(0, bias_std, size=o))
                for i, o in zip(dims[:-1], dims[1:])]

    return rt.sample_counts(sample, X, n)


def test_interval_check_equals_the_cli_and_rejects_a_wrong_claim(cli, tmp_path):
    # 4-D data, Gaussian bias: no closed form, q1 by Monte Carlo
    X = np.random.default_rng(0).normal(size=(12, 4)) + 1.5
    q = rt.q1(X, "he-normal", "normal:0.1", width=6, samples=20000, seed=0, confidence=1 - ALPHA)
    assert q.kind == "interval" and q.bias == "symmetric"
    counts = sample_counts([6, 6], 4, 0.1, 1500, 1, X)
    r = rt.check(counts, [6, 6], "symmetric", q, alpha=ALPHA)
    assert r.accepted, r.text
    np.save(tmp_path / "x.npy", X)
    np.save(tmp_path / "c.npy", counts)
    code, out, err = cli("check", "--widths", "6,6", "--q1-from-data", tmp_path / "x.npy",
                         "--init", "he-normal", "--bias", "normal:0.1", "--q1-samples", 20000,
                         "--q1-seed", 0, "--q1-delta", ALPHA, "--alpha", ALPHA,
                         "--samples", tmp_path / "c.npy", "--format", "json")
    assert code == 0, err
    v = json.loads(out)
    v.pop("q1_from_data")
    # delta: the CLI's --q1-delta 1e-6 is here 1 - (1 - 1e-6), a few ulps larger
    # false_alarm_bound is null unless every p-value is exact (ALG-GOF-EXACT)
    for k in ("delta", "false_alarm_bound"):
        a, b = r.report.pop(k), v.pop(k)
        assert (a is None) == (b is None), (k, a, b)
        if a is not None:
            assert abs(a - b) <= 1e-15
    assert r.report == v
    # companion: the same counts claimed for the zero-bias law
    assert rt.check(counts, [6, 6], "zero", q, alpha=ALPHA).reject
    # and counts of a wider first layer do not fit
    wide = sample_counts([6, 6], 4, 0.1, 1500, 2, X)
    wide[:, 0] = np.minimum(6, wide[:, 0] + 1)
    assert rt.check(wide, [6, 6], "symmetric", q, alpha=ALPHA).reject
