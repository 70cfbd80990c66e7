// Loading image folders into Datasets: mixed PNG/JPEG, gray/RGB, varying
// sizes resized to one; pixels equal the reference written by the test;
// automatic size and channels; broken files stop the load naming the first
// one in sample order, or are skipped and listed; the result does not depend
// on the number of threads; progress is reported on the calling thread; the
// train/test split; the --data resolution of load_dataset and
// load_predefined_split.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"
#include "scratchnet/data/image_dataset.h"
#include "scratchnet/data/image_resize.h"
#include "support/expect_error.h"
#include "support/image_files.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;
using testing::TempFolder;

// Interleaved (H, W, C) to planes (C, H, W).
Bytes planes(const Bytes& interleaved, std::size_t pixels, std::size_t channels) {
  Bytes out(interleaved.size());
  for (std::size_t c = 0; c < channels; ++c)
    for (std::size_t p = 0; p < pixels; ++p) out[c * pixels + p] = interleaved[p * channels + c];
  return out;
}

Bytes sample(const Dataset& d, std::size_t i) {
  const std::size_t n = d.num_features();
  return Bytes(d.pixels.begin() + static_cast<std::ptrdiff_t>(i * n),
               d.pixels.begin() + static_cast<std::ptrdiff_t>((i + 1) * n));
}

template <class F>
std::string error_of(F&& f, ErrorKind kind) {
  return testing::error_message(f, kind);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// a/: a gray 6x4 PNG, an RGB 10x8 JPEG in a subfolder; b/: a gray 5x5 JPEG
// (upper-case extension), an RGB 4x4 PNG; c/ empty; a stray text file.
class MixedFolder : public ::testing::Test {
 protected:
  MixedFolder() : dir_("image_dataset_mixed") {
    gray_ = testing::smooth_pixels(4, 6, 1, 3);  // width 4, height 6
    rgb_ = testing::smooth_pixels(4, 4, 3, 7);
    dir_.write("a/1.png", testing::png_of(4, 6, 1, gray_));
    dir_.write("a/deeper/2.jpg", testing::jpeg_of(10, 8, 3, testing::smooth_pixels(10, 8, 3)));
    dir_.write("b/3.JPEG", testing::jpeg_of(5, 5, 1, testing::smooth_pixels(5, 5, 1)));
    dir_.write("b/4.png", testing::png_of(4, 4, 3, rgb_));
    dir_.write("b/notes.txt", "a stray file");
    dir_.mkdir("c");
  }
  TempFolder dir_;
  Bytes gray_, rgb_;
};

TEST_F(MixedFolder, LoadsEveryImageAtTheGivenSize) {
  ImageFolderOptions options;
  options.height = options.width = 4;
  const ImageFolderData data = load_image_folder(dir_.str(), options);
  const Dataset& d = data.train;
  EXPECT_EQ(d.sample_shape, (Shape{3, 4, 4}));  // colour files present: 3 channels
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 0, 1, 1}));
  EXPECT_TRUE(d.is_image());
  EXPECT_FLOAT_EQ(d.pixel_scale, 1.0f / 255);
  EXPECT_EQ(data.test.size(), 0u);
  ASSERT_EQ(data.train_files.size(), 4u);
  EXPECT_EQ(fs::path(data.train_files[1]).lexically_relative(dir_.path()), "a/deeper/2.jpg");

  // The RGB PNG is already 4x4: its pixels, as planes.
  EXPECT_EQ(sample(d, 3), planes(rgb_, 16, 3));
  // The gray PNG: resized 6x4 -> 4x4 (area filter), repeated in each channel.
  Bytes small(16);
  resize_image(gray_.data(), 6, 4, 1, small.data(), 4, 4);
  Bytes expected = small;
  for (int c = 1; c < 3; ++c) expected.insert(expected.end(), small.begin(), small.end());
  EXPECT_EQ(sample(d, 0), expected);

  const ImageFolderReport& r = data.report;
  EXPECT_EQ(r.images, 4u);
  EXPECT_EQ(r.color_images, 2u);
  EXPECT_EQ(r.resized, 3u);
  EXPECT_EQ(r.channels, 3u);
  EXPECT_EQ(r.other_files, 1u);
  EXPECT_EQ(r.pixel_bytes, 4u * 3 * 16);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(contains(r.warnings[0], "holds no images")) << r.warnings[0];
}

