// `scratchnet verify FILE`: exit 0 and one "ok" line for a sound model file,
// exit 1 and the data error for a damaged, missing or foreign one.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "cli_support.h"

namespace {

namespace fs = std::filesystem;
using scratchnet::cli_testing::Result;

Result verify(const std::string& file) { return scratchnet::cli_testing::run("verify '" + file + "'"); }

const std::string kModel = std::string(SCRATCHNET_SOURCE_DIR) + "/tests/data/model-v1.snm";

TEST(CliVerify, SoundModelIsOk) {
  const Result r = verify(kModel);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("ok: model format 1, 4 layers, 30 parameters (+ 8 buffer values), "
                           "checksum ok\n",
                           0),
            0u)
      << r.output;
}

TEST(CliVerify, DamagedMissingAndForeignFilesExitWith1) {
  const fs::path dir =
      fs::temp_directory_path() / ("scratchnet_verify_cli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ifstream in(kModel, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_GT(bytes.size(), 100u);
  const auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream((dir / name).string(), std::ios::binary) << content;
    return (dir / name).string();
  };
  std::string flipped = bytes;
  flipped[60] ^= 0x01;
  const std::pair<std::string, std::string> cases[] = {
      {write("flipped.snm", flipped), "checksum mismatch"},
      {write("short.snm", bytes.substr(0, bytes.size() / 2)), "truncated or corrupt"},
      {write("text.snm", "a,b\n1,2\n"), "bad magic number"},
      {(dir / "missing.snm").string(), "missing.snm"},
  };
  for (const auto& [file, message] : cases) {
    const Result r = verify(file);
    EXPECT_EQ(r.code, 1) << file << "\n" << r.output;
    EXPECT_NE(r.output.find("scratchnet: error: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("ok:"), std::string::npos) << r.output;
  }
  fs::remove_all(dir);
}

}  // namespace
