# Expected values of tests/exact_depth.rs::issue_reproducers_have_their_independent_values
# and of tests/exact_depth.rs::an_undecided_answer_brackets_the_truth_and_returns_promptly
# (pip install mpmath; python3 tests/reference/depth_mpmath.py prints N, beta,
# eps, depth, B(depth), B(depth + 1), then B(2^63) at width 40).
# Independent depth search: mpmath (200 digits), full transition matrix,
# binary lifting on powers; no code shared with the Rust crate.
import mpmath as mp, sys
from math import comb
mp.mp.dps = 200
def chain(N, beta, q1):
    """Transition matrix on states 0..N and the law of the first layer."""
    S = N + 1
    P = mp.zeros(S, S); P[0,0] = 1
    for p in range(1, S):
        a = 1 - mp.mpf(2)**(-(p+beta))
        for k in range(S):
            P[p,k] = comb(N,k) * a**k * (1-a)**(N-k)
    v = mp.zeros(1, S)
    for k in range(S):
        v[0,k] = comb(N,k) * (1-mp.mpf(q1))**k * mp.mpf(q1)**(N-k)
    return P, v
def depth(N, beta, eps, q1=0):
    P, v = chain(N, beta, q1)
    if v[0,0] > eps: return 0, v[0,0], None
    pw = [P]
    for j in range(1, 63): pw.append(pw[-1]*pw[-1])
    d, cur = 1, v
    for j in range(62, -1, -1):
        c = cur * pw[j]
        if c[0,0] <= eps: cur, d = c, d + 2**j
    return d, cur[0,0], (cur*P)[0,0]
def born_dead_at(N, beta, D, q1=0):
    P, v = chain(N, beta, q1)
    steps, pw = D - 1, P
    while steps:
        if steps & 1: v = v * pw
        steps >>= 1
        if steps: pw = pw * pw
    return v[0,0]
for (N,beta,eps) in [(8,1,'1e-3'),(10,0,'1e-9'),(34,0,'1e-330'),(9,0,'1e-3'),(6,1,'1e-6'),(12,0,'1e-30'),(20,1,'1e-3')]:
    d,b,bn = depth(N,beta,mp.mpf(eps))
    print(N,beta,eps,d, mp.nstr(b,8), mp.nstr(bn,8) if bn is not None else None, flush=True)
# Width 100, zero bias, q1 = 0, eps = 1e-2977 (40 digits suffice; prints
# depth 1575, B(1575) = 9.99474341145e-2978, B(1576) = 1.00010973488e-2977).
mp.mp.dps = 40
d, b, bn = depth(100, 0, mp.mpf('1e-2977'))
print(100, 0, '1e-2977', d, mp.nstr(b, 12), mp.nstr(bn, 12), flush=True)
# B(2^63) itself at width 40 (zero bias, q1 = 0): the answer there is
# "saturated" by a lumped chain, whose reported enclosure must contain it
# (prints 2.282712088e-451, log10 -450.641548861).
mp.mp.dps = 60
b = born_dead_at(40, 0, 2**63)
print(40, 0, 'B(2^63)', mp.nstr(b, 10), 'log10', mp.nstr(mp.log10(b), 12), flush=True)
