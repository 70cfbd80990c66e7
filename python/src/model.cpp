// scratchnet.Model's calls (model_calls.h; bound in model_bindings.cpp):
// fit (app/model_training.h, the library Trainer and its callbacks, the same
// random streams as `scratchnet train`), predict and predict_proba
// (app/predict.h predict_dataset), evaluate (app/evaluate.h evaluate_model);
// and the ModelHandle's own methods (model_handle.h).
//
// Data: X is used without a copy when it is float32 and C-contiguous
// (Dataset::borrowed_features); a scaler other than "none" (or an image
// model's channel normalisation) writes its prepared copy once; fit, predict
// and evaluate prepare rows alike (Model::prepare). Labels: model_labels.h.
//
// Ctrl-C during fit: every step (at most every 20 ms, so that a busy Python
// thread elsewhere cannot slow training down) takes the GIL and calls
// PyErr_CheckSignals; KeyboardInterrupt then ends fit after that completed
// step, and the model keeps the weights of that last completed step (usable:
// predict, save and fit again work). The history of the finished epochs is
// kept in model.history.

#include "model_calls.h"

#include "fit_bridge.h"
#include "model_labels.h"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "scratchnet/app/evaluate.h"
#include "scratchnet/app/model_training.h"
#include "scratchnet/app/predict.h"
#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/data/split.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/train/batch_sum_decay.h"
#include "scratchnet/train/gradient_check.h"  // unique_param_names

