// Fuzzes the decoding of a tabular pipeline (data/tabular.h), the part of a
// model file that says how raw table cells become features. A pipeline that
// decodes must encode back to the same bytes and transform a table of its
// layout (numbers, empty cells, its first categories, an unseen word)
// without an internal error; anything else must be a data error.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "scratchnet/data/tabular.h"

using namespace scratchnet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const TabularPipeline p = decode_tabular_pipeline(bytes, "fuzz.bin");
    FUZZ_REQUIRE(encode_tabular_pipeline(p) == bytes);
    FUZZ_REQUIRE(p.output_names().size() == p.output_width());
    FUZZ_REQUIRE(!p.describe().empty());
    const std::size_t width = p.training_width();
    if (width > 256) return 0;  // the width comes from the bytes; keep the table small
    // Rows in the training layout: a number, an empty cell, a known and an
    // unseen category (numbers in numeric columns).
    CsvTable table;
    for (std::size_t r = 0; r < 4; ++r) {
      std::vector<std::string> row(width, "0");
      for (const TabularColumn& c : p.columns()) {
        const bool numeric = c.kind == TabularColumn::Kind::kNumeric;
        row[c.position] = r == 1   ? ""
                          : r == 2 ? (numeric ? "1.5" : c.categories.front())
                          : r == 3 ? (numeric ? "-2" : "unseen word")
                                   : "NA";
      }
      table.rows.push_back(std::move(row));
      table.line_numbers.push_back(r + 1);
    }
    try {
      const TabularRows out = p.transform(table, "fuzz.csv");
      FUZZ_REQUIRE(out.features.size() == 4 * p.output_width());
    } catch (const Error& e) {
      fuzz::expected(e);
    }
  } catch (const Error& e) {
    fuzz::expected(e);
  }
  return 0;
}
