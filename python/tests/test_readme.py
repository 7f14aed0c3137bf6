"""The README's "From Python" examples, run as written: the quick tour,
and the PyTorch pytest example with a NumPy stand-in for torch (that runs
without torch; test_torch_models.py runs the example on torch itself, and
this stand-in is read as a state_dict). The stand-in implements what the example uses:
nn.Module / Sequential / Linear / ReLU with state_dict() names as torch
gives them, nn.init.kaiming_normal_ and zeros_, float32 tensors with
__array__, torch.manual_seed."""

import re
import sys
import types
from collections import OrderedDict

import numpy as np
import pytest

from conftest import REPO


def readme_blocks():
    text = (REPO / "README.md").read_text()
    section = text.split("## From Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


class Tensor:
    def __init__(self, a):
        self.a = np.asarray(a, dtype=np.float32)

    @property
    def shape(self):
        return self.a.shape

    def __array__(self, dtype=None, copy=None):
        return self.a if dtype is None else self.a.astype(dtype)

    def detach(self):
        return Tensor(self.a.copy())


class Module:
    def state_dict(self, prefix=""):
        out = OrderedDict()
        for name, v in vars(self).items():
            if isinstance(v, Tensor):
                out[prefix + name] = v.detach()
            elif isinstance(v, Module):
                out.update(v.state_dict(prefix + name + "."))
        return out


def make_torch(state):
    torch = types.ModuleType("torch")
    nn = types.ModuleType("torch.nn")
    init = types.ModuleType("torch.nn.init")

    def manual_seed(s):
        state["rng"] = np.random.default_rng(s)

    class Linear(Module):
        def __init__(self, i, o):
            bound = 1 / np.sqrt(i)  # torch's default init (replaced by the example)
            self.weight = Tensor(state["rng"].uniform(-bound, bound, size=(o, i)))
            self.bias = Tensor(state["rng"].uniform(-bound, bound, size=o))

    class ReLU(Module):
        pass

    class Sequential(Module):
        def __init__(self, *mods):
            self._mods = list(mods)

        def __iter__(self):
            return iter(self._mods)

        def state_dict(self, prefix=""):
            out = OrderedDict()
            for k, m in enumerate(self._mods):
                out.update(m.state_dict(f"{prefix}{k}."))
            return out

    def kaiming_normal_(t, nonlinearity="leaky_relu"):
        assert nonlinearity == "relu"
        fan_in = t.a.shape[1]
        t.a[...] = state["rng"].normal(0, np.sqrt(2 / fan_in), size=t.a.shape)

    def zeros_(t):
        t.a[...] = 0

    init.kaiming_normal_ = kaiming_normal_
    init.zeros_ = zeros_
    nn.Module, nn.Linear, nn.ReLU, nn.Sequential, nn.init = Module, Linear, ReLU, Sequential, init
    torch.nn, torch.manual_seed, torch.Tensor = nn, manual_seed, Tensor
    manual_seed(12345)
    return torch, nn, init


@pytest.fixture
def fake_torch(monkeypatch):
    state = {}
    torch, nn, init = make_torch(state)
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch.nn", nn)
    monkeypatch.setitem(sys.modules, "torch.nn.init", init)
    return torch


def test_readme_has_the_two_examples():
    blocks = readme_blocks()
    assert len(blocks) == 2
    assert "def test_my_init_follows_the_exact_law" in blocks[1]


def test_quick_tour_runs_as_written():
    ns = {}
    exec(compile(readme_blocks()[0], "README.md (From Python, tour)", "exec"), ns)
    rt = ns["rt"]
    law = ns["law"]
    assert law.trainability([2, 1, ...]) == law.trainability([2, 1, 1])
    assert rt.census(ns["net"], ns["X"]).layers[0].active.all()


def test_pytorch_example_passes_with_a_correct_init(fake_torch):
    ns = {}
    exec(compile(readme_blocks()[1], "README.md (From Python, pytest)", "exec"), ns)
    ns["test_my_init_follows_the_exact_law"]()
    m = ns["MLP"](2, [8, 8, 8])
    assert list(m.state_dict()) == [f"layers.{k}.{p}" for k in (0, 2, 4, 6) for p in ("weight", "bias")]


def test_pytorch_example_fails_with_symmetric_biases(fake_torch):
    # companion: the same test with the biases drawn N(0, 0.1^2) instead of 0
    rng = np.random.default_rng(99)

    def normal_bias(t):
        t.a[...] = rng.normal(0, 0.1, size=t.a.shape)

    fake_torch.nn.init.zeros_ = normal_bias
    ns = {}
    exec(compile(readme_blocks()[1], "README.md (From Python, pytest)", "exec"), ns)
    with pytest.raises(AssertionError, match="REJECT"):
        ns["test_my_init_follows_the_exact_law"]()
