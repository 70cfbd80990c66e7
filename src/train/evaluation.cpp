#include "scratchnet/train/evaluation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/softmax.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {

ClassificationReport classification_report(std::span<const std::int32_t> truth,
                                           std::span<const std::int32_t> predicted,
                                           const std::vector<std::string>& class_names) {
  SCRATCHNET_CHECK(truth.size() == predicted.size(), "{} labels, {} predictions", truth.size(),
                   predicted.size());
  const std::size_t k = class_names.size();
  ClassificationReport r;
  r.class_names = class_names;
  r.samples = truth.size();
  r.confusion.assign(k, std::vector<std::size_t>(k, 0));
  std::size_t correct = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const auto t = static_cast<std::size_t>(truth[i]), p = static_cast<std::size_t>(predicted[i]);
    SCRATCHNET_CHECK(t < k && p < k, "class id out of range");
    ++r.confusion[t][p];
    correct += t == p;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t c = 0; c < k; ++c) {
    std::size_t predicted_c = 0;
    for (std::size_t t = 0; t < k; ++t) predicted_c += r.confusion[t][c];
    const std::size_t support =
        std::accumulate(r.confusion[c].begin(), r.confusion[c].end(), std::size_t{0});
    r.support.push_back(support);
    r.precision.push_back(predicted_c ? static_cast<double>(r.confusion[c][c]) / predicted_c : nan);
    r.recall.push_back(support ? static_cast<double>(r.confusion[c][c]) / support : nan);
    // 2 TP + FP + FN = predicted + support.
    const std::size_t f1_denominator = predicted_c + support;
    r.f1.push_back(f1_denominator ? 2.0 * static_cast<double>(r.confusion[c][c]) / f1_denominator
                                  : nan);
  }
  r.accuracy = truth.empty() ? nan : static_cast<double>(correct) / truth.size();
  // Means over the classes where each score is defined.
  const auto mean_defined = [](const std::vector<double>& values) {
    double sum = 0;
    std::size_t count = 0;
    for (double v : values) {
      if (std::isnan(v)) continue;
      sum += v;
      ++count;
    }
    return count ? sum / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
  };
  r.balanced_accuracy = mean_defined(r.recall);
  r.macro_f1 = mean_defined(r.f1);
  return r;
}

std::size_t eval_batch_rows(const Network<float>& network) {
  std::size_t per_sample = 0;
  for (std::size_t i = 0; i < network.size(); ++i) per_sample += network.layer(i).output_shape().elements();
  const std::size_t rows = kEvalOutputBytes / (std::max<std::size_t>(per_sample, 1) * sizeof(float));
  return std::clamp<std::size_t>(rows, 64, 1024);
}

Tensor predict_outputs(Network<float>& network, const Dataset& data, bool probabilities) {
  const std::size_t kBatch = eval_batch_rows(network);
  const std::size_t k = network.output_shape().elements();
  Tensor out(Shape{data.size(), k});
  Tensor x, y;
  std::vector<std::int32_t> labels;
  std::vector<std::size_t> indices;
  for (std::size_t start = 0; start < data.size(); start += kBatch) {
    const std::size_t count = std::min(kBatch, data.size() - start);
    indices.resize(count);
    std::iota(indices.begin(), indices.end(), start);
    data.gather(indices, x, labels, y);
    const Tensor& z = network.forward(x, Mode::kEval);
    std::copy(z.data(), z.data() + count * k, out.row(start));
  }
  if (probabilities) softmax_rows(out.data(), out.data(), out.rows(), k);
  return out;
}

void align_classes(Dataset& data, const std::vector<std::string>& model_classes) {
  std::vector<std::int32_t> to_model(data.class_names.size(), -1);
  for (std::size_t c = 0; c < data.class_names.size(); ++c) {
    auto it = std::find(model_classes.begin(), model_classes.end(), data.class_names[c]);
    if (it == model_classes.end())
      throw_data("{}: class '{}' is not one of the model's classes", data.name, data.class_names[c]);
    to_model[c] = static_cast<std::int32_t>(it - model_classes.begin());
  }
  for (auto& label : data.labels) label = to_model[static_cast<std::size_t>(label)];
  data.class_names = model_classes;
}

}  // namespace scratchnet
