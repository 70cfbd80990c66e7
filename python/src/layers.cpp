// Layers, parameters and the layer registry for Python.
//
// scratchnet.layers (python/scratchnet/layers.py) generates one class per
// registered layer type from layer_types() below, with PyTorch's argument
// names mapped onto the registry's attributes, and keeps a LayerHandle in
// each. Parameters reach Python as Parameter objects whose `value` and `grad`
// are numpy views of the library's tensors.

#include "layer_handle.h"

#include <cstring>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/train/gradient_check.h"

namespace scratchnet::python {
namespace {

// A parameter made from a numpy array (scratchnet.Parameter(w)): for
// optimizers used on plain arrays, as the reports' unit tests do.
class OwnedParameter final : public ParamSource {
 public:
  OwnedParameter(std::string name, bool decay) : name_(std::move(name)), decay_(decay) {}
  std::vector<Param<float>> source_params() override { return {{name_, &value, &grad, decay_}}; }
  Tensor value, grad;

 private:
  std::string name_;
  bool decay_;
};

// One parameter of a ParamSource, resolved at every use (a rebuilt layer has
// new tensor objects holding the same memory).
class Parameter {
 public:
  Parameter(py::object owner, ParamSource* source, std::size_t index, std::string name)
      : owner_(std::move(owner)), source_(source), index_(index), name_(std::move(name)) {}
  Parameter(py::handle value, std::string name, bool decay)
      : own_(std::make_shared<OwnedParameter>(name, decay)), source_(own_.get()), index_(0), name_(std::move(name)) {
    copy_to_tensor(value, own_->value, "the parameter's value");
    if (own_->value.empty()) throw_usage("a parameter needs at least one value");
    own_->grad.resize(own_->value.shape());
  }

  Param<float> get() const {
    const auto params = source_->source_params();
    SCRATCHNET_CHECK(index_ < params.size(), "parameter {} of {}", index_, params.size());
    return params[index_];
  }
  std::vector<py::ssize_t> shape() const { return source_->display_shape(index_); }
  const std::string& name() const { return name_; }

