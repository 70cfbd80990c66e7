// csv_field: the fields scratchnet writes (an experiment's results.csv)
// read back as the same cells, whatever they hold.

#include <gtest/gtest.h>

#include "scratchnet/data/csv.h"

namespace scratchnet {
namespace {

TEST(CsvField, QuotesOnlyWhatNeedsItAndReadsBack) {
  EXPECT_EQ(csv_field("adam"), "adam");
  EXPECT_EQ(csv_field("30,30"), "\"30,30\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  const std::vector<std::string> cells = {"30,30", "plain", "a \"quote\"", "two\nlines", ""};
  std::string text = "a,b,c,d,e\n";
  for (std::size_t i = 0; i < cells.size(); ++i) text += (i ? "," : "") + csv_field(cells[i]);
  CsvOptions options;
  options.delimiter = ',';
  const CsvTable table = parse_csv_table(text + "\n", "results.csv", options);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0], cells);
}

}  // namespace
}  // namespace scratchnet
