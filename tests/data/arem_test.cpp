// AReM on the real files in the repo's data/arem (counts from its README), the
// quirky files one by one, and loader rules on small directories written here.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"
#include "scratchnet/data/csv.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

const std::string kAremDir = std::string(SCRATCHNET_REPO_DATA_DIR) + "/arem";

std::size_t total(const std::vector<std::size_t>& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::size_t{0});
}

TEST(Arem, SevenClassesWithDuplicatesMatchTheReadme) {
  const Dataset d = load_arem(kAremDir, 7, true);
  EXPECT_EQ(d.task, Task::kClassification);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"bending1", "bending2", "cycling", "lying",
                                                     "sitting", "standing", "walking"}));
  EXPECT_EQ(d.class_counts(), (std::vector<std::size_t>{3360, 2880, 7200, 7200, 7199, 7200, 7200}));
  EXPECT_EQ(d.size(), 42239u);
  EXPECT_EQ(d.num_features(), 6u);
  EXPECT_EQ(d.num_outputs(), 7u);
  EXPECT_EQ(d.features.size(), 42239u * 6);
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"avg_rss12", "var_rss12", "avg_rss13",
                                                       "var_rss13", "avg_rss23", "var_rss23"}));
  // The first row of bending1/dataset1.csv, without its time column.
  EXPECT_EQ(std::vector<float>(d.features.begin(), d.features.begin() + 6),
            (std::vector<float>{39.25f, 0.43f, 22.75f, 0.43f, 33.75f, 1.30f}));
  // The last row of walking/dataset15.csv.
  EXPECT_EQ(std::vector<float>(d.features.end() - 6, d.features.end()),
            (std::vector<float>{37.00f, 1.41f, 18.25f, 3.70f, 11.00f, 4.32f}));
  // bending2 starts after bending1's 7 files of 480 rows.
  EXPECT_EQ(d.labels[3359], 0);
  EXPECT_EQ(d.labels[3360], 1);
  EXPECT_EQ(d.features[3360 * 6], 23.75f);
}

TEST(Arem, DuplicateFilesAreReadOnce) {
  // Six duplicate pairs: cycling 1 = 15, lying 1=15, 3=11, 5=12, 7=13, 9=14.
  const Dataset d = load_arem(kAremDir, 7, false);
  EXPECT_EQ(d.class_counts(),
            (std::vector<std::size_t>{3360, 2880, 7200 - 480, 7200 - 5 * 480, 7199, 7200, 7200}));
  EXPECT_EQ(d.size(), 42239u - 6 * 480);
}

TEST(Arem, SixClassesMergeBending) {
  const Dataset d = load_arem(kAremDir, 6, false);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"bending", "cycling", "lying", "sitting",
                                                     "standing", "walking"}));
  EXPECT_EQ(d.class_counts(),
            (std::vector<std::size_t>{3360 + 2880, 6720, 4800, 7199, 7200, 7200}));
  EXPECT_EQ(d.num_outputs(), 6u);

  const Dataset kept = load_arem(kAremDir, 6, true);
  EXPECT_EQ(kept.class_counts(), (std::vector<std::size_t>{6240, 7200, 7200, 7199, 7200, 7200}));
  EXPECT_EQ(total(kept.class_counts()), 42239u);
}

TEST(Arem, OtherClassCountsAreUsageErrors) {
  for (int classes : {0, 5, 8}) {
    try {
      load_arem(kAremDir, classes, false);
      FAIL() << classes;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_NE(std::string(e.what()).find("not " + std::to_string(classes)), std::string::npos)
          << e.what();
    }
  }
}

// Reads one raw file as load_arem does and returns its table.
CsvTable read_arem_file(const std::string& relative) {
  CsvOptions options;
  options.header = HeaderMode::kNo;
  const std::string path = kAremDir + "/" + relative;
  return parse_csv_table(read_text_file(path), path, options);
}

TEST(Arem, QuirkyFilesParse) {
  // Space-separated, trailing space, CRLF everywhere.
  const CsvTable spaces = read_arem_file("bending2/dataset4.csv");
  EXPECT_EQ(spaces.delimiter, ' ');
  EXPECT_EQ(spaces.rows.size(), 480u);
  EXPECT_EQ(spaces.rows[0],
            (std::vector<std::string>{"0", "32.50", "0.50", "0.00", "0.00", "19.00", "1.00"}));
  EXPECT_EQ(spaces.line_numbers[0], 6u);

  // A trailing comma on the last row and no final newline.
  for (const std::string file : {"cycling/dataset9.csv", "cycling/dataset14.csv"}) {
    const CsvTable table = read_arem_file(file);
    EXPECT_EQ(table.rows.size(), 480u) << file;
    EXPECT_EQ(table.rows.back().size(), 7u) << file;
    EXPECT_EQ(table.rows.back().front(), "119750") << file;
  }
  EXPECT_EQ(read_arem_file("cycling/dataset9.csv").rows.back().back(), "1.25");

  // 479 rows: the step at 13500 ms is missing.
  const CsvTable short_file = read_arem_file("sitting/dataset8.csv");
  EXPECT_EQ(short_file.rows.size(), 479u);

  // A stray TAB at the end of line 14.
  const CsvTable tab = read_arem_file("standing/dataset5.csv");
  EXPECT_EQ(tab.rows.size(), 480u);
  EXPECT_EQ(tab.delimiter, ',');
  EXPECT_EQ(tab.line_numbers[8], 14u);
  EXPECT_EQ(tab.rows[8].front(), "2000");
  EXPECT_EQ(tab.rows[8].back(), "0.71");

  // CRLF on every line, and CRLF on only the first rows.
  EXPECT_EQ(read_arem_file("bending1/dataset2.csv").rows.size(), 480u);
  const CsvTable mixed = read_arem_file("bending1/dataset1.csv");
  EXPECT_EQ(mixed.rows.size(), 480u);
  for (const auto& row : mixed.rows) EXPECT_EQ(row.back().find('\r'), std::string::npos);
}

