"""Time of a check of 1,000 networks from Python (the package built from
python/): NumPy He-normal sampling, census of every network
(rt.census_counts, parallel, GIL released), and rt.check, separately and
as rt.assert_init_matches_law. Run with the venv of python/run-tests.sh:

    target/python/venv/bin/python benches/python_check.py

Shapes: widths 8,8,8 on 64 points in 2-D, and the census bench's shape
(width 32, depth 10, 256 points in 2-D). Best of 3 repetitions."""

import time
from fractions import Fraction

import numpy as np

import relu_trainability as rt


def he_sampler(rng, widths, d=2):
    def sample():
        dims = [d, *widths, 1]
        return [(rng.normal(0.0, np.sqrt(2.0 / i), size=(o, i)), np.zeros(o))
                for i, o in zip(dims[:-1], dims[1:])]
    return sample


def best(f, reps=3):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def main():
    n = 1000
    for widths, m in [([8, 8, 8], 64), ([32] * 10, 256)]:
        t = np.linspace(0, np.pi / 2, m)
        X = np.stack([np.cos(t), np.sin(t)], axis=1)
        rng = np.random.default_rng(0)
        s_sample, nets = best(lambda: [he_sampler(rng, widths)() for _ in range(n)])
        s_census, counts = best(lambda: rt.census_counts(nets, X))
        s_check, r = best(lambda: rt.check(counts, widths, "zero", Fraction(1, 4), alpha=1e-6))
        s_all, _ = best(lambda: rt.assert_init_matches_law(
            he_sampler(rng, widths), widths, "zero", Fraction(1, 4), X, n=n))
        print(f"widths {widths[0]} x {len(widths)}, {m} points, {n} networks: "
              f"sampling (NumPy) {s_sample:.3f} s, census {s_census:.3f} s, check {s_check * 1e3:.1f} ms, "
              f"assert_init_matches_law {s_all:.3f} s (accepted: {not r.reject})")


if __name__ == "__main__":
    main()
