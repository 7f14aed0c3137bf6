"""Testing sampled counts against the exact law (spec ALG-CHECK,
ALG-CHECK-EXPLAIN), sample sizes (ALG-POWER), and the one-liner for a
user's test suite."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from . import _native
from ._arrays import as_counts, exact_str, int_list, widths_list
from ._census import _select_kind, _triples


def _alpha(alpha: Any) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating, np.integer)):
        raise ValueError(f"alpha: expected a number in (0, 1), got {alpha!r}")
    a = float(alpha)
    if not 0.0 < a < 1.0:
        raise ValueError(f"alpha = {alpha} is not in (0, 1)")
    return a


def _kind(kind: Any) -> str:
    if kind not in ("nonpd", "active"):
        raise ValueError(f"kind {kind!r}: expected 'nonpd' or 'active'")
    return kind


def _bias(bias: Any) -> str:
    if not isinstance(bias, str):
        raise ValueError(f"bias: expected 'zero' or 'symmetric', got {bias!r}")
    return bias


@dataclass(frozen=True)
class CheckResult:
    """The report of ``trainability check --format json``, and ``text``, the
    table the CLI prints for it (deviations, histograms, notes).

    ``p_value`` is the overall (Bonferroni) p-value, None when it is
    positive but below the normal float64 range (read ``p_value_log10``,
    None only when it is exactly 0)."""

    reject: bool
    alpha: float
    kind: str
    samples: int
    p_value: Optional[float]
    p_value_log10: Optional[float]
    tests: List[Dict[str, Any]]
    layers: List[Dict[str, Any]]
    deviations: List[Dict[str, Any]]
    warnings: List[str]
    text: str
    report: Dict[str, Any] = field(repr=False)

    @property
    def accepted(self) -> bool:
        return not self.reject

    def __str__(self) -> str:
        return self.text


def check(
    counts: Any,
    widths: Sequence[int],
    bias: str = "zero",
    q1: Any = 0,
    kind: str = "nonpd",
    alpha: float = 1e-3,
) -> CheckResult:
    """Tests sampled counts (one row per network, one column per hidden
    layer: integers, or floats that are exactly whole) against the exact
    law of ``widths``/``bias``/``q1`` at level ``alpha``: per-layer and
    per-transition chi-square tests for non-PD counts, one-sided dominance
    tests for active counts, Bonferroni overall."""
    w = widths_list(widths)
    c = as_counts(counts, len(w))
    if getattr(q1, "kind", None) == "interval":
        return _check_interval(c, w, _bias(bias), q1, _kind(kind), _alpha(alpha))
    js, text = _native.check(
        c.tobytes(), c.shape[0], c.shape[1], w, _bias(bias), exact_str(q1),
        _kind(kind), _alpha(alpha),
    )
    v = json.loads(js)
    return CheckResult(
        reject=bool(v["reject"]),
        alpha=v["alpha"],
        kind=v["kind"],
        samples=v["samples"],
        p_value=v["overall_p_value"],
        p_value_log10=v["overall_p_value_log10"],
        tests=v["tests"],
        layers=v["layers"],
        deviations=v["deviations"],
        warnings=v["warnings"],
        text=text,
        report=v,
    )


def _check_interval(c, w, bias, q, kind, alpha) -> CheckResult:
    """q1 known as a Monte Carlo interval (spec ALG-CHECK-Q1-INTERVAL, as
    ``check --q1-from-data``): non-PD counts by the composite test, false
    alarm <= alpha + delta; active counts by the dominance test at q1 = lo
    (A_l <=st K_l(q1) <=st K_l(lo))."""
    delta = 1.0 - float(q.confidence)
    if kind == "active":
        r = check(c, w, bias, Fraction(q.lo), "active", alpha)
        note = (f"q1 in [{q.lo:e}, {q.hi:e}] (confidence {q.confidence}): the dominance test uses "
                f"q1 = lo; false-alarm bound alpha + delta = {alpha + delta}\n\n")
        return CheckResult(**{**r.__dict__, "text": note + r.text})
    v = json.loads(_native.check_q1_interval(
        c.tobytes(), c.shape[0], c.shape[1], w, bias, float(q.lo), float(q.hi), delta, alpha))
    lines = [
        f"check: {v['samples']} samples, non-PD counts vs THM-CHAIN with q1 anywhere in "
        f"[{q.lo:e}, {q.hi:e}] (composite test, spec ALG-CHECK-Q1-INTERVAL)",
        "",
        "test                    layer     p-value",
    ]
    for t in v["tests"]:
        p = t["p_value"] if t["p_value"] is not None else f"10^{t['p_value_log10']}"
        lines.append(f"{t['test']:<22}  {t['layer']:>5}  {p:>10}")
    lines.append(
        f"\noverall p-value {v['overall_p_value']} (Bonferroni), alpha {alpha}: "
        + ("REJECT (the samples do not follow the law)" if v["reject"] else "ACCEPT (no evidence against the law)")
        + f"\nfalse-alarm rate: {v['false_alarm']}"
    )
    return CheckResult(
        reject=bool(v["reject"]), alpha=alpha, kind="nonpd", samples=v["samples"],
        p_value=v["overall_p_value"], p_value_log10=v["overall_p_value_log10"], tests=v["tests"],
        layers=[], deviations=[], warnings=[], text="\n".join(lines) + "\n", report=v,
    )


def power(
    widths: Sequence[int],
    bias: str = "zero",
    q1: Any = 0,
    kind: str = "nonpd",
    alpha: float = 1e-3,
) -> List[Dict[str, Any]]:
    """Samples :func:`check` needs for power 0.9 and 0.99 against the
    standard deviations (q1 +- 0.05, the wrong bias mode, a layer one
    narrower): rows with ``deviation``, ``n_power_90``, ``n_power_99``
    (None: undetectable, or more than 1e9)."""
    w = widths_list(widths)
    return json.loads(
        _native.power(w, _bias(bias), exact_str(q1), _kind(kind), _alpha(alpha))
    )


#: cap of the automatic sample size of assert_init_matches_law
MAX_AUTO_SAMPLES = 100_000


def samples_needed(
    widths: Sequence[int], bias: str = "zero", q1: Any = 0, kind: str = "nonpd",
    alpha: float = 1e-6, target: float = 0.9,
) -> int:
    """The largest n over the standard deviations of :func:`power` at this
    target power (0.9 or 0.99): enough samples to detect each of them."""
    if target not in (0.9, 0.99):
        raise ValueError("target: 0.9 or 0.99")
    key = "n_power_90" if target == 0.9 else "n_power_99"
    ns = [r[key] for r in power(widths, bias, q1, kind, alpha) if r[key] is not None]
    if not ns:
        raise ValueError(
            f"no standard deviation is detectable for widths {list(widths)} (see power()); give n"
        )
    return max(ns)


def assert_init_matches_law(
    sampler: Callable[[], Any],
    widths: Sequence[int],
    bias: str = "zero",
    q1: Any = 0,
    X: Any = None,
    n: Optional[int] = None,
    alpha: float = 1e-6,
    kind: str = "nonpd",
    prefix: Optional[str] = None,
    layers: Any = None,
) -> CheckResult:
    """The one-liner for a test suite: draws ``n`` networks from
    ``sampler()`` (each a list of (W, b) pairs, a state_dict, or a module),
    counts their non-PD (or active) neurons on ``X``, and checks the counts
    against the exact law of ``widths``/``bias``/``q1`` at level ``alpha``.

    ``n=None`` takes the sample size at which :func:`check` detects each
    standard deviation (q1 +- 0.05, wrong bias mode, a layer one narrower)
    with power 0.9 (at most ``MAX_AUTO_SAMPLES``). ``prefix`` and ``layers``
    select the chain of a state_dict as in :func:`census`. Raises AssertionError
    with the CLI's explanation on a rejection (or when the sampled networks
    do not have the claimed widths); returns the :class:`CheckResult`."""
    w = widths_list(widths)
    if X is None:
        raise ValueError("X: the training inputs are needed (the census runs on them)")
    if n is None:
        # a Monte Carlo q1 (interval): the sample size at its estimate
        q_n = Fraction(q1.value) if getattr(q1, "kind", None) == "interval" else q1
        n = samples_needed(w, bias, q_n, kind, alpha)
        if n > MAX_AUTO_SAMPLES:
            raise ValueError(
                f"detecting the standard deviations of widths {w} at alpha = {alpha} needs {n} "
                f"networks (more than {MAX_AUTO_SAMPLES}); pass n explicitly"
            )
    n = int_list([n], "n")[0]
    if n < 1:
        raise ValueError("n: at least one sampled network is needed")
    if not callable(sampler):
        raise ValueError(
            f"sampler: expected a function returning a network, got {type(sampler).__name__}"
        )
    t = _triples((sampler() for _ in range(n)), X, prefix, layers)
    got = t.sum(axis=2)
    if got.shape[1] != len(w) or np.any(got != np.array(w)):
        row = int(np.argmax(np.any(got != np.array(w), axis=1))) if got.shape[1] == len(w) else 0
        raise AssertionError(
            f"network {row + 1} from the sampler has hidden widths {got[row].tolist()}, "
            f"but the law was claimed for widths {w}"
        )
    r = check(_select_kind(t, kind), w, bias, q1, kind, alpha)
    if r.reject:
        raise AssertionError(
            f"the sampled networks do not follow the law of widths {w}, bias {bias}, "
            f"q1 {getattr(q1, 'source', None) or exact_str(q1)} ({n} networks, {kind} counts, "
            f"alpha {alpha}):\n{r.text}"
        )
    return r
