// `scratchnet predict --model M --input X.csv [--output Y.csv]`: one
// prediction per input row (class name and class probabilities, or the
// regression output), with the model's own preprocessing applied; or
// `--index N`: one sample of a data set, drawn as ASCII art when it is an
// image. The predictions themselves are app/predict.h.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "commands.h"
#include "scratchnet/app/predict.h"
#include "scratchnet/core/error.h"
#include "scratchnet/core/binary.h"
#include "scratchnet/io/model_file.h"

namespace scratchnet::cli {
namespace {

// An image sample as ASCII art: darker characters for brighter pixels, first
// channel, two characters per pixel (seed 001 shows a digit with its
// prediction). Flat samples of a square size (8x8 digits) are drawn as images.
void draw(const Dataset& sample, std::size_t index = 0) {
  static const char kShades[] = " .:-=+*#%@";
  const Shape& shape = sample.sample_shape;
  std::size_t h = 0, w = 0;
  if (shape.rank() == 3) {
    h = shape[1];
    w = shape[2];
  } else if (shape.rank() == 1) {
    const auto side = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(shape[0]))));
    if (side < 4 || side * side != shape[0]) return;
    h = w = side;
  } else {
    return;
  }
  // Previews of big images are subsampled to at most 40 columns.
  const std::size_t step = std::max<std::size_t>(1, (w + 39) / 40);
  Tensor x, y;
  std::vector<std::int32_t> labels;
  const std::vector<std::size_t> first = {index};
  sample.gather(first, x, labels, y);
  float lo = x[0], hi = x[0];
  for (std::size_t i = 0; i < h * w; ++i) lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
  for (std::size_t r = 0; r < h; r += step) {
    std::string line;
    for (std::size_t c = 0; c < w; c += step) {
      const float v = hi > lo ? (x[r * w + c] - lo) / (hi - lo) : 0.0f;
      const char ch = kShades[std::min<std::size_t>(9, static_cast<std::size_t>(v * 10))];
      line += ch;
      line += ch;
    }
    fmt::print("{}\n", line);
  }
}

// Class indices of row `r` of a classification's outputs, most probable first.
std::vector<std::size_t> ranked(const Predictions& p, std::size_t r) {
  std::vector<std::size_t> order(p.outputs.cols());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return p.outputs.at(r, a) > p.outputs.at(r, b); });
  return order;
}

void print_sample(const SamplePrediction& s, const std::string& split, std::size_t index) {
  draw(s.sample);
  const Predictions& p = s.prediction;
  const std::vector<std::size_t> order = ranked(p, 0);
  const std::string& guess = p.class_names[order[0]];
  fmt::print("sample {} of the {} split of {}: predicted '{}' (p = {:.3f}), true '{}'{}\n", index, split, s.dataset,
             guess, p.outputs[order[0]], s.truth, guess == s.truth ? "" : "  <- wrong");
  fmt::print("top classes:");
  for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k)
    fmt::print("  {} {:.3f}", p.class_names[order[k]], p.outputs[order[k]]);
  fmt::print("\n");
}

// `file,` before each row of predictions_csv: file,predicted,p_<class>... .
std::string images_csv(const Predictions& p, const std::vector<std::string>& files) {
  const std::string rows = predictions_csv(p);
  std::string text = "file,";
  std::size_t start = 0;
  for (std::size_t r = 0; start < rows.size(); ++r) {
    const std::size_t end = rows.find('\n', start) + 1;
    if (r > 0) text += files[r - 1] + ",";
    text += rows.substr(start, end - start);
    start = end;
  }
  return text;
}

// One classified image: its class, the top classes and, on a terminal, a preview.
std::string one_image(const Predictions& p, const std::string& file, const Dataset& image, std::size_t top,
                      bool preview) {
  if (preview) draw(image);
  const std::vector<std::size_t> order = ranked(p, 0);
  std::string text = fmt::format("{}: {} (p = {:.3f})\ntop classes:", file, p.class_names[order[0]],
                                 p.outputs.at(0, order[0]));
  for (std::size_t k = 0; k < std::min(top, order.size()); ++k)
    text += fmt::format("  {} {:.3f}", p.class_names[order[k]], p.outputs.at(0, order[k]));
  return text + "\n";
}

}  // namespace

Command add_predict_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("predict",
                                 "Predict with a saved model: each row of a CSV file, an image file, every "
                                 "image of a folder, or a data set sample (--index)");
  struct State {
    std::string model, input, output, header = "auto", data, split = "test";
    long long index = -1;
    std::size_t top = 3;
  };
  auto state = std::make_shared<State>();
  cmd->add_option("--model,-m", state->model, "model file (.snm)")->required();
  cmd->add_option("--input,-i", state->input,
                  "CSV file of feature rows (header optional), an image file (.png .jpg .jpeg .bmp .ppm .pgm), "
                  "or a folder of images (searched recursively)");
  cmd->add_option("--top", state->top, "images: the most probable classes to show (default 3)");
  cmd->add_option("--index", state->index,
                  "predict sample N of a data set instead (images are drawn as ASCII art)");
  cmd->add_option("--data", state->data, "with --index: the data set (default: the model's own)");
  cmd->add_option("--split", state->split, "with --index: test | train (default test)")
      ->check(CLI::IsMember({"test", "train"}));
  cmd->add_option("--output,-o", state->output, "write predictions here (default: stdout)");
  cmd->add_option("--header", state->header, "auto | yes | no")->check(CLI::IsMember({"auto", "yes", "no"}));

  return [state] {
    const Model model = load_model(state->model);
    if (state->index >= 0) {
      const auto index = static_cast<std::size_t>(state->index);
      print_sample(predict_sample(model, state->data, state->split, index), state->split, index);
      return;
    }
    if (state->input.empty()) throw_usage("predict needs --input FILE.csv|IMAGE|FOLDER or --index N");
    std::error_code ec;
    if (is_image_path(state->input) || std::filesystem::is_directory(state->input, ec)) {
      const std::vector<std::string> files = image_inputs(state->input);
      Dataset images;
      const Predictions p = predict_images(model, files, &images);
      if (!state->output.empty()) {
        write_file_atomic(state->output, images_csv(p, files));
        fmt::print(stderr, "wrote {} prediction(s) to {}\n", files.size(), state->output);
      } else if (files.size() == 1 && p.task == Task::kClassification) {
        fmt::print("{}", one_image(p, files[0], images, state->top, ::isatty(STDOUT_FILENO) != 0));
      } else {
        fmt::print("{}", images_csv(p, files));
      }
      return;
    }
    CsvOptions options;
    options.header = parse_header_mode(state->header, "--header");
    const CsvTable table = parse_csv_table(read_text_file(state->input), state->input, options);
    const Predictions predictions = predict_table(model, table, state->input);
    if (predictions.unseen_cells > 0)
      fmt::print(stderr, "warning: {} cell(s) hold a category unseen in training ({}); encoded as all zeros\n",
                 predictions.unseen_cells, predictions.unseen_summary);
    const std::string text = predictions_csv(predictions);
    if (state->output.empty()) {
      fmt::print("{}", text);
    } else {
      write_file_atomic(state->output, text);
      fmt::print(stderr, "wrote {} predictions to {}\n", predictions.outputs.rows(), state->output);
    }
  };
}

}  // namespace scratchnet::cli
