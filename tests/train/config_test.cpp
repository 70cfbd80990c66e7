// TrainConfig: TOML files, --set keys, validation messages, round trip.

#include <functional>

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
  EXPECT_EQ(c.scale, ScaleChoice::kMinMax);
  EXPECT_EQ(c.layers, (std::vector<std::size_t>{30, 20}));
  EXPECT_EQ(c.activation, "sigmoid");
  EXPECT_EQ(c.optimizer, "momentum");
  EXPECT_DOUBLE_EQ(c.lr.value(), 0.05);
  EXPECT_EQ(c.epochs, 7u);
  EXPECT_EQ(c.batch_size, 16u);
  EXPECT_EQ(c.seed, 9u);
}

// Every key set to a value other than its default: to_toml must write each
// one and the file must read back to the same settings.
TEST(TrainConfig, ToTomlRoundTripsEverySetting) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"data.source", "my data.csv"}, {"data.label", "class \"x\"\n"}, {"data.header", "no"},
      {"data.delimiter", "tab"}, {"data.task", "regression"}, {"data.test_fraction", "0.3"},
      {"data.validation_fraction", "0.15"}, {"data.train_limit", "300"}, {"data.scale", "minmax"},
      {"data.arem_classes", "7"}, {"data.samples", "123"}, {"data.missing", "?,n/a,\"q\""},
      {"data.missing_indicator", "true"}, {"data.impute", "constant:-1.5"}, {"data.categorical", "zip,city"},
      {"data.numeric", "code"}, {"data.drop", "id,name"}, {"data.max_categories", "7"},
      {"data.missing_labels", "error"}, {"data.image_size", "32,24"}, {"data.channels", "3"},
      {"data.augment", "crop:4,flip"}, {"data.cache", "none"}, {"data.skip_bad_images", "true"},
      {"train.class_weight", "balanced"}, {"train.label_smoothing", "0.1"}, {"train.cv", "5"}, {"model.layers", "5,6,7"},
      {"model.activation", "tanh"}, {"model.alpha", "0.2"}, {"model.init", "normal:0.05"},
      {"model.batch_norm", "true"}, {"model.dropout", "0.3"}, {"model.init_from", "runs/a/model.snm"},
      {"train.optimizer", "rmsprop"},
      {"train.lr", "0.0017019024512130883"}, {"train.epochs", "7"}, {"train.batch_size", "9"},
      {"train.weight_decay", "0.001"}, {"train.momentum", "0.8"}, {"train.rho", "0.95"},
      {"train.eps", "1e-06"}, {"train.beta1", "0.85"}, {"train.beta2", "0.99"}, {"train.seed", "11"},
      {"train.threads", "2"}, {"train.batch_shares", "1"}, {"train.lr_schedule", "step:3:0.5"}, {"train.early_stopping", "4"},
      {"train.monitor", "val_accuracy"}, {"train.min_delta", "0.01"}, {"train.loss_tolerance", "0.001"},
      {"train.evaluate_test", "3"}, {"train.train_metrics", "full"},
      {"train.stop_at", "val_loss<=0.25"}, {"train.diagnostics", "every:200"}, {"output.dir", "runs/x"}, {"output.log_every", "3"},
      {"output.checkpoint_every", "2"}};
  TrainConfig a;
  const TrainConfig defaults;
  for (const auto& [key, value] : values) {
    a.set(key, value);
    EXPECT_NE(a.get(key), defaults.get(key)) << key << " was set to its default";
  }
  for (const auto& key : TrainConfig::keys()) {
    bool covered = false;
    for (const auto& v : values) covered |= v.first == key;
    EXPECT_TRUE(covered) << key << " is missing from this test";
  }
  a.layer_list = {{{"conv2d", {{"filters", 4}, {"kernel", 3}}}, true, "relu", 0.25}};
  TrainConfig b;
  b.load_toml_text(a.to_toml(), "round trip");
  for (const auto& key : TrainConfig::keys()) EXPECT_EQ(a.get(key), b.get(key)) << key;
  EXPECT_EQ(a.layer_list, b.layer_list);
}

TEST(TrainConfig, EnumsAreCheckedWhenSetAndNameTheChoices) {
  TrainConfig c;
  const std::string monitor = error_of([&] { c.set("train.monitor", "val_acc"); });
  EXPECT_NE(monitor.find("val_accuracy"), std::string::npos) << monitor;
  const std::string optimizer = error_of([&] { c.set("train.optimizer", "adamm"); });
  EXPECT_NE(optimizer.find("adamw"), std::string::npos) << optimizer;
  const std::string activation = error_of([&] { c.set("model.activation", "swish2"); });
  EXPECT_NE(activation.find("model.activation"), std::string::npos) << activation;
  EXPECT_NE(activation.find("leaky_relu"), std::string::npos) << activation;
  const std::string header = error_of([&] { c.set("data.header", "maybe"); });
  EXPECT_NE(header.find("auto, yes, no"), std::string::npos) << header;
}

