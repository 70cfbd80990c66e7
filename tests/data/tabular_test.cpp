// The tabular pipeline (data/tabular.h): column typing, imputation and
// one-hot encoding fitted on training rows only, transform of new rows
// (missing cells, unseen categories, columns by name), the description, and
// the binary form against truncation and corruption.

#include "scratchnet/data/tabular.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/column_statistics.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/core/binary.h"

namespace scratchnet {
namespace {

CsvTable parse(const std::string& text) { return parse_csv_table(text, "t.csv", {}); }

std::vector<std::size_t> all_rows(const CsvTable& table) {
  std::vector<std::size_t> rows(table.rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  return rows;
}

// Fits to `rows` of `table` with the label in the last column.
TabularPipeline fit(const CsvTable& table, const std::vector<std::size_t>& rows,
                    const TabularOptions& options = {}) {
  return TabularPipeline::fit(table, table.rows.front().size() - 1, rows, options, "t.csv");
}

// The message of the Error `f` throws, checking its kind.
template <class F>
std::string error_of(F&& f, ErrorKind kind = ErrorKind::kData) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Tabular, AllNumericTableGivesWhatTableToDatasetGives) {
  const CsvTable table = parse("x1,y,x2\n1.5,0,2\n-3,1,4e1\n5,1,.5\n");
  CsvOptions options;
  options.label = "y";
  const Dataset strict = table_to_dataset(table, "t.csv", options);
  const TabularPipeline p =
      TabularPipeline::fit(table, 1, all_rows(table), {}, "t.csv");
  const TabularRows out = p.transform(table, "t.csv");
  EXPECT_EQ(out.features, strict.features);
  EXPECT_EQ(p.output_names(), strict.feature_names);
  EXPECT_EQ(p.scaled_outputs(), (std::vector<bool>{true, true}));
  EXPECT_EQ(p.describe(), "2 numeric = 2 features");
}

TEST(Tabular, MissingCellsTakeTheTrainingMedianInEverySpelling) {
  // Rows 0-4 are the training rows; the test rows (5, 6) hold a huge value
  // that would move the median and the mean if it leaked.
  const CsvTable table = parse(
      "x,y\n1,a\n2,b\nNA,a\n4,b\n10,a\n1000,b\n1000,a\n");
  const std::vector<std::size_t> train = {0, 1, 2, 3, 4};
  const TabularPipeline median = fit(table, train);
  ASSERT_EQ(median.columns().size(), 1u);
  EXPECT_DOUBLE_EQ(median.columns()[0].fill, 3.0);  // median of 1, 2, 4, 10
  EXPECT_EQ(median.columns()[0].missing, 1u);

  // Every default marker (and an empty cell) is missing in new rows.
  std::string text = "x,y\n";
  for (const std::string& marker : default_missing_markers()) text += marker + ",a\n";
  text += ",a\n\"\",a\n";
  const TabularRows out = median.transform(parse(text), "new.csv");
  EXPECT_EQ(out.features, std::vector<float>(default_missing_markers().size() + 2, 3.0f));

  TabularOptions mean;
  mean.impute = parse_impute_strategy("mean");
  EXPECT_DOUBLE_EQ(fit(table, train, mean).columns()[0].fill, 17.0 / 4);
  TabularOptions constant;
  constant.impute = parse_impute_strategy("constant:-1.5");
  EXPECT_DOUBLE_EQ(fit(table, train, constant).columns()[0].fill, -1.5);
  EXPECT_EQ(fit(table, train, constant).describe(),
            "1 numeric (1 with missing cells, constant:-1.5) = 1 feature");
}

TEST(Tabular, ImputeStatistics) {
  ImputeStrategy s;
  EXPECT_DOUBLE_EQ(impute_value({5, 1, 3}, s), 3.0);
  EXPECT_DOUBLE_EQ(impute_value({5, 1, 3, 100}, s), 4.0);
  s.kind = ImputeKind::kMostFrequent;
  EXPECT_DOUBLE_EQ(impute_value({2, 7, 7, 2, 9}, s), 2.0);  // tie: the smallest
  EXPECT_DOUBLE_EQ(impute_value({2, 7, 7, 9}, s), 7.0);
  s.kind = ImputeKind::kMean;
  EXPECT_DOUBLE_EQ(impute_value({1, 2, 6}, s), 3.0);
  EXPECT_EQ(to_string(parse_impute_strategy("most_frequent")), "most_frequent");
  for (const std::string bad : {"avg", "constant:", "constant:x", "constant:inf", "Median"})
    EXPECT_THROW(parse_impute_strategy(bad), Error) << bad;
  EXPECT_EQ(parse_missing_labels("error"), MissingLabels::kError);
  EXPECT_THROW(parse_missing_labels("skip"), Error);
}

TEST(Tabular, CategoriesAreLearntFromTrainingRowsOnlySortedAndOneHot) {
  // "violet" appears only in the test row 4: it must not become a category.
  const CsvTable table = parse("color,x,y\nred,1,a\nblue,2,b\nred,3,a\n,4,b\nviolet,5,a\n");
  const TabularPipeline p = fit(table, {0, 1, 2, 3});
  ASSERT_EQ(p.columns().size(), 2u);
  const TabularColumn& color = p.columns()[0];
  EXPECT_EQ(color.kind, TabularColumn::Kind::kCategorical);
  EXPECT_EQ(color.categories, (std::vector<std::string>{"blue", "red"}));
  EXPECT_EQ(color.categories[color.fill_category], "red");  // the most frequent
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"color=blue", "color=red", "x"}));
  EXPECT_EQ(p.scaled_outputs(), (std::vector<bool>{false, false, true}));

  const TabularRows out = p.transform(table, "t.csv");
  EXPECT_EQ(out.features, (std::vector<float>{0, 1, 1,  //
                                              1, 0, 2,  //
                                              0, 1, 3,  //
                                              0, 1, 4,  // missing -> red
                                              0, 0, 5}));  // unseen -> all zeros
  EXPECT_EQ(out.unseen, 1u);
  EXPECT_EQ(out.unseen_summary(p.columns()), "color: 1");
  EXPECT_EQ(p.describe(),
            "1 numeric, 1 categorical -> 2 one-hot (1 with missing cells, most frequent) = 3 "
            "features");
}

