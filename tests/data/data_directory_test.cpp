// data_directory() (src/data/data_directory.cpp): $SCRATCHNET_DATA_DIR wins;
// without it the bundled data sets are found as share/scratchnet from the
// file holding the library. This test binary lives in build/tests/, and
// build/share/scratchnet links to the repository's data/ (cmake/Install.cmake),
// the same layout as an install (bin/ next to share/scratchnet). An installed
// tree and an unpacked .deb are checked by tests/package/check_tree.sh.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"
#include "support/expect_error.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

// Sets (or, with nullopt, unsets) SCRATCHNET_DATA_DIR for one test.
class DataDirEnv {
 public:
  explicit DataDirEnv(const std::optional<std::string>& value) {
    if (const char* old = std::getenv(kName)) saved_ = old;
    if (value) {
      setenv(kName, value->c_str(), 1);
    } else {
      unsetenv(kName);
    }
  }
  ~DataDirEnv() {
    if (saved_) {
      setenv(kName, saved_->c_str(), 1);
    } else {
      unsetenv(kName);
    }
  }

 private:
  static constexpr const char* kName = "SCRATCHNET_DATA_DIR";
  std::optional<std::string> saved_;
};

TEST(DataDirectory, FoundNextToTheProgramWithoutTheVariable) {
  DataDirEnv env(std::nullopt);
  const fs::path dir = data_directory();
  EXPECT_EQ(dir.filename(), "scratchnet");
  EXPECT_EQ(dir.parent_path().filename(), "share");
  EXPECT_TRUE(fs::equivalent(dir, SCRATCHNET_REPO_DATA_DIR)) << dir;
  for (const char* file : {"arem/walking/dataset1.csv", "digits/digits.csv.gz", "iris/iris.csv"}) {
    EXPECT_TRUE(fs::is_regular_file(dir / file)) << file;
  }
  DataOptions digits;
  digits.source = "digits";
  EXPECT_EQ(load_dataset(digits).size(), 1797u);
}

TEST(DataDirectory, TheVariableWinsEvenWhenTheFolderIsMissing) {
  const std::string elsewhere = (fs::temp_directory_path() / "scratchnet_no_such_data").string();
  DataDirEnv env(elsewhere);
  EXPECT_EQ(data_directory(), elsewhere);
  DataOptions digits;
  digits.source = "digits";
  testing::expect_error([&] { load_dataset(digits); }, ErrorKind::kData, {elsewhere});
}

TEST(DataDirectory, AnEmptyVariableCountsAsUnset) {
  DataDirEnv env{std::string()};
  EXPECT_TRUE(fs::equivalent(data_directory(), SCRATCHNET_REPO_DATA_DIR));
}

}  // namespace
}  // namespace scratchnet
