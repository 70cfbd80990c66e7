#pragma once
// Expecting a scratchnet::Error of a given kind whose message holds given
// fragments (file paths, the decoder's words, the setting to change).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scratchnet/core/error.h"

namespace scratchnet::testing {

// The message of the Error that f() throws (a test failure if it throws
// none or one of another kind).
template <class F>
std::string error_message(F&& f, ErrorKind kind) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

template <class F>
void expect_error(F&& f, ErrorKind kind, const std::vector<std::string>& fragments) {
  const std::string message = error_message(f, kind);
  for (const auto& fragment : fragments)
    EXPECT_NE(message.find(fragment), std::string::npos)
        << "'" << message << "' lacks '" << fragment << "'";
}

}  // namespace scratchnet::testing
