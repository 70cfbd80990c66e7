// Model files as untrusted input: the architecture is sized before it is
// built (plan_architecture matches real networks of every registered layer
// type), hostile architectures are rejected without allocating, and
// verify_model checks what load_model does plus finite weights and settings.

#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/binary.h"
#include "scratchnet/io/model_file.h"
#include "support/layer_cases.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

// Whole networks, plus a one-layer network for every layer case
// (support/layer_cases.h, which covers every registered type).
std::vector<Architecture> sample_architectures() {
  std::vector<Architecture> all = {
      {Shape{5},
       {{"dense", {{"units", 4}}},
        {"batch_norm", {{"momentum", 0.8}}},
        {"sigmoid", {}},
        {"tanh", {}},
        {"relu", {}},
        {"leaky_relu", {{"alpha", 0.1}}},
        {"identity", {}},
        {"dropout", {{"rate", 0.5}}},
        {"dense", {{"units", 3}}},
        {"softmax", {}}}},
      {Shape{1, 28, 28},
       {{"conv2d", {{"filters", 6}, {"kernel", 5}, {"padding", 2}}},
        {"max_pool2d", {{"size", 2}}},
        {"conv2d", {{"filters", 16}, {"kernel", 5}}},
        {"batch_norm", {}},
        {"avg_pool2d", {{"size", 3}, {"stride", 2}}},
        {"flatten", {}},
        {"dense", {{"units", 10}}}}},
      {Shape{3, 9, 7},
       {{"residual", {{"filters", 3}}},
        {"residual", {{"filters", 5}, {"stride", 2}}},
        {"residual", {{"filters", 5}, {"stride", 3}}},
        {"conv2d", {{"filters", 2}, {"kernel", 2}, {"stride", 3}, {"padding", 1}}},
        {"flatten", {}},
        {"dense", {{"units", 2}}}}},
  };
  for (const testing::LayerCase& c : testing::layer_cases()) all.push_back({c.input, {c.spec}});
  return all;
}

TEST(ModelPlan, MatchesRealNetworksOfEveryLayerType) {
  std::set<std::string> covered;
  for (const Architecture& arch : sample_architectures()) {
    const Network<float> net(arch);
    std::size_t values = net.parameter_count();
    for (const auto& b : net.buffers()) values += b.value->size();
    const ArchitecturePlan plan = plan_architecture(arch);
    EXPECT_EQ(plan.problem, "");
    EXPECT_EQ(plan.planned, arch.layers.size());
    EXPECT_EQ(plan.values, static_cast<double>(values)) << net.summary();
    for (const auto& spec : arch.layers) covered.insert(spec.type);
  }
  for (const auto& type : registered_layer_types())
    EXPECT_TRUE(covered.count(type)) << "layer type '" << type
                                     << "' is not covered: add a case to tests/support/layer_cases.h";
}

// The bytes of a model file holding `arch` and the given tensors, written
// field by field (encode_model needs a network, which a hostile architecture
// must never become).
struct RawModel {
  Architecture arch;
  std::vector<std::pair<std::string, std::vector<float>>> params, buffers;
  std::vector<std::string> classes = {"a", "b"};
  std::string loss = "softmax_cross_entropy";
  std::string settings = "[train]\nepochs = 3\n";
};

std::string file_of(const RawModel& m) {
  ByteWriter p;
  p.str("test");
  p.u8(0);
  p.u32(static_cast<std::uint32_t>(m.arch.input_shape.rank()));
  for (int i = 0; i < m.arch.input_shape.rank(); ++i) p.u64(m.arch.input_shape[i]);
  p.u64(m.arch.layers.size());
  for (const auto& spec : m.arch.layers) {
    p.str(spec.type);
    p.u64(spec.attrs.size());
    for (const auto& [k, v] : spec.attrs) {
      p.str(k);
      p.f64(v);
    }
  }
  p.str(m.loss);
  p.u64(m.classes.size());
  for (const auto& c : m.classes) p.str(c);
  p.u64(0);  // feature names
  p.u8(0);   // no scaler
  p.floats({});
  p.floats({});
  p.str(m.settings);
  for (const auto* list : {&m.params, &m.buffers}) {
    p.u64(list->size());
    for (const auto& [name, values] : *list) {
      p.str(name);
      p.floats(values);
    }
  }
  ByteWriter f;
  f.raw("SCRNTMDL", 8);
  f.u32(1);  // hand-written in format 1, which is still read
  f.u64(p.bytes().size());
  f.raw(p.bytes().data(), p.bytes().size());
  f.u32(static_cast<std::uint32_t>(::crc32(0L, reinterpret_cast<const Bytef*>(p.bytes().data()),
                                           static_cast<uInt>(p.bytes().size()))));
  return f.bytes();
}

RawModel tiny_raw() {
  RawModel m;
  m.arch = {Shape{3}, {{"dense", {{"units", 2}}}}};
  m.params = {{"W", std::vector<float>(6, 0.5f)}, {"b", {0.f, 1.f}}};
  return m;
}