 private:
  py::object owner_;
  std::shared_ptr<OwnedParameter> own_;
  ParamSource* source_;
  std::size_t index_;
  std::string name_;
};

std::vector<py::ssize_t> tensor_shape(const Tensor& t) {
  std::vector<py::ssize_t> shape;
  for (int i = 0; i < t.shape().rank(); ++i) shape.push_back(static_cast<py::ssize_t>(t.shape()[i]));
  return shape;
}

void copy_from_array(Tensor& tensor, py::handle value, const std::string& what) {
  const FloatArray array = float_array(value, what.c_str());
  if (static_cast<std::size_t>(array.size()) != tensor.size())
    throw_usage("{}: {} values given, the tensor holds {} (shape {})", what, array.size(), tensor.size(),
                tensor.shape().str());
  std::memcpy(tensor.data(), array.data(), tensor.size() * sizeof(float));
}

LayerSpec spec_from(const std::string& type, const py::dict& attrs) {
  LayerSpec spec{type, {}};
  for (auto [key, value] : attrs) spec.attrs[py::str(key).cast<std::string>()] = value.cast<double>();
  validate_layer_spec(spec);
  return spec;
}

py::dict spec_dict(const LayerSpec& spec) {
  py::dict attrs;
  for (const auto& [k, v] : spec.attrs) attrs[py::str(k)] = v;
  return attrs;
}

py::list layer_type_list() {
  py::list types;
  for (const LayerType* t : layer_types()) {
    py::list attrs;
    for (const AttrSchema& a : t->attrs) {
      py::dict d = schema_dict(a);
      d["kind"] = a.kind == AttrSchema::Kind::kInteger ? "int" : "float";
      d["default"] = a.default_value ? py::object(py::float_(*a.default_value)) : py::object(py::none());
      d["default_from"] = a.default_from ? py::object(py::str(a.default_from)) : py::object(py::none());
      attrs.append(d);
    }
    py::dict d;
    d["name"] = t->name;
    d["summary"] = t->summary;
    d["activation"] = t->activation;
    d["resolves_own_init"] = t->resolves_own_init;
    d["attrs"] = attrs;
    types.append(d);
  }
  return types;
}

// The smallest square image side of `channels` channels that `spec` accepts.
std::size_t minimal_image_side(const std::string& type, const py::dict& attrs, std::size_t channels) {
  const LayerSpec spec = spec_from(type, attrs);
  for (std::size_t side = 1; side <= 4096; ++side) {
    try {
      plan_layer(spec, Shape{channels, side, side});
      return side;
    } catch (const Error&) {
    }
  }
  throw_usage("{}: no image of up to 4096x4096 pixels suits it", spec.str());
}

}  // namespace

std::vector<py::ssize_t> ParamSource::display_shape(std::size_t index) {
  return tensor_shape(*source_params().at(index).value);
}

std::vector<std::string> ParamSource::param_names() { return unique_param_names(source_params()); }

py::list parameter_list(ParamSource& source, py::object owner) {
  py::list list;
  const auto names = source.param_names();
  for (std::size_t i = 0; i < names.size(); ++i) list.append(py::cast(Parameter(owner, &source, i, names[i])));
  return list;
}

std::vector<Param<float>> params_of(const py::list& parameters) {
  std::vector<Param<float>> params;
  for (py::handle p : parameters) {
    if (!py::isinstance<Parameter>(p))
      throw_usage("expected scratchnet Parameter objects (layer.params, model.params or scratchnet.Parameter(array)), "
                  "got {}", py::str(py::type::of(p)).cast<std::string>());
    params.push_back(p.cast<const Parameter&>().get());
  }
  return params;
}

void check_layer_tensors(Layer<float>& from, Layer<float>& to) {
  auto a = from.params(), b = to.params();
  auto ba = from.buffers(), bb = to.buffers();
  SCRATCHNET_CHECK(a.size() == b.size() && ba.size() == bb.size(), "{}: parameter lists differ", from.spec().str());
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i].value->shape() == b[i].value->shape()))
      throw_usage("{}: its {} is shaped {} for samples of shape {}; samples of shape {} would need {} -- "
                  "build a new layer for them",
                  from.spec().str(), a[i].name, a[i].value->shape().str(), from.input_shape().str(),
                  to.input_shape().str(), b[i].value->shape().str());
  for (std::size_t i = 0; i < ba.size(); ++i)
    if (!(ba[i].value->shape() == bb[i].value->shape()))
      throw_usage("{}: its {} is shaped {}; samples of shape {} would need {}", from.spec().str(), ba[i].name,
                  ba[i].value->shape().str(), to.input_shape().str(), bb[i].value->shape().str());
}

void move_layer_tensors(Layer<float>& from, Layer<float>& to) {
  check_layer_tensors(from, to);
  auto a = from.params(), b = to.params();
  auto ba = from.buffers(), bb = to.buffers();
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::swap(*a[i].value, *b[i].value);
    std::swap(*a[i].grad, *b[i].grad);
  }
  for (std::size_t i = 0; i < ba.size(); ++i) std::swap(*ba[i].value, *bb[i].value);
}

LayerHandle::LayerHandle(LayerSpec spec, std::optional<Shape> build_shape, std::string init, std::uint64_t seed)
    : spec_(std::move(spec)), init_(std::move(init)), seed_(seed) {
  InitScheme::parse(init_);  // a usage error now rather than at the first forward
  if (build_shape) build(*build_shape);
}

void LayerHandle::build(const Shape& sample) {
  if (layer_ != nullptr && layer_->input_shape() == sample) return;
  if (borrowed())
    throw_usage("{}: this layer belongs to a model built for samples of shape {}, got samples of shape {}",
                spec_.str(), layer_->input_shape().str(), sample.str());
  std::unique_ptr<Layer<float>> fresh = make_layer<float>(spec_, sample);
  if (owned_) {
    move_layer_tensors(*owned_, *fresh);
  } else {
    // The first build draws the initial weights ("auto" resolves as the
    // registry says: the layer's own rule, or Xavier).
    InitScheme scheme = InitScheme::parse(init_);
    if (scheme.kind() == InitScheme::Kind::kAuto && !layer_type(spec_.type).resolves_own_init)
      scheme = InitScheme::for_family(InitFamily::kXavier);
    Rng rng(seed_);
    fresh->initialize(scheme, rng);
  }
  owned_ = std::move(fresh);
  layer_ = owned_.get();
  forwarded_ = false;
}

