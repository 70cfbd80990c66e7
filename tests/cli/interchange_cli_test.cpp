// `scratchnet export` and `scratchnet import` (issue 15) as a user runs them:
// export to safetensors then import into the same model gives the model file
// back byte for byte; a TOML config as --like; each bad input its exit code
// and message. (tests/python/interchange_test.py checks the files' contents
// with python onnx and PyTorch.)

#include <cstdint>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "cli_support.h"

namespace scratchnet::cli_testing {
namespace {

class CliInterchange : public CliTest {
 protected:
  // A small trained model with batch norm (buffers) and a scaler.
  std::string trained_model() {
    const Result r =
        run("train --data xor --layers 6 --batch-norm --epochs 2 --out " + path("run"));
    EXPECT_EQ(r.code, 0) << r.output;
    return path("run/model.snm");
  }
};

TEST_F(CliInterchange, SafetensorsExportThenImportGivesTheSameModelFile) {
  const std::string model = trained_model();
  Result r = run("export " + model + " --format safetensors -o " + path("w.safetensors"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("wrote " + path("w.safetensors")), std::string::npos) << r.output;
  r = run("import " + path("w.safetensors") + " --like " + model + " -o " + path("back.snm"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("8 tensors"), std::string::npos)
      << r.output;  // 2 dense W, b; batch norm's 4
  EXPECT_EQ(slurp(path("back.snm")), slurp(model));
  EXPECT_EQ(run("verify " + path("back.snm")).code, 0);
}

TEST_F(CliInterchange, OnnxExportSaysWhatItWrote) {
  const std::string model = trained_model();
  const Result r = run("export " + model + " -o " + path("m.onnx") + " --opset 13");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("ONNX opset 13, IR version 8"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("input 'input' (N, 2) -> output 'probabilities' (N, 2)"),
            std::string::npos)
      << r.output;
  const std::string bytes = slurp(path("m.onnx"));
  EXPECT_NE(bytes.find("BatchNormalization"), std::string::npos);
  EXPECT_NE(bytes.find("scratchnet_version"), std::string::npos);
}

TEST_F(CliInterchange, ATomlConfigAsLikeTakesItsNetworkOverItsDataWithoutScaling) {
  const std::string model = trained_model();
  ASSERT_EQ(run("export " + model + " --format safetensors -o " + path("w.safetensors")).code, 0);
  const std::string toml =
      write("net.toml", "[data]\nsource = \"xor\"\n[model]\nlayers = [6]\nbatch_norm = true\n");
  const Result r =
      run("import " + path("w.safetensors") + " --like " + toml + " -o " + path("from_toml.snm"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("(no preprocessing)"), std::string::npos) << r.output;
  const Result info = run("info --model " + path("from_toml.snm") + " --settings");
  EXPECT_NE(info.output.find("scaler: none"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("scale = \"none\""), std::string::npos) << info.output;
  // Same weights as the trained model: export both, compare.
  ASSERT_EQ(run("export " + path("from_toml.snm") + " --format safetensors -o " +
                path("again.safetensors"))
                .code,
            0);
  const std::string a = slurp(path("w.safetensors")), b = slurp(path("again.safetensors"));
  // The data buffer follows the 8-byte header length and the header.
  const auto data_of = [](const std::string& file) {
    std::uint64_t n = 0;
    std::memcpy(&n, file.data(), 8);
    return file.substr(8 + n);
  };
  EXPECT_EQ(data_of(a), data_of(b));
}

TEST_F(CliInterchange, BadInputsExitWithTheirCodeAndSayWhy) {
  const std::string model = trained_model();
  Result r = run("export " + model + " --format tflite -o " + path("x"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("'tflite' is not one of onnx, safetensors"), std::string::npos)
      << r.output;
  r = run("export " + model + " --opset 20 -o " + path("x.onnx"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("13 to 17"), std::string::npos) << r.output;
  // Weights of another architecture: the first tensor that does not fit is named.
  const Result other = run("train --data xor --layers 5 --epochs 1 --out " + path("other"));
  ASSERT_EQ(other.code, 0) << other.output;
  ASSERT_EQ(
      run("export " + path("other/model.snm") + " --format safetensors -o " + path("o.safetensors"))
          .code,
      0);
  r = run("import " + path("o.safetensors") + " --like " + model + " -o " + path("bad.snm"));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(
      r.output.find(
          "tensor '0.weight' has shape [5, 2], the network's layer 1 (dense): W needs [6, 2]"),
      std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(path("bad.snm")));
  r = run("import " + write("not.safetensors", "hello") + " --like " + model + " -o " +
          path("bad.snm"));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("too short"), std::string::npos) << r.output;
}

TEST_F(CliInterchange, TrainingCanStartFromASavedModel) {
  ASSERT_EQ(run("train --data xor --layers 6 --epochs 2 --out " + path("run")).code, 0);
  // An epoch at a learning rate of 1e-30 from the saved weights leaves every weight as it was.
  const Result r =
      run("train --data xor --layers 6 --epochs 1 --optimizer sgd --lr 1e-30 --init-from " +
          path("run/model.snm") + " --out " + path("again"));
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* run_dir : {"run", "again"})
    ASSERT_EQ(run(std::string("export ") + path(run_dir) + "/model.snm --format safetensors -o " +
                  path(run_dir) + ".safetensors")
                  .code,
              0);
  EXPECT_EQ(slurp(path("again.safetensors")), slurp(path("run.safetensors")));
  const Result wrong = run("train --data xor --layers 7 --epochs 1 --init-from " +
                           path("run/model.snm") + " --out " + path("x"));
  EXPECT_EQ(wrong.code, 2) << wrong.output;
  EXPECT_NE(wrong.output.find("model.init_from: layer 1"), std::string::npos) << wrong.output;
}

}  // namespace
}  // namespace scratchnet::cli_testing
