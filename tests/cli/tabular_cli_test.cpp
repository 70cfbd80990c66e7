// Tables as users bring them, through the command line: holes, words,
// trailing empty cells, the label in the middle; cross-validation; class
// weights; and the bad tables that must stop with a clear message.

#include <string>

#include "cli_support.h"

namespace scratchnet::cli_testing {
namespace {

using Tables = CliTest;

// 120 rows: a numeric column with holes in several spellings, a column of
// words, the label in the middle, rows ending in empty cells.
std::string messy_table() {
  std::string csv = "size;colour;label;weight;note\n";
  const char* holes[] = {"", "NA", "?", "nan", "-"};
  for (int i = 0; i < 120; ++i) {
    const int c = i % 3;
    const std::string size = i % 9 == 4 ? holes[i % 5] : std::to_string(c * 3 + (i % 7) * 0.2);
    const std::string colour = c == 0 ? "red" : c == 1 ? "green" : "blue";
    // The last cell mostly empty: rows end in the delimiter.
    csv += size + ";" + colour + ";" + (c == 0 ? "a" : c == 1 ? "b" : "c") + ";" + std::to_string(i % 4) + ";" +
           (i % 10 == 0 ? "checked" : "") + "\n";
  }
  return csv;
}

TEST_F(Tables, HolesWordsAndTrailingEmptyCellsTrainWithDataAndLabelOnly) {
  const std::string data = write("messy.csv", messy_table());
  const Result r = run("train --data " + data + " --label label --epochs 30 --out " + path("run"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("table: 2 numeric (1 with missing cells, median), 2 categorical"), std::string::npos)
      << r.output;
  EXPECT_GT(summary_value(path("run"), "test_accuracy"), 0.9);
  // predict on raw rows: a missing cell and a colour never seen in training.
  const std::string rows = write("new.csv", "note;weight;colour;size\n;1;red;\n;2;purple;6.2\n");
  const Result p = run("predict --model " + path("run/model.snm") + " --input " + rows);
  ASSERT_EQ(p.code, 0) << p.output;
  EXPECT_NE(p.output.find("predicted,p_a,p_b,p_c"), std::string::npos) << p.output;
  EXPECT_NE(p.output.find("unseen"), std::string::npos) << "a warning names the unseen category: " << p.output;
  const Result missing = run("predict --model " + path("run/model.snm") + " --input " +
                             write("short.csv", "colour;weight\nred;1\n"));
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_NE(missing.output.find("size"), std::string::npos) << missing.output;
}

TEST_F(Tables, CrossValidationReportsMeanAndSpreadThenTheFinalModel) {
  const Result r = run(std::string("train --data ") + SCRATCHNET_SOURCE_DIR +
                       "/data/iris/iris.csv --label species --cv 5 --epochs 40 --out " + path("run"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("cross-validation fold 5/5"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cross-validation (5 folds of the training part): accuracy "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" ± "), std::string::npos) << r.output;
  EXPECT_EQ(summary_value(path("run"), "cv_folds"), 5);
  const double mean = summary_value(path("run"), "cv_mean_accuracy"), spread = summary_value(path("run"), "cv_std_accuracy");
  EXPECT_GT(mean, 0.7);
  EXPECT_LE(mean, 1.0);
  EXPECT_GE(spread, 0.0);
  EXPECT_GT(summary_value(path("run"), "test_accuracy"), 0.7) << "the final model is tested once";
}

TEST_F(Tables, ClassWeightsAreCheckedAndUsed) {
  const std::string data = write("messy.csv", messy_table());
  const Result ok = run("train --data " + data + " --label label --epochs 3 --class-weight a=3,b=1 -q --out " + path("w"));
  ASSERT_EQ(ok.code, 0) << ok.output;
  const Result plain = run("train --data " + data + " --label label --epochs 3 -q --out " + path("p"));
  ASSERT_EQ(plain.code, 0) << plain.output;
  EXPECT_NE(summary_value(path("w"), "train_loss"), summary_value(path("p"), "train_loss"))
      << "the weights change the loss";
  const Result unknown = run("train --data " + data + " --label label --class-weight z=3 --out " + path("x"));
  EXPECT_EQ(unknown.code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("'z'"), std::string::npos) << unknown.output;
  EXPECT_FALSE(fs::exists(path("x")));
  EXPECT_EQ(run("train --data " + data + " --label label --class-weight a3 --out " + path("x")).code, 2);
}

TEST_F(Tables, BadTablesStopWithTheirReasonAndWriteNothing) {
  const auto expect_data_error = [&](const std::string& name, const std::string& text, const std::string& message) {
    const Result r = run("train --data " + write(name, text) + " --label label --out " + path("run"));
    EXPECT_EQ(r.code, 1) << name << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << name << "\n" << r.output;
    EXPECT_FALSE(fs::exists(path("run"))) << name;
  };
  expect_data_error("one.csv", "x,label\n1,a\n2,a\n3,a\n4,a\n", "single class");
  expect_data_error("twice.csv", "x,x,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n", "twice");
  expect_data_error("nolabels.csv", "x,label\n1,\n2,NA\n3,?\n", "missing label");
  expect_data_error("empty.csv", "x,y,label\n1,,a\n2,,b\n3,,a\n4,,b\n", "'y'");
}

}  // namespace
}  // namespace scratchnet::cli_testing
