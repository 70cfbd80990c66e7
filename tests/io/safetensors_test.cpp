// safetensors files: the writer's layout, the reader's checks (each bad input
// a data error naming the problem), and the weights of a network in
// PyTorch's names and layouts, exported and imported back.

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "scratchnet/app/interchange.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/io/safetensors.h"
#include "scratchnet/io/safetensors_weights.h"
#include "scratchnet/io/torch_layout.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace scratchnet {
namespace {

using testing::expect_error;

// A file image: the 8-byte length, `header`, then `data`.
std::string file_of(const std::string& header, const std::string& data = "") {
  std::string out(8, '\0');
  const std::uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  return out + header + data;
}

void expect_bad(const std::string& bytes, const std::vector<std::string>& fragments) {
  expect_error([&] { parse_safetensors(bytes, "w.safetensors"); }, ErrorKind::kData, fragments);
}

std::string floats(std::vector<float> values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4);
}

TEST(Safetensors, WritesWhatItReadsBack) {
  const std::string a = floats({1, 2, 3, 4, 5, 6}), b(8, '\x07');
  const std::string bytes = encode_safetensors(
      {{"layer.weight", "F32", {2, 3}, a}, {"count", "I64", {}, b}, {"empty", "F32", {0, 4}, ""}},
      {{"format", "pt"}, {"note", "a \"quoted\" \xc3\xa9 line\n"}});
  std::uint64_t n;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(n % 8, 0u);  // the data starts 8-byte aligned
  EXPECT_EQ(bytes[8], '{');
  const SafetensorsFile f = parse_safetensors(bytes, "w.safetensors");
  ASSERT_EQ(f.tensors.size(), 3u);
  EXPECT_EQ(f.tensors[0].name, "layer.weight");
  EXPECT_EQ(f.tensors[0].shape, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(f.tensors[0].data, a);
  EXPECT_EQ(f.find("count")->dtype, "I64");
  EXPECT_TRUE(f.find("count")->shape.empty());
  EXPECT_EQ(f.find("count")->data, b);
  EXPECT_EQ(f.find("empty")->data.size(), 0u);
  EXPECT_EQ(f.find("missing"), nullptr);
  ASSERT_NE(f.meta("note"), nullptr);
  EXPECT_EQ(*f.meta("note"), "a \"quoted\" \xc3\xa9 line\n");
}

TEST(Safetensors, ReadsAnyValidHeaderLayout) {
  // Tensors listed out of data order, escapes, unknown keys with nested values, padding.
  const std::string header =
      "{\"b\\u00e9\": {\"shape\": [1], \"dtype\": \"F32\", \"data_offsets\": [4, 8], \"x\": "
      "[{\"y\": [true, null, "
      "-1.5e3]}, {}, []]}, \"__metadata__\": {\"k\\n\": \"\\ud83d\\ude00\"},\n "
      "\"a\":{\"dtype\":\"U8\",\"shape\":[2,2],"
      "\"data_offsets\":[0,4]}}   ";
  const SafetensorsFile f =
      parse_safetensors(file_of(header, "abcd" + floats({9})), "w.safetensors");
  ASSERT_EQ(f.tensors.size(), 2u);
  EXPECT_EQ(f.tensors[0].name, "a");  // in data order
  EXPECT_EQ(f.tensors[0].data, "abcd");
  EXPECT_EQ(f.tensors[1].name, "b\xc3\xa9");
  EXPECT_EQ(*f.meta("k\n"), "\xf0\x9f\x98\x80");
  EXPECT_TRUE(parse_safetensors(file_of("{}"), "w").tensors.empty());
}

TEST(Safetensors, EachBadInputIsAClearError) {
  const std::string t = "\"t\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": ";
  const std::string u = "\"u\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": ";
  const std::string data = floats({1, 2, 3, 4});
  // The cases the issue names.
  expect_bad(file_of("{" + t + "[0, 8]}, " + u + "[4, 12]}}", data.substr(0, 12)),
             {"w.safetensors", "'t'", "'u'", "overlap"});
  expect_bad(file_of("{" + t + "[0, 8]}, " + u + "[8, 20]}}", data),
             {"'u'", "[8, 20]", "past the end", "16 bytes"});
  expect_bad(file_of("{\"t\": {\"dtype\": \"F17\", \"shape\": [2], \"data_offsets\": [0, 8]}}",
                     data.substr(0, 8)),
             {"'t'", "unknown dtype 'F17'", "F32"});
  std::string long_header = file_of("{}");
  const std::uint64_t huge = 1000;
  std::memcpy(long_header.data(), &huge, 8);
  expect_bad(long_header, {"header length 1000", "larger than the file", "2 bytes"});
  // And the rest of what the format requires.
  expect_bad("", {"too short"});
  expect_bad(std::string(7, '\0'), {"too short"});
  expect_bad(file_of("[]"), {"does not begin with '{'"});
  expect_bad(file_of(""), {"does not begin with '{'"});
  expect_bad(file_of("{" + t + "[0, 8]}, " + t + "[8, 16]}}", data), {"'t' appears twice"});
  expect_bad(file_of("{" + t + "[0, 8]}, " + u + "[12, 20]}}", data + "xxxx"),
             {"[8, 12)", "no tensor", "holes"});
  expect_bad(file_of("{" + t + "[0, 8]}}", data), {"last 8 bytes", "no tensor"});
  expect_bad(file_of("{" + t + "[0, 12]}}", data.substr(0, 12)),
             {"'t'", "shape [2] of F32 needs 8 bytes", "hold 12"});
  expect_bad(file_of("{" + t + "[8, 0]}}", data), {"'t'", "end before they begin"});
  expect_bad(file_of("{" + t + "[0]}}", data), {"two numbers"});
  expect_bad(file_of("{" + t + "[0, -8]}}", data), {"non-negative integer"});
  expect_bad(file_of("{" + t + "[0, 8.0]}}", data), {"non-negative integer"});
  expect_bad(file_of("{" + t + "[0, 99999999999999999999]}}", data), {"too large"});
  expect_bad(file_of("{\"t\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, 4], "
                     "\"data_offsets\": [0, 8]}}",
                     data.substr(0, 8)),
             {"more than 2^64"});
  expect_bad(file_of("{\"t\": {\"dtype\": \"F32\", \"data_offsets\": [0, 8]}}", data.substr(0, 8)),
             {"lacks its shape"});
  expect_bad(file_of("{\"__metadata__\": {\"k\": 1}}"), {"not a string"});
  expect_bad(file_of("{\"__metadata__\": {}, \"__metadata__\": {}}"),
             {"__metadata__ appears twice"});
  expect_bad(file_of("{\"t\": "), {"ends early"});
  expect_bad(file_of("{\"t\" 1}"), {"expected ':'"});
  expect_bad(file_of("{} x"), {"after the header"});
  expect_bad(file_of("{\"\xff\": 1}"), {"not valid UTF-8"});
  expect_bad(file_of("{\"a\\q\": 1}"), {"unknown escape"});
  expect_bad(file_of("{\"a\\ud800\": 1}"), {"surrogate"});
  expect_bad(file_of("{\"a\x01\": 1}"), {"control character"});
  expect_bad(
      file_of("{" + t + "[0, 8], \"x\": " + std::string(100, '[') + std::string(100, ']') + "}}",
              data.substr(0, 8)),
      {"nested deeper"});
  expect_bad(file_of("{" + t + "[0, 8], \"x\": [1,]}}", data.substr(0, 8)),
             {"w.safetensors", "byte"});
  expect_bad(file_of("{" + t + "[0, 8], \"x\": 01}}", data.substr(0, 8)), {"leading zero"});
}

Model conv_model() {
  Model m;
  m.task = Task::kClassification;
  m.loss = "softmax_cross_entropy";
  m.class_names = {"a", "b", "c"};
  m.network = std::make_unique<Network<float>>(
      Architecture{Shape{1, 6, 6},
                   {{"conv2d", {{"filters", 2}, {"kernel", 3}, {"padding", 1}}},
                    {"batch_norm", {{"momentum", 0.8}}},
                    {"relu", {}},
                    {"residual", {{"filters", 4}, {"stride", 2}}},
                    {"dense", {{"units", 5}}},
                    {"dropout", {{"rate", 0.25}}},
                    {"dense", {{"units", 3}}}}});
  Rng rng(7);
  m.network->initialize(InitScheme(), rng);
  // Running statistics that are not the initial (0, 1).
  for (const auto& b : m.network->buffers())
    for (std::size_t i = 0; i < b.value->size(); ++i)
      (*b.value)[i] = 0.5f + 0.01f * static_cast<float>(i);
  return m;
}

TEST(SafetensorsWeights, PyTorchNamesShapesAndLayouts) {
  const Model m = conv_model();
  const std::string bytes = encode_safetensors_weights(m);
  const SafetensorsFile f = parse_safetensors(bytes, "w");
  std::vector<std::string> names;
  for (const auto& t : f.tensors) names.push_back(t.name);
  // The dense layer after the block reads (4, 3, 3) maps: a Flatten module comes first (index 4).
  const std::vector<std::string> expected = {"0.weight",
                                             "0.bias",
                                             "1.weight",
                                             "1.bias",
                                             "1.running_mean",
                                             "1.running_var",
                                             "1.num_batches_tracked",
                                             "3.main.0.weight",
                                             "3.main.0.bias",
                                             "3.main.1.weight",
                                             "3.main.1.bias",
                                             "3.main.1.running_mean",
                                             "3.main.1.running_var",
                                             "3.main.1.num_batches_tracked",
                                             "3.main.3.weight",
                                             "3.main.3.bias",
                                             "3.main.4.weight",
                                             "3.main.4.bias",
                                             "3.main.4.running_mean",
                                             "3.main.4.running_var",
                                             "3.main.4.num_batches_tracked",
                                             "3.shortcut.0.weight",
                                             "3.shortcut.0.bias",
                                             "3.shortcut.1.weight",
                                             "3.shortcut.1.bias",
                                             "3.shortcut.1.running_mean",
                                             "3.shortcut.1.running_var",
                                             "3.shortcut.1.num_batches_tracked",
                                             "5.weight",
                                             "5.bias",
                                             "7.weight",
                                             "7.bias"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(f.find("0.weight")->shape, (std::vector<std::uint64_t>{2, 1, 3, 3}));
  EXPECT_EQ(f.find("3.shortcut.0.weight")->shape, (std::vector<std::uint64_t>{4, 2, 1, 1}));
  EXPECT_EQ(f.find("1.num_batches_tracked")->dtype, "I64");
  // Dense W (in, out) = (36, 5) becomes weight [5, 36]: weight[o][i] = W[i][o].
  const SafetensorsTensor* w = f.find("5.weight");
  ASSERT_EQ(w->shape, (std::vector<std::uint64_t>{5, 36}));
  const Tensor& stored = *m.network->layer(4).params()[0].value;
  for (std::size_t o = 0; o < 5; ++o)
    for (std::size_t i = 0; i < 36; ++i) {
      float v;
      std::memcpy(&v, w->data.data() + 4 * (o * 36 + i), 4);
      ASSERT_EQ(v, stored.data()[i * 5 + o]);
    }
  // Metadata: enough to build the modules without scratchnet.
  EXPECT_EQ(*f.meta("format"), "pt");
  EXPECT_EQ(*f.meta("class_names"), "[\"a\", \"b\", \"c\"]");
  const std::string modules = *f.meta("torch_modules");
  EXPECT_NE(modules.find("{\"type\": \"BatchNorm2d\", \"args\": {\"num_features\": 2, \"eps\": "
                         "1e-05, \"momentum\": 0.2}"),
            std::string::npos)
      << modules;
  EXPECT_NE(
      modules.find(
          "{\"type\": \"Flatten\", \"args\": {}, \"layer\": 4}, {\"type\": \"Linear\", \"args\": "
          "{\"in_features\": 36, \"out_features\": 5}, \"layer\": 4}"),
      std::string::npos)
      << modules;
  EXPECT_NE(modules.find("\"shortcut\": [{\"type\": \"Conv2d\", \"args\": {\"in_channels\": 2, "
                         "\"out_channels\": 4, "
                         "\"kernel_size\": 1, \"stride\": 2, \"padding\": 0}"),
            std::string::npos)
      << modules;
  EXPECT_NE(modules.find("{\"type\": \"Dropout\", \"args\": {\"p\": 0.25}"), std::string::npos)
      << modules;
}

TEST(SafetensorsWeights, ExportThenImportGivesTheSameModelBytes) {
  const Model original = conv_model();
  const std::string bytes = encode_safetensors_weights(original);
  Model copy = decode_model(encode_model(original), "copy");
  Rng other(99);
  copy.network->initialize(InitScheme(), other);  // different weights, zeroed statistics
  ASSERT_NE(encode_model(copy), encode_model(original));
  const WeightImport report = import_safetensors_weights(copy, parse_safetensors(bytes, "w"), "w");
  EXPECT_EQ(report.tensors, original.network->params().size() + original.network->buffers().size());
  EXPECT_EQ(encode_model(copy), encode_model(original));
}

TEST(SafetensorsWeights, ImportNamesTheFirstTensorThatDoesNotFitAndChangesNothing) {
  const Model original = conv_model();
  const std::string good_bytes = encode_safetensors_weights(original);
  const SafetensorsFile good = parse_safetensors(good_bytes, "w");
  // Rebuilds a file from `good` with `edit` applied to its tensor list.
  auto file_with = [&](auto edit) {
    std::vector<SafetensorsTensor> tensors = good.tensors;
    edit(tensors);
    return encode_safetensors(tensors, {});
  };
  Model target = decode_model(encode_model(original), "target");
  Rng other(5);
  target.network->initialize(InitScheme(), other);
  const std::string before = encode_model(target);
  auto import = [&](const std::string& bytes) {
    import_safetensors_weights(target, parse_safetensors(bytes, "w.safetensors"), "w.safetensors");
  };
  const std::string nan_bytes = floats(std::vector<float>(5, std::nanf("")));
  const std::string_view nan = nan_bytes;  // views: substr keeps pointing into nan_bytes
  expect_error([&] { import(file_with([](auto& t) { t.erase(t.begin() + 8); }));
}, ErrorKind::kData,
               {"w.safetensors", "'3.main.0.bias'", "layer 4 (residual): main conv2d b", "missing"});
const std::string wrong(4 * 2 * 9, '\0');
  expect_error([&] { import(file_with([&](auto& t) { t[0] = {"0.weight", "F32", {2, 9}, wrong}; }));
  },
               ErrorKind::kData, {"'0.weight'", "shape [2, 9]", "needs [2, 1, 3, 3]"});
  expect_error([&] { import(file_with([&](auto& t) { t.back() = {"7.bias", "F32", {3}, nan.substr(0, 12)}; }));
  },
               ErrorKind::kData, {"'7.bias'", "non-finite", "index 0"});
  expect_error([&] { import(file_with([&](auto& t) { t.back() = {"7.bias", "F16", {3}, nan.substr(0, 6)}; }));
  },
               ErrorKind::kData, {"'7.bias'", "F16", "F32 or F64"});
  expect_error([&] { import(file_with([&](auto& t) { t.push_back({"8.weight", "F32", {1}, nan.substr(0, 4)}); }));
  },
               ErrorKind::kData, {"'8.weight'", "no place"});
  EXPECT_EQ(encode_model(target), before);
  // F64 weights are converted; num_batches_tracked may be missing.
  std::vector<std::string> keep;
  const std::string as_f64 = file_with([&](auto& tensors) {
    std::vector<SafetensorsTensor> out;
    for (auto& t : tensors) {
      if (t.name.ends_with("num_batches_tracked")) continue;
      std::string wide;
      for (std::size_t i = 0; i < t.data.size() / 4; ++i) {
        float v;
        std::memcpy(&v, t.data.data() + 4 * i, 4);
        const double d = v;
        wide.append(reinterpret_cast<const char*>(&d), 8);
      }
      keep.push_back(std::move(wide));
      out.push_back({t.name, "F64", t.shape, {}});
    }
    for (std::size_t i = 0; i < out.size(); ++i) out[i].data = keep[i];
    tensors = out;
  });
  import(as_f64);
  EXPECT_EQ(encode_model(target), encode_model(original));
  }

  TEST(InitFrom, StartsFromTheWeightsOfASavedModelOfTheSameArchitecture) {
    const std::string dir = testing::temp_dir("init_from");
    std::filesystem::create_directories(dir);
    const Model saved = conv_model();
    save_model(saved, dir + "/m.snm");
    Network<float> net(saved.network->architecture());
    load_initial_weights(net, dir + "/m.snm");
    const auto a = net.snapshot(), b = saved.network->snapshot();
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t t = 0; t < a.size(); ++t)
      for (std::size_t i = 0; i < a[t].size(); ++i) ASSERT_EQ(a[t][i], b[t][i]);
    Architecture other = saved.network->architecture();
    other.layers[4].attrs["units"] = 6;
    Network<float> different(other);
    expect_error([&] { load_initial_weights(different, dir + "/m.snm"); }, ErrorKind::kUsage,
                 {"model.init_from", "layer 5", "units=5", "units=6"});
    std::filesystem::remove_all(dir);
  }

  }  // namespace
  }  // namespace scratchnet
