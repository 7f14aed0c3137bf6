"""Census through Python against the CLI's census on the same model and
data (spec DEF-DEAD, DEF-PD, DEF-TD, FMT-CENSUS-JSON), and the same
answer for every way of passing the model and the data."""

import json

import numpy as np
import pytest

import relu_trainability as rt
from conftest import REPO, pairs_to_state_dict, read_safetensors, write_safetensors


def designed_model():
    """A 2-D network with known states on any X with points in general
    position (derived by hand from DEF-PD / DEF-TD):
    layer 1: neuron 1 TD (zero weights, bias 0.5: constant 0.5),
             neuron 2 PD (bias -100 on data of norm < 10);
    layer 2: neuron 0 PD (every weight and the bias < 0),
             neuron 1 PD (its only positive weight comes from PD neuron 2),
             neuron 2 TD (only input: TD neuron 1, so constant);
    layer 3: neuron 3 PD (every weight and the bias <= 0)."""
    rng = np.random.default_rng(3)
    W1 = rng.normal(size=(6, 2))
    b1 = np.zeros(6)
    W1[1] = 0.0
    b1[1] = 0.5
    b1[2] = -100.0
    W2 = rng.normal(size=(5, 6))
    b2 = rng.normal(size=5) * 0.1
    W2[0] = -np.abs(W2[0]) - 0.1
    b2[0] = -1.0
    W2[1] = -np.abs(W2[1]) - 0.1
    W2[1, 2] = 3.0
    b2[1] = -0.1
    W2[2] = 0.0
    W2[2, 1] = 2.0
    b2[2] = 0.0
    W3 = rng.normal(size=(4, 5))
    b3 = rng.normal(size=4) * 0.1
    W3[3] = -np.abs(W3[3])
    b3[3] = 0.0
    W4 = rng.normal(size=(1, 4))
    b4 = np.zeros(1)
    return [(W1, b1), (W2, b2), (W3, b3), (W4, b4)]


def census_part(out):
    """The census of the CLI's JSON (it also describes the data and model)."""
    v = json.loads(out)
    return {"layers": v["layers"], "born_dead": v["born_dead"]}


def data(m=40):
    return np.random.default_rng(4).uniform(-2, 2, size=(m, 2))


def test_designed_states():
    c = rt.census(designed_model(), data())
    l1, l2, l3 = c.layers
    assert l1.tentatively_dead.tolist() == [False, True, False, False, False, False]
    assert l1.permanently_dead.tolist() == [False, False, True, False, False, False]
    assert l2.permanently_dead[:2].all() and l2.tentatively_dead[2]
    assert l3.permanently_dead[3]
    for l in c.layers:
        # exactly one state per neuron
        assert (l.active.astype(int) + l.tentatively_dead + l.permanently_dead == 1).all()
    assert c.counts("nonpd").tolist() == [l.width - l.n_permanently_dead for l in c.layers]
    assert not c.born_dead


@pytest.mark.parametrize("dtype", ["F64", "F32"])
def test_census_equals_the_cli_census(cli, tmp_path, dtype):
    pairs = designed_model()
    if dtype == "F32":
        pairs = [(W.astype(np.float32), b.astype(np.float32)) for W, b in pairs]
    X = data()
    write_safetensors(tmp_path / "m.safetensors", pairs_to_state_dict(pairs), dtype)
    np.save(tmp_path / "x.npy", X)
    code, out, err = cli("census", "--model", tmp_path / "m.safetensors", "--data",
                         tmp_path / "x.npy", "--indices", "--format", "json")
    assert code == 0, err
    expected = census_part(out)
    assert rt.census(pairs, X).to_json(indices=True) == expected
    # random networks too, with PD and TD neurons from negative biases
    rng = np.random.default_rng(11)
    for trial in range(5):
        widths = [2, 7, 3, 5, 1]
        pairs = [(rng.normal(size=(o, i)), rng.normal(size=o) - 0.7)
                 for i, o in zip(widths[:-1], widths[1:])]
        write_safetensors(tmp_path / "r.safetensors", pairs_to_state_dict(pairs, ""), dtype)
        code, out, err = cli("census", "--model", tmp_path / "r.safetensors", "--data",
                             tmp_path / "x.npy", "--indices", "--format", "json")
        assert code == 0, err
        if dtype == "F32":
            pairs = [(W.astype(np.float32), b.astype(np.float32)) for W, b in pairs]
        assert rt.census(pairs, X).to_json() == census_part(out), trial


class Module:
    """Something with .state_dict(), as an nn.Module."""

    def __init__(self, sd):
        self._sd = sd

    def state_dict(self):
        return self._sd


class ArrayLike:
    """Only __array__ (as a CPU tensor of another library)."""

    def __init__(self, a):
        self._a = a

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._a, dtype=dtype)


class DLPackOnly:
    """Only the DLPack protocol."""

    def __init__(self, a):
        self._a = np.ascontiguousarray(a)

    def __dlpack__(self, **kw):
        return self._a.__dlpack__(**kw)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()


