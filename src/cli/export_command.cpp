// `scratchnet export MODEL.snm --format onnx|safetensors -o OUT`: the model
// for other tools (app/interchange.h).

#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "scratchnet/app/interchange.h"
#include "scratchnet/io/model_file.h"

namespace scratchnet::cli {

Command add_export_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "export",
      "Write a model for other tools: ONNX (preprocessing + network + softmax in one graph) or "
      "safetensors "
      "(the network's weights with PyTorch's names, architecture and preprocessing as metadata)");
  struct State {
    std::string model, format = "onnx", out;
    int opset = kOnnxMaxOpset;
    bool logits = false;
  };
  auto state = std::make_shared<State>();
  cmd->add_option("model", state->model, "model file (.snm)")->required();
  cmd->add_option("--format,-f", state->format, "onnx | safetensors (default onnx)");
  cmd->add_option("--output,-o", state->out, "file to write")->required();
  cmd->add_option("--opset", state->opset,
                  fmt::format("ONNX opset, {} to {} (default {})", kOnnxMinOpset, kOnnxMaxOpset,
                              kOnnxMaxOpset));
  cmd->add_flag("--logits", state->logits,
                "ONNX: a classifier outputs logits instead of Softmax probabilities");
  return [state] {
    const ExportFormat format = parse_export_format(state->format);
    const Model model = load_model(state->model);
    OnnxExportOptions onnx;
    onnx.opset = state->opset;
    onnx.softmax = !state->logits;
    const ExportSummary summary = export_model(model, format, state->out, onnx);
    fmt::print("wrote {} ({} bytes): {}\n", state->out, summary.bytes, summary.description);
    for (const std::string& note : summary.notes) fmt::print("note: {}\n", note);
  };
}

}  // namespace scratchnet::cli