TEST_F(MixedFolder, OneChannelGivesLumaOfColourFiles) {
  ImageFolderOptions options;
  options.height = options.width = 4;
  options.channels = 1;
  const Dataset d = load_image_folder(dir_.str(), options).train;
  EXPECT_EQ(d.sample_shape, (Shape{1, 4, 4}));
  Bytes luma(16);
  rgb_to_gray(rgb_.data(), 16, luma.data());
  EXPECT_EQ(sample(d, 3), luma);
}

TEST_F(MixedFolder, DifferentSizesNeedAnImageSize) {
  const std::string message =
      error_of([&] { load_image_folder(dir_.str(), ImageFolderOptions{}); }, ErrorKind::kUsage);
  EXPECT_TRUE(contains(message, "data.image_size")) << message;
  EXPECT_TRUE(contains(message, "2.jpg' is 8x10")) << message;
  EXPECT_TRUE(contains(message, "1.png' is 6x4")) << message;
}

TEST(ImageDataset, SameSizedGrayFolderKeepsSizeAndOneChannel) {
  TempFolder dir("image_dataset_gray");
  std::vector<Bytes> images;
  for (int i = 0; i < 4; ++i) {
    images.push_back(testing::smooth_pixels(5, 3, 1, 11 * i));
    dir.write(fmt::format("{}/{}.png", i % 2 ? "odd" : "even", i),
              testing::png_of(5, 3, 1, images.back()));
  }
  const Dataset d = load_image_folder(dir.str(), ImageFolderOptions{}).train;
  EXPECT_EQ(d.sample_shape, (Shape{1, 3, 5}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 0, 1, 1}));
  // even/0, even/2, odd/1, odd/3.
  EXPECT_EQ(sample(d, 0), images[0]);
  EXPECT_EQ(sample(d, 1), images[2]);
  EXPECT_EQ(sample(d, 2), images[1]);
  EXPECT_EQ(sample(d, 3), images[3]);
  EXPECT_EQ(d.pixels.size(), 4u * 15);
}

// Eight good images in two classes plus the broken ones, in sample order:
// a/0 good, a/1 truncated PNG, a/2 good, a/3 text named .jpg, b/4 good,
// b/5 truncated JPEG, b/6 lying PNG header, b/7 good.
class BrokenFolder : public ::testing::Test {
 protected:
  BrokenFolder() : dir_("image_dataset_broken") {
    const Bytes png = testing::png_of(4, 4, 1, testing::smooth_pixels(4, 4, 1));
    const Bytes jpeg = testing::jpeg_of(4, 4, 3, testing::smooth_pixels(4, 4, 3));
    dir_.write("a/0.png", png);
    dir_.write("a/1.png", testing::truncated(png, png.size() - 20));
    dir_.write("a/2.png", png);
    dir_.write("a/3.jpg", "just text");
    dir_.write("b/4.jpg", jpeg);
    dir_.write("b/5.jpg", testing::truncated(jpeg, jpeg.size() - 30));
    dir_.write("b/6.png", testing::png_with_declared_size(png, 100000, 100000));
    dir_.write("b/7.png", png);
  }
  std::string path(const std::string& relative) const { return (dir_.path() / relative).string(); }
  TempFolder dir_;
};

TEST_F(BrokenFolder, FirstBrokenFileStopsTheLoad) {
  for (int workers : {1, 2}) {
    ImageFolderOptions options;
    options.workers = workers;
    const std::string message =
        error_of([&] { load_image_folder(dir_.str(), options); }, ErrorKind::kData);
    EXPECT_TRUE(contains(message, path("a/1.png") + ": cannot decode PNG")) << message;
    EXPECT_TRUE(contains(message, "--skip-bad-images")) << message;
  }
}

