(* Print Assumptions for every main theorem; formal/check.sh parses the
   output and fails on any assumption not in formal/allowed-axioms.txt. *)
From ReluTrainability Require Import Network Soundness.

Print Assumptions pd_implies_dead.
Print Assumptions pd_outputs_zero.
Print Assumptions pd_signs.
Print Assumptions pd_zero_gradient.
Print Assumptions pd_zero_outgoing_gradient.
Print Assumptions pd_sound.
Print Assumptions pd_sound_dead.
Print Assumptions pd_sound_from_any_step.
Print Assumptions pd_set_grows.
Print Assumptions l2_weights_only_sound.
Print Assumptions l2_layer1_positive_bias_revives.