TEST(Tabular, TypingByMajorityAndForcedEitherWay) {
  // zip: numeric codes; half words in "mixed" is categorical.
  const CsvTable table = parse("zip,mixed,y\n10,a,0\n9,1,1\n10,b,0\n100,2,1\n");
  const TabularPipeline auto_typed = fit(table, all_rows(table));
  EXPECT_EQ(auto_typed.columns()[0].kind, TabularColumn::Kind::kNumeric);
  EXPECT_EQ(auto_typed.columns()[1].kind, TabularColumn::Kind::kCategorical);
  EXPECT_EQ(auto_typed.columns()[1].categories, (std::vector<std::string>{"1", "2", "a", "b"}));

  TabularOptions forced;
  forced.categorical = {"zip"};
  const TabularPipeline codes = fit(table, all_rows(table), forced);
  // Numeric codes sort by value, not by bytes.
  EXPECT_EQ(codes.columns()[0].categories, (std::vector<std::string>{"9", "10", "100"}));

  TabularOptions numeric;
  numeric.numeric = {"mixed"};
  const std::string e = error_of([&] { fit(table, all_rows(table), numeric); });
  EXPECT_TRUE(contains(e, "t.csv:2: column 'mixed' (1): 'a' is not a number")) << e;
}

TEST(Tabular, StrayWordInANumericColumnNamesFileLineColumnAndHowToFixIt) {
  // The column 2, 4, abc of the CSV tests.
  const CsvTable table = parse("x1,x2,y\n1,2,0\n3,4,1\n5,abc,1\n");
  const std::string e = error_of([&] { fit(table, all_rows(table)); });
  EXPECT_TRUE(contains(e, "t.csv:4: column 'x2' (1): 'abc' is not a number")) << e;
  EXPECT_TRUE(contains(e, "data.missing")) << e;
  EXPECT_TRUE(contains(e, "data.categorical")) << e;
  // The same word in a test row is found by transform.
  const TabularPipeline p = fit(table, {0, 1});
  const std::string t = error_of([&] { p.transform(table, "t.csv"); });
  EXPECT_TRUE(contains(t, "t.csv:4: column 'x2' (1): 'abc' is not a number")) << t;
}

