// The float kernels for AVX2 + FMA CPUs, selected at run time (kernels.cpp).
// Everything after the pragma is compiled for AVX2; the standard and
// intrinsic headers come first so none of their inline functions is.

#include <cstddef>

#include "kernels_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

namespace scratchnet::avx2 {
namespace {
#include "simd.h"
// (after simd.h: written over its wrappers)
#include "kernels_isa.h"
constexpr detail::FloatKernels kTable = IsaKernels<Avx2>::table("avx2", {});
}  // namespace
}  // namespace scratchnet::avx2

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace scratchnet::detail {
const FloatKernels* const kAvx2Kernels = &avx2::kTable;
}  // namespace scratchnet::detail

#else
namespace scratchnet::detail {
const FloatKernels* const kAvx2Kernels = nullptr;
}  // namespace scratchnet::detail
#endif
