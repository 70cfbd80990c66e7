// numpy arrays in and out: float32 C-contiguous arrays are used as they are,
// everything else is converted once; results are copies or views.

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "bindings.h"
#include "scratchnet/core/error.h"

namespace scratchnet::python {

using namespace pybind11::literals;

FloatArray float_array(py::handle object, const char* what) {
  // The common case first: no copy, no numpy call.
  if (FloatArray::check_(object)) return py::reinterpret_borrow<FloatArray>(object);
  py::module_ numpy = py::module_::import("numpy");
  py::object array = numpy.attr("asarray")(object);
  const char kind = py::cast<py::array>(array).dtype().kind();
  if (kind == 'U' || kind == 'S')
    throw_usage("{} holds strings (dtype {}): convert them to numbers first", what,
                py::str(array.attr("dtype")).cast<std::string>());
  if (kind == 'c') throw_usage("{} holds complex numbers: scratchnet works with real numbers", what);
  if (kind == 'M' || kind == 'm' || kind == 'V')
    throw_usage("{} has dtype {}: scratchnet works with numbers", what, py::str(array.attr("dtype")).cast<std::string>());
  try {
    return py::cast<FloatArray>(numpy.attr("ascontiguousarray")(array, "dtype"_a = "float32"));
  } catch (py::error_already_set& e) {
    throw_usage("{} cannot be read as numbers: {}", what, e.what());
  }
}

Shape shape_of(const py::array& array, const char* what) {
  if (array.ndim() > Shape::kMaxRank)
    throw_usage("{} has {} axes; scratchnet takes at most {} (N, C, H, W)", what, array.ndim(), Shape::kMaxRank);
  Shape shape;
  switch (array.ndim()) {
    case 0: return shape;
    case 1: shape = Shape{0}; break;
    case 2: shape = Shape{0, 0}; break;
    case 3: shape = Shape{0, 0, 0}; break;
    default: shape = Shape{0, 0, 0, 0}; break;
  }
  for (int i = 0; i < array.ndim(); ++i) shape[i] = static_cast<std::size_t>(array.shape(i));
  return shape;
}

void require_batch(const py::array& array, const char* what) {
  if (array.ndim() < 2)
    throw_usage("{} must be a batch with one row per sample, shaped (N, features) or (N, C, H, W); got {} "
                "axis/axes (reshape a single sample with x.reshape(1, -1), a single feature with x.reshape(-1, 1))",
                what, array.ndim());
  if (array.shape(0) == 0) throw_usage("{} is empty: it has 0 samples", what);
  for (int i = 1; i < array.ndim(); ++i)
    if (array.shape(i) == 0) throw_usage("{} has samples of size 0 (shape {})", what, shape_of(array, what).str());
}

FloatArray features_array(py::handle x, const char* what) {
  FloatArray array = float_array(x, what);
  require_batch(array, what);
  const auto count = static_cast<std::size_t>(array.size());
  require_finite(array.data(), count, count / static_cast<std::size_t>(array.shape(0)), what);
  return array;
}

Dataset borrowing(const FloatArray& array, const Shape& sample, Task task, const char* what) {
  Dataset d;
  d.name = what;
  d.task = task;
  d.sample_shape = sample;
  d.borrowed_features = std::span<const float>(array.data(), static_cast<std::size_t>(array.size()));
  return d;
}

void require_finite(const float* values, std::size_t count, std::size_t cols, const char* what) {
  for (std::size_t i = 0; i < count; ++i)
    if (!std::isfinite(values[i]))
      throw_usage("{} holds {} at row {}, column {}: remove or impute such values first", what,
                  std::isnan(values[i]) ? "NaN" : "an infinity", cols ? i / cols : 0, cols ? i % cols : i);
}

Shape sample_shape(const py::iterable& dims) {
  std::vector<std::size_t> v;
  for (py::handle d : dims) {
    const long long n = d.cast<long long>();
    if (n < 1) throw_usage("a sample shape needs sizes of at least 1, got {}", n);
    v.push_back(static_cast<std::size_t>(n));
  }
  if (v.empty() || static_cast<int>(v.size()) >= Shape::kMaxRank)
    throw_usage("a sample shape has 1 to {} axes, got {}", Shape::kMaxRank - 1, v.size());
  Shape s = v.size() == 1 ? Shape{0} : v.size() == 2 ? Shape{0, 0} : Shape{0, 0, 0};
  for (std::size_t i = 0; i < v.size(); ++i) s[static_cast<int>(i)] = v[i];
  return s;
}

py::tuple shape_tuple(const Shape& shape) {
  py::tuple t(shape.rank());
  for (int i = 0; i < shape.rank(); ++i) t[i] = shape[i];
  return t;
}

py::array_t<float> to_numpy(const Tensor& tensor) {
  std::vector<py::ssize_t> shape;
  for (int i = 0; i < tensor.shape().rank(); ++i) shape.push_back(static_cast<py::ssize_t>(tensor.shape()[i]));
  py::array_t<float> out(shape);
  if (tensor.size()) std::memcpy(out.mutable_data(), tensor.data(), tensor.size() * sizeof(float));
  return out;
}

py::array_t<float> numpy_view(Tensor& tensor, py::handle owner, std::vector<py::ssize_t> shape) {
  if (shape.empty())
    for (int i = 0; i < tensor.shape().rank(); ++i) shape.push_back(static_cast<py::ssize_t>(tensor.shape()[i]));
  return py::array_t<float>(shape, tensor.data(), owner);
}

void copy_to_tensor(py::handle object, Tensor& tensor, const char* what) {
  const FloatArray array = float_array(object, what);
  tensor.resize(shape_of(array, what));
  if (tensor.size()) std::memcpy(tensor.data(), array.data(), tensor.size() * sizeof(float));
}

std::string path_text(py::handle path) {
  return py::str(py::module_::import("os").attr("fspath")(path)).cast<std::string>();
}

std::string setting_text(py::handle value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::int_>(value)) return py::str(value).cast<std::string>();
  if (py::isinstance<py::float_>(value)) return py::repr(value).cast<std::string>();
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    std::string text;
    for (py::handle item : value) text += (text.empty() ? "" : ",") + setting_text(item);
    return text.empty() ? "none" : text;
  }
  // numpy scalars and anything else that prints as its value
  return py::str(value).cast<std::string>();
}

void apply_settings(TrainConfig& config, const py::dict& settings) {
  for (auto [key, value] : settings) {
    if (value.is_none()) continue;
    config.set(py::str(key).cast<std::string>(), setting_text(value));
  }
}

}  // namespace scratchnet::python
