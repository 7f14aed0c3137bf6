(* THM-CHAIN on the sign abstraction (spec/20-exact-law.md): counting over
   finite sets of sign patterns.  Given the p >= 1 non-PD neurons of layer
   l-1, a neuron of layer l is PD iff the p + beta relevant signs (its
   weights from those neurons, and its bias when beta = 1) are all <= 0
   (Network.pd_signs).  With the signs i.i.d. fair coins (weights and biases
   symmetric without atom at 0), every pattern has probability 2^-(p+beta)
   per neuron, 2^-((p+beta) N) for a layer of N neurons. *)
From mathcomp Require Import all_ssreflect.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Section Counting.

(* A pattern of m signs: true = positive (> 0), false = nonpositive. *)
Definition pattern (m : nat) := {ffun 'I_m -> bool}.

Definition pd_pattern m (s : pattern m) : bool := [forall i, ~~ s i].

Lemma card_patterns m : #|{: pattern m}| = 2 ^ m.
Proof. by rewrite card_ffun card_bool card_ord. Qed.

(* Per neuron: exactly one of the 2^m patterns makes the neuron PD. *)
Theorem card_pd_patterns m : #|[set s : pattern m | pd_pattern s]| = 1.
Proof.
rewrite -(cards1 ([ffun _ => false] : pattern m)); apply: eq_card => s.
rewrite !inE; apply/forallP/eqP => [H|-> i]; last by rewrite ffunE.
by apply/ffunP => i; rewrite ffunE; apply/negbTE.
Qed.

Corollary card_non_pd_patterns m :
  #|[set s : pattern m | ~~ pd_pattern s]| = 2 ^ m - 1.
Proof.
rewrite cardsCs card_patterns; congr (_ - _); rewrite -(card_pd_patterns m).
by apply: eq_card => s; rewrite !inE negbK.
Qed.

(* Per layer, in general: functions from 'I_N to a finite type T, counted by
   how many values fall in A: C(N, k) |A|^k |T \ A|^(N-k). *)
Variable T : finType.
Variable A : {set T}.

Definition hits N (f : {ffun 'I_N -> T}) : {set 'I_N} := [set j | f j \in A].

Lemma card_hits_eq N (S : {set 'I_N}) :
  #|[set f : {ffun 'I_N -> T} | hits f == S]| = #|A| ^ #|S| * #|~: A| ^ (N - #|S|).
Proof.
have -> : [set f : {ffun 'I_N -> T} | hits f == S] =
          [set f in family (fun j => if j \in S then mem A else mem (~: A))].
  apply/setP => f; rewrite !inE; apply/eqP/familyP => [<- j|H].
    by rewrite inE; case: ifP => //; rewrite inE => ->.
  apply/setP => j; rewrite inE; move: (H j); case: (j \in S).
    by [].
  by rewrite inE => /negbTE.
rewrite cardsE card_family foldrE big_map big_enum /=.
rewrite (bigID (mem S)) /=.
rewrite (eq_bigr (fun _ => #|A|)); last by move=> j ->.
rewrite [X in _ * X](eq_bigr (fun _ => #|~: A|)); last by move=> j Hj; rewrite (negbTE Hj).
rewrite !prod_nat_const; congr (_ ^ _ * _ ^ _).
have -> : #|(fun j : 'I_N => j \notin S)| = #|~: S| by apply: eq_card => j; rewrite !inE.
by rewrite cardsCs setCK card_ord.
Qed.

Theorem card_hits N k :
  #|[set f : {ffun 'I_N -> T} | #|hits f| == k]| = 'C(N, k) * (#|A| ^ k * #|~: A| ^ (N - k)).
Proof.
rewrite -[LHS]sum1_card.
rewrite (partition_big (@hits N) (fun S => #|S| == k)) /=; last by move=> f; rewrite inE.
rewrite (eq_bigr (fun S : {set 'I_N} => #|A| ^ k * #|~: A| ^ (N - k))); last first.
  move=> S /eqP HS; rewrite -HS -card_hits_eq -sum1_card.
  by apply: eq_bigl => f; rewrite !inE; case: (hits f =P S) => [->|_]; rewrite ?eqxx ?andbF.
rewrite sum_nat_const; congr (_ * _).
by rewrite -[in RHS](card_ord N) -card_draws; apply: eq_card => S; rewrite !inE.
Qed.

End Counting.

(* Per layer, on the sign abstraction: N neurons, each with its m = p + beta
   relevant signs.  The number of sign matrices with exactly k non-PD
   neurons is C(N, k) (2^m - 1)^k, out of 2^(m N): dividing,
   P(K = k) = C(N, k) (1 - 2^-m)^k (2^-m)^(N - k), the Binomial(N, 1 - 2^-m)
   law of THM-CHAIN (m = p + beta). *)
Theorem card_layer_patterns m N k :
  #|[set f : {ffun 'I_N -> pattern m} |
      #|[set j | ~~ pd_pattern (f j)]| == k]| = 'C(N, k) * (2 ^ m - 1) ^ k.
Proof.
have := card_hits [set s : pattern m | ~~ pd_pattern s] N k.
rewrite card_non_pd_patterns.
have -> : #|~: [set s : pattern m | ~~ pd_pattern s]| = 1.
  by rewrite -(card_pd_patterns m); apply: eq_card => s; rewrite !inE negbK.
rewrite exp1n muln1 => <-; apply: eq_card => f; rewrite !inE /hits.
by congr (_ == k); apply: eq_card => j; rewrite !inE.
Qed.

Theorem card_layer_all m N : #|{: {ffun 'I_N -> pattern m}}| = 2 ^ (m * N).
Proof. by rewrite card_ffun card_ord card_patterns expnM. Qed.

(* The same count for the rows of an actual layer: each row has M signs
   (weights from all N_{l-1} neurons, and the bias), of which only those in
   S matter (weights from the p non-PD neurons, and the bias when
   beta = 1: #|S| = p + beta); the other signs are free. *)
Definition pd_on M (S : {set 'I_M}) (s : pattern M) : bool := [forall i in S, ~~ s i].

Lemma card_pd_on M (S : {set 'I_M}) : #|[set s : pattern M | pd_on S s]| = 2 ^ (M - #|S|).
Proof.
have -> : [set s : pattern M | pd_on S s] =
          [set s in family (fun i => if i \in S then pred1 false else predT)].
  apply/setP => s; rewrite !inE; apply/forall_inP/familyP => [H i|H i Hi].
    by case: ifP => [/H /negbTE /= ->|].
  by move: (H i); rewrite Hi /= => /eqP ->.
rewrite cardsE card_family foldrE big_map big_enum /= (bigID (mem S)) /=.
rewrite (eq_bigr (fun _ => 1)); last by move=> i ->; rewrite card1.
rewrite [X in _ * X](eq_bigr (fun _ => 2)); last first.
  by move=> i Hi; rewrite (negbTE Hi) /=; rewrite -(card_bool); apply: eq_card.
rewrite !prod_nat_const exp1n mul1n; congr (_ ^ _).
have -> : #|(fun i : 'I_M => i \notin S)| = #|~: S| by apply: eq_card => i; rewrite !inE.
by rewrite cardsCs setCK card_ord.
Qed.

Theorem card_layer_patterns_on M (S : {set 'I_M}) N k :
  #|[set f : {ffun 'I_N -> pattern M} | #|[set j | ~~ pd_on S (f j)]| == k]| =
  'C(N, k) * ((2 ^ M - 2 ^ (M - #|S|)) ^ k * (2 ^ (M - #|S|)) ^ (N - k)).
Proof.
have HA : #|[set s : pattern M | ~~ pd_on S s]| = 2 ^ M - 2 ^ (M - #|S|).
  rewrite cardsCs card_patterns -(card_pd_on S); congr (_ - _).
  by apply: eq_card => s; rewrite !inE negbK.
have HC : #|~: [set s : pattern M | ~~ pd_on S s]| = 2 ^ (M - #|S|).
  by rewrite -(card_pd_on S); apply: eq_card => s; rewrite !inE negbK.
rewrite -HA -HC -card_hits; apply: eq_card => f; rewrite !inE /hits.
by congr (_ == k); apply: eq_card => j; rewrite !inE.
Qed.

(* Dividing by the 2^(M N) sign matrices: with m = #|S| relevant signs,
   the count is C(N, k) (2^m - 1)^k 2^((M - m) N), i.e.
   P(k non-PD rows) = C(N, k) (1 - 2^-m)^k (2^-m)^(N - k). *)
Corollary card_layer_patterns_on_binomial M (S : {set 'I_M}) N k : (k <= N)%N ->
  #|[set f : {ffun 'I_N -> pattern M} | #|[set j | ~~ pd_on S (f j)]| == k]| =
  'C(N, k) * (2 ^ #|S| - 1) ^ k * 2 ^ ((M - #|S|) * N).
Proof.
move=> HkN; rewrite card_layer_patterns_on -mulnA; congr (_ * _).
have Hm : (#|S| <= M)%N by rewrite -[M in (_ <= M)%N](card_ord M); apply: max_card.
have -> : 2 ^ M = 2 ^ #|S| * 2 ^ (M - #|S|) by rewrite -expnD subnKC.
by rewrite -[X in _ - X]mul1n -mulnBl expnMn -mulnA -expnD subnKC // -expnM.
Qed.
