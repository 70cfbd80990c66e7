// Model::prepare: the model's own preprocessing applied to whatever data
// form reaches it (image bytes, or the same images as rows of a table).

#include <gtest/gtest.h>

#include <cmath>

#include "scratchnet/core/rng.h"
#include "scratchnet/init/initializer.h"
#include "scratchnet/train/model.h"

namespace scratchnet {
namespace {

// An image model (2 channels of 3x3) normalised per channel, as image folders
// with data.scale = "standard" make it.
Model normalised_image_model() {
  Model m;
  m.task = Task::kClassification;
  m.loss = "softmax_cross_entropy";
  m.class_names = {"a", "b", "c"};
  m.image = ImageSettings{3, 3, 2, {0.25f, 0.6f}, {0.1f, 0.3f}};
  m.network = std::make_unique<Network<float>>(
      Architecture{Shape{2, 3, 3}, {{"flatten", {}}, {"dense", {{"units", 3}}}}});
  Rng rng(7);
  m.network->initialize(InitScheme::parse("xavier"), rng);
  return m;
}

TEST(ModelPrepare, TableRowsOfAnImageModelAreNormalisedPerChannelAsItsImagesAre) {
  const Model m = normalised_image_model();
  Dataset images;
  images.name = "images";
  images.sample_shape = Shape{2, 3, 3};
  Dataset rows;
  rows.name = "rows.csv";
  rows.sample_shape = Shape{18};
  for (int i = 0; i < 4 * 18; ++i) {
    const auto pixel = static_cast<std::uint8_t>((i * 37 + 11) % 256);
    images.pixels.push_back(pixel);
    rows.features.push_back(static_cast<float>(pixel) / 255.0f);
  }
  m.prepare(images);
  m.prepare(rows);
  const Tensor from_images = m.predict(images, true), from_rows = m.predict(rows, true);
  ASSERT_EQ(from_images.size(), from_rows.size());
  for (std::size_t i = 0; i < from_images.size(); ++i) EXPECT_NEAR(from_images.data()[i], from_rows.data()[i], 1e-5);
  // Not normalised, the rows would predict differently: the check can fail.
  Model plain = normalised_image_model();
  plain.image->mean.clear();
  plain.image->std.clear();
  Dataset raw = rows;
  raw.features.clear();
  for (int i = 0; i < 4 * 18; ++i) raw.features.push_back(static_cast<float>((i * 37 + 11) % 256) / 255.0f);
  plain.prepare(raw);
  const Tensor unnormalised = m.predict(raw, true);
  double difference = 0;
  for (std::size_t i = 0; i < from_rows.size(); ++i) difference += std::abs(unnormalised.data()[i] - from_rows.data()[i]);
  EXPECT_GT(difference, 1e-3);
}

}  // namespace
}  // namespace scratchnet