TEST(Tabular, NanIsMissingButInfinityAndOverflowStayErrors) {
  const CsvTable nan = parse("x1,x2,y\n1,2,0\n3,nan,1\n5,NaN,1\n");
  EXPECT_EQ(fit(nan, all_rows(nan)).transform(nan, "t.csv").features,
            (std::vector<float>{1, 2, 3, 2, 5, 2}));
  for (const std::string cell : {"inf", "-inf", "+inf", "1e999", "1e39"}) {
    const CsvTable table = parse("x1,x2,y\n1,2,0\n3," + cell + ",1\n5,6,1\n");
    const std::string e = error_of([&] { fit(table, all_rows(table)); });
    EXPECT_TRUE(contains(e, "t.csv:3: column 'x2' (1): '" + cell + "' is not a finite number"))
        << e;
  }
}

TEST(Tabular, ColumnWithoutAnyValueIsAnErrorUnlessDropped) {
  const CsvTable table = parse("a,empty,y\n1,,0\n2,NA,1\n3,?,1\n");
  const std::string e = error_of([&] { fit(table, all_rows(table)); });
  EXPECT_TRUE(contains(e, "t.csv: column 'empty' (1) has no value in the 3 training rows")) << e;
  EXPECT_TRUE(contains(e, "data.drop")) << e;
  TabularOptions drop;
  drop.drop = {"empty"};
  const TabularPipeline p = fit(table, all_rows(table), drop);
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(p.describe(), "1 numeric = 1 feature; dropped column: empty");
  // Values in test rows only do not count: the training rows decide.
  const CsvTable late = parse("a,b,y\n1,,0\n2,NA,1\n3,7,1\n");
  EXPECT_THROW(fit(late, {0, 1}), Error);
}

TEST(Tabular, TooManyCategoriesNamesTheColumnAndTheWayOut) {
  std::string text = "id,x,y\n";
  for (int i = 0; i < 12; ++i) text += "r" + std::to_string(i) + "," + std::to_string(i) + ",0\n";
  const CsvTable table = parse(text);
  TabularOptions options;
  options.max_categories = 10;
  const std::string e = error_of([&] { fit(table, all_rows(table), options); });
  EXPECT_TRUE(contains(e, "column 'id' (0) has 12 distinct values")) << e;
  EXPECT_TRUE(contains(e, "data.max_categories = 10")) << e;
  EXPECT_TRUE(contains(e, "data.numeric")) << e;
  EXPECT_TRUE(contains(e, "data.drop")) << e;
  options.max_categories = 12;
  EXPECT_EQ(fit(table, all_rows(table), options).output_width(), 13u);
}

