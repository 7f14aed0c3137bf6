"""Conversions from what users pass (NumPy arrays, torch / JAX tensors on the
CPU, anything with ``__array__`` or ``__dlpack__``, nested lists, exact
numbers) to what the native module takes (little-endian float64 bytes,
``"p/q"`` strings, lists of ints). Every refusal is a ``ValueError``."""

from __future__ import annotations

import numbers
import operator
from decimal import Decimal
from fractions import Fraction
from typing import Any, List, Optional, Sequence

import numpy as np

from ._exact import ExactFraction

_MAX_U64 = 2**64 - 1


def to_numpy(a: Any, name: str) -> np.ndarray:
    """``a`` as a NumPy array: NumPy arrays as they are, tensors detached
    from autograd, then ``__array__``, then DLPack; refuses anything else."""
    if isinstance(a, np.ndarray):
        return a
    if isinstance(a, (str, bytes, bytearray)) or a is None:
        raise ValueError(f"{name}: expected an array, got {type(a).__name__}")
    detach = getattr(a, "detach", None)
    if callable(detach):  # torch.Tensor / nn.Parameter: leave autograd first
        try:
            a = detach()
        except TypeError:
            pass
    try:
        if hasattr(a, "__array__") or isinstance(a, (list, tuple, numbers.Number)):
            return np.asarray(a)
        if hasattr(a, "__dlpack__") and hasattr(np, "from_dlpack"):
            return np.from_dlpack(a)
    except Exception as e:  # a GPU tensor, a ragged list, ...
        raise ValueError(
            f"{name}: cannot be read as a NumPy array ({e}); pass a CPU array of numbers "
            "(for a GPU tensor: .cpu())"
        ) from None
    raise ValueError(
        f"{name}: expected an array (NumPy array, tensor on the CPU, nested lists), "
        f"got {type(a).__name__}"
    )


def as_f64(a: Any, name: str, ndim: Optional[int] = None) -> np.ndarray:
    """A C-contiguous little-endian float64 copy (or view) of ``a``.

    float16/32/64 and integer arrays are converted (exactly: a value that
    float64 cannot hold exactly is refused); non-contiguous and big-endian
    arrays are copied. Booleans, complex and object arrays are refused.
    NaN and infinities pass through: the library refuses them with the
    CLI's message."""
    arr = to_numpy(a, name)
    kind = arr.dtype.kind
    if kind not in "fiu":
        raise ValueError(
            f"{name}: dtype {arr.dtype} is not a real number type; expected float32 or float64"
        )
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name}: expected a {ndim}-D array, got shape {tuple(arr.shape)}"
        )
    # (np.ascontiguousarray would turn a 0-d array into shape (1,))
    out = arr.astype("<f8", order="C", copy=False)
    if not (kind == "f" and arr.dtype.itemsize <= 8):
        back = out.astype(arr.dtype)
        if not np.array_equal(back, arr, equal_nan=(kind == "f")):
            raise ValueError(
                f"{name}: some values of dtype {arr.dtype} are not exactly representable in float64"
            )
    return out


def as_points(X: Any, name: str = "X") -> np.ndarray:
    """Training inputs as an m x d float64 array (1-D: one coordinate per
    point, as the CLI reads a 1-D .npy file)."""
    arr = as_f64(X, name)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(
            f"{name}: expected an m x d array (one row per point), got shape {tuple(arr.shape)}"
        )
    return arr


def as_counts(counts: Any, depth: int, name: str = "counts") -> np.ndarray:
    """Sampled counts as an n x depth little-endian uint64 array: integers,
    or floats that are exactly whole (as ``np.savetxt`` writes them)."""
    arr = to_numpy(counts, name)
    kind = arr.dtype.kind
    if kind not in "fiu":
        raise ValueError(
            f"{name}: dtype {arr.dtype} is not a number type; expected integer counts"
        )
    if arr.ndim == 1 and depth == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(
            f"{name}: expected one row per sampled network and one column per hidden layer "
            f"(n x {depth}), got shape {tuple(arr.shape)}"
        )
    if arr.shape[1] != depth:
        raise ValueError(
            f"{name}: rows have {arr.shape[1]} counts but the network has {depth} hidden layers "
            "(one count per hidden layer)"
        )
    if kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(arr) | (arr != np.floor(arr)) | (arr < 0)
    elif kind == "i":
        bad = arr < 0
    else:
        bad = np.zeros(arr.shape, bool)
    if np.any(bad):
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(
            f"{name}: row {i + 1}, column {j + 1}: {arr[i, j]!r} is not a count "
            "(a whole number >= 0)"
        )
    if kind == "f" and arr.size and np.max(arr) >= 2.0**63:
        raise ValueError(f"{name}: a count is too large")
    return np.ascontiguousarray(arr, dtype="<u8")


