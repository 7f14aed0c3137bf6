"""torch modules as census models: the dataflow of ``forward`` is checked
with torch.fx before any tensor is read (spec FMT-PYTHON, *Models*).

A state_dict holds the parameters only: it cannot show the activations or
how ``forward`` combines the layers, so the census of a state_dict assumes
a chain of Linear layers with ReLU between them. A module shows both, so a
module is read only when its traced graph is exactly

    input -> Linear -> ReLU -> Linear -> ... -> ReLU -> Linear -> output

(with nn.Identity, nn.Dropout and nn.Flatten(1, -1) anywhere, as the
identity), and refused otherwise, naming the first module or operation
that is not part of such a chain."""

from __future__ import annotations

import operator
import sys
from typing import Any, List, Optional, Tuple


def is_torch_module(model: Any) -> bool:
    """True for an instance of torch.nn.Module (without importing torch:
    a model can only be one when torch is already imported)."""
    torch = sys.modules.get("torch")
    nn = getattr(torch, "nn", None)
    cls = getattr(nn, "Module", None)
    return (
        isinstance(cls, type)
        and cls.__module__ == "torch.nn.modules.module"
        and isinstance(model, cls)
    )


def _kind(m: Any, nn: Any) -> Optional[str]:
    """"linear", "relu" or "identity" for the modules read as such: these
    classes or subclasses that keep their ``forward`` (a subclass that only
    changes the initialization is the same function); None otherwise."""
    fwd = getattr(type(m), "forward", None)
    if fwd is nn.Linear.forward:
        return "linear"
    if fwd is nn.ReLU.forward:
        return "relu"
    if fwd is nn.Identity.forward:
        return "identity"
    if fwd is nn.Dropout.forward:
        # the identity in eval mode: the census is of the network function
        return "identity"
    if fwd is nn.Flatten.forward and (m.start_dim, m.end_dim) == (1, -1):
        # the identity on m x d inputs (the census's X)
        return "identity"
    return None


def _relu_function(node: Any, torch: Any) -> bool:
    """torch.relu(x), F.relu(x[, inplace]), x.relu(), and their in-place
    forms, with x the only tensor argument."""
    F = torch.nn.functional
    extra = list(node.args[1:]) + list(node.kwargs.values())
    if node.op == "call_function" and node.target in (torch.relu, torch.relu_, F.relu, F.relu_):
        return all(isinstance(a, bool) for a in extra) and set(node.kwargs) <= {"inplace"}
    if node.op == "call_method" and node.target in ("relu", "relu_"):
        return not extra
    return False


def _describe(node: Any, root: Any) -> str:
    """The offending operation of the graph, as a person reads it."""
    if node.op == "call_module":
        m = root.get_submodule(node.target)
        return f"module {node.target!r} ({type(m).__name__})"
    where = ""
    stack = node.meta.get("nn_module_stack") if hasattr(node, "meta") else None
    if stack:
        path, owner = list(stack.values())[-1]
        name = getattr(owner, "__name__", str(owner))
        if path:
            where = f" in module {path!r} ({name})"
    if node.op == "call_function":
        t = node.target
        fname = {operator.add: "+", operator.iadd: "+=", operator.mul: "*", operator.matmul: "@"}.get(t)
        what = f"the operation {fname!r}" if fname else f"the function {getattr(t, '__name__', t)}"
        return what + where
    if node.op == "call_method":
        return f"the method .{node.target}()" + where
    if node.op == "get_attr":
        return f"the parameter or buffer {node.target!r} read directly" + where
    return f"{node.op} {node.target!r}"


def _refuse(model: Any, why: str) -> ValueError:
    return ValueError(
        f"model: {type(model).__name__} is not a chain of Linear layers with ReLU between them "
        f"(the only networks the census and the law describe): {why}"
    )


