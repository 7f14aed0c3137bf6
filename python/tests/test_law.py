"""The exact law through Python against an independent computation of the
chain in fractions (spec THM-CHAIN), the CLI's JSON, and the f64 path's
bound (BOUND-F64)."""

import json
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import relu_trainability as rt


def binomial(n, p):
    return [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]


def chain(widths, bias, q1, floors=None):
    """Marginals of K_1..K_L by the chain of NOTES/THM-CHAIN, in fractions:
    K_1 ~ Bin(N_1, 1 - q1); K_l | K_{l-1} = p ~ Bin(N_l, 1 - 2^-(p + beta))
    for p >= 1, 0 for p = 0. With floors, mass below n*_l is dropped."""
    beta = 0 if bias == "zero" else 1
    floors = floors or [0] * len(widths)
    dist = binomial(widths[0], 1 - Fraction(q1))
    dist = [m if k >= floors[0] else Fraction(0) for k, m in enumerate(dist)]
    out = [dist]
    for l, n in enumerate(widths[1:], start=1):
        new = [Fraction(0)] * (n + 1)
        for p, mass in enumerate(dist):
            if mass == 0:
                continue
            if p == 0:
                new[0] += mass
                continue
            for k, b in enumerate(binomial(n, 1 - Fraction(1, 2 ** (p + beta)))):
                new[k] += mass * b
        dist = [m if k >= floors[l] else Fraction(0) for k, m in enumerate(new)]
        out.append(dist)
    return out


CASES = [
    ([1], "zero", 0),
    ([2, 2], "zero", 0),
    ([3, 1, 2], "symmetric", Fraction(1, 3)),
    ([4, 4, 4], "zero", Fraction(1, 2)),
    ([1, 1, 1, 1], "symmetric", Fraction(7, 10)),
    ([5, 3], "zero", 1),
    ([2, 6, 1, 3], "symmetric", 0),
]


def test_born_dead_of_two_layers_of_two_is_one_sixteenth():
    # spec: THM-CHAIN (the example of the crate docs)
    law = rt.law([2, 2])
    assert law.born_dead == Fraction(1, 16)
    assert str(law.born_dead) == "1/16"
    assert law.trainability([2, 2]) == Fraction(9, 16)


@pytest.mark.parametrize("widths,bias,q1", CASES)
def test_exact_law_equals_the_fractions_chain(widths, bias, q1):
    law = rt.law(widths, bias, q1)
    expected = chain(widths, bias, q1)
    assert law.distributions == expected
    assert law.born_dead == expected[-1][0]
    for got, exp in zip(law.distributions_f64, expected):
        # correctly rounded (float(Fraction) rounds correctly)
        assert got.tolist() == [float(x) for x in exp]
    for got, exp in zip(law.distributions_log10, expected):
        for g, e in zip(got, exp):
            if e == 0:
                assert g == -np.inf
            else:
                assert abs(g - math.log10(e)) <= 1e-14 * max(1, abs(g))


@pytest.mark.parametrize("widths,bias,q1", CASES)
def test_trainability_equals_the_floored_chain(widths, bias, q1):
    for floors in ([1] * len(widths), [min(2, w) for w in widths], list(widths)):
        expected = sum(chain(widths, bias, q1, floors)[-1])
        assert rt.law(widths, bias, q1).trainability(floors) == expected
        assert rt.summary(widths, bias, q1, floors).trainability == expected


def test_min_widths_may_end_in_an_ellipsis():
    law = rt.law([3, 3, 3, 3], "symmetric", Fraction(1, 4))
    assert law.trainability([2, 1, ...]) == law.trainability([2, 1, 1, 1])
    assert law.trainability([2, ...]) == law.trainability([2, 2, 2, 2])


def test_law_equals_the_cli_json(cli):
    code, out, err = cli("exact", "--widths", "3,2,4", "--bias", "symmetric", "--q1", "1/3",
                         "--format", "json")
    assert code == 0, err
    v = json.loads(out)
    law = rt.law([3, 2, 4], "symmetric", "1/3")
    assert [[str(x) for x in d] for d in law.distributions] == [l["distribution"] for l in v["layers"]]
    assert str(law.born_dead) == v["born_dead"]
    assert law.born_dead_f64 == v["born_dead_f64"]
    assert law.born_dead_log10 == v["born_dead_log10"]


def test_q1_forms_are_read_exactly_as_the_cli_reads_them():
    ref = rt.law([3, 2], q1=Fraction(1, 10)).distributions
    for q in (0.1, "1/10", "0.1", Decimal("0.1"), np.float64(0.1), "1e-1"):
        assert rt.law([3, 2], q1=q).distributions == ref, q
    assert rt.law([3, 2], q1=1).born_dead == 1
    assert rt.law([3, 2], q1=np.int64(0)).q1 == 0


def test_summary_of_64_layers_of_64_has_more_digits_than_int_str_allows():
    # 10^-1212: the exact numerator and denominator have thousands of digits
    s = rt.summary([64] * 64, "zero", 0, [2, 1, ...])
    bd = s.born_dead
    assert bd.denominator.bit_length() > 15000
    log10 = math.log10(bd.numerator) - math.log10(bd.denominator)
    assert abs(s.born_dead_log10 - log10) <= 1e-12 * abs(log10)
    assert -1300 < log10 < -1100
    # below the normal f64 range: None (never NaN or a confident 0), log10 carries it
    assert s.born_dead_f64 is None
    assert 0 < s.trainability < 1


def test_summary_equals_the_full_law():
    law = rt.law([6, 5, 4], "symmetric", Fraction(2, 7))
    s = rt.summary([6, 5, 4], "symmetric", Fraction(2, 7), [3, 2, 1])
    assert s.born_dead == law.born_dead
    assert s.trainability == law.trainability([3, 2, 1])


def test_approx_is_within_its_proven_bound():
    # spec: BOUND-F64
    widths, bias, q1 = [9, 7, 8, 6], "symmetric", Fraction(1, 3)
    a = rt.approx(widths, bias, q1, [2, 2, 1, 1])
    exact = chain(widths, bias, q1)
    for got, exp, r in zip(a.distributions_f64, exact, a.rel_error_bounds):
        assert 0 < r < 1e-10
        for g, e in zip(got, exp):
            assert abs(Fraction(float(g)) - e) <= Fraction(r) * e
    t = sum(chain(widths, bias, q1, [2, 2, 1, 1])[-1])
    assert abs(Fraction(a.trainability_f64) - t) <= Fraction(a.trainability_rel_error_bound) * t


def test_approx_of_huge_networks_reports_log10_below_the_f64_range():
    # K_1 = 1000 surely, so P(K_3 = 0) is about 1000 * 2^-1000000
    b = rt.approx([1000, 1000, 1000])
    assert b.born_dead_f64 is None
    assert b.born_dead_log10 < -300000
    assert math.isnan(b.distributions_f64[2][0]) and b.distributions_log10[2][0] < -300000


def test_too_costly_exact_law_refuses_with_advice():
    with pytest.raises(rt.TooCostlyError) as e:
        rt.law([3000] * 50)
    assert isinstance(e.value, ValueError)
    assert "approx" in str(e.value)
