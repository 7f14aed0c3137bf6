#!/usr/bin/env bash
# Checks every proof of formal/: compiles the files of _CoqProject in order,
# fails on Admitted/admit/Axiom/Parameter/Conjecture, and fails when
# `Print Assumptions` of a main theorem (Assumptions.v) reports anything
# beyond formal/allowed-axioms.txt.
set -euo pipefail
cd "$(dirname "$0")"
start=$(date +%s)
command -v coqc >/dev/null || { echo "check.sh: coqc not found" >&2; exit 2; }
files=$(grep -E '\.v$' _CoqProject)
# 1. No escape hatch in the sources (comments included, to keep it simple).
if grep -nE '\b(Admitted|admit|Axiom|Axioms|Parameter|Parameters|Conjecture)\b' $files /dev/null \
     | grep -v '^Assumptions.v:.*Print Assumptions'; then
  echo "check.sh: forbidden keyword above" >&2
  exit 1
fi
# 2. Compile in dependency order (the order of _CoqProject).
flags=(-Q . ReluTrainability -w -notation-overridden,-ambiguous-paths,-redundant-canonical-projection,-projection-no-head-constant)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for f in $files; do
  if [ "$f" = Assumptions.v ]; then
    coqc "${flags[@]}" "$f" >"$out"
  else
    coqc "${flags[@]}" "$f"
  fi
done
# 3. Assumptions: every theorem must be closed, or use only allowed axioms.
allowed=$(grep -vE '^\s*(#|$)' allowed-axioms.txt || true)
n_closed=$(grep -c 'Closed under the global context' "$out" || true)
n_printed=$(grep -c '^Print Assumptions' Assumptions.v)
bad=0
# Lines after "Axioms:" are "name : type" (possibly wrapped); take names.
awk '/^Axioms:/{ax=1; next} /Closed under the global context/{ax=0; next} ax && /^[^ ]/{print $1}' "$out" \
  | while read -r name; do
      if ! grep -qxF "$name" <<<"$allowed"; then
        echo "check.sh: disallowed assumption: $name" >&2
        exit 1
      fi
    done || bad=1
cat "$out"
if [ "$bad" -ne 0 ]; then exit 1; fi
n_axioms=$(grep -c '^Axioms:' "$out" || true)
if [ $((n_closed + n_axioms)) -ne "$n_printed" ]; then
  echo "check.sh: expected $n_printed Print Assumptions answers, got $((n_closed + n_axioms))" >&2
  exit 1
fi
end=$(date +%s)
echo "check.sh: OK ($n_printed theorems, $n_closed closed under the global context) in $((end - start)) s"
