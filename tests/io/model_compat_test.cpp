// Format stability: tests/data/model-v1.snm was written by scratchnet 0.1.0
// (model format 1: `scratchnet train --data xor --layers 4 --batch-norm
// --epochs 20 --seed 7`) and is committed. Every later version must keep
// loading it to the same architecture and predictions, or bump
// kModelFormatVersion and say so; a file of an unknown format version gets a
// clear message.

#include <cmath>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/io/model_file.h"

namespace scratchnet {
namespace {

const std::string kPath = std::string(SCRATCHNET_TEST_DATA_DIR) + "/model-v1.snm";

std::string file_bytes() {
  std::ifstream in(kPath, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ModelCompat, Version1FileLoadsWithItsArchitecture) {
  const Model m = load_model(kPath);
  EXPECT_EQ(m.task, Task::kClassification);
  EXPECT_EQ(m.loss, "softmax_cross_entropy");
  EXPECT_EQ(m.class_names, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(m.feature_names, (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(m.scaler.kind(), ScalerKind::kStandard);
  const Architecture expected{
      Shape{2},
      {{"dense", {{"units", 4}}}, {"batch_norm", {}}, {"relu", {}}, {"dense", {{"units", 2}}}}};
  EXPECT_EQ(m.network->architecture(), expected);
  EXPECT_EQ(m.network->parameter_count(), 30u);
  ASSERT_EQ(m.network->buffers().size(), 2u);
  EXPECT_EQ(m.network->buffers()[0].name, "running_mean");
  EXPECT_NE(m.config_toml.find("seed = 7"), std::string::npos) << m.config_toml;
  // verify_model accepts it too: finite weights, settings that still parse.
  const ModelInfo info = verify_model(kPath);
  EXPECT_EQ(info.format_version, 1u);
  EXPECT_EQ(info.writer_version, "0.1.0");
  EXPECT_EQ(info.buffer_values, 8u);
}

TEST(ModelCompat, Version1FilePredictsTheRecordedValues) {
  const Model m = load_model(kPath);
  // Raw inputs, scaled as `predict` scales them; logits recorded when the
  // file was written (eval mode: batch norm uses its running statistics).
  std::vector<float> x = {0.1f, 0.9f, 0.8f, 0.2f, 0.0f, 0.0f};
  m.scaler.apply(x);
  Tensor input(Shape{3, 2});
  std::copy(x.begin(), x.end(), input.data());
  const Tensor& y = m.network->forward(input, Mode::kEval);
  const std::vector<float> recorded = {0.104341298f,  -0.104341298f, -1.06692302f,
                                       -0.150270522f, 0.236090645f,  -0.719833136f};
  ASSERT_EQ(y.size(), recorded.size());
  for (std::size_t i = 0; i < recorded.size(); ++i)
    EXPECT_NEAR(y[i], recorded[i], 1e-5 * (1 + std::abs(recorded[i])))
        << "output " << i << " = " << fmt::format("{:.9g}", y[i]);
}

TEST(ModelCompat, UnknownFormatVersionIsNamed) {
  std::string bytes = file_bytes();
  ASSERT_GT(bytes.size(), 12u);
  bytes[8] = 3;  // the u32 format version after the 8-byte magic
  try {
    decode_model(bytes, "future.snm");
    FAIL() << "decoded a format 3 file";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_EQ(std::string(e.what()),
              "future.snm: model format version 3 is not supported (this scratchnet reads "
              "versions 1 to 2)");
  }
}

}  // namespace
}  // namespace scratchnet
