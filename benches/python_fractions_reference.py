#!/usr/bin/env python3
"""Comparison baseline for `benches/exact.rs`: the chain law (spec THM-CHAIN)
in plain Python `fractions`, written independently of the Rust engine.

    python3 benches/python_fractions_reference.py [WIDTH] [DEPTH] [zero|symmetric] [--json FILE]

Prints the wall time of the full per-layer law and P(born dead) as "p/q", so
the same machine times both sides and the two values can be compared with
`trainability exact --summary --widths ... --format json`. With `--json FILE`
it also writes every layer's distribution as "p/q" strings (the
`layers[].distribution` arrays of `trainability exact --format json`) and
prints the time of law + strings + JSON, the baseline of the full-law bench
`exact_output/full_law_json_32x32`.
"""
import json
import sys
import time
from fractions import Fraction
from math import comb


def chain_law(widths, beta, q1):
    """Per-layer law of K_l, the number of non-PD neurons in layer l."""
    n1 = widths[0]
    p = 1 - q1
    law = [comb(n1, k) * p**k * q1 ** (n1 - k) for k in range(n1 + 1)]
    laws = [law]
    for n in widths[1:]:
        new = [Fraction(0)] * (n + 1)
        new[0] += law[0]  # K_{l-1} = 0 keeps K_l = 0
        for k_prev in range(1, len(law)):
            if law[k_prev] == 0:
                continue
            dead = Fraction(1, 2 ** (k_prev + beta))
            alive = 1 - dead
            # powers built incrementally (no repeated exponentiation)
            up = [Fraction(1)]
            down = [Fraction(1)]
            for _ in range(n):
                up.append(up[-1] * alive)
                down.append(down[-1] * dead)
            w = law[k_prev]
            for k in range(n + 1):
                new[k] += w * comb(n, k) * up[k] * down[n - k]
        law = new
        laws.append(law)
    return laws


def main():
    args = sys.argv[1:]
    json_out = None
    if "--json" in args:
        i = args.index("--json")
        json_out = args[i + 1]
        del args[i : i + 2]
    width = int(args[0]) if len(args) > 0 else 32
    depth = int(args[1]) if len(args) > 1 else 32
    beta = 1 if len(args) > 2 and args[2] == "symmetric" else 0
    sys.set_int_max_str_digits(0)
    start = time.perf_counter()
    laws = chain_law([width] * depth, beta, Fraction(0))
    elapsed = time.perf_counter() - start
    born_dead = laws[-1][0]
    print(f"width {width} x depth {depth}, beta {beta}: {elapsed:.3f} s")
    if json_out is not None:
        layers = [
            {"distribution": [f"{x.numerator}/{x.denominator}" for x in law]}
            for law in laws
        ]
        with open(json_out, "w") as f:
            json.dump({"layers": layers}, f)
        total = time.perf_counter() - start
        print(f"law + p/q strings + JSON: {total:.3f} s")
    print(f"P(born dead) = {born_dead.numerator}/{born_dead.denominator}")


if __name__ == "__main__":
    main()
