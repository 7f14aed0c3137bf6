(* The sign abstraction of THM-CHAIN, tied to the network definitions: when
   layer l is not entirely PD, neuron j of layer l+1 is PD exactly when the
   signs of its relevant parameters (the weights from the non-PD neurons of
   layer l, and its bias when biases are random) are all nonpositive, i.e.
   when its sign row satisfies Counting.pd_on for the relevant set. *)
From mathcomp Require Import all_ssreflect all_algebra.
From ReluTrainability Require Import Network Counting.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import Order.TTheory GRing.Theory Num.Theory.

Section SignLink.
Local Open Scope ring_scope.
Variable R : realFieldType.
Variable d : nat.
Variable n : nat -> nat.
Variable m : nat.
Variable X : 'I_m -> nat -> R.

Local Notation pd := (pd d n X).
Local Notation all_pd := (all_pd d n X).

(* Signs (true = positive) of the n l weights into neuron j of layer l+1,
   then its bias (last index). *)
Definition sign_row (th : net R) l j : pattern (n l).+1 :=
  [ffun i : 'I_(n l).+1 => if (i : nat) == n l then 0 < b th l.+1 j else 0 < W th l.+1 j i].

(* The relevant signs: weights from non-PD neurons, and the bias iff beta. *)
Definition relevant (beta : bool) (th : net R) l : {set 'I_(n l).+1} :=
  [set i : 'I_(n l).+1 | if (i : nat) == n l then beta else ~~ pd th l i].

Theorem pd_as_sign_pattern beta th l j : ~~ all_pd th l ->
  (~~ beta -> b th l.+1 j <= 0) ->
  pd th l.+1 j = pd_on (relevant beta th l) (sign_row th l j).
Proof.
move=> Hn Hb0; rewrite pd_signs //; apply/andP/forall_inP => [[Hb /forallP HW] i|H].
  rewrite inE ffunE; case: eqP => [_ _|Hi Hnp]; first by rewrite -leNgt.
  have Hlt : (i < n l)%N by rewrite ltn_neqAle -ltnS ltn_ord andbT; apply/eqP.
  by move/implyP: (HW (Ordinal Hlt)) => /(_ Hnp); rewrite -leNgt.
split.
  case: (boolP beta) => [Hbeta|/Hb0 //].
  have := H ord_max; rewrite inE ffunE /= eqxx => /(_ Hbeta).
  by rewrite -leNgt.
apply/forallP => i; apply/implyP => Hnp.
have := H (widen_ord (leqnSn _) i); rewrite inE ffunE /=.
by rewrite (ltn_eqF (ltn_ord i)) => /(_ Hnp); rewrite -leNgt.
Qed.

(* m = p + beta relevant signs, p = K_l the number of non-PD neurons. *)
Lemma card_relevant beta th l : #|relevant beta th l| = (K d n X th l + beta)%N.
Proof.
rewrite (cardsD1 ord_max) inE /= eqxx addnC; congr (_ + _)%N.
have -> : relevant beta th l :\ ord_max = widen_ord (leqnSn _) @: [set i : 'I_(n l) | ~~ pd th l i].
  apply/setP => i; rewrite !inE; apply/andP/imsetP => [[Hi]|[i' Hi' ->]].
    have Hne : (i : nat) != n l by apply: contra Hi => /eqP Hi; apply/eqP/val_inj.
    rewrite (negbTE Hne) => Hnp.
    have Hlt : (i < n l)%N by rewrite ltn_neqAle Hne -ltnS ltn_ord.
    by exists (Ordinal Hlt); [rewrite inE | apply: val_inj].
  have Hne : (i' : nat) != n l by rewrite ltn_eqF.
  split; last by rewrite /= (negbTE Hne); rewrite inE in Hi'.
  by apply: contra Hne => /eqP /(congr1 val) /= ->.
rewrite card_imset; last by move=> x y /(congr1 val) /= /val_inj.
by apply: eq_card => i; rewrite inE.
Qed.

End SignLink.
