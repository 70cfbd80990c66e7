// Training runs on folders of photos, end to end through the run layer:
// mixed formats, sizes and colours; train/ and test/ as the split; seeded
// augmentation; broken files; the scene recipe; predicting image files.

#include <filesystem>

#include <gtest/gtest.h>

#include "scratchnet/app/predict.h"
#include "scratchnet/app/run.h"
#include "scratchnet/core/error.h"
#include "scratchnet/io/model_file.h"
#include "support/image_files.h"

namespace scratchnet {
namespace {

using testing::Bytes;
using testing::TempFolder;

// A class's image: its own hue with a gradient, so classes can be told apart.
Bytes class_pixels(int width, int height, int channels, int klass, int variant) {
  Bytes p(static_cast<std::size_t>(width * height * channels));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c)
        p[static_cast<std::size_t>((y * width + x) * channels + c)] =
            static_cast<std::uint8_t>((klass * 23 + c * 60 + (klass % 3 == c ? 100 : 0) + x * (1 + klass % 4) + y + variant * 3) % 256);
  return p;
}

std::vector<float> weights_of(const std::string& dir) {
  const Model m = load_model(dir + "/model.snm");
  std::vector<float> all;
  for (const auto& p : m.network->params()) all.insert(all.end(), p.value->data(), p.value->data() + p.value->size());
  return all;
}

TrainConfig cnn_config(const std::string& data, const std::string& out) {
  TrainConfig c;
  c.load_toml_text(R"(
[data]
image_size = [32, 32]
[train]
epochs = 2
batch_size = 8
[[layer]]
type = "conv2d"
filters = 4
kernel = 3
padding = 1
activation = "relu"
[[layer]]
type = "max_pool2d"
size = 2
[[layer]]
type = "flatten"
)",
                   "cnn.toml");
  c.set("data.source", data);
  c.set("output.dir", out);
  return c;
}

TEST(ImageRuns, MixedFolderOfTenClassesTrainsWithItsStrayFilesSkipped) {
  TempFolder root("mixed_photos");
  for (int k = 0; k < 10; ++k) {
    const std::string klass = "class" + std::to_string(k);
    for (int i = 0; i < 6; ++i) {
      const int size = 24 + (i * 7 + k) % 17;  // 24..40 px
      const int channels = (i + k) % 3 == 0 ? 1 : 3;
      const Bytes pixels = class_pixels(size, size, channels, k, i);
      if (i % 2 == 0)
        root.write(klass + "/" + std::to_string(i) + ".png", testing::png_of(size, size, channels, pixels));
      else
        root.write(klass + "/nested/" + std::to_string(i) + ".JPG", testing::jpeg_of(size, size, channels, pixels));
    }
  }
  root.write("class3/notes.txt", std::string("not an image"));
  const std::string out = (root.path() / "run").string();
  RunSummary s;
  ASSERT_NO_THROW(s = run_training(cnn_config(root.str(), out), nullptr));
  EXPECT_EQ(s.train_samples + s.test_samples, 60u);
  const Model m = load_model(out + "/model.snm");
  ASSERT_TRUE(m.image.has_value());
  EXPECT_EQ(m.network->input_shape(), (Shape{3, 32, 32})) << "colour because some files are";
  EXPECT_EQ(m.class_names.size(), 10u);
  EXPECT_EQ(m.class_names.front(), "class0");
  // Every image of the folder through predict_images, one row each.
  const std::vector<std::string> files = image_inputs(root.str() + "/class7");
  ASSERT_EQ(files.size(), 6u);
  const Predictions p = predict_images(m, files);
  EXPECT_EQ(p.outputs.rows(), 6u);
  EXPECT_EQ(p.predicted.size(), 6u);
}

