"""relu_trainability: the exact law of dead neurons and trainability of ReLU
networks (Shin & Karniadakis 2020), the census of a network on data, and a
test oracle for your own initializers, in-process.

>>> import relu_trainability as rt
>>> rt.law([2, 2]).born_dead
Fraction(1, 16)

The same engine as the ``trainability`` command line: exact numbers are
:class:`fractions.Fraction`, floats come with bounds or log10 companions,
errors are ``ValueError`` with the CLI's messages (``TooCostlyError``, a
``ValueError``, for requests above the budgets of :func:`set_limits`).
Long computations release the GIL.
"""

from __future__ import annotations

from typing import Optional

from . import _native
from ._census import (
    Census,
    LayerCensus,
    census,
    census_counts,
    chain_names,
    linear_chain,
    sample_counts,
)
from ._check import (
    CheckResult,
    assert_init_matches_law,
    check,
    power,
    samples_needed,
)
from ._exact import ExactFraction
from ._init import data_dependent_init
from ._law import Approx, Law, Summary, approx, law, summary
from ._q1 import Q1, q1

TooCostlyError = _native.TooCostlyError
__version__ = _native.__version__

__all__ = [
    "Approx",
    "Census",
    "CheckResult",
    "ExactFraction",
    "LayerCensus",
    "Q1",
    "Law",
    "Summary",
    "TooCostlyError",
    "approx",
    "assert_init_matches_law",
    "census",
    "census_counts",
    "chain_names",
    "check",
    "data_dependent_init",
    "get_limits",
    "law",
    "linear_chain",
    "power",
    "q1",
    "sample_counts",
    "samples_needed",
    "set_limits",
    "summary",
]


def set_limits(
    max_seconds: Optional[float] = None,
    max_memory_mb: Optional[float] = None,
    max_input_mb: Optional[float] = None,
) -> None:
    """Raises (or lowers) the budgets every computation checks before it
    starts (the CLI's ``--max-seconds``, ``--max-memory-mb``,
    ``--max-input-mb``; defaults 60 core-seconds, 1000 MB, 268 MB)."""
    s, b, i = _native.get_limits()
    _native.set_limits(
        float(s if max_seconds is None else max_seconds),
        float(b if max_memory_mb is None else max_memory_mb * 1e6),
        float(i if max_input_mb is None else max_input_mb * 1e6),
    )


def get_limits() -> dict:
    """The budgets in force: max_seconds, max_memory_mb, max_input_mb."""
    s, b, i = _native.get_limits()
    return {"max_seconds": s, "max_memory_mb": b / 1e6, "max_input_mb": i / 1e6}
