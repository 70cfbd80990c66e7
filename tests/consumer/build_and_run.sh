#!/usr/bin/env bash
# Builds the README's library example against an installed scratchnet, the
# way another project would, installs it into that prefix's bin/ and runs it
# there (it trains on the bundled digits, found under the prefix's share/).
#
#   build_and_run.sh cmake     PREFIX LIBDIR WORKDIR   find_package(scratchnet) (CMakeLists.txt here)
#   build_and_run.sh pkgconfig PREFIX LIBDIR WORKDIR   c++ ... $(pkg-config --cflags --libs scratchnet)
#
# LIBDIR is the library folder relative to PREFIX (lib/x86_64-linux-gnu).
# Run by ctest (cmake/PackageTests.cmake) after an install into PREFIX.
set -euo pipefail
mode=$1 prefix=$2 libdir=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
example=$here/../../examples/train_digits.cpp
unset SCRATCHNET_DATA_DIR  # the data must be found from where the program is
rm -rf "$work"
mkdir -p "$work" "$prefix/bin"

case $mode in
  cmake)
    cmake -S "$here" -B "$work" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
          -DCMAKE_INSTALL_PREFIX="$prefix" -DSCRATCHNET_EXAMPLE="$example"
    cmake --build "$work"
    cmake --install "$work"
    program=$prefix/bin/consumer_train_digits
    ;;
  pkgconfig)
    export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
    flags=$(pkg-config --cflags --libs scratchnet)
    echo "pkg-config --cflags --libs scratchnet: $flags"
    data=$(pkg-config --variable=pkgdatadir scratchnet)
    [[ -f $data/digits/digits.csv.gz ]] || { echo "pkgdatadir '$data' does not hold the digits" >&2; exit 1; }
    program=$prefix/bin/consumer_train_digits_pkgconfig
    # The run path finds a shared libscratchnet in a private prefix.
    rpath=-Wl,-rpath,$(pkg-config --variable=libdir scratchnet)
    # shellcheck disable=SC2086  # the flags are words
    ${CXX:-c++} -std=c++20 -O2 "$example" -o "$program" $flags "$rpath"
    ;;
  *)
    echo "unknown mode '$mode' (cmake or pkgconfig)" >&2
    exit 2
    ;;
esac

cd "$work"
"$program"
