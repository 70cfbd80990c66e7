// Writing image sets as image folders: PNGs decode to the planes they were
// made from; a written set loads back as the same images, classes and
// labels (class-major order, as an image folder is read); class names
// become safe folder names.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/image_dataset.h"
#include "scratchnet/data/image_decode.h"
#include "scratchnet/data/image_export.h"
#include "support/image_files.h"

namespace scratchnet {
namespace {

using testing::Bytes;

TEST(ImageExport, PngHoldsThePlanes) {
  // Planes (3, 2, 2): R, G, B.
  const Bytes planes = {1, 2, 3, 4, 10, 20, 30, 40, 100, 110, 120, 130};
  const DecodedImage rgb = decode_image(encode_png(planes.data(), 3, 2, 2), "x.png");
  EXPECT_EQ(rgb.color, ImageColor::kColor);
  EXPECT_EQ(rgb.pixels, (Bytes{1, 10, 100, 2, 20, 110, 3, 30, 120, 4, 40, 130}));
  const DecodedImage gray = decode_image(encode_png(planes.data(), 1, 3, 4), "g.png");
  EXPECT_EQ(gray.height, 3u);
  EXPECT_EQ(gray.pixels, Bytes(planes.begin(), planes.end()));
}

TEST(ImageExport, ClassFolderNames) {
  EXPECT_EQ(class_folder_name("T-shirt/top"), "T-shirt-top");
  EXPECT_EQ(class_folder_name("Ankle boot"), "Ankle boot");
  EXPECT_EQ(class_folder_name(".hidden"), "_hidden");
  EXPECT_EQ(class_folder_name(""), "_");
}

TEST(ImageExport, WrittenFolderLoadsBack) {
  // Five gray 3x2 images of classes b, a/x, b, a/x, b.
  Dataset d;
  d.name = "made";
  d.sample_shape = Shape{1, 3, 2};
  d.class_names = {"b", "a/x"};
  d.labels = {0, 1, 0, 1, 0};
  for (int i = 0; i < 5; ++i)
    for (int p = 0; p < 6; ++p) d.pixels.push_back(static_cast<std::uint8_t>(40 * i + p));
  testing::TempFolder dir("image_export");
  std::size_t calls = 0;
  write_image_folder(d, dir.str(), [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, 5u);
    EXPECT_EQ(done, ++calls);
  });
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "a-x" / "1.png"));

  const Dataset back = load_image_folder(dir.str(), ImageFolderOptions{}).train;
  // Classes sorted by folder name: a-x (samples 1, 3), then b (0, 2, 4).
  EXPECT_EQ(back.class_names, (std::vector<std::string>{"a-x", "b"}));
  EXPECT_EQ(back.labels, (std::vector<std::int32_t>{0, 0, 1, 1, 1}));
  EXPECT_EQ(back.sample_shape, d.sample_shape);
  Bytes expected;
  for (std::size_t i : {1, 3, 0, 2, 4})
    expected.insert(expected.end(), d.pixels.begin() + static_cast<std::ptrdiff_t>(6 * i),
                    d.pixels.begin() + static_cast<std::ptrdiff_t>(6 * i + 6));
  EXPECT_EQ(back.pixels, expected);

  d.class_names = {"a/b", "a-b"};
  EXPECT_THROW(write_image_folder(d, dir.str()), Error);
}

}  // namespace
}  // namespace scratchnet
