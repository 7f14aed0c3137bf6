#!/usr/bin/env python3
"""Comparison baseline for `benches/census.rs`: the census of random networks
(spec DEF-DEAD, DEF-PD, DEF-TD) in NumPy, on the bench's shape: width 32,
depth 10, 256 points uniform in [-1, 1]^2, He normal weights, zero biases.
Written as a careful NumPy user would: one network at a time with matrix
products, and batched (many networks per matrix product, `np.matmul` on
stacks), on one core.

    python3 benches/numpy_census_reference.py [SECONDS_PER_VARIANT]

Prints networks per second of each variant, to compare with
`cargo bench --bench census` on the same machine.
"""
import os
import sys
import time

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

WIDTH, DEPTH, POINTS, DIM = 32, 10, 256, 2


def census_one(rng, X):
    """(active, td, pd) counts per layer of one fresh He network."""
    a = X
    prev_pd = None
    counts = []
    fan_in = X.shape[1]
    for _ in range(DEPTH):
        W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(WIDTH, fan_in))
        b = np.zeros(WIDTH)
        z = a @ W.T + b
        a = np.maximum(z, 0.0)
        if prev_pd is None:
            pd = np.all(z <= 0.0, axis=0)
        elif prev_pd.all():
            pd = np.ones(WIDTH, dtype=bool)
        else:
            pd = (b <= 0.0) & np.all((W <= 0.0) | prev_pd[None, :], axis=1)
        dead = np.all(a == a[:1, :], axis=0)
        td = dead & ~pd
        counts.append((int((~dead).sum()), int(td.sum()), int(pd.sum())))
        prev_pd = pd
        fan_in = WIDTH
    return counts


def census_batch(rng, X, batch):
    """Non-PD counts per layer of `batch` fresh He networks at once."""
    a = np.broadcast_to(X, (batch,) + X.shape)
    prev_pd = None
    fan_in = X.shape[1]
    out = []
    for _ in range(DEPTH):
        W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(batch, WIDTH, fan_in))
        z = np.matmul(a, W.transpose(0, 2, 1))  # zero biases
        a = np.maximum(z, 0.0)
        if prev_pd is None:
            pd = np.all(z <= 0.0, axis=1)
        else:
            pd = np.all((W <= 0.0) | prev_pd[:, None, :], axis=2)
            pd |= prev_pd.all(axis=1)[:, None]
        dead = np.all(a == a[:, :1, :], axis=1)
        out.append(((~dead).sum(axis=1), (dead & ~pd).sum(axis=1), pd.sum(axis=1)))
        prev_pd = pd
        fan_in = WIDTH
    return out


def rate(f, seconds):
    f()  # warm-up
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        n += f()
    return n / (time.perf_counter() - start)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    rng = np.random.default_rng(1)
    X = rng.uniform(-1.0, 1.0, size=(POINTS, DIM))
    print(f"NumPy {np.__version__}, Python {sys.version.split()[0]}, one core")

    def one():
        census_one(rng, X)
        return 1

    def batched():
        census_batch(rng, X, 64)
        return 64

    print(f"one network at a time: {rate(one, seconds):,.0f} networks/s")
    print(f"batches of 64: {rate(batched, seconds):,.0f} networks/s")


if __name__ == "__main__":
    main()
