"""The data-dependent initializer (spec ALG-DD-INIT): ``trainability init
--init data-dependent`` on in-memory data."""

from __future__ import annotations

import warnings
from typing import Any, List, Sequence, Tuple

import numpy as np

from . import _native
from ._arrays import as_points, dim, seed_u64, widths_list


def data_dependent_init(
    X: Any,
    widths: Sequence[int],
    out_dim: int = 1,
    seed: int = 0,
    dtype: Any = "float32",
    rank: bool = True,
    carrier: bool = True,
) -> List[Tuple[np.ndarray, np.ndarray]]:
    """A network with no dead neuron on ``X``: (W, b) pairs (W of shape
    (out, in), hidden layers then the output layer) in ``dtype`` (float32,
    the PyTorch default, or float64), the same network as
    ``trainability init --init data-dependent --seed SEED`` writes for the
    same data (spec THM-DD-*): every hidden neuron is active on ``X`` for the
    values as stored; the pre-activation second moment equals He's; with
    ``rank`` and a first hidden layer of at least m - 1 neurons (m distinct
    points), the features [relu(W x + b), 1] have rank m."""
    x = as_points(X)
    w = widths_list(widths)
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name not in ("f32", "f64", "float32", "float64"):
        raise ValueError(f"dtype {dtype!r}: expected float32 or float64")
    for flag, v in (("rank", rank), ("carrier", carrier)):
        if not isinstance(v, (bool, np.bool_)):
            raise ValueError(f"{flag}: expected True or False, got {v!r}")
    layers, notes = _native.data_dependent_init(
        x.tobytes(), x.shape[0], x.shape[1], w, dim(out_dim, "out_dim"),
        seed_u64(seed), name, bool(rank), bool(carrier),
    )
    for note in notes:
        warnings.warn(note, stacklevel=2)
    np_dtype = np.float32 if name in ("f32", "float32") else np.float64
    out = []
    for (o, i, wb, bb) in layers:
        W = np.frombuffer(wb, dtype="<f8").reshape(o, i)
        b = np.frombuffer(bb, dtype="<f8")
        # the values are stored values of np_dtype (exact conversion)
        out.append((W.astype(np_dtype), b.astype(np_dtype)))
    return out
