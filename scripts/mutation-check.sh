#!/usr/bin/env bash
# Mutation check (issue 16): breaks the code on purpose, one defect at a time,
# and requires the test suite to notice each. Works on a copy of the source
# tree in build-mutation/tree (the checkout is never modified), built in
# build-mutation/build (Release, no MPI, ccache when present; only the
# test binaries and the tool they run), kept between runs so that each
# mutation rebuilds one file.
#
#   1. copy the tracked and untracked (not ignored) files into the copy,
#   2. build and run the tests unmutated: they must pass (else: exit 2),
#   3. for each mutation: apply it (a literal search-and-replace that must
#      match exactly once: when the code it targets has changed, the script
#      stops with exit 2 and says so, so that the list is kept in step with
#      the code), build, run the tests, expect at least one failure, restore,
#   4. print "mutation | caught by" (the failing tests, or NOT CAUGHT).
#
# Exit status: 0 every mutation caught, 1 some survived, 2 the check itself
# could not run (a mutation no longer applies, a build failed, the unmutated
# suite failed).
#
#   scripts/mutation-check.sh [--only NAME,...] [--list] [--jobs N] [--full-suite]
#
# The tests run per mutation are those of its area (a ctest -R pattern beside
# each mutation below: a few minutes for all of them); --full-suite runs the
# whole suite (ctest without the labels python, notebook and slow) each time
# instead, to see everything a mutation breaks. The first run builds the copy
# from scratch (as long as a build of the checkout); later runs rebuild the
# mutated file and relink.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${SCRATCHNET_MUTATION_DIR:-$root/build-mutation}
jobs=2
only=""
list=0
full=0
while (($#)); do
  case $1 in
    --only) only=$2; shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    --jobs=*) jobs=${1#--jobs=}; shift ;;
    --list) list=1; shift ;;
    --full-suite) full=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "mutation-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# The mutations: name, file, the exact text to replace (may span lines), its
# replacement, what the defect is, and the tests of its area (ctest -R).
names=() files=() froms=() tos=() whats=() areas=()
mutation() { names+=("$1"); files+=("$2"); froms+=("$3"); tos+=("$4"); whats+=("$5"); areas+=("$6"); }
layer_tests='LayerContract|BatchNorm|Pooling|MaxPool|Conv2D|FloatAgainstDouble|NetworkGradient'

mutation bn-train-dx-without-gamma src/layers/batch_norm.cpp \
  'dx[k] = static_cast<T>(scale / md * (md * dy[k] - sum_dy - xh[k] * sum_dy_xhat));' \
  'dx[k] = static_cast<T>(inv_std_[c] / md * (md * dy[k] - sum_dy - xh[k] * sum_dy_xhat));' \
  "batch norm's train-mode dx forgets gamma" "$layer_tests"
mutation max-pool-backward-assigns src/layers/max_pool2d.cpp \
  'dx[arg[q]] += dy[q];' \
  'dx[arg[q]] = dy[q];' \
  "max pooling's backward assigns instead of adding (overlapping windows lose gradient)" "$layer_tests"
mutation avg-pool-backward-assigns src/layers/avg_pool2d.cpp \
  'for (std::size_t kj = 0; kj < g.kernel; ++kj) row[kj] += share;' \
  'for (std::size_t kj = 0; kj < g.kernel; ++kj) row[kj] = share;' \
  "average pooling's backward assigns instead of adding" "$layer_tests"
mutation adam-without-eps src/optim/adam.cpp \
  '(1.0f - s.beta2) * grad * grad;
    const float denom = std::sqrt(v[i] * s.c2) + s.eps;' \
  '(1.0f - s.beta2) * grad * grad;
    const float denom = std::sqrt(v[i] * s.c2);' \
  "Adam divides by sqrt(v^) without eps" 'Optimizer|Seed001' 
mutation lr-schedule-ignored src/train/callbacks.cpp \
  'optimizer.set_lr(schedule_->next_lr(' \
  '(void)(schedule_->next_lr(' \
  "the trainer never applies the learning-rate schedule" 'LrSchedule|TrainOutputs|Schedule' 
mutation to-toml-drops-a-key src/train/config.cpp \
  '    const std::string v = s.get(*this);
' \
  '    const std::string v = s.get(*this);
    if (s.key == "train.min_delta") continue;
' \
  "config.toml leaves train.min_delta out" 'TrainConfig|Settings|Config' 
mutation interrupt-writes-no-checkpoint src/app/run.cpp \
  '      const TrainingState& state = trainer.boundary_state();
      checkpointer.write(state);' \
  '      const TrainingState& state = trainer.boundary_state();' \
  "an interrupted run (SIGINT/SIGTERM) writes no checkpoint" 'Interrupted|Checkpoint|Kill' 
mutation no-interrupt-handler src/cli/main.cpp \
  '  scratchnet::install_interrupt_handlers();
' \
  '' \
  "the CLI installs no SIGINT/SIGTERM handler (the signal kills the run)" 'Interrupted|Checkpoint|Kill' 

if ((list)); then
  for i in "${!names[@]}"; do printf '%-32s %s\n' "${names[$i]}" "${whats[$i]}"; done
  exit 0
