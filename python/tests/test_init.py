"""data_dependent_init against `trainability init --init data-dependent`
on the same data and seed, and its guarantee (spec THM-DD-ACTIVE)."""

import numpy as np
import pytest

import relu_trainability as rt
from conftest import read_safetensors


@pytest.mark.parametrize("dtype,flag", [(np.float32, "f32"), (np.float64, "f64")])
def test_same_network_as_the_cli_init(cli, tmp_path, dtype, flag):
    X = np.random.default_rng(7).normal(size=(40, 3))
    np.save(tmp_path / "x.npy", X)
    code, _, err = cli("init", "--init", "data-dependent", "--input-dim", 3, "--widths", "30,5,30,2",
                       "--data", tmp_path / "x.npy", "--seed", 1, "--dtype", flag,
                       "--out", tmp_path / "m.safetensors")
    assert code == 0, err
    stored = read_safetensors(tmp_path / "m.safetensors")
    net = rt.data_dependent_init(X, [30, 5, 30, 2], out_dim=1, seed=1, dtype=dtype)
    assert len(net) == 5
    for k, (W, b) in enumerate(net):
        assert W.dtype == dtype and b.dtype == dtype
        assert np.array_equal(W, stored[f"layers.{2 * k}.weight"])
        assert np.array_equal(b, stored[f"layers.{2 * k}.bias"])
    # every hidden neuron active on X, for the stored values
    c = rt.census(net, X)
    assert all(l.active.all() for l in c.layers)


def test_seed_changes_the_network_and_one_dimensional_data():
    X = np.linspace(-1, 1, 21)
    a = rt.data_dependent_init(X, [2, 2, 2, 2, 2, 2], seed=0)
    b = rt.data_dependent_init(X, [2, 2, 2, 2, 2, 2], seed=0)
    c = rt.data_dependent_init(X, [2, 2, 2, 2, 2, 2], seed=1)
    assert all(np.array_equal(x[0], y[0]) for x, y in zip(a, b))
    assert not all(np.array_equal(x[0], y[0]) for x, y in zip(a, c))
    assert all(l.active.all() for l in rt.census(a, X).layers)
