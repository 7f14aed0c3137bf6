(* THM-CHAIN, first layer (and every layer given the previous one): N
   independent indicators, each "non-PD" with weight p and "PD" with weight
   q (p + q = 1 for a probability), give K = the number of non-PD ones the
   binomial law: the total weight of the outcomes with K = k is
   C(N, k) p^k q^(N-k).  Stated in any commutative ring: for layer 1,
   p = 1 - q1 and q = q1 (rows i.i.d., DEF-PD of a row depends on that row
   only). *)
From mathcomp Require Import all_ssreflect all_algebra.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import GRing.Theory.
Local Open Scope ring_scope.

Section Iid.
Variable R : comRingType.

Theorem binomial_of_iid (N k : nat) (p q : R) :
  \sum_(f : {ffun 'I_N -> bool} | #|[set j | f j]| == k) \prod_j (if f j then p else q) =
  'C(N, k)%:R * p ^+ k * q ^+ (N - k).
Proof.
rewrite (partition_big (fun f : {ffun 'I_N -> bool} => [set j | f j]) (fun S => #|S| == k)) //=.
rewrite (eq_bigr (fun _ => p ^+ k * q ^+ (N - k))); last first.
  move=> S /eqP HS.
  rewrite (big_pred1 [ffun j => j \in S]); last first.
    move=> f /=; apply/andP/eqP => [[_ /eqP <-]|->].
      by apply/ffunP => j; rewrite ffunE inE.
    split; last by apply/eqP/setP => j; rewrite inE ffunE.
    by rewrite -HS; apply/eqP; apply: eq_card => j; rewrite !inE ffunE.
  rewrite (eq_bigr (fun j => if j \in S then p else q)); last by move=> j _; rewrite ffunE.
  rewrite (bigID (mem S)) /=.
  rewrite (eq_bigr (fun _ => p)); last by move=> j ->.
  rewrite [X in _ * X](eq_bigr (fun _ => q)); last by move=> j /negbTE ->.
  rewrite !prodr_const HS; congr (_ * _ ^+ _).
  have -> : #|(fun j : 'I_N => j \notin S)| = #|~: S| by apply: eq_card => j; rewrite !inE.
  by rewrite cardsCs setCK card_ord HS.
rewrite sumr_const -mulrA mulr_natl; congr (_ *+ _).
by rewrite -[in RHS](card_ord N) -card_draws; apply: eq_card => S; rewrite !inE.
Qed.

(* THM-CHAIN-GENERAL, independent signs: the m relevant parameters of a
   neuron are independently nonpositive with weights a_i (positive with
   1 - a_i).  The outcomes in which the neuron is PD (all relevant signs
   nonpositive) have total weight prod_i a_i, i.e. c a^p for p weights of
   law a and a bias of law c; the weights of all outcomes sum to 1. *)
Theorem pd_weight_independent_signs (m : nat) (a : 'I_m -> R) :
  \sum_(s : {ffun 'I_m -> bool} | [forall i, ~~ s i]) \prod_i (if s i then 1 - a i else a i) =
  \prod_i a i.
Proof.
rewrite (big_pred1 [ffun _ => false]); last first.
  move=> s /=; apply/forallP/eqP => [H|-> i]; last by rewrite ffunE.
  by apply/ffunP => i; rewrite ffunE; apply/negbTE.
by apply: eq_bigr => i _; rewrite ffunE.
Qed.

Theorem total_weight_independent_signs (m : nat) (a : 'I_m -> R) :
  \sum_(s : {ffun 'I_m -> bool}) \prod_i (if s i then 1 - a i else a i) = 1.
Proof.
rewrite -(bigA_distr_bigA (fun i (v : bool) => if v then 1 - a i else a i)) /=.
rewrite (eq_bigr (fun _ => 1)) ?big1_eq // => i _.
by rewrite big_bool /= subrK.
Qed.

End Iid.
