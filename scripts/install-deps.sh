#!/usr/bin/env bash
# Installs the Debian 12 packages scratchnet needs to build and test.
# Run as root (the README's commands do). Safe to run again.
set -euo pipefail
packages=(
  cmake make g++ pkg-config        # build
  libopenblas-dev                  # matrix multiply
  libcli11-dev                     # command-line parsing
  libtomlplusplus-dev              # config files
  libfmt-dev                       # formatting
  zlib1g-dev                       # .gz data, checksums
  libspng-dev libturbojpeg0-dev    # image folders: PNG, JPEG (and BMP, PPM/PGM)
  libgtest-dev libgmock-dev        # tests
  clang libclang-rt-14-dev         # fuzzers (libFuzzer, scripts/fuzz.sh)
  gnuplot-nox                      # plots of runs and experiments
  libopenmpi-dev openmpi-bin       # data-parallel training (mpirun -np N)
  dataset-fashion-mnist            # the fashion-mnist data set (IDX files)
  # The Python package (python/, issue 12): build, tests, scikit-learn estimators, notebooks
  pybind11-dev python3-dev python3-numpy
  python3-pytest python3-sklearn python3-pandas
  python3-onnx python3-torch       # interchange tests: ONNX checker, PyTorch (issue 15)
  jupyter-nbconvert python3-ipykernel python3-matplotlib
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
