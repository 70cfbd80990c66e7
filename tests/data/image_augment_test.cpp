// Training-batch augmentation: the list form parses (bad items are usage
// errors naming them) and prints back; the same seed gives the same batches;
// flips mirror rows; crops move the image by at most the padding with zeros
// coming in; jitter keeps values in [0, 1] and constant images constant.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/image_augment.h"

namespace scratchnet {
namespace {

// A batch (B, C, H, W) of distinct values in (0, 1): no two pixels alike, so
// any move is visible.
Tensor distinct_batch(std::size_t b, std::size_t c, std::size_t h, std::size_t w) {
  Tensor x(Shape{b, c, h, w});
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(i + 1) / static_cast<float>(x.size() + 1);
  return x;
}

float at(const Tensor& x, std::size_t b, std::size_t c, std::size_t y, std::size_t xx) {
  const Shape& s = x.shape();
  return x[((b * s[1] + c) * s[2] + y) * s[3] + xx];
}

std::vector<float> values(const Tensor& x) { return {x.data(), x.data() + x.size()}; }

TEST(ImageAugment, ParsesTheListForm) {
  const ImageAugmentOptions o = parse_image_augment({"crop:4", "flip", "jitter:0.1"});
  EXPECT_EQ(o.crop_padding, 4u);
  EXPECT_TRUE(o.flip);
  EXPECT_FLOAT_EQ(o.jitter, 0.1f);
  EXPECT_TRUE(o.active());
  EXPECT_EQ(format_image_augment(o), (std::vector<std::string>{"crop:4", "flip", "jitter:0.1"}));
  EXPECT_FALSE(parse_image_augment({}).active());

  for (const std::string bad : {"rotate", "crop", "crop:0", "crop:x", "crop:99", "flip:1", "jitter",
                                "jitter:1.5", "jitter:-0.1", "jitter:0.1x"}) {
    try {
      parse_image_augment({"flip", bad});
      ADD_FAILURE() << "no error for " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_NE(std::string(e.what()).find("'" + bad + "'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("data.augment"), std::string::npos) << e.what();
    }
  }
}

TEST(ImageAugment, SameSeedSameBatches) {
  const ImageAugmentOptions o = parse_image_augment({"crop:2", "flip", "jitter:0.2"});
  ImageAugmenter a(o, 7), b(o, 7), c(o, 8);
  for (int step = 0; step < 3; ++step) {
    Tensor xa = distinct_batch(6, 3, 5, 5), xb = xa, xc = xa;
    a.apply(xa);
    b.apply(xb);
    c.apply(xc);
    EXPECT_EQ(values(xa), values(xb)) << "step " << step;
    EXPECT_NE(values(xa), values(xc)) << "step " << step;
    EXPECT_NE(values(xa), values(distinct_batch(6, 3, 5, 5)));
  }
}

TEST(ImageAugment, FlipMirrorsRowsOfEveryChannel) {
  ImageAugmentOptions o;
  o.flip = true;
  ImageAugmenter augmenter(o, 1);
  const Tensor original = distinct_batch(32, 2, 3, 4);
  Tensor x = original;
  augmenter.apply(x);
  std::size_t flipped = 0;
  for (std::size_t b = 0; b < 32; ++b) {
    // Either untouched or every row reversed, in both channels alike.
    const bool mirrored = at(x, b, 0, 0, 0) == at(original, b, 0, 0, 3);
    flipped += mirrored;
    for (std::size_t c = 0; c < 2; ++c)
      for (std::size_t y = 0; y < 3; ++y)
        for (std::size_t xx = 0; xx < 4; ++xx)
          EXPECT_EQ(at(x, b, c, y, xx), at(original, b, c, y, mirrored ? 3 - xx : xx));
  }
  // Probability 1/2 each: both outcomes occur among 32 samples.
  EXPECT_GT(flipped, 4u);
  EXPECT_LT(flipped, 28u);
}

TEST(ImageAugment, CropMovesByAtMostThePaddingWithZerosComingIn) {
  ImageAugmentOptions o;
  o.crop_padding = 2;
  ImageAugmenter augmenter(o, 3);
  const std::size_t h = 5, w = 6;
  const Tensor original = distinct_batch(40, 2, h, w);
  Tensor x = original;
  augmenter.apply(x);
  std::vector<int> shifts_seen;
  for (std::size_t b = 0; b < 40; ++b) {
    // Find the move (dy, dx) that explains the output: out(y, x) = in(y + dy, x + dx) or 0.
    int found = 0;
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx) {
        bool match = true;
        for (std::size_t c = 0; c < 2 && match; ++c)
          for (std::size_t y = 0; y < h && match; ++y)
            for (std::size_t xx = 0; xx < w && match; ++xx) {
              const int sy = static_cast<int>(y) + dy, sx = static_cast<int>(xx) + dx;
              const bool inside =
                  sy >= 0 && sy < static_cast<int>(h) && sx >= 0 && sx < static_cast<int>(w);
              const float expected = inside ? at(original, b, c, static_cast<std::size_t>(sy),
                                                 static_cast<std::size_t>(sx))
                                            : 0.0f;
              match = at(x, b, c, y, xx) == expected;
            }
        if (match) {
          ++found;
          shifts_seen.push_back((dy + 2) * 5 + (dx + 2));
        }
      }
    EXPECT_EQ(found, 1) << "sample " << b;
  }
  std::sort(shifts_seen.begin(), shifts_seen.end());
  shifts_seen.erase(std::unique(shifts_seen.begin(), shifts_seen.end()), shifts_seen.end());
  EXPECT_GT(shifts_seen.size(), 10u);  // of the 25 moves, many occur in 40 draws
}

TEST(ImageAugment, JitterStaysInRangeAndKeepsConstantsConstant) {
  ImageAugmentOptions o;
  o.jitter = 0.5f;
  ImageAugmenter augmenter(o, 5);
  Tensor x = distinct_batch(8, 3, 4, 4);
  augmenter.apply(x);
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_GE(x[i], 0.0f);
    EXPECT_LE(x[i], 1.0f);
  }
  // A constant image: contrast about its mean changes nothing, brightness scales it.
  Tensor flat(Shape{4, 1, 3, 3});
  flat.fill(0.4f);
  augmenter.apply(flat);
  for (std::size_t b = 0; b < 4; ++b) {
    const float v = flat[b * 9];
    EXPECT_GE(v, 0.4f * 0.5f - 1e-6f);
    EXPECT_LE(v, 0.4f * 1.5f + 1e-6f);
    for (std::size_t i = 1; i < 9; ++i) EXPECT_NEAR(flat[b * 9 + i], v, 1e-6f);
  }
}

}  // namespace
}  // namespace scratchnet
