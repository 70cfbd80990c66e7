// IDX (MNIST format) reading: good files, raw and gzip-compressed; truncated,
// wrong-magic, wrong-count and oversized files fail with data errors naming
// the file; image sets keep their pixels as bytes through subset() and
// convert them to [0, 1] floats in gather(); the IDX data sources of
// load_dataset / load_predefined_split; Fashion-MNIST when it is installed.

#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"
#include "scratchnet/data/idx.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

using Bytes = std::vector<std::uint8_t>;

void put_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

Bytes image_file(std::uint32_t n, std::uint32_t rows, std::uint32_t cols, const Bytes& pixels,
                 std::uint32_t magic = 0x00000803) {
  Bytes out;
  put_u32(out, magic);
  put_u32(out, n);
  put_u32(out, rows);
  put_u32(out, cols);
  out.insert(out.end(), pixels.begin(), pixels.end());
  return out;
}

Bytes label_file(const Bytes& labels, std::uint32_t magic = 0x00000801) {
  Bytes out;
  put_u32(out, magic);
  put_u32(out, static_cast<std::uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

// Pixels 0, 1, 2, ... (mod 256): image i starts at i * rows * cols.
Bytes counting_pixels(std::size_t count) {
  Bytes p(count);
  for (std::size_t i = 0; i < count; ++i) p[i] = static_cast<std::uint8_t>(i % 256);
  return p;
}

// A folder under the system temp directory, removed at the end.
class IdxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("scratchnet_idx_test_") + info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const Bytes& bytes) {
    const fs::path path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return path.string();
  }

  std::string write_gz(const std::string& name, const Bytes& bytes) {
    const std::string path = (dir_ / name).string();
    gzFile file = gzopen(path.c_str(), "wb");
    EXPECT_NE(file, nullptr);
    EXPECT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
    gzclose(file);
    return path;
  }

  // Loads images + labels and expects a data error whose message holds `fragment`.
  void expect_data_error(const std::string& images, const std::string& labels,
                         const std::string& fragment) {
    try {
      load_idx(images, labels, {"a", "b", "c"});
      ADD_FAILURE() << "no error for " << images << " / " << labels;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kData) << e.what();
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
          << "'" << e.what() << "' lacks '" << fragment << "'";
    }
  }

  fs::path dir_;
};

TEST_F(IdxTest, ReadsImagesAndLabelsAsBytes) {
  const std::string images = write("img", image_file(3, 2, 4, counting_pixels(24)));
  const std::string labels = write("lab", label_file({2, 0, 1}));
  const Dataset d = load_idx(images, labels, {"a", "b", "c"});
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.task, Task::kClassification);
  EXPECT_EQ(d.sample_shape, (Shape{1, 2, 4}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 0, 1}));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(d.is_image());
  EXPECT_TRUE(d.features.empty());
  EXPECT_EQ(d.pixels, counting_pixels(24));
  EXPECT_EQ(d.class_counts(), (std::vector<std::size_t>{1, 1, 1}));
}

TEST_F(IdxTest, GzipFilesReadTheSame) {
  const Bytes pixels = counting_pixels(5 * 3 * 3);
  const Dataset raw = load_idx(write("img", image_file(5, 3, 3, pixels)),
                               write("lab", label_file({0, 1, 2, 1, 0})), {});
  const Dataset gz = load_idx(write_gz("img.gz", image_file(5, 3, 3, pixels)),
                              write_gz("lab.gz", label_file({0, 1, 2, 1, 0})), {});
  EXPECT_EQ(gz.pixels, raw.pixels);
  EXPECT_EQ(gz.labels, raw.labels);
  EXPECT_EQ(gz.sample_shape, (Shape{1, 3, 3}));
  // Without class names the classes are "0".."largest label".
  EXPECT_EQ(gz.class_names, (std::vector<std::string>{"0", "1", "2"}));
}

TEST_F(IdxTest, TruncatedFilesAreDataErrorsNamingTheFile) {
  const std::string labels = write("lab", label_file({0, 1, 2}));
  Bytes short_data = image_file(3, 2, 2, counting_pixels(12));
  short_data.pop_back();
  const std::string images = write("short_images", short_data);
  expect_data_error(images, labels, "'" + images + "': truncated IDX image file");
  expect_data_error(write("tiny", {0, 0, 8}), labels, "too short for the magic number");
  const Bytes header_only = image_file(3, 2, 2, {});
  expect_data_error(write("half_header", Bytes(header_only.begin(), header_only.begin() + 10)),
                    labels, "the header alone takes 16");
  Bytes short_labels = label_file({0, 1, 2});
  short_labels.pop_back();
  const std::string cut = write("short_labels", short_labels);
  expect_data_error(write("img", image_file(3, 2, 2, counting_pixels(12))), cut,
                    "'" + cut + "': truncated IDX label file");
  // A gzip stream cut short.
  const std::string gz = write_gz("img.gz", image_file(3, 2, 2, counting_pixels(12)));
  fs::resize_file(gz, fs::file_size(gz) - 12);
  expect_data_error(gz, labels, gz);
  // Bytes beyond the declared data.
  Bytes long_data = image_file(3, 2, 2, counting_pixels(13));
  expect_data_error(write("long", long_data), labels, "1 bytes after the 3 images");
}