std::string decode_error(const std::string& bytes) {
  try {
    decode_model(bytes, "m.snm");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "decoded a bad file";
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ModelDecode, EmptyTensorsReadWithoutTouchingNullPointers) {
  // fuzz/model_fuzzer.cpp: reading 0 floats passed vector::data() == nullptr
  // to memcpy (undefined behaviour, flagged by UBSan).
  ByteWriter w;
  w.floats({});
  w.str("");
  ByteReader r(w.bytes(), "empty");
  EXPECT_TRUE(r.floats("values").empty());
  EXPECT_EQ(r.str("name"), "");
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ModelDecode, HandWrittenFileDecodes) {
  const Model m = decode_model(file_of(tiny_raw()), "m.snm");
  EXPECT_EQ(m.network->parameter_count(), 8u);
  EXPECT_EQ((*m.network->params()[1].value)[1], 1.0f);
}

TEST(ModelDecode, HugeLayersAreRejectedBeforeAllocating) {
  // 1e8 filters of 1e4 x 1e4 kernels would be 4e16 bytes of weights.
  RawModel conv;
  conv.arch = {Shape{1, 10000, 10000}, {{"conv2d", {{"filters", 1e8}, {"kernel", 10000}}}}};
  EXPECT_TRUE(contains(decode_error(file_of(conv)), "needs 10000000100000000 parameter values"))
      << decode_error(file_of(conv));
  RawModel dense = tiny_raw();
  dense.arch = {Shape{100000, 1000}, {{"flatten", {}}, {"dense", {{"units", 1e8}}}}};
  EXPECT_TRUE(contains(decode_error(file_of(dense)), "parameter values"))
      << decode_error(file_of(dense));
  // The input dimensions multiply past 2^64 in size_t; the plan refuses them.
  RawModel wide = tiny_raw();
  wide.arch = {Shape{1u << 30, 1u << 30, 1u << 30}, {{"flatten", {}}, {"dense", {{"units", 2}}}}};
  EXPECT_TRUE(contains(decode_error(file_of(wide)), "more than 268435456 values"))
      << decode_error(file_of(wide));
  // A huge activation without weights: max pooling a 2^28-value image is
  // fine, a conv2d that makes 1e8 channels of it is not.
  RawModel act = tiny_raw();
  act.arch = {Shape{1, 4, 4}, {{"conv2d", {{"filters", 1e8}, {"kernel", 1}}}}};
  EXPECT_TRUE(contains(decode_error(file_of(act)), "over the limit")) << decode_error(file_of(act));
}

TEST(ModelDecode, BadSettingsGiveTheLayersOwnMessage) {
  RawModel m = tiny_raw();
  m.arch.layers[0].attrs["units"] = 2.5;
  EXPECT_TRUE(contains(decode_error(file_of(m)), "units must be a positive integer"))
      << decode_error(file_of(m));
  m.arch.layers[0].attrs["units"] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(contains(decode_error(file_of(m)), "units must be a positive integer"));
  m = tiny_raw();
  m.arch = {Shape{1, 3, 3}, {{"conv2d", {{"filters", 2}, {"kernel", 5}}}}};
  EXPECT_TRUE(contains(decode_error(file_of(m)), "does not fit")) << decode_error(file_of(m));
  m.arch = {Shape{3}, {{"transformer", {}}}};
  EXPECT_TRUE(contains(decode_error(file_of(m)), "unknown layer type 'transformer'"))
      << decode_error(file_of(m));
  m = tiny_raw();
  m.loss = "hinge";
  EXPECT_TRUE(contains(decode_error(file_of(m)), "unknown loss 'hinge'"));
  m = tiny_raw();
  m.params[0].second.pop_back();
  EXPECT_TRUE(contains(decode_error(file_of(m)), "does not match the architecture"));
  m = tiny_raw();
  m.classes = {"only one"};
  EXPECT_TRUE(contains(decode_error(file_of(m)), "1 class names for 2 outputs"));
}

class VerifyModel : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("scratchnet_verify_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& bytes) {
    const std::string path = (dir_ / "m.snm").string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string verify_error(const std::string& bytes) {
    try {
      verify_model(write(bytes));
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kData) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "verified a bad file";
    return "";
  }
  fs::path dir_;
};

TEST_F(VerifyModel, ReportsWhatTheFileHolds) {
  RawModel m = tiny_raw();
  m.arch = {Shape{3}, {{"dense", {{"units", 2}}}, {"batch_norm", {}}}};
  m.buffers = {{"running_mean", {0, 0}}, {"running_var", {1, 1}}};
  m.params.push_back({"gamma", {1, 1}});
  m.params.push_back({"beta", {0, 0}});
  const std::string bytes = file_of(m);
  const ModelInfo info = verify_model(write(bytes));
  EXPECT_EQ(info.format_version, 1u);  // written by hand in format 1
  EXPECT_EQ(info.writer_version, "test");
  EXPECT_EQ(info.file_bytes, bytes.size());
  EXPECT_EQ(info.layers, 2u);
  EXPECT_EQ(info.parameters, 12u);
  EXPECT_EQ(info.buffer_values, 4u);
  EXPECT_EQ(info.classes, 2u);
  EXPECT_EQ(info.input_shape, Shape{3});
  EXPECT_EQ(info.output_shape, Shape{2});
}

TEST_F(VerifyModel, FindsNonFiniteWeightsAndBadSettings) {
  RawModel m = tiny_raw();
  m.params[0].second[4] = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(contains(verify_error(file_of(m)),
                       "layer 1 (dense) W holds a non-finite value (inf) at index 4"))
      << verify_error(file_of(m));
  m = tiny_raw();
  m.settings = "[train]\nepochs = -1\n";
  EXPECT_TRUE(contains(verify_error(file_of(m)), "(stored settings):2: train.epochs"))
      << verify_error(file_of(m));
  EXPECT_TRUE(contains(verify_error("SCRNTMDL"), "bad magic"));
}

}  // namespace
}  // namespace scratchnet
