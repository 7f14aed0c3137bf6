(* THM-PD-SOUND (spec/10-definitions.md): PD neurons get zero gradient and
   stay PD under any update rule that leaves (or positively rescales) a
   parameter whose gradients so far are all zero; the weights-only L2 limit.

   Gradients.  For a loss that depends on the parameters only through the
   network's outputs on X, the chain rule gives, for step s and neuron j of
   layer l, dL/dz_j^l(x_k) = relu'(z_j^l(x_k)) * u_k with
   u_k = dL/da_j^l(x_k) (mini-batch weights included: u_k = 0 for samples
   outside the batch).  We keep u arbitrary: every statement below holds for
   every loss and every batch sequence. *)
From mathcomp Require Import all_ssreflect all_algebra.
From ReluTrainability Require Import Network.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import Order.TTheory GRing.Theory Num.Theory.
Local Open Scope ring_scope.

Section Gradients.
Variable R : realFieldType.
Variable d : nat.
Variable n : nat -> nat.
Variable m : nat.
Variable X : 'I_m -> nat -> R.

Local Notation pre := (pre d n).
Local Notation act := (act d n).
Local Notation pd := (pd d n X).
Local Notation prev_open := (prev_open d n X).
Local Notation all_pd := (all_pd d n X).

(* Input of neuron i of the layer feeding layer l. *)
Definition input (th : net R) (l i : nat) (x : nat -> R) : R :=
  match l with 0 => x i | l'.+1 => act th l' i x end.

(* Gradient of the loss w.r.t. W l j i and b l j, u the upstream
   sensitivities of neuron (l, j) on the samples. *)
Definition gradW th (u : 'I_m -> R) l j i : R :=
  \sum_k relu' (pre th l j (X k)) * u k * input th l i (X k).
Definition gradb th (u : 'I_m -> R) l j : R :=
  \sum_k relu' (pre th l j (X k)) * u k.

Lemma grad_zero th u l j : (forall k, pre th l j (X k) <= 0) ->
  (forall i, gradW th u l j i = 0) /\ gradb th u l j = 0.
Proof.
move=> H; split => [i|]; apply: big1 => k _; by rewrite relu'_le0 // !mul0r.
Qed.

(* THM-PD-SOUND, first step: a PD neuron whose feeding layer is not entirely
   PD (every PD neuron of the first layer, and case (b) of DEF-PD) gets a
   zero gradient on all its incoming parameters, for every loss and batch;
   its outgoing weights get a zero gradient as well (its output is 0). *)
Theorem pd_zero_gradient th u l j : prev_open th l -> pd th l j ->
  (forall i, gradW th u l j i = 0) /\ gradb th u l j = 0.
Proof.
move=> Ho Hpd; apply: grad_zero => k.
by case: (pd_outputs_zero Ho Hpd k).
Qed.

Theorem pd_zero_outgoing_gradient th u l j : prev_open th l -> pd th l j ->
  forall j', gradW th u l.+1 j' j = 0.
Proof.
move=> Ho Hpd j'; apply: big1 => k _.
by case: (pd_outputs_zero Ho Hpd k) => _; rewrite /= => ->; rewrite mulr0.
Qed.

End Gradients.

(* Cumulative product c_0 * ... * c_{t-1}. *)
Fixpoint cprod (R : ringType) (c : nat -> R) (t : nat) : R :=
  match t with 0 => 1 | t'.+1 => c t' * cprod c t' end.

Section Training.
Variable R : realFieldType.
Variable d : nat.
Variable n : nat -> nat.
Variable m : nat.
Variable X : 'I_m -> nat -> R.

Local Notation pre := (pre d n).
Local Notation act := (act d n).
Local Notation pd := (pd d n X).
Local Notation prev_open := (prev_open d n X).
Local Notation all_pd := (all_pd d n X).
Local Notation gradW := (gradW d n X).
Local Notation gradb := (gradb d n X).

(* A training run: th s are the parameters after s steps; U s l j the
   upstream sensitivities of neuron (l, j) at step s (any loss, any batch).
   The update rule is abstract: a parameter all of whose gradients at steps
   0..s are zero is multiplied at step s by cw s (weights) or cb s (biases),
   with 0 < cw s <= cb s.  cw = cb = 1: GD, SGD, heavy-ball and Nesterov
   momentum, Adam, all from zero optimizer state (their update of such a
   parameter is exactly 0).  cw = cb = 1 - lr*lambda: decoupled weight decay
   applied to weights and biases.  cw = 1 - 2*lr*lambda, cb = 1: GD with an
   L2 penalty on the weights only (see l2_weights_only_sound below). *)
Variable th : nat -> net R.
Variable U : nat -> nat -> nat -> 'I_m -> R.
Variables cw cb : nat -> R.
Hypothesis hc : forall s, 0 < cw s /\ cw s <= cb s.
Hypothesis hW : forall s l j i,
  (forall s', (s' <= s)%N -> gradW (th s') (U s' l j) l j i = 0) ->
  W (th s.+1) l j i = cw s * W (th s) l j i.
Hypothesis hb : forall s l j,
  (forall s', (s' <= s)%N -> gradb (th s') (U s' l j) l j = 0) ->
  b (th s.+1) l j = cb s * b (th s) l j.
