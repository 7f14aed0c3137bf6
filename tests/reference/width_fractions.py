# Independent width search in Python fractions (exact), sharing no code with
# the Rust crate: the chain law of THM-CHAIN layer by layer, with floors
# n* applied per layer, and T(n*) = the remaining mass.
# Expected values of tests/exact_cli.rs::width_and_depth_commands_answer.
#   python3 tests/reference/width_fractions.py
from fractions import Fraction as F
from math import comb
def law(widths, beta, q1, floors=None):
    n=widths[0]; d=[comb(n,k)*(1-q1)**k*q1**(n-k) for k in range(n+1)]
    if floors: d=[0 if k<floors[0] else x for k,x in enumerate(d)]
    for l in range(1,len(widths)):
        n=widths[l]; nd=[F(0)]*(n+1); nd[0]+=d[0]
        for p in range(1,len(d)):
            if d[p]==0: continue
            a=1-F(1,2**(p+beta))
            for k in range(n+1): nd[k]+=d[p]*comb(n,k)*a**k*(1-a)**(n-k)
        if floors: nd=[0 if k<floors[l] else x for k,x in enumerate(nd)]
        d=nd
    return d
def T(N,depth,beta,q1,mw): return sum(law([N]*depth,beta,q1,mw))
mw=[2]+[1]*9
for N in range(2,12):
    t=T(N,10,0,F(0),mw); print(N, float(t), t>=1-F(1,1000))
print("T5", T(5,10,0,F(0),mw)); print("T4", T(4,10,0,F(0),mw))
