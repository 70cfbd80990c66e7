#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in build-fuzz/ and runs each
# for SECONDS (default 60) on its seed corpus in fuzz/corpus/<target>/.
# Fails on the first crash, leak, timeout or out-of-memory; the input that
# caused it is left in build-fuzz/artifacts/<target>/ (replay it with
# build-fuzz/fuzz/<target> FILE). New inputs found go to build-fuzz/corpus/
# (the seed corpus is not modified).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 model_fuzzer
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(csv_fuzzer idx_fuzzer model_fuzzer config_fuzzer tabular_fuzzer image_fuzzer
  safetensors_fuzzer)
jobs=${FUZZ_BUILD_JOBS:-2}

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSCRATCHNET_FUZZ=ON -DSCRATCHNET_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target "${targets[@]}"

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t
  artifacts=build-fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  echo "== $t: ${seconds}s"
  log=build-fuzz/$t.log
  if ! build-fuzz/fuzz/"$t" "$corpus" "fuzz/corpus/$t" -max_total_time="$seconds" \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $t FAILED; the input is in $artifacts/ (replay: build-fuzz/fuzz/$t FILE)" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$log" | tr '\n' ' '
  grep -Eo "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*" "$log" | tail -n 1
done
echo "fuzz: all targets ran ${seconds}s without a crash"
