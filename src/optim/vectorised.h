#pragma once
// Internal: SCRATCHNET_VECTORISED marks an update rule written as one plain
// loop for the compiler to vectorise once per instruction set (AVX-512,
// AVX2, baseline x86-64); the loader picks the best the CPU has (GCC and
// Clang `target_clones`, dispatched through an ifunc). The clones are named
// by instruction-set feature, not by CPU: an `arch=skylake-avx512` clone is
// chosen only on CPUs that GCC identifies as that Intel model, so AMD's
// AVX-512 CPUs ran the SSE2 clone (Adam over the MLP's 235k parameters:
// 140 us per step on the bench/ machine, 4x the AVX-512 clone). The optimizer sources
// are compiled with -fno-math-errno (so that sqrt vectorises) and
// -ffp-contract=off: no multiply-add is fused, so every element goes through
// the same rounded operations on every instruction set and at every position,
// vector body and scalar tail alike (tests/optim: every position of a tensor
// is updated alike). An update therefore gives the same bits on any x86-64
// CPU. (The hand-written kernels this replaced fused some multiply-adds on
// AVX2/AVX-512 only: results moved by about one ulp per step.) Speed: see
// bench/micro_kernels.cpp (Optimizer/...).
//
// Arrays passed to a rule do not overlap (`__restrict`).

#if defined(__x86_64__)
#define SCRATCHNET_VECTORISED __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SCRATCHNET_VECTORISED
#endif