TEST(TrainConfig, HyperParametersAreCheckedAgainstTheirRange) {
  TrainConfig c;
  const std::string rho = error_of([&] { c.set("train.rho", "1.5"); });
  EXPECT_NE(rho.find("train.rho"), std::string::npos) << rho;
  EXPECT_NE(rho.find("[0, 1)"), std::string::npos) << rho;
  c.set("train.eps", "1e-6");
  EXPECT_DOUBLE_EQ(c.hyper.at("eps"), 1e-6);
}

TEST(TrainConfig, DefaultsAreResolvedPerRunAfterEveryOverride) {
  TrainConfig c;
  EXPECT_FALSE(c.lr.has_value());
  EXPECT_EQ(c.to_toml().find("\nlr ="), std::string::npos) << "an unset rate is not written";
  const TrainConfig adam = c.resolved(false);
  EXPECT_DOUBLE_EQ(adam.lr.value(), 0.001);
  EXPECT_DOUBLE_EQ(adam.hyper.at("beta2"), 0.999);
  EXPECT_DOUBLE_EQ(adam.hyper.at("eps"), 1e-8);
  EXPECT_EQ(adam.scale, ScaleChoice::kStandard);
  EXPECT_GE(adam.threads, 1);
  EXPECT_NE(adam.to_toml().find("lr = 0.001\n"), std::string::npos) << adam.to_toml();
  c.set("train.optimizer", "sgd");
  EXPECT_DOUBLE_EQ(c.resolved(false).lr.value(), 0.01);
  c.set("train.optimizer", "adagrad");
  EXPECT_DOUBLE_EQ(c.resolved(false).hyper.at("eps"), 1e-7);
  EXPECT_EQ(c.resolved(true).scale, ScaleChoice::kNone);
  // Earlier versions wrote lr = 0 for "the optimizer's default".
  c.load_toml_text("[train]\nlr = 0\n", "old.toml");
  EXPECT_FALSE(c.lr.has_value());
}

TEST(TrainConfig, LayerTablesAreCheckedAgainstTheLayerSchema) {
  TrainConfig c;
  const std::string unknown = error_of(
      [&] { c.load_toml_text("[[layer]]\ntype = \"conv2d\"\nfilter = 6\nkernel = 5\n", "l.toml"); });
  EXPECT_NE(unknown.find("l.toml:1"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("'filter'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("filters, kernel, stride, padding"), std::string::npos) << unknown;
  const std::string range =
      error_of([&] { c.load_toml_text("[[layer]]\ntype = \"dropout\"\nrate = 1.5\n", "d.toml"); });
  EXPECT_NE(range.find("rate must be a number in [0, 1)"), std::string::npos) << range;
  const std::string missing = error_of([&] { c.load_toml_text("[[layer]]\ntype = \"dense\"\n", "m.toml"); });
  EXPECT_NE(missing.find("'units' is required"), std::string::npos) << missing;
}

TEST(TrainConfig, HelpComesFromTheRegistries) {
  EXPECT_NE(TrainConfig::help("model.activation").find("leaky_relu"), std::string::npos);
  EXPECT_NE(TrainConfig::help("train.optimizer").find("nesterov"), std::string::npos);
  EXPECT_NE(TrainConfig::help("train.eps").find("adam 1e-08"), std::string::npos) << TrainConfig::help("train.eps");
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

TEST(TrainConfig, LabelSmoothingIsInZeroToOneAndErrorsNameFileKeyAndValue) {
  TrainConfig c;
  EXPECT_EQ(c.label_smoothing, 0.0);
  c.load_toml_text("[train]\nlabel_smoothing = 0.15\n", "ok.toml");
  EXPECT_DOUBLE_EQ(c.label_smoothing, 0.15);
  TrainConfig back;
  back.load_toml_text(c.to_toml(), "round trip");
  EXPECT_EQ(back.label_smoothing, c.label_smoothing);
  c.set("train.label_smoothing", "0");
  EXPECT_EQ(c.label_smoothing, 0.0);
  const std::string one = error_of([&] { c.load_toml_text("[train]\nepochs = 3\nlabel_smoothing = 1.5\n", "ls.toml"); });
  EXPECT_NE(one.find("ls.toml:3"), std::string::npos) << one;
  EXPECT_NE(one.find("train.label_smoothing: 1.5 is out of range [0, 1)"), std::string::npos) << one;
  EXPECT_NE(error_of([&] { c.set("train.label_smoothing", "-0.1"); }).find("train.label_smoothing: -0.1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { c.set("train.label_smoothing", "lots"); }).find("'lots' is not a number"), std::string::npos);
  EXPECT_EQ(c.label_smoothing, 0.0) << "a rejected value leaves the setting alone";
  EXPECT_NE(TrainConfig::help("train.label_smoothing").find("[0, 1)"), std::string::npos);
}

}  // namespace
}  // namespace scratchnet
