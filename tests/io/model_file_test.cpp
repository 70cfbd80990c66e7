// Model files: round trip, and clear errors for every kind of damage.

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/io/model_file.h"

namespace scratchnet {
namespace {

Model small_model() {
  Model m;
  m.task = Task::kClassification;
  m.loss = "softmax_cross_entropy";
  m.class_names = {"a", "b", "c"};
  m.feature_names = {"x", "y"};
  m.scaler = Scaler(ScalerKind::kStandard, {1.0f, 2.0f}, {0.5f, 0.25f});
  m.config_toml = "[train]\nepochs = 3\n";
  m.network = std::make_unique<Network<float>>(
      Architecture{Shape{2}, {{"dense", {{"units", 4}}}, {"leaky_relu", {{"alpha", 0.2}}}, {"dense", {{"units", 3}}}}});
  Rng rng(5);
  m.network->initialize(InitScheme(), rng);
  return m;
}

std::string decode_error(const std::string& bytes) {
  try {
    decode_model(bytes, "m.snm");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    return e.what();
  }
  ADD_FAILURE() << "decoded a damaged file";
  return "";
}

TEST(ModelFile, RoundTripKeepsEverything) {
  const Model a = small_model();
  const Model b = decode_model(encode_model(a), "m.snm");
  EXPECT_EQ(b.task, a.task);
  EXPECT_EQ(b.loss, a.loss);
  EXPECT_EQ(b.class_names, a.class_names);
  EXPECT_EQ(b.feature_names, a.feature_names);
  EXPECT_EQ(b.scaler.offset(), a.scaler.offset());
  EXPECT_EQ(b.scaler.factor(), a.scaler.factor());
  EXPECT_EQ(b.config_toml, a.config_toml);
  EXPECT_EQ(b.network->architecture(), a.network->architecture());
  for (std::size_t p = 0; p < a.network->params().size(); ++p) {
    const auto& x = *a.network->params()[p].value;
    const auto& y = *b.network->params()[p].value;
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], y[i]);
  }
  EXPECT_EQ(encode_model(b), encode_model(a));
}

TEST(ModelFile, DamageGivesClearErrors) {
  const std::string good = encode_model(small_model());
  EXPECT_NE(decode_error("").find("bad magic"), std::string::npos);
  EXPECT_NE(decode_error("hello world, not a model file").find("bad magic"), std::string::npos);
  // Every truncation is caught.
  for (std::size_t n = 0; n < good.size(); n += 7)
    EXPECT_NE(decode_error(good.substr(0, n)), "") << n;
  // A flipped byte in the payload fails the checksum.
  std::string flipped = good;
  flipped[40] ^= 0x10;
  EXPECT_NE(decode_error(flipped).find("checksum"), std::string::npos);
  // A future format version is named.
  std::string future = good;
  future[8] = 9;
  EXPECT_NE(decode_error(future).find("version 9"), std::string::npos);
}

TEST(ModelFile, MissingFileIsADataError) {
  try {
    load_model("/nonexistent/dir/model.snm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/model.snm"), std::string::npos);
  }
}

}  // namespace
}  // namespace scratchnet
