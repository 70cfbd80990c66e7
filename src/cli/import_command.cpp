// `scratchnet import WEIGHTS.safetensors --like MODEL.snm|NET.toml -o OUT.snm`:
// weights trained elsewhere (PyTorch) into a scratchnet model (app/interchange.h).

#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "scratchnet/app/interchange.h"
#include "scratchnet/io/model_file.h"

namespace scratchnet::cli {

Command add_import_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("import",
                                 "Read safetensors weights (PyTorch's names, as 'export --format "
                                 "safetensors' writes them) into the "
                                 "architecture of a model file or a TOML config");
  struct State {
    std::string weights, like, out;
  };
  auto state = std::make_shared<State>();
  cmd->add_option("weights", state->weights, "safetensors file")->required();
  cmd->add_option("--like", state->like,
                  "MODEL.snm (its architecture, preprocessing and settings) or NET.toml (its "
                  "network over the data "
                  "set its [data] section names; no preprocessing)")
      ->required();
  cmd->add_option("--output,-o", state->out, "model file to write (.snm)")->required();
  return [state] {
    Model model = model_like(state->like);
    const WeightImport imported = import_weights(model, state->weights);
    save_model(model, state->out);
    fmt::print("wrote {}: {} tensors ({} values) from {} into the architecture of {}{}\n",
               state->out, imported.tensors, imported.values, state->weights, state->like,
               model.scaler.kind() == ScalerKind::kNone
                   ? " (no preprocessing)"
                   : fmt::format(" (with its {} scaling)", to_string(model.scaler.kind())));
  };
}

}  // namespace scratchnet::cli
