// Image folders and image files through the command line: train on a folder
// of mixed files, predict one photo and a folder of them, and the errors a
// broken file gives. The images are the fuzz target's seed files.

#include <string>

#include "cli_support.h"

namespace scratchnet::cli_testing {
namespace {

using Images = CliTest;

const std::string kCorpus = std::string(SCRATCHNET_SOURCE_DIR) + "/fuzz/corpus/image_fuzzer/";

// Two classes of small mixed files: PNG, JPEG, BMP, PPM/PGM, gray and colour.
void make_folder(const std::string& root) {
  const char* a[] = {"gray-8x6.png", "rgb-9x7.png", "rgba-5x5.png", "palette-6x3.png", "gray-5x4.pgm"};
  const char* b[] = {"rgb-16x9.jpg", "rgb-10x6-420.jpg", "gray-8x8.jpg", "rgb-12x12-progressive.jpg", "rgb-4x3.ppm"};
  for (int i = 0; i < 5; ++i) {
    fs::create_directories(root + "/a");
    fs::create_directories(root + "/b/nested");
    fs::copy_file(kCorpus + a[i], root + "/a/" + a[i]);
    fs::copy_file(kCorpus + b[i], root + "/b/nested/" + b[i]);
  }
  std::ofstream(root + "/b/readme.txt") << "not an image\n";
}

TEST_F(Images, FolderTrainsAndPredictsFilesAndFolders) {
  make_folder(path("photos"));
  const Result r = run("train --data " + path("photos") + " --image-size 8,8 --layers 8 --epochs 3 --out " +
                       path("run"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("images: 10 from"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 other file(s) skipped (1 .txt)"), std::string::npos) << r.output;
  const Result one = run("predict --model " + path("run/model.snm") + " --input " + kCorpus + "rgb-9x7.png");
  ASSERT_EQ(one.code, 0) << one.output;
  EXPECT_NE(one.output.find("rgb-9x7.png: "), std::string::npos) << one.output;
  EXPECT_NE(one.output.find("top classes:"), std::string::npos) << one.output;
  const Result all = run("predict --model " + path("run/model.snm") + " --input " + path("photos") + " --output " +
                         path("p.csv"));
  ASSERT_EQ(all.code, 0) << all.output;
  const Csv csv(path("p.csv"));
  EXPECT_EQ(csv.header, (std::vector<std::string>{"file", "predicted", "p_a", "p_b"}));
  ASSERT_EQ(csv.rows.size(), 10u);
  EXPECT_NE(csv.rows[0][0].find("photos/a/"), std::string::npos) << "sorted recursive walk";
  // An image model given a table, a table model given an image: clear errors.
  const Result broken = run("predict --model " + path("run/model.snm") + " --input " + kCorpus + "rgb-truncated.png");
  EXPECT_EQ(broken.code, 1) << broken.output;
  EXPECT_NE(broken.output.find("rgb-truncated.png"), std::string::npos) << broken.output;
}

TEST_F(Images, ATruncatedFileStopsTrainingOrIsSkippedWithTheFlag) {
  make_folder(path("photos"));
  fs::copy_file(kCorpus + "rgb-truncated.jpg", path("photos/b/truncated.jpg"));
  const Result stop = run("train --data " + path("photos") + " --image-size 8,8 --epochs 1 --out " + path("run"));
  EXPECT_EQ(stop.code, 1) << stop.output;
  EXPECT_NE(stop.output.find("truncated.jpg"), std::string::npos) << stop.output;
  EXPECT_FALSE(fs::exists(path("run")));
  const Result skip =
      run("train --data " + path("photos") + " --image-size 8,8 --epochs 1 --skip-bad-images --out " + path("run"));
  ASSERT_EQ(skip.code, 0) << skip.output;
  EXPECT_NE(skip.output.find("skipped (--skip-bad-images)"), std::string::npos) << skip.output;
  EXPECT_NE(slurp(path("run/summary.json")).find("truncated.jpg"), std::string::npos);
}

TEST_F(Images, IndexDrawsFlatDigitsAsImages) {
  ASSERT_EQ(run("train --data digits --epochs 2 -q --out " + path("run")).code, 0);
  const Result r = run("predict --model " + path("run/model.snm") + " --index 3");
  ASSERT_EQ(r.code, 0) << r.output;
  // Eight lines of sixteen characters (two per pixel) before the prediction.
  const auto end = r.output.find("sample 3 of the test split");
  ASSERT_NE(end, std::string::npos) << r.output;
  std::size_t lines = 0;
  for (std::size_t at = 0; at < end; at = r.output.find('\n', at) + 1) ++lines;
  EXPECT_EQ(lines, 8u) << r.output;
}

}  // namespace
}  // namespace scratchnet::cli_testing
