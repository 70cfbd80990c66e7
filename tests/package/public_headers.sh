#!/usr/bin/env bash
# Every public header of one area compiles alone, in its own translation unit
# (a file holding only its #include, -fsyntax-only), and includes nothing from
# src/: only include/ and the public dependency fmt are on the include path,
# and every file the compiler opened is checked (-H).
#
#   public_headers.sh AREA        e.g. core: include/scratchnet/core/*.h
#
# From ctest's environment (cmake/PackageTests.cmake): SCRATCHNET_SOURCE_DIR,
# SCRATCHNET_CXX, SCRATCHNET_HEADER_FLAGS (standard, warnings, fmt's defines).
set -euo pipefail
area=$1
include=$SCRATCHNET_SOURCE_DIR/include
src=$(realpath "$SCRATCHNET_SOURCE_DIR/src")
headers=$(cd "$include" && find "scratchnet/$area" -name '*.h' | sort)
[[ -n $headers ]] || { echo "no headers in $include/scratchnet/$area" >&2; exit 1; }
failed=0
for header in $headers; do
  # shellcheck disable=SC2086  # the flags are words
  if ! log=$(printf '#include "%s"\n' "$header" |
             "$SCRATCHNET_CXX" $SCRATCHNET_HEADER_FLAGS -I"$include" -fsyntax-only -H -x c++ - 2>&1); then
    echo "FAIL: $header does not compile on its own:" >&2
    grep -v '^\.' <<<"$log" >&2
    failed=1
    continue
  fi
  while read -r opened; do
    if [[ $opened == "$src"/* ]]; then
      echo "FAIL: $header includes $opened, under src/" >&2
      failed=1
    fi
  done < <(sed -n 's/^\.\+ //p' <<<"$log" | sort -u | xargs -r realpath -m)
done
[[ $failed == 0 ]] && echo "$(wc -w <<<"$headers") headers of $area compile alone"
exit $failed
