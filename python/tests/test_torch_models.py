"""Models given as real torch modules (spec FMT-PYTHON, Models): the census
of a Linear/ReLU chain equals an independent census taken with forward
hooks on the torch model itself (DEF-ACTIVE, DEF-PD, DEF-TD), and a module
that is not such a chain is refused, naming what is not, where its
state_dict alone gives a census that differs from the real model's."""

import math

import numpy as np
import pytest

import relu_trainability as rt
from conftest import REPO


def points(d=2, m=64, seed=4, lo=-2.0):
    return np.random.default_rng(seed).uniform(lo, 2, size=(m, d))


def hooked(torch, model, X, kinds):
    """Runs the float64 model (eval mode) on X with forward hooks on every
    module of the given classes; returns [(module, input, output)] in call
    order."""
    seen = []
    hooks = [
        m.register_forward_hook(lambda m, i, o: seen.append((m, i[0].detach(), o.detach())))
        for m in model.modules()
        if isinstance(m, kinds)
    ]
    try:
        with torch.no_grad():
            model.double().eval()(torch.as_tensor(X, dtype=torch.float64))
    finally:
        for h in hooks:
            h.remove()
    return seen


def active_counts_by_hooks(torch, model, X, act):
    """Per activation module (class ``act``), in call order: its neurons
    whose output is not the same on every x (DEF-ACTIVE, DEF-DEAD)."""
    return [int((o.max(0).values != o.min(0).values).sum()) for _, _, o in hooked(torch, model, X, act)]


def census_by_hooks(torch, model, X):
    """DEF-ACTIVE / DEF-PD / DEF-TD from the pre-activations torch computes
    (hooks on the Linear layers, in the order forward calls them) and their
    weights: {"layers": [...]} as FMT-CENSUS-JSON with indices."""
    calls = hooked(torch, model, X, torch.nn.Linear)
    layers, prev_pd = [], None
    for lin, _, z in calls[:-1]:
        z = z.numpy()
        a = np.maximum(z, 0.0)
        dead = a.max(0) == a.min(0)
        W = lin.weight.detach().numpy()
        b = np.zeros(W.shape[0]) if lin.bias is None else lin.bias.detach().numpy()
        if prev_pd is None:
            pd = (z <= 0).all(0)
        elif prev_pd.all():
            pd = np.ones(W.shape[0], bool)
        else:
            pd = (b <= 0) & (W[:, ~prev_pd] <= 0).all(1)
        td = dead & ~pd
        act = ~dead
        layers.append({
            "width": int(W.shape[0]),
            "active": int(act.sum()),
            "tentatively_dead": int(td.sum()),
            "permanently_dead": int(pd.sum()),
            "active_indices": np.flatnonzero(act).tolist(),
            "tentatively_dead_indices": np.flatnonzero(td).tolist(),
            "permanently_dead_indices": np.flatnonzero(pd).tolist(),
        })
        prev_pd = pd
    return layers


