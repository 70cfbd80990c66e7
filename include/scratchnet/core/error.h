#pragma once
// The one exception type the library throws. It carries what failed and where
// (file:line of the input, the config key, the shapes) in its message, and a
// kind that the command-line tool maps to an exit code. Library code never
// exits or aborts; only the CLI catches.

#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "scratchnet/core/export.h"

namespace scratchnet {

enum class ErrorKind {
  kUsage,       // a bad setting, flag or argument (CLI exit code 2)
  kData,        // a bad or missing input file (exit code 1)
  kDivergence,  // training produced a non-finite loss (exit code 3)
  kInterrupted, // the user asked to stop (Ctrl-C, SIGTERM) (exit code 130)
  kInternal,    // a broken invariant inside scratchnet (exit code 1)
};

class SCRATCHNET_API Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message)
      : std::runtime_error(std::move(message)), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

template <class... Args>
[[noreturn]] void throw_usage(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(ErrorKind::kUsage, fmt::format(format, std::forward<Args>(args)...));
}

template <class... Args>
[[noreturn]] void throw_data(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(ErrorKind::kData, fmt::format(format, std::forward<Args>(args)...));
}

template <class... Args>
[[noreturn]] void throw_internal(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(ErrorKind::kInternal, fmt::format(format, std::forward<Args>(args)...));
}

// Checks a condition that only a bug in scratchnet can break.
#define SCRATCHNET_CHECK(cond, ...)                                                  \
  do {                                                                               \
    if (!(cond)) ::scratchnet::throw_internal("{}:{}: check failed: {}: {}", __FILE__, \
                                              __LINE__, #cond, fmt::format(__VA_ARGS__)); \
  } while (0)

}  // namespace scratchnet
