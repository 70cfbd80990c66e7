// TrainConfig: TOML files, --set keys, validation messages, round trip.

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/train/config.h"

namespace scratchnet {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(TrainConfig, LoadsSectionsFromToml) {
  TrainConfig c;
  c.load_toml_text(R"(
[data]
source = "digits"
scale = "minmax"
[model]
layers = [30, 20]
activation = "sigmoid"
[train]
optimizer = "momentum"
lr = 0.05
epochs = 7
batch_size = 16
seed = 9
)",
                   "t.toml");
  EXPECT_EQ(c.data, "digits");
  EXPECT_EQ(c.scale, "minmax");
  EXPECT_EQ(c.layers, (std::vector<std::size_t>{30, 20}));
  EXPECT_EQ(c.activation, "sigmoid");
  EXPECT_EQ(c.optimizer, "momentum");
  EXPECT_DOUBLE_EQ(c.lr, 0.05);
  EXPECT_EQ(c.epochs, 7u);
  EXPECT_EQ(c.batch_size, 16u);
  EXPECT_EQ(c.seed, 9u);
}

TEST(TrainConfig, ToTomlRoundTripsEverySetting) {
  TrainConfig a;
  a.set("model.layers", "5,6,7");
  a.set("lr", "0.0017019024512130883");
  a.set("data.label", "class \"x\"");
  TrainConfig b;
  b.load_toml_text(a.to_toml(), "round trip");
  for (const auto& key : TrainConfig::keys()) EXPECT_EQ(a.get(key), b.get(key)) << key;
}

TEST(TrainConfig, EmptyLayerListMeansNoHiddenLayer) {
  TrainConfig c;
  c.set("model.layers", "");
  EXPECT_TRUE(c.layers.empty());
}

TEST(TrainConfig, BadValuesNameTheKey) {
  TrainConfig c;
  EXPECT_NE(error_of([&] { c.set("train.lr", "-0.1"); }).find("train.lr"), std::string::npos);
  EXPECT_NE(error_of([&] { c.set("train.batch_size", "0"); }).find("train.batch_size"),
            std::string::npos);
  EXPECT_NE(error_of([&] { c.set("train.epochs", "ten"); }).find("not an integer"), std::string::npos);
  EXPECT_NE(error_of([&] { c.set("model.layers", "50,,50"); }).find("model.layers"), std::string::npos);
  EXPECT_NE(error_of([&] { c.set("data.scale", "log"); }).find("standard"), std::string::npos);
  EXPECT_NE(error_of([&] { c.set("train.lrate", "1"); }).find("unknown setting"), std::string::npos);
}

TEST(TrainConfig, TomlErrorsNameFileAndLine) {
  TrainConfig c;
  const std::string unknown = error_of([&] { c.load_toml_text("[train]\nepochs = 3\nlrr = 1\n", "x.toml"); });
  EXPECT_NE(unknown.find("x.toml:3"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("train.lrr"), std::string::npos) << unknown;
  const std::string syntax = error_of([&] { c.load_toml_text("[train\n", "y.toml"); });
  EXPECT_NE(syntax.find("y.toml:1"), std::string::npos) << syntax;
  const std::string bad = error_of([&] { c.load_toml_text("[train]\nbatch_size = 0\n", "z.toml"); });
  EXPECT_NE(bad.find("z.toml:2"), std::string::npos) << bad;
}

}  // namespace
}  // namespace scratchnet