TEST_F(IdxTest, WrongMagicNumbersAreDataErrors) {
  const std::string images = write("img", image_file(3, 2, 2, counting_pixels(12)));
  const std::string labels = write("lab", label_file({0, 1, 2}));
  // A label file where the images belong, and the other way round.
  expect_data_error(
      labels, labels,
      "'" + labels + "': not an IDX image file: magic number 0x00000801 (an IDX label file)");
  expect_data_error(images, images, "'" + images + "': not an IDX label file");
  // Not IDX at all (a CSV file), or another element type (0x0d: float).
  expect_data_error(write("csv", {'1', ',', '2', '\n', '3', ',', '4', '\n'}), labels,
                    "magic number 0x312c320a");
  expect_data_error(write("float", image_file(3, 2, 2, counting_pixels(12), 0x00000d03)), labels,
                    "magic number 0x00000d03, expected 0x00000803");
}

TEST_F(IdxTest, CountMismatchAndBadLabelsAreDataErrors) {
  const std::string images = write("img", image_file(3, 2, 2, counting_pixels(12)));
  const std::string four = write("lab4", label_file({0, 1, 2, 0}));
  expect_data_error(images, four, "holds 3 images but '" + four + "' holds 4 labels");
  const std::string bad = write("bad", label_file({0, 3, 1}));
  expect_data_error(images, bad, "label 3 of item 1 is out of range for 3 classes");
}

TEST_F(IdxTest, OversizedOrEmptyDimensionsFailBeforeAllocating) {
  const std::string labels = write("lab", label_file({0, 1, 2}));
  // Headers that declare terabytes; the files hold a few bytes.
  expect_data_error(write("wide", image_file(3, 5000, 5000, counting_pixels(12))), labels,
                    "5000x5000 images, more than the limit of 4096x4096");
  expect_data_error(write("many", image_file(200'000'000, 2, 2, counting_pixels(12))), labels,
                    "declares 200000000 items, more than the limit");
  expect_data_error(write("huge", image_file(100'000'000, 4096, 4096, {})), labels,
                    "the header declares 100000000 images");
  expect_data_error(write("zero", image_file(3, 0, 2, {})), labels, "zero dimension");
}

TEST_F(IdxTest, GatherScalesPixelsAndSubsetKeepsBytes) {
  Bytes pixels = {0, 51, 102, 255, 255, 0, 0, 0};
  const Dataset d = load_idx(write("img", image_file(2, 2, 2, pixels)),
                             write("lab", label_file({1, 0})), {"x", "y"});
  Tensor x, targets;
  std::vector<std::int32_t> labels;
  const std::size_t order[] = {1, 0};
  d.gather(order, x, labels, targets);
  EXPECT_EQ(x.shape(), (Shape{2, 1, 2, 2}));
  EXPECT_EQ(labels, (std::vector<std::int32_t>{0, 1}));
  const float want[] = {1, 0, 0, 0, 0, 0.2f, 0.4f, 1};
  for (std::size_t i = 0; i < 8; ++i) EXPECT_FLOAT_EQ(x[i], want[i]) << i;
  for (std::size_t i = 0; i < 8; ++i) EXPECT_TRUE(x[i] >= 0 && x[i] <= 1);

  const std::size_t second[] = {1};
  const Dataset s = d.subset(second);
  EXPECT_TRUE(s.is_image());
  EXPECT_TRUE(s.features.empty());
  EXPECT_EQ(s.pixels, (Bytes{255, 0, 0, 0}));
  EXPECT_EQ(s.labels, (std::vector<std::int32_t>{0}));
  EXPECT_EQ(s.sample_shape, d.sample_shape);

  Dataset m = d;
  m.materialize_features();
  EXPECT_FALSE(m.is_image());
  ASSERT_EQ(m.features.size(), 8u);
  EXPECT_FLOAT_EQ(m.features[1], 0.2f);
  EXPECT_FLOAT_EQ(m.features[3], 1.0f);
  // Float features gather as before.
  Tensor x2;
  m.gather(order, x2, labels, targets);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(x2[i], x[i]) << i;
}

