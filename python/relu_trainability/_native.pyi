"""Type stubs of the extension module relu_trainability._native (python/src/lib.rs).

Arrays cross as little-endian float64 (u64 for counts) bytes with their
shape; exact numbers as strings; reports as the CLI's JSON documents."""

from typing import List, Optional, Tuple

__version__: str

class TooCostlyError(ValueError): ...

RawLayer = Tuple[int, int, bytes, bytes]
"""(out, in, W row-major float64 bytes, b float64 bytes)"""

def set_limits(max_seconds: float, max_bytes: float, max_input_bytes: float) -> None: ...
def get_limits() -> Tuple[float, float, int]: ...
def exact(
    widths: List[int], bias: str, q1: str, min_widths: Optional[List[int]], summary: bool
) -> str: ...
def approx(widths: List[int], bias: str, q1: str, min_widths: Optional[List[int]]) -> str: ...
def census_states(layers: List[RawLayer], x: bytes, m: int, d: int) -> List[bytes]: ...
def census_counts(
    networks: List[List[RawLayer]], x: bytes, m: int, d: int
) -> List[List[Tuple[int, int, int]]]: ...
def chain_from_tensors(
    tensors: List[Tuple[str, List[int], bytes]],
    prefix: Optional[str] = None,
    layers: Optional[List[str]] = None,
) -> Tuple[List[RawLayer], List[Tuple[str, Optional[str]]]]: ...
def check(
    counts: bytes,
    rows: int,
    cols: int,
    widths: List[int],
    bias: str,
    q1: str,
    kind_name: str,
    alpha: float,
) -> Tuple[str, str]: ...
def power(widths: List[int], bias: str, q1: str, kind_name: str, alpha: float) -> str: ...
def data_dependent_init(
    x: bytes,
    m: int,
    d: int,
    widths: List[int],
    output_dim: int,
    seed: int,
    dtype: str,
    rank: bool,
    carrier: bool,
) -> Tuple[List[RawLayer], List[str]]: ...
def q1(
    x: bytes,
    m: int,
    d: int,
    init: str,
    bias: str,
    width: Optional[int],
    samples: int,
    seed: int,
    confidence: float,
    monte_carlo: bool,
) -> str: ...
def check_q1_interval(
    counts: bytes,
    rows: int,
    cols: int,
    widths: List[int],
    bias: str,
    lo: float,
    hi: float,
    delta: float,
    alpha: float,
) -> str: ...
def exact_law(
    widths: List[int], bias: str, q1: str
) -> Tuple[Tuple[List[int], str, str], List[List[Tuple[bytes, bytes]]], List[bytes], List[bytes]]: ...
