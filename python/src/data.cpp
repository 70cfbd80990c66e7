// Data sets for Python: the CLI's data sets by name or path (data/builtin.h)
// and its seeded train/test split (app/prepared_data.h load_and_split), as
// numpy arrays; and the zero-copy view that fit and predict read.

#include <cstring>

#include "bindings.h"
#include "scratchnet/app/prepared_data.h"
#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"

namespace scratchnet::python {
namespace {

// X (float32, (N, features) or (N, C, H, W); image bytes times their scale)
// and y (class ids, int64, or float32 targets).
py::tuple arrays_of(const Dataset& d) {
  const std::size_t n = d.size(), per = d.num_features();
  std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(n)};
  for (int i = 0; i < d.sample_shape.rank(); ++i) shape.push_back(static_cast<py::ssize_t>(d.sample_shape[i]));
  py::array_t<float> x(shape);
  float* out = x.mutable_data();
  if (d.is_image()) {
    for (std::size_t i = 0; i < n * per; ++i) out[i] = static_cast<float>(d.pixels[i]) * d.pixel_scale;
  } else if (n * per > 0) {
    std::memcpy(out, d.float_features().data(), n * per * sizeof(float));
  }
  if (d.task == Task::kClassification) {
    py::array_t<long long> y(static_cast<py::ssize_t>(d.labels.size()));
    for (std::size_t i = 0; i < d.labels.size(); ++i) y.mutable_data()[i] = d.labels[i];
    return py::make_tuple(x, y);
  }
  std::vector<py::ssize_t> target_shape = {static_cast<py::ssize_t>(n)};
  if (d.target_dim != 1) target_shape.push_back(static_cast<py::ssize_t>(d.target_dim));
  py::array_t<float> y(target_shape);
  if (!d.targets.empty()) std::memcpy(y.mutable_data(), d.targets.data(), d.targets.size() * sizeof(float));
  return py::make_tuple(x, y);
}

py::dict describe(const Dataset& d) {
  py::dict out;
  out["name"] = d.name;
  out["task"] = d.task == Task::kClassification ? "classification" : "regression";
  out["class_names"] = d.class_names;
  out["feature_names"] = d.feature_names;
  return out;
}

TrainConfig data_config(py::handle config, const py::kwargs& settings) {
  TrainConfig c = config.is_none() ? TrainConfig() : config_from(config);
  apply_settings(c, settings);
  return c;
}

}  // namespace

void bind_data(py::module_& m) {
  m.def(
      "load",
      [](const std::string& source, const py::kwargs& settings) {
        TrainConfig c;
        c.set("data.source", source);
        apply_settings(c, settings);
        Dataset d;
        {
          py::gil_scoped_release release;
          d = load_dataset(data_options(c));
        }
        py::dict out = describe(d);
        const py::tuple xy = arrays_of(d);
        out["X"] = xy[0];
        out["y"] = xy[1];
        return out;
      },
      py::arg("source"));
  m.def(
      "load_split",
      [](py::object config, const py::kwargs& settings) {
        const TrainConfig c = data_config(config, settings);
        PreparedData parts;
        {
          py::gil_scoped_release release;
          parts = load_and_split(c);
        }
        py::dict out = describe(parts.train);
        out["train"] = arrays_of(parts.train);
        out["test"] = arrays_of(parts.test);
        out["validation"] = parts.validation.size() ? py::object(arrays_of(parts.validation)) : py::object(py::none());
        return out;
      },
      py::arg("config") = py::none());
  m.def(
      "_feature_pointer",
      [](py::handle x) {
        // The memory fit and predict read for X: the same conversion and view.
        const FloatArray array = features_array(x, "X");
        const Dataset d = borrowing(array, shape_of(array, "X").without_batch(), Task::kClassification, "X");
        return reinterpret_cast<std::uintptr_t>(d.float_features().data());
      },
      py::arg("X"));
}

}  // namespace scratchnet::python
