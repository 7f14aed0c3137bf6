(* THM-Q1-ZERO-1D, deterministic part (spec/20-exact-law.md): with zero
   bias and 1-D inputs, a first-layer neuron with weight w is PD iff
   w * x <= 0 for every x in X; this forces w = 0 when X has points of both
   signs, is w <= 0 when every point is >= 0 and one is > 0, and always
   holds when every point is 0.  In any dimension, x and -x in X force
   w.x = 0.  (The probabilities 0, 1/2, 1 then follow for a weight law
   symmetric without atom at 0; that measure-theoretic step is not
   formalized.) *)
From mathcomp Require Import all_ssreflect all_algebra.
From ReluTrainability Require Import Network.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import Order.TTheory GRing.Theory Num.Theory.
Local Open Scope ring_scope.

Section Q1.
Variable R : realFieldType.
Variable n : nat -> nat.
Variable m : nat.
Variable X : 'I_m -> nat -> R.

(* One input coordinate, zero bias: PD is the sign condition on w x. *)
Lemma pd_1d_zero_bias (th : net R) j : b th 0 j = 0 ->
  pd 1 n X th 0 j = [forall k, W th 0 j 0 * X k 0 <= 0].
Proof.
move=> Hb /=; apply: eq_forallb => k.
by rewrite Hb addr0 big_ord1.
Qed.

Theorem q1_zero_1d_both_signs (w : R) :
  (exists k, 0 < X k 0) -> (exists k, X k 0 < 0) ->
  (forall k, w * X k 0 <= 0) -> w = 0.
Proof.
move=> [k Hk] [k' Hk'] H; apply/eqP; rewrite eq_le; apply/andP; split.
  by move: (H k); rewrite pmulr_lle0.
by move: (H k'); rewrite nmulr_lle0.
Qed.

Theorem q1_zero_1d_nonneg (w : R) :
  (forall k, 0 <= X k 0) -> (exists k, 0 < X k 0) ->
  (forall k, w * X k 0 <= 0) <-> w <= 0.
Proof.
move=> Hall [k Hk]; split => [/(_ k)|Hw k']; first by rewrite pmulr_lle0.
exact: mulr_le0_ge0.
Qed.

Theorem q1_zero_1d_all_zero (w : R) : (forall k, X k 0 = 0) -> forall k, w * X k 0 <= 0.
Proof. by move=> H k; rewrite H mulr0. Qed.

(* Any dimension d: if x and -x are training points, a zero-bias PD neuron
   has w.x = 0 (w on a hyperplane, a null event for an atomless law on
   hyperplanes). *)
Theorem q1_zero_antipodal d (w : nat -> R) k k' :
  (forall i, X k' i = - X k i) ->
  (forall k0, \sum_(i < d) w i * X k0 i <= 0) -> \sum_(i < d) w i * X k i = 0.
Proof.
move=> Hopp H; apply/eqP; rewrite eq_le H /=.
have := H k'; rewrite (eq_bigr (fun i : 'I_d => - (w i * X k i))); last first.
  by move=> i _; rewrite Hopp mulrN.
by rewrite sumrN oppr_le0.
Qed.

End Q1.
