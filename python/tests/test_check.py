"""check and power through Python against the CLI on the same counts
(spec ALG-CHECK, ALG-CHECK-EXPLAIN, ALG-POWER). Statistical assertions at
alpha = 1e-6 with fixed seeds; each acceptance has a companion rejection
of a deliberately wrong law."""

import json
from fractions import Fraction

import numpy as np
import pytest

import relu_trainability as rt

ALPHA = 1e-6


def sample_chain(widths, bias, q1, n, seed):
    """n draws of (K_1, ..., K_L) from the chain of THM-CHAIN, in NumPy."""
    rng = np.random.default_rng(seed)
    beta = 0 if bias == "zero" else 1
    out = np.zeros((n, len(widths)), dtype=np.int64)
    k = rng.binomial(widths[0], 1 - float(q1), size=n)
    out[:, 0] = k
    for l, w in enumerate(widths[1:], start=1):
        p_alive = np.where(k > 0, 1 - 0.5 ** (k + beta).astype(float), 0.0)
        k = rng.binomial(w, p_alive)
        out[:, l] = k
    return out


def test_counts_from_the_law_are_accepted_and_a_wrong_law_rejected():
    counts = sample_chain([8, 8, 8], "zero", 0.5, 3000, seed=1)
    r = rt.check(counts, [8, 8, 8], "zero", Fraction(1, 2), alpha=ALPHA)
    assert r.accepted and not r.reject and r.p_value > ALPHA
    assert r.samples == 3000 and len(r.tests) == 5  # 3 marginals, 2 transitions
    # companion: symmetric-bias counts claimed as zero-bias
    wrong = sample_chain([8, 8, 8], "symmetric", 0.5, 3000, seed=2)
    r = rt.check(wrong, [8, 8, 8], "zero", Fraction(1, 2), alpha=ALPHA)
    assert r.reject and r.deviations
    assert "REJECT" in r.text and "deviations" in r.text
    assert str(r) == r.text


@pytest.mark.parametrize("kind", ["nonpd", "active"])
def test_check_equals_the_cli_on_the_same_counts(cli, tmp_path, kind):
    for seed, bias in [(3, "zero"), (4, "symmetric")]:
        counts = sample_chain([6, 5, 4], bias, 0.25, 800, seed)
        np.save(tmp_path / "c.npy", counts)
        args = ["check", "--widths", "6,5,4", "--bias", "zero", "--q1", "1/4", "--kind", kind,
                "--samples", tmp_path / "c.npy", "--alpha", "1e-3"]
        code, out, err = cli(*args, "--format", "json")
        assert code in (0, 1), err
        r = rt.check(counts, [6, 5, 4], "zero", "1/4", kind=kind, alpha=1e-3)
        assert r.report == json.loads(out)
        assert r.reject == (code == 1)
        code, out, _ = cli(*args)
        assert r.text == out


def test_savetxt_style_float_counts_are_read_as_integers():
    counts = sample_chain([4, 4], "zero", 0, 500, seed=5)
    a = rt.check(counts, [4, 4])
    b = rt.check(counts.astype(np.float64), [4, 4])
    c = rt.check(counts.astype(np.uint8), [4, 4])
    assert a.report == b.report == c.report


@pytest.mark.parametrize("kind", ["nonpd", "active"])
def test_power_equals_the_cli(cli, kind):
    code, out, err = cli("check", "--power", "--widths", "8,8,8", "--q1", "1/2", "--kind", kind,
                         "--format", "json")
    assert code == 0, err
    assert rt.power([8, 8, 8], "zero", Fraction(1, 2), kind) == json.loads(out)


def test_samples_needed_is_the_largest_detectable_n():
    rows = rt.power([8, 8, 8], "zero", "1/2", alpha=ALPHA)
    n = rt.samples_needed([8, 8, 8], "zero", "1/2", alpha=ALPHA)
    assert n == max(r["n_power_90"] for r in rows if r["n_power_90"] is not None)
    assert n >= 431  # more than at alpha = 1e-3 (README: 431 for q1 off by 0.05)
