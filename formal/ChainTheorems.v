(* Theorems of spec/20-exact-law.md on the chain of ChainLaw.v:
   the one-step laws sum to 1 (binomial theorem), 0 is absorbing,
   THM-BORN-DEAD-LAST and THM-MINIMAL-WIDTH. *)
From Coq Require Import QArith Qreduction Qround List Lia Lqa Morphisms.
From ReluTrainability Require Import ChainLaw.
Import ListNotations.
Open Scope Q_scope.

Arguments Qeq : simpl never.
Arguments Qred : simpl never.
Arguments Qplus : simpl never.
Arguments Qmult : simpl never.
Arguments Qle : simpl never.
Arguments Qlt : simpl never.

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

(* ---------- THM-MINIMAL-WIDTH ---------- *)

Fixpoint rest_product (beta p : nat) (ws : list nat) : Q :=
  match ws with
  | [] => 1
  | N :: ws' => qpow (surv beta p) N * rest_product beta N ws'
  end.

(* (1 - q1)^N_1 prod_{l >= 2} (1 - 2^-(N_{l-1}+beta))^N_l *)
Definition min_product (q1 : Q) (beta : nat) (ws : list nat) : Q :=
  match ws with
  | [] => 1
  | N :: ws' => qpow (1 - q1) N * rest_product beta N ws'
  end.

Lemma sum_only_top (f : nat -> Q) N :
  sumQ (map (fun k => if Nat.leb N k then f k else 0) (states N)) == f N.
Proof.
rewrite sum_states_snoc. rewrite Nat.leb_refl.
transitivity (sumQ (map (fun _ : nat => 0) (seq 0 N)) + f N).
- apply Qplus_comp; [|reflexivity]. apply sumQ_ext. intros k Hk. apply in_seq in Hk.
  replace (Nat.leb N k) with false by (symmetry; apply Nat.leb_gt; lia). reflexivity.
- rewrite sumQ_zero. ring.
Qed.

Lemma bpmf_top N s : bpmf N s N == qpow s N.
Proof. unfold bpmf. rewrite binom_nn, Nat.sub_diag. cbn [qpow]. ring. Qed.

Lemma bwd_min beta ws : forall p, (0 < p)%nat -> Forall (fun N => (0 < N)%nat) ws ->
  bwd beta p ws (min_widths_event ws) == rest_product beta p ws.
Proof.
induction ws as [|N ws IH]; intros p Hp Hpos; [reflexivity|].
inversion Hpos as [|N' ws' HN Hws]; subst.
cbn [bwd rest_product min_widths_event map hdA tl]. rewrite Qred_correct.
rewrite (sum_only_top (fun k => kernel beta p N k * bwd beta k ws (min_widths_event ws))).
destruct p as [|p]; [lia|]. cbn [kernel]. rewrite bpmf_top, IH by assumption. reflexivity.
Qed.

(* THM-MINIMAL-WIDTH (equality): with n* = widths (all >= 1),
   T = (1 - q1)^N_1 prod_{l >= 2} (1 - 2^-(N_{l-1}+beta))^N_l. *)
Theorem minimal_width q1 beta ws : Forall (fun N => (0 < N)%nat) ws ->
  trainability q1 beta ws ws == min_product q1 beta ws.
Proof.
intros Hpos. unfold trainability, prob. destruct ws as [|N ws]; [reflexivity|].
inversion Hpos as [|N' ws' HN Hws]; subst.
cbn [min_product min_widths_event map hdA tl]. rewrite Qred_correct.
rewrite (sum_only_top (fun k => first q1 N k * bwd beta k ws (min_widths_event ws))).
unfold first. rewrite bpmf_top, bwd_min by assumption. reflexivity.
Qed.

Lemma qpow_bounds s n : 0 <= s <= 1 -> 0 <= qpow s n <= 1.
Proof.
intros Hs. induction n as [|n IH]; cbn [qpow]; [lra|]. nra.
Qed.

Lemma qpow_pos s n : 0 < s -> 0 < qpow s n.
Proof. intros Hs. induction n as [|n IH]; cbn [qpow]; [lra|]. nra. Qed.

Lemma qpow_lt1 s n : 0 <= s < 1 -> (0 < n)%nat -> qpow s n < 1.
Proof.
intros Hs Hn. destruct n as [|n]; [lia|]. cbn [qpow].
assert (H := qpow_bounds s n ltac:(lra)). nra.
Qed.

