"""Census of hidden neurons on a training set (spec DEF-DEAD, DEF-PD,
DEF-TD): ``trainability census`` in-process, for models given as (W, b)
pairs, torch modules (checked with torch.fx to be a Linear/ReLU chain),
state_dicts, or anything else with ``.state_dict()``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from . import _native
from ._arrays import as_f64, as_points, int_list
from ._module import is_torch_module, traced_chain

_Raw = Tuple[int, int, bytes, bytes]

#: networks sent to the native census per call (bounds the memory of a batch)
_BATCH = 256


def _select(prefix: Any, layers: Any) -> Tuple[Optional[str], Optional[List[str]]]:
    """The ``--prefix`` / ``--layers`` selection of a state_dict's chain."""
    if prefix is not None and not isinstance(prefix, str):
        raise ValueError(f"prefix: expected a string such as 'net.', got {prefix!r}")
    if layers is None:
        return prefix, None
    if isinstance(layers, str):
        layers = [s.strip() for s in layers.split(",")]
    if not isinstance(layers, (list, tuple)) or not all(isinstance(s, str) for s in layers):
        raise ValueError(f"layers: expected module names such as ['fc1', 'fc2'], got {layers!r}")
    return prefix, list(layers)


def _chain(model: Any, name: str = "model", prefix: Any = None, layers: Any = None):
    """The Linear chain of ``model``: (out, in, W bytes, b bytes) per layer
    and the (weight, bias) tensor names (None for (W, b) pairs)."""
    sel = _select(prefix, layers)
    if is_torch_module(model):
        # the order and the activations come from forward's traced graph,
        # never from names and shapes (spec FMT-PYTHON, Models)
        linears = traced_chain(model, sel[0])
        if sel[1] is not None and sel[1] != linears:
            raise ValueError(
                f"layers={sel[1]!r}: forward applies the Linear layers in the order {linears!r}"
            )
        sub = (sel[0] or "").rstrip(".")
        sel = (sub + "." if sub else None, linears)
    sd = getattr(model, "state_dict", None)
    if callable(sd):
        model = sd()
    if isinstance(model, Mapping) or (
        hasattr(model, "keys") and hasattr(model, "__getitem__")
    ):
        tensors = []
        for k in list(model.keys()):
            arr = as_f64(model[k], f"{name}[{k!r}]")
            tensors.append((str(k), [int(s) for s in arr.shape], arr.tobytes()))
        if not tensors:
            raise ValueError(f"{name}: the state_dict holds no tensors")
        return _native.chain_from_tensors(tensors, *sel)
    if sel != (None, None):
        raise ValueError("prefix and layers select tensors of a state_dict; the model is a list of (W, b) pairs")
    if isinstance(model, (list, tuple)):
        out: List[_Raw] = []
        for i, layer in enumerate(model):
            if not (isinstance(layer, (list, tuple)) and len(layer) == 2):
                raise ValueError(
                    f"{name}[{i}]: expected a (W, b) pair, W of shape (out, in) and b of shape (out,)"
                )
            W = as_f64(layer[0], f"{name}[{i}] weight", ndim=2)
            b = as_f64(layer[1], f"{name}[{i}] bias", ndim=1)
            out.append((int(W.shape[0]), int(W.shape[1]), W.tobytes(), b.tobytes()))
        return out, [None] * len(out)
    raise ValueError(
        f"{name}: expected a list of (W, b) pairs, a state_dict (mapping of names to arrays) "
        f"or a module with .state_dict(), got {type(model).__name__}"
    )


def _raw_layers(model: Any, name: str = "model", prefix: Any = None, layers: Any = None) -> List[_Raw]:
    return _chain(model, name, prefix, layers)[0]


def linear_chain(model: Any, prefix: Optional[str] = None, layers: Any = None) -> List[Tuple[np.ndarray, np.ndarray]]:
    """The (W, b) float64 pairs of ``model``'s Linear layers, hidden then
    output, as ``census`` reads them (spec FMT-STATE-DICT: the chain found
    from names and shapes, ``prefix`` and ``layers`` as the CLI's
    ``--prefix`` and ``--layers``; a Linear without bias reads as zeros)."""
    return [
        (
            np.frombuffer(w, dtype="<f8").reshape(o, i).copy(),
            np.frombuffer(b, dtype="<f8").copy(),
        )
        for (o, i, w, b) in _raw_layers(model, "model", prefix, layers)
    ]