fi
selected=()
for i in "${!names[@]}"; do
  if [[ -z $only || ",$only," == *",${names[$i]},"* ]]; then selected+=("$i"); fi
done
for name in ${only//,/ }; do
  found=0
  for i in "${!names[@]}"; do [[ ${names[$i]} == "$name" ]] && found=1; done
  ((found)) || { echo "mutation-check: no mutation '$name' (--list shows them)" >&2; exit 2; }
done

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'mutation-check: %s\n' "$*" >&2; exit 2; }

# 1. The copy: every file git knows of (tracked, or untracked and not
# ignored), copied only where it differs so that make rebuilds what changed.
tree=$work/tree build=$work/build
mkdir -p "$tree"
log "copying the source tree to $tree"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
git -C "$root" ls-files -z --cached --others --exclude-standard |
  tar -C "$root" --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$stage" -xf -
(cd "$stage" && find . -type f -print0) | while IFS= read -r -d '' f; do
  if ! cmp -s "$stage/$f" "$tree/$f"; then mkdir -p "$(dirname "$tree/$f")" && cp "$stage/$f" "$tree/$f"; fi
done
(cd "$tree" && find . -type f -print0) | while IFS= read -r -d '' f; do
  [[ -e $stage/$f ]] || rm -f "$tree/$f"
done

# Reads FILE, requires exactly one occurrence of $FROM, writes it with $TO.
replace_once() {
  FROM=$2 TO=$3 perl -0777 -e '
    my ($file) = @ARGV; open(my $in, "<", $file) or die "$file: $!\n"; local $/; my $text = <$in>; close $in;
    my ($from, $to, $count, $at) = ($ENV{FROM}, $ENV{TO}, 0, 0);
    while (($at = index($text, $from, $at)) >= 0) { $count++; $at += length $from; }
    if ($count != 1) { print STDERR "$count\n"; exit 3; }
    substr($text, index($text, $from), length $from) = $to;
    open(my $out, ">", $file) or die "$file: $!\n"; print $out $text; close $out;' "$1"
}

# 2. Configure, build the test binaries, run the unmutated suite.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=$work
fi
cmake -S "$tree" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSCRATCHNET_MPI=OFF "${launcher[@]}" >/dev/null ||
  die "cmake failed on the copy"
targets=(scratchnet scratchnet_tests scratchnet_cli_tests)
((full)) && targets+=(train_digits)
build_tests() { cmake --build "$build" -j"$jobs" --target "${targets[@]}" >"$work/build.log" 2>&1; }
# Runs the tests (all, or those matching $1); prints the names of the
# failing tests, one a line.
run_suite() {
  local out=$work/ctest.log select=()
  ((full)) || [[ -z ${1:-} ]] || select=(-R "$1")
  ctest --test-dir "$build" -j"$jobs" -LE 'python|notebook|slow' "${select[@]}" >"$out" 2>&1 || true
  sed -n '/The following tests FAILED:/,$p' "$out" | sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (.*)$/\1/p' | sed 's/  # GetParam() = .*//'
  grep -q 'tests passed' "$out" || die "ctest did not run (see $out)"
}
log "building (log: $work/build.log)"
build_tests || die "the unmutated copy does not build (see $work/build.log)"
log "running the unmutated tests"
all_areas=""
for i in "${selected[@]}"; do all_areas+="${all_areas:+|}${areas[$i]}"; done
baseline=$(run_suite "$all_areas")
[[ -z $baseline ]] || die "the unmutated suite fails already:
$baseline"

# 3. Each mutation in turn.
results=()
survived=0
for i in "${selected[@]}"; do
  name=${names[$i]} file=$tree/${files[$i]}
  [[ -f $file ]] || die "$name: ${files[$i]} no longer exists: update the mutation in $0"
  cp "$file" "$work/original"
  if ! count=$(replace_once "$file" "${froms[$i]}" "${tos[$i]}" 2>&1); then
    die "$name: the text to mutate occurs ${count:-?} times in ${files[$i]} (expected once): the code changed, update the mutation in $0"
  fi
  log "$name: ${whats[$i]}"
  if ! build_tests; then
    cp "$work/original" "$file"
    die "$name: the mutated copy does not build (see $work/build.log)"
  fi
  failed=$(run_suite "${areas[$i]}")
  # Restored with a new time stamp, so the next build recompiles it.
  cp "$work/original" "$file"
  if [[ -z $failed ]]; then
    results+=("$name|NOT CAUGHT")
    survived=$((survived + 1))
  else
    n=$(wc -l <<<"$failed")
    shown=$(head -n 4 <<<"$failed" | paste -sd, - | sed 's/,/, /g')
    ((n > 4)) && shown="$shown (+$((n - 4)) more)"
    results+=("$name|$n: $shown")
  fi
done
log "rebuilding the unmutated copy"
build_tests || die "the restored copy does not build (see $work/build.log)"

# 4. The table.
printf '\n| mutation | caught by (failing tests) |\n|---|---|\n'
for r in "${results[@]}"; do printf '| %s | %s |\n' "${r%%|*}" "${r#*|}"; done
if ((survived)); then
  printf '\n%d of %d mutations survived\n' "$survived" "${#selected[@]}"
  exit 1
fi
printf '\nall %d mutations caught\n' "${#selected[@]}"
