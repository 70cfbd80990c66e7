#pragma once
// Cells of a parsed table (data/csv.h) read as numbers or recognised as
// missing, and columns named the same way in every error message.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

struct CsvTable;

enum class NumberParse { kOk, kNotNumber, kNotFinite };

// Parses a whole cell as a finite number that a float can hold. Accepts what
// std::from_chars accepts (general format) plus one leading '+'. "inf",
// "nan" and values beyond float's range (1e999, 1e39) are kNotFinite;
// underflow (1e-400) is a valid, tiny number.
SCRATCHNET_API NumberParse parse_number(std::string_view cell, double& out);
SCRATCHNET_API bool is_number(std::string_view cell);

// An empty cell, or one of `markers` exactly (case-sensitive).
SCRATCHNET_API bool is_missing(std::string_view cell, const std::vector<std::string>& markers);

// "column 'x2' (2)" with a header, "column 2" without.
SCRATCHNET_API std::string column_label(const CsvTable& table, std::size_t column);

// A data error naming the header line and both columns when the header
// names a column twice (columns are found by name).
SCRATCHNET_API void check_unique_header(const CsvTable& table, const std::string& source);

}  // namespace scratchnet
