#include "scratchnet/app/predict.h"

#include <algorithm>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/app/prepared_data.h"
#include "scratchnet/core/error.h"
#include "scratchnet/data/image_dataset.h"
#include "scratchnet/data/image_decode.h"
#include "scratchnet/train/config.h"
#include "scratchnet/train/evaluation.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {
namespace {

// Which columns of `table` hold the model's features (see predict.h).
std::vector<std::size_t> feature_columns(const CsvTable& table, const Model& model, std::size_t features,
                                         const std::string& source) {
  std::vector<std::size_t> columns;
  if (!table.header.empty() && model.feature_names.size() == features) {
    for (const auto& name : model.feature_names) {
      auto it = std::find(table.header.begin(), table.header.end(), name);
      if (it == table.header.end()) break;
      columns.push_back(static_cast<std::size_t>(it - table.header.begin()));
    }
    if (columns.size() == features) return columns;
    columns.clear();
  }
  const std::size_t width = table.rows.empty() ? 0 : table.rows[0].size();
  if (width != features)
    throw_data("{}: rows have {} columns, the model takes {} features{}", source, width, features,
               model.feature_names.empty()
                   ? ""
                   : fmt::format(" (a header naming the features selects them: {})", fmt::join(model.feature_names, ",")));
  columns.resize(features);
  std::iota(columns.begin(), columns.end(), 0);
  return columns;
}

}  // namespace

Predictions predict_dataset(const Model& model, Dataset data) {
  model.prepare(data);
  Predictions p;
  p.task = model.task;
  p.class_names = model.class_names;
  p.outputs = model.predict(data, true);
  if (p.task == Task::kClassification) argmax_rows(p.outputs, p.predicted);
  return p;
}

Predictions predict_table(const Model& model, const CsvTable& table, const std::string& source) {
  if (table.rows.empty()) throw_data("{}: no data rows", source);
  const std::size_t features = model.network->input_shape().elements();
  Dataset data;
  data.name = source;
  data.sample_shape = model.network->input_shape();
  Predictions p;
  if (model.tabular) {
    // The model's own pipeline: columns by header name, missing cells filled,
    // categories one-hot (an unseen one encodes as zeros and is counted).
    TabularRows rows = model.tabular->transform(table, source);
    data.features = std::move(rows.features);
    p = predict_dataset(model, std::move(data));
    p.unseen_cells = rows.unseen;
    p.unseen_summary = rows.unseen_summary(model.tabular->columns());
    return p;
  }
  data.features = table_columns(table, feature_columns(table, model, features, source), source);
  return predict_dataset(model, std::move(data));
}

std::string predictions_csv(const Predictions& p) {
  std::string text;
  const Tensor& out = p.outputs;
  if (p.task == Task::kClassification) {
    text = "predicted";
    for (const auto& name : p.class_names) text += ",p_" + name;
    text += "\n";
    for (std::size_t r = 0; r < out.rows(); ++r) {
      text += p.class_names[static_cast<std::size_t>(p.predicted[r])];
      for (std::size_t c = 0; c < out.cols(); ++c) text += fmt::format(",{:.6f}", out.at(r, c));
      text += "\n";
    }
    return text;
  }
  for (std::size_t c = 0; c < out.cols(); ++c)
    text += c == 0 ? (out.cols() == 1 ? "prediction" : "prediction_0") : fmt::format(",prediction_{}", c);
  text += "\n";
  for (std::size_t r = 0; r < out.rows(); ++r) {
    for (std::size_t c = 0; c < out.cols(); ++c) text += fmt::format("{}{:.7g}", c ? "," : "", out.at(r, c));
    text += "\n";
  }
  return text;
}

bool is_image_path(const std::string& path) { return has_image_extension(path); }

std::vector<std::string> image_inputs(const std::string& input) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(input, ec)) return {input};
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(input, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec) && has_image_extension(it->path().filename().string()))
      files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw_data("{}: no image files (.png .jpg .jpeg .bmp .ppm .pgm) in this folder", input);
  return files;
}

Predictions predict_images(const Model& model, const std::vector<std::string>& paths, Dataset* images) {
  if (!model.image)
    throw_usage("this model was not trained on images (its input is {}); give it a CSV table",
                model.network->input_shape().str());
  const ImageSettings& im = *model.image;
  Dataset data;
  data.name = paths.size() == 1 ? paths.front() : fmt::format("{} images", paths.size());
  data.sample_shape = Shape{im.channels, im.height, im.width};
  const std::size_t plane = im.channels * im.height * im.width;
  data.pixels.resize(paths.size() * plane);
  std::vector<std::uint8_t> scratch;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const DecodedImage decoded = read_image(paths[i], static_cast<int>(im.channels));
    image_to_planes(decoded, im.height, im.width, im.channels, data.pixels.data() + i * plane, scratch);
  }
  if (images) *images = data;
  return predict_dataset(model, std::move(data));
}

SamplePrediction predict_sample(const Model& model, const std::string& source, const std::string& split,
                                std::size_t index) {
  if (model.task != Task::kClassification) throw_usage("--index works with classification models");
  if (split != "test" && split != "train") throw_usage("--split: '{}' is not test or train", split);
  TrainConfig config;
  config.load_toml_text(model.config_toml, "the model's stored settings");
  if (!source.empty()) config.set("data.source", source);
  PreparedData parts = load_and_split(config);
  const Dataset& set = split == "train" ? parts.train : parts.test;
  if (index >= set.size())
    throw_usage("--index {} is out of range: the {} split of {} has {} samples", index, split, set.name, set.size());
  const std::vector<std::size_t> one = {index};
  SamplePrediction s;
  s.dataset = set.name;
  s.sample = set.subset(one);
  align_classes(s.sample, model.class_names);
  s.truth = model.class_names[static_cast<std::size_t>(s.sample.labels[0])];
  s.prediction = predict_dataset(model, s.sample);
  return s;
}

}  // namespace scratchnet
