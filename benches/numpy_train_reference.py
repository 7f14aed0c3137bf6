#!/usr/bin/env python3
"""Comparison baseline for `benches/train.rs`: the same full-batch training
step in NumPy (forward pass, MSE, backpropagation, Adam with bias
correction), on the same tasks and shapes, written as a careful NumPy user
would (matrix products, in-place updates).

    python3 benches/numpy_train_reference.py [SECONDS_PER_CASE]

Prints steps per second for each case, to compare with
`cargo bench --bench train` on the same machine.
"""
import os
import sys
import time

# one core, as the Rust bench (criterion runs one thread): BLAS threads would
# only contend on small matrices
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402


def abs_1d(m):
    h = m // 2
    x = (np.arange(m, dtype=np.float64) - h) / h
    return x.reshape(m, 1), np.abs(x).reshape(m, 1)


def ridge_2d(g):
    h = g // 2
    t = (np.arange(g, dtype=np.float64) - h) / h
    x1, x2 = np.meshgrid(t, t, indexing="ij")
    X = np.stack([x1.ravel(), x2.ravel()], axis=1)
    return X, (np.abs(X[:, 0] + X[:, 1]) / 2).reshape(-1, 1)


def he_network(rng, d, width, depth):
    sizes = [d] + [width] * depth + [1]
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))
        b = rng.normal(0.0, 1.0, size=fan_out)
        layers.append([W, b])
    return layers


class Adam:
    def __init__(self, layers, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m = [[np.zeros_like(p) for p in layer] for layer in layers]
        self.v = [[np.zeros_like(p) for p in layer] for layer in layers]

    def apply(self, layers, grads):
        self.t += 1
        c1 = 1.0 - self.b1**self.t
        c2 = 1.0 - self.b2**self.t
        for layer, grad, ms, vs in zip(layers, grads, self.m, self.v):
            for p, g, m, v in zip(layer, grad, ms, vs):
                m *= self.b1
                m += (1.0 - self.b1) * g
                v *= self.b2
                v += (1.0 - self.b2) * g * g
                p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


def step(layers, opt, X, Y):
    m = X.shape[0]
    pre, post = [], [X]
    a = X
    for W, b in layers[:-1]:
        z = a @ W.T + b
        a = np.maximum(z, 0.0)
        pre.append(z)
        post.append(a)
    W, b = layers[-1]
    out = a @ W.T + b
    resid = out - Y
    loss = float(np.sum(resid * resid)) / m
    delta = resid * (2.0 / m)
    grads = [None] * len(layers)
    for l in range(len(layers) - 1, -1, -1):
        W, _ = layers[l]
        grads[l] = (delta.T @ post[l], delta.sum(axis=0))
        if l > 0:
            delta = (delta @ W) * (pre[l - 1] > 0.0)
    opt.apply(layers, grads)
    return loss


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    cases = [
        ("abs1d_m21_w8_d6", abs_1d(21), 8, 6),
        ("ridge2d_g5_w10_d10", ridge_2d(5), 10, 10),
        ("abs1d_m1001_w64_d4", abs_1d(1001), 64, 4),
    ]
    print(f"NumPy {np.__version__}, Python {sys.version.split()[0]}")
    for name, (X, Y), width, depth in cases:
        rng = np.random.default_rng(1)
        layers = he_network(rng, X.shape[1], width, depth)
        opt = Adam(layers)
        for _ in range(100):  # warm-up
            step(layers, opt, X, Y)
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(100):
                step(layers, opt, X, Y)
            n += 100
        elapsed = time.perf_counter() - start
        print(f"{name}: {n / elapsed:,.0f} steps/s ({elapsed / n * 1e6:.1f} us/step)")


if __name__ == "__main__":
    main()
