"""The exact law of the non-PD counts (spec THM-CHAIN) and its f64 path
(BOUND-F64): ``trainability exact`` and ``approx`` in-process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, List, Optional, Sequence

import numpy as np

from . import _native
from ._arrays import exact_str, fraction, fraction_from_bytes, expand, int_list, widths_list
from ._exact import ExactFraction


def _floats(values: Sequence[Optional[float]]) -> np.ndarray:
    """JSON numbers as float64; null (a positive value below the normal
    f64 range, or a log10 of 0) becomes NaN, never 0."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _log10s(values: Sequence[Optional[float]]) -> np.ndarray:
    """log10 companions; null is log10(0) = -inf."""
    return np.array([-np.inf if v is None else v for v in values], dtype=np.float64)


def _opt_float(v: Optional[float]) -> Optional[float]:
    """A scalar ``_f64`` value: None (as in the JSON) when the probability is
    positive but below the normal float64 range (its ``_log10`` carries it),
    never NaN or a confident 0."""
    return None if v is None else float(v)


def _f64_bytes(b: bytes) -> np.ndarray:
    return np.frombuffer(b, dtype="<f8").astype(np.float64)


def _args(widths: Any, bias: str, q1: Any, min_widths: Any):
    w = widths_list(widths)
    mw = None
    if min_widths is not None:
        mw = expand(int_list(min_widths, "min_widths"), len(w))
    if not isinstance(bias, str):
        raise ValueError(f"bias: expected 'zero' or 'symmetric', got {bias!r}")
    return w, bias, exact_str(q1), mw


@dataclass(frozen=True)
class Law:
    """The exact law of (K_1, ..., K_{L-1}) for a network (spec THM-CHAIN).

    ``distributions[l][k]`` is P(K_{l+1} = k) as an :class:`ExactFraction`
    (a :class:`fractions.Fraction` that prints at any size);
    ``distributions_f64[l]`` the same correctly rounded to float64 (NaN where
    the value is positive but below the normal float64 range: read
    ``distributions_log10``, whose -inf means exactly 0). ``born_dead_f64``
    is None (not NaN) in that case."""

    widths: List[int]
    bias: str
    q1: Fraction
    distributions: List[List[ExactFraction]]
    distributions_f64: List[np.ndarray]
    distributions_log10: List[np.ndarray]
    born_dead: ExactFraction
    """P(born dead) = P(K_{L-1} = 0), exact."""
    born_dead_f64: Optional[float]
    born_dead_log10: float

    def trainability(self, min_widths: Sequence[Any]) -> Fraction:
        """Exact trainability T(n*) = P(K_l >= n*_l for every l)
        (spec DEF-TRAINABILITY); ``min_widths`` may end in ``...``
        (``[2, 1, ...]``)."""
        return summary(self.widths, self.bias, self.q1, min_widths).trainability

    def __repr__(self) -> str:
        return (
            f"Law(widths={self.widths}, bias={self.bias!r}, q1={self.q1}, "
            f"born_dead={self.born_dead!r})"
        )


@dataclass(frozen=True)
class Summary:
    """Exact P(born dead) and, with ``min_widths``, trainability, without the
    per-layer distributions (``trainability exact --summary``: one layer in
    memory at a time, for large networks). The exact values are
    :class:`ExactFraction` (they print at any size); an ``_f64`` value is
    None when the probability is positive but below the normal float64
    range (the ``_log10`` value carries it)."""

    widths: List[int]
    bias: str
    q1: Fraction
    born_dead: ExactFraction
    born_dead_f64: Optional[float]
    born_dead_log10: float
    min_widths: Optional[List[int]] = None
    trainability: Optional[ExactFraction] = None
    trainability_f64: Optional[float] = None
    trainability_log10: Optional[float] = None


