(* The count of ChainCount.v divided by the number of sign configurations
   is the chain's path probability (ChainLaw.restP): THM-CHAIN on the sign
   abstraction, layers 2..L given the first layer's non-PD set. *)
From mathcomp Require Import ssreflect ssrbool ssrnat eqtype binomial fintype finset.
From Coq Require Import QArith Lia Lqa ZArith.
From ReluTrainability Require Import Counting ChainCount ChainLaw ChainTheorems.

Open Scope Q_scope.

Arguments Qeq : simpl never.
Arguments Qplus : simpl never.
Arguments Qmult : simpl never.

Definition nQ (x : nat) : Q := inject_Z (Z.of_nat x).

Lemma nQ_add a b : nQ (addn a b) == nQ a + nQ b.
Proof. unfold nQ. rewrite -plusE Nat2Z.inj_add inject_Z_plus. reflexivity. Qed.

Lemma nQ_mul a b : nQ (muln a b) == nQ a * nQ b.
Proof. unfold nQ. rewrite -multE Nat2Z.inj_mul inject_Z_mult. reflexivity. Qed.

Lemma nQ_exp a b : nQ (expn a b) == qpow (nQ a) b.
Proof.
elim: b => [|b IH]; first by reflexivity.
rewrite expnS. setoid_rewrite nQ_mul. cbn [qpow]. setoid_rewrite IH. reflexivity.
Qed.

Lemma nQ_sub a b : leq b a -> nQ (subn a b) == nQ a - nQ b.
Proof.
move=> /leP H. unfold nQ. rewrite -minusE Nat2Z.inj_sub //; unfold Z.sub; rewrite inject_Z_plus inject_Z_opp. reflexivity.
Qed.

Lemma nQ_binom n k : nQ 'C(n, k) == inject_Z (binom n k).
Proof.
unfold nQ; suff -> : Z.of_nat 'C(n, k) = binom n k by reflexivity.
elim: n k => [|n IH] [|k] //=.
rewrite binS -plusE Nat2Z.inj_add !IH. lia.
Qed.

Lemma nQ_two : nQ 2 == 2.
Proof. reflexivity. Qed.

Lemma qpow_mulr a b n : qpow (a * b) n == qpow a n * qpow b n.
Proof. elim: n => [|n IH] /=; [ring|]. setoid_rewrite IH. ring. Qed.

Lemma qpow_one n : qpow 1 n == 1.
Proof. elim: n => [|n IH] /=; [reflexivity|]. setoid_rewrite IH. ring. Qed.

Lemma two_half m : qpow 2 m * qpow (1 # 2) m == 1.
Proof.
setoid_rewrite <- qpow_mulr. setoid_replace (2 * (1 # 2)) with 1 by reflexivity. apply qpow_one.
Qed.

Lemma step_Q (beta : bool) p0 p N k : leq p p0 ->
  nQ (step beta p0 p N k) == qpow 2 (muln (addn p0 beta) N) * kernel beta p N k.
Proof.
move=> Hp. rewrite /step.
case: p Hp => [|p] Hp /=.
  case: k => [|k] /=.
    setoid_rewrite nQ_mul. setoid_rewrite nQ_exp. setoid_rewrite nQ_two. rewrite /nQ /=. ring.
  setoid_rewrite nQ_mul. rewrite /nQ /=. ring.
case: (leqP k N) => HkN; last first.
  rewrite bin_small // /bpmf binom_gt; last by apply/ltP.
  rewrite /nQ /=. ring.
set m := addn p.+1 beta. set M := addn p0 beta.
have HmM : leq m M by rewrite /m /M leq_add2r.
repeat setoid_rewrite nQ_mul. setoid_rewrite nQ_binom.
repeat setoid_rewrite nQ_exp. setoid_rewrite nQ_sub; last by rewrite expn_gt0.
repeat setoid_rewrite nQ_exp. repeat setoid_rewrite nQ_two.
rewrite /bpmf /surv.
set h := qpow (1 # 2) m. set A := qpow 2 m.
have Hah : A * h == 1 by apply two_half.
have E0 : muln M N = addn (muln (subn M m) N) (addn (muln m k) (muln m (subn N k))).
  move/leP: HmM => HmM'. move/leP: HkN => HkN'.
  rewrite -!multE -!plusE -!minusE. nia.
rewrite E0. setoid_rewrite qpow_add. setoid_rewrite qpow_add.
setoid_rewrite <- (qpow_mul 2 m k). setoid_rewrite <- (qpow_mul 2 m (subn N k)).
fold A.
have Hn1 : nQ 1 == 1 by reflexivity.
setoid_rewrite Hn1. rewrite -!minusE.
have E1 : qpow A k * qpow (1 - h) k == qpow (A - 1) k.
  setoid_rewrite <- qpow_mulr. apply qpow_proper; last by [].
  have H : A * (1 - h) == A - A * h by ring.
  setoid_rewrite Hah in H. exact H.
have E2 : qpow A (N - k)%coq_nat * qpow (1 - (1 - h)) (N - k)%coq_nat == 1.
  setoid_rewrite <- qpow_mulr.
  have H : A * (1 - (1 - h)) == A * h by ring.
  setoid_rewrite H. setoid_rewrite Hah. apply qpow_one.
setoid_rewrite <- E1.
set X := qpow 2 _.
transitivity (X * (qpow A k * qpow (1 - h) k) *
              (qpow A (N - k)%coq_nat * qpow (1 - (1 - h)) (N - k)%coq_nat) * inject_Z (binom N k)).
  setoid_rewrite E2. ring.
ring.
Qed.

(* Number of signs in the layers 2..L: sum_l (N_{l-1} + beta) N_l; each
   layer's sign matrices number 2^((N_{l-1}+beta) N_l) (card_layer_all). *)
Fixpoint total (beta : bool) (p0 : nat) (ws : list nat) : nat :=
  match ws with
  | nil => 0%nat
  | cons N ws' => addn (muln (addn p0 beta) N) (total beta N ws')
  end.

Lemma kernel_big beta p N k : leq k N = false -> kernel beta p N k == 0.
Proof.
move=> H. have HkN : (N < k)%coq_nat by apply/ltP; rewrite ltnNge H.
case: p => [|p] /=.
  by case: k H HkN => [|k] //=.
rewrite /bpmf binom_gt //.
Qed.

Lemma closed_Q (beta : bool) ws : forall p0 p ks, leq p p0 ->
  nQ (closed beta p0 p ws ks) == qpow 2 (total beta p0 ws) * restP beta p ws ks.
Proof.
elim: ws => [|N ws IH] p0 p [|k ks] Hp /=.
- rewrite /nQ /=. ring.
- rewrite /nQ /=. ring.
- rewrite /nQ /=. ring.
- setoid_rewrite nQ_mul. setoid_rewrite step_Q; last exact: Hp.
  rewrite -plusE. setoid_rewrite qpow_add.
  case HkN: (leq k N).
    setoid_rewrite IH; last exact: HkN.
    ring.
  setoid_rewrite (kernel_big beta p N k HkN). ring.
Qed.

(* THM-CHAIN on the sign abstraction (layers 2..L): the fraction of sign
   configurations giving the counts ks = (k_2..k_L), given the first
   layer's non-PD set S (k_1 = #|S|), is the chain's path probability
   restP = prod_l P(K_l = k_l | K_{l-1} = k_{l-1}). *)
Theorem sign_configurations_law (beta : bool) p0 (S : {set 'I_p0}) ws ks :
  nQ (cnt beta S ws ks) == qpow 2 (total beta p0 ws) * restP beta #|S| ws ks.
Proof.
rewrite cnt_closed. apply: closed_Q.
by rewrite -[X in leq _ X]card_ord max_card.
Qed.