Lemma surv_bounds beta p : 0 <= surv beta p < 1.
Proof.
unfold surv. assert (H1 := qpow_bounds (1 # 2) (p + beta) ltac:(lra)).
assert (H2 := qpow_pos (1 # 2) (p + beta) ltac:(lra)). lra.
Qed.

Lemma rest_product_bounds beta p ws : 0 <= rest_product beta p ws <= 1.
Proof.
revert p; induction ws as [|N ws IH]; intros p; cbn [rest_product]; [lra|].
assert (H1 := qpow_bounds (surv beta p) N ltac:(pose proof (surv_bounds beta p); lra)).
assert (H2 := IH N). nra.
Qed.

Lemma rest_product_lt1 beta p ws : ws <> [] -> Forall (fun N => (0 < N)%nat) ws ->
  rest_product beta p ws < 1.
Proof.
intros Hne Hpos. destruct ws as [|N ws]; [contradiction|].
inversion Hpos as [|N' ws' HN Hws]; subst. cbn [rest_product].
assert (H1 := qpow_lt1 (surv beta p) N (surv_bounds beta p) HN).
assert (H2 := qpow_bounds (surv beta p) N ltac:(pose proof (surv_bounds beta p); lra)).
assert (H3 := rest_product_bounds beta N ws). nra.
Qed.

(* THM-MINIMAL-WIDTH (strict part): T < 1 when q1 > 0 or there are at least
   two hidden layers (widths >= 1, q1 in [0, 1]). *)
Theorem minimal_width_lt1 q1 beta ws : 0 <= q1 <= 1 -> Forall (fun N => (0 < N)%nat) ws ->
  ((0 < q1 /\ ws <> []) \/ (2 <= length ws)%nat) -> trainability q1 beta ws ws < 1.
Proof.
intros Hq Hpos Hcase. rewrite minimal_width by exact Hpos.
destruct ws as [|N ws]; [destruct Hcase as [[_ H]|H]; [contradiction|cbn in H; lia]|].
inversion Hpos as [|N' ws' HN Hws]; subst. cbn [min_product].
assert (A := qpow_bounds (1 - q1) N ltac:(lra)).
assert (B := rest_product_bounds beta N ws).
destruct Hcase as [[Hq1 _]|Hlen].
- assert (C := qpow_lt1 (1 - q1) N ltac:(lra) HN). nra.
- assert (C := rest_product_lt1 beta N ws ltac:(destruct ws; [cbn in Hlen; lia|discriminate]) Hws). nra.
Qed.

(* ---------- Nonnegativity, monotonicity in the event ---------- *)

Lemma binom_nonneg n k : (0 <= binom n k)%Z.
Proof.
revert k; induction n as [|n IH]; intros [|k]; cbn; try lia.
specialize (IH k) as H1. specialize (IH (S k)) as H2. lia.
Qed.

Lemma bpmf_nonneg N s k : 0 <= s <= 1 -> 0 <= bpmf N s k.
Proof.
intros Hs. unfold bpmf.
assert (H0 : 0 <= inject_Z (binom N k)) by (change (inject_Z 0 <= inject_Z (binom N k)); rewrite <- Zle_Qle; apply binom_nonneg).
assert (H1 := qpow_bounds s k Hs). assert (H2 := qpow_bounds (1 - s) (N - k) ltac:(lra)).
apply Qmult_le_0_compat; [apply Qmult_le_0_compat|]; lra.
Qed.

Lemma kernel_nonneg beta p N k : 0 <= kernel beta p N k.
Proof.
destruct p as [|p]; cbn [kernel].
- destruct (Nat.eqb k 0); lra.
- apply bpmf_nonneg. pose proof (surv_bounds beta (S p)). lra.
Qed.

Lemma first_nonneg q1 N k : 0 <= q1 <= 1 -> 0 <= first q1 N k.
Proof. intros H. apply bpmf_nonneg. lra. Qed.

Lemma restP_nonneg beta ws : forall p ks, 0 <= restP beta p ws ks.
Proof.
induction ws as [|N ws IH]; intros p [|k ks]; cbn [restP]; try lra.
apply Qmult_le_0_compat; [apply kernel_nonneg | apply IH].
Qed.

Lemma pathP_nonneg q1 beta ws ks : 0 <= q1 <= 1 -> 0 <= pathP q1 beta ws ks.
Proof.
intros Hq. destruct ws as [|N ws], ks as [|k ks]; cbn [pathP]; try lra.
apply Qmult_le_0_compat; [apply first_nonneg; exact Hq | apply restP_nonneg].
Qed.

Lemma sumQ_le {A} (f g : A -> Q) l :
  (forall x, In x l -> f x <= g x) -> sumQ (map f l) <= sumQ (map g l).
Proof.
induction l as [|a l IH]; intros H; unfold sumQ in *; cbn [map fold_right]; [lra|].
assert (Ha := H a (or_introl eq_refl)). assert (Hl := IH (fun x Hx => H x (or_intror Hx))). lra.
Qed.

(* A larger product event has a larger probability. *)
Theorem prob_def_mono q1 beta ws As Bs : 0 <= q1 <= 1 ->
  (forall ks, In ks (paths ws) -> holds As ks = true -> holds Bs ks = true) ->
  prob_def q1 beta ws As <= prob_def q1 beta ws Bs.
Proof.
intros Hq H. unfold prob_def. apply sumQ_le. intros ks Hin.
assert (P := pathP_nonneg q1 beta ws ks Hq).
destruct (holds As ks) eqn:HA.
- rewrite (H ks Hin HA). lra.
- destruct (holds Bs ks); lra.
Qed.

Lemma holds_nil ks : holds [] ks = true.
Proof. induction ks as [|k ks IH]; cbn; [reflexivity|exact IH]. Qed.

Lemma holds_min_widths_mono ns ns' : Forall2 le ns ns' ->
  forall ks, holds (min_widths_event ns') ks = true -> holds (min_widths_event ns) ks = true.
Proof.
induction 1 as [|n n' ns ns' Hn Hrest IH]; intros ks H.
- apply holds_nil.
- destruct ks as [|k ks]; [reflexivity|]. cbn [holds min_widths_event map hdA tl] in H |- *.
  apply andb_prop in H. destruct H as [H1 H2]. apply andb_true_intro. split.
  + apply Nat.leb_le. apply Nat.leb_le in H1. lia.
  + apply IH. exact H2.
Qed.

(* THM-MONOTONE (in n-star): trainability is non-increasing in every n*_l. *)
Theorem trainability_antitone_min_widths q1 beta ws ns ns' : 0 <= q1 <= 1 ->
  Forall2 le ns ns' -> trainability q1 beta ws ns' <= trainability q1 beta ws ns.
Proof.
intros Hq H. unfold trainability. rewrite !prob_correct.
apply prob_def_mono; [exact Hq|]. intros ks _. apply holds_min_widths_mono. exact H.
Qed.

(* ---------- Appending a layer: marginalizing the last layer ---------- *)

Lemma sumQ_single (x : Q) : sumQ [x] == x.
Proof. unfold sumQ; cbn. ring. Qed.

Lemma marg_restP beta N : forall ws p (g : list nat -> Q),
  sumQ (map (fun ks => g (firstn (length ws) ks) * restP beta p (ws ++ [N]) ks) (paths (ws ++ [N]))) ==
  sumQ (map (fun ks => g ks * restP beta p ws ks) (paths ws)).
Proof.
induction ws as [|M ws IH]; intros p g.
- cbn [app paths length firstn]. rewrite sumQ_flat_map.
  transitivity (sumQ (map (fun k => g [] * kernel beta p N k) (states N))).
  + apply sumQ_ext. intros k _. cbn [map restP]. rewrite sumQ_single. ring.
  + rewrite sumQ_scale, kernel_sum. unfold sumQ; cbn [map fold_right restP]. ring.
- cbn [app paths length]. rewrite !sumQ_flat_map. apply sumQ_ext. intros k _.
  rewrite !map_map. cbn [firstn restP].
  transitivity (kernel beta p M k *
    sumQ (map (fun ks => g (k :: firstn (length ws) ks) * restP beta k (ws ++ [N]) ks) (paths (ws ++ [N])))).
  + rewrite <- sumQ_scale. apply sumQ_ext. intros; ring.
  + rewrite (IH k (fun ks => g (k :: ks))). rewrite <- sumQ_scale. apply sumQ_ext. intros; ring.
Qed.

Lemma marg_pathP q1 beta N ws (g : list nat -> Q) :
  sumQ (map (fun ks => g (firstn (length ws) ks) * pathP q1 beta (ws ++ [N]) ks) (paths (ws ++ [N]))) ==
  sumQ (map (fun ks => g ks * pathP q1 beta ws ks) (paths ws)).
Proof.
destruct ws as [|M ws].
- cbn [app paths length firstn]. rewrite sumQ_flat_map.
  transitivity (sumQ (map (fun k => g [] * first q1 N k) (states N))).
  + apply sumQ_ext. intros k _. cbn [map pathP restP]. rewrite sumQ_single. ring.
  + rewrite sumQ_scale, first_sum. unfold sumQ; cbn [map fold_right pathP]. ring.
- cbn [app paths length]. rewrite !sumQ_flat_map. apply sumQ_ext. intros k _.
  rewrite !map_map. cbn [firstn pathP].
  transitivity (first q1 M k *
    sumQ (map (fun ks => g (k :: firstn (length ws) ks) * restP beta k (ws ++ [N]) ks) (paths (ws ++ [N])))).
  + rewrite <- sumQ_scale. apply sumQ_ext. intros; ring.
  + rewrite (marg_restP beta N ws k (fun ks => g (k :: ks))). rewrite <- sumQ_scale.
    apply sumQ_ext. intros; ring.
Qed.

Definition ind (b : bool) : Q := if b then 1 else 0.

Lemma if_ind (b : bool) x : (if b then x else 0) == ind b * x.
Proof. destruct b; unfold ind; ring. Qed.

Lemma firstn_In_helper (n : nat) (l : list nat) x : In x (firstn n l) -> In x l.
Proof.
revert l; induction n as [|n IH]; intros [|a l] H; cbn in H; try contradiction.
destruct H as [<-|H]; [left; reflexivity | right; exact (IH l H)].
Qed.

(* THM-MONOTONE (depth): appending a hidden layer does not increase
   trainability (n-star extended by one entry, ns as long as ws). *)
Theorem trainability_append_layer q1 beta ws ns N n : 0 <= q1 <= 1 ->
  length ns = length ws ->
  trainability q1 beta (ws ++ [N]) (ns ++ [n]) <= trainability q1 beta ws ns.
Proof.
intros Hq Hlen. unfold trainability. rewrite !prob_correct. unfold prob_def.
rewrite (sumQ_ext (fun ks => if holds (min_widths_event ns) ks then pathP q1 beta ws ks else 0)
                  (fun ks => ind (holds (min_widths_event ns) ks) * pathP q1 beta ws ks))
  by (intros; apply if_ind).
rewrite <- (marg_pathP q1 beta N ws (fun ks => ind (holds (min_widths_event ns) ks))).
apply sumQ_le. intros ks Hin. rewrite if_ind.
assert (P := pathP_nonneg q1 beta (ws ++ [N]) ks Hq).
apply Qmult_le_compat_r; [|exact P].
assert (Hl : length ks = S (length ws))
  by (apply paths_length in Hin; rewrite app_length in Hin; cbn in Hin; lia).
clear Hin P. unfold min_widths_event. rewrite map_app.
revert ns ws Hlen Hl; induction ks as [|k ks IH]; intros ns ws Hlen Hl; [cbn in Hl; lia|].
destruct ns as [|n0 ns], ws as [|w ws]; cbn in Hlen, Hl; try lia.
- destruct ks; [|cbn in Hl; lia]. cbn. destruct (Nat.leb n k); cbn [andb ind]; lra.
- cbn [app map holds hdA tl firstn length].
  specialize (IH ns ws ltac:(lia) ltac:(lia)).
  destruct (Nat.leb n0 k); cbn [andb]; [exact IH|cbn [andb ind]; lra].
Qed.

(* THM-BORN-DEAD-LAST (depth): P(born dead) is non-decreasing in depth. *)
Theorem born_dead_deeper q1 beta ws N : 0 <= q1 <= 1 ->
  born_dead_def q1 beta ws <= born_dead_def q1 beta (ws ++ [N]).
Proof.
intros Hq. unfold born_dead_def.
rewrite (sumQ_ext (fun ks => if existsb is_zero ks then pathP q1 beta ws ks else 0)
                  (fun ks => ind (existsb is_zero ks) * pathP q1 beta ws ks))
  by (intros; apply if_ind).
rewrite <- (marg_pathP q1 beta N ws (fun ks => ind (existsb is_zero ks))).
apply sumQ_le. intros ks _. rewrite if_ind.
assert (P := pathP_nonneg q1 beta (ws ++ [N]) ks Hq).
apply Qmult_le_compat_r; [|exact P].
assert (H : existsb is_zero (firstn (length ws) ks) = true -> existsb is_zero ks = true).
{ rewrite !existsb_exists. intros [x [Hx Hz]]. exists x. split; [|exact Hz].
  exact (firstn_In_helper _ _ _ Hx). }
destruct (existsb is_zero (firstn (length ws) ks)); [rewrite H by reflexivity|];
  destruct (existsb is_zero ks); cbn [andb ind]; lra.
Qed.

(* ---------- Total mass, complement, THM-DEPTH-DEATH ---------- *)

Lemma bwd_true beta ws : forall p, bwd beta p ws [] == 1.
Proof.
induction ws as [|N ws IH]; intros p; cbn [bwd]; [reflexivity|]. rewrite Qred_correct.
cbn [hdA tl]. rewrite (sumQ_ext _ (kernel beta p N)) by (intros k _; rewrite IH; ring).
apply kernel_sum.
Qed.

Theorem prob_def_total q1 beta ws : prob_def q1 beta ws [] == 1.
Proof.
rewrite <- prob_correct. unfold prob. destruct ws as [|N ws]; [reflexivity|].
rewrite Qred_correct. cbn [hdA tl].
rewrite (sumQ_ext _ (first q1 N)) by (intros k _; rewrite bwd_true; ring).
apply first_sum.
Qed.

Lemma map_repeat' {A B} (f : A -> B) x n : map f (repeat x n) = repeat (f x) n.
Proof. induction n as [|n IH]; cbn; [reflexivity|]. rewrite IH. reflexivity. Qed.

Definition nonzero_event (D : nat) : list (nat -> bool) := repeat (fun k => Nat.leb 1 k) D.

Lemma min_widths_ones D : min_widths_event (repeat 1%nat D) = nonzero_event D.
Proof. unfold min_widths_event, nonzero_event. apply map_repeat'. Qed.

Lemma holds_nonzero ks : holds (nonzero_event (length ks)) ks = negb (existsb is_zero ks).
Proof.
induction ks as [|k ks IH]; [reflexivity|]. cbn [length nonzero_event repeat holds hdA tl existsb].
fold (nonzero_event (length ks)). rewrite IH. destruct k; reflexivity.
Qed.

(* DEF-TRAINABILITY: 1 - T(1, ..., 1) = P(born dead). *)
Theorem trainability_ones_born_dead q1 beta ws :
  trainability q1 beta ws (repeat 1%nat (length ws)) + born_dead_def q1 beta ws == 1.
Proof.
unfold trainability. rewrite prob_correct, min_widths_ones. unfold prob_def, born_dead_def.
rewrite <- sumQ_plus, <- (prob_def_total q1 beta ws). unfold prob_def. apply sumQ_ext.
intros ks Hin. apply paths_length in Hin. rewrite <- Hin, holds_nonzero, holds_nil.
destruct (existsb is_zero ks); cbn [negb]; ring.
Qed.

Lemma qpow_add h a c : qpow h (a + c) == qpow h a * qpow h c.
Proof. induction a as [|a IH]; cbn [qpow Nat.add]; [ring|]. rewrite IH. ring. Qed.

Lemma qpow_mul h a b : qpow (qpow h a) b == qpow h (a * b).
Proof.
induction b as [|b IH]; cbn [qpow]; [rewrite Nat.mul_0_r; reflexivity|].
rewrite IH. replace (a * S b)%nat with (a + a * b)%nat by lia.
rewrite qpow_add. reflexivity.
Qed.

Lemma qpow_antitone h a b : 0 <= h <= 1 -> (a <= b)%nat -> qpow h b <= qpow h a.
Proof.
intros Hh Hab. induction Hab as [|b Hab IH]; [lra|]. cbn [qpow].
assert (H := qpow_bounds h b Hh). nra.
Qed.

Definition delta (beta N : nat) : Q := qpow (1 # 2) ((N + beta) * N).

Lemma kernel_dies beta p N : (1 <= p <= N)%nat -> delta beta N <= kernel beta p N 0.
Proof.
intros Hp. destruct p as [|p]; [lia|]. cbn [kernel]. unfold bpmf, surv, delta.
rewrite binom_n0, Nat.sub_0_r. cbn [qpow].
setoid_replace (1 - (1 - qpow (1 # 2) (S p + beta))) with (qpow (1 # 2) (S p + beta)) by ring.
rewrite qpow_mul.
assert (H := qpow_antitone (1 # 2) ((S p + beta) * N) ((N + beta) * N) ltac:(lra) ltac:(nia)).
setoid_replace (inject_Z 1 * 1 * qpow (1 # 2) ((S p + beta) * N)) with (qpow (1 # 2) ((S p + beta) * N))
  by (unfold inject_Z; ring).
exact H.
Qed.

Lemma sum_nonzero_kernel beta p N :
  sumQ (map (fun k => if Nat.leb 1 k then kernel beta p N k else 0) (states N)) ==
  1 - kernel beta p N 0.
Proof.
rewrite <- (kernel_sum beta p N).
rewrite (sum_states_cons (fun k => if Nat.leb 1 k then kernel beta p N k else 0)).
rewrite (sum_states_cons (kernel beta p N)). cbn [Nat.leb]. ring.
Qed.

Lemma delta_bounds beta N : 0 <= delta beta N <= 1.
Proof. apply qpow_bounds. lra. Qed.

Lemma bwd_survival beta N D : forall p, (1 <= p <= N)%nat ->
  bwd beta p (repeat N D) (nonzero_event D) <= qpow (1 - delta beta N) D.
Proof.
assert (Hd := delta_bounds beta N).
induction D as [|D IH]; intros p Hp; cbn [bwd repeat nonzero_event qpow]; [lra|].
rewrite Qred_correct. cbn [hdA tl]. fold (nonzero_event D).
apply Qle_trans with (qpow (1 - delta beta N) D *
  sumQ (map (fun k => if Nat.leb 1 k then kernel beta p N k else 0) (states N))).
- rewrite <- sumQ_scale. apply sumQ_le. intros k Hk. unfold states in Hk. apply in_seq in Hk.
  destruct (Nat.leb 1 k) eqn:E; [|lra]. apply Nat.leb_le in E.
  assert (H1 := IH k ltac:(lia)). assert (H2 := kernel_nonneg beta p N k). nra.
- rewrite sum_nonzero_kernel. assert (H1 := kernel_dies beta p N Hp).
  assert (H2 := qpow_bounds (1 - delta beta N) D ltac:(lra)). nra.
Qed.

(* THM-DEPTH-DEATH: for uniform width N and D+1 hidden layers,
   1 - P(born dead) <= (1 - 2^-((N+beta) N))^D. *)
Theorem depth_death q1 beta N D : 0 <= q1 <= 1 ->
  1 - born_dead_def q1 beta (repeat N (S D)) <= qpow (1 - delta beta N) D.
Proof.
intros Hq. assert (Hd := delta_bounds beta N).
assert (E := trainability_ones_born_dead q1 beta (repeat N (S D))).
rewrite repeat_length in E.
apply Qle_trans with (trainability q1 beta (repeat N (S D)) (repeat 1%nat (S D))); [lra|].
unfold trainability. rewrite min_widths_ones. unfold prob. cbn [repeat nonzero_event].
rewrite Qred_correct. cbn [hdA tl]. fold (nonzero_event D).
apply Qle_trans with (qpow (1 - delta beta N) D * sumQ (map (first q1 N) (states N))).
- rewrite <- sumQ_scale. apply sumQ_le. intros k Hk. unfold states in Hk. apply in_seq in Hk.
  destruct (Nat.leb 1 k) eqn:E1.
  + apply Nat.leb_le in E1. assert (H1 := bwd_survival beta N D k ltac:(lia)).
    assert (H2 := first_nonneg q1 N k Hq). nra.
  + assert (H1 := first_nonneg q1 N k Hq).
    assert (H2 := qpow_bounds (1 - delta beta N) D ltac:(lra)). nra.
- rewrite first_sum. lra.
Qed.

(* ---------- Binomial expectations: Pascal recursion, monotonicity ---------- *)

Definition Ebin (N : nat) (s : Q) (h : nat -> Q) : Q :=
  sumQ (map (fun k => bpmf N s k * h k) (states N)).

Lemma bpmf_0 N s : bpmf N s 0 == qpow (1 - s) N.
Proof. unfold bpmf. rewrite binom_n0, Nat.sub_0_r. cbn [qpow]. unfold inject_Z. ring. Qed.

Lemma Ebin_S N s h :
  Ebin (S N) s h == (1 - s) * Ebin N s h + s * Ebin N s (fun k => h (S k)).
Proof.
unfold Ebin.
rewrite (sum_states_cons (fun k => bpmf (S N) s k * h k)).
rewrite (sum_states_cons (fun k => bpmf N s k * h k)).
rewrite (sumQ_ext (fun j => bpmf (S N) s (S j) * h (S j))
           (fun j => s * (bpmf N s j * h (S j)) +
                     inject_Z (binom N (S j)) * qpow s (S j) * qpow (1 - s) (N - j) * h (S j)))
  by (intros; unfold bpmf; cbn [binom qpow Nat.sub]; rewrite inject_Z_plus; ring).
rewrite sumQ_plus, sumQ_scale. fold (states N).
rewrite (sum_states_snoc (fun j => inject_Z (binom N (S j)) * qpow s (S j) * qpow (1 - s) (N - j) * h (S j))).
rewrite (binom_gt N (S N)) by lia.
rewrite (sumQ_ext (fun j => inject_Z (binom N (S j)) * qpow s (S j) * qpow (1 - s) (N - j) * h (S j))
           (fun j => (1 - s) * (bpmf N s (S j) * h (S j)))).
2: { intros j Hj. apply in_seq in Hj. unfold bpmf.
     replace (N - j)%nat with (S (N - S j)) by lia. cbn [qpow]. ring. }
rewrite sumQ_scale. rewrite !bpmf_0. cbn [qpow]. unfold states. unfold inject_Z. ring.
Qed.

Lemma Ebin_0 s h : Ebin 0 s h == h 0%nat.
Proof. unfold Ebin, states, sumQ, bpmf. cbn. ring. Qed.

Lemma Ebin_ext N s h h' : (forall k, (k <= N)%nat -> h k == h' k) -> Ebin N s h == Ebin N s h'.
Proof.
intros H. unfold Ebin. apply sumQ_ext. intros k Hk. unfold states in Hk. apply in_seq in Hk.
rewrite H by lia. reflexivity.
Qed.

Lemma Ebin_mono_h N s h h' : 0 <= s <= 1 -> (forall k, (k <= N)%nat -> h k <= h' k) ->
  Ebin N s h <= Ebin N s h'.
Proof.
intros Hs H. unfold Ebin. apply sumQ_le. intros k Hk. unfold states in Hk. apply in_seq in Hk.
assert (B := bpmf_nonneg N s k Hs). assert (H1 := H k ltac:(lia)). nra.
Qed.

Lemma Ebin_const N s c : Ebin N s (fun _ => c) == c.
Proof.
unfold Ebin. rewrite (sumQ_ext _ (fun k => c * bpmf N s k)) by (intros; ring).
rewrite sumQ_scale, bpmf_sum. ring.
Qed.

Definition nondecr (h : nat -> Q) : Prop := forall k, h k <= h (S k).

Lemma nondecr_le h a b : nondecr h -> (a <= b)%nat -> h a <= h b.
Proof. intros H Hab. induction Hab as [|b Hab IH]; [lra|]. specialize (H b). lra. Qed.

(* Stochastic monotonicity of the binomial in s. *)
Lemma Ebin_mono_s N : forall s s' h, 0 <= s -> s <= s' -> s' <= 1 -> nondecr h ->
  Ebin N s h <= Ebin N s' h.
Proof.
induction N as [|N IH]; intros s s' h H0 H1 H2 Hh.
- rewrite !Ebin_0. lra.
- rewrite !Ebin_S.
  assert (Hh' : nondecr (fun k => h (S k))) by (intros k; apply Hh).
  assert (A := IH s s' h H0 H1 H2 Hh). assert (B := IH s s' _ H0 H1 H2 Hh').
  assert (C : Ebin N s h <= Ebin N s (fun k => h (S k)))
    by (apply Ebin_mono_h; [lra|intros; apply Hh]).
  nra.
Qed.

(* ... and in N. *)
Lemma Ebin_mono_N N s h : 0 <= s <= 1 -> nondecr h -> Ebin N s h <= Ebin (S N) s h.
Proof.
intros Hs Hh. rewrite Ebin_S.
assert (C : Ebin N s h <= Ebin N s (fun k => h (S k)))
  by (apply Ebin_mono_h; [lra|intros; apply Hh]).
nra.
Qed.

Lemma Ebin_mono_N' N N' s h : 0 <= s <= 1 -> nondecr h -> (N <= N')%nat ->
  Ebin N s h <= Ebin N' s h.
Proof.
intros Hs Hh HN. induction HN as [|N' HN IH]; [lra|].
assert (H := Ebin_mono_N N' s h Hs Hh). lra.
Qed.

Lemma Ebin_nondecr N s h : 0 <= s <= 1 -> nondecr h -> nondecr (fun k => Ebin N s (fun j => h (k + j)%nat)).
Proof.
intros Hs Hh k. apply Ebin_mono_h; [exact Hs|]. intros j _. cbn. apply Hh.
Qed.

(* ---------- THM-MONOTONE in the widths ---------- *)

Definition G (beta p : nat) (ws ns : list nat) : Q := bwd beta p ws (min_widths_event ns).

Lemma tl_min_widths ns : tl (min_widths_event ns) = min_widths_event (tl ns).
Proof. destruct ns; reflexivity. Qed.

Lemma hdA_upset ns k k' : (k <= k')%nat -> hdA (min_widths_event ns) k = true ->
  hdA (min_widths_event ns) k' = true.
Proof.
destruct ns as [|n ns]; cbn; [reflexivity|]. intros Hk H.
apply Nat.leb_le in H. apply Nat.leb_le. lia.
Qed.

Lemma ind_bounds b : 0 <= ind b <= 1.
Proof. destruct b; cbn [ind]; lra. Qed.

Lemma ind_upset ns : nondecr (fun k => ind (hdA (min_widths_event ns) k)).
Proof.
intros k. destruct (hdA (min_widths_event ns) k) eqn:E.
- rewrite (hdA_upset ns k (S k)) by (lia || exact E). cbn [ind]. lra.
- pose proof (ind_bounds (hdA (min_widths_event ns) (S k))). cbn [ind]. lra.
Qed.

Lemma bwd_nonneg beta ws : forall p As, 0 <= bwd beta p ws As.
Proof.
induction ws as [|N ws IH]; intros p As; cbn [bwd]; [lra|]. rewrite Qred_correct.
apply Qle_trans with (sumQ (map (fun _ : nat => 0) (states N))); [rewrite sumQ_zero; lra|].
apply sumQ_le. intros k _. destruct (hdA As k); [|lra].
assert (H1 := kernel_nonneg beta p N k). assert (H2 := IH k (tl As)). nra.
Qed.

Lemma bwd_E beta p N ws As :
  bwd beta (S p) (N :: ws) As ==
  Ebin N (surv beta (S p)) (fun k => ind (hdA As k) * bwd beta k ws (tl As)).
Proof.
cbn [bwd]. rewrite Qred_correct. unfold Ebin. apply sumQ_ext. intros k _.
rewrite if_ind. cbn [kernel]. ring.
Qed.

Lemma bwd_0 beta N ws As :
  bwd beta 0 (N :: ws) As == ind (hdA As 0%nat) * bwd beta 0 ws (tl As).
Proof.
cbn [bwd]. rewrite Qred_correct.
rewrite (sum_states_cons (fun k => if hdA As k then kernel beta 0 N k * bwd beta k ws (tl As) else 0)).
rewrite (sumQ_ext _ (fun _ => 0)) by (intros j _; destruct (hdA As (S j)); cbn [kernel Nat.eqb]; ring).
rewrite sumQ_zero, if_ind. cbn [kernel Nat.eqb]. ring.
Qed.

Lemma surv_mono beta p : surv beta p <= surv beta (S p).
Proof.
unfold surv. assert (H := qpow_antitone (1 # 2) (p + beta) (S p + beta) ltac:(lra) ltac:(lia)). lra.
Qed.

Lemma surv_bounds_le beta p : 0 <= surv beta p <= 1.
Proof. pose proof (surv_bounds beta p). lra. Qed.

Lemma prod_nondecr (f g : nat -> Q) : nondecr f -> nondecr g ->
  (forall k, 0 <= f k) -> (forall k, 0 <= g k) -> nondecr (fun k => f k * g k).
Proof.
intros Hf Hg Hf0 Hg0 k. specialize (Hf k). specialize (Hg k).
specialize (Hf0 k). specialize (Hg0 k). nra.
Qed.

Lemma G_props beta ws : forall ws' ns, Forall2 le ws ws' ->
  nondecr (fun p => G beta p ws ns) /\ nondecr (fun p => G beta p ws' ns) /\
  forall p, G beta p ws ns <= G beta p ws' ns.
Proof.
unfold G. induction ws as [|N ws IH]; intros ws' ns H2; inversion H2 as [|N0 N' ws0 ws0' HN Hws]; subst.
- cbn [bwd]. split; [intros k; lra|]. split; [intros k; lra|]. intros; lra.
- destruct (IH ws0' (tl ns) Hws) as [Ha [Hb Hc]].
  set (h := fun k => ind (hdA (min_widths_event ns) k) * bwd beta k ws (min_widths_event (tl ns))).
  set (h' := fun k => ind (hdA (min_widths_event ns) k) * bwd beta k ws0' (min_widths_event (tl ns))).
  assert (Hh : nondecr h) by (apply prod_nondecr; [apply ind_upset | exact Ha |
                               intros; apply ind_bounds | intros; apply bwd_nonneg]).
  assert (Hh' : nondecr h') by (apply prod_nondecr; [apply ind_upset | exact Hb |
                               intros; apply ind_bounds | intros; apply bwd_nonneg]).
  assert (Hhh : forall k, h k <= h' k).
  { intros k. unfold h, h'. pose proof (ind_bounds (hdA (min_widths_event ns) k)).
    specialize (Hc k). nra. }
  assert (Step : forall M (g : nat -> Q) ws1, nondecr g ->
            (forall k, bwd beta (S k) (M :: ws1) (min_widths_event ns) ==
                       Ebin M (surv beta (S k)) g) ->
            bwd beta 0 (M :: ws1) (min_widths_event ns) == g 0%nat ->
            nondecr (fun p => bwd beta p (M :: ws1) (min_widths_event ns))).
  { intros M g ws1 Hg HS H0 p. destruct p as [|p].
    - rewrite H0, HS. rewrite <- (Ebin_const M (surv beta 1) (g 0%nat)) at 1.
      apply Ebin_mono_h; [apply surv_bounds_le|]. intros k _. apply nondecr_le; [exact Hg|lia].
    - rewrite !HS. apply Ebin_mono_s; try apply surv_bounds_le; [apply surv_mono|exact Hg]. }
  split; [|split].
  + apply (Step N h ws Hh).
    * intros k. rewrite bwd_E. rewrite tl_min_widths. reflexivity.
    * rewrite bwd_0, tl_min_widths. reflexivity.
  + apply (Step N' h' ws0' Hh').
    * intros k. rewrite bwd_E. rewrite tl_min_widths. reflexivity.
    * rewrite bwd_0, tl_min_widths. reflexivity.
  + intros [|p].
    * rewrite !bwd_0, !tl_min_widths. apply (Hhh 0%nat).
    * rewrite !bwd_E, !tl_min_widths. fold h. fold h'.
      apply Qle_trans with (Ebin N (surv beta (S p)) h').
      -- apply Ebin_mono_h; [apply surv_bounds_le|]. intros; apply Hhh.
      -- apply Ebin_mono_N'; [apply surv_bounds_le|exact Hh'|exact HN].
Qed.

(* THM-MONOTONE (widths): trainability is non-decreasing in every width. *)
Theorem trainability_mono_widths q1 beta ws ws' ns : 0 <= q1 <= 1 -> Forall2 le ws ws' ->
  trainability q1 beta ws ns <= trainability q1 beta ws' ns.
Proof.
intros Hq H2. unfold trainability, prob.
inversion H2 as [|N N' wr wr' HN Hwr]; subst; [lra|].
rewrite !Qred_correct.
destruct (G_props beta wr wr' (tl ns) Hwr) as [_ [Hb Hc]]. unfold G in *.
set (h := fun k => ind (hdA (min_widths_event ns) k) * bwd beta k wr (min_widths_event (tl ns))).
set (h' := fun k => ind (hdA (min_widths_event ns) k) * bwd beta k wr' (min_widths_event (tl ns))).
assert (Hh' : nondecr h') by (apply prod_nondecr; [apply ind_upset | exact Hb |
                              intros; apply ind_bounds | intros; apply bwd_nonneg]).
assert (Hhh : forall k, h k <= h' k).
{ intros k. unfold h, h'. pose proof (ind_bounds (hdA (min_widths_event ns) k)).
  specialize (Hc k). nra. }
rewrite !tl_min_widths.
rewrite (sumQ_ext _ (fun k => bpmf N (1 - q1) k * h k)) by (intros; unfold h, first; rewrite if_ind; ring).
rewrite (sumQ_ext (fun k => if hdA (min_widths_event ns) k then first q1 N' k * _ else 0)
                  (fun k => bpmf N' (1 - q1) k * h' k)) by (intros; unfold h', first; rewrite if_ind; ring).
fold (Ebin N (1 - q1) h). fold (Ebin N' (1 - q1) h').
apply Qle_trans with (Ebin N (1 - q1) h').
- apply Ebin_mono_h; [lra|]. intros; apply Hhh.
- apply Ebin_mono_N'; [lra|exact Hh'|exact HN].
Qed.

(* ---------- THM-WIDTH-SUFFICIENT ---------- *)

(* P(Binomial(N, s) < m). *)
Definition tail_lt (N : nat) (s : Q) (m : nat) : Q := Ebin N s (fun k => ind (Nat.ltb k m)).

Fixpoint tail_sum (ws ms : list nat) : Q :=
  match ws, ms with
  | N :: ws', m :: ms' => tail_lt N (1 # 2) m + tail_sum ws' ms'
  | _, _ => 0
  end.

Lemma Ebin_sub1 N s f : Ebin N s (fun k => 1 - f k) == 1 - Ebin N s f.
Proof.
unfold Ebin. rewrite (sumQ_ext _ (fun k => bpmf N s k + (-1) * (bpmf N s k * f k))) by (intros; ring).
rewrite sumQ_plus, sumQ_scale, bpmf_sum. ring.
Qed.

Lemma Ebin_add_const N s f c : Ebin N s (fun k => f k + c) == Ebin N s f + c.
Proof.
unfold Ebin. rewrite (sumQ_ext _ (fun k => bpmf N s k * f k + c * bpmf N s k)) by (intros; ring).
rewrite sumQ_plus, sumQ_scale, bpmf_sum. ring.
Qed.

Lemma tail_nonneg N s m : 0 <= s <= 1 -> 0 <= tail_lt N s m.
Proof.
intros Hs. unfold tail_lt. rewrite <- (Ebin_const N s 0) at 1.
apply Ebin_mono_h; [exact Hs|]. intros k _. apply ind_bounds.
Qed.

Lemma tail_sum_nonneg ws ms : 0 <= tail_sum ws ms.
Proof.
revert ms; induction ws as [|N ws IH]; intros [|m ms]; cbn [tail_sum]; try lra.
assert (H := tail_nonneg N (1 # 2) m ltac:(lra)). specialize (IH ms). lra.
Qed.

Lemma tail_eq N s m : tail_lt N s m == 1 - Ebin N s (fun k => ind (Nat.leb m k)).
Proof.
unfold tail_lt. rewrite <- Ebin_sub1. apply Ebin_ext. intros k _.
destruct (Nat.ltb_spec k m), (Nat.leb_spec m k); cbn [ind]; try lia; ring.
Qed.

(* P(Bin(N, s) < m) is non-increasing in s. *)
Lemma tail_antitone N s s' m : 0 <= s -> s <= s' -> s' <= 1 -> tail_lt N s' m <= tail_lt N s m.
Proof.
intros H0 H1 H2. rewrite !tail_eq.
assert (H := Ebin_mono_s N s s' (fun k => ind (Nat.leb m k)) H0 H1 H2
               (ind_upset [m])). cbn [min_widths_event map hdA] in H. lra.
Qed.

Lemma surv_half beta p : (1 <= p)%nat -> 1 # 2 <= surv beta p.
Proof.
intros Hp. unfold surv.
assert (H := qpow_antitone (1 # 2) 1 (p + beta) ltac:(lra) ltac:(lia)). cbn [qpow] in H. lra.
Qed.

(* Pointwise step of the union bound. *)
Lemma fail_step (m : nat) (g : nat -> Q) (B : Q) k : (1 <= m)%nat -> 0 <= B ->
  (forall k, (1 <= k)%nat -> 1 - g k <= B) -> 0 <= g k ->
  1 - ind (Nat.leb m k) * g k <= ind (Nat.ltb k m) + B.
Proof.
intros Hm HB Hg Hg0. destruct (Nat.leb m k) eqn:E.
- apply Nat.leb_le in E. replace (Nat.ltb k m) with false by (symmetry; apply Nat.ltb_ge; lia).
  cbn [ind]. specialize (Hg k ltac:(lia)). lra.
- apply Nat.leb_gt in E. replace (Nat.ltb k m) with true by (symmetry; apply Nat.ltb_lt; lia).
  cbn [ind]. lra.
Qed.

Lemma fail_bound beta ws : forall ms p, (1 <= p)%nat -> Forall (fun m => (1 <= m)%nat) ms ->
  length ms = length ws -> 1 - G beta p ws ms <= tail_sum ws ms.
Proof.
unfold G. induction ws as [|N ws IH]; intros ms p Hp Hms Hlen.
- cbn [bwd tail_sum]. lra.
- destruct ms as [|m ms]; [discriminate|]. inversion Hms as [|m' ms' Hm Hms']; subst.
  cbn [tail_sum]. destruct p as [|p]; [lia|]. rewrite bwd_E.
  cbn [min_widths_event map hdA tl]. fold (min_widths_event ms).
  rewrite <- Ebin_sub1.
  apply Qle_trans with (Ebin N (surv beta (S p)) (fun k => ind (Nat.ltb k m) + tail_sum ws ms)).
  + apply Ebin_mono_h; [apply surv_bounds_le|]. intros k _.
    cbv beta. apply (fail_step m (fun k => bwd beta k ws (min_widths_event ms)) (tail_sum ws ms) k); [exact Hm | apply tail_sum_nonneg | | apply bwd_nonneg].
    intros k' Hk'. apply IH; [exact Hk' | exact Hms' | cbn in Hlen; lia].
  + rewrite Ebin_add_const. fold (tail_lt N (surv beta (S p)) m).
    assert (H := tail_antitone N (1 # 2) (surv beta (S p)) m ltac:(lra)
                   (surv_half beta (S p) ltac:(lia)) (proj2 (surv_bounds_le beta (S p)))).
    lra.
Qed.

Lemma Forall2_max ns : Forall2 le ns (map (Nat.max 1) ns).
Proof. induction ns as [|n ns IH]; constructor; [lia|exact IH]. Qed.

Lemma Forall_max ns : Forall (fun m => (1 <= m)%nat) (map (Nat.max 1) ns).
Proof. induction ns as [|n ns IH]; constructor; [lia|exact IH]. Qed.

(* THM-WIDTH-SUFFICIENT: with m_l = max(n*_l, 1),
   1 - T(nstar) <= P(Bin(N_1, 1 - q1) < m_1) + sum_{l >= 2} P(Bin(N_l, 1/2) < m_l). *)
Theorem width_sufficient q1 beta N ws n ns : 0 <= q1 <= 1 -> length ns = length ws ->
  1 - trainability q1 beta (N :: ws) (n :: ns) <=
  tail_lt N (1 - q1) (Nat.max 1 n) + tail_sum ws (map (Nat.max 1) ns).
Proof.
intros Hq Hlen.
assert (A := trainability_antitone_min_widths q1 beta (N :: ws) (n :: ns) (map (Nat.max 1) (n :: ns))
               Hq (Forall2_max (n :: ns))).
apply Qle_trans with (1 - trainability q1 beta (N :: ws) (map (Nat.max 1) (n :: ns))); [lra|].
unfold trainability, prob. rewrite Qred_correct.
cbn [map min_widths_event hdA tl]. fold (min_widths_event (map (Nat.max 1) ns)).
rewrite (sumQ_ext _ (fun k => bpmf N (1 - q1) k *
           (ind (Nat.leb (Nat.max 1 n) k) * G beta k ws (map (Nat.max 1) ns))))
  by (intros; unfold G, first; rewrite if_ind; ring).
fold (Ebin N (1 - q1) (fun k => ind (Nat.leb (Nat.max 1 n) k) * G beta k ws (map (Nat.max 1) ns))).
rewrite <- Ebin_sub1.
apply Qle_trans with (Ebin N (1 - q1) (fun k => ind (Nat.ltb k (Nat.max 1 n)) + tail_sum ws (map (Nat.max 1) ns))).
- apply Ebin_mono_h; [lra|]. intros k _.
  cbv beta. apply (fail_step (Nat.max 1 n) (fun k => G beta k ws (map (Nat.max 1) ns)) (tail_sum ws (map (Nat.max 1) ns)) k); [lia | apply tail_sum_nonneg | | apply bwd_nonneg].
  intros k' Hk'. apply fail_bound; [exact Hk' | apply Forall_max | rewrite map_length; exact Hlen].
- rewrite Ebin_add_const. unfold tail_lt. lra.
Qed.

(* THM-WIDTH-SUFFICIENT, one hidden layer: 1 - T(nstar) = P(Bin(N_1, 1 - q1) < n*_1). *)
Theorem width_sufficient_one_layer q1 beta N n :
  1 - trainability q1 beta [N] [n] == tail_lt N (1 - q1) n.
Proof.
unfold trainability, prob. rewrite Qred_correct. cbn [map min_widths_event hdA tl bwd].
rewrite (sumQ_ext _ (fun k => bpmf N (1 - q1) k * (1 - ind (Nat.ltb k n))))
  by (intros k _; unfold first; destruct (Nat.ltb_spec k n), (Nat.leb_spec n k); cbn [ind];
      try lia; ring).
fold (Ebin N (1 - q1) (fun k => 1 - ind (Nat.ltb k n))). rewrite Ebin_sub1. unfold tail_lt. ring.
Qed.

(* ---------- THM-DEPTH-DEATH: the limit ---------- *)

Lemma bernoulli_upper d D : 0 <= d <= 1 ->
  qpow (1 - d) D * (1 + inject_Z (Z.of_nat D) * d) <= 1.
Proof.
intros Hd. induction D as [|D IH].
- cbn [qpow]. unfold inject_Z. cbn [Z.of_nat]. lra.
- rewrite Nat2Z.inj_succ, <- Z.add_1_r, inject_Z_plus. cbn [qpow].
  set (x := qpow (1 - d) D) in *. set (n := inject_Z (Z.of_nat D)) in *.
  assert (Hx : 0 <= x) by (apply qpow_bounds; lra).
  assert (Hn : 0 <= n) by (unfold n; change 0 with (inject_Z 0); rewrite <- Zle_Qle; lia).
  assert (E : inject_Z 1 == 1) by reflexivity. rewrite E.
  assert (H1 : (1 - d) * (1 + (n + 1) * d) <= 1 + n * d) by nra.
  apply Qle_trans with (x * (1 + n * d)); [|exact IH]. nra.
Qed.

Lemma archimedes (q : Q) : exists n : nat, q <= inject_Z (Z.of_nat n).
Proof.
exists (Z.to_nat (Qceiling q)). apply Qle_trans with (inject_Z (Qceiling q)); [apply Qle_ceiling|].
rewrite <- Zle_Qle. lia.
Qed.

(* THM-DEPTH-DEATH (limit): at fixed width N, P(born dead) -> 1 as the
   depth grows: for every eps > 0, beyond some depth 1 - P(born dead) <= eps. *)
Theorem depth_death_limit q1 beta N eps : 0 <= q1 <= 1 -> 0 < eps ->
  exists D0, forall D, (D0 <= D)%nat -> 1 - born_dead_def q1 beta (repeat N (S D)) <= eps.
Proof.
intros Hq He. set (d := delta beta N).
assert (Hd : 0 < d) by (apply qpow_pos; lra).
assert (Hd1 : d <= 1) by (apply (delta_bounds beta N)).
destruct (archimedes (/ (eps * d))) as [D0 HD0]. exists D0. intros D HD.
apply Qle_trans with (qpow (1 - d) D); [apply depth_death; exact Hq|].
assert (B := bernoulli_upper d D ltac:(lra)).
assert (Hx : 0 <= qpow (1 - d) D) by (apply qpow_bounds; lra).
set (x := qpow (1 - d) D) in *. set (n := inject_Z (Z.of_nat D)) in *.
assert (Hn : inject_Z (Z.of_nat D0) <= n) by (unfold n; rewrite <- Zle_Qle; lia).
assert (Hed : 0 < eps * d) by (apply Qmult_lt_0_compat; assumption).
assert (Hinv : 1 <= eps * d * n).
{ apply Qle_trans with (eps * d * / (eps * d)).
  - rewrite Qmult_inv_r by (intros H; rewrite H in Hed; discriminate). lra.
  - apply Qmult_le_l; [exact Hed|]. lra. }
nra.
Qed.

(* ---------- THM-WIDTH-SUFFICIENT: the limit ---------- *)

Lemma geometric_small s eps : 0 < s <= 1 -> 0 < eps ->
  exists n0, forall n, (n0 <= n)%nat -> qpow (1 - s) n <= eps.
Proof.
intros Hs He. destruct (archimedes (/ (eps * s))) as [n0 Hn0]. exists n0. intros n Hn.
assert (B := bernoulli_upper s n ltac:(lra)).
assert (Hx : 0 <= qpow (1 - s) n) by (apply qpow_bounds; lra).
set (x := qpow (1 - s) n) in *. set (k := inject_Z (Z.of_nat n)) in *.
assert (Hk : inject_Z (Z.of_nat n0) <= k) by (unfold k; rewrite <- Zle_Qle; lia).
assert (Hes : 0 < eps * s) by (apply Qmult_lt_0_compat; lra).
assert (Hinv : 1 <= eps * s * k).
{ apply Qle_trans with (eps * s * / (eps * s)).
  - rewrite Qmult_inv_r by (intros H; rewrite H in Hes; discriminate). lra.
  - apply Qmult_le_l; [exact Hes|]. lra. }
nra.
Qed.

Lemma tail_le1 N s m : 0 <= s <= 1 -> tail_lt N s m <= 1.
Proof.
intros Hs. unfold tail_lt. apply Qle_trans with (Ebin N s (fun _ => 1)).
- apply Ebin_mono_h; [exact Hs|]. intros k _. apply ind_bounds.
- rewrite Ebin_const. lra.
Qed.

Lemma tail_zero N s : tail_lt N s 0 == 0.
Proof.
unfold tail_lt. rewrite (Ebin_ext N s _ (fun _ => 0)) by (intros k _; destruct k; reflexivity).
apply Ebin_const.
Qed.

Lemma tail_S N s m : tail_lt (S N) s (S m) == (1 - s) * tail_lt N s (S m) + s * tail_lt N s m.
Proof. unfold tail_lt. rewrite Ebin_S. reflexivity. Qed.

Lemma contraction (x : nat -> Q) s e N1 : 0 <= s <= 1 -> 0 <= e ->
  (forall N, x N <= 1) -> (forall N, (N1 <= N)%nat -> x (S N) <= (1 - s) * x N + s * e) ->
  forall n, x (N1 + n)%nat <= e + qpow (1 - s) n.
Proof.
intros Hs He H1 Hstep n. induction n as [|n IH].
- rewrite Nat.add_0_r. cbn [qpow]. specialize (H1 N1). lra.
- rewrite Nat.add_succ_r. cbn [qpow].
  assert (H := Hstep (N1 + n)%nat ltac:(lia)).
  assert (Hq := qpow_bounds (1 - s) n ltac:(lra)). nra.
Qed.

(* P(Bin(N, s) < m) -> 0 as N -> infinity, for s > 0. *)
Lemma tail_vanishes s m : 0 < s <= 1 -> forall eps, 0 < eps ->
  exists N0, forall N, (N0 <= N)%nat -> tail_lt N s m <= eps.
Proof.
intros Hs. induction m as [|m IH]; intros eps He.
- exists 0%nat. intros N _. rewrite tail_zero. lra.
- destruct (IH (eps * (1 # 2)) ltac:(lra)) as [N1 HN1].
  destruct (geometric_small s (eps * (1 # 2)) Hs ltac:(lra)) as [n0 Hn0].
  exists (N1 + n0)%nat. intros N HN.
  assert (C := contraction (fun N => tail_lt N s (S m)) s (eps * (1 # 2)) N1 ltac:(lra) ltac:(lra)
                 (fun N => tail_le1 N s (S m) ltac:(lra))).
  assert (Hc : forall N', (N1 <= N')%nat ->
            tail_lt (S N') s (S m) <= (1 - s) * tail_lt N' s (S m) + s * (eps * (1 # 2))).
  { intros N' HN'. rewrite tail_S. assert (H := HN1 N' HN'). nra. }
  specialize (C Hc (N - N1)%nat). replace (N1 + (N - N1))%nat with N in C by lia.
  assert (H := Hn0 (N - N1)%nat ltac:(lia)). lra.
Qed.

Lemma tail_sum_vanishes ms : forall eps, 0 < eps -> exists N0, forall ws,
  length ws = length ms -> Forall (fun N => (N0 <= N)%nat) ws -> tail_sum ws ms <= eps.
Proof.
induction ms as [|m ms IH]; intros eps He.
- exists 0%nat. intros [|N ws] Hl _; cbn in Hl |- *; [lra|discriminate].
- destruct (tail_vanishes (1 # 2) m ltac:(lra) (eps * (1 # 2)) ltac:(lra)) as [Na Ha].
  destruct (IH (eps * (1 # 2)) ltac:(lra)) as [Nb Hb].
  exists (Nat.max Na Nb). intros [|N ws] Hl Hf; [discriminate|].
  inversion Hf as [|N' ws' HN Hws]; subst. cbn [tail_sum].
  assert (A := Ha N ltac:(lia)).
  assert (B := Hb ws ltac:(cbn in Hl; lia) ltac:(eapply Forall_impl; [|exact Hws]; cbv beta; intros; lia)).
  lra.
Qed.

(* THM-WIDTH-SUFFICIENT (limit): for fixed depth, n* and q1 < 1, the
   trainability tends to 1 as every width grows. *)
Theorem width_sufficient_limit q1 beta n ns : 0 <= q1 < 1 -> forall eps, 0 < eps ->
  exists N0, forall N ws, length ws = length ns -> (N0 <= N)%nat ->
    Forall (fun N' => (N0 <= N')%nat) ws ->
    1 - trainability q1 beta (N :: ws) (n :: ns) <= eps.
Proof.
intros Hq eps He.
destruct (tail_vanishes (1 - q1) (Nat.max 1 n) ltac:(lra) (eps * (1 # 2)) ltac:(lra)) as [Na Ha].
destruct (tail_sum_vanishes (map (Nat.max 1) ns) (eps * (1 # 2)) ltac:(lra)) as [Nb Hb].
exists (Nat.max Na Nb). intros N ws Hl HN Hws.
assert (W := width_sufficient q1 beta N ws n ns ltac:(lra) (eq_sym Hl)).
assert (A := Ha N ltac:(lia)).
assert (B := Hb ws ltac:(rewrite map_length; exact Hl)
               ltac:(eapply Forall_impl; [|exact Hws]; cbv beta; intros; lia)).
lra.
Qed.