def traced_chain(model: Any, prefix: Optional[str] = None) -> List[str]:
    """The names of the Linear modules of ``model`` (of its submodule
    ``prefix``, e.g. ``"encoder."``) in the order ``forward`` applies
    them, after checking with torch.fx that ``forward`` is exactly a
    Linear/ReLU chain; ValueError naming the first module or operation
    that is not."""
    import torch
    import torch.fx

    nn = torch.nn
    root = model
    if prefix:
        sub = prefix[:-1] if prefix.endswith(".") else prefix
        try:
            root = model.get_submodule(sub)
        except AttributeError:
            raise ValueError(
                f"prefix {prefix!r}: {type(model).__name__} has no submodule {sub!r}; with a module, "
                "prefix names the submodule that is the ReLU network (e.g. 'encoder.')"
            ) from None

    class Tracer(torch.fx.Tracer):
        def is_leaf_module(self, m: Any, qualname: str) -> bool:
            return _kind(m, nn) is not None or super().is_leaf_module(m, qualname)

    try:
        graph = Tracer().trace(root)
    except Exception as e:  # data-dependent control flow, unsupported ops, ...
        raise ValueError(
            f"model: torch.fx cannot trace {type(root).__name__}.forward ({type(e).__name__}: {e}), "
            "so its dataflow cannot be checked to be a chain of Linear and ReLU layers; pass "
            "a module whose forward applies nn.Linear and ReLU in turn, or its (W, b) pairs"
        ) from None

    nodes = list(graph.nodes)
    inputs = [n for n in nodes if n.op == "placeholder"]
    if len(inputs) != 1:
        raise _refuse(root, f"forward takes {len(inputs)} inputs (the census feeds one, X)")
    cur = inputs[0]
    seq: List[Tuple[str, str]] = []  # (kind, description)
    linears: List[str] = []
    for node in nodes:
        if node.op == "placeholder":
            continue
        tensors = [a for a in node.all_input_nodes]
        if node.op == "output":
            if tensors != [cur] or not (node.args and node.args[0] is cur):
                raise _refuse(root, "forward does not return the output of its last layer alone")
            break
        if node.op == "get_attr":
            raise _refuse(root, _describe(node, root))
        if tensors != [cur]:
            names = ", ".join(a.name for a in tensors) or "no tensor"
            raise _refuse(
                root,
                f"{_describe(node, root)} takes {names} (a chain passes the output of each "
                f"operation to the next one only; this forward branches, e.g. a residual connection)",
            )
        if node.op == "call_module":
            m = root.get_submodule(node.target)
            k = _kind(m, nn)
            if k is None or node.kwargs or len(node.args) != 1:
                raise _refuse(
                    root,
                    f"{_describe(node, root)}: only nn.Linear, nn.ReLU and the identities nn.Identity, "
                    "nn.Dropout, nn.Flatten() are read (a dead neuron of another activation is not "
                    "a dead ReLU)",
                )
            if k == "linear":
                if node.target in linears:
                    raise _refuse(root, f"the Linear {node.target!r} is applied twice (shared weights)")
                linears.append(node.target)
                seq.append(("linear", f"Linear {node.target!r}"))
            elif k == "relu":
                seq.append(("relu", f"ReLU {node.target!r}"))
        elif _relu_function(node, torch):
            seq.append(("relu", f"relu ({node.name})"))
        else:
            raise _refuse(
                root,
                f"{_describe(node, root)}: only nn.Linear modules and ReLU (nn.ReLU, torch.relu, "
                "F.relu, .relu()) are read",
            )
        cur = node
    for i, (kind, what) in enumerate(seq):
        want = "linear" if i % 2 == 0 else "relu"
        if kind == want:
            continue
        if i == 0:
            raise _refuse(root, f"forward starts with {what}, not with a Linear")
        prev = seq[i - 1][1]
        if kind == "linear":
            raise _refuse(
                root,
                f"{what} follows {prev} with no ReLU between them (two affine maps in a row "
                "are one affine map, not a layer of the ReLU network)",
            )
        raise _refuse(root, f"{what} follows {prev}, not a Linear")
    if not seq or seq[-1][0] != "linear":
        last = seq[-1][1] if seq else "nothing"
        raise _refuse(root, f"forward ends with {last}; the output layer is a Linear with no activation")
    if len(linears) < 2:
        raise _refuse(root, "one Linear only: no hidden layer")
    return linears