TEST(Arem, LoadDatasetUsesTheDataDirectory) {
  const char* old = std::getenv("SCRATCHNET_DATA_DIR");
  const std::string saved = old ? old : "";
  setenv("SCRATCHNET_DATA_DIR", SCRATCHNET_REPO_DATA_DIR, 1);
  EXPECT_EQ(data_directory(), SCRATCHNET_REPO_DATA_DIR);
  DataOptions options;  // arem, 6 classes, duplicates dropped
  const Dataset d = load_dataset(options);
  EXPECT_EQ(d.name, "arem");
  EXPECT_EQ(d.class_names.size(), 6u);
  EXPECT_EQ(d.size(), 39359u);
  options.arem_classes = 7;
  options.arem_keep_duplicates = true;
  EXPECT_EQ(load_dataset(options).size(), 42239u);
  if (old) {
    setenv("SCRATCHNET_DATA_DIR", saved.c_str(), 1);
  } else {
    unsetenv("SCRATCHNET_DATA_DIR");
  }
}

// A small AReM-shaped directory under the temp folder, removed at the end.
class FakeArem : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir_ = fs::temp_directory_path() /
           ("scratchnet_arem_test_" + std::to_string(stamp) + "_" + std::to_string(counter++));
    for (const char* folder :
         {"bending1", "bending2", "cycling", "lying", "sitting", "standing", "walking"}) {
      write(std::string(folder) + "/dataset1.csv", row(0, 1));
    }
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void write(const std::string& relative, const std::string& contents) {
    fs::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative, std::ios::binary) << contents;
  }
  // A file of `rows` rows whose first feature is `value`.
  static std::string row(int value, int rows) {
    std::string text =
        "# Columns: time,avg_rss12,var_rss12,avg_rss13,var_rss13,avg_rss23,var_rss23\r\n";
    for (int i = 0; i < rows; ++i) {
      text += std::to_string(250 * i) + "," + std::to_string(value) + ",1,2,3,4,5\n";
    }
    return text;
  }
  std::string dir() const { return dir_.string(); }

 private:
  fs::path dir_;
};

TEST_F(FakeArem, FilesAreSortedByNumberAndDuplicatesCompareBytes) {
  write("walking/dataset10.csv", row(10, 2));
  write("walking/dataset2.csv", row(2, 1));
  write("walking/dataset3.csv", row(2, 1));  // same bytes as dataset2
  write("walking/notes.txt", "ignored");
  const Dataset kept = load_arem(dir(), 7, true);
  ASSERT_EQ(kept.size(), 7u + 4u);
  // walking: dataset1 (0), dataset2 (2), dataset3 (2), dataset10 (10, 10).
  std::vector<float> walking;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept.labels[i] == 6) walking.push_back(kept.features[i * 6]);
  }
  EXPECT_EQ(walking, (std::vector<float>{0, 2, 2, 10, 10}));

  const Dataset dropped = load_arem(dir(), 7, false);
  // Every folder's dataset1 is identical to bending1/dataset1: only that one stays.
  EXPECT_EQ(dropped.class_counts(), (std::vector<std::size_t>{1, 0, 0, 0, 0, 0, 3}));
  EXPECT_EQ(dropped.class_names.size(), 7u);
}

TEST_F(FakeArem, WrongColumnCountNamesTheFile) {
  write("lying/dataset2.csv", "0,1,2,3,4,5\n250,1,2,3,4,5\n");
  const std::string path = (fs::path(dir()) / "lying/dataset2.csv").string();
  try {
    load_arem(dir(), 7, true);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(
        std::string(e.what()).find(path + ":1: expected 7 fields (time + 6 features), found 6"),
        std::string::npos)
        << e.what();
  }
}

TEST_F(FakeArem, BadCellNamesTheFeature) {
  write("lying/dataset2.csv", "0,1,2,3,4,5,6\n250,1,2,x,4,5,6\n");
  const std::string path = (fs::path(dir()) / "lying/dataset2.csv").string();
  try {
    load_arem(dir(), 7, true);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find(path + ":2: column 'avg_rss13' (3): 'x' is not a number"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(FakeArem, MissingFolderOrDirectory) {
  fs::remove_all(fs::path(dir()) / "sitting");
  try {
    load_arem(dir(), 7, true);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("found 6"), std::string::npos) << e.what();
  }
  const std::string missing = dir() + "/nope";
  try {
    load_arem(missing, 6, false);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("cannot open AReM directory '" + missing +
                                         "': No such file or directory"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scratchnet
