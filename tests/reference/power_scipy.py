# Expected values of tests/oracle_power_reference.rs (spec ALG-POWER):
# the power of `check` (non-PD counts) written from the spec alone, with no
# code shared with the Rust crate.
# (pip install scipy; python3 tests/reference/power_scipy.py prints one line
# per case: widths, bias, q1 of H0 and of the alternative, n, alpha, power.)
#
# Laws: the chain of THM-CHAIN in exact fractions (K_1 ~ Bin(N_1, 1 - q1);
# given K_{l-1} = j >= 1 each neuron of layer l is non-PD with probability
# 1 - 2^-(j + beta), K_{l-1} = 0 forces K_l = 0). Components: the marginal
# of every layer, then the joint law of every consecutive pair (cell
# p (N_{l+1} + 1) + k), the alternative's laws laid on H0's cells. Each at
# level alpha / m (m components): pooled partition of ALG-GOF decided in
# exact fractions (runs closed left to right once n P(run) >= 5, a
# remainder below 5 joins the last run; the script refuses an n where some
# n P(run) is within 1e-9 of 5, so f64 sums cannot decide differently),
# lambda = n sum (p1(run) - p0(run))^2 / p0(run), dof = runs - 1,
# power = P(ncx2(dof, lambda) > chi2.isf(a, dof)) (scipy), or 0 with one
# run; at least 1 - (1 - z)^n, z = the alternative's mass on cells of H0
# probability 0. The power of `check` is the largest component power.
from fractions import Fraction as F
from math import comb
from scipy.stats import chi2, ncx2


def marginals(widths, beta, q1):
    n1 = widths[0]
    law = [comb(n1, k) * (1 - q1) ** k * q1 ** (n1 - k) for k in range(n1 + 1)]
    out = [law]
    for n in widths[1:]:
        new = [F(0)] * (n + 1)
        for j, w in enumerate(law):
            for k, t in enumerate(transition(n, j, beta)):
                new[k] += w * t
        law = new
        out.append(law)
    return out


def transition(n, j, beta):
    if j == 0:
        return [F(1)] + [F(0)] * n
    dead = F(1, 2 ** (j + beta))
    return [comb(n, k) * (1 - dead) ** k * dead ** (n - k) for k in range(n + 1)]


def components(widths, beta, q1, awidths, abeta, aq1):
    m0, m1 = marginals(widths, beta, q1), marginals(awidths, abeta, aq1)
    out = []
    for l in range(len(widths)):
        p1 = m1[l] + [F(0)] * (widths[l] - awidths[l])
        out.append((m0[l], p1))
    for l in range(len(widths) - 1):
        c0, c1 = widths[l + 1] + 1, awidths[l + 1] + 1
        p0 = [F(0)] * ((widths[l] + 1) * c0)
        p1 = [F(0)] * len(p0)
        for p in range(widths[l] + 1):
            for k, t in enumerate(transition(widths[l + 1], p, beta)):
                p0[p * c0 + k] = m0[l][p] * t
        for p in range(awidths[l] + 1):
            for k, t in enumerate(transition(awidths[l + 1], p, abeta)):
                p1[p * c0 + k] = m1[l][p] * t
        out.append((p0, p1))
    return out


def partition(p0, n):
    runs, start, acc = [], 0, F(0)
    for i, p in enumerate(p0):
        acc += n * p
        assert abs(float(acc) - 5) > 1e-9 * 5, "tie at the pooling threshold"
        if acc >= 5:
            runs.append((start, i + 1))
            start, acc = i + 1, F(0)
    if start < len(p0):
        if runs:
            runs[-1] = (runs[-1][0], len(p0))
        else:
            runs.append((0, len(p0)))
    return runs


def component_power(p0, p1, n, a):
    z = sum((y for x, y in zip(p0, p1) if x == 0), F(0))
    impossible = 1 - (1 - float(z)) ** n
    runs = partition(p0, n)
    if len(runs) < 2:
        return impossible
    lam = 0.0
    for s, e in runs:
        e0, e1 = sum(p0[s:e]), sum(p1[s:e])
        lam += float(n * (e1 - e0) ** 2 / e0)
    dof = len(runs) - 1
    c = chi2.isf(a, dof)
    pw = ncx2.sf(c, dof, lam) if lam > 0 else chi2.sf(c, dof)
    return max(pw, impossible)


def power(h0, alt, n, alpha):
    comps = components(*h0, *alt)
    a = alpha / len(comps)
    return max(component_power(p0, p1, n, a) for p0, p1 in comps)


CASES = [
    # (H0 widths, beta, q1), (alternative), n values
    (([8, 8, 8], 1, F(1, 2)), ([8, 8, 8], 1, F(11, 20)), [10, 30, 100]),
    (([8, 8, 8], 1, F(1, 2)), ([8, 8, 8], 1, F(9, 20)), [10, 30, 100]),
    (([8, 8, 8], 1, F(1, 2)), ([8, 8, 8], 0, F(1, 2)), [10, 30, 100]),
    (([8, 8, 8], 1, F(1, 2)), ([7, 8, 8], 1, F(1, 2)), [10, 30, 100]),
    (([8, 8, 8], 1, F(1, 2)), ([8, 7, 8], 1, F(1, 2)), [10, 30, 100]),
    (([8, 8, 8], 1, F(1, 2)), ([8, 8, 7], 1, F(1, 2)), [17, 60, 180]),
    (([5, 2, 4], 0, F(1, 2)), ([4, 2, 4], 0, F(1, 2)), [50, 159, 170]),
    (([4, 4, 4, 4], 1, F(1, 2)), ([4, 4, 4, 4], 0, F(1, 2)), [21, 99]),
    # q1 = 0: K_1 = N surely; the alternative puts 1 - (19/20)^6 on cells
    # of H0 probability 0, one component: power = 1 - (19/20)^(6 n)
    (([6], 0, F(0)), ([6], 0, F(1, 20)), [1, 3, 10]),
]


def main():
    alpha = 1e-3
    for h0, alt, ns in CASES:
        for n in ns:
            p = power(h0, alt, n, alpha)
            print(f"{h0[0]} {h0[1]} {h0[2]} | {alt[0]} {alt[1]} {alt[2]} | n {n} | {p:.15e}")
    # the closed form of the last case
    for n in [1, 3, 10]:
        print(f"closed form q1 0 -> 1/20, width 6, n {n}: {1 - (19 / 20) ** (6 * n):.15e}")


if __name__ == "__main__":
    main()
