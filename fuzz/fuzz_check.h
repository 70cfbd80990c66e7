#pragma once
// Shared by the fuzz targets: a scratchnet::Error is the expected answer to a
// bad input, except an internal one (a failed SCRATCHNET_CHECK), which is a
// bug; a broken invariant of a successful parse is a bug too. Bugs abort so
// that libFuzzer records the input.

#include <cstdio>
#include <cstdlib>

#include "scratchnet/core/error.h"

namespace scratchnet::fuzz {

inline void expected(const Error& e) {
  if (e.kind() == ErrorKind::kInternal) {
    std::fprintf(stderr, "internal error on fuzz input: %s\n", e.what());
    std::abort();
  }
}

#define FUZZ_REQUIRE(cond)                                                              \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

}  // namespace scratchnet::fuzz