def _big_int(digits: str) -> int:
    """int of a decimal string of any length (CPython 3.11+, 3.10.7+, 3.9.14+ limit int(str)
    to 4300 digits; exact probabilities of big networks have more)."""
    if len(digits) <= 4000:
        return int(digits)
    half = len(digits) // 2
    return _big_int(digits[:-half]) * 10**half + _big_int(digits[-half:])


def fraction(pq: str) -> ExactFraction:
    """A ``"p/q"`` (or ``"p"``) string of the library (in lowest terms, as
    the library writes every rational) as an :class:`ExactFraction`."""
    num, _, den = pq.partition("/")
    sign = -1 if num.startswith("-") else 1
    return ExactFraction._coprime(sign * _big_int(num.lstrip("-")), _big_int(den) if den else 1)


def fraction_from_bytes(num: bytes, den: bytes) -> ExactFraction:
    """A reduced rational sent as little-endian two's-complement bytes of
    its numerator and denominator (linear time at any size)."""
    return ExactFraction._coprime(
        int.from_bytes(num, "little", signed=True), int.from_bytes(den, "little", signed=True)
    )


def exact_str(q: Any, name: str = "q1") -> str:
    """An exact number as the CLI reads it: Fraction and int as ``"p/q"``,
    Decimal and float by their decimal text (``0.1`` is 1/10 exactly, as
    ``--q1 0.1`` is), strings as given (``"1/4"``, ``"0.25"``, ``"1e-3"``)."""
    if isinstance(q, bool):
        raise ValueError(f"{name}: expected a number, got a bool")
    if isinstance(q, Fraction):
        return f"{q.numerator}/{q.denominator}"
    if isinstance(q, numbers.Integral):
        return str(int(q))
    if isinstance(q, numbers.Rational):
        return f"{q.numerator}/{q.denominator}"
    if isinstance(q, (float, np.floating)):
        return repr(float(q))
    if isinstance(q, Decimal):
        return str(q)
    if isinstance(q, str):
        return q
    kind = getattr(q, "kind", None)  # a Q1 result (rt.q1)
    if kind == "exact":
        return f"{q.exact.numerator}/{q.exact.denominator}"
    if kind == "bounded":  # the f64 value itself, as check --q1-from-data takes it
        f = Fraction(q.value)
        return f"{f.numerator}/{f.denominator}"
    if kind == "interval":
        raise ValueError(
            f"{name}: q1 is only known as the interval [{q.lo}, {q.hi}] (Monte Carlo); "
            "check() tests against the whole interval, the law needs a value (q1.lo, q1.hi)"
        )
    raise ValueError(
        f"{name}: expected an exact number (Fraction, int, str such as '1/4', or float), "
        f"got {type(q).__name__}"
    )


def int_list(ws: Any, name: str) -> List[int]:
    """A list of non-negative ints (NumPy integers accepted, bools not); a
    trailing ``...`` repeats the previous entry (``[2, 1, ...]``) and is
    returned as the marker ``-1`` for :func:`expand`."""
    if isinstance(ws, (str, bytes)) or not isinstance(ws, (Sequence, np.ndarray)):
        raise ValueError(
            f"{name}: expected a list of widths such as [8, 8, 8], got {type(ws).__name__}"
        )
    out: List[int] = []
    for i, w in enumerate(ws):
        if w is Ellipsis and i == len(ws) - 1 and i > 0:
            out.append(-1)
            continue
        if isinstance(w, (bool, np.bool_)):
            raise ValueError(f"{name}[{i}]: expected an integer, got a bool")
        try:
            v = operator.index(w)
        except TypeError:
            raise ValueError(
                f"{name}[{i}]: expected an integer, got {w!r}"
            ) from None
        if v < 0:
            raise ValueError(f"{name}[{i}] = {v} is negative")
        if v > _MAX_U64:
            raise ValueError(f"{name}[{i}] = {v} is too large")
        out.append(v)
    return out


def widths_list(ws: Any, name: str = "widths") -> List[int]:
    out = int_list(ws, name)
    if out and out[-1] == -1:
        raise ValueError(f"{name}: '...' is only for min_widths")
    return out


def expand(mw: List[int], depth: int, name: str = "min_widths") -> List[int]:
    """Expands a trailing ``...`` marker to ``depth`` entries."""
    if mw and mw[-1] == -1:
        head = mw[:-1]
        if len(head) > depth:
            raise ValueError(
                f"{name} has {len(head)} entries before '...' but the network has {depth} hidden layers"
            )
        return head + [head[-1]] * (depth - len(head))
    return mw


def seed_u64(seed: Any, name: str = "seed") -> int:
    if isinstance(seed, bool):
        raise ValueError(f"{name}: expected an integer, got a bool")
    try:
        v = operator.index(seed)
    except TypeError:
        raise ValueError(f"{name}: expected an integer, got {seed!r}") from None
    if not 0 <= v <= _MAX_U64:
        raise ValueError(f"{name} = {v} is outside 0..2**64-1")
    return v


def dim(v: Any, name: str) -> int:
    """A positive int (dimensions); 0 passes (the library names it)."""
    return int_list([v], name)[0]
