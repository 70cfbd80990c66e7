// ImageStream (data.cache = "none"): batches decoded on the fly equal the
// in-memory path's batches bit for bit, prefetched or not, served in
// prefetch order or out of it; a file broken after loading is a data error
// naming it.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/image_dataset.h"
#include "scratchnet/data/image_stream.h"
#include "support/expect_error.h"
#include "support/image_files.h"

namespace scratchnet {
namespace {

using testing::Bytes;

class ImageStreamTest : public ::testing::Test {
 protected:
  ImageStreamTest() : dir_("image_stream") {
    for (int i = 0; i < 10; ++i) {
      const int w = 5 + i % 4, h = 4 + i % 3;
      const int channels = i % 3 == 0 ? 1 : 3;
      const Bytes pixels = testing::smooth_pixels(w, h, channels, 13 * i);
      const std::string name =
          fmt::format("{}/{}.{}", i % 2 ? "odd" : "even", i, i % 4 ? "png" : "jpg");
      dir_.write(name, i % 4 ? testing::png_of(static_cast<std::uint32_t>(w),
                                               static_cast<std::uint32_t>(h), channels, pixels)
                             : testing::jpeg_of(w, h, channels, pixels));
    }
    // Large enough to decode at half size (ShrinkHint), in both paths alike.
    dir_.write("odd/big.jpg", testing::jpeg_of(20, 16, 3, testing::smooth_pixels(20, 16, 3)));
    ImageFolderOptions options;
    options.height = 6;
    options.width = 5;
    data_ = load_image_folder(dir_.str(), options);
  }

  // The in-memory batch of `indices`.
  std::vector<float> memory_batch(const std::vector<std::size_t>& indices) const {
    Tensor x, targets;
    std::vector<std::int32_t> labels;
    data_.train.gather(indices, x, labels, targets);
    return {x.data(), x.data() + x.size()};
  }

  testing::TempFolder dir_;
  ImageFolderData data_;
};

std::vector<float> values(const Tensor& x) { return {x.data(), x.data() + x.size()}; }

TEST_F(ImageStreamTest, BatchesEqualTheInMemoryOnes) {
  ImageStream stream(data_.train_files, data_.train.labels, data_.train.sample_shape,
                     data_.train.pixel_scale, 2);
  EXPECT_EQ(stream.size(), 11u);
  const std::vector<std::vector<std::size_t>> batches = {{3, 1, 7}, {0, 10, 9}, {4, 4, 2, 8}};
  Tensor x;
  std::vector<std::int32_t> labels;
  // Prefetched one ahead, as a trainer would.
  stream.prefetch(batches[0]);
  for (std::size_t b = 0; b < batches.size(); ++b) {
    if (b + 1 < batches.size()) stream.prefetch(batches[b + 1]);
    stream.gather(batches[b], x, labels);
    EXPECT_EQ(x.shape(), data_.train.sample_shape.with_batch(batches[b].size()));
    EXPECT_EQ(values(x), memory_batch(batches[b])) << "batch " << b;
    for (std::size_t i = 0; i < batches[b].size(); ++i)
      EXPECT_EQ(labels[i], data_.train.labels[batches[b][i]]);
  }
  // Not prefetched, and out of the announced order.
  stream.gather(batches[1], x, labels);
  EXPECT_EQ(values(x), memory_batch(batches[1]));
  stream.prefetch(batches[0]);
  stream.prefetch(batches[1]);
  stream.gather(batches[2], x, labels);
  EXPECT_EQ(values(x), memory_batch(batches[2]));
  stream.gather(batches[0], x, labels);
  EXPECT_EQ(values(x), memory_batch(batches[0]));
  EXPECT_GE(stream.stats().images, 10u + 3 + 4 + 3);
}

TEST_F(ImageStreamTest, AFileBrokenAfterLoadingIsNamed) {
  ImageStream stream(data_.train_files, data_.train.labels, data_.train.sample_shape);
  dir_.write("odd/3.png", "overwritten");
  Tensor x;
  std::vector<std::int32_t> labels;
  const std::size_t broken =
      static_cast<std::size_t>(std::find(data_.train_files.begin(), data_.train_files.end(),
                                         (dir_.path() / "odd/3.png").string()) -
                               data_.train_files.begin());
  const std::vector<std::size_t> batch = {0, broken};
  testing::expect_error([&] { stream.gather(batch, x, labels); }, ErrorKind::kData,
                        {"odd/3.png", "not a PNG"});
}

}  // namespace
}  // namespace scratchnet
