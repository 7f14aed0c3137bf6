"""The type stubs cover the extension module exactly, and every public name
has a docstring."""

import ast
from pathlib import Path

import relu_trainability as rt
from relu_trainability import _native


def test_native_stub_lists_every_function():
    stub = Path(rt.__file__).with_name("_native.pyi")
    tree = ast.parse(stub.read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    native = {n for n in dir(_native) if not n.startswith("_") and callable(getattr(_native, n))}
    native.discard("TooCostlyError")
    assert stubbed == native
    assert (Path(rt.__file__).with_name("py.typed")).exists()


def test_public_api_is_documented():
    for name in rt.__all__:
        obj = getattr(rt, name)
        assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name


def test_python_tests_named_in_the_spec_exist():
    # tests/spec_traceability.rs checks the Rust names; this checks ours
    import re

    from conftest import REPO

    text = (REPO / "spec" / "80-python.md").read_text()
    named = re.findall(r"(python/tests/test_\w+\.py)(?:::(\w+))?", text)
    assert len(named) >= 10
    for path, name in named:
        src = (REPO / path).read_text()
        if name:
            assert re.search(rf"^def {name}\(", src, re.M), f"{path}::{name}"
