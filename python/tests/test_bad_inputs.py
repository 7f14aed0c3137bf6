"""Bad input raises ValueError (never a crash, never a wrong number), with
the CLI's messages where the CLI has the same case (spec FMT-PYTHON)."""

import math
from fractions import Fraction

import numpy as np
import pytest

import relu_trainability as rt
from conftest import pairs_to_state_dict, write_safetensors


def small_net():
    rng = np.random.default_rng(0)
    return [(rng.normal(size=(3, 2)), np.zeros(3)), (rng.normal(size=(1, 3)), np.zeros(1))]


X = np.random.default_rng(1).normal(size=(10, 2))


def message(call):
    with pytest.raises(ValueError) as e:
        call()
    return str(e.value)


@pytest.mark.parametrize(
    "args",
    [
        ("4,4", "zero", 0), ([], "zero", 0), ([0], "zero", 0), ([-1], "zero", 0),
        ([True], "zero", 0), ([2.5], "zero", 0), ([2**70], "zero", 0), (None, "zero", 0),
        (4, "zero", 0), ([2], "sym", 0), ([2], None, 0), ([2], "zero", 1.5),
        ([2], "zero", "abc"), ([2], "zero", math.nan), ([2], "zero", None), ([2], "zero", [1]),
        ([2], "zero", -Fraction(1, 3)), ([2], "zero", True),
    ],
)
def test_law_arguments(args):
    for f in (rt.law, rt.summary, rt.approx):
        message(lambda: f(*args))


def test_law_messages_are_the_cli_messages(cli):
    for flags, call in [
        (["--widths", "2", "--bias", "sym"], lambda: rt.law([2], "sym")),
        (["--widths", "3000,3000,3000,3000"], lambda: rt.law([3000] * 4)),
        (["--widths", "2", "--q1", "3/2"], lambda: rt.law([2], q1=Fraction(3, 2))),
    ]:
        code, _, err = cli("exact", *flags)
        assert code == 2
        msg = message(call)
        # the CLI's line is "error: MSG", or clap's "error: invalid value ... for '--flag': MSG"
        # naming the value "value" instead of "q1"
        assert msg.replace("q1 =", "value =") in err, (msg, err)


def test_nan_data_gives_the_cli_message(cli, tmp_path):
    bad = X.copy()
    bad[3, 1] = np.nan
    msg = message(lambda: rt.census(small_net(), bad))
    assert msg == "invalid input: X: row 4, column 2: non-finite value NaN (NaN and inf are not data)"
    write_safetensors(tmp_path / "m.safetensors", pairs_to_state_dict(small_net()))
    np.save(tmp_path / "x.npy", bad)
    code, _, err = cli("census", "--model", tmp_path / "m.safetensors", "--data", tmp_path / "x.npy")
    assert code == 2
    assert err.strip().endswith(msg.split("X: ", 1)[1])
    bad[3, 1] = np.inf
    assert "non-finite value inf" in message(lambda: rt.census(small_net(), bad))


class GpuTensor:
    def __array__(self, dtype=None, copy=None):
        raise TypeError("can't convert cuda:0 device type tensor to numpy")


@pytest.mark.parametrize(
    "data",
    [
        "points.csv", None, 3.0, np.zeros((0, 2)), np.zeros((5, 0)), np.zeros((2, 2, 2)),
        np.zeros((5, 3)), np.ones((5, 2), dtype=complex), np.ones((5, 2), dtype=bool),
        np.array([[1, "a"]], dtype=object), [[1.0, 2.0], [3.0]], GpuTensor(),
        np.full((4, 2), 1e200), np.array([[2**60 + 1, 0]], dtype=np.int64),
    ],
)
def test_census_data(data):
    message(lambda: rt.census(small_net(), data))


@pytest.mark.parametrize(
    "model",
    [
        None, 3, "model.safetensors", [], [(np.zeros((3, 2)), np.zeros(3))],
        [(np.zeros((3, 2)), np.zeros(4)), (np.zeros((1, 3)), np.zeros(1))],
        [(np.zeros((3, 2)), np.zeros(3)), (np.zeros((1, 4)), np.zeros(1))],
        [(np.zeros(3), np.zeros(3)), (np.zeros((1, 3)), np.zeros(1))],
        [(np.full((3, 2), np.inf), np.zeros(3)), (np.zeros((1, 3)), np.zeros(1))],
        [np.zeros((3, 2))], {"w": np.zeros((3, 2))}, {}, {"layers.0.weight": np.zeros((3, 2))},
        {"bn.num_batches_tracked": np.int64(3)},
        [(GpuTensor(), np.zeros(3)), (np.zeros((1, 3)), np.zeros(1))],
    ],
)
def test_census_models(model):
    message(lambda: rt.census(model, X))


def test_nonfinite_parameter_message():
    net = small_net()
    net[0][0][1, 1] = np.nan
    assert message(lambda: rt.census(net, X)) == "invalid input: layer 1 has a non-finite parameter"


@pytest.mark.parametrize(
    "counts,kw",
    [
        (np.array([[1, -1]]), {}), (np.array([[1.0, 4.5]]), {}), (np.array([[1.0, np.nan]]), {}),
        (np.array([[1.0, np.inf]]), {}), (np.array([[1, 2, 3]]), {}), (np.array([[3, 2]]), {}),
        (np.zeros((0, 2), dtype=int), {}), (np.array([[1, 1]]), {"alpha": 0}),
        (np.array([[1, 1]]), {"alpha": 1}), (np.array([[1, 1]]), {"alpha": math.nan}),
        (np.array([[1, 1]]), {"alpha": "0.01"}), (np.array([[1, 1]]), {"kind": "dead"}),
        (np.array([["1", "1"]]), {}), (np.array([[True, True]]), {}), ("1,1", {}),
        (np.array([1, 1]), {}), (np.array([[1e300, 1]]), {}),
    ],
)
def test_check_counts(counts, kw):
    message(lambda: rt.check(counts, [2, 2], **kw))


def test_count_above_width_is_the_cli_message():
    assert message(lambda: rt.check(np.array([[2, 2], [3, 2]]), [2, 2])) == \
        "invalid input: sample 2, layer 1: count 3 exceeds the width 2"


@pytest.mark.parametrize(
    "kw",
    [
        {"dtype": "int8"}, {"dtype": np.float16}, {"seed": -1}, {"seed": 2**64}, {"seed": 1.5},
        {"out_dim": 0}, {"rank": "yes"}, {"widths": []}, {"widths": [0, 2]},
    ],
)
def test_data_dependent_init_arguments(kw):
    args = {"X": X, "widths": [4, 4], **kw}
    message(lambda: rt.data_dependent_init(**args))


def test_assert_init_matches_law_arguments():
    def sampler():
        return small_net()

    message(lambda: rt.assert_init_matches_law("not callable", [3], X=X, n=10))
    message(lambda: rt.assert_init_matches_law(sampler, [3], X=None, n=10))
    message(lambda: rt.assert_init_matches_law(sampler, [3], X=X, n=0))
    message(lambda: rt.assert_init_matches_law(sampler, [3], X=X, n=10, alpha=2))
    message(lambda: rt.assert_init_matches_law(lambda: "junk", [3], X=X, n=10))


def test_limits():
    message(lambda: rt.set_limits(max_seconds=-1))
    message(lambda: rt.set_limits(max_memory_mb=math.nan))
    old = rt.get_limits()
    try:
        rt.set_limits(max_seconds=1e-6)
        with pytest.raises(rt.TooCostlyError):
            rt.summary([64] * 64)
    finally:
        rt.set_limits(**old)
    assert rt.get_limits() == old
