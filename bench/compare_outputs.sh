#!/bin/bash
# bench/compare_outputs.sh BASE_TREE HEAD_TREE OUT NAME FEED RULES [reconcile run options...]
#
# Runs `reconcile run` on one feed with two checkouts (each with its own .venv, run from its own folder, e.g.
# /work/main and this worktree) and says whether verdicts.csv, sources.csv, copies.csv and contradictions.csv
# are byte-identical; prints each run's CPU seconds (user+sys, from /usr/bin/time). For changes that must not
# move any output (speed work). FEED and RULES are relative to each tree or absolute. Exit 1 when any differs.
# Example: bench/compare_outputs.sh /work/main . /tmp/cmp book ../shared/datasets/book/claims.csv.gz \
#          rules/examples/book.yaml
set -u
base=$(cd "$1" && pwd); head=$(cd "$2" && pwd); name=$4; out=$3/$4; feed=$5; rules=$6; shift 6
mkdir -p "$out"
for side in base head; do
  tree=${!side}
  ( cd "$tree" && /usr/bin/time -f "$side $name: CPU %U+%S s, wall %e s, max RSS %M KB" \
      .venv/bin/python -m reconcile run "$feed" --rules "$rules" -o "$out/$side" "$@" >"$out/$side.log" 2>&1 )
  tail -1 "$out/$side.log"
done
same=1
for f in verdicts.csv sources.csv copies.csv contradictions.csv; do
  if cmp -s "$out/base/$f" "$out/head/$f"; then echo "  same  $f"; else echo "  DIFF  $f"; same=0; fi
done
[ $same = 1 ] && echo "$name: identical" || { echo "$name: DIFFERENT"; exit 1; }