TEST_F(IdxTest, IdxSourcesComeWithTheirOwnSplit) {
  const std::string train_images = write("a", image_file(4, 2, 2, counting_pixels(16)));
  const std::string train_labels = write("b", label_file({0, 1, 0, 1}));
  const std::string test_images = write("c", image_file(2, 2, 2, Bytes(8, 7)));
  const std::string test_labels = write("d", label_file({2, 1}));
  DataOptions options;
  options.source =
      "idx:" + train_images + "," + train_labels + "," + test_images + "," + test_labels;
  const auto parts = load_predefined_split(options);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->train.size(), 4u);
  EXPECT_EQ(parts->test.size(), 2u);
  // Class names from the largest label of either part, the same in both.
  EXPECT_EQ(parts->train.class_names, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(parts->test.class_names, parts->train.class_names);
  // load_dataset: train then test.
  const Dataset all = load_dataset(options);
  EXPECT_EQ(all.size(), 6u);
  EXPECT_EQ(all.labels, (std::vector<std::int32_t>{0, 1, 0, 1, 2, 1}));
  EXPECT_EQ(all.pixels.size(), 24u);
  EXPECT_EQ(all.pixels[16], 7);
  EXPECT_TRUE(all.features.empty());

  options.source = "idx:" + train_images + "," + train_labels;
  try {
    load_predefined_split(options);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS"),
              std::string::npos);
  }
  // Other sources are split by the caller.
  options.source = "xor";
  EXPECT_FALSE(load_predefined_split(options).has_value());
}

TEST_F(IdxTest, FolderOfStandardNamesAndMnistDirectory) {
  // The MNIST site's names ('-' before idx, gzip) and its mirrors' ('.', raw) mixed.
  write_gz("train-images-idx3-ubyte.gz", image_file(3, 2, 2, counting_pixels(12)));
  write("train-labels.idx1-ubyte", label_file({9, 1, 0}));
  write("t10k-images.idx3-ubyte", image_file(1, 2, 2, counting_pixels(4)));
  write_gz("t10k-labels-idx1-ubyte.gz", label_file({3}));
  DataOptions options;
  options.source = dir_.string();
  const auto parts = load_predefined_split(options);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->train.labels, (std::vector<std::int32_t>{9, 1, 0}));
  EXPECT_EQ(parts->test.labels, (std::vector<std::int32_t>{3}));
  EXPECT_EQ(parts->train.class_names.size(), 10u);

  // mnist reads the folder named by SCRATCHNET_MNIST_DIR, with classes "0".."9".
  const char* saved = std::getenv("SCRATCHNET_MNIST_DIR");
  const std::string saved_value = saved ? saved : "";
  ::setenv("SCRATCHNET_MNIST_DIR", dir_.c_str(), 1);
  options.source = "mnist";
  const Dataset all = load_dataset(options);
  EXPECT_EQ(all.size(), 4u);
  EXPECT_EQ(all.class_names.front(), "0");
  EXPECT_EQ(all.class_names.back(), "9");
  EXPECT_EQ(all.name, "mnist");
  ::setenv("SCRATCHNET_MNIST_DIR", (dir_ / "nowhere").c_str(), 1);
  try {
    load_dataset(options);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("set SCRATCHNET_MNIST_DIR"), std::string::npos)
        << e.what();
  }
  if (saved) {
    ::setenv("SCRATCHNET_MNIST_DIR", saved_value.c_str(), 1);
  } else {
    ::unsetenv("SCRATCHNET_MNIST_DIR");
  }

  // A folder missing one of the four files, and one with none.
  fs::remove(dir_ / "t10k-images.idx3-ubyte");
  options.source = dir_.string();
  try {
    load_dataset(options);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("lacks t10k-images-idx3-ubyte"), std::string::npos)
        << e.what();
  }
  const fs::path empty = dir_ / "empty";
  fs::create_directories(empty);
  options.source = empty.string();
  EXPECT_THROW(load_dataset(options), Error);
}

TEST(FashionMnist, LoadsTheDebianPackageFiles) {
  const char* dir = "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(dir))
    GTEST_SKIP()
        << "dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)";
  DataOptions options;
  options.source = "fashion-mnist";
  const auto parts = load_predefined_split(options);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->train.size(), 60000u);
  EXPECT_EQ(parts->test.size(), 10000u);
  EXPECT_EQ(parts->train.sample_shape, (Shape{1, 28, 28}));
  EXPECT_EQ(parts->train.pixels.size(), 60000u * 784u);
  EXPECT_TRUE(parts->train.features.empty());
  EXPECT_EQ(parts->train.class_names.size(), 10u);
  EXPECT_EQ(parts->train.class_names.front(), "T-shirt/top");
  EXPECT_EQ(parts->train.class_names.back(), "Ankle boot");
  EXPECT_EQ(parts->train.class_counts(), std::vector<std::size_t>(10, 6000));
  EXPECT_EQ(parts->test.class_counts(), std::vector<std::size_t>(10, 1000));
}

}  // namespace
}  // namespace scratchnet
