(* The exact law of THM-CHAIN (spec/20-exact-law.md) as a rational-valued
   Markov chain, computable (Coq's QArith: binary Z fractions).

   K_1 ~ Binomial(N_1, 1 - q1); given K_{l-1} = p >= 1,
   K_l ~ Binomial(N_l, 1 - 2^-(p+beta)); given K_{l-1} = 0, K_l = 0.

   The chain's definition is the path sum: the probability of a product
   event {K_l in A_l for every l} is the sum over all paths (k_1..k_D),
   0 <= k_l <= N_l, in the event, of the product of the transition
   probabilities (prob_def).  The computable function prob evaluates the
   same sum layer by layer from the last layer backwards, reducing every
   intermediate fraction (prob_correct: equal as rationals). *)
From Coq Require Import QArith Qreduction List Lia.
Import ListNotations.
Open Scope Q_scope.

Arguments Qeq : simpl never.
Arguments Qred : simpl never.
Arguments Qplus : simpl never.
Arguments Qmult : simpl never.

(* Binomial coefficients by Pascal's rule (the widths are small). *)
Fixpoint binom (n k : nat) : Z :=
  match n, k with
  | _, O => 1%Z
  | O, S _ => 0%Z
  | S n', S k' => (binom n' k' + binom n' k)%Z
  end.

Fixpoint qpow (s : Q) (e : nat) : Q :=
  match e with O => 1 | S e' => s * qpow s e' end.

(* P(Binomial(N, s) = k). *)
Definition bpmf (N : nat) (s : Q) (k : nat) : Q :=
  inject_Z (binom N k) * qpow s k * qpow (1 - s) (N - k).

(* Probability that a neuron with p >= 1 non-PD predecessors is non-PD:
   1 - 2^-(p+beta) (beta = 0: zero biases, beta = 1: symmetric biases). *)
Definition surv (beta p : nat) : Q := 1 - qpow (1 # 2) (p + beta).

(* Transition kernel P(K_l = k | K_{l-1} = p), layer width N. *)
Definition kernel (beta p N k : nat) : Q :=
  match p with
  | O => if Nat.eqb k 0 then 1 else 0
  | S _ => bpmf N (surv beta p) k
  end.

(* Law of K_1. *)
Definition first (q1 : Q) (N k : nat) : Q := bpmf N (1 - q1) k.

Definition states (N : nat) : list nat := seq 0 (S N).

Definition sumQ (l : list Q) : Q := fold_right Qplus 0 l.

(* ---------- The chain's definition: sums over paths ---------- *)

Fixpoint paths (ws : list nat) : list (list nat) :=
  match ws with
  | [] => [[]]
  | N :: ws' => flat_map (fun k => map (cons k) (paths ws')) (states N)
  end.

Fixpoint restP (beta p : nat) (ws ks : list nat) : Q :=
  match ws, ks with
  | [], [] => 1
  | N :: ws', k :: ks' => kernel beta p N k * restP beta k ws' ks'
  | _, _ => 0
  end.

(* Probability of the path ks = (k_1..k_D) for widths ws = (N_1..N_D). *)
Definition pathP (q1 : Q) (beta : nat) (ws ks : list nat) : Q :=
  match ws, ks with
  | [], [] => 1
  | N :: ws', k :: ks' => first q1 N k * restP beta k ws' ks'
  | _, _ => 0
  end.

(* Product events: As = (A_1, A_2, ...), missing entries mean "any". *)
Definition hdA (As : list (nat -> bool)) : nat -> bool :=
  match As with [] => fun _ => true | A :: _ => A end.

Fixpoint holds (As : list (nat -> bool)) (ks : list nat) : bool :=
  match ks with
  | [] => true
  | k :: ks' => hdA As k && holds (tl As) ks'
  end.

Definition prob_def (q1 : Q) (beta : nat) (ws : list nat) (As : list (nat -> bool)) : Q :=
  sumQ (map (fun ks => if holds As ks then pathP q1 beta ws ks else 0) (paths ws)).

(* ---------- The computable law ---------- *)

Fixpoint bwd (beta p : nat) (ws : list nat) (As : list (nat -> bool)) : Q :=
  match ws with
  | [] => 1
  | N :: ws' =>
      Qred (sumQ (map (fun k => if hdA As k then kernel beta p N k * bwd beta k ws' (tl As) else 0)
                      (states N)))
  end.

Definition prob (q1 : Q) (beta : nat) (ws : list nat) (As : list (nat -> bool)) : Q :=
  match ws with
  | [] => 1
  | N :: ws' =>
      Qred (sumQ (map (fun k => if hdA As k then first q1 N k * bwd beta k ws' (tl As) else 0)
                      (states N)))
  end.

(* ---------- prob computes prob_def ---------- *)

Lemma sumQ_app l1 l2 : sumQ (l1 ++ l2) == sumQ l1 + sumQ l2.
Proof. induction l1 as [|a l1 IH]; simpl. - ring. - rewrite IH. ring. Qed.

Lemma sumQ_ext {A} (f g : A -> Q) l :
  (forall x, In x l -> f x == g x) -> sumQ (map f l) == sumQ (map g l).
Proof.
induction l as [|a l IH]; simpl; intros H; [reflexivity|].
rewrite (H a) by auto. rewrite IH by auto. reflexivity.
Qed.

Lemma sumQ_scale {A} c (f : A -> Q) l :
  sumQ (map (fun x => c * f x) l) == c * sumQ (map f l).
Proof. induction l as [|a l IH]; simpl. - ring. - rewrite IH. ring. Qed.

Lemma sumQ_zero {A} (l : list A) : sumQ (map (fun _ => 0) l) == 0.
Proof. induction l as [|a l IH]; simpl. - reflexivity. - rewrite IH. ring. Qed.

Lemma sumQ_flat_map {A B} (f : B -> Q) (g : A -> list B) l :
  sumQ (map f (flat_map g l)) == sumQ (map (fun x => sumQ (map f (g x))) l).
Proof.
induction l as [|a l IH]; simpl; [reflexivity|].
rewrite map_app, sumQ_app, IH. reflexivity.
Qed.

Lemma if_scale (h : bool) c r : (if h then c * r else 0) == c * (if h then r else 0).
Proof. destruct h; ring. Qed.

Lemma bwd_correct beta ws : forall p As,
  bwd beta p ws As ==
  sumQ (map (fun ks => if holds As ks then restP beta p ws ks else 0) (paths ws)).
Proof.
induction ws as [|N ws IH]; intros p As; cbn [bwd paths].
- cbn. reflexivity.
- rewrite Qred_correct, sumQ_flat_map. apply sumQ_ext. intros k _.
  rewrite map_map. cbn [holds restP].
  destruct (hdA As k); cbn [andb].
  + rewrite (sumQ_ext _ (fun ks => kernel beta p N k *
                (if holds (tl As) ks then restP beta k ws ks else 0)))
      by (intros; apply if_scale).
    rewrite sumQ_scale, IH. reflexivity.
  + rewrite sumQ_zero. reflexivity.
Qed.

Theorem prob_correct q1 beta ws As : prob q1 beta ws As == prob_def q1 beta ws As.
Proof.
unfold prob, prob_def. destruct ws as [|N ws]; cbn [paths].
- cbn. reflexivity.
- rewrite Qred_correct, sumQ_flat_map. apply sumQ_ext. intros k _.
  rewrite map_map. cbn [holds pathP].
  destruct (hdA As k); cbn [andb].
  + rewrite (sumQ_ext _ (fun ks => first q1 N k *
                (if holds (tl As) ks then restP beta k ws ks else 0)))
      by (intros; apply if_scale).
    rewrite sumQ_scale, bwd_correct. reflexivity.
  + rewrite sumQ_zero. reflexivity.
Qed.

(* ---------- Derived quantities (the fields of FMT-VECTORS) ---------- *)

(* The event {K_{l+1} = k} (layers indexed from 0 here). *)
Definition ev_at (l k : nat) : list (nat -> bool) :=
  repeat (fun _ => true) l ++ [fun k' => Nat.eqb k' k].

(* P(K_{l+1} = k), and the law of each layer. *)
Definition marg q1 beta ws l k : Q := prob q1 beta ws (ev_at l k).
Definition layer_law q1 beta ws l : list Q :=
  map (marg q1 beta ws l) (states (nth l ws 0%nat)).
Definition law q1 beta ws : list (list Q) :=
  map (layer_law q1 beta ws) (seq 0 (length ws)).

(* P(born dead) = P(K_last = 0) (THM-BORN-DEAD-LAST). *)
Definition born_dead q1 beta ws : Q := marg q1 beta ws (length ws - 1) 0.

(* Trainability: P(K_l >= nstar_l for every l). *)
Definition min_widths_event (ns : list nat) : list (nat -> bool) :=
  map (fun n k => Nat.leb n k) ns.
Definition trainability q1 beta ws ns : Q := prob q1 beta ws (min_widths_event ns).

(* One golden vector of FMT-VECTORS: the law of every layer, P(born dead)
   and the trainability for each stated list of minimum widths. *)
Definition vector (q1 : Q) (beta : nat) (ws : list nat) (nss : list (list nat)) :
  list (list Q) * Q * list Q :=
  (law q1 beta ws, born_dead q1 beta ws, map (trainability q1 beta ws) nss).
