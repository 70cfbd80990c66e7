// The bundled digits file (data/digits/digits.csv.gz): size, value range and
// the class counts listed in data/digits/README.md.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"

namespace scratchnet {
namespace {

const std::string kDigitsPath = std::string(SCRATCHNET_REPO_DATA_DIR) + "/digits/digits.csv.gz";

TEST(Digits, SizeShapeAndClassCounts) {
  const Dataset d = load_digits(kDigitsPath);
  EXPECT_EQ(d.name, "digits");
  EXPECT_EQ(d.task, Task::kClassification);
  EXPECT_EQ(d.size(), 1797u);
  EXPECT_EQ(d.num_features(), 64u);
  EXPECT_EQ(d.num_outputs(), 10u);
  EXPECT_EQ(d.class_names,
            (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  EXPECT_EQ(d.class_counts(),
            (std::vector<std::size_t>{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}));
  ASSERT_EQ(d.feature_names.size(), 64u);
  EXPECT_EQ(d.feature_names.front(), "pixel_0_0");
  EXPECT_EQ(d.feature_names.back(), "pixel_7_7");
}

TEST(Digits, PixelsAreIntegersFrom0To16) {
  const Dataset d = load_digits(kDigitsPath);
  ASSERT_EQ(d.features.size(), 1797u * 64);
  for (float v : d.features) {
    ASSERT_GE(v, 0.0f);
    ASSERT_LE(v, 16.0f);
    ASSERT_EQ(v, static_cast<float>(static_cast<int>(v)));
  }
  EXPECT_EQ(*std::max_element(d.features.begin(), d.features.end()), 16.0f);
  // Label ids are the digits themselves: the first image is a 0.
  EXPECT_EQ(d.labels.front(), 0);
}

TEST(Digits, LoadDatasetByName) {
  DataOptions options;
  options.source = "digits";
  const Dataset d = load_dataset(options);
  EXPECT_EQ(d.size(), 1797u);
  EXPECT_EQ(d.class_names.size(), 10u);
}

// A unique path under the system temp directory.
std::string temp_path() {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          ("scratchnet_digits_test_" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "_" +
           std::to_string(counter++) + ".csv"))
      .string();
}

// Loads `contents` written to a temp file with load_digits; returns the error.
Error digits_error(const std::string& contents, std::string& path) {
  path = temp_path();
  std::ofstream(path, std::ios::binary) << contents;
  Error error(ErrorKind::kInternal, "no error");
  try {
    load_digits(path);
  } catch (const Error& e) {
    error = e;
  }
  std::filesystem::remove(path);
  return error;
}

std::string digits_row(const std::string& label) {
  std::string row;
  for (int i = 0; i < 64; ++i) row += std::to_string(i % 17) + ",";
  return row + label + "\n";
}

TEST(Digits, LabelOutsideZeroToNineNamesTheLine) {
  std::string path;
  const Error e = digits_error(digits_row("3") + digits_row("12") + digits_row("4"), path);
  EXPECT_EQ(e.kind(), ErrorKind::kData);
  EXPECT_NE(std::string(e.what()).find(path + ":2: column 'label' (64): '12' is not a digit 0-9"),
            std::string::npos)
      << e.what();
}

TEST(Digits, DigitsThatDoNotOccurKeepTheirIds) {
  const std::string path = temp_path();
  std::ofstream(path, std::ios::binary) << digits_row("7") + digits_row("2");
  const Dataset d = load_digits(path);
  std::filesystem::remove(path);
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{7, 2}));
  EXPECT_EQ(d.class_names.size(), 10u);
}

TEST(Digits, WrongColumnCount) {
  std::string path;
  const Error e = digits_error("1,2,3\n4,5,6\n", path);
  EXPECT_EQ(e.kind(), ErrorKind::kData);
  EXPECT_NE(
      std::string(e.what()).find(path + ":1: expected 65 fields (64 pixels + label), found 3"),
      std::string::npos)
      << e.what();
}

TEST(Digits, MissingFileIsADataError) {
  try {
    load_digits("/nonexistent/digits.csv.gz");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("cannot open '/nonexistent/digits.csv.gz'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scratchnet
