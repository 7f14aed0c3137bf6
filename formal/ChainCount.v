(* THM-CHAIN on the sign abstraction, all layers at once, by counting.
   Layer 1's non-PD set S_1 is given; for every later layer l the signs of
   its parameters form a sign matrix F_l (N_l rows of N_{l-1} + beta signs:
   weights, then the bias when beta = 1).  The non-PD set of layer l is
   empty when that of layer l-1 is (DEF-PD, first case), and otherwise the
   rows with a positive relevant sign (Counting.pd_on, SignLink).  cnt counts
   the sign configurations (F_2, ..., F_L) giving the counts (k_2, ..., k_L);
   cnt_closed computes it: the product over the layers of
   C(N_l, k_l) (2^(k_{l-1}+beta) - 1)^(k_l) 2^((N_{l-1} - k_{l-1}) N_l)
   (and [k_l = 0] 2^((N_{l-1}+beta) N_l) after an empty layer).  Dividing by
   the 2^(sum (N_{l-1}+beta) N_l) configurations gives the path probability
   of the chain: prod_l P(Binomial(N_l, 1 - 2^-(k_{l-1}+beta)) = k_l), with
   0 absorbing; the count depends on S_1 only through k_1 = #|S_1|. *)
From mathcomp Require Import all_ssreflect.
From ReluTrainability Require Import Counting.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Section ChainCount.
Variable beta : bool.

(* The relevant signs of a row given the non-PD set S of the previous layer:
   the weights from S, and the bias (index p0) when beta. *)
Definition relS p0 (S : {set 'I_p0}) : {set 'I_(p0 + beta)} :=
  [set i : 'I_(p0 + beta) | (p0 <= i) || [exists x in S, (x : nat) == i]].

Lemma card_relS p0 (S : {set 'I_p0}) : #|relS S| = #|S| + beta.
Proof.
have -> : relS S = [set i : 'I_(p0 + beta) | p0 <= i] :|:
                   [set i : 'I_(p0 + beta) | [exists x in S, (x : nat) == i]].
  by apply/setP => i; rewrite !inE.
rewrite cardsU.
have -> : [set i : 'I_(p0 + beta) | p0 <= i] :&: [set i : 'I_(p0 + beta) | [exists x in S, (x : nat) == i]] = set0.
  apply/setP => i; rewrite !inE; apply/negP => /andP [H /exists_inP [x _ /eqP Hx]].
  by move: (ltn_ord x); rewrite Hx ltnNge H.
rewrite cards0 subn0 addnC; congr (_ + _).
  have -> : [set i : 'I_(p0 + beta) | [exists x in S, (x : nat) == i]] =
            (fun x : 'I_p0 => widen_ord (leq_addr beta p0) x) @: S.
    apply/setP => i; rewrite inE; apply/exists_inP/imsetP => [[x Hx /eqP Hxi]|[x Hx ->]].
      by exists x => //; apply: val_inj.
    by exists x.
  by rewrite card_imset // => x y /(congr1 val) /= /val_inj.
case: beta => /=.
  have Hlt : p0 < p0 + true by rewrite addn1.
  transitivity #|[set Ordinal Hlt]|; last exact: cards1.
  apply: eq_card => i; rewrite !inE.
  have Hi : (i : nat) <= p0 by case: i => [i' Hi'] /=; move: Hi'; rewrite addn1 ltnS.
  by rewrite -val_eqE /= eqn_leq Hi.
transitivity #|(set0 : {set 'I_(p0 + false)})|; last exact: cards0.
apply: eq_card => i; rewrite !inE.
have Hi : (i : nat) < p0 by case: i => [i' Hi'] /=; move: Hi'; rewrite addn0.
by rewrite leqNgt Hi.
Qed.

Definition nonpd p0 (S : {set 'I_p0}) N (F : {ffun 'I_N -> pattern (p0 + beta)}) : {set 'I_N} :=
  if S == set0 then set0 else [set j | ~~ pd_on (relS S) (F j)].

Fixpoint cnt (p0 : nat) (S : {set 'I_p0}) (ws ks : seq nat) {struct ws} : nat :=
  match ws, ks with
  | N :: ws', k :: ks' =>
      \sum_(F : {ffun 'I_N -> pattern (p0 + beta)})
        (if #|nonpd S F| == k then cnt (nonpd S F) ws' ks' else 0)
  | [::], [::] => 1
  | _, _ => 0
  end.

Definition step (p0 p N k : nat) : nat :=
  if p == 0 then (k == 0) * 2 ^ ((p0 + beta) * N)
  else 'C(N, k) * (2 ^ (p + beta) - 1) ^ k * 2 ^ ((p0 + beta - (p + beta)) * N).

Fixpoint closed (p0 p : nat) (ws ks : seq nat) : nat :=
  match ws, ks with
  | N :: ws', k :: ks' => step p0 p N k * closed N k ws' ks'
  | [::], [::] => 1
  | _, _ => 0
  end.

Lemma card_set_const (T : finType) (b : bool) : #|[set _ : T | b]| = b * #|T|.
Proof.
case: b; rewrite ?mul1n ?mul0n.
  by rewrite -cardsT; apply: eq_card => x; rewrite !inE.
by apply/eqP; rewrite cards_eq0; apply/eqP/setP => x; rewrite !inE.
Qed.

Lemma card_step p0 (S : {set 'I_p0}) N k :
  #|[set F : {ffun 'I_N -> pattern (p0 + beta)} | #|nonpd S F| == k]| = step p0 #|S| N k.
Proof.
rewrite /step /nonpd cards_eq0; case: (S =P set0) => [_|HS] /=.
  by rewrite cards0 card_set_const card_layer_all eq_sym.
case: (leqP k N) => HkN.
  by rewrite -card_relS; apply: card_layer_patterns_on_binomial.
rewrite bin_small // !mul0n; apply/eqP; rewrite cards_eq0; apply/eqP/setP => F; rewrite !inE.
apply/negP => /eqP Hk; move: (max_card [set j | ~~ pd_on (relS S) (F j)]).
by rewrite card_ord Hk leqNgt HkN.
Qed.

Theorem cnt_closed ws : forall p0 (S : {set 'I_p0}) ks, cnt S ws ks = closed p0 #|S| ws ks.
Proof.
elim: ws => [|N ws IH] p0 S ks; case: ks => [|k ks] //=.
rewrite -big_mkcond /= (eq_bigr (fun _ => closed N k ws ks)); last first.
  by move=> F /eqP Hk; rewrite IH Hk.
rewrite sum_nat_const; congr (_ * _).
by rewrite -card_step; apply: eq_card => F; rewrite inE.
Qed.

End ChainCount.