def chain_names(model: Any, prefix: Optional[str] = None, layers: Any = None) -> List[Tuple[str, Optional[str]]]:
    """The (weight, bias) tensor names of the Linear chain of a state_dict
    (or module), in order; bias None for ``bias=False``."""
    names = _chain(model, "model", prefix, layers)[1]
    if names and names[0] is None:
        raise ValueError("model: a list of (W, b) pairs has no tensor names")
    return names


@dataclass(frozen=True)
class LayerCensus:
    """One hidden layer: boolean masks over its neurons (exactly one is true
    per neuron)."""

    active: np.ndarray
    tentatively_dead: np.ndarray
    permanently_dead: np.ndarray

    @property
    def width(self) -> int:
        return int(self.active.size)

    @property
    def n_active(self) -> int:
        return int(self.active.sum())

    @property
    def n_tentatively_dead(self) -> int:
        return int(self.tentatively_dead.sum())

    @property
    def n_permanently_dead(self) -> int:
        return int(self.permanently_dead.sum())

    @property
    def non_pd(self) -> int:
        """K_l of spec THM-CHAIN: neurons that are not permanently dead."""
        return self.width - self.n_permanently_dead


@dataclass(frozen=True)
class Census:
    """Census of every hidden layer of a network on X."""

    layers: List[LayerCensus]

    @property
    def born_dead(self) -> bool:
        """Some hidden layer is entirely permanently dead (DEF-BORN-DEAD)."""
        return any(l.non_pd == 0 for l in self.layers)

    def counts(self, kind: str = "nonpd") -> np.ndarray:
        """Per hidden layer: non-PD (``"nonpd"``) or active (``"active"``) counts."""
        return np.array([_count(l.n_active, l.n_tentatively_dead, l.n_permanently_dead, kind)
                         for l in self.layers], dtype=np.int64)

    def trainable(self, min_widths: Sequence[int]) -> bool:
        """K_l >= n*_l in every hidden layer (DEF-TRAINABLE)."""
        mw = int_list(min_widths, "min_widths")
        if len(mw) != len(self.layers):
            raise ValueError(
                f"{len(mw)} minimum widths given for {len(self.layers)} hidden layers"
            )
        return all(l.non_pd >= n for l, n in zip(self.layers, mw))

    def to_json(self, indices: bool = True) -> dict:
        """The census of ``trainability census --indices --format json``
        (FMT-CENSUS-JSON): its ``layers`` and ``born_dead``."""
        layers = []
        for l in self.layers:
            v = {
                "width": l.width,
                "active": l.n_active,
                "tentatively_dead": l.n_tentatively_dead,
                "permanently_dead": l.n_permanently_dead,
            }
            if indices:
                v["active_indices"] = np.flatnonzero(l.active).tolist()
                v["tentatively_dead_indices"] = np.flatnonzero(l.tentatively_dead).tolist()
                v["permanently_dead_indices"] = np.flatnonzero(l.permanently_dead).tolist()
            layers.append(v)
        return {"layers": layers, "born_dead": self.born_dead}


def _count(active: int, td: int, pd: int, kind: str) -> int:
    if kind == "nonpd":
        return active + td
    if kind == "active":
        return active
    raise ValueError(f"kind {kind!r}: expected 'nonpd' or 'active'")