TEST_F(BrokenFolder, SkipBadImagesLeavesThemOutAndListsThem) {
  ImageFolderReport report;
  ImageFolderOptions options;
  options.skip_bad_images = true;
  options.report = &report;
  const ImageFolderData data = load_image_folder(dir_.str(), options);
  EXPECT_EQ(data.train.size(), 4u);
  EXPECT_EQ(data.train.labels, (std::vector<std::int32_t>{0, 0, 1, 1}));
  EXPECT_EQ(data.train.sample_shape, (Shape{3, 4, 4}));
  EXPECT_EQ(data.train_files, (std::vector<std::string>{path("a/0.png"), path("a/2.png"),
                                                        path("b/4.jpg"), path("b/7.png")}));
  ASSERT_EQ(report.bad_images.size(), 4u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a/1.png", "truncated"},
      {"a/3.jpg", "not a PNG, JPEG"},
      {"b/5.jpg", "Premature end of JPEG file"},
      {"b/6.png", "100000x100000"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(report.bad_images[i].path, path(expected[i].first));
    EXPECT_TRUE(contains(report.bad_images[i].reason, expected[i].second))
        << report.bad_images[i].reason;
  }
  EXPECT_EQ(report.images, 4u);
  // The good gray PNGs: the same pixels in all three channels.
  const Bytes first = sample(data.train, 0);
  EXPECT_TRUE(std::equal(first.begin(), first.begin() + 16, first.begin() + 16));
}

TEST(ImageDataset, AClassLeftWithoutImagesIsAWarning) {
  TempFolder dir("image_dataset_empty_class");
  const Bytes png = testing::png_of(2, 2, 1, {1, 2, 3, 4});
  dir.write_each({"x/1.png", "y/2.png"}, png);
  dir.write("z/3.png", testing::truncated(png, 30));
  ImageFolderOptions options;
  options.skip_bad_images = true;
  const ImageFolderData data = load_image_folder(dir.str(), options);
  EXPECT_EQ(data.train.class_names, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(data.train.labels, (std::vector<std::int32_t>{0, 1}));
  ASSERT_EQ(data.report.warnings.size(), 1u);
  EXPECT_TRUE(contains(data.report.warnings[0], "class 'z' has no readable training image"))
      << data.report.warnings[0];
}

TEST(ImageDataset, SameResultWhateverTheThreads) {
  TempFolder dir("image_dataset_threads");
  for (int i = 0; i < 24; ++i) {
    const int w = 6 + i % 5, h = 5 + i % 3;
    const std::string cls = i % 3 == 0 ? "x" : i % 3 == 1 ? "y" : "z";
    const Bytes pixels = testing::smooth_pixels(w, h, 3, i);
    dir.write(fmt::format("{}/{:02}.{}", cls, i, i % 2 ? "png" : "jpg"),
              i % 2 ? testing::png_of(static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h),
                                      3, pixels)
                    : testing::jpeg_of(w, h, 3, pixels));
  }
  Dataset reference;
  for (int workers : {1, 2, 5}) {
    ImageFolderOptions options;
    options.height = 6;
    options.width = 7;
    options.workers = workers;
    const Dataset d = load_image_folder(dir.str(), options).train;
    if (workers == 1) {
      reference = d;
      EXPECT_EQ(d.size(), 24u);
      continue;
    }
    EXPECT_EQ(d.pixels, reference.pixels) << workers << " workers";
    EXPECT_EQ(d.labels, reference.labels) << workers << " workers";
  }
}

TEST(ImageDataset, ProgressIsReportedOnTheCallingThread) {
  TempFolder dir("image_dataset_progress");
  for (int i = 0; i < 6; ++i)
    dir.write(fmt::format("{}/{}.png", i % 2 ? "p" : "q", i),
              testing::png_of(3, 3, 1, Bytes(9, 5)));
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  ImageFolderOptions options;
  options.workers = 2;
  options.progress = [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    calls.emplace_back(done, total);
  };
  load_image_folder(dir.str(), options);
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), (std::pair<std::size_t, std::size_t>{6, 6}));
}

TEST(ImageDataset, TrainAndTestFoldersGiveTwoDatasets) {
  TempFolder dir("image_dataset_split");
  const Bytes png = testing::png_of(2, 2, 1, {1, 2, 3, 4});
  dir.write("train/cat/1.png", png);
  dir.write("train/dog/2.png", png);
  dir.write("train/dog/3.png", png);
  dir.write("test/dog/4.png", testing::png_of(2, 2, 1, {5, 6, 7, 8}));
  const ImageFolderData data = load_image_folder(dir.str(), ImageFolderOptions{});
  EXPECT_EQ(data.report.predefined_split, true);
  EXPECT_EQ(data.train.labels, (std::vector<std::int32_t>{0, 1, 1}));
  EXPECT_EQ(data.test.labels, (std::vector<std::int32_t>{1}));
  EXPECT_EQ(data.test.class_names, data.train.class_names);
  EXPECT_EQ(data.test.sample_shape, (Shape{1, 2, 2}));
  EXPECT_EQ(data.test.pixels, (Bytes{5, 6, 7, 8}));

  // Through --data DIR and images:DIR.
  DataOptions o;
  for (const std::string& source : {dir.str(), "images:" + dir.str()}) {
    o.source = source;
    const std::optional<TrainTest> parts = load_predefined_split(o);
    ASSERT_TRUE(parts.has_value()) << source;
    EXPECT_EQ(parts->train.size(), 3u);
    EXPECT_EQ(parts->test.pixels, (Bytes{5, 6, 7, 8}));
    const Dataset all = load_dataset(o);
    EXPECT_EQ(all.size(), 4u);
    EXPECT_EQ(all.labels, (std::vector<std::int32_t>{0, 1, 1, 1}));
    EXPECT_EQ(all.pixels.size(), 16u);
  }
}

