(* Theorems of spec/20-exact-law.md on the chain of ChainLaw.v:
   the one-step laws sum to 1 (binomial theorem), 0 is absorbing,
   THM-BORN-DEAD-LAST and THM-MINIMAL-WIDTH. *)
From Coq Require Import QArith Qreduction List Lia Lqa Morphisms.
From ReluTrainability Require Import ChainLaw.
Import ListNotations.
Open Scope Q_scope.

Arguments Qeq : simpl never.
Arguments Qred : simpl never.
Arguments Qplus : simpl never.
Arguments Qmult : simpl never.

Lemma sumQ_plus {A} (f g : A -> Q) l :
  sumQ (map (fun x => f x + g x) l) == sumQ (map f l) + sumQ (map g l).
Proof. induction l as [|a l IH]; cbn [map sumQ fold_right]. - ring. - unfold sumQ in *; cbn; rewrite IH. ring. Qed.

Lemma sum_states_cons (f : nat -> Q) N :
  sumQ (map f (states N)) == f 0%nat + sumQ (map (fun j => f (S j)) (seq 0 N)).
Proof.
unfold states. cbn [seq map]. rewrite <- seq_shift, map_map. unfold sumQ. cbn [fold_right]. reflexivity.
Qed.

Lemma sum_states_snoc (f : nat -> Q) N :
  sumQ (map f (states N)) == sumQ (map f (seq 0 N)) + f N.
Proof.
unfold states. rewrite seq_S, map_app, sumQ_app. cbn. ring.
Qed.

Lemma binom_gt n k : (n < k)%nat -> binom n k = 0%Z.
Proof.
revert k; induction n as [|n IH]; intros [|k] H; cbn; try lia.
rewrite !IH by lia. reflexivity.
Qed.

Lemma binom_n0 n : binom n 0 = 1%Z.
Proof. destruct n; reflexivity. Qed.

Lemma binom_nn n : binom n n = 1%Z.
Proof. induction n as [|n IH]; cbn; [reflexivity|]. rewrite IH, binom_gt by lia. reflexivity. Qed.

(* The binomial theorem: sum_k C(N,k) s^k t^(N-k) = (s + t)^N. *)
Theorem binomial_theorem N s t :
  sumQ (map (fun k => inject_Z (binom N k) * qpow s k * qpow t (N - k)) (states N)) ==
  qpow (s + t) N.
Proof.
induction N as [|N IH].
- unfold states, sumQ. cbn. ring.
- rewrite sum_states_cons. cbn [binom qpow Nat.sub].
  rewrite (sumQ_ext _ (fun j => s * (inject_Z (binom N j) * qpow s j * qpow t (N - j)) +
                              inject_Z (binom N (S j)) * qpow s (S j) * qpow t (N - j)))
    by (intros; rewrite inject_Z_plus; cbn [qpow]; ring).
  assert (E : sumQ (map (fun j => s * (inject_Z (binom N j) * qpow s j * qpow t (N - j)))
                        (seq 0 (S N))) == s * qpow (s + t) N)
    by (rewrite sumQ_scale; exact (Qmult_comp _ _ (Qeq_refl s) _ _ IH)).
  assert (C : qpow t (S N) +
              sumQ (map (fun j => inject_Z (binom N (S j)) * qpow s (S j) * qpow t (N - j))
                        (states N)) == t * qpow (s + t) N).
  { rewrite <- IH, <- sumQ_scale.
    rewrite (sum_states_snoc (fun j => inject_Z (binom N (S j)) * qpow s (S j) * qpow t (N - j))).
    rewrite (sum_states_cons (fun k => t * (inject_Z (binom N k) * qpow s k * qpow t (N - k)))).
    rewrite (binom_gt N (S N)) by lia. rewrite binom_n0, Nat.sub_0_r.
    rewrite (sumQ_ext (fun j => inject_Z (binom N (S j)) * qpow s (S j) * qpow t (N - j))
                      (fun j => t * (inject_Z (binom N (S j)) * qpow s (S j) * qpow t (N - S j)))).
    - cbn [qpow]. ring.
    - intros j Hj. apply in_seq in Hj.
      replace (N - j)%nat with (S (N - S j)) by lia. cbn [qpow]. ring. }
  rewrite sumQ_plus. unfold states in C. cbn [qpow] in C |- *.
  rewrite E.
  assert (H1 : inject_Z 1 * 1 * (t * qpow t N) == t * qpow t N) by ring. rewrite H1.
  rewrite Qplus_assoc, (Qplus_comm (t * qpow t N) (s * _)), <- Qplus_assoc, C. ring.
Qed.

#[export] Instance qpow_proper : Proper (Qeq ==> eq ==> Qeq) qpow.
Proof.
intros x y H n m <-. induction n as [|n IH]; cbn [qpow]; [reflexivity|].
apply Qmult_comp; [exact H | exact IH].
Qed.

(* Every one-step law sums to 1. *)
Theorem bpmf_sum N s : sumQ (map (bpmf N s) (states N)) == 1.
Proof.
unfold bpmf. rewrite binomial_theorem.
setoid_replace (s + (1 - s)) with 1 by ring.
induction N as [|N IH]; cbn [qpow]; [reflexivity|]. rewrite IH. ring.
Qed.

Theorem kernel_sum beta p N : sumQ (map (kernel beta p N) (states N)) == 1.
Proof.
destruct p as [|p].
- rewrite sum_states_cons.
  transitivity (1 + sumQ (map (fun _ : nat => 0) (seq 0 N))).
  + apply Qplus_comp; [reflexivity | apply sumQ_ext; intros; reflexivity].
  + rewrite sumQ_zero. ring.