def census(model: Any, X: Any, prefix: Optional[str] = None, layers: Any = None) -> Census:
    """Active / tentatively dead / permanently dead neurons of ``model`` on
    the inputs ``X`` (m x d; 1-D means d = 1), with the CLI's exact
    comparisons in float64 (float32 parameters are widened exactly).

    ``model``: a list of (W, b) pairs (W of shape (out, in) as in
    ``nn.Linear``, hidden layers then the output layer), a torch
    ``nn.Module``, a state_dict (any layout ``trainability census --model``
    reads), or another object with ``.state_dict()`` (read as its
    state_dict). Arrays may be NumPy arrays, CPU tensors, or anything with
    ``__array__`` / ``__dlpack__``.

    A torch module is traced with torch.fx: its ``forward`` must be exactly
    Linear, ReLU, Linear, ..., ReLU, Linear (nn.Identity, nn.Dropout and
    nn.Flatten() read as the identity; ReLU as nn.ReLU, torch.relu, F.relu
    or ``.relu()``), and the layers are taken in the order ``forward``
    applies them. Anything else (a residual connection, GELU, LeakyReLU,
    two Linear layers in a row, a forward torch.fx cannot trace) raises
    ValueError naming it. ``prefix`` names the submodule to read
    (``prefix="encoder."``); ``layers``, if given, must be forward's order.

    A state_dict holds the parameters only: it cannot show the activations
    or how ``forward`` combines the layers, so its census *assumes* a chain
    of Linear layers with ReLU between them, in the order found from names
    and shapes (FMT-STATE-DICT; ``prefix`` and ``layers`` select the chain
    as ``--prefix`` and ``--layers`` do, e.g. ``layers=["fc1", "fc2",
    "fc3"]``). Pass the module itself to have that checked."""
    raw = _raw_layers(model, "model", prefix, layers)
    x = as_points(X)
    states = _native.census_states(raw, x.tobytes(), x.shape[0], x.shape[1])
    out = []
    for s in states:
        codes = np.frombuffer(s, dtype=np.uint8)
        out.append(LayerCensus(codes == 0, codes == 1, codes == 2))
    return Census(out)


def _triples(networks: Iterable[Any], X: Any, prefix: Any = None, layers: Any = None) -> np.ndarray:
    """(active, tentatively dead, permanently dead) per network and hidden
    layer: an n x L x 3 int64 array."""
    x = as_points(X)
    xb = x.tobytes()
    rows: List[List[Tuple[int, int, int]]] = []
    batch: List[List[_Raw]] = []

    def flush() -> None:
        for net in _native.census_counts(batch, xb, x.shape[0], x.shape[1]):
            if rows and len(net) != len(rows[0]):
                raise ValueError(
                    f"network {len(rows) + 1} has {len(net)} hidden layers but the first has {len(rows[0])}"
                )
            rows.append(net)
        batch.clear()

    for i, net in enumerate(networks):
        batch.append(_raw_layers(net, f"network {i + 1}", prefix, layers))
        if len(batch) == _BATCH:
            flush()
    if batch:
        flush()
    if not rows:
        raise ValueError("no networks given")
    return np.array(rows, dtype=np.int64)


def _select_kind(triples: np.ndarray, kind: str) -> np.ndarray:
    _count(0, 0, 0, kind)
    if kind == "nonpd":
        return triples[:, :, 0] + triples[:, :, 1]
    return triples[:, :, 0].copy()


def census_counts(
    networks: Iterable[Any], X: Any, kind: str = "nonpd", prefix: Optional[str] = None, layers: Any = None
) -> np.ndarray:
    """Counts (n x hidden layers, int64) of many networks on the same X:
    non-PD neurons (``kind="nonpd"``, the law of THM-CHAIN) or active ones
    (``"active"``). The censuses run in parallel without the GIL."""
    _count(0, 0, 0, kind)
    return _select_kind(_triples(networks, X, prefix, layers), kind)


def sample_counts(
    sampler: Callable[[], Any], X: Any, n: int, kind: str = "nonpd",
    prefix: Optional[str] = None, layers: Any = None,
) -> np.ndarray:
    """Calls ``sampler()`` ``n`` times (each call returns a network as
    :func:`census` takes it) and returns the n x L counts."""
    if not callable(sampler):
        raise ValueError(f"sampler: expected a function returning a network, got {type(sampler).__name__}")
    n = int_list([n], "n")[0]
    if n < 1:
        raise ValueError("n: at least one sampled network is needed")
    return census_counts((sampler() for _ in range(n)), X, kind, prefix, layers)