(* For the first layer: either weights and biases are rescaled alike, or
   every first-layer neuron that is PD at step 0 has a bias <= 0. *)
Hypothesis hl1 : (forall s, cw s = cb s) \/
                 (forall j, pd (th 0) 0 j -> b (th 0) 0 j <= 0).

Local Notation Cw := (cprod cw).
Local Notation Cb := (cprod cb).

Lemma C_pos t : 0 < Cw t /\ 0 < Cb t /\ Cw t <= Cb t.
Proof.
elim: t => [|t [Hw [Hb Hwb]]] /=; first by rewrite ltr01 lexx.
case: (hc t) => H1 H2; have H3 := lt_le_trans H1 H2.
split; first exact: mulr_gt0.
split; first exact: mulr_gt0.
by apply: ler_pmul => //; apply: ltW.
Qed.

Lemma C_eq t : (forall s, cw s = cb s) -> Cw t = Cb t.
Proof. by move=> H; elim: t => //= t ->; rewrite H. Qed.

Definition scaled t l j :=
  (forall i, W (th t) l j i = Cw t * W (th 0) l j i) /\
  b (th t) l j = Cb t * b (th 0) l j.

(* Zero gradients at every step before t: the parameters were only rescaled. *)
Lemma scaled_of_zero l j t :
  (forall s, (s < t)%N -> forall k, pre (th s) l j (X k) <= 0) -> scaled t l j.
Proof.
elim: t => [|t IH] H; first by split=> [i|] /=; rewrite mul1r.
have [IHW IHb] : scaled t l j by apply: IH => s Hs; apply: H; apply: ltnW.
have Hz s' : (s' <= t)%N -> (forall i, gradW (th s') (U s' l j) l j i = 0) /\
                            gradb (th s') (U s' l j) l j = 0.
  by move=> Hs'; apply: grad_zero; apply: H.
split=> [i|] /=.
  by rewrite hW ?IHW ?mulrA // => s' /Hz [->].
by rewrite hb ?IHb ?mulrA // => s' /Hz [_ ->].
Qed.

(* At a fixed step t, if every PD-at-0 neuron of an open layer was only
   rescaled, then every PD-at-0 neuron is PD at t, and those of open layers
   still have z <= 0 on X.  Induction on the layer. *)
Lemma sound_at t :
  (forall l j, pd (th 0) l j -> prev_open (th 0) l -> scaled t l j) ->
  forall l j, pd (th 0) l j ->
    pd (th t) l j /\ (prev_open (th 0) l -> forall k, pre (th t) l j (X k) <= 0).