- apply bpmf_sum.
Qed.

Theorem first_sum q1 N : sumQ (map (first q1 N) (states N)) == 1.
Proof. apply bpmf_sum. Qed.

(* THM-BORN-DEAD-LAST, first part: 0 is absorbing. *)
Theorem zero_absorbing beta N k : (k <> 0)%nat -> kernel beta 0 N k == 0.
Proof. intros H. cbn. destruct k; [lia|reflexivity]. Qed.

(* ---------- THM-BORN-DEAD-LAST ---------- *)

(* The chain's definition of "born dead": some layer has K_l = 0. *)
Definition is_zero (k : nat) : bool := Nat.eqb k 0.
Definition born_dead_def q1 beta ws : Q :=
  sumQ (map (fun ks => if existsb is_zero ks then pathP q1 beta ws ks else 0) (paths ws)).

Lemma paths_length ws ks : In ks (paths ws) -> length ks = length ws.
Proof.
revert ks; induction ws as [|N ws IH]; intros ks H; cbn [paths] in H.
- destruct H as [<-|[]]. reflexivity.
- apply in_flat_map in H. destruct H as [k [_ H]]. apply in_map_iff in H.
  destruct H as [ks' [<- H]]. cbn. rewrite (IH ks' H). reflexivity.
Qed.

Lemma last_cons (k : nat) ks d : ks <> [] -> last (k :: ks) d = last ks d.
Proof. destruct ks; [contradiction|reflexivity]. Qed.

Lemma holds_ev_at_last l ks : length ks = S l -> holds (ev_at l 0) ks = is_zero (last ks 0%nat).
Proof.
revert ks; induction l as [|l IH]; intros ks H.
- destruct ks as [|k [|k' ks]]; cbn in H; try lia. cbn. apply andb_true_r.
- destruct ks as [|k ks]; cbn in H; [lia|].
  rewrite last_cons by (destruct ks; cbn in H; [lia|discriminate]).
  cbn [holds ev_at repeat app hdA tl]. rewrite <- IH by lia. reflexivity.
Qed.

Lemma restP_from_zero beta ws ks :
  ks <> [] -> last ks 0%nat <> 0%nat -> restP beta 0 ws ks == 0.
Proof.
revert ws; induction ks as [|k ks IH]; intros ws Hne Hl; [contradiction|].
destruct ws as [|N ws]; [reflexivity|]. cbn [restP].
destruct k as [|k].
- assert (ks <> []) by (intros ->; apply Hl; reflexivity).
  rewrite last_cons in Hl by assumption. rewrite IH by assumption. ring.
- rewrite zero_absorbing by lia. ring.
Qed.

Lemma restP_dead beta ws ks : forall p,
  existsb is_zero ks = true -> last ks 0%nat <> 0%nat -> restP beta p ws ks == 0.
Proof.
revert ws; induction ks as [|k ks IH]; intros ws p He Hl; [discriminate|].
destruct ws as [|N ws]; [reflexivity|]. cbn [restP].
destruct k as [|k].
- assert (ks <> []) by (intros ->; apply Hl; reflexivity).
  rewrite last_cons in Hl by assumption. rewrite restP_from_zero by assumption. ring.
- cbn in He. assert (ks <> []) by (intros ->; discriminate).
  rewrite last_cons in Hl by assumption. rewrite IH by assumption. ring.
Qed.

Lemma pathP_dead q1 beta ws ks :
  existsb is_zero ks = true -> last ks 0%nat <> 0%nat -> pathP q1 beta ws ks == 0.
Proof.
intros He Hl. destruct ws as [|N ws], ks as [|k ks]; try discriminate; try reflexivity.
cbn [pathP]. destruct k as [|k].
- assert (ks <> []) by (intros ->; apply Hl; reflexivity).
  rewrite last_cons in Hl by assumption. rewrite restP_from_zero by assumption. ring.
- cbn in He. assert (ks <> []) by (intros ->; discriminate).
  rewrite last_cons in Hl by assumption. rewrite restP_dead by assumption. ring.
Qed.

Lemma last_in (ks : list nat) d : ks <> [] -> In (last ks d) ks.
Proof.
induction ks as [|k ks IH]; intros H; [contradiction|].
destruct ks as [|k' ks]; [left; reflexivity|].
right. apply IH. discriminate.
Qed.

(* THM-BORN-DEAD-LAST: P(some K_l = 0) = P(K_last = 0), i.e. the chain's
   probability of being born dead is the computed born_dead. *)
Theorem born_dead_last q1 beta ws :
  ws <> [] -> born_dead q1 beta ws == born_dead_def q1 beta ws.
Proof.
intros Hws. unfold born_dead, marg. rewrite prob_correct. unfold prob_def, born_dead_def.
apply sumQ_ext. intros ks Hin. apply paths_length in Hin.
assert (Hks : ks <> []) by (intros ->; destruct ws; [contradiction|discriminate]).
rewrite holds_ev_at_last by (destruct ws; [contradiction|cbn in *; lia]).
destruct (is_zero (last ks 0%nat)) eqn:Hz.
- replace (existsb is_zero ks) with true; [reflexivity|].
  symmetry. apply existsb_exists. exists (last ks 0%nat). split; [apply last_in; exact Hks|exact Hz].
- destruct (existsb is_zero ks) eqn:He; [|reflexivity].
  rewrite pathP_dead by (try exact He; intros H; rewrite H in Hz; discriminate). reflexivity.
Qed.
