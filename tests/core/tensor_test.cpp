#include "scratchnet/core/tensor.h"

#include <gtest/gtest.h>

#include <utility>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

Tensor counting(const Shape& shape) {
  Tensor t(shape);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(i);
  return t;
}

TEST(Tensor, AViewReadsAndWritesItsOwnersValues) {
  Tensor owner = counting(Shape{2, 3});
  Tensor view(Shape{2, 3});
  view.view_of(owner);
  EXPECT_TRUE(view.is_view());
  EXPECT_EQ(view.data(), owner.data());
  EXPECT_EQ(view.at(1, 2), 5.0f);
  view.at(0, 1) = 42.0f;
  EXPECT_EQ(owner.at(0, 1), 42.0f);
  owner.fill(-1.0f);
  EXPECT_EQ(view[4], -1.0f);
  // Another shape of the same count is allowed; another count is not.
  view.resize(Shape{3, 2});
  EXPECT_EQ(view.rows(), 3u);
  EXPECT_THROW(view.resize(Shape{7}), Error);
}

TEST(Tensor, ACopyOfAViewOwnsItsValuesAndAMoveKeepsTheView) {
  Tensor owner = counting(Shape{4});
  Tensor view;
  view.view_of(owner);
  Tensor copy = view;
  EXPECT_FALSE(copy.is_view());
  EXPECT_NE(copy.data(), owner.data());
  copy[0] = 9.0f;
  EXPECT_EQ(owner[0], 0.0f);
  Tensor moved = std::move(view);
  EXPECT_TRUE(moved.is_view());
  EXPECT_EQ(moved.data(), owner.data());
  EXPECT_TRUE(view.empty());  // NOLINT(bugprone-use-after-move): a moved-from tensor is empty
  Tensor assigned;
  assigned = moved;
  EXPECT_FALSE(assigned.is_view());
  EXPECT_EQ(assigned[3], 3.0f);
}

TEST(Tensor, ARowViewSeesItsRowsOfTheOwner) {
  const Tensor owner = counting(Shape{4, 2, 3});  // 4 samples of 2 x 3
  Tensor rows;
  rows.view_of_rows(owner, 1, 3, Shape{2, 3});
  EXPECT_EQ(rows.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows.data(), owner.row(1));
  EXPECT_EQ(rows.at(1, 5), 17.0f);  // sample 2's last value
  Tensor none;
  none.view_of_rows(owner, 4, 4, Shape{2, 3});
  EXPECT_TRUE(none.empty());
}

TEST(Tensor, MovingAnOwnerKeepsItsStorage) {
  Tensor owner = counting(Shape{100});
  const float* where = owner.data();
  Tensor moved = std::move(owner);
  EXPECT_EQ(moved.data(), where);
  EXPECT_EQ(moved[99], 99.0f);
  EXPECT_EQ(owner.size(), 0u);  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace scratchnet