py::array_t<float> LayerHandle::forward(py::handle x, bool train) {
  const FloatArray array = float_array(x, "x");
  require_batch(array, "x");
  const Shape shape = shape_of(array, "x");
  build(shape.without_batch());
  x_.resize(shape);
  std::memcpy(x_.data(), array.data(), x_.size() * sizeof(float));
  const Tensor& y = layer_->forward(x_, train ? Mode::kTrain : Mode::kEval);
  y_shape_ = y.shape();
  forwarded_ = true;
  return to_numpy(y);
}

py::object LayerHandle::backward(py::handle dy) {
  if (!forwarded_) throw_usage("{}: call forward(x) before backward(dy)", spec_.str());
  copy_to_tensor(dy, dy_, "dy");
  if (!(dy_.shape() == y_shape_))
    throw_usage("{}: dy must have the shape of the last output, {}; got {}", spec_.str(), y_shape_.str(),
                dy_.shape().str());
  const Tensor& dx = layer_->backward(dy_);
  if (dx.empty()) return py::none();
  return to_numpy(dx);
}

void LayerHandle::zero_grad() {
  if (layer_)
    for (auto& p : layer_->params()) p.grad->zero();
}

void LayerHandle::adopt(Layer<float>& target, py::object owner) {
  if (layer_ != nullptr) move_layer_tensors(*layer_, target);
  owned_.reset();
  layer_ = &target;
  owner_ = std::move(owner);
  forwarded_ = false;
}

std::vector<Param<float>> LayerHandle::source_params() {
  return layer_ != nullptr ? layer_->params() : std::vector<Param<float>>{};
}

std::vector<py::ssize_t> LayerHandle::display_shape(std::size_t index) {
  const Param<float> p = source_params().at(index);
  // Conv2D keeps W as (filters, C*k*k), row f holding kernel f in (c, ki, kj)
  // order: the same memory read as (out_channels, in_channels, k, k).
  if (spec_.type == "conv2d" && p.name == "W") {
    const auto k = static_cast<py::ssize_t>(layer_attr(spec_, "kernel"));
    const auto rows = static_cast<py::ssize_t>(p.value->shape()[0]);
    const auto cols = static_cast<py::ssize_t>(p.value->shape()[1]);
    return {rows, cols / (k * k), k, k};
  }
  return tensor_shape(*p.value);
}

