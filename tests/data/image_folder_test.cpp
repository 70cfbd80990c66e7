// Image folder scanning: classes and file order follow torchvision's
// ImageFolder (sorted class folders, sorted(os.walk) order inside each,
// extensions in any case); hidden entries are ignored, other files counted;
// an empty class is a warning, a single class or none an error; train/ and
// test/ make the split; symbolic link cycles end.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/image_folder.h"
#include "support/expect_error.h"
#include "support/image_files.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;
using testing::TempFolder;

// (path relative to the root, label) of each file.
std::vector<std::pair<std::string, int>> relative(const std::vector<ImageFile>& files,
                                                  const fs::path& root) {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& f : files)
    out.emplace_back(fs::path(f.path).lexically_relative(root).string(), f.label);
  return out;
}

template <class F>
void expect_data_error(F&& f, const std::vector<std::string>& fragments) {
  testing::expect_error(f, ErrorKind::kData, fragments);
}

TEST(ImageFolder, ClassesAndOrderFollowTorchvision) {
  TempFolder dir("image_folder_order");
  const Bytes png = testing::png_of(2, 2, 1, {1, 2, 3, 4});
  dir.write_each(
      {"Dog/b.jpg", "Dog/a.PNG", "ant/x.png", "cat/a.png", "cat/sub/z.png", "cat/sub/deep/y.jpeg",
       "cat/sub-2/w.JPG", "cat/.hidden/q.png", ".ipynb_checkpoints/k.png", "loose.png"},
      png);
  dir.write("cat/readme.txt", "not an image");
  dir.write("cat/.DS_Store", "hidden");
  dir.write("notes.txt", "notes");
  dir.write("ant/photo.gif", "GIF89a");
  dir.mkdir("bird");

  const ImageFolderScan scan = scan_image_folder(dir.str());
  // Byte order: upper case first, as Python's sorted().
  EXPECT_EQ(scan.class_names, (std::vector<std::string>{"Dog", "ant", "bird", "cat"}));
  EXPECT_FALSE(scan.predefined_split);
  // sorted(os.walk("cat")): cat, cat/sub, cat/sub-2, cat/sub/deep ('-' < '/').
  const std::vector<std::pair<std::string, int>> expected = {
      {"Dog/a.PNG", 0},     {"Dog/b.jpg", 0},       {"ant/x.png", 1},          {"cat/a.png", 3},
      {"cat/sub/z.png", 3}, {"cat/sub-2/w.JPG", 3}, {"cat/sub/deep/y.jpeg", 3}};
  EXPECT_EQ(relative(scan.train, dir.path()), expected);
  EXPECT_TRUE(scan.test.empty());
  // readme.txt, notes.txt, photo.gif, loose.png (outside any class folder).
  EXPECT_EQ(scan.other_files, 4u);
  EXPECT_EQ(scan.other_extensions.at(".txt"), 2u);
  EXPECT_EQ(scan.other_extensions.at(".gif"), 1u);
  EXPECT_EQ(scan.other_extensions.at(".png"), 1u);
  ASSERT_EQ(scan.warnings.size(), 2u);
  std::string warnings = scan.warnings[0] + "\n" + scan.warnings[1];
  EXPECT_NE(warnings.find("bird' holds no images"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("1 image(s) directly in"), std::string::npos) << warnings;
}

TEST(ImageFolder, SymbolicLinksAreFollowedButCyclesEnd) {
  TempFolder dir("image_folder_links");
  const Bytes png = testing::png_of(1, 1, 1, {9});
  dir.write_each({"a/1.png", "b/2.png", "shared/3.png"}, png);
  fs::create_directory_symlink(dir.path() / "shared", dir.path() / "a" / "link");
  fs::create_directory_symlink(dir.path() / "b", dir.path() / "b" / "loop");
  const ImageFolderScan scan = scan_image_folder(dir.str());
  EXPECT_EQ(scan.class_names, (std::vector<std::string>{"a", "b", "shared"}));
  const std::vector<std::pair<std::string, int>> expected = {
      {"a/1.png", 0}, {"a/link/3.png", 0}, {"b/2.png", 1}, {"shared/3.png", 2}};
  EXPECT_EQ(relative(scan.train, dir.path()), expected);
}

TEST(ImageFolder, TrainAndTestFoldersAreTheSplit) {
  TempFolder dir("image_folder_split");
  const Bytes png = testing::png_of(1, 1, 1, {9});
  dir.write_each({"train/x/1.png", "train/y/2.png", "train/y/3.png", "test/y/4.png"}, png);
  dir.write("README.md", "about");
  dir.mkdir("extra");
  const ImageFolderScan scan = scan_image_folder(dir.str());
  EXPECT_TRUE(scan.predefined_split);
  EXPECT_EQ(scan.class_names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(relative(scan.train, dir.path()),
            (std::vector<std::pair<std::string, int>>{
                {"train/x/1.png", 0}, {"train/y/2.png", 1}, {"train/y/3.png", 1}}));
  EXPECT_EQ(relative(scan.test, dir.path()),
            (std::vector<std::pair<std::string, int>>{{"test/y/4.png", 1}}));
  EXPECT_EQ(scan.other_files, 1u);
  ASSERT_EQ(scan.warnings.size(), 1u);
  EXPECT_NE(scan.warnings[0].find("extra' is skipped"), std::string::npos) << scan.warnings[0];

  dir.write("test/zebra/5.png", png);
  expect_data_error([&] { scan_image_folder(dir.str()); },
                    {"class 'zebra' is not one of the training classes", "x, y"});
}

TEST(ImageFolder, OneClassOrNoneIsAnError) {
  TempFolder dir("image_folder_classes");
  expect_data_error([&] { scan_image_folder(dir.str()); }, {"has no class subfolders"});
  dir.write("only/1.png", testing::png_of(1, 1, 1, {9}));
  expect_data_error([&] { scan_image_folder(dir.str()); },
                    {"single class folder ('only')", "at least two"});
  expect_data_error([&] { scan_image_folder((dir.path() / "missing").string()); },
                    {"missing", "no such folder"});
}

TEST(ImageFolder, LooksLikeImageFolder) {
  TempFolder dir("image_folder_looks");
  EXPECT_FALSE(looks_like_image_folder(dir.str()));
  dir.write("a/notes.txt", "text");
  dir.write("top.png", testing::png_of(1, 1, 1, {9}));
  EXPECT_FALSE(looks_like_image_folder(dir.str()));  // no image inside a subfolder
  dir.write("b/deeper/still/1.JPEG", Bytes{0xFF, 0xD8, 0xFF});
  EXPECT_TRUE(looks_like_image_folder(dir.str()));
  EXPECT_FALSE(looks_like_image_folder((dir.path() / "top.png").string()));
}

}  // namespace
}  // namespace scratchnet
