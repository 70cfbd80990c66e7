// Every file in recipes/ and experiments/ parses and builds its network --
// every variant of a comparison, samples of every searched setting -- with
// its initialisation, optimizer and learning-rate schedule, so that a renamed
// key or layer setting cannot leave a README command broken. Nothing is
// trained: the data sets' shapes come from a table, itself checked against
// the loaders for the small built-in sets.

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/data/builtin.h"
#include "scratchnet/experiments/compare.h"
#include "scratchnet/experiments/experiment_file.h"
#include "scratchnet/experiments/search.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/optim/schedule.h"
#include "scratchnet/train/network.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

// The repository: the parent of its data/ folder.
const fs::path kRoot = fs::path(SCRATCHNET_REPO_DATA_DIR).parent_path();

struct DataShape {
  Shape sample;
  std::size_t outputs = 0;
};

// What the loaders give for each data set the files use (no loading: the
// image sets take seconds to read).
DataShape shape_of(const TrainConfig& c) {
  if (c.data == "arem") return {Shape{6}, static_cast<std::size_t>(c.arem_classes)};
  if (c.data == "digits") return {Shape{64}, 10};
  if (c.data == "xor" || c.data == "or") return {Shape{2}, 2};
  if (c.data == "sine") return {Shape{1}, 1};
  if (c.data == "fashion-mnist" || c.data == "mnist") return {Shape{1, 28, 28}, 10};
  // recipes/scene-cnn.toml names a folder of the user's photos: its shape
  // comes from data.image_size and data.channels; 8 classes stand for any.
  if (c.data == "data/scenes")
    return {Shape{static_cast<std::size_t>(c.channels), c.image_height, c.image_width}, 8};
  ADD_FAILURE() << "data set '" << c.data << "' is missing from shape_of()";
  return {Shape{1}, 1};
}

TEST(RecipeFiles, DataShapeTableMatchesTheLoaders) {
  for (const std::string name : {"arem", "digits", "xor", "or", "sine"}) {
    TrainConfig c;
    c.set("data.source", name);
    const Dataset d = load_dataset(data_options(c));
    const DataShape want = shape_of(c);
    EXPECT_EQ(d.sample_shape, want.sample) << name;
    EXPECT_EQ(d.num_outputs(), want.outputs) << name;
  }
  TrainConfig seven;
  seven.set("data.arem_classes", "7");
  EXPECT_EQ(load_dataset(data_options(seven)).num_outputs(), shape_of(seven).outputs);
}

// Builds what `scratchnet train` would build from `c`; returns a description
// of what failed, or nothing.
void expect_builds(const TrainConfig& c, const std::string& what) {
  try {
    const DataShape shape = shape_of(c);
    Network<float> net(Architecture{shape.sample, c.network_layers(shape.outputs)});
    Rng rng(c.seed);
    net.initialize(c.init, rng);
    EXPECT_GT(net.parameter_count(), 0u) << what;
    EXPECT_EQ(net.output_shape(), Shape{shape.outputs}) << what;
    const auto optimizers = registered_optimizer_types();
    EXPECT_NE(std::find(optimizers.begin(), optimizers.end(), c.optimizer), optimizers.end())
        << what;
    LrSchedule::parse(c.lr_schedule, 0.01, c.epochs);
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": " << e.what();
  }
}

std::vector<fs::path> toml_files(const std::string& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kRoot / folder))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(RecipeFiles, EveryRecipeParsesAndBuildsItsNetwork) {
  const auto files = toml_files("recipes");
  EXPECT_GE(files.size(), 9u);
  for (const auto& file : files) {
    TrainConfig c;
    try {
      c.load_toml_file(file.string());
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    expect_builds(c, file.filename().string());
  }
}

// Runs from the repository root, as the README's commands do (whole-file
// settings such as config=recipes/lenet5-fashion.toml are named from there).
class FromRepositoryRoot {
 public:
  FromRepositoryRoot() : saved_(fs::current_path()) { fs::current_path(kRoot); }
  ~FromRepositoryRoot() { fs::current_path(saved_); }

 private:
  fs::path saved_;
};

TEST(RecipeFiles, EveryExperimentParsesAndBuildsEachVariant) {
  const FromRepositoryRoot root;
  const auto files = toml_files("experiments");
  EXPECT_GE(files.size(), 15u);
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    try {
      const ExperimentSpec spec = load_experiment_spec(file.string());
      TrainConfig base;
      base.load_toml_file(file.string(), {"experiment"});
      ASSERT_TRUE(spec.kind == "compare" || spec.kind == "search")
          << name << ": kind '" << spec.kind << "'";
      std::vector<Assignment> variants;
      if (spec.kind == "compare") {
        std::vector<Variation> vary;
        for (const auto& v : spec.vary) vary.push_back(parse_variation(v));
        variants = cartesian_product(vary);
      } else {
        // Three samples of every searched setting.
        Rng rng(spec.search_seed);
        std::vector<ParamDistribution> params;
        for (const auto& p : spec.params) params.push_back(parse_param(p));
        EXPECT_FALSE(params.empty()) << name;
        for (int s = 0; s < 3; ++s) {
          Assignment a;
          for (const auto& p : params) a.push_back({p.key, p.sample(rng)});
          variants.push_back(a);
        }
      }
      for (const Assignment& a : variants)
        expect_builds(with_settings(base, a), name + " " + describe(a));
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << ": " << e.what();
    }
  }
}

}  // namespace
}  // namespace scratchnet
