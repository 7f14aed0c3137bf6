(* Print Assumptions for every main theorem; formal/check.sh parses the
   output and fails on any assumption not in formal/allowed-axioms.txt. *)
From ReluTrainability Require Import Network.

Print Assumptions pd_implies_dead.
Print Assumptions pd_outputs_zero.