TEST(Tabular, MissingIndicatorsComeLastAsZeroOneAndUnscaled) {
  const CsvTable table = parse("a,b,c,y\n1,x,5,0\n?,y,6,1\n3,,7,0\n");
  TabularOptions options;
  options.missing_indicator = true;
  const TabularPipeline p = fit(table, all_rows(table), options);
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"a", "b=x", "b=y", "c", "a missing",
                                                         "b missing"}));
  EXPECT_EQ(p.scaled_outputs(), (std::vector<bool>{true, false, false, true, false, false}));
  EXPECT_EQ(p.transform(table, "t.csv").features,
            (std::vector<float>{1, 1, 0, 5, 0, 0,  //
                                2, 0, 1, 6, 1, 0,  //
                                3, 1, 0, 7, 0, 1}));  // b: tie x/y -> x, the first
  EXPECT_EQ(p.describe(),
            "2 numeric (1 with missing cells, median), 1 categorical -> 2 one-hot (1 with missing "
            "cells, most frequent), 2 missing indicators = 6 features");

  // A scaler fitted with the mask leaves the 0/1 columns alone.
  Dataset d;
  d.sample_shape = Shape{p.output_width()};
  d.features = p.transform(table, "t.csv").features;
  d.labels = {0, 1, 0};
  d.class_names = {"0", "1"};
  const Scaler s = Scaler::fit(ScalerKind::kStandard, d, p.scaled_outputs());
  EXPECT_EQ(s.offset(), (std::vector<float>{2, 0, 0, 6, 0, 0}));
  EXPECT_EQ(s.factor()[1], 1.0f);
  EXPECT_EQ(s.factor()[4], 1.0f);
  EXPECT_NE(s.factor()[0], 1.0f);
}

TEST(Tabular, NewTablesAreMatchedByHeaderName) {
  const CsvTable train = parse("a;color;y;b\n1;red;0;10\n2;blue;1;20\n3;red;1;30\n");
  const TabularPipeline p = TabularPipeline::fit(train, 2, all_rows(train), {}, "train.csv");
  // Columns in another order, an extra column, no label, missing cells.
  const CsvTable new_rows = parse("b,extra,color,a\n40,z,blue,\n,z,green,5\n");
  const TabularRows out = p.transform(new_rows, "new.csv");
  EXPECT_EQ(out.features, (std::vector<float>{2, 1, 0, 40,  // a missing -> median 2
                                              5, 0, 0, 20}));  // green unseen, b -> median 20
  EXPECT_EQ(out.unseen, 1u);
  const std::string e = error_of([&] { p.transform(parse("a,y\n1,0\n"), "new.csv"); });
  EXPECT_TRUE(contains(e, "new.csv: no column 'color' in the header")) << e;
  EXPECT_TRUE(contains(e, "a, color, b")) << e;
  const std::string twice =
      error_of([&] { p.transform(parse("a,color,b,a\n1,red,2,3\n"), "new.csv"); });
  EXPECT_TRUE(contains(twice, "new.csv:1: the header names column 'a' twice")) << twice;
}

TEST(Tabular, NewTablesWithoutHeaderAreMatchedByPosition) {
  // The label in the middle of a headerless training file.
  const CsvTable train = parse("1,cat,0,10\n2,dog,1,20\n3,cat,1,30\n");
  const TabularPipeline p = TabularPipeline::fit(train, 2, all_rows(train), {}, "train.csv");
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"0", "1=cat", "1=dog", "3"}));
  const std::vector<float> expected = {7, 0, 1, 70};
  EXPECT_EQ(p.transform(parse("7,dog,1,70\n"), "with_label.csv").features, expected);
  EXPECT_EQ(p.transform(parse("7,dog,70\n"), "without_label.csv").features, expected);
  const std::string e = error_of([&] { p.transform(parse("7,dog\n"), "short.csv"); });
  EXPECT_TRUE(contains(e, "short.csv: rows have 2 fields; the model reads a table of 4 columns, "
                          "or 3 without the label"))
      << e;
}

TEST(Tabular, OptionsNamingUnknownOrLabelColumnsAreUsageErrors) {
  const CsvTable table = parse("a,b,y\n1,2,0\n3,4,1\n");
  TabularOptions unknown;
  unknown.categorical = {"zip"};
  const std::string e = error_of([&] { fit(table, all_rows(table), unknown); }, ErrorKind::kUsage);
  EXPECT_TRUE(contains(e, "data.categorical: no column 'zip' in 't.csv'; its columns are: a, b, y"))
      << e;
  TabularOptions label;
  label.drop = {"y"};
  EXPECT_TRUE(contains(error_of([&] { fit(table, all_rows(table), label); }, ErrorKind::kUsage),
                       "data.drop: 'y' is the label column"));
  TabularOptions both;
  both.categorical = {"a"};
  both.numeric = {"0"};  // a position names the same column
  EXPECT_TRUE(contains(error_of([&] { fit(table, all_rows(table), both); }, ErrorKind::kUsage),
                       "in both data.categorical and data.numeric"));
  TabularOptions everything;
  everything.drop = {"a", "b"};
  EXPECT_TRUE(contains(error_of([&] { fit(table, all_rows(table), everything); }),
                       "no feature columns left"));
  const std::string duplicate = error_of([&] { fit(parse("a,a,y\n1,2,0\n"), {0}); });
  EXPECT_TRUE(contains(duplicate, "t.csv:1: the header names column 'a' twice (columns 0 and 1)"))
      << duplicate;
}

