// Datasets that borrow their features (the Python package's numpy arrays):
// every reader sees the view, nothing writes into it, and scaling works on a
// copy while "none" keeps reading the caller's memory.

#include <gtest/gtest.h>

#include "scratchnet/app/prepared_data.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/scaler.h"

namespace scratchnet {
namespace {

// Four samples of three features, labels 0 1 0 1.
Dataset borrowing(const std::vector<float>& values) {
  Dataset d;
  d.name = "borrowed";
  d.sample_shape = Shape{3};
  d.borrowed_features = values;
  d.labels = {0, 1, 0, 1};
  d.class_names = {"a", "b"};
  return d;
}

const std::vector<float> kValues = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

TEST(BorrowedFeatures, GatherAndSubsetReadTheView) {
  const Dataset d = borrowing(kValues);
  EXPECT_EQ(d.size(), 4u);
  EXPECT_TRUE(d.features.empty());
  EXPECT_EQ(d.float_features().data(), kValues.data());
  Tensor x, targets;
  std::vector<std::int32_t> labels;
  const std::vector<std::size_t> rows = {2, 0};
  d.gather(rows, x, labels, targets);
  EXPECT_EQ(std::vector<float>(x.span().begin(), x.span().end()), (std::vector<float>{7, 8, 9, 1, 2, 3}));
  EXPECT_EQ(labels, (std::vector<std::int32_t>{0, 0}));
  const Dataset part = d.subset(rows);
  EXPECT_TRUE(part.borrowed_features.empty());  // a copy of its own
  EXPECT_EQ(part.features, (std::vector<float>{7, 8, 9, 1, 2, 3}));
}

TEST(BorrowedFeatures, ScalingCopiesAndLeavesTheCallersArrayAlone) {
  std::vector<float> values = kValues;
  PreparedData data;
  data.train = borrowing(values);
  fit_scaler(data, ScalerKind::kStandard);
  EXPECT_EQ(values, kValues);
  EXPECT_TRUE(data.train.borrowed_features.empty());
  EXPECT_NEAR(data.train.features[0], -1.3416f, 1e-4);  // (1 - 5.5) / std(1, 4, 7, 10)
  // A scaler applied to a borrowing data set scales a copy too.
  Dataset more = borrowing(values);
  data.scaler.apply(more);
  EXPECT_EQ(values, kValues);
  EXPECT_EQ(more.features, data.train.features);
}

TEST(BorrowedFeatures, NoScalingKeepsReadingTheCallersMemory) {
  PreparedData data;
  data.train = borrowing(kValues);
  fit_scaler(data, ScalerKind::kNone);
  EXPECT_EQ(data.train.float_features().data(), kValues.data());
  EXPECT_TRUE(data.train.features.empty());
}

}  // namespace
}  // namespace scratchnet
