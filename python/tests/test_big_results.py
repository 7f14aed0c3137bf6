"""Big exact results (spec FMT-PYTHON, Exact numbers in results, Floats in
results): they print at any size, with digits checked against decimal
arithmetic; scalar _f64 values below the normal float64 range are None;
rt.law's numbers equal the CLI's exact strings."""

import json
import math
import pickle
import sys
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest

import relu_trainability as rt
from relu_trainability._exact import scientific

HAS_LIMIT = hasattr(sys, "get_int_max_str_digits")


def decimal_sci(x: Fraction, sig: int) -> str:
    """The independent reference: x to sig significant digits by the
    decimal module (exact integer conversion, ROUND_HALF_EVEN)."""
    with localcontext() as c:
        c.prec = sig
        c.rounding = ROUND_HALF_EVEN
        c.Emin, c.Emax = -10**9, 10**9
        v = Decimal(x.numerator) / Decimal(x.denominator)
    t = list(v.as_tuple().digits)
    e = v.adjusted()
    t += [0] * (sig - len(t))  # an exact quotient has fewer digits
    head = str(t[0]) + ("." + "".join(map(str, t[1:])) if len(t) > 1 else "")
    return f"{head}e{e}"


def decimal_digits(n: int) -> int:
    return Decimal(n).adjusted() + 1


def test_printing_huge_exact_values_never_raises():
    # issue: print(rt.summary([64] * 64)), print(s.born_dead) and the REPL
    # echo raised "Exceeds the limit (4300 digits)" on CPython 3.11 (and 3.10.7+, 3.9.14+)
    s = rt.summary([64] * 64, "zero", 0, [2, 1, ...])
    bd = s.born_dead
    nd, dd = decimal_digits(bd.numerator), decimal_digits(bd.denominator)
    assert min(nd, dd) > 4300
    for text in (str(bd), repr(bd), str(s), repr(s), f"{bd}"):
        assert decimal_sci(bd, 12) in text
        assert f"numerator {nd} digits, denominator {dd} digits" in text
        # the log10 printed is the library's to 6 decimals
        assert f"log10 {s.born_dead_log10:.6f}" in text
    assert repr(bd).startswith("<") and repr(bd).endswith(">")
    if sys.version_info >= (3, 12):  # Fraction's alignment specs
        assert f"{bd:>300}".strip() == str(bd)
    assert isinstance(bd, Fraction) and isinstance(bd, rt.ExactFraction)
    # the value itself is exact
    assert bd.exact == Fraction(bd.numerator, bd.denominator) and type(bd.exact) is Fraction
    assert bd.digits == (nd, dd)
    assert pickle.loads(pickle.dumps(bd)) == bd
    law = rt.law([32] * 32)
    assert decimal_sci(law.born_dead, 12) in repr(law)
    str(law.distributions)


def test_small_exact_values_print_as_fractions():
    law = rt.law([2, 2])
    assert str(law.born_dead) == "1/16" and repr(law.born_dead) == "Fraction(1, 16)"
    assert str(law.distributions[1][1]) == "3/8" and str(law.distributions[0][2]) == "1"
    assert str(rt.law([3, 2], q1=1).born_dead) == "1"
    assert repr(law) == "Law(widths=[2, 2], bias='zero', q1=0, born_dead=Fraction(1, 16))"
    assert law.born_dead == Fraction(1, 16) and hash(law.born_dead) == hash(Fraction(1, 16))
    assert law.born_dead + 1 == Fraction(17, 16)


@pytest.mark.skipif(not HAS_LIMIT, reason="this Python has no int-to-str limit")
def test_the_short_form_starts_exactly_where_int_to_str_stops():
    # boundary: sys.get_int_max_str_digits() digits print, one more does not
    limit = sys.get_int_max_str_digits()
    old = limit
    try:
        sys.set_int_max_str_digits(4300)
        at = rt.ExactFraction(10**4299 + 1, 3)  # 4300 digits
        over = rt.ExactFraction(10**4300 + 1, 3)  # 4301 digits
        assert str(at) == f"{10**4299 + 1}/3"
        assert repr(at) == f"Fraction({10**4299 + 1}, 3)"
        assert str(over).startswith("3.33333333333e4299 (exact Fraction")
        assert "numerator 4301 digits, denominator 1 digits" in str(over)
        den = rt.ExactFraction(1, 10**4300)
        assert str(den).startswith("1.00000000000e-4300 ")
        # with the limit lifted, everything prints exactly again
        sys.set_int_max_str_digits(0)
        assert str(over) == f"{10**4300 + 1}/3"
    finally:
        sys.set_int_max_str_digits(old)