TEST(ImageRuns, TrainAndTestFoldersAreTheSplit) {
  TempFolder root("split_photos");
  for (const char* part : {"train", "test"})
    for (int k = 0; k < 2; ++k)
      for (int i = 0; i < (std::string(part) == "train" ? 8 : 3); ++i)
        root.write(std::string(part) + "/c" + std::to_string(k) + "/" + std::to_string(i) + ".png",
                   testing::png_of(16, 16, 3, class_pixels(16, 16, 3, k, i)));
  TrainConfig c = cnn_config(root.str(), (root.path() / "run").string());
  c.set("data.image_size", "16,16");
  const RunSummary s = run_training(c, nullptr);
  EXPECT_EQ(s.train_samples, 16u);
  EXPECT_EQ(s.test_samples, 6u);
}

TEST(ImageRuns, AugmentationIsSeededAndChangesTraining) {
  TempFolder root("augment_photos");
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < 12; ++i)
      root.write("c" + std::to_string(k) + "/" + std::to_string(i) + ".png",
                 testing::png_of(32, 32, 3, class_pixels(32, 32, 3, k, i)));
  TempFolder runs("augment_runs");  // outside the image folder, which must hold only classes
  const auto train = [&](const std::string& name, const std::string& augment) {
    TrainConfig c = cnn_config(root.str(), (runs.path() / name).string());
    if (!augment.empty()) c.set("data.augment", augment);
    run_training(c, nullptr);
    return weights_of((runs.path() / name).string());
  };
  const auto a = train("a", "crop:4,flip,jitter:0.1"), b = train("b", "crop:4,flip,jitter:0.1"), plain = train("p", "");
  EXPECT_EQ(a, b) << "the same seed draws the same augmented batches";
  EXPECT_NE(a, plain) << "augmentation changes what the network sees";
}

TEST(ImageRuns, ABrokenImageStopsTheRunWithItsPathOrIsSkipped) {
  TempFolder root("broken_photos");
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < 5; ++i)
      root.write("c" + std::to_string(k) + "/" + std::to_string(i) + ".png",
                 testing::png_of(20, 20, 1, class_pixels(20, 20, 1, k, i)));
  Bytes truncated = testing::png_of(20, 20, 1, class_pixels(20, 20, 1, 1, 9));
  truncated.resize(truncated.size() / 2);
  const std::string bad = root.write("c1/broken.png", truncated);
  TrainConfig c = cnn_config(root.str(), (root.path() / "run").string());
  c.set("data.image_size", "20,20");
  try {
    run_training(c, nullptr);
    FAIL() << "a truncated PNG was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("broken.png"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(root.path() / "run"));
  c.set("data.skip_bad_images", "true");
  const RunSummary s = run_training(c, nullptr);
  ASSERT_EQ(s.skipped_images.size(), 1u);
  EXPECT_EQ(s.skipped_images[0].path, bad);
  EXPECT_EQ(s.train_samples + s.test_samples, 10u);
}

TEST(ImageRuns, SceneRecipeTrainsAnEpochOn128PixelColourPhotos) {
  TempFolder root("scene_photos");
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 5; ++i)
      root.write("scene" + std::to_string(k) + "/" + std::to_string(i) + ".jpg",
                 testing::jpeg_of(160, 120, 3, class_pixels(160, 120, 3, k, i), 90));
  TrainConfig c;
  c.load_toml_file(std::string(SCRATCHNET_SOURCE_TREE) + "/recipes/scene-cnn.toml");
  c.set("data.source", root.str());
  c.set("train.epochs", "1");
  c.set("output.dir", (root.path() / "run").string());
  const RunSummary s = run_training(c, nullptr);
  const Model m = load_model((root.path() / "run" / "model.snm").string());
  EXPECT_EQ(m.network->input_shape(), (Shape{3, 128, 128}));
  EXPECT_EQ(m.network->output_shape(), Shape{3});
  ASSERT_TRUE(m.image.has_value());
  EXPECT_EQ(m.image->mean.size(), 3u) << "normalised per channel";
  EXPECT_EQ(s.epochs, 1u);
}

}  // namespace
}  // namespace scratchnet
