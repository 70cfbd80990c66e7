#pragma once
// The two pieces of JSON output scratchnet writes by hand (summaries,
// reports): numbers (non-finite as null) and escaped strings.

#include <string>

#include "scratchnet/core/export.h"

namespace scratchnet {

SCRATCHNET_API std::string json_number(double value);
SCRATCHNET_API std::string json_string(const std::string& text);

}  // namespace scratchnet
