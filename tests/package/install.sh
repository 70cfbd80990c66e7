#!/usr/bin/env bash
# `cmake --install` of the build tree into a fresh PREFIX, then checks it
# (check_tree.sh). The ctest fixture that the consumer tests need.
#
#   install.sh PREFIX WORKDIR      (environment: see check_tree.sh)
set -euo pipefail
prefix=$1 work=$2
rm -rf "$prefix"
cmake --install "$SCRATCHNET_BUILD_DIR" --prefix "$prefix"
"$(dirname "$0")/check_tree.sh" "$prefix" "$work"