def test_every_model_form_gives_the_same_census():
    pairs = designed_model()
    X = data()
    ref = rt.census(pairs, X).to_json()
    forms = [
        pairs_to_state_dict(pairs),
        pairs_to_state_dict(pairs, ""),
        Module(pairs_to_state_dict(pairs)),
        [(ArrayLike(W), ArrayLike(b)) for W, b in pairs],
        [(W.tolist(), b.tolist()) for W, b in pairs],
        tuple((np.asfortranarray(W), b[::-1].copy()[::-1]) for W, b in pairs),
        [(W.T.copy().T, b) for W, b in pairs],
    ]
    if hasattr(np, "from_dlpack"):
        forms.append([(DLPackOnly(W), DLPackOnly(b)) for W, b in pairs])
    for i, f in enumerate(forms):
        assert rt.census(f, X).to_json() == ref, i
    # non-contiguous and f32 data: converted (the f32 values are exactly the
    # f64 values after rounding the data to f32)
    Xf = np.asfortranarray(X)
    assert rt.census(pairs, Xf).to_json() == ref
    assert rt.census(pairs, X[::-1][::-1]).to_json() == ref
    X32 = X.astype(np.float32)
    assert rt.census(pairs, X32).to_json() == rt.census(pairs, X32.astype(np.float64)).to_json()
    assert rt.census(pairs, ArrayLike(X)).to_json() == ref


def test_linear_chain_reads_back_the_layers():
    pairs = designed_model()
    for W, b in rt.linear_chain(pairs_to_state_dict(pairs)):
        assert W.dtype == np.float64
    got = rt.linear_chain(pairs_to_state_dict(pairs))
    assert len(got) == len(pairs)
    for (W, b), (W0, b0) in zip(got, pairs):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)


def test_census_counts_equals_one_census_per_network():
    rng = np.random.default_rng(5)
    X = data(25)
    nets = [[(rng.normal(size=(o, i)), rng.normal(size=o) - 0.5)
             for i, o in [(2, 4), (4, 4), (4, 3), (3, 1)]] for _ in range(300)]
    for kind in ("nonpd", "active"):
        counts = rt.census_counts(nets, X, kind)
        assert counts.shape == (300, 3) and counts.dtype == np.int64
        assert counts.tolist() == [rt.census(n, X).counts(kind).tolist() for n in nets]
    it = iter(nets)
    assert rt.sample_counts(lambda: next(it), X, 300).tolist() == rt.census_counts(nets, X).tolist()


def test_one_dimensional_data_is_one_coordinate_per_point():
    pairs = [(np.array([[1.0], [-1.0], [0.0]]), np.array([0.0, 0.0, 1.0])), (np.ones((1, 3)), np.zeros(1))]
    c = rt.census(pairs, np.array([0.5, 1.0, 2.0]))
    # x > 0: neuron 0 active, neuron 1 PD (z <= 0 everywhere), neuron 2 TD (constant 1)
    assert c.layers[0].active.tolist() == [True, False, False]
    assert c.layers[0].permanently_dead.tolist() == [False, True, False]
    assert c.layers[0].tentatively_dead.tolist() == [False, False, True]
    assert c.trainable([1]) and not c.trainable([3])


FIXTURES = REPO / "tests" / "fixtures" / "state_dicts"


def fixture_census(cli, name, *flags):
    code, out, err = cli("census", "--model", FIXTURES / f"{name}.safetensors", "--data",
                         f"csv:{FIXTURES / 'points.txt'}", "--indices", "--format", "json", *flags)
    return code, out, err


@pytest.mark.parametrize(
    "name,kw",
    [
        ("fc", {}), ("fc12", {}), ("net", {}), ("sequential", {}), ("sequential_f64", {}),
        ("layers", {}), ("nobias", {}), ("body_head", {}),
        ("two_heads", {"layers": ["body.0", "body.2", "head_a"]}),
        ("autoencoder", {"prefix": "encoder."}),
    ],
)
def test_every_state_dict_layout_the_cli_reads(cli, name, kw):
    # spec: FMT-STATE-DICT (the torch layouts of tests/fixtures/state_dicts)
    flags = []
    if "prefix" in kw:
        flags += ["--prefix", kw["prefix"]]
    if "layers" in kw:
        flags += ["--layers", ",".join(kw["layers"])]
    code, out, err = fixture_census(cli, name, *flags)
    sd = read_safetensors(FIXTURES / f"{name}.safetensors")
    X = np.loadtxt(FIXTURES / "points.txt")
    if code != 0:
        # the CLI refuses: Python refuses with the same message
        with pytest.raises(ValueError) as e:
            rt.census(sd, X, **kw)
        assert str(e.value).split(": ", 1)[1] in err, (str(e.value), err)
        pytest.fail(f"the CLI refuses {name} {flags}: {err}")
    assert rt.census(sd, X, **kw).to_json() == census_part(out)
    assert rt.census(Module(sd), X, **kw).to_json() == census_part(out)
    model = json.loads(out)["model"]["layers"]
    assert rt.chain_names(sd, **kw) == [(l["weight"], l["bias"]) for l in model]
    assert [list(W.shape) for W, _ in rt.linear_chain(sd, **kw)] == [l["shape"] for l in model]


@pytest.mark.parametrize("name", ["ambiguous", "batchnorm", "conv", "two_heads"])
def test_state_dicts_the_cli_refuses_are_refused_with_its_message(cli, name):
    code, _, err = fixture_census(cli, name)
    assert code == 2
    sd = read_safetensors(FIXTURES / f"{name}.safetensors")
    with pytest.raises(ValueError) as e:
        rt.census(sd, np.loadtxt(FIXTURES / "points.txt"))
    # "malformed safetensors model: MSG" here, "... model PATH: MSG" there
    msg = str(e.value).split(": ", 1)[1]
    assert msg in err, (msg, err)