void bind_layers(py::module_& m) {
  m.def("layer_types", &layer_type_list,
        "Every registered layer type: name, summary, whether it is an activation, its attributes (schema).");
  m.def("minimal_image_side", &minimal_image_side, py::arg("type"), py::arg("attrs"), py::arg("channels"),
        "The smallest square image side a layer with these settings accepts.");
  m.def(
      "validate", [](const std::string& type, const py::dict& attrs) { spec_from(type, attrs); }, py::arg("type"),
      py::arg("attrs"), "Checks settings against the layer's schema (a ValueError naming the attribute otherwise).");

  py::class_<Parameter>(m, "Parameter", R"(A trained tensor and its gradient.

``value`` and ``grad`` are numpy arrays that share memory with the library's
tensors: writing into them changes the layer (or model) they belong to, and
optimizers update ``value`` in place. Get them from ``layer.params`` or
``model.params``, or make one from an array, ``scratchnet.Parameter(w)``, to
run an optimizer on plain numbers.

Parameters
----------
value : array_like
    The initial value (copied, as float32).
name : str, default "w"
decay : bool, default True
    Whether weight decay applies to it (weights yes, biases no).)")
      .def(py::init<py::handle, std::string, bool>(), py::arg("value"), py::arg("name") = "w",
           py::arg("decay") = true)
      .def_property_readonly("name", &Parameter::name)
      .def_property(
          "value",
          [](py::object self) {
            const Parameter& p = self.cast<const Parameter&>();
            return numpy_view(*p.get().value, self, p.shape());
          },
          [](const Parameter& p, py::handle value) { copy_from_array(*p.get().value, value, p.name()); },
          "The value, a float32 numpy view (assigning copies into it).")
      .def_property(
          "grad",
          [](py::object self) {
            const Parameter& p = self.cast<const Parameter&>();
            return numpy_view(*p.get().grad, self, p.shape());
          },
          [](const Parameter& p, py::handle value) { copy_from_array(*p.get().grad, value, p.name() + ".grad"); },
          "The gradient, a float32 numpy view (backward adds into it; assigning copies into it).")
      .def_property_readonly("decay", [](const Parameter& p) { return p.get().decay; })
      .def_property_readonly("shape", [](const Parameter& p) { return py::tuple(py::cast(p.shape())); })
      .def("__repr__", [](const Parameter& p) {
        std::string dims;
        for (auto d : p.shape()) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
        return fmt::format("Parameter({}, shape=({}{}))", p.name(), dims, p.shape().size() == 1 ? "," : "");
      });

  py::class_<LayerHandle>(m, "LayerHandle", "The library layer behind a scratchnet.layers object.")
      .def(py::init([](const std::string& type, const py::dict& attrs, std::optional<py::iterable> build_shape,
                       const std::string& init, std::uint64_t seed) {
             std::optional<Shape> shape;
             if (build_shape) shape = sample_shape(*build_shape);
             return std::make_unique<LayerHandle>(spec_from(type, attrs), shape, init, seed);
           }),
           py::arg("type"), py::arg("attrs"), py::arg("build_shape") = py::none(), py::arg("init") = "auto",
           py::arg("seed") = 0)
      .def_property_readonly("type", [](const LayerHandle& h) { return h.spec().type; })
      .def_property_readonly("attrs", [](const LayerHandle& h) { return spec_dict(h.spec()); })
      .def_property_readonly("spec", [](const LayerHandle& h) { return h.spec().str(); })
      .def_property_readonly("built", [](LayerHandle& h) { return h.layer() != nullptr; })
      .def_property_readonly("borrowed", &LayerHandle::borrowed)
      .def_property_readonly("input_shape",
                             [](LayerHandle& h) -> py::object {
                               return h.layer() ? py::object(shape_tuple(h.layer()->input_shape())) : py::none();
                             })
      .def_property_readonly("output_shape",
                             [](LayerHandle& h) -> py::object {
                               return h.layer() ? py::object(shape_tuple(h.layer()->output_shape())) : py::none();
                             })
      .def("build", [](LayerHandle& h, const py::iterable& shape) { h.build(sample_shape(shape)); }, py::arg("sample_shape"))
      .def("forward", &LayerHandle::forward, py::arg("x"), py::arg("train") = true)
      .def("backward", &LayerHandle::backward, py::arg("dy"))
      .def("zero_grad", &LayerHandle::zero_grad)
      .def("reseed",
           [](LayerHandle& h, std::uint64_t seed) {
             if (h.layer()) h.layer()->reseed(seed);
           },
           py::arg("seed"))
      .def("params", [](py::object self) { return parameter_list(self.cast<LayerHandle&>(), self); })
      .def("buffers",
           [](py::object self) {
             py::dict out;
             LayerHandle& h = self.cast<LayerHandle&>();
             if (h.layer())
               for (auto& b : h.layer()->buffers()) out[py::str(b.name)] = numpy_view(*b.value, self);
             return out;
           })
      .def(py::pickle(
          [](LayerHandle& h) {
            py::list values, buffers;
            if (h.layer()) {
              for (auto& p : h.layer()->params()) values.append(to_numpy(*p.value));
              for (auto& b : h.layer()->buffers()) buffers.append(to_numpy(*b.value));
            }
            py::object shape = h.layer() ? py::object(shape_tuple(h.layer()->input_shape())) : py::none();
            return py::make_tuple(h.spec().type, spec_dict(h.spec()), shape, h.init(), h.seed(), values, buffers);
          },
          [](const py::tuple& t) {
            if (t.size() != 7) throw_usage("not a pickled scratchnet layer");
            std::optional<Shape> shape;
            if (!t[2].is_none()) shape = sample_shape(t[2].cast<py::iterable>());
            auto h = std::make_unique<LayerHandle>(spec_from(t[0].cast<std::string>(), t[1].cast<py::dict>()), shape,
                                                   t[3].cast<std::string>(), t[4].cast<std::uint64_t>());
            if (h->layer()) {
              auto params = h->layer()->params();
              auto buffers = h->layer()->buffers();
              const py::list values = t[5].cast<py::list>(), saved = t[6].cast<py::list>();
              if (values.size() != params.size() || saved.size() != buffers.size())
                throw_usage("pickled {} has other parameters", h->spec().str());
              for (std::size_t i = 0; i < params.size(); ++i) copy_from_array(*params[i].value, values[i], params[i].name);
              for (std::size_t i = 0; i < buffers.size(); ++i) copy_from_array(*buffers[i].value, saved[i], buffers[i].name);
            }
            return h;
          }));
}

}  // namespace scratchnet::python
