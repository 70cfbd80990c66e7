#!/usr/bin/env bash
# Data-parallel scaling on this machine: the same training with 1 and 2 MPI
# processes, samples/s and the gradient allreduce time per step, from each
# run's summary.json. Usage: bash bench/mpi_scaling.sh [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-2}
bin=build/scratchnet
[ -x "$bin" ] || { echo "build first: cmake --build build" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "mpirun not found: apt-get install openmpi-bin" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=$(mktemp -d)
field() { grep -o "\"$2\": [0-9.e+-]*" "$1/summary.json" | awk '{print $2}'; }
printf '%-34s %3s %12s %10s %14s %14s\n' workload np samples/s test_acc allreduce_ms bytes/step
for workload in "fashion-mlp-b128|--data fashion-mnist --layers 256,128 --batch-size 128" \
                "fashion-mlp-b1024|--data fashion-mnist --layers 256,128 --batch-size 1024" \
                "arem-50x3-b100|--data arem --layers 50,50,50 --activation sigmoid --batch-size 100"; do
  name=${workload%%|*}; args=${workload#*|}
  for np in 1 2; do
    dir="$out/$name-np$np"
    if [ "$np" = 1 ]; then
      $bin train $args --epochs "$epochs" -q --out "$dir"
    else
      mpirun --oversubscribe -np "$np" $bin train $args --epochs "$epochs" -q --out "$dir"
    fi
    printf '%-34s %3s %12.0f %10s %14s %14s\n' "$name" "$np" "$(field "$dir" samples_per_second)" \
      "$(field "$dir" test_accuracy)" "$(field "$dir" allreduce_ms_per_step || true)" \
      "$(field "$dir" allreduce_bytes_per_step || true)"
  done
done
rm -rf "$out"
