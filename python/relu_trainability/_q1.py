"""q1 = P(a first-layer neuron is permanently dead on X) for the user's data
and initializer (spec FMT-Q1, ALG-Q1-DISPATCH): ``trainability q1``
in-process. Exact where a closed form exists, an f64 with a proven bound,
or a Monte Carlo interval at a stated confidence; the result says which."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Dict, Optional

from . import _native
from ._arrays import as_points, fraction, int_list, seed_u64


@dataclass(frozen=True)
class Q1:
    """What is known of q1, and where it comes from.

    ``kind`` is ``"exact"`` (``exact`` is the Fraction), ``"bounded"``
    (``value`` within ``bound``) or ``"interval"`` (q1 in [``lo``, ``hi``]
    with probability >= ``confidence``, Clopper-Pearson; ``value`` is the
    estimate). ``bias`` is the law's bias mode for the initializer
    (``"zero"`` / ``"symmetric"``, None when THM-CHAIN does not apply).
    Pass a Q1 as ``q1=`` to :func:`law`, :func:`check` (an interval runs the
    composite test of ALG-CHECK-Q1-INTERVAL) and
    :func:`assert_init_matches_law`."""

    kind: str
    value: float
    exact: Optional[Fraction]
    bound: Optional[float]
    lo: Optional[float]
    hi: Optional[float]
    confidence: Optional[float]
    bias: Optional[str]
    source: str
    theorem: str
    case: str
    report: Dict[str, Any] = field(repr=False)


def q1(
    X: Any,
    init: str = "he-normal",
    bias: Optional[str] = None,
    width: Optional[int] = None,
    samples: int = 1_000_000,
    seed: int = 0,
    confidence: float = 0.99,
    monte_carlo: bool = False,
) -> Q1:
    """q1 for the inputs ``X`` under the initializer ``init`` (he-normal,
    he-uniform, glorot-normal, glorot-uniform, lecun-normal,
    standard-normal, torch-default, rai) and bias law ``bias`` (zero,
    normal:STD, uniform:A, fan-in; default fan-in for torch-default, as
    ``nn.Linear`` draws it, zero otherwise), as ``trainability q1`` computes it;
    ``width`` (N_1) is needed for Glorot scales with a bias; the Monte Carlo
    (when no closed form applies, or ``monte_carlo=True``) draws ``samples``
    neurons from ``seed``."""
    x = as_points(X)
    if bias is None and isinstance(init, str):
        bias = "fan-in" if init.strip() == "torch-default" else "zero"
    for name, v in (("init", init), ("bias", bias)):
        if not isinstance(v, str):
            raise ValueError(f"{name}: expected a string such as 'he-normal' / 'zero', got {v!r}")
    w = None if width is None else int_list([width], "width")[0]
    n = int_list([samples], "samples")[0]
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        raise ValueError(f"confidence: expected a number in (0, 1), got {confidence!r}")
    if not isinstance(monte_carlo, bool):
        raise ValueError(f"monte_carlo: expected True or False, got {monte_carlo!r}")
    v = json.loads(
        _native.q1(x.tobytes(), x.shape[0], x.shape[1], init, bias, w, n, seed_u64(seed),
                   float(confidence), monte_carlo)
    )
    q = v["q1"]
    kind = q["kind"]
    return Q1(
        kind=kind,
        value=float(q.get("estimate", q.get("value"))),
        exact=fraction(q["exact"]) if kind == "exact" else None,
        bound=q.get("bound"),
        lo=q.get("lo"),
        hi=q.get("hi"),
        confidence=q.get("confidence"),
        bias=v.get("bias_mode"),
        source=v["source"],
        theorem=v["theorem"],
        case=v["case"],
        report=v,
    )