TEST(ImageDataset, DataOptionResolution) {
  TempFolder dir("image_dataset_resolution");
  dir.write("one/1.png", testing::png_of(2, 2, 1, {1, 2, 3, 4}));
  dir.write("two/2.png", testing::png_of(2, 2, 1, {4, 3, 2, 1}));
  DataOptions o;
  o.source = dir.str();
  EXPECT_FALSE(load_predefined_split(o).has_value());  // the caller splits
  const Dataset all = load_dataset(o);
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(all.class_names, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(all.pixels, (Bytes{1, 2, 3, 4, 4, 3, 2, 1}));
  // data.cache = "none": no pixels held, the same values gathered from the files.
  o.image.cache = ImageCache::kNone;
  const Dataset streamed = load_dataset(o);
  EXPECT_TRUE(streamed.pixels.empty());
  ASSERT_NE(streamed.stream, nullptr);
  EXPECT_EQ(streamed.size(), 2u);
  Tensor a, b, targets;
  std::vector<std::int32_t> la, lb;
  const std::vector<std::size_t> order = {1, 0};
  streamed.prefetch(order);
  streamed.gather(order, a, la, targets);
  all.gather(order, b, lb, targets);
  EXPECT_EQ(std::vector<float>(a.data(), a.data() + a.size()), std::vector<float>(b.data(), b.data() + b.size()));
  EXPECT_EQ(la, lb);
  const Dataset one = streamed.subset(std::vector<std::size_t>{1});
  one.gather(std::vector<std::size_t>{0}, a, la, targets);
  EXPECT_EQ(a[0], 4.0f / 255);
  o.image.cache = ImageCache::kMemory;

  // A folder that is neither form names both.
  TempFolder other("image_dataset_neither");
  other.write("notes/readme.txt", "hello");
  other.write("more/data.csv", "1,2");
  o.source = other.str();
  const std::string message = error_of([&] { load_dataset(o); }, ErrorKind::kData);
  EXPECT_TRUE(contains(message, "neither a folder of IDX files")) << message;
  EXPECT_TRUE(contains(message, "nor an image folder")) << message;
  o.source = "images:" + other.str();
  EXPECT_TRUE(contains(error_of([&] { load_dataset(o); }, ErrorKind::kData), "no images"));
}

TEST(ImageDataset, CacheNoneChecksEveryFileButKeepsNoPixels) {
  TempFolder dir("image_dataset_cache_none");
  dir.write("a/1.png", testing::png_of(3, 2, 1, Bytes(6, 1)));
  dir.write("b/2.jpg", testing::jpeg_of(3, 2, 3, Bytes(18, 100)));
  ImageFolderOptions options;
  options.cache = parse_image_cache("none");
  const ImageFolderData data = load_image_folder(dir.str(), options);
  EXPECT_TRUE(data.train.pixels.empty());
  EXPECT_EQ(data.train.labels, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(data.train.sample_shape, (Shape{3, 2, 3}));
  EXPECT_EQ(data.report.pixel_bytes, 0u);
  EXPECT_EQ(to_string(ImageCache::kNone), "none");
  EXPECT_TRUE(contains(error_of([] { parse_image_cache("disk"); }, ErrorKind::kUsage), "disk"));
}

TEST(ImageDataset, BadOptionsAreUsageErrors) {
  TempFolder dir("image_dataset_options");
  dir.write("a/1.png", testing::png_of(1, 1, 1, {1}));
  dir.write("b/1.png", testing::png_of(1, 1, 1, {2}));
  ImageFolderOptions options;
  options.channels = 2;
  EXPECT_TRUE(contains(error_of([&] { load_image_folder(dir.str(), options); }, ErrorKind::kUsage),
                       "data.channels = 2"));
  options.channels = 0;
  options.height = 4;
  EXPECT_TRUE(contains(error_of([&] { load_image_folder(dir.str(), options); }, ErrorKind::kUsage),
                       "both the height and the width"));
}

}  // namespace
}  // namespace scratchnet
