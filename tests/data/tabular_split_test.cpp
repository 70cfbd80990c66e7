// Loading a user's table for training (data/tabular_split.h): missing
// labels, the split matching today's split of all-numeric tables, the
// pipeline fitted on the training rows only, and a table made by
// scripts/make_tabular_table.py (label in the middle, semicolons, CRLF,
// missing cells in many spellings, rows ending in ";;", an id column) read,
// split and learnt.

#include "scratchnet/data/tabular_split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/data/split.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/adam.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {
namespace {

CsvOptions with_label(const std::string& label) {
  CsvOptions options;
  options.label = label;
  return options;
}

LabelledTable labelled(const std::string& text, const CsvOptions& options) {
  return label_table(parse_csv_table(text, "t.csv", options), "t.csv", options);
}

std::string error_of(const std::string& text, const CsvOptions& options) {
  try {
    labelled(text, options);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(TabularSplit, RowsWithoutALabelAreDroppedAndCounted) {
  const std::string text = "x,y,z\n1,a,2\n2,,3\n3,NA,4\n4,b,5\n5,a,6\n";
  const LabelledTable t = labelled(text, with_label("y"));
  EXPECT_EQ(t.dropped_rows, 2u);
  EXPECT_EQ(t.label_column, 1u);
  EXPECT_EQ(t.table.line_numbers, (std::vector<std::size_t>{2, 5, 6}));
  EXPECT_EQ(t.labels.labels, (std::vector<std::int32_t>{0, 1, 0}));
  EXPECT_EQ(t.labels.class_names, (std::vector<std::string>{"a", "b"}));

  CsvOptions strict = with_label("y");
  strict.tabular.missing_labels = MissingLabels::kError;
  const std::string e = error_of(text, strict);
  EXPECT_NE(e.find("t.csv:3: column 'y' (1): the label is missing ('')"), std::string::npos) << e;
  EXPECT_NE(e.find("data.missing_labels"), std::string::npos) << e;

  const std::string none = error_of("x,y\n1,NA\n2,?\n", with_label("y"));
  EXPECT_NE(none.find("t.csv: every one of the 2 rows has a missing label in column 'y' (1)"),
            std::string::npos)
      << none;
  const std::string twice = error_of("x,x,y\n1,2,a\n", with_label("y"));
  EXPECT_NE(twice.find("t.csv:1: the header names column 'x' twice"), std::string::npos) << twice;
}

TEST(TabularSplit, RegressionTargetsWithHoles) {
  std::string text = "x;target;kind\n";
  for (int i = 0; i < 20; ++i)
    text += fmt::format("{};{};{}\n", i % 6 ? std::to_string(i) : "NA",
                        i == 3 ? "?" : fmt::format("{}.5", i), i % 2 ? "u" : "v");
  const LabelledTable t = labelled(text, with_label("target"));
  EXPECT_EQ(t.labels.task, Task::kRegression);
  EXPECT_EQ(t.dropped_rows, 1u);
  Rng rng(1);
  const TabularSplit s = split_tabular(t, {}, 0.25, 0, 0, rng);
  EXPECT_EQ(s.train.data.size() + s.test.data.size(), 19u);
  EXPECT_EQ(s.test.data.size(), 5u);
  EXPECT_EQ(s.train.data.target_dim, 1u);
  EXPECT_EQ(s.train.data.feature_names, (std::vector<std::string>{"x", "kind=u", "kind=v"}));
}

TEST(TabularSplit, SingleClassIsAnError) {
  const LabelledTable t = labelled("x,y\n1,a\n2,a\n3,?\n", with_label("y"));
  Rng rng(1);
  try {
    split_tabular(t, {}, 0.25, 0, 0, rng);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("column 'y' (1) holds a single class ('a')"),
              std::string::npos)
        << e.what();
  }
}

// An all-numeric table of `rows` rows, three classes, the label in the middle.
std::string numeric_table(std::size_t rows) {
  std::string text = "a,b,label,c\n";
  Rng rng(5);
  for (std::size_t r = 0; r < rows; ++r)
    text += fmt::format("{:.4f},{:.3f},{},{}\n", rng.normal(), rng.uniform(0, 9), rng.below(3),
                        rng.below(100));
  return text;
}

TEST(TabularSplit, AllNumericTablesSplitAsTodayWithTheSameFeatures) {
  const std::string text = numeric_table(97);
  const CsvOptions options = with_label("label");
  for (const double validation : {0.0, 0.2}) {
    // Today: the whole table as a Dataset, split, then the validation part.
    const Dataset all =
        table_to_dataset(parse_csv_table(text, "t.csv", options), "t.csv", options);
    Rng today(11);
    const SplitIndices outer = split_dataset(all, 0.25, today);
    Dataset train = all.subset(outer.kept);
    Dataset val;
    if (validation > 0) {
      const Dataset rest = train;
      const SplitIndices inner = split_dataset(rest, validation, today);
      train = rest.subset(inner.kept);
      val = rest.subset(inner.held_out);
    }
    const Dataset test = all.subset(outer.held_out);

    Rng rng(11);
    const TabularSplit s = split_tabular(labelled(text, options), options.tabular, 0.25,
                                         validation, 0, rng);
    EXPECT_EQ(s.test_rows, outer.held_out);
    EXPECT_EQ(s.train.data.features, train.features);
    EXPECT_EQ(s.train.data.labels, train.labels);
    EXPECT_EQ(s.test.data.features, test.features);
    EXPECT_EQ(s.test.data.labels, test.labels);
    EXPECT_EQ(s.validation.data.features, val.features);
    EXPECT_EQ(s.train.data.feature_names, all.feature_names);
    EXPECT_EQ(s.train.data.class_names, all.class_names);
    EXPECT_EQ(s.pipeline.describe(), "3 numeric = 3 features");
  }
}

TEST(TabularSplit, PipelineIsFittedOnTheTrainingRowsOnly) {
  // Every row with x = 1000 and every "rare" category is held out: neither
  // may show in the fitted statistics or categories.
  std::string text = "x,color,y\n";
  for (int i = 0; i < 40; ++i)
    text += fmt::format("{},{},{}\n", i % 4 == 0 ? "1000" : (i % 7 == 0 ? "NA" : "1"),
                        i % 4 == 0 ? "rare" : (i % 2 ? "red" : "blue"), i % 2 ? "p" : "q");
  const LabelledTable t = labelled(text, with_label("y"));
  std::vector<std::size_t> train, test;
  for (std::size_t r = 0; r < 40; ++r) (r % 4 == 0 ? test : train).push_back(r);
  const TabularPipeline p = TabularPipeline::fit(t.table, t.label_column, train, {}, t.source);
  EXPECT_DOUBLE_EQ(p.columns()[0].fill, 1.0);
  EXPECT_EQ(p.columns()[1].categories, (std::vector<std::string>{"blue", "red"}));
  const TabularPart part = tabular_part(t, p, test);
  EXPECT_EQ(part.unseen, test.size());
  EXPECT_EQ(part.unseen_summary, fmt::format("color: {}", test.size()));
  EXPECT_EQ(part.data.feature_names, (std::vector<std::string>{"x", "color=blue", "color=red"}));
  EXPECT_EQ(part.data.size(), test.size());
}

TEST(TabularSplit, CrossValidationFoldsFitOnTheirOwnTrainingRows) {
  // Row 7 alone has "rare" and x = 500.
  std::string text = "x,color,y\n";
  for (int i = 0; i < 30; ++i)
    text += fmt::format("{},{},{}\n", i == 7 ? 500 : i % 5, i == 7 ? "rare" : (i % 3 ? "a" : "b"),
                        i % 2 ? "p" : "q");
  const LabelledTable t = labelled(text, with_label("y"));
  Rng rng(2);
  const TabularSplit s = split_tabular(t, {}, 0.2, 0, 0, rng);
  ASSERT_TRUE(std::find(s.train_rows.begin(), s.train_rows.end(), 7u) != s.train_rows.end());
  const std::vector<SplitIndices> folds = kfold_rows(t, s.train_rows, 4, rng);
  ASSERT_EQ(folds.size(), 4u);
  std::vector<std::size_t> held;
  for (const SplitIndices& fold : folds) {
    EXPECT_EQ(fold.kept.size() + fold.held_out.size(), s.train_rows.size());
    held.insert(held.end(), fold.held_out.begin(), fold.held_out.end());
    const TabularFold f = fit_fold(t, fold, {});
    EXPECT_EQ(f.train.data.size(), fold.kept.size());
    EXPECT_EQ(f.held_out.data.size(), fold.held_out.size());
    const bool rare_held_out =
        std::find(fold.held_out.begin(), fold.held_out.end(), 7u) != fold.held_out.end();
    const auto& categories = f.pipeline.columns()[1].categories;
    EXPECT_EQ(std::find(categories.begin(), categories.end(), "rare") != categories.end(),
              !rare_held_out);
    EXPECT_EQ(f.held_out.unseen, rare_held_out ? 1u : 0u);
  }
  std::sort(held.begin(), held.end());
  EXPECT_EQ(held, s.train_rows);  // the folds partition the training rows
}

std::string generated_table() {
  return read_text_file(std::string(SCRATCHNET_TEST_DATA_DIR) + "/tabular-semicolon.csv");
}

TEST(TabularSplit, GeneratedTableIsReadSplitAndEncoded) {
  CsvOptions options = with_label("outcome");
  options.tabular.drop = {"id"};
  options.tabular.missing_indicator = true;
  const LabelledTable t =
      label_table(parse_csv_table(generated_table(), "gen.csv", options), "gen.csv", options);
  EXPECT_EQ(t.table.delimiter, ';');
  EXPECT_EQ(t.label_column, 5u);
  EXPECT_GT(t.dropped_rows, 0u);
  EXPECT_EQ(t.table.rows.size() + t.dropped_rows, 300u);
  EXPECT_EQ(t.labels.class_names, (std::vector<std::string>{"high", "low", "mid"}));

  Rng rng(3);
  const TabularSplit s = split_tabular(t, options.tabular, 0.25, 0, 0, rng);
  const TabularPipeline& p = s.pipeline;
  // 7 numeric + site (5) + grade (4) + region (4, one holding the delimiter)
  // + an indicator for each of the 10 columns (each has missing cells).
  EXPECT_EQ(p.output_width(), 7u + 5 + 4 + 4 + 10);
  EXPECT_EQ(p.columns()[6].categories,
            (std::vector<std::string>{"east", "north", "north; east", "south"}));
  EXPECT_EQ(p.describe().rfind("7 numeric (7 with missing cells, median), 3 categorical -> 13 "
                               "one-hot (3 with missing cells, most frequent), 10 missing "
                               "indicators = 30 features; dropped column: id; ",
                               0),
            0u)
      << p.describe();
  for (const TabularPart* part : {&s.train, &s.test}) {
    EXPECT_EQ(part->data.features.size(), part->data.size() * p.output_width());
    for (float v : part->data.features) ASSERT_TRUE(std::isfinite(v));
  }
  EXPECT_EQ(s.train.unseen, 0u);
  const TabularPipeline back = decode_tabular_pipeline(encode_tabular_pipeline(p), "p.bin");
  EXPECT_EQ(tabular_part(t, back, s.test_rows).data.features, s.test.data.features);
}

TEST(TabularSplit, GeneratedTableIsLearnt) {
  CsvOptions options = with_label("outcome");
  options.tabular.drop = {"id"};
  const LabelledTable t =
      label_table(parse_csv_table(generated_table(), "gen.csv", options), "gen.csv", options);
  Rng split(1);
  TabularSplit s = split_tabular(t, options.tabular, 0.25, 0, 0, split);
  const Scaler scaler = Scaler::fit(ScalerKind::kStandard, s.train.data, s.pipeline.scaled_outputs());
  scaler.apply(s.train.data);
  scaler.apply(s.test.data);

  Network<float> net({Shape{s.pipeline.output_width()}, mlp_layers({32}, "relu", 3)});
  Rng rng(1);
  net.initialize(InitScheme(InitScheme::Kind::kHeNormal), rng);
  Adam optimizer(AdamOptions{.lr = 0.01});
  auto loss = make_loss<float>("softmax_cross_entropy");
  TrainOptions train;
  train.epochs = 30;
  train.batch_size = 32;
  train.evaluate_train = false;
  Trainer trainer(net, *loss, optimizer, train, rng);
  trainer.fit({.train = &s.train.data, .validation = nullptr, .test = nullptr}, {});
  // Three nearly balanced classes: guessing gives about 0.35. This network
  // reaches 0.73-0.85 over init seeds (0.85 with this one); scikit-learn's
  // logistic regression 0.83-0.90 on tables from the generator.
  EXPECT_GT(trainer.evaluate(s.test.data).accuracy, 0.7);
}

}  // namespace
}  // namespace scratchnet
