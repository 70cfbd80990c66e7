// Model files: round trip, and clear errors for every kind of damage.

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include <algorithm>

#include "scratchnet/core/binary.h"
#include "scratchnet/data/csv.h"
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

// Format 2 keeps the preprocessing of table and image models.
TEST(ModelFile, TablePipelineAndImageSettingsRoundTrip) {
  Model table = small_model();
  const CsvTable csv = parse_csv_table("x,color,label\n1,red,a\n2,blue,b\n,red,c\n", "t.csv", {});
  const std::vector<std::size_t> rows = {0, 1, 2};
  table.tabular = TabularPipeline::fit(csv, 2, rows, {}, "t.csv");
  ASSERT_EQ(table.tabular->output_width(), 3u);  // x, color=blue, color=red
  table.network = std::make_unique<Network<float>>(Architecture{Shape{3}, {{"dense", {{"units", 3}}}}});
  table.scaler = Scaler(ScalerKind::kStandard, {1.5f, 0, 0}, {2, 1, 1});
  const Model t = decode_model(encode_model(table), "t.snm");
  ASSERT_TRUE(t.tabular.has_value());
  EXPECT_TRUE(*t.tabular == *table.tabular);
  EXPECT_FALSE(t.image.has_value());

  Model image = small_model();
  image.network = std::make_unique<Network<float>>(
      Architecture{Shape{3, 4, 5}, {{"flatten", {}}, {"dense", {{"units", 3}}}}});
  image.scaler = Scaler();
  image.image = ImageSettings{4, 5, 3, {0.5f, 0.4f, 0.3f}, {0.2f, 0.25f, 0.3f}};
  const Model i = decode_model(encode_model(image), "i.snm");
  ASSERT_TRUE(i.image.has_value());
  EXPECT_EQ(*i.image, *image.image);
  // An image section that contradicts the network is refused.
  image.image->height = 7;
  EXPECT_NE(decode_error(encode_model(image)).find("do not match the network's input"), std::string::npos);
}

// The sections of a format-2 payload, to damage one and frame it again.
std::vector<std::pair<std::string, std::string>> sections_of(const std::string& file) {
  ByteReader r(std::string_view(file).substr(20, file.size() - 24), "m.snm");
  std::vector<std::pair<std::string, std::string>> sections(r.count("sections", 16));
  for (auto& [name, bytes] : sections) {
    name = r.str("name");
    bytes = std::string(r.bytes(r.u64("size"), "section"));
  }
  return sections;
}

std::string file_with(const std::vector<std::pair<std::string, std::string>>& sections) {
  ByteWriter w;
  w.u64(sections.size());
  for (const auto& [name, bytes] : sections) {
    w.str(name);
    w.u64(bytes.size());
    w.raw(bytes.data(), bytes.size());
  }
  return frame("SCRNTMDL", kModelFormatVersion, w.bytes());
}

TEST(ModelFile, DamagedSectionsAreNamed) {
  const std::string good = encode_model(small_model());
  auto sections = sections_of(good);
  ASSERT_EQ(file_with(sections), good) << "the test re-frames files as the writer does";
  auto unknown = sections;
  unknown.push_back({"attention", "?"});
  EXPECT_NE(decode_error(file_with(unknown)).find("section 'attention' is unknown"), std::string::npos);
  auto missing = sections;
  missing.erase(std::find_if(missing.begin(), missing.end(), [](const auto& s) { return s.first == "scaler"; }));
  EXPECT_NE(decode_error(file_with(missing)).find("no 'scaler' section"), std::string::npos);
  auto longer = sections;
  for (auto& [name, bytes] : longer)
    if (name == "classes") bytes += "x";
  EXPECT_NE(decode_error(file_with(longer)).find("unexpected bytes in 'classes'"), std::string::npos);
  auto twice = sections;
  twice.push_back(twice.front());
  EXPECT_NE(decode_error(file_with(twice)).find("given twice"), std::string::npos);
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