Proof.
move=> Hs; case: (C_pos t) => HCw [HCb HCwb].
elim=> [|l IH] j.
  move=> Hpd; have [HW Hb] := Hs 0%N j Hpd erefl.
  have Hle k : pre (th t) 0 j (X k) <= 0.
    rewrite /= Hb (eq_bigr (fun i : 'I_d => Cw t * (W (th 0) 0 j i * X k i)));
      last by move=> i _; rewrite HW mulrA.
    rewrite -big_distrr /=.
    set S := \sum_(i < d) _.
    have -> : Cw t * S + Cb t * b (th 0) 0 j =
              Cw t * (S + b (th 0) 0 j) + (Cb t - Cw t) * b (th 0) 0 j.
      by rewrite mulrDr mulrBl -addrA [Cw t * b _ _ _ + _]addrC subrK.
    apply: add_le0.
      by rewrite pmulr_rle0 //; move/forallP: Hpd => /(_ k).
    case: hl1 => [Heq|Hb0]; first by rewrite (C_eq t Heq) subrr mul0r.
    by apply: mulr_ge0_le0; [rewrite subr_ge0 | exact: Hb0].
  by split=> //; apply/forallP.
case Hall: (all_pd (th 0) l).
  move=> _; split; last by rewrite /= Hall.
  rewrite /=; apply/orP; left; apply/forallP => i.
  by case: (IH i (forallP Hall i)).
move=> Hpd; have [HW Hb] : scaled t l.+1 j by apply: Hs => //=; rewrite Hall.
move: Hpd; rewrite pd_signs; last by rewrite Hall.
move=> /andP [Hb0 /forallP HW0].
have Hopen : prev_open (th 0) l by apply: prev_open_pred; rewrite Hall.
have Hneg (i : 'I_(n l)) : ~~ pd (th 0) l i -> W (th t) l.+1 j i <= 0.
  by move=> Hi; rewrite HW; apply: mulr_ge0_le0; [apply: ltW | move/implyP: (HW0 i); apply].
split; last first.
  move=> _ k; rewrite /= Hb; apply: add_le0; last by apply: mulr_ge0_le0 => //; apply: ltW.
  apply: sum_le0 => i; case Hi: (pd (th 0) l i).
    by case: (IH i Hi) => _ /(_ Hopen k) /relu_le0 ->; rewrite mulr0.
  by apply: mulr_le0_ge0; [apply: Hneg; rewrite Hi | exact: relu_ge0].
rewrite /=; apply/orP; right; apply/andP; split.
  by rewrite Hb; apply: mulr_ge0_le0 => //; apply: ltW.
apply/forallP => i; apply/implyP => Hit; apply: Hneg; apply/negP => Hi0.
by case: (IH i Hi0) => H _; rewrite H in Hit.
Qed.

Definition zero_side t := forall l j, pd (th 0) l j -> prev_open (th 0) l ->
  forall k, pre (th t) l j (X k) <= 0.

Lemma zero_side_all t : zero_side t.
Proof.
suff H : forall t' s, (s < t')%N -> zero_side s by apply: (H t.+1).
elim=> [|t' IH] s //; rewrite ltnS leq_eqVlt => /orP [/eqP ->|/IH //].
move=> l j Hpd Ho; apply: (proj2 (sound_at _ Hpd)) => // l' j' Hpd' Ho'.
by apply: scaled_of_zero => s' Hs'; apply: IH.
Qed.

(* THM-PD-SOUND: every neuron PD at step 0 is PD at every step t. *)
Theorem pd_sound t l j : pd (th 0) l j -> pd (th t) l j.
Proof.
move=> Hpd; apply: (proj1 (sound_at _ Hpd)) => l' j' Hpd' Ho'.
by apply: scaled_of_zero => s _; apply: zero_side_all.
Qed.

(* ... hence (THM-PD-IMPLIES-DEAD) constant on X at every step. *)
Corollary pd_sound_dead t l j : pd (th 0) l j -> dead d n X (th t) l j.
Proof. by move=> /(pd_sound t); apply: pd_implies_dead. Qed.

(* The number K_l of non-PD neurons never exceeds its value at step 0. *)
Corollary K_nonincreasing t l : (K d n X (th t) l <= K d n X (th 0) l)%N.
Proof.
apply: subset_leq_card; apply/subsetP => i; rewrite !inE; apply: contra.
exact: pd_sound.
Qed.

(* Core of THM-SUCCESS-BOUND: if the minimum widths nstar are necessary
   (every network with fewer than nstar_l non-PD neurons in some hidden
   layer l < H has a positive loss; DEF-MIN-WIDTHS), a network that is not
   trainable at step 0 has a positive loss at every step. *)
Theorem not_trainable_never_fits (H : nat) (nstar : nat -> nat) (loss : net R -> R) :
  (forall th', (exists2 l, (l < H)%N & (K d n X th' l < nstar l)%N) -> 0 < loss th') ->
  ~ trainable d n X (th 0) H nstar -> forall t, 0 < loss (th t).
Proof.
move=> Hnec Hnt t; apply: Hnec.
case E: [exists l : 'I_H, (K d n X (th 0) l < nstar l)%N].
  move/existsP: E => [[l Hl] HK]; exists l => //.
  by apply: leq_ltn_trans (K_nonincreasing t l) HK.
exfalso; apply: Hnt => l Hl; move/negbT: E; rewrite negb_exists => /forallP /(_ (Ordinal Hl)).
by rewrite /= -leqNgt.
Qed.

End Training.

Section Memoryless.
(* Memoryless rules (GD, SGD, optionally with decoupled weight decay on
   weights and biases alike): a parameter with a zero gradient at step s is
   multiplied by c s > 0.  Then PD at any step s stays PD at s + t, so the
   set of PD neurons only grows.  (With momentum or Adam the set can shrink:
   spec THM-PD-SOUND; pd_sound covers the neurons PD at step 0.) *)
Variable R : realFieldType.
Variable d : nat.
Variable n : nat -> nat.
Variable m : nat.
Variable X : 'I_m -> nat -> R.
Variable th : nat -> net R.
Variable U : nat -> nat -> nat -> 'I_m -> R.
Variable c : nat -> R.
Hypothesis hc : forall s, 0 < c s.
Hypothesis hW : forall s l j i, gradW d n X (th s) (U s l j) l j i = 0 ->
  W (th s.+1) l j i = c s * W (th s) l j i.
Hypothesis hb : forall s l j, gradb d n X (th s) (U s l j) l j = 0 ->
  b (th s.+1) l j = c s * b (th s) l j.

Theorem pd_sound_from_any_step s t l j :
  pd d n X (th s) l j -> pd d n X (th (s + t)) l j.
Proof.
move=> H.
apply: (@pd_sound R d n m X (fun t => th (s + t)) (fun t => U (s + t))
          (fun t => c (s + t)) (fun t => c (s + t))) => //.
- by move=> s' l' j' i Hz /=; rewrite addnS; apply: hW; apply: Hz.
- by move=> s' l' j' Hz /=; rewrite addnS; apply: hb; apply: Hz.
- by left.
- by rewrite addn0.
Qed.

Corollary pd_set_grows s l j : pd d n X (th s) l j -> pd d n X (th s.+1) l j.
Proof. by move=> /(pd_sound_from_any_step 1); rewrite addn1. Qed.

End Memoryless.

Section L2WeightsOnly.
(* Limit (1) of THM-PD-SOUND: GD on a loss plus lambda * sum ||W^l||^2
   (biases unpenalized): W <- W - lr (g + 2 lambda W), b <- b - lr g_b, with
   0 <= 2 lr lambda < 1.  A PD neuron's weights are multiplied by
   c = 1 - 2 lr lambda per step while its bias stays. *)
Variable R : realFieldType.
Variable d : nat.
Variable n : nat -> nat.
Variable m : nat.
Variable X : 'I_m -> nat -> R.
Variable th : nat -> net R.
Variable U : nat -> nat -> nat -> 'I_m -> R.
Variables lr lam : R.
Hypothesis hlr : 0 <= 2 * lr * lam < 1.
Hypothesis hW : forall s l j i, W (th s.+1) l j i =
  W (th s) l j i - lr * (gradW d n X (th s) (U s l j) l j i + 2 * lam * W (th s) l j i).
Hypothesis hb : forall s l j, b (th s.+1) l j =
  b (th s) l j - lr * gradb d n X (th s) (U s l j) l j.

(* If every first-layer neuron that is PD at step 0 has a bias <= 0 (always
   the case when 0 is in the convex hull of X), every PD neuron stays PD:
   a PD neuron of a layer >= 2 keeps its sign pattern. *)
Theorem l2_weights_only_sound t l j :
  (forall j', pd d n X (th 0) 0 j' -> b (th 0) 0 j' <= 0) ->
  pd d n X (th 0) l j -> pd d n X (th t) l j.
Proof.
case/andP: hlr => H0 H1 Hl1.
apply: (@pd_sound R d n m X th U (fun _ => 1 - 2 * lr * lam) (fun _ => 1)) => //.
- move=> s; split; first by rewrite subr_gt0.
  by rewrite ler_subl_addr ler_addl.
- move=> s l' j' i /(_ s (leqnn s)) Hg.
  by rewrite hW Hg add0r mulrBl mul1r !mulrA [lr * 2]mulrC.
- by move=> s l' j' /(_ s (leqnn s)) Hg; rewrite hb Hg mulr0 subr0 mul1r.
- by right.
Qed.

Lemma l2_hW : forall s l j i,
  (forall s', (s' <= s)%N -> gradW d n X (th s') (U s' l j) l j i = 0) ->
  W (th s.+1) l j i = (1 - 2 * lr * lam) * W (th s) l j i.
Proof.
move=> s l j i /(_ s (leqnn s)) Hg.
by rewrite hW Hg add0r mulrBl mul1r !mulrA [lr * 2]mulrC.
Qed.

Lemma l2_hb : forall s l j,
  (forall s', (s' <= s)%N -> gradb d n X (th s') (U s' l j) l j = 0) ->
  b (th s.+1) l j = 1 * b (th s) l j.
Proof. by move=> s l j /(_ s (leqnn s)) Hg; rewrite hb Hg mulr0 subr0 mul1r. Qed.

(* Exactly when a first-layer neuron stays PD under weights-only L2 (the
   spec's statement for layer 1): it is PD at every step s <= t iff
   c^s (w.x) + b <= 0 on X for every s <= t, with (w, b) its parameters at
   step 0 and c = 1 - 2 lr lambda: its weights shrink by c per step, its
   bias stays, as long as it is PD. *)
Theorem l2_layer1_pd_iff t j :
  (forall s, (s <= t)%N -> pd d n X (th s) 0 j) <->
  (forall s, (s <= t)%N -> forall k,
     cprod (fun _ => 1 - 2 * lr * lam) s * (\sum_(i < d) W (th 0) 0 j i * X k i) + b (th 0) 0 j <= 0).
Proof.
have Hpre s : (forall s', (s' < s)%N -> forall k, pre d n (th s') 0 j (X k) <= 0) ->
    forall k, pre d n (th s) 0 j (X k) =
      cprod (fun _ => 1 - 2 * lr * lam) s * (\sum_(i < d) W (th 0) 0 j i * X k i) + b (th 0) 0 j.
  move=> H k.
  have [HW Hb] := scaled_of_zero l2_hW l2_hb H.
  rewrite /= Hb big_distrr /=; congr (_ + _); last first.
    elim: (s) => [|s' IH] /=; first by rewrite mul1r.
    by rewrite mul1r IH.
  by apply: eq_bigr => i _; rewrite HW mulrA.
split=> [H s Hs k|H s Hs].
  rewrite -Hpre; first by move/forallP: (H s Hs) => /(_ k).
  by move=> s' Hs' k'; move/forallP: (H s' (ltnW (leq_trans Hs' Hs))) => /(_ k').
elim: s {-2}s (leqnn s) Hs => [|s IH] s0 Hs0 Hst.
  rewrite leqn0 in Hs0; move/eqP: Hs0 => ->; apply/forallP => k.
  by rewrite (Hpre 0%N) //; move: (H 0%N (leq0n t) k).
have Hprev s' : (s' < s0)%N -> forall k, pre d n (th s') 0 j (X k) <= 0.
  move=> Hs' k; have := IH s' _ (ltnW (leq_trans Hs' Hst)).
  by move=> /(_ (leq_trans (ltnSn _) (leq_trans Hs' Hs0))) /forallP /(_ k).
by apply/forallP => k; rewrite (Hpre s0 Hprev k); apply: H.
Qed.

(* With a positive bias the first-layer PD neuron revives once the weights
   are small enough: at any weight scale 0 < s < s0 (s0 > 0 depending on the
   neuron and X), w.x + b becomes > 0 on every x of X.  Under the update
   above the scale after t steps is (1 - 2 lr lambda)^t. *)
Theorem l2_layer1_positive_bias_revives (w : nat -> R) (b0 : R) :
  0 < b0 -> exists2 s0, 0 < s0 & forall s, 0 < s -> s < s0 ->
    forall k, 0 < s * (\sum_(i < d) w i * X k i) + b0.
Proof.
move=> Hb.
set M := \sum_(k < m) `|\sum_(i < d) w i * X k i| + 1.
have HM : 0 < M by rewrite /M ltr_paddl ?ltr01 // sumr_ge0 // => k _; exact: normr_ge0.
exists (b0 / M); first by rewrite divr_gt0.
move=> s Hs Hsb k; set a := \sum_(i < d) w i * X k i.
have Ha : `|a| <= M.
  rewrite /M (bigD1 k) //= -addrA ler_addl addr_ge0 ?ler01 //.
  by rewrite sumr_ge0 // => k' _; exact: normr_ge0.
have Hna : - `|a| <= a by have := lexx `|a|; rewrite ler_norml => /andP [].
have Hsa : - (s * M) <= s * a.
  rewrite -mulrN ler_pmul2l //.
  by apply: (le_trans (y := - `|a|)); [rewrite ler_opp2 | exact: Hna].
have HsM : s * M < b0 by rewrite -ltr_pdivl_mulr.
have : 0 < - (s * M) + b0 by rewrite addrC subr_gt0.
by move/lt_le_trans; apply; rewrite ler_add2r.
Qed.

End L2WeightsOnly.
