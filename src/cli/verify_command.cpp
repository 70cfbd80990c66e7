// `scratchnet verify FILE`: checks a model file without training anything.
// Prints one "ok: ..." line and exits 0, or the data error and exits 1.

#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "scratchnet/io/model_file.h"

namespace scratchnet::cli {

Command add_verify_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "verify",
      "Check a model file (magic, format version, size, checksum, architecture, every tensor, "
      "stored settings) without training anything");
  auto path = std::make_shared<std::string>();
  cmd->add_option("file", *path, "model file (.snm)")->required();
  return [path] {
    const ModelInfo info = verify_model(*path);
    const std::string buffers =
        info.buffer_values ? fmt::format(" (+ {} buffer values)", info.buffer_values) : "";
    fmt::print("ok: model format {}, {} layers, {} parameters{}, checksum ok\n",
               info.format_version, info.layers, info.parameters, buffers);
    fmt::print("{} -> {}, {}{}, written by scratchnet {}, {} bytes\n", info.input_shape.str(),
               info.output_shape.str(),
               info.task == Task::kClassification ? "classification" : "regression",
               info.task == Task::kClassification ? fmt::format(" ({} classes)", info.classes) : "",
               info.writer_version, info.file_bytes);
  };
}

}  // namespace scratchnet::cli
