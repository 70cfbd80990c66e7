#!/usr/bin/env bash
# The Debian package, built and examined without installing it on this
# machine (issue 19):
#  1. `cpack -G DEB` makes scratchnet_<version>_<arch>.deb;
#  2. its Depends cover every shared library the tool (and libscratchnet.so)
#     links, and every pkg-config module scratchnet.pc requires (what a
#     find_package or pkg-config consumer compiles and links against);
#  3. unpacked with `dpkg-deb -x` into a throw-away root, its usr/ passes
#     check_tree.sh (layout, relocatable, the tool trains on a built-in data
#     set found in the root's share/);
#  4. the README's library example builds against the root with
#     find_package(scratchnet) and runs from it.
#
#   deb.sh WORKDIR      (environment: see check_tree.sh)
set -euo pipefail
work=$1
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"

# 1. The package.
cpack -G DEB --config "$SCRATCHNET_BUILD_DIR/CPackConfig.cmake" -B "$work/cpack"
deb=$work/cpack/scratchnet_${SCRATCHNET_VERSION}_$(dpkg --print-architecture).deb
[[ -f $deb ]] || fail "cpack made no $deb"
root=$work/root
dpkg-deb -x "$deb" "$root"
prefix=$root/usr

# 2. Depends. A package is covered when Depends names it, or names a package
# (installed here) that depends on it: libopenblas0 -> libopenblas0-pthread.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
names() { tr ',|' '\n\n' | sed 's/(.*)//; s/^ *//; s/ *$//; /^$/d'; }
listed=$(names <<<"$depends")
covered() {
  grep -qx "$1" <<<"$listed" && return 0
  local name
  for name in $listed; do
    dpkg-query -W -f='${Depends}' "$name" 2>/dev/null | names | grep -qx "$1" && return 0
  done
  return 1
}
owner() {  # the package owning a file of this machine
  local path
  for path in "$1" "$(realpath "$1")"; do
    dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1 && return 0
  done
  return 0
}
binaries=("$prefix/bin/scratchnet")
for lib in "$prefix/$SCRATCHNET_LIBDIR"/libscratchnet.so.*; do
  [[ -f $lib && ! -L $lib ]] && binaries+=("$lib")
done
for lib in "$prefix"/lib/python3/dist-packages/scratchnet/_core*.so; do  # the Python extension
  [[ -f $lib ]] && binaries+=("$lib")
done
if [[ -n ${SCRATCHNET_PYTHON_DIR:-} ]]; then
  grep -qx python3-numpy <<<"$listed" || fail "the Python package needs numpy, which Depends does not name"
fi
for binary in "${binaries[@]}"; do
  resolved=$(ldd "$binary")
  for soname in $(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    # "libz.so.1 => /lib/.../libz.so.1 (0x...)", or the loader as "/lib64/ld-linux-x86-64.so.2 (0x...)"
    path=$(awk -v so="$soname" '$1 == so && $2 == "=>" {print $3; exit}
                                 $1 ~ "/" so "$" {print $1; exit}' <<<"$resolved")
    [[ $path == "$root"/* ]] && continue  # the package's own library
    [[ -n $path ]] || fail "$binary: $soname is not found on this machine"
    package=$(owner "$path")
    [[ -n $package ]] || fail "no package owns $path ($soname)"
    covered "$package" || fail "$binary links $soname ($package), which Depends does not cover"
  done
done
export PKG_CONFIG_PATH=$prefix/$SCRATCHNET_LIBDIR/pkgconfig
for module in $(pkg-config --print-requires scratchnet | cut -d' ' -f1); do
  package=$(owner "$(pkg-config --path "$module")")
  [[ -n $package ]] || fail "no package owns the pkg-config module $module"
  covered "$package" || fail "scratchnet.pc requires $module ($package), which Depends does not cover"
done
# For the static library scratchnetConfig.cmake finds OpenBLAS, libspng and
# TurboJPEG with pkg-config.
if grep -q "set(scratchnet_STATIC ON)" "$prefix/$SCRATCHNET_LIBDIR/cmake/scratchnet/scratchnetConfig.cmake"; then
  grep -qx -e pkgconf -e pkg-config <<<"$listed" ||
    fail "scratchnetConfig.cmake uses pkg-config, which Depends does not name"
fi

# 3. The unpacked tree: layout, relocatable, the tool, the Python package
# (under /usr in Debian's lib/python3/dist-packages, python/CMakeLists.txt).
if [[ ${SCRATCHNET_PYTHON_DIR:-} == */dist-packages ]]; then
  export SCRATCHNET_PYTHON_DIR=lib/python3/dist-packages
fi
"$here/check_tree.sh" "$prefix" "$work/tree"

# 4. A program built against it.
"$here/../consumer/build_and_run.sh" cmake "$prefix" "$SCRATCHNET_LIBDIR" "$work/consumer"
echo "deb: $(basename "$deb") is complete and works"
