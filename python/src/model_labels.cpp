// Labels and targets from numpy for Model.fit / Model.evaluate (model_labels.h).

#include "model_labels.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/core/error.h"

namespace scratchnet::python {
namespace {

using namespace pybind11::literals;

// Class ids of y and the class names (see the header block).
struct ClassLabels {
  std::vector<std::int32_t> ids;
  std::vector<std::string> names;
};

py::array labels_array(py::handle y, std::size_t rows, const char* what) {
  py::array array = py::module_::import("numpy").attr("asarray")(y);
  if (array.ndim() == 2 && array.shape(1) == 1) array = array.attr("ravel")();
  if (array.ndim() != 1 || static_cast<std::size_t>(array.shape(0)) != rows)
    throw_usage("{} must hold one label per sample ({}), got shape {}", what, rows, shape_of(array, what).str());
  return array;
}

bool integer_labels(const py::array& array) {
  const char kind = array.dtype().kind();
  return kind == 'i' || kind == 'u' || kind == 'b';
}

ClassLabels class_labels(py::handle y, std::size_t rows, const std::vector<std::string>& known, std::size_t outputs,
                         const char* what) {
  const py::array array = labels_array(y, rows, what);
  ClassLabels out;
  out.ids.resize(rows);
  const char kind = array.dtype().kind();
  if (integer_labels(array)) {
    const auto ids = py::array_t<long long, py::array::forcecast>::ensure(array);
    long long largest = -1;
    for (std::size_t i = 0; i < rows; ++i) largest = std::max(largest, ids.at(static_cast<py::ssize_t>(i)));
    const std::size_t classes = !known.empty() ? known.size() : outputs ? outputs : static_cast<std::size_t>(largest + 1);
    for (std::size_t i = 0; i < rows; ++i) {
      const long long id = ids.at(static_cast<py::ssize_t>(i));
      if (id < 0 || static_cast<std::size_t>(id) >= classes)
        throw_usage("{} holds the label {} (row {}), out of range: integer labels are class ids 0..{} here{}", what,
                    id, i, classes - 1, known.empty() && outputs == 0 ? "" : fmt::format(" ({} classes)", classes));
      out.ids[i] = static_cast<std::int32_t>(id);
    }
    out.names = known;
    if (out.names.empty())
      for (std::size_t c = 0; c < classes; ++c) out.names.push_back(std::to_string(c));
    return out;
  }
  if (kind == 'f' || kind == 'c')
    throw_usage("{} holds non-integer numbers: a classifier needs class labels (integers or names); "
                "for regression use loss='mse'",
                what);
  // Names: numpy's sorted unique values (the CLI sorts class names too).
  const py::tuple unique = py::module_::import("numpy").attr("unique")(array, "return_inverse"_a = true);
  const auto inverse = py::array_t<long long, py::array::forcecast>::ensure(unique[1]);
  std::vector<std::string> found;
  for (py::handle v : unique[0]) found.push_back(py::str(v).cast<std::string>());
  std::vector<std::int32_t> map(found.size());
  if (known.empty()) {
    out.names = found;
    for (std::size_t c = 0; c < found.size(); ++c) map[c] = static_cast<std::int32_t>(c);
  } else {
    out.names = known;
    for (std::size_t c = 0; c < found.size(); ++c) {
      const auto it = std::find(known.begin(), known.end(), found[c]);
      if (it == known.end())
        throw_usage("{} holds the class '{}', which the model does not know (its classes: {})", what, found[c],
                    fmt::join(known, ", "));
      map[c] = static_cast<std::int32_t>(it - known.begin());
    }
  }
  for (std::size_t i = 0; i < rows; ++i) out.ids[i] = map[static_cast<std::size_t>(inverse.at(static_cast<py::ssize_t>(i)))];
  return out;
}

// Regression targets of y: (N,) or (N, K) floats.
std::vector<float> regression_targets(py::handle y, std::size_t rows, std::size_t& dim, const char* what) {
  const FloatArray array = float_array(y, what);
  if (array.ndim() == 0 || array.ndim() > 2 || static_cast<std::size_t>(array.shape(0)) != rows)
    throw_usage("{} must hold one target (or one row of targets) per sample ({}), got shape {}", what, rows,
                shape_of(array, what).str());
  const std::size_t k = array.ndim() == 2 ? static_cast<std::size_t>(array.shape(1)) : 1;
  if (k == 0) throw_usage("{} has rows of 0 targets", what);
  if (dim != 0 && k != dim) throw_usage("{} has {} targets per sample, the model predicts {}", what, k, dim);
  dim = k;
  require_finite(array.data(), rows * k, k, what);
  return std::vector<float>(array.data(), array.data() + rows * k);
}

}  // namespace

// What the model is trained for, before it is built: the loss, or y's type.
Task task_for(const ModelHandle& h, py::handle y) {
  // Fixed once trained (or loaded), or by the loss; a Model(layers) built
  // before its first fit still takes the task of its first y.
  if (h.built() && (h.prepared || !h.loss_choice.empty())) return h.model.task;
  std::string loss = h.loss_choice;
  if (loss.empty() && h.from_config && h.config.task != TaskMode::kAuto)
    loss = h.config.task == TaskMode::kRegression ? "mse" : "softmax_cross_entropy";
  if (!loss.empty()) return loss == "mse" ? Task::kRegression : Task::kClassification;
  const py::array array = py::module_::import("numpy").attr("asarray")(y);
  return array.dtype().kind() == 'f' ? Task::kRegression : Task::kClassification;
}

// Fills the labels or targets of `data` from y, naming classes as the model does.
void set_labels(Dataset& data, const ModelHandle& h, py::handle y, const std::vector<std::string>& names,
                const char* what) {
  const std::size_t rows = data.float_features().size() / data.sample_shape.elements();
  const std::size_t outputs = h.built() ? h.network_outputs() : 0;
  if (data.task == Task::kClassification) {
    ClassLabels labels = class_labels(y, rows, names, outputs, what);
    if (h.built() && labels.names.size() != outputs)
      throw_usage("{}: {} classes, the network has {} outputs", what, labels.names.size(), outputs);
    data.labels = std::move(labels.ids);
    data.class_names = std::move(labels.names);
  } else {
    data.target_dim = outputs;
    data.targets = regression_targets(y, rows, data.target_dim, what);
  }
}

}  // namespace scratchnet::python
