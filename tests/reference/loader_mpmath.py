# Expected values of src/stats/intervals_tests.rs::stirlerr_and_bd0_match_mpmath
# (pip install mpmath; python3 tests/reference/loader_mpmath.py prints the
# two Rust tables). From the definitions alone, at 50 digits:
#   stirlerr(n) = ln n! - (n + 1/2) ln n + n - ln sqrt(2 pi)
#   bd0(x, m)   = x ln(x / m) + m - x
# with x and m the exact f64 values the Rust test passes (m = float(m)).
import mpmath as mp
mp.mp.dps = 50

ns = list(range(1, 21)) + [25, 30, 35, 36, 40, 50, 79, 80, 81, 100, 200, 499, 500, 501,
                           1000, 10**4, 10**6, 10**9, 10**12, 10**15]
print("const STIRLERR: &[(f64, f64)] = &[")
for n in ns:
    v = mp.log(mp.factorial(n)) - (n + mp.mpf(1) / 2) * mp.log(n) + n - mp.log(mp.sqrt(2 * mp.pi))
    print(f"    ({float(n)!r}, {mp.nstr(v, 20, min_fixed=1, max_fixed=0)}),")
print("];")

ms = [0.5, 10.0, 1e6, 1e12]
ds = [1e-8, -1e-8, 1e-4, -1e-4, 0.01, -0.01, 0.1, -0.1, 0.18, -0.16, -0.9, -0.5, 0.5, 3.0, 100.0]
print("const BD0: &[(f64, f64, f64)] = &[")
for m in ms:
    for d in ds:
        x = m * (1.0 + d)  # the f64 the Rust test computes the same way
        X, M = mp.mpf(x), mp.mpf(m)
        v = X * mp.log(X / M) + M - X
        print(f"    ({x!r}, {m!r}, {mp.nstr(v, 20, min_fixed=1, max_fixed=0)}),")
print("];")
