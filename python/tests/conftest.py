"""Shared helpers: the CLI binary the Python results are compared with, and
writers of the files it reads (safetensors by hand, npy by NumPy)."""

import json
import os
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    """Runs the `trainability` binary: cli(*args) -> (status, stdout, stderr)."""
    exe = os.environ.get("RELU_TRAINABILITY_CLI")
    if not exe or not os.access(exe, os.X_OK):
        pytest.fail(
            "RELU_TRAINABILITY_CLI must name the trainability binary "
            "(python/run-tests.sh sets it; cargo test --release runs that script)"
        )

    def run(*args):
        p = subprocess.run([exe, *map(str, args)], capture_output=True, text=True, timeout=300)
        return p.returncode, p.stdout, p.stderr

    return run


def write_safetensors(path, tensors, dtype="F64"):
    """A safetensors file by hand (8-byte header length, JSON header, data),
    tensors in the given order: name -> array."""
    header, blobs, offset = {}, [], 0
    np_dtype = {"F64": "<f8", "F32": "<f4"}[dtype]
    for name, a in tensors.items():
        b = np.ascontiguousarray(a, dtype=np_dtype).tobytes()
        header[name] = {"dtype": dtype, "shape": list(np.shape(a)), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    """name -> array of a safetensors file (F32, F64 or I64), in header order."""
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        dt = {"F64": "<f8", "F32": "<f4", "I64": "<i8"}[t["dtype"]]
        out[name] = np.frombuffer(raw[8 + n + a : 8 + n + b], dtype=dt).reshape(t["shape"])
    return out


def pairs_to_state_dict(pairs, prefix="layers."):
    """(W, b) pairs as the state_dict of an nn.Sequential of Linear and ReLU."""
    sd = {}
    for k, (W, b) in enumerate(pairs):
        sd[f"{prefix}{2 * k}.weight"] = W
        sd[f"{prefix}{2 * k}.bias"] = b
    return sd


@pytest.fixture(scope="session")
def torch():
    """The real torch (python/requirements-torch.txt, installed by
    python/run-tests.sh): missing is a failure, except where it is not
    installed on purpose (RELU_TRAINABILITY_NO_TORCH=1, or Python < 3.11,
    which the pinned torch does not support)."""
    import sys

    if os.environ.get("RELU_TRAINABILITY_NO_TORCH") == "1":
        pytest.skip("RELU_TRAINABILITY_NO_TORCH=1: torch is not installed")
    if sys.version_info < (3, 11):
        pytest.skip("the pinned torch (python/requirements-torch.txt) needs Python >= 3.11")
    try:
        import torch
    except ImportError as e:
        pytest.fail(f"torch is not importable ({e}); python/run-tests.sh installs python/requirements-torch.txt")
    torch.set_num_threads(1)
    return torch
