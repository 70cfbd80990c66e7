#!/usr/bin/env bash
# Side-by-side training benchmark: scratchnet against PyTorch and scikit-learn
# on the same workloads, data, initialisation, optimizer, batch size and
# threads (see bench/run.py for what is measured and bench/README.md).
#
#   bash bench/run.sh [--repeats R] [--only mlp-b128,arem-b100] [--peers scratchnet,sklearn]
#
# Default: 3 rounds per workload, the peers in turn within a round; ratios
# are the median of the rounds' ratios with their min-max (bench/README.md).
#
# Installs the comparison packages (Debian's python3-torch, python3-sklearn,
# python3-numpy: for this benchmark only, never a dependency of scratchnet)
# and libbenchmark-dev, builds the bench target, runs, prints a table and
# writes bench/results/latest.json. Environment: BUILD_DIR (default build),
# JOBS (build parallelism, default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${BUILD_DIR:-build}

missing=()
for p in python3-torch python3-sklearn python3-numpy libbenchmark-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]} (for the comparison only)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ -f "$build/CMakeCache.txt" ]] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target bench -j"${JOBS:-2}" >/dev/null
exec /usr/bin/python3 bench/run.py --bench-train "$build/bench/bench_train" "$@"
