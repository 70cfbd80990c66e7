// scratchnet.gradcheck: the library's finite-difference check
// (train/gradient_check.h) on a scratchnet layer, a list of them, a model's
// network, or a layer written in Python (numpy), through an adapter made by
// python/scratchnet/gradcheck.py.

#include <cstring>

#include "bindings.h"
#include "layer_handle.h"
#include "model_handle.h"
#include "scratchnet/core/error.h"
#include "scratchnet/train/gradient_check.h"
#include "scratchnet/train/network.h"

namespace scratchnet::python {
namespace {

GradientCheckOptions options_of(bool train, std::uint64_t seed, double step, std::size_t max_values) {
  GradientCheckOptions o;
  o.mode = train ? Mode::kTrain : Mode::kEval;
  o.seed = seed;
  o.step = step;
  o.max_values = max_values;
  return o;
}

py::list entries(const GradientCheckReport& report) {
  py::list out;
  for (const auto& e : report.entries) {
    py::dict d;
    d["name"] = e.name;
    d["checked"] = e.checked;
    d["worst_error"] = e.worst_error;
    d["worst_index"] = e.worst_index;
    d["analytic"] = e.analytic;
    d["numeric"] = e.numeric;
    out.append(d);
  }
  return out;
}

Tensor batch(py::handle x) {
  Tensor t;
  const FloatArray array = float_array(x, "x");
  require_batch(array, "x");
  copy_to_tensor(array, t, "x");
  return t;
}

// A layer written in Python, seen by the checker as a double-precision layer.
// The adapter (scratchnet/gradcheck.py) gives forward(x, train), backward(dy),
// names(), get_values(), set_values(values) and get_grads(); the layer's
// values are pushed into the Python arrays before every forward.
class PythonLayer final : public LayerBase<double> {
 public:
  PythonLayer(py::object adapter, const Shape& input, const Shape& output)
      : LayerBase<double>({"python", {}}, input, output), adapter_(std::move(adapter)) {
    for (py::handle name : adapter_.attr("names")()) names_.push_back(py::str(name).cast<std::string>());
    const py::list values = adapter_.attr("get_values")();
    for (py::handle v : values) {
      values_.push_back(from_numpy(v, "a parameter"));
      grads_.emplace_back(values_.back().shape());
    }
  }

  const BasicTensor<double>& forward(const BasicTensor<double>& x, Mode mode) override {
    push_values();
    y_ = from_numpy(adapter_.attr("forward")(to_numpy64(x), mode == Mode::kTrain), "forward's output");
    return y_;
  }

  const BasicTensor<double>& backward(const BasicTensor<double>& grad_y) override {
    dx_ = from_numpy(adapter_.attr("backward")(to_numpy64(grad_y)), "backward's dx");
    const py::list grads = adapter_.attr("get_grads")();
    if (grads.size() != grads_.size()) throw_usage("the layer's params changed during the check");
    for (std::size_t i = 0; i < grads_.size(); ++i) {
      BasicTensor<double> g = from_numpy(grads[i], "a gradient");
      if (g.size() != values_[i].size())
        throw_usage("the gradient of {} has {} values, the parameter {}", names_[i], g.size(), values_[i].size());
      std::copy(g.span().begin(), g.span().end(), grads_[i].span().begin());
    }
    return dx_;
  }

  std::vector<Param<double>> params() override {
    std::vector<Param<double>> out;
    for (std::size_t i = 0; i < values_.size(); ++i) out.push_back({names_[i], &values_[i], &grads_[i], true});
    return out;
  }

  void push_values() {
    py::list values;
    for (const auto& v : values_) values.append(to_numpy64(v));
    adapter_.attr("set_values")(values);
  }

 private:
  static py::array_t<double> to_numpy64(const BasicTensor<double>& t) {
    std::vector<py::ssize_t> shape;
    for (int i = 0; i < t.shape().rank(); ++i) shape.push_back(static_cast<py::ssize_t>(t.shape()[i]));
    py::array_t<double> a(shape);
    if (t.size()) std::memcpy(a.mutable_data(), t.data(), t.size() * sizeof(double));
    return a;
  }
  static BasicTensor<double> from_numpy(py::handle object, const char* what) {
    const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(object);
    if (!a) throw_usage("{} is not an array of numbers", what);
    Shape shape = a.ndim() == 0 ? Shape{1} : shape_of(a, what);
    BasicTensor<double> t(shape);
    if (t.size()) std::memcpy(t.data(), a.data(), t.size() * sizeof(double));
    return t;
  }

