#pragma once
// The extension scratchnet._core: one binding file per library area
// (core, layers, optim, losses, model, data, app, gradcheck, interchange), plus what they
// share: numpy conversions (numpy_convert.cpp), parameters as numpy views
// (layers.cpp) and the interpreter helpers (core.cpp).
//
// Rules every binding follows:
//   - only conversion and parsing live here; the work is a library call;
//   - float32 C-contiguous arrays are read without a copy, anything else is
//     converted once (float_array);
//   - long calls (fit, predict, train, compare, search) release the GIL;
//     Python code called back from them takes it again;
//   - library errors become Python exceptions with the same message (core.cpp).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "scratchnet/core/param.h"
#include "scratchnet/core/shape.h"
#include "scratchnet/core/tensor.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/train/config.h"

namespace scratchnet::python {

namespace py = pybind11;

void bind_core(py::module_& m);
void bind_layers(py::module_& m);
void bind_optim(py::module_& m);
void bind_losses(py::module_& m);
void bind_model(py::module_& m);
void bind_data(py::module_& m);
void bind_app(py::module_& m);
void bind_gradcheck(py::module_& m);
void bind_interchange(py::module_& m);

// ---- numpy (numpy_convert.cpp) ----

using FloatArray = py::array_t<float, py::array::c_style>;

// `object` as a float32 C-contiguous array: the object itself when it is one
// (no copy), else numpy's conversion (one copy). Strings, complex numbers and
// objects numpy cannot turn into numbers are ValueErrors naming `what`.
FloatArray float_array(py::handle object, const char* what);
// The shape of `array` (at most 4 axes; a ValueError naming `what` otherwise).
Shape shape_of(const py::array& array, const char* what);
// A ValueError naming `what` and the first row and column that holds NaN or
// an infinity; `cols` values per row.
void require_finite(const float* values, std::size_t count, std::size_t cols, const char* what);
// A batch: an array with at least 2 axes and at least one row (ValueErrors
// naming `what` that say how to reshape).
void require_batch(const py::array& array, const char* what);
// A sample shape from a Python sequence of 1 to 3 positive sizes.
Shape sample_shape(const py::iterable& dims);
// A shape as a Python tuple.
py::tuple shape_tuple(const Shape& shape);
// A numpy copy of `tensor`.
py::array_t<float> to_numpy(const Tensor& tensor);
// A numpy array sharing memory with `tensor`, keeping `owner` alive; `shape`
// empty: the tensor's own.
py::array_t<float> numpy_view(Tensor& tensor, py::handle owner, std::vector<py::ssize_t> shape = {});
// Copies `array` (any numeric array) into `tensor`, resizing it.
void copy_to_tensor(py::handle array, Tensor& tensor, const char* what);
// X as a float32 batch (float_array, require_batch) without NaN or infinities.
FloatArray features_array(py::handle x, const char* what);
// A data set of `task` whose features borrow `array`'s rows (Dataset::
// borrowed_features), samples of shape `sample`; the caller keeps `array` alive.
Dataset borrowing(const FloatArray& array, const Shape& sample, Task task, const char* what);
// A str or os.PathLike as a path.
std::string path_text(py::handle path);
// A value as the text TrainConfig::set takes (True -> "true", lists joined by ",").
std::string setting_text(py::handle value);
// Applies keyword arguments as settings (TrainConfig::set with bare or full keys).
void apply_settings(TrainConfig& config, const py::dict& settings);

// A registry schema entry (a layer attribute, an optimizer hyper-parameter)
// as a dict: name, min, max, min_open, max_open, help, range.
template <class Schema>
py::dict schema_dict(const Schema& s) {
  py::dict d;
  d["name"] = s.name;
  d["min"] = s.min;
  d["max"] = s.max;
  d["min_open"] = s.min_open;
  d["max_open"] = s.max_open;
  d["help"] = s.help;
  d["range"] = s.range();
  return d;
}

// ---- settings (app.cpp) ----

// A training config from TOML text, the path of a TOML file, or a dict
// (nested sections or "section.key" keys); [experiment] sections are skipped.
TrainConfig config_from(py::handle source);

// ---- parameters (layers.cpp) ----

// Something that owns parameters: a layer, a network, a standalone parameter.
class ParamSource {
 public:
  virtual ~ParamSource() = default;
  virtual std::vector<Param<float>> source_params() = 0;
  // The shape a parameter is shown with (conv2d's W as (out, in, k, k)).
  virtual std::vector<py::ssize_t> display_shape(std::size_t index);
  // Unique names ("W", "W_2"; a network's "0.W").
  virtual std::vector<std::string> param_names();
};
// The Parameter objects of `source`, each keeping `owner` (the Python object
// of the source) alive.
py::list parameter_list(ParamSource& source, py::object owner);
// The library parameters behind a list of Parameter objects.
std::vector<Param<float>> params_of(const py::list& parameters);

// ---- the interpreter (core.cpp) ----

// Runs `work` on a worker thread with the GIL released while this thread
// watches for Ctrl-C: a signal (seen by PyErr_CheckSignals) requests the
// library's cooperative interrupt (core/interrupt.h), so training stops at
// its next step and the library's kInterrupted error (a KeyboardInterrupt
// here) carries its message. Exceptions of `work` are rethrown here.
void run_interruptible(const std::function<void()>& work);

}  // namespace scratchnet::python