@dataclass(frozen=True)
class Approx:
    """The law in scaled float64 with proven relative error bounds
    (spec BOUND-F64; ``trainability approx``). ``rel_error_bounds[l]`` bounds
    |x - p| / p for every entry of ``distributions_f64[l]`` (NaN: positive
    but below the normal f64 range, read ``distributions_log10``; the
    scalar ``born_dead_f64`` and ``trainability_f64`` are None then)."""

    widths: List[int]
    bias: str
    q1: Fraction
    distributions_f64: List[np.ndarray]
    distributions_log10: List[np.ndarray]
    rel_error_bounds: List[float]
    born_dead_f64: Optional[float]
    born_dead_log10: float
    born_dead_rel_error_bound: float
    min_widths: Optional[List[int]] = None
    trainability_f64: Optional[float] = None
    trainability_log10: Optional[float] = None
    trainability_rel_error_bound: Optional[float] = None


def law(widths: Sequence[int], bias: str = "zero", q1: Any = 0) -> Law:
    """Exact law of the numbers of non-PD neurons per hidden layer.

    >>> law([2, 2]).born_dead
    Fraction(1, 16)

    ``bias`` is ``"zero"`` or ``"symmetric"``; ``q1`` (the probability that
    a first-layer neuron is permanently dead on your data) is exact: a
    Fraction, an int, a string such as ``"1/4"``, or a float read by its
    decimal text (0.1 is 1/10). Raises ``TooCostlyError`` (a ValueError)
    with advice when the exact numbers would be too big: see
    :func:`summary` and :func:`approx`."""
    w, b, q, _ = _args(widths, bias, q1, None)
    # the numbers cross as integer bytes, not decimal strings (linear time)
    (w, b, q), pq, f64s, log10s = _native.exact_law(w, b, q)
    dists = [[fraction_from_bytes(p, d) for p, d in layer] for layer in pq]
    f = [_f64_bytes(x) for x in f64s]
    lg = [_f64_bytes(x) for x in log10s]
    return Law(
        widths=list(w),
        bias=b,
        q1=fraction(q),
        distributions=dists,
        distributions_f64=f,
        distributions_log10=lg,
        born_dead=dists[-1][0],
        born_dead_f64=None if np.isnan(f[-1][0]) else float(f[-1][0]),
        born_dead_log10=float(lg[-1][0]),
    )


def summary(
    widths: Sequence[int], bias: str = "zero", q1: Any = 0, min_widths: Any = None
) -> Summary:
    """Exact P(born dead) and trainability only (large networks: 64 layers
    of 64 in about a second)."""
    w, b, q, mw = _args(widths, bias, q1, min_widths)
    v = json.loads(_native.exact(w, b, q, mw, True))
    t = v.get("trainability")
    return Summary(
        widths=v["widths"],
        bias=v["bias"],
        q1=fraction(v["q1"]),
        born_dead=fraction(v["born_dead"]),
        born_dead_f64=_opt_float(v["born_dead_f64"]),
        born_dead_log10=_log10s([v["born_dead_log10"]])[0],
        min_widths=v.get("min_widths"),
        trainability=None if t is None else fraction(t),
        trainability_f64=None if t is None else _opt_float(v["trainability_f64"]),
        trainability_log10=None if t is None else _log10s([v["trainability_log10"]])[0],
    )


def approx(
    widths: Sequence[int], bias: str = "zero", q1: Any = 0, min_widths: Any = None
) -> Approx:
    """The law in scaled float64 with a proven relative error bound, for
    widths and depths in the thousands."""
    w, b, q, mw = _args(widths, bias, q1, min_widths)
    v = json.loads(_native.approx(w, b, q, mw))
    layers = v["layers"]
    has_t = "trainability_f64" in v
    return Approx(
        widths=v["widths"],
        bias=v["bias"],
        q1=fraction(v["q1"]),
        distributions_f64=[_floats(l["distribution_f64"]) for l in layers],
        distributions_log10=[_log10s(l["distribution_log10"]) for l in layers],
        rel_error_bounds=[float(l["rel_error_bound"]) for l in layers],
        born_dead_f64=_opt_float(v["born_dead_f64"]),
        born_dead_log10=_log10s([v["born_dead_log10"]])[0],
        born_dead_rel_error_bound=float(v["born_dead_rel_error_bound"]),
        min_widths=v.get("min_widths"),
        trainability_f64=_opt_float(v["trainability_f64"]) if has_t else None,
        trainability_log10=_log10s([v["trainability_log10"]])[0] if has_t else None,
        trainability_rel_error_bound=v.get("trainability_rel_error_bound"),
    )
