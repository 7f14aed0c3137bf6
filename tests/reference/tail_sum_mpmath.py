# Expected values of src/stats/intervals_tests.rs::tail_sums_match_an_exact_summation
# (pip install mpmath; python3 tests/reference/tail_sum_mpmath.py). For each
# (x, n, p) the sum s = sum_{k >= x} pmf(k) / pmf(x) (upwards) or
# sum_{k <= x} (downwards) of Binomial(n, p), p the exact f64 value, from the
# exact ratios pmf(k+1)/pmf(k) = (n - k) / (k + 1) * p / (1 - p) at 50
# digits, summed until a term is below 1e-45 of the sum (the ratios fall, so
# the rest is below 1e-45 / (1 - r)); the mean cases use p = 1/2, where the
# ratios are exact integers' quotients, in 300-bit fixed point (fast).
from mpmath import mp, mpf, log

mp.dps = 50


def ln_s(x, n, p, up):
    p = mpf(p)
    odds = p / (1 - p)
    t, s, k = mpf(1), mpf(1), x
    while (k < n) if up else (k > 0):
        r = mpf(n - k) / (k + 1) * odds if up else mpf(k) / (n - k + 1) / odds
        t *= r
        s += t
        k = k + 1 if up else k - 1
        if t < s * mpf(10) ** -45:
            break
    return log(s)


def ln_s_half(n, x):
    # p = 1/2, x = n/2: ratios (n - k) / (k + 1); by symmetry the downward sum
    # from x is the same. Floors lose at most 2^-300 per step; the loop stops
    # when the term is below 2^-120 of the sum (1 - r >= 2e-5 there).
    one = 1 << 300
    t, s, k = one, one, x
    while k < n:
        t = t * (n - k) // (k + 1)
        s += t
        k += 1
        if t < (s >> 120):
            break
    return log(mpf(s) / one)


for n in [10**8, 10**10, 10**12]:
    print(n // 2, n, 0.5, mp.nstr(ln_s_half(n, n // 2), 25))
print(1, 10**6, 1e-9, "up", mp.nstr(ln_s(1, 10**6, 1e-9, True), 25))
print(10**6 - 1, 10**6, "1 - 2^-30", "down", mp.nstr(ln_s(10**6 - 1, 10**6, 1.0 - 2.0**-30, False), 25))