  py::object adapter_;
  std::vector<std::string> names_;
  std::vector<BasicTensor<double>> values_, grads_;
  BasicTensor<double> y_, dx_;
};

}  // namespace

void bind_gradcheck(py::module_& m) {
  m.def(
      "check_layer",
      [](py::handle layer, py::handle x, bool train, std::uint64_t seed, double step, std::size_t max_values) {
        LayerHandle& h = layer_handle(layer);
        const Tensor t = batch(x);
        h.build(t.shape().without_batch());
        return entries(check_gradients(*h.layer(), t, options_of(train, seed, step, max_values)));
      },
      py::arg("layer"), py::arg("x"), py::arg("train"), py::arg("seed"), py::arg("step"), py::arg("max_values"));
  m.def(
      "check_layers",
      [](const py::list& layers, py::handle x, bool train, std::uint64_t seed, double step, std::size_t max_values) {
        // A network of copies of the layers (they stay the caller's).
        const Tensor t = batch(x);
        Architecture architecture{t.shape().without_batch(), {}};
        std::vector<LayerHandle*> handles;
        for (py::handle l : layers) {
          handles.push_back(&layer_handle(l));
          architecture.layers.push_back(handles.back()->spec());
        }
        Network<float> network(architecture);
        for (std::size_t i = 0; i < handles.size(); ++i) {
          Layer<float>* own = handles[i]->layer();
          if (!own) continue;
          check_layer_tensors(*own, network.layer(i));
          auto from = own->params(), to = network.layer(i).params();
          for (std::size_t p = 0; p < from.size(); ++p) *to[p].value = *from[p].value;
          auto bf = own->buffers(), bt = network.layer(i).buffers();
          for (std::size_t b = 0; b < bf.size(); ++b) *bt[b].value = *bf[b].value;
        }
        return entries(check_gradients(network, t, options_of(train, seed, step, max_values)));
      },
      py::arg("layers"), py::arg("x"), py::arg("train"), py::arg("seed"), py::arg("step"), py::arg("max_values"));
  m.def(
      "check_model",
      [](py::object model, py::handle x, bool train, std::uint64_t seed, double step, std::size_t max_values) {
        ModelHandle& h = model.cast<ModelHandle&>();
        const Tensor t = batch(x);
        auto lock = h.lock();
        h.build_pending(model);
        if (!h.built() && !h.from_config)
          h.build(t.shape().without_batch(), h.loss_choice == "mse" ? Task::kRegression : Task::kClassification,
                  model);
        Network<float>& network = h.network();
        Tensor shaped = t;
        if (t.shape().without_batch().elements() != network.input_shape().elements())
          throw_usage("x: samples of shape {}, the network takes {}", t.shape().without_batch().str(),
                      network.input_shape().str());
        shaped.resize(network.input_shape().with_batch(t.rows()));
        return entries(check_gradients(network, shaped, options_of(train, seed, step, max_values)));
      },
      py::arg("model"), py::arg("x"), py::arg("train"), py::arg("seed"), py::arg("step"), py::arg("max_values"));
  m.def(
      "check_python",
      [](py::object adapter, py::handle x, bool train, std::uint64_t seed, double step, std::size_t max_values) {
        const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(x);
        if (!a) throw_usage("x must be an array of numbers");
        require_batch(a, "x");
        const Shape shape = shape_of(a, "x");
        BasicTensor<double> xd(shape);
        std::memcpy(xd.data(), a.data(), xd.size() * sizeof(double));
        // The output shape, from one forward.
        const auto y = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(
            adapter.attr("forward")(a, train));
        if (!y || y.ndim() < 1 || y.shape(0) != a.shape(0))
          throw_usage("the layer's forward must return one row per sample of x");
        PythonLayer layer(adapter, shape.without_batch(), shape_of(y, "forward's output").without_batch());
        const GradientCheckReport report = check_gradients(layer, xd, options_of(train, seed, step, max_values));
        layer.push_values();  // the layer's own arrays hold its values again
        return entries(report);
      },
      py::arg("adapter"), py::arg("x"), py::arg("train"), py::arg("seed"), py::arg("step"), py::arg("max_values"));
}

}  // namespace scratchnet::python