def test_scientific_rounding_equals_the_decimal_module():
    rng = np.random.default_rng(8)
    cases = [Fraction(1, 3), Fraction(2, 3), Fraction(999999999999500, 10**15),  # rounds up to 1.0
             Fraction(1234567890125, 10**13), Fraction(1234567890135, 10**13),  # halfway: to even
             Fraction(10**12 - 1, 10**12), Fraction(7, 1), Fraction(10**40 + 1, 3**90)]
    for _ in range(200):
        n = int(rng.integers(1, 2**62)) ** int(rng.integers(1, 40))
        d = int(rng.integers(1, 2**62)) ** int(rng.integers(1, 40))
        cases.append(Fraction(n, d))
    for x in cases:
        for sig in (1, 2, 12):
            assert scientific(x, sig) == decimal_sci(x, sig), (x, sig)


@pytest.mark.parametrize("n,normal", [(1021, True), (1022, True), (1023, False), (1500, False)])
def test_scalar_f64_is_none_below_the_normal_range(n, normal):
    # boundary: P(born dead) = 2^-n for one layer of n with q1 = 1/2; 2^-1022
    # is the smallest normal float64, 2^-1023 is subnormal
    exact = Fraction(1, 2**n)
    for r in (rt.law([n], q1="1/2"), rt.summary([n], q1="1/2", min_widths=[n])):
        assert r.born_dead == exact
        assert abs(r.born_dead_log10 + n * math.log10(2)) <= 1e-12 * n
        if normal:
            assert r.born_dead_f64 == 2.0**-n
        else:
            assert r.born_dead_f64 is None  # not NaN, never a confident 0
    s = rt.summary([n], q1="1/2", min_widths=[n])
    assert s.trainability == exact
    assert (s.trainability_f64 is None) == (not normal)
    if n in (1021, 1500):  # the f64 path's value, within its bound, is clear of the boundary
        a = rt.approx([n], q1="1/2", min_widths=[n])
        assert (a.born_dead_f64 is None) == (not normal) and (a.trainability_f64 is None) == (not normal)
    # arrays keep NaN (a float array has no None), the log10 array carries it
    law = rt.law([n], q1="1/2")
    assert np.isnan(law.distributions_f64[0][0]) == (not normal)


def test_exact_zero_is_zero_not_none():
    law = rt.law([3, 2], q1=1)
    assert law.born_dead == 1 and rt.law([2, 2], q1=0).distributions[0][0] == 0
    assert rt.law([2, 2], q1=0).distributions_f64[0][0] == 0.0
    assert rt.law([2, 2], q1=0).distributions_log10[0][0] == -np.inf


def test_law_of_32_layers_of_32_equals_the_cli_exact_strings(cli):
    # the numbers cross as integer bytes now; they must be the CLI's
    code, out, err = cli("exact", "--widths", ",".join(["32"] * 32), "--format", "json")
    assert code == 0, err
    v = json.loads(out)
    law = rt.law([32] * 32)
    assert law.widths == v["widths"] and law.bias == v["bias"] and str(law.q1) == "0"

    def frac(s):
        p, _, q = s.partition("/")
        return Fraction(big(p), big(q or "1"))

    def big(digits):  # int() of any length without the 4300-digit limit
        if len(digits) <= 4000:
            return int(digits)
        h = len(digits) // 2
        return big(digits[:-h]) * 10**h + big(digits[-h:])

    for l in (0, 1, 15, 30, 31):
        layer = v["layers"][l]
        got = law.distributions[l]
        assert got == [frac(s) for s in layer["distribution"]], l
        assert all(math.gcd(x.numerator, x.denominator) == 1 for x in got)
        f64 = np.array([np.nan if x is None else x for x in layer["distribution_f64"]])
        assert np.array_equal(law.distributions_f64[l], f64, equal_nan=True)
        lg = np.array([-np.inf if x is None else x for x in layer["distribution_log10"]])
        assert np.array_equal(law.distributions_log10[l], lg)
    assert law.born_dead == frac(v["born_dead"])
    assert law.born_dead_f64 == v["born_dead_f64"] and law.born_dead_log10 == v["born_dead_log10"]


def test_law_refuses_what_the_cli_refuses_with_its_message(cli):
    # the 256 MiB output cap of `exact`, reached once the budgets are raised
    widths = [4000] * 8
    code, _, err = cli("exact", "--widths", ",".join(map(str, widths)), "--max-seconds", "1e6",
                       "--max-memory-mb", "1e6", "--format", "json")
    assert code == 2
    old = rt.get_limits()
    try:
        rt.set_limits(max_seconds=1e6, max_memory_mb=1e6)
        with pytest.raises(rt.TooCostlyError) as e:
            rt.law(widths)
    finally:
        rt.set_limits(**old)
    assert str(e.value) in err, (str(e.value), err)
    with pytest.raises(rt.TooCostlyError) as e:
        rt.law([3000] * 50)
    code, _, err = cli("exact", "--widths", ",".join(["3000"] * 50), "--format", "json")
    assert code == 2 and str(e.value) in err