namespace scratchnet::python {
namespace {

using namespace pybind11::literals;
using Clock = std::chrono::steady_clock;



// Takes fit's own keyword arguments out of `kwargs`; the rest are settings.
template <class T>
std::optional<T> take(py::dict& kwargs, const char* key) {
  if (!kwargs.contains(key)) return std::nullopt;
  py::object value = kwargs[key];
  PyDict_DelItemString(kwargs.ptr(), key);
  if (value.is_none()) return std::nullopt;
  return value.cast<T>();
}

std::vector<std::string> string_list(py::handle names) {
  std::vector<std::string> out;
  for (py::handle n : names) out.push_back(py::str(n).cast<std::string>());
  return out;
}

}  // namespace

LayerHandle& layer_handle(py::handle object) {
  if (py::isinstance<LayerHandle>(object)) return object.cast<LayerHandle&>();
  if (py::hasattr(object, "_impl") && py::isinstance<LayerHandle>(object.attr("_impl")))
    return object.attr("_impl").cast<LayerHandle&>();
  throw_usage("expected a scratchnet layer (scratchnet.layers.Dense(...), ...), got {}",
              py::str(py::type::of(object)).cast<std::string>());
}

Network<float>& ModelHandle::network() {
  if (!built())
    throw_usage("the model has no network yet: fit it (or, for Model(layers), give input_shape=... or call "
                "build(input_shape))");
  return *model.network;
}

std::size_t ModelHandle::network_outputs() const { return model.network->output_shape().elements(); }

std::unique_lock<std::recursive_mutex> ModelHandle::lock() {
  std::unique_lock lock(mutex, std::try_to_lock);
  if (!lock.owns_lock()) {
    py::gil_scoped_release release;
    lock.lock();
  }
  return lock;
}

void ModelHandle::build(const Shape& sample, Task task, py::object self) {
  if (built()) return;
  SCRATCHNET_CHECK(!from_config, "a config model is built by fit");
  Architecture architecture{sample, {}};
  std::vector<LayerHandle*> handles;
  for (const py::object& object : layer_objects) {
    handles.push_back(&layer_handle(object));
    architecture.layers.push_back(handles.back()->spec());
  }
  auto network = std::make_unique<Network<float>>(architecture);
  // Every layer must fit before any gives its memory away.
  for (std::size_t i = 0; i < handles.size(); ++i)
    if (handles[i]->layer()) check_layer_tensors(*handles[i]->layer(), network->layer(i));
  for (std::size_t i = 0; i < handles.size(); ++i) handles[i]->adopt(network->layer(i), self);
  if (!init.empty()) {
    Rng rng = run_stream(config.seed, RunStream::kInit);
    network->initialize(InitScheme::parse(init), rng);
  }
  model.loss = !loss_choice.empty() ? loss_choice : task == Task::kRegression ? "mse" : "softmax_cross_entropy";
  model.task = model.loss == "mse" ? Task::kRegression : Task::kClassification;
  model.network = std::move(network);
  if (model.task == Task::kClassification)
    for (std::size_t c = 0; c < network_outputs(); ++c) model.class_names.push_back(std::to_string(c));
}

std::vector<Param<float>> ModelHandle::source_params() {
  return built() ? model.network->params() : std::vector<Param<float>>{};
}

std::vector<std::string> ModelHandle::param_names() {
  std::vector<std::string> names;
  if (!built()) return names;
  for (std::size_t l = 0; l < model.network->size(); ++l)
    for (const auto& name : unique_param_names(model.network->layer(l).params()))
      names.push_back(fmt::format("{}.{}", l, name));
  return names;
}

std::vector<py::ssize_t> ModelHandle::display_shape(std::size_t index) {
  // The layer that owns parameter `index`, and its own index there.
  std::size_t first = 0;
  for (std::size_t l = 0; l < model.network->size(); ++l) {
    Layer<float>& layer = model.network->layer(l);
    const auto params = layer.params();
    if (index < first + params.size()) {
      const Param<float>& p = params[index - first];
      if (layer.spec().type == "conv2d" && p.name == "W") {
        const auto k = static_cast<py::ssize_t>(layer_attr(layer.spec(), "kernel"));
        return {static_cast<py::ssize_t>(p.value->shape()[0]), static_cast<py::ssize_t>(p.value->shape()[1]) / (k * k), k, k};
      }
      break;
    }
    first += params.size();
  }
  return ParamSource::display_shape(index);
}

void ModelHandle::build_pending(py::object self) {
  if (built() || from_config || !pending_shape) return;
  build(*pending_shape, loss_choice == "mse" ? Task::kRegression : Task::kClassification, std::move(self));
}

py::object ModelHandle::classes() {
  if (cached_classes && cached_names == model.class_names) return cached_classes;
  cached_names = model.class_names;
  integer_classes.clear();
  bool integers = !cached_names.empty();
  for (const auto& name : cached_names) {
    try {
      std::size_t used = 0;
      const long long v = std::stoll(name, &used);
      integers = integers && used == name.size() && std::to_string(v) == name;
      integer_classes.push_back(v);
    } catch (const std::exception&) {
      integers = false;
    }
  }
  py::module_ numpy = py::module_::import("numpy");
  if (integers) {
    cached_classes = numpy.attr("array")(integer_classes, "dtype"_a = "int64");
  } else {
    integer_classes.clear();
    cached_classes = numpy.attr("array")(cached_names);
  }
  return cached_classes;
}

// The rows of X as the model's network takes them (building a Model(layers)
// for them if needed): a data error from Model::prepare when the feature
// count differs.
Dataset rows_for(ModelHandle& h, const FloatArray& x, py::object self) {
  Shape sample = shape_of(x, "X").without_batch();
  h.build_pending(self);
  if (!h.built()) {
    if (h.from_config) throw_usage("the model has not been trained yet: call fit(X, y) first");
    h.build(sample, h.loss_choice == "mse" ? Task::kRegression : Task::kClassification, self);
  }
  const Shape& input = h.model.network->input_shape();
  if (sample.elements() == input.elements()) sample = input;  // flat rows or images, the same values
  return borrowing(x, sample, h.model.task, "X");
}

// Rows above which predict releases the GIL (below, the release costs more than it frees).
constexpr std::size_t kReleaseValues = 1 << 16;

Predictions predict_rows(ModelHandle& h, Dataset rows) {
  if (rows.float_features().size() < kReleaseValues) return predict_dataset(h.model, std::move(rows));
  py::gil_scoped_release release;
  return predict_dataset(h.model, std::move(rows));
}

py::object predict(py::object self, py::handle x) {
  ModelHandle& h = self.cast<ModelHandle&>();
  const FloatArray array = features_array(x, "X");
  auto lock = h.lock();
  const Predictions p = predict_rows(h, rows_for(h, array, self));
  if (p.task == Task::kRegression) return to_numpy(p.outputs);
  const py::object classes = h.classes();
  if (!h.integer_classes.empty()) {
    py::array_t<long long> labels(static_cast<py::ssize_t>(p.predicted.size()));
    long long* out = labels.mutable_data();
    for (std::size_t i = 0; i < p.predicted.size(); ++i) out[i] = h.integer_classes[static_cast<std::size_t>(p.predicted[i])];
    return labels;
  }
  return classes.attr("take")(py::array_t<std::int32_t>(static_cast<py::ssize_t>(p.predicted.size()), p.predicted.data()));
}

py::object predict_proba(py::object self, py::handle x) {
  ModelHandle& h = self.cast<ModelHandle&>();
  const FloatArray array = features_array(x, "X");
  auto lock = h.lock();
  Dataset rows = rows_for(h, array, self);
  if (h.model.task != Task::kClassification)
    throw_usage("predict_proba is for classification models; this one does regression (use predict)");
  return to_numpy(predict_rows(h, std::move(rows)).outputs);
}

py::dict evaluate(py::object self, py::handle x, py::handle y) {
  ModelHandle& h = self.cast<ModelHandle&>();
  const FloatArray array = features_array(x, "X");
  auto lock = h.lock();
  Dataset rows = rows_for(h, array, self);
  std::vector<std::string> names = h.model.class_names;
  if (names.empty() && h.model.task == Task::kClassification)
    for (std::size_t c = 0; c < h.network_outputs(); ++c) names.push_back(std::to_string(c));
  set_labels(rows, h, y, names, "y");
  EvaluationReport report;
  {
    py::gil_scoped_release release;
    report = evaluate_model(h.model, std::move(rows), "X");
  }
  py::dict d;
  d["samples"] = report.samples;
  if (report.task == Task::kRegression) {
    d["mse"] = report.mse;
    d["rmse"] = report.rmse;
    return d;
  }
  const ClassificationReport& r = report.classification;
  d["accuracy"] = r.accuracy;
  d["balanced_accuracy"] = r.balanced_accuracy;
  d["macro_f1"] = r.macro_f1;
  d["class_names"] = r.class_names;
  d["precision"] = r.precision;
  d["recall"] = r.recall;
  d["f1"] = r.f1;
  d["support"] = r.support;
  d["confusion"] = py::module_::import("numpy").attr("array")(r.confusion, "dtype"_a = "int64");
  return d;
}

py::object fit(py::object self, py::handle x, py::handle y, const py::kwargs& kwargs) {
  ModelHandle& h = self.cast<ModelHandle&>();
  py::dict options;
  for (auto [k, v] : kwargs) options[k] = v;
  const auto callbacks_given = take<py::object>(options, "callbacks");
  const auto validation_given = take<py::object>(options, "validation_data");
  const auto names_given = take<py::object>(options, "class_names");
  const bool verbose = take<bool>(options, "verbose").value_or(false);
  const auto evaluate_train = take<bool>(options, "evaluate_train");  // default: train.train_metrics
  const auto l2_sum = take<double>(options, "l2_sum");
  py::list callbacks;
  if (callbacks_given) {
    if (PyCallable_Check(callbacks_given->ptr()) || py::hasattr(*callbacks_given, "on_epoch_end"))
      callbacks.append(*callbacks_given);
    else
      for (py::handle c : *callbacks_given) callbacks.append(c);
  }
  TrainConfig config = h.config;
  apply_settings(config, options);

  auto lock = h.lock();
  const FloatArray array = features_array(x, "X");
  Shape sample = shape_of(array, "X").without_batch();
  const Task task = task_for(h, y);
  if (!h.built() && !h.from_config) h.build(h.pending_shape.value_or(sample), task, self);
  if (!h.prepared && h.built() && h.model.task != task) {
    h.model.task = task;
    h.model.loss = task == Task::kRegression ? "mse" : "softmax_cross_entropy";
    h.model.class_names.clear();
  }
  if (h.built()) {
    const Shape& input = h.model.network->input_shape();
    if (sample.elements() != input.elements())
      throw_data("X: {} features per sample, the model takes {}", sample.elements(), input.elements());
    sample = input;
  }
  std::vector<std::string> names = h.prepared ? h.model.class_names : std::vector<std::string>{};
  if (!h.prepared && names_given) names = string_list(*names_given);
  PreparedData data;
  data.train = borrowing(array, sample, task, "X");
  set_labels(data.train, h, y, names, "y");
  if (py::hasattr(x, "columns")) data.train.feature_names = string_list(x.attr("columns"));
  // Validation: the rows given, or a share of the training rows (stratified,
  // from the run's split stream) when the settings ask for one.
  FloatArray validation_array;
  if (validation_given) {
    const py::sequence pair = validation_given->cast<py::sequence>();
    if (pair.size() != 2) throw_usage("validation_data must be a pair (X, y)");
    validation_array = features_array(pair[0], "validation X");
    Shape v = shape_of(validation_array, "validation X").without_batch();
    if (v.elements() != sample.elements())
      throw_data("validation X: {} features per sample, the training rows have {}", v.elements(), sample.elements());
    data.validation = borrowing(validation_array, sample, task, "validation X");
    set_labels(data.validation, h, pair[1], data.train.class_names, "validation y");
    data.validation.class_names = data.train.class_names;
  } else if (const double fraction = config.effective_validation_fraction(); fraction > 0) {
    Rng split_rng = run_stream(config.seed, RunStream::kSplit);
    const SplitIndices split = split_dataset(data.train, fraction, split_rng);
    Dataset all = std::move(data.train);
    data.train = all.subset(split.kept);
    data.validation = all.subset(split.held_out);
  }
  TrainConfig resolved = config.resolved(sample.rank() == 3);
  if (evaluate_train) resolved.train_metrics = *evaluate_train ? TrainMetrics::kFull : TrainMetrics::kRunning;
  if (config.threads > 0) set_num_threads(resolved.threads);

  if (!h.built()) {
    // A config model: built, initialised and scaled as `scratchnet train` does.
    fit_scaler(data, resolved.scaler_kind());
    h.model = new_model(resolved, data);
    h.layer_objects.clear();
    h.prepared = true;
  } else if (!h.prepared) {
    // The first fit of Model(layers): the scaler is fitted here.
    fit_scaler(data, resolved.scaler_kind());
    h.model.scaler = data.scaler;
    if (task == Task::kClassification) h.model.class_names = data.train.class_names;
    h.model.feature_names = data.train.feature_names;
    h.prepared = true;
  } else {
    // Later fits, and models loaded from a file: the rows prepared as predict
    // prepares them (an image model's channel normalisation, then the scaler).
    h.model.prepare(data.train);
    if (data.validation.size() > 0) h.model.prepare(data.validation);
  }
  h.model.config_toml = resolved.to_toml();

  ModelTrainer trainer(resolved, h.model, nullptr);
  FitBridge bridge(callbacks, verbose);
  std::optional<BatchSumDecay> decay;
  if (l2_sum) decay.emplace(*l2_sum);
  const auto all_callbacks = trainer.callbacks({&bridge, decay ? &*decay : nullptr});
  const FitData fit_data{&data.train, data.validation.size() > 0 ? &data.validation : nullptr, nullptr};
  FitResult result;
  std::exception_ptr failure;
  {
    py::gil_scoped_release release;
    try {
      result = trainer.trainer().fit(fit_data, all_callbacks);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  h.history = make_history(bridge.epochs, bridge.step_losses, failure ? nullptr : &result,
                           resolved.train_metrics == TrainMetrics::kRunning);
  if (failure) std::rethrow_exception(failure);
  return h.history;
}

std::unique_ptr<ModelHandle> loaded_model(Model model) {
  auto h = std::make_unique<ModelHandle>();
  h->config.load_toml_text(model.config_toml, "the model's stored settings", {"experiment"});
  h->model = std::move(model);
  h->prepared = true;
  return h;
}

// Parameters as scratchnet.layers.Params (indexed by name too).
py::object named_list(const py::list& parameters) {
  return py::module_::import("scratchnet.layers").attr("Params")(parameters);
}

// The handle of `self`, built if it was waiting for nothing but that.
ModelHandle& ready(py::object self) {
  ModelHandle& h = self.cast<ModelHandle&>();
  h.build_pending(self);
  return h;
}



ModelHandle& built_model(py::handle object) {
  if (!py::isinstance<ModelHandle>(object))
    throw_usage("expected a scratchnet.Model, got {}", py::str(py::type::of(object)).cast<std::string>());
  ModelHandle& h = ready(py::reinterpret_borrow<py::object>(object));
  h.network();  // a usage error saying how to build it
  return h;
}

}  // namespace scratchnet::python
