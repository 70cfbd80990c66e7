#!/usr/bin/env bash
# Regenerates the README's measured figures (issue 16): re-runs every recipe
# and experiment the README quotes (and the iris --cv example, LeNet-5 from a
# PNG folder, the scikit-learn and PyTorch comparisons of tests/python/),
# rewrites the figures in README.md from their outputs and copies the
# experiments' plots to docs/figures/. The README is regenerated, not
# hand-edited: its table cells of Recipes and Experiments are written by
# scripts/reproduce_readme.py (the wording lives there, next to the checks
# that the new figures still support it).
#
#   scripts/reproduce-readme.sh            all of it, in place (a few hours on 2 cores;
#                                          on a quiet machine: it quotes seconds)
#   scripts/reproduce-readme.sh --only lenet-vs-resnet,fashion-init
#                                          one piece each (after a change to what they measure)
#   scripts/reproduce-readme.sh --quick    smoke test: every run at two epochs (Fashion-MNIST
#                                          at 2,000 images, one repeat, 4 search trials); writes
#                                          a README copy and figures under build/reproduce-readme-quick/
#                                          and prints the diff, the tree untouched
#   scripts/reproduce-readme.sh --list     the pieces
#   [--binary build/scratchnet] [--work DIR] [--readme FILE]
#
# Exit status: 0 done; 1 done, but some of the README's wording (who beats
# whom) no longer holds for the new figures: the lines printed say which, edit
# the wording in scripts/reproduce_readme.py; other: a run failed.
# Not made here: the Speed table and the diagnostics' cost (bench/run.sh,
# bench_train), the fuzzers' counts (scripts/fuzz.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[[ -x $root/build/scratchnet || " $* " == *" --binary "* || " $* " == *" --list "* ]] ||
  { echo "reproduce-readme: build first (cmake --build build), or pass --binary" >&2; exit 2; }
exec /usr/bin/python3 "$root/scripts/reproduce_readme.py" "$@"