TEST(Tabular, ReplacedMissingMarkers) {
  const CsvTable table = parse("a,y\n-,0\n5,1\n-999,0\n7,1\n");
  TabularOptions options;
  options.missing = {"-999"};
  // "-" is a word now: a stray word in a numeric column.
  EXPECT_THROW(fit(table, all_rows(table), options), Error);
  const TabularPipeline p = fit(table, {1, 2, 3}, options);
  EXPECT_EQ(p.columns()[0].missing, 1u);
  EXPECT_DOUBLE_EQ(p.columns()[0].fill, 6.0);
}

TEST(Tabular, BytesRoundTripAndGiveTheSameFeatures) {
  const CsvTable table = parse(
      "a;color;y;b;grade\n1;red;0;10;x\n?;blue;1;;y\n3;;1;30;x\n4;red;0;NA;z\n");
  TabularOptions options;
  options.missing_indicator = true;
  options.impute = parse_impute_strategy("constant:2.5");
  options.categorical = {"b"};
  TabularPipeline p = TabularPipeline::fit(table, 2, all_rows(table), options, "t.csv");
  p.set_dropped_rows(3);
  const std::string bytes = encode_tabular_pipeline(p);
  const TabularPipeline back = decode_tabular_pipeline(bytes, "p.bin");
  EXPECT_TRUE(back == p);
  EXPECT_EQ(encode_tabular_pipeline(back), bytes);
  EXPECT_EQ(back.transform(table, "t.csv").features, p.transform(table, "t.csv").features);
  EXPECT_EQ(back.describe(), p.describe());
  EXPECT_TRUE(contains(back.describe(), "; 3 rows dropped: missing label"));
  EXPECT_TRUE(contains(back.details(), "categorical (2): 10, 30; 2 missing -> 10, indicator"))
      << back.details();

  // Every truncation is a data error; so is a trailing byte.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THROW(decode_tabular_pipeline(bytes.substr(0, n), "p.bin"), Error) << n;
  }
  EXPECT_THROW(decode_tabular_pipeline(bytes + "x", "p.bin"), Error);
  // Any flipped byte decodes to a consistent pipeline or is a data error,
  // never an internal one or a crash.
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (const unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
      try {
        const TabularPipeline q = decode_tabular_pipeline(bad, "p.bin");
        EXPECT_GT(q.output_width(), 0u);
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kData) << i << ": " << e.what();
      }
    }
  }
}

TEST(Tabular, HostileLengthsAreRejectedBeforeAllocating) {
  ByteWriter w;
  w.u8(1);                 // format
  w.u8(1);                 // header
  w.u64(3);                // width
  w.u64(2);                // label position
  w.str("y");
  w.u8(0);
  w.f64(0);
  w.u64(std::uint64_t{1} << 60);  // missing markers: far more than the bytes left
  const std::string e = error_of([&] { decode_tabular_pipeline(w.bytes(), "p.bin"); });
  EXPECT_TRUE(contains(e, "p.bin: file is truncated or corrupt (missing markers")) << e;
  ByteWriter v;
  v.u8(2);
  EXPECT_TRUE(contains(error_of([&] { decode_tabular_pipeline(v.bytes(), "p.bin"); }),
                       "table pipeline format 2 is not supported"));
}

}  // namespace
}  // namespace scratchnet