def shifted(torch, model, seed, shift=-0.6):
    """He-normal weights, N(shift, 0.5^2) biases: dead neurons in every layer."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.Linear):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * math.sqrt(2 / m.in_features))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.5 + shift)
    return model


# ---- the models ----------------------------------------------------------


def plain_chains(torch):
    nn, F = torch.nn, torch.nn.functional

    class FunctionalRelu(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(2, 12), nn.Linear(12, 9)
            self.fc3, self.fc4 = nn.Linear(9, 7), nn.Linear(7, 1)

        def forward(self, x):
            x = self.fc2(F.relu(self.fc1(x))).relu()
            return self.fc4(torch.relu(self.fc3(x)))

    class Named(nn.Module):
        """inp, hidden.0, hidden.1, out, all 16 x 16: the names and shapes
        do not fix the order (a state_dict is ambiguous); forward does."""

        def __init__(self):
            super().__init__()
            self.inp = nn.Linear(16, 16)
            self.hidden = nn.ModuleList([nn.Linear(16, 16), nn.Linear(16, 16)])
            self.out = nn.Linear(16, 16)

        def forward(self, x):
            x = F.relu(self.inp(x))
            for h in self.hidden:
                x = F.relu(h(x), inplace=True)
            return self.out(x)

    class HeLinear(nn.Linear):
        """A Linear whose only change is its initialization."""

        def reset_parameters(self):
            nn.init.kaiming_normal_(self.weight, nonlinearity="relu")
            nn.init.zeros_(self.bias)

    # (model, input dimension, mean of the biases, data in [lo, 2]^d)
    return {
        "sequential": (nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(),
                                     nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 1)), 2, -0.6, -2),
        "dropout, identity, flatten, bias=False": (
            nn.Sequential(nn.Flatten(), nn.Linear(3, 10, bias=False), nn.Dropout(0.3), nn.ReLU(inplace=True),
                          nn.Identity(), nn.Linear(10, 7), nn.ReLU(), nn.Dropout(0.1), nn.Linear(7, 2)), 3, -1.0, 0),
        "functional relu": (FunctionalRelu(), 2, -0.6, -2),
        "inp, hidden.0, hidden.1, out": (Named(), 16, -2.0, -2),
        "Linear subclass": (nn.Sequential(HeLinear(2, 9), nn.ReLU(), HeLinear(9, 1)), 2, -0.6, -2),
    }


def bad_models(torch):
    """The four models of the bug report: (model, d, what the error names)."""
    nn = torch.nn

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.inp, self.act0 = nn.Linear(2, 16), nn.ReLU()
            self.fc = nn.ModuleList([nn.Linear(16, 16) for _ in range(3)])
            self.act = nn.ModuleList([nn.ReLU() for _ in range(3)])
            self.out = nn.Linear(16, 1)

        def forward(self, x):
            h = self.act0(self.inp(x))
            for fc, act in zip(self.fc, self.act):
                h = h + act(fc(h))
            return self.out(h)

    return {
        "residual": (Residual(), 2, ["the operation '+'", "residual"], nn.ReLU),
        "GELU": (nn.Sequential(nn.Linear(2, 16), nn.GELU(), nn.Linear(16, 16), nn.GELU(), nn.Linear(16, 1)),
                 2, ["module '1' (GELU)"], nn.GELU),
        "LeakyReLU": (nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(), nn.Linear(16, 16), nn.LeakyReLU(),
                                    nn.Linear(16, 1)), 2, ["module '1' (LeakyReLU)"], nn.LeakyReLU),
        "Linear, Linear, ReLU, Linear": (
            nn.Sequential(nn.Linear(2, 16), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1)), 2,
            ["Linear '1' follows Linear '0' with no ReLU"], nn.ReLU),
    }


# ---- the tests -----------------------------------------------------------


@pytest.mark.parametrize("name", ["sequential", "dropout, identity, flatten, bias=False", "functional relu",
                                  "inp, hidden.0, hidden.1, out", "Linear subclass"])
def test_census_of_a_chain_module_equals_the_census_by_forward_hooks(torch, name):
    # spec: FMT-PYTHON (Models), DEF-ACTIVE, DEF-PD, DEF-TD
    model, d, shift, lo = plain_chains(torch)[name]
    kinds = np.zeros(3, int)
    for seed in range(4):
        shifted(torch, model, seed, shift)
        X = points(d, seed=seed, lo=lo)
        expected = census_by_hooks(torch, model, X)
        got = rt.census(model, X).to_json()["layers"]
        assert got == expected, (name, seed)
        # the same through census_counts, on the float32 module too
        model.float()
        assert rt.census_counts([model], X, "active")[0].tolist() == [l["active"] for l in expected]
        kinds += [sum(l[k] for l in expected) for k in ("active", "tentatively_dead", "permanently_dead")]
    # active and permanently dead neurons were met (tentatively dead ones in most models)
    assert kinds[0] > 0 and kinds[2] > 0, kinds


def test_the_order_of_a_module_comes_from_forward_not_from_its_names(torch):
    # issue: inp, hidden.0, hidden.1, out (all 16 x 16) cannot be ordered
    # from a state_dict; the module's forward orders them
    model = plain_chains(torch)["inp, hidden.0, hidden.1, out"][0]
    with pytest.raises(ValueError, match="ambiguous"):
        rt.census(model.state_dict(), points(16))
    assert rt.chain_names(model) == [(f"{m}.weight", f"{m}.bias") for m in ("inp", "hidden.0", "hidden.1", "out")]
    with pytest.raises(ValueError, match=r"forward applies the Linear layers in the order \['inp', 'hidden.0'"):
        rt.census(model, points(16), layers=["hidden.0", "hidden.1", "inp", "out"])
    assert rt.census(model, points(16), layers="inp,hidden.0,hidden.1,out").to_json() == \
        rt.census(model, points(16)).to_json()


@pytest.mark.parametrize("name", ["residual", "GELU", "LeakyReLU", "Linear, Linear, ReLU, Linear"])
def test_modules_that_are_not_a_relu_chain_are_refused_by_name(torch, name):
    # spec: FMT-PYTHON (Models)
    model, d, named, act = bad_models(torch)[name]
    shifted(torch, model, 1)
    X = points(d, seed=1)
    # what the state_dict alone gives (the census assumes a Linear/ReLU
    # chain) is not what the real model does
    real = active_counts_by_hooks(torch, model, X, act)
    assumed = rt.census(model.state_dict(), X).counts("active").tolist()
    assert assumed != real, (assumed, real)
    with pytest.raises(ValueError) as e:
        rt.census(model, X)
    for text in named:
        assert text in str(e.value), str(e.value)
    assert type(model).__name__ in str(e.value)
    with pytest.raises(ValueError):
        rt.census_counts([model], X)


def test_other_forwards_are_refused(torch):
    nn, F = torch.nn, torch.nn.functional

    class Branching(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(2, 4), nn.Linear(4, 1)

        def forward(self, x):
            if x.sum() > 0:  # data-dependent: torch.fx cannot trace it
                x = -x
            return self.fc2(F.relu(self.fc1(x)))

    class Shared(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc, self.out = nn.Linear(4, 4), nn.Linear(4, 1)

        def forward(self, x):
            return self.out(F.relu(self.fc(F.relu(self.fc(x)))))

    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(2, 4), nn.Linear(4, 1)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)) * 2)

    cases = [
        (Branching(), 2, "torch.fx cannot trace Branching.forward"),
        (Shared(), 4, "the Linear 'fc' is applied twice"),
        (Scaled(), 2, "the operation '*'"),
        (nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1), nn.ReLU()), 2, "ends with ReLU '3'"),
        (nn.Sequential(nn.ReLU(), nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)), 2, "starts with ReLU '0'"),
        (nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 1)), 2,
         "module '1' (BatchNorm1d)"),
        (nn.Sequential(nn.Linear(2, 4), nn.ReLU6(), nn.Linear(4, 1)), 2, "module '1' (ReLU6)"),
        (nn.Sequential(nn.Linear(2, 1)), 2, "no hidden layer"),
    ]
    for model, d, text in cases:
        with pytest.raises(ValueError) as e:
            rt.census(model, points(d))
        assert text in str(e.value), (text, str(e.value))


def test_prefix_selects_a_submodule(torch):
    nn = torch.nn

    class AutoEncoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Linear(2, 6), nn.ReLU(), nn.Linear(6, 3))
            self.decoder = nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 2))

        def forward(self, x):
            return self.decoder(self.encoder(x))

    model = shifted(torch, AutoEncoder(), 3)
    X = points(2, seed=3)
    with pytest.raises(ValueError, match=r"module 'decoder.1' \(Tanh\)"):
        rt.census(model, X)
    for prefix in ("encoder.", "encoder"):
        got = rt.census(model, X, prefix=prefix).to_json()["layers"]
        assert got == census_by_hooks(torch, model.encoder, X)
    assert rt.chain_names(model, prefix="encoder.") == [("encoder.0.weight", "encoder.0.bias"),
                                                        ("encoder.2.weight", "encoder.2.bias")]
    with pytest.raises(ValueError, match="has no submodule 'enc'"):
        rt.census(model, X, prefix="enc")


def readme_pytest_example():
    import re

    text = (REPO / "README.md").read_text()
    section = text.split("## From Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)[1]


def test_readme_pytorch_example_passes_with_real_torch(torch):
    # spec: ALG-PY-SAMPLES (the README's example, as written, on torch itself)
    ns = {}
    exec(compile(readme_pytest_example(), "README.md (From Python, pytest)", "exec"), ns)
    ns["test_my_init_follows_the_exact_law"]()


def test_readme_pytorch_example_fails_with_real_torch_and_symmetric_biases(torch, monkeypatch):
    # companion: the biases drawn N(0, 0.5^2) instead of 0 (alpha = 1e-6;
    # q1 and the bias mode both change)
    monkeypatch.setattr(torch.nn.init, "zeros_", lambda t: torch.nn.init.normal_(t, 0.0, 0.5))
    ns = {}
    exec(compile(readme_pytest_example(), "README.md (From Python, pytest)", "exec"), ns)
    with pytest.raises(AssertionError, match="REJECT"):
        ns["test_my_init_follows_the_exact_law"]()
