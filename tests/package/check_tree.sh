#!/usr/bin/env bash
# Checks an installed scratchnet tree (a `cmake --install` prefix, or the
# usr/ of an unpacked .deb) as a user would meet it:
#  - the layout: tool, library, every public header, CMake and pkg-config
#    files, data sets, man page, README;
#  - relocatable: no path of the source or build tree in the CMake and
#    pkg-config files or in the tool's constants;
#  - the tool runs: --version, and a built-in data set found under the tree's
#    share/ (and a clear error when it is not there);
#  - the Python package, when built: /usr/bin/python3 imports it from the
#    tree and loads a built-in data set found from the extension's folder.
#
#   check_tree.sh PREFIX WORKDIR
#
# The rest comes from ctest's environment (cmake/PackageTests.cmake):
# SCRATCHNET_SOURCE_DIR, SCRATCHNET_BUILD_DIR, SCRATCHNET_VERSION,
# SCRATCHNET_LIBDIR (relative to PREFIX), SCRATCHNET_MAN_PAGE (1 or 0),
# SCRATCHNET_PYTHON_DIR (relative to PREFIX; empty when the Python package is
# not built).
set -euo pipefail
prefix=$1 work=$2
libdir=$prefix/$SCRATCHNET_LIBDIR
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$work"

# Layout.
expected=(bin/scratchnet "$SCRATCHNET_LIBDIR"/cmake/scratchnet/scratchnetConfig.cmake
          "$SCRATCHNET_LIBDIR"/cmake/scratchnet/scratchnetConfigVersion.cmake
          "$SCRATCHNET_LIBDIR"/cmake/scratchnet/scratchnetTargets.cmake
          "$SCRATCHNET_LIBDIR"/pkgconfig/scratchnet.pc
          share/scratchnet/digits/digits.csv.gz share/scratchnet/arem/walking/dataset1.csv
          share/scratchnet/iris/iris.csv
          share/doc/scratchnet/README.md)
if [[ $SCRATCHNET_MAN_PAGE == 1 ]]; then expected+=(share/man/man1/scratchnet.1.gz); fi
for file in "${expected[@]}"; do
  [[ -f $prefix/$file ]] || fail "$prefix/$file is not installed"
done
compgen -G "$libdir/libscratchnet.*" >/dev/null || fail "no libscratchnet in $libdir"
(cd "$SCRATCHNET_SOURCE_DIR/include" && find scratchnet -name '*.h') | while read -r header; do
  [[ -f $prefix/include/$header ]] || fail "header $header is not installed"
done
if [[ $SCRATCHNET_MAN_PAGE == 1 ]]; then
  zcat "$prefix/share/man/man1/scratchnet.1.gz" | grep -q 'train' || fail "the man page lacks the commands"
fi

# Relocatable: nothing names the trees the package was built from.
for tree in "$SCRATCHNET_SOURCE_DIR" "$SCRATCHNET_BUILD_DIR"; do
  if grep -rlF "$tree" "$libdir/cmake/scratchnet" "$libdir/pkgconfig"; then
    fail "the files above name $tree"
  fi
  if readelf -p .rodata "$prefix/bin/scratchnet" | grep -F "$tree"; then
    fail "the tool's constants name $tree"
  fi
done

# The tool.
unset SCRATCHNET_DATA_DIR
version=$("$prefix/bin/scratchnet" --version)
[[ $version == "$SCRATCHNET_VERSION" ]] || fail "scratchnet --version says '$version'"
rm -rf "$work/run"
"$prefix/bin/scratchnet" train --data digits --epochs 1 --out "$work/run"
[[ -f $work/run/model.snm ]] || fail "train wrote no model"
# The bundled iris table, a CSV read by path like any user's table.
rm -rf "$work/run-iris"
"$prefix/bin/scratchnet" train --data "$prefix/share/scratchnet/iris/iris.csv" --label species \
  --epochs 1 --out "$work/run-iris"
[[ -f $work/run-iris/model.snm ]] || fail "train on the installed iris.csv wrote no model"

# The Python package, imported by the system interpreter from this tree (not
# from the build tree: PYTHONPATH names only the tree, the folder is elsewhere).
if [[ -n ${SCRATCHNET_PYTHON_DIR:-} ]]; then
  package=$prefix/$SCRATCHNET_PYTHON_DIR/scratchnet
  [[ -f $package/__init__.py ]] || fail "the Python package is not installed in $package"
  compgen -G "$package/_core*.so" >/dev/null || fail "the extension scratchnet._core is not in $package"
  (cd "$work" && PYTHONPATH=$prefix/$SCRATCHNET_PYTHON_DIR /usr/bin/python3 -c '
import sys, scratchnet
assert scratchnet.__file__.startswith(sys.argv[1]), scratchnet.__file__
assert scratchnet.__version__ == sys.argv[2], scratchnet.__version__
digits = scratchnet.datasets.load("digits")
assert digits.X.shape == (1797, 64), digits.X.shape
' "$package" "$SCRATCHNET_VERSION") || fail "the installed Python package does not work"
fi

# Without the tree's share/scratchnet the data sets are not found, unless this
# machine has them where the build would install them.
if [[ ! -e /usr/share/scratchnet && ! -e /usr/local/share/scratchnet ]]; then
  mv "$prefix/share/scratchnet" "$prefix/share/scratchnet.away"
  trap 'mv "$prefix/share/scratchnet.away" "$prefix/share/scratchnet"' EXIT
  if "$prefix/bin/scratchnet" train --data digits --epochs 1 --out "$work/run2" 2>"$work/err"; then
    fail "train found the digits without share/scratchnet"
  fi
  grep -q "bundled data sets (arem, digits, iris) are not installed" "$work/err" ||
    fail "unexpected error: $(cat "$work/err")"
fi
echo "check_tree: $prefix is complete and works"
