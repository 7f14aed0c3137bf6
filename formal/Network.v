(* Definitions of spec/10-definitions.md (DEF-NETWORK, DEF-DEAD, DEF-PD,
   DEF-TD, DEF-BORN-DEAD, DEF-TRAINABLE) and THM-PD-IMPLIES-DEAD.

   Scalars: an arbitrary real field R (covers Q and R).  Layers are indexed
   from 0: hidden layer l of the spec is layer l-1 here.  Weights and biases
   are total functions on indices; only indices below the widths matter. *)
From mathcomp Require Import all_ssreflect all_algebra.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import Order.TTheory GRing.Theory Num.Theory.
Local Open Scope ring_scope.

Section Network.
Variable R : realFieldType.

(* relu and its derivative with the convention relu'(0) = 0. *)
Definition relu (z : R) : R := if 0 < z then z else 0.
Definition relu' (z : R) : R := if 0 < z then 1 else 0.

Lemma relu_ge0 z : 0 <= relu z.
Proof. by rewrite /relu; case: ifP => [/ltW|]. Qed.

Lemma relu_le0 z : z <= 0 -> relu z = 0.
Proof. by rewrite /relu ltNge => ->. Qed.

Lemma relu'_le0 z : z <= 0 -> relu' z = 0.
Proof. by rewrite /relu' ltNge => ->. Qed.

(* DEF-NETWORK: W l j i is the weight from neuron i of layer l-1 (input
   coordinate i when l = 0) to neuron j of layer l; b l j the bias. *)
Record net := Net { W : nat -> nat -> nat -> R; b : nat -> nat -> R }.

Variable d : nat.                  (* input dimension *)
Variable n : nat -> nat.           (* n l = width of (hidden) layer l *)
Variable m : nat.                  (* number of training inputs *)
Variable X : 'I_m -> nat -> R.     (* the training set X = {X k | k < m} *)

(* Pre-activation z_j^l(x). *)
Fixpoint pre (th : net) (l j : nat) (x : nat -> R) : R :=
  match l with
  | 0 => \sum_(i < d) W th 0 j i * x i + b th 0 j
  | l'.+1 => \sum_(i < n l') W th l j i * relu (pre th l' i x) + b th l j
  end.

Definition act th l j x := relu (pre th l j x).

(* DEF-DEAD (exact comparisons) and DEF-ACTIVE. *)
Definition dead th l j : Prop :=
  forall k k' : 'I_m, act th l j (X k) = act th l j (X k').

(* DEF-PD, layer by layer. *)
Fixpoint pd (th : net) (l j : nat) : bool :=
  match l with
  | 0 => [forall k : 'I_m, pre th 0 j (X k) <= 0]
  | l'.+1 => [forall i : 'I_(n l'), pd th l' i] ||
             ((b th l j <= 0) &&
              [forall i : 'I_(n l'), ~~ pd th l' i ==> (W th l j i <= 0)])
  end.

(* Layer l entirely PD. *)
Definition all_pd th l := [forall i : 'I_(n l), pd th l i].

(* The layer feeding layer l is not entirely PD (true for the first layer,
   fed by the inputs). *)
Definition prev_open th l :=
  match l with 0 => true | l'.+1 => ~~ all_pd th l' end.

(* DEF-TD. *)
Definition td th l j : Prop := dead th l j /\ ~~ pd th l j.

(* K_l: the number of non-PD neurons of layer l. *)
Definition K th l := #|[pred i : 'I_(n l) | ~~ pd th l i]|.

(* DEF-BORN-DEAD for a network with H hidden layers. *)
Definition born_dead th (H : nat) : Prop := exists2 l, (l < H)%N & all_pd th l.

(* DEF-TRAINABLE for minimum widths nstar. *)
Definition trainable th (H : nat) (nstar : nat -> nat) : Prop :=
  forall l, (l < H)%N -> (nstar l <= K th l)%N.

Lemma sum_le0 (I : finType) (F : I -> R) :
  (forall i, F i <= 0) -> \sum_i F i <= 0.
Proof.
move=> H; apply: (big_ind (fun v => v <= 0)) => // x y Hx Hy.
by apply: le_trans (ler_add Hx Hy) _; rewrite addr0.
Qed.

Lemma add_le0 (x y : R) : x <= 0 -> y <= 0 -> x + y <= 0.
Proof. by move=> Hx Hy; apply: le_trans (ler_add Hx Hy) _; rewrite addr0. Qed.

(* If layer l-1 is entirely PD then so is layer l (first disjunct of DEF-PD):
   so a layer fed by an entirely PD layer is itself never "open". *)
Lemma prev_open_pred th l : ~~ all_pd th l -> prev_open th l.
Proof.
case: l => [|l] //= Hn; apply/negP => Hall; move/negP: Hn; apply.
by apply/forallP => i /=; move: Hall; rewrite /all_pd => ->.
Qed.

(* The sign abstraction: when layer l is not entirely PD, a neuron of layer
   l+1 is PD iff its bias and its weights from the non-PD neurons of layer l
   are all <= 0. *)
Lemma pd_signs th l j : ~~ all_pd th l ->
  pd th l.+1 j = (b th l.+1 j <= 0) &&
                 [forall i : 'I_(n l), ~~ pd th l i ==> (W th l.+1 j i <= 0)].
Proof. by rewrite /= /all_pd => /negbTE ->. Qed.

(* Core of THM-PD-IMPLIES-DEAD, by induction on the layer. *)
Lemma pd_core th l : forall j, pd th l j ->
  (forall k k', act th l j (X k) = act th l j (X k')) /\
  (prev_open th l -> forall k, pre th l j (X k) <= 0).
Proof.
elim: l => [|l IH] j.
  move=> /forallP H.
  have Hk k : act th 0 j (X k) = 0 by rewrite /act relu_le0 // H.
  by split=> // k k'; rewrite !Hk.
case Hall: (all_pd th l).
  move=> _; split; last by rewrite /= Hall.
  have Hc (i : 'I_(n l)) k k' : act th l i (X k) = act th l i (X k').
    by case: (IH i (forallP Hall i)) => H _; exact: H.
  move=> k k'; rewrite /act /=; congr (relu (_ + _)).
  by apply: eq_bigr => i _; rewrite -/(act th l i (X k)) (Hc i k k').
rewrite pd_signs; last by rewrite Hall.
move=> /andP [Hb /forallP HW].
have Hopen : prev_open th l by apply: prev_open_pred; rewrite Hall.
have Hle k : pre th l.+1 j (X k) <= 0.
  rewrite /=; apply: add_le0 => //; apply: sum_le0 => i.
  case Hi: (pd th l i).
    by case: (IH i Hi) => _ /(_ Hopen k) /relu_le0 ->; rewrite mulr0.
  by apply: mulr_le0_ge0; [move: (HW i); rewrite Hi | exact: relu_ge0].
split=> // k k'; by rewrite /act !relu_le0.
Qed.

(* THM-PD-IMPLIES-DEAD, first part: a PD neuron is dead on X. *)
Theorem pd_implies_dead th l j : pd th l j -> dead th l j.
Proof. by case/pd_core. Qed.

(* THM-PD-IMPLIES-DEAD, second part: if the layer feeding layer l is not
   entirely PD (or l is the first layer), a PD neuron of layer l has
   z <= 0 on X and outputs exactly 0 on X. *)
Theorem pd_outputs_zero th l j : prev_open th l -> pd th l j ->
  forall k, pre th l j (X k) <= 0 /\ act th l j (X k) = 0.
Proof.
move=> Ho /pd_core [_ /(_ Ho) H] k.
by split; [exact: H | rewrite /act relu_le0 // H].
Qed.

(* A TD neuron is by definition dead and not PD; a PD neuron is never TD. *)
Lemma pd_not_td th l j : pd th l j -> ~ td th l j.
Proof. by move=> H [_]; rewrite H. Qed.

(* An entirely PD layer makes every later layer entirely PD. *)
Lemma all_pd_succ th l : all_pd th l -> all_pd th l.+1.
Proof. by move=> H; apply/forallP => i /=; move: H; rewrite /all_pd => ->. Qed.

Lemma all_pd_later th l l' : (l <= l')%N -> all_pd th l -> all_pd th l'.
Proof.
elim: l' => [|l' IH]; first by rewrite leqn0 => /eqP ->.
rewrite leq_eqVlt => /orP [/eqP -> //|Hlt Hl]; apply: all_pd_succ; exact: IH.
Qed.

(* THM-BORN-DEAD-LAST for one network: born dead iff the last hidden layer
   is entirely PD. *)
Theorem born_dead_last_layer th H : (0 < H)%N -> born_dead th H <-> all_pd th H.-1.
Proof.
move=> HH; split => [[l Hl Hall]|Hall]; last by exists H.-1; rewrite // prednK.
by apply: all_pd_later Hall; rewrite -ltnS prednK.
Qed.

(* DEF-ACTIVE: a decidable version of dead; active = ~~ deadb. *)
Definition deadb th l j : bool :=
  [forall k : 'I_m, [forall k' : 'I_m, act th l j (X k) == act th l j (X k')]].

Lemma deadP th l j : reflect (dead th l j) (deadb th l j).
Proof.
apply: (iffP forallP) => [H k k'|H k]; first by move/forallP: (H k) => /(_ k') /eqP.
by apply/forallP => k'; apply/eqP.
Qed.

(* THM-ACTIVE-BOUND: an active neuron is not PD, so the number A_l of active
   neurons of a layer is at most the number K_l of non-PD neurons. *)
Theorem active_not_pd th l j : ~~ deadb th l j -> ~~ pd th l j.
Proof. by apply: contra => /pd_implies_dead /deadP. Qed.

Theorem active_count_le_K th l :
  (#|[pred i : 'I_(n l) | ~~ deadb th l i]| <= K th l)%N.
Proof. by apply: subset_leq_card; apply/subsetP => i; rewrite !inE; apply: active_not_pd. Qed.

End Network.
