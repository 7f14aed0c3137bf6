"""Exact probabilities as Python values: :class:`ExactFraction`, a
:class:`fractions.Fraction` that can always be printed (spec FMT-PYTHON,
*Exact numbers in results*)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Tuple

#: significant digits of the short form
SIG_DIGITS = 12


class ExactFraction(Fraction):
    """A :class:`fractions.Fraction` (same value, equality, hash and
    arithmetic; results of arithmetic are plain Fractions) whose ``str`` and
    ``repr`` never fail.

    CPython (3.11+, 3.10.7+, 3.9.14+) refuses to convert an int of more than
    ``sys.get_int_max_str_digits()`` digits (4300 by default) to text, so
    ``print`` of the exact P(born dead) of 64 layers of 64 would raise
    ``ValueError``. When the numerator and the denominator can be printed,
    ``str`` and ``repr`` are Fraction's (``1/16``, ``Fraction(1, 16)``);
    otherwise both give a short form: the value to 12 significant digits,
    its log10 and the digit counts of the numerator and denominator. The
    value itself is always exact: ``numerator``, ``denominator``, ``exact``
    (a plain Fraction)."""

    __slots__ = ()

    @classmethod
    def _coprime(cls, numerator: int, denominator: int) -> "ExactFraction":
        """From a numerator and a positive denominator already in lowest
        terms (the library reduces every probability), without a gcd."""
        f = object.__new__(cls)
        f._numerator = numerator
        f._denominator = denominator
        return f

    @property
    def exact(self) -> Fraction:
        """The same value as a plain Fraction."""
        f = object.__new__(Fraction)
        f._numerator = self._numerator
        f._denominator = self._denominator
        return f

    @property
    def digits(self) -> Tuple[int, int]:
        """Decimal digits of the numerator and of the denominator (without
        converting them to text)."""
        return decimal_digits(self._numerator), decimal_digits(self._denominator)

    def _text(self) -> Tuple[str, str]:
        """(numerator, denominator) as text; ValueError above the limit."""
        return str(self._numerator), str(self._denominator)

    def __str__(self) -> str:
        try:
            n, d = self._text()
        except ValueError:
            return self.short()
        return n if d == "1" else f"{n}/{d}"

    def __repr__(self) -> str:
        try:
            n, d = self._text()
        except ValueError:
            return f"<{self.short()}>"
        return f"Fraction({n}, {d})"

    def __format__(self, spec: str) -> str:
        # f"{x}" is str(x); other specs are Fraction's (Python >= 3.12),
        # falling back to the short form where its digits hit the limit
        if not spec:
            return str(self)
        try:
            return Fraction.__format__(self, spec)
        except ValueError as e:
            if "limit" not in str(e):
                raise
            try:
                return format(self.short(), spec)
            except ValueError:
                raise e from None

    def short(self) -> str:
        """``1.23456789012e-1212 (exact Fraction, log10 -1211.908514, numerator
        6037 digits, denominator 7249 digits)``: at any size."""
        nd, dd = self.digits
        return (
            f"{scientific(self, SIG_DIGITS)} (exact Fraction, log10 {log10(self):.6f}, "
            f"numerator {nd} digits, denominator {dd} digits)"
        )

    def __reduce__(self):
        return (ExactFraction, (self._numerator, self._denominator))


def decimal_digits(n: int) -> int:
    """Number of decimal digits of |n| (1 for 0), exactly, without str."""
    n = abs(n)
    if n < 10:
        return 1
    # 2^(b-1) <= n < 2^b: the count is within one of (b-1) log10(2) + 1
    k = int((n.bit_length() - 1) * 0.30102999566398120) + 1
    while n >= 10**k:
        k += 1
    while k > 1 and n < 10 ** (k - 1):
        k -= 1
    return k


def log10(x: Fraction) -> float:
    """log10 of a positive rational at any size (-inf for 0)."""
    if x == 0:
        return -math.inf
    return math.log10(abs(x.numerator)) - math.log10(x.denominator)


def scientific(x: Fraction, sig: int) -> str:
    """``x`` in scientific notation with ``sig`` significant digits,
    correctly rounded (half to even) by integer arithmetic at any size."""
    n, d = x.numerator, x.denominator
    if n == 0:
        return "0"
    sign = "-" if n < 0 else ""
    n = abs(n)
    e = math.floor(math.log10(n) - math.log10(d))
    lo, hi = 10 ** (sig - 1), 10**sig
    for _ in range(8):
        s = sig - 1 - e
        num, den = (n * 10**s, d) if s >= 0 else (n, d * 10 ** (-s))
        q, r = divmod(num, den)
        if 2 * r > den or (2 * r == den and q % 2 == 1):
            q += 1
        if q >= hi:
            e += 1
        elif q < lo:
            e -= 1
        else:
            break
    m = str(q)
    return f"{sign}{m[0]}.{m[1:]}e{e}" if sig > 1 else f"{sign}{m}e{e}"
