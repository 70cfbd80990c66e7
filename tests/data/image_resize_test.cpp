// Image resizing against hand-computed cases: the area filter when shrinking
// (whole and fractional pixel coverage), bilinear when enlarging (pixel
// centres at i + 0.5, edges repeated), each axis on its own, channels never
// mixed, constants kept constant.

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "scratchnet/data/image_resize.h"

namespace scratchnet {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes resized(const Bytes& in, std::size_t h, std::size_t w, std::size_t c, std::size_t out_h,
              std::size_t out_w) {
  Bytes out(out_h * out_w * c, 0);
  resize_image(in.data(), h, w, c, out.data(), out_h, out_w);
  return out;
}

TEST(ImageResize, AreaFilterWhenShrinking) {
  // 3 -> 2: output 0 covers pixels [0, 1.5): (0 * 1 + 30 * 0.5) / 1.5 = 10;
  // output 1 covers [1.5, 3): (30 * 0.5 + 60 * 1) / 1.5 = 50.
  EXPECT_EQ(resized({0, 30, 60}, 1, 3, 1, 1, 2), (Bytes{10, 50}));
  // 4x4 -> 2x2: the mean of each 2x2 block.
  const Bytes in = {0,  10, 100, 110,  //
                    20, 30, 120, 130,  //
                    1,  3,  200, 200,  //
                    5,  7,  200, 201};
  // Block means 15, 115, 4, 200.25 (rounded to 200).
  EXPECT_EQ(resized(in, 4, 4, 1, 2, 2), (Bytes{15, 115, 4, 200}));
  // 5 -> 1: the mean of all.
  EXPECT_EQ(resized({10, 20, 30, 40, 51}, 1, 5, 1, 1, 1), (Bytes{30}));
}

TEST(ImageResize, BilinearWhenEnlarging) {
  // 2 -> 4 samples positions -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
  EXPECT_EQ(resized({0, 100}, 1, 2, 1, 1, 4), (Bytes{0, 25, 75, 100}));
  // 2x2 -> 4x4: the same on both axes; (1, 1) samples (0.25, 0.25):
  // 0 * 0.5625 + 100 * 0.1875 + 100 * 0.1875 + 200 * 0.0625 = 50.
  const Bytes out = resized({0, 100, 100, 200}, 2, 2, 1, 4, 4);
  const Bytes expected = {0,   25,  75,  100,  //
                          25,  50,  100, 125,  //
                          75,  100, 150, 175,  //
                          100, 125, 175, 200};
  EXPECT_EQ(out, expected);
  // One pixel becomes a constant image.
  EXPECT_EQ(resized({42}, 1, 1, 1, 2, 3), Bytes(6, 42));
}

TEST(ImageResize, AxesAreIndependent) {
  // Width 2 -> 4 (bilinear) while height 2 -> 1 (area: the mean of the rows).
  const Bytes in = {0, 100,  //
                    100, 200};
  // Rows first: [0, 25, 75, 100] and [100, 125, 175, 200]; then their mean.
  EXPECT_EQ(resized(in, 2, 2, 1, 1, 4), (Bytes{50, 75, 125, 150}));
}

TEST(ImageResize, ChannelsDoNotMix) {
  // Two channels, the second 255 minus the first: resized values still pair up.
  Bytes in;
  for (int i = 0; i < 7 * 5; ++i) {
    const auto v = static_cast<std::uint8_t>((i * 37) % 256);
    in.push_back(v);
    in.push_back(static_cast<std::uint8_t>(255 - v));
  }
  for (auto [h, w] : {std::pair<std::size_t, std::size_t>{3, 2}, {11, 9}, {7, 3}}) {
    const Bytes out = resized(in, 7, 5, 2, h, w);
    for (std::size_t p = 0; p < h * w; ++p)
      EXPECT_NEAR(out[2 * p] + out[2 * p + 1], 255, 1) << h << "x" << w << " pixel " << p;
  }
}

TEST(ImageResize, ConstantsStayAndSameSizeCopies) {
  const Bytes flat(6 * 10 * 3, 77);
  for (auto [h, w] : {std::pair<std::size_t, std::size_t>{1, 1}, {4, 7}, {13, 29}, {6, 3}})
    EXPECT_EQ(resized(flat, 6, 10, 3, h, w), Bytes(h * w * 3, 77)) << h << "x" << w;
  Bytes ramp(12);
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<std::uint8_t>(i * 20);
  EXPECT_EQ(resized(ramp, 2, 2, 3, 2, 2), ramp);
}

}  // namespace
}  // namespace scratchnet
