// scratchnet.Model: train/model.h's Model for Python (see model_handle.h):
// fit (app/model_training.h, the library Trainer and its callbacks, the same
// random streams as `scratchnet train`), predict and predict_proba
// (app/predict.h predict_dataset), evaluate (app/evaluate.h evaluate_model),
// save/load (io/model_file.h, the CLI's .snm files) and pickle (the
// checksummed model bytes).
//
// Data: X is used without a copy when it is float32 and C-contiguous
// (Dataset::borrowed_features); a scaler other than "none" writes its scaled
// copy once. Labels: integers are class ids (0..K-1); anything else (strings,
// objects) are class names, sorted as the CLI sorts them. Float targets make
// a regression model unless the loss says otherwise.
//
// Ctrl-C during fit: every step (at most every 20 ms, so that a busy Python
// thread elsewhere cannot slow training down) takes the GIL and calls
// PyErr_CheckSignals; KeyboardInterrupt then ends fit after that completed
// step, and the model keeps the weights of that last completed step (usable:
// predict, save and fit again work). The history of the finished epochs is
// kept in model.history.

#include "model_handle.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "scratchnet/app/evaluate.h"
#include "scratchnet/app/model_training.h"
#include "scratchnet/app/predict.h"
#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/data/split.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/train/batch_sum_decay.h"
#include "scratchnet/train/gradient_check.h"

namespace scratchnet::python {
namespace {

using namespace pybind11::literals;
using Clock = std::chrono::steady_clock;

std::string task_name(Task task) { return task == Task::kClassification ? "classification" : "regression"; }

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

// The name of the training accuracy, as metrics.csv's header gives it
// (train.train_metrics running: the running mean over the epoch's batches).
const char* train_accuracy_name(bool running) { return running ? "running_train_accuracy" : "train_accuracy"; }

// Per-epoch metrics, as metrics.csv names them.
py::dict metrics_dict(const EpochStats& s, bool running) {
  py::dict d;
  d["epoch"] = s.epoch;
  d["iteration"] = s.iteration;
  d["train_loss"] = s.train_loss;
  d[train_accuracy_name(running)] = s.train_accuracy;
  d["val_loss"] = s.val_loss;
  d["val_accuracy"] = s.val_accuracy;
  d["lr"] = s.lr;
  d["l2_penalty"] = s.l2_penalty;
  d["seconds"] = s.seconds;
  return d;
}

// The history of a fit: per-epoch columns (those with values), the loss of
// every step, and how the fit ended.
py::object make_history(const std::vector<EpochStats>& epochs, const std::vector<double>& step_losses,
                        const FitResult* result, bool running) {
  py::dict columns;
  const auto column = [&](const char* name, auto field, bool keep_nan) {
    py::list values;
    bool any = false;
    for (const EpochStats& s : epochs) {
      const auto v = s.*field;  // counts stay integers
      any = any || keep_nan || std::isfinite(static_cast<double>(v));
      values.append(v);
    }
    if (any || (keep_nan && !epochs.empty())) columns[name] = values;
  };
  column("epoch", &EpochStats::epoch, true);
  column("iteration", &EpochStats::iteration, true);
  column("train_loss", &EpochStats::train_loss, true);
  column(train_accuracy_name(running), &EpochStats::train_accuracy, false);
  column("val_loss", &EpochStats::val_loss, false);
  column("val_accuracy", &EpochStats::val_accuracy, false);
  column("lr", &EpochStats::lr, true);
  bool decay = false;
  for (const EpochStats& s : epochs) decay = decay || s.l2_penalty != 0;
  if (decay) column("l2_penalty", &EpochStats::l2_penalty, true);
  column("seconds", &EpochStats::seconds, true);
  py::object history = py::module_::import("scratchnet.history").attr("History")(columns);
  history.attr("step_losses") = py::array_t<double>(static_cast<py::ssize_t>(step_losses.size()), step_losses.data());
  history.attr("stopped_early") = result ? result->stopped_early : false;
  history.attr("stop_reason") = result ? result->stop_reason : std::string("interrupted");
  history.attr("best_epoch") = result ? result->best_epoch : 0;
  return history;
}

// The training callback that talks to Python: Ctrl-C, the caller's
// callbacks and progress lines; it records the epochs and every step's loss.
class FitBridge final : public TrainCallback {
 public:
  FitBridge(py::list callbacks, bool verbose) : callbacks_(std::move(callbacks)), verbose_(verbose) {}

  void on_fit_begin(Trainer& trainer, const FitData& /*data*/, const TrainingState* /*resume*/) override {
    epochs_total_ = trainer.options().epochs;
    last_check_ = Clock::now();
  }

  void on_step(Trainer& /*trainer*/, const StepInfo& step) override {
    step_losses.push_back(step.loss);
    const auto now = Clock::now();
    if (now - last_check_ < std::chrono::milliseconds(20)) return;
    last_check_ = now;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }

  void on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) override {
    epochs.push_back(stats);
    if (callbacks_.empty() && !verbose_) return;
    py::gil_scoped_acquire gil;
    if (verbose_) py::print(progress_line(stats), "flush"_a = true);
    if (callbacks_.empty()) return;
    const py::dict metrics = metrics_dict(stats, !trainer.options().evaluate_train);
    for (py::handle callback : callbacks_) {
      const py::object stop = py::hasattr(callback, "on_epoch_end") ? callback.attr("on_epoch_end")(metrics)
                                                                    : callback(metrics);
      if (!stop.is_none() && stop.cast<bool>() && !control.stop) {
        control.stop = true;
        control.reason = "a callback asked to stop";
      }
    }
  }

  std::vector<EpochStats> epochs;
  std::vector<double> step_losses;

 private:
  std::string progress_line(const EpochStats& s) const {
    std::string line = fmt::format("epoch {}/{}  loss {:.4f}", s.epoch, epochs_total_, s.train_loss);
    if (std::isfinite(s.train_accuracy)) line += fmt::format("  acc {:.4f}", s.train_accuracy);
    if (std::isfinite(s.val_loss)) line += fmt::format("  val_loss {:.4f}", s.val_loss);
    if (std::isfinite(s.val_accuracy)) line += fmt::format("  val_acc {:.4f}", s.val_accuracy);
    return line + fmt::format("  ({:.2f} s)", s.seconds);
  }

  py::list callbacks_;
  bool verbose_;
  std::size_t epochs_total_ = 0;
  Clock::time_point last_check_;
};

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

namespace {

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
    h.model.scaler.apply(data.train);
    h.model.scaler.apply(data.validation);
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

std::unique_ptr<ModelHandle> loaded(Model model) {
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

// Model.network: the layer stack of a built model.
class NetworkView {
 public:
  explicit NetworkView(py::object model) : model_(std::move(model)) {}
  ModelHandle& handle() const { return model_.cast<ModelHandle&>(); }
  py::object model() const { return model_; }

  py::object layer(std::ptrdiff_t i) {
    ModelHandle& h = handle();
    Network<float>& net = h.network();
    const auto n = static_cast<std::ptrdiff_t>(net.size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw py::index_error(fmt::format("layer {} of a network of {}", i, n));
    if (h.layer_objects.size() != net.size()) {
      // Models from a config or a file: wrappers borrowing each layer.
      h.layer_objects.clear();
      py::object wrap = py::module_::import("scratchnet.layers").attr("_wrap");
      for (std::size_t l = 0; l < net.size(); ++l) {
        auto handle = std::make_unique<LayerHandle>(net.layer(l).spec(), std::nullopt, "auto", 0);
        handle->adopt(net.layer(l), model_);
        h.layer_objects.push_back(wrap(py::cast(std::move(handle))));
      }
    }
    return h.layer_objects[static_cast<std::size_t>(i)];
  }

 private:
  py::object model_;
};

}  // namespace

std::unique_ptr<ModelHandle> loaded_model(Model model) { return loaded(std::move(model)); }

ModelHandle& built_model(py::handle object) {
  if (!py::isinstance<ModelHandle>(object))
    throw_usage("expected a scratchnet.Model, got {}", py::str(py::type::of(object)).cast<std::string>());
  ModelHandle& h = ready(py::reinterpret_borrow<py::object>(object));
  h.network();  // a usage error saying how to build it
  return h;
}

void bind_model(py::module_& m) {
  py::class_<NetworkView>(m, "Network", R"(The layer stack of a model (``model.network``).

Index it for the layers (``model.network[0]``, the same objects a
``Model([...])`` was given), iterate over it, or run it as a whole:
``forward(x, train=False)`` and ``backward(dy)`` (which adds into every
parameter's gradient), ``params``, ``zero_grad()``, ``summary()``.)")
      .def("__len__", [](const NetworkView& v) { return v.handle().network().size(); })
      .def("__getitem__", &NetworkView::layer)
      .def("__iter__",
           [](NetworkView& v) {
             py::list layers;
             for (std::size_t i = 0; i < v.handle().network().size(); ++i)
               layers.append(v.layer(static_cast<std::ptrdiff_t>(i)));
             return py::iter(layers);
           })
      .def(
          "forward",
          [](NetworkView& v, py::handle x, bool train) {
            ModelHandle& h = v.handle();
            auto lock = h.lock();
            const FloatArray array = float_array(x, "x");
            require_batch(array, "x");
            Network<float>& net = h.network();
            Shape shape = shape_of(array, "x");
            if (shape.without_batch().elements() != net.input_shape().elements())
              throw_usage("x: samples of shape {}, the network takes {}", shape.without_batch().str(),
                          net.input_shape().str());
            h.net_x.resize(net.input_shape().with_batch(shape[0]));
            std::memcpy(h.net_x.data(), array.data(), h.net_x.size() * sizeof(float));
            const Tensor& y = net.forward(h.net_x, train ? Mode::kTrain : Mode::kEval);
            h.net_forwarded = true;
            return to_numpy(y);
          },
          py::arg("x"), py::arg("train") = false, "The network's outputs for x (no scaling: the raw network).")
      .def(
          "backward",
          [](NetworkView& v, py::handle dy) {
            ModelHandle& h = v.handle();
            auto lock = h.lock();
            if (!h.net_forwarded) throw_usage("call network.forward(x) before network.backward(dy)");
            copy_to_tensor(dy, h.net_dy, "dy");
            Network<float>& net = h.network();
            if (h.net_dy.size() != h.net_x.rows() * net.output_shape().elements())
              throw_usage("dy must be shaped like the last output ({} x {}), got {}", h.net_x.rows(),
                          net.output_shape().str(), h.net_dy.shape().str());
            h.net_dy.resize(net.output_shape().with_batch(h.net_x.rows()));
            net.backward(h.net_dy);
          },
          py::arg("dy"), "Back-propagates dL/d(output); adds into every parameter's gradient.")
      .def_property_readonly("params", [](NetworkView& v) { return named_list(parameter_list(v.handle(), v.model())); })
      .def("zero_grad", [](NetworkView& v) { v.handle().network().zero_grad(); })
      .def("summary", [](NetworkView& v) { return v.handle().network().summary(); })
      .def_property_readonly("input_shape", [](NetworkView& v) { return shape_tuple(v.handle().network().input_shape()); })
      .def_property_readonly("output_shape", [](NetworkView& v) { return shape_tuple(v.handle().network().output_shape()); })
      .def_property_readonly("parameter_count", [](NetworkView& v) { return v.handle().network().parameter_count(); })
      .def("__repr__", [](NetworkView& v) { return "Network\n" + v.handle().network().summary(); });

  py::class_<ModelHandle>(m, "Model", R"(A network plus its preprocessing: what a ``.snm`` model file holds.

A model is a network (``model.network``), the loss it is trained with, the
class names of a classifier, and the preprocessing fitted on its training
rows (the scaler), exactly as ``scratchnet train`` writes it. ``fit`` trains
it with the library's trainer, ``predict``/``predict_proba``/``evaluate`` use
it on raw rows (scaled as in training), ``save``/``scratchnet.load`` read and
write the CLI's ``.snm`` files, and ``pickle`` works.

Parameters
----------
layers : list of scratchnet.layers objects
    The network, output layer included (e.g. ``[Dense(64, 80), ReLU(),
    Dense(80, 10)]``). The model takes over the layers: their ``params``
    views then show (and change) the model's weights.
loss : {"softmax_cross_entropy", "mse"}, optional
    Default: softmax cross-entropy for class labels (integers or names), MSE
    for float targets.
input_shape : tuple of int, optional
    The sample shape, e.g. ``(1, 28, 28)``; by default the first layer's
    (``Dense(64, ...)``: ``(64,)``) or the shape of the first data it sees.
init : str, optional
    Draw new initial weights as a TOML network would ("auto", "he",
    "xavier", "normal:0.01", ...) from the seed; default: keep the layers'.
**settings
    Training settings used by ``fit`` unless it is given others: any key of
    ``scratchnet train --help`` by its name (``optimizer="adam"``, ``lr=1e-3``,
    ``epochs=20``, ``batch_size=32``, ``weight_decay=1e-4``, ``seed=42``,
    ``scale="standard"``, ``lr_schedule="cosine"``, ...).

See Also
--------
Model.from_toml : a model described by a training config.
scratchnet.load : a model from a ``.snm`` file.

Examples
--------
>>> from scratchnet import Model, layers as L
>>> model = Model([L.Dense(64, 80), L.ReLU(), L.Dense(80, 10)], epochs=20)
>>> history = model.fit(X_train, y_train, validation_data=(X_test, y_test))
>>> model.evaluate(X_test, y_test)["accuracy"])")
      .def(py::init([](std::optional<py::list> layers, std::optional<std::string> loss,
                       std::optional<py::iterable> input_shape, std::optional<std::string> init,
                       const py::kwargs& settings) {
             if (!layers || layers->empty())
               throw_usage("Model(layers): give the network's layers, or use Model.from_toml(config) for a "
                           "network described by a training config");
             auto h = std::make_unique<ModelHandle>();
             apply_settings(h->config, settings);
             if (loss) {
               make_loss<float>(*loss);  // a ValueError naming the choices
               h->loss_choice = *loss;
             }
             if (init) {
               InitScheme::parse(*init);
               h->init = *init;
             }
             for (py::handle layer : *layers) {
               if (layer_handle(layer).borrowed())
                 throw_usage("{} already belongs to a model: build a new layer", layer_handle(layer).spec().str());
               h->layer_objects.push_back(py::reinterpret_borrow<py::object>(layer));
             }
             if (input_shape) {
               h->pending_shape = sample_shape(*input_shape);
             } else {
               // Dense(64, ...) first: the input shape is known now.
               LayerHandle& first = layer_handle(h->layer_objects.front());
               if (first.spec().type == "dense" && first.layer()) h->pending_shape = first.layer()->input_shape();
             }
             return h;
           }),
           py::arg("layers") = py::none(), py::kw_only(), py::arg("loss") = py::none(),
           py::arg("input_shape") = py::none(), py::arg("init") = py::none())
      .def_static(
          "from_toml",
          [](py::handle source, const py::kwargs& settings) {
            auto h = std::make_unique<ModelHandle>();
            h->config = config_from(source);
            apply_settings(h->config, settings);
            h->from_config = true;
            return h;
          },
          py::arg("config"),
          R"(A model whose network a training config describes, built and initialised at the first ``fit``.

The same settings as ``scratchnet train`` takes: ``[model]`` (layers,
activation, batch_norm, dropout, init), ``[[layer]]`` tables for any network,
``[train]`` (optimizer, lr, epochs, batch_size, weight_decay, seed, ...) and
``[data]`` scaling. Given the same training rows in the same order, ``fit``
gives the weights ``scratchnet train`` gives.

Parameters
----------
config : str, path or dict
    TOML text, the path of a TOML file (a recipe or a run's config.toml), or
    a dict ``{"model": {"layers": [80, 70]}, "train": {"epochs": 5}}`` (or
    flat keys ``{"train.epochs": 5}``).
**settings
    Keys that replace the config's, by name (``epochs=5``).)")
      .def_static(
          "load", [](py::handle path) { return loaded(load_model(path_text(path))); }, py::arg("path"),
          "A model from a .snm file (written by Model.save or `scratchnet train`).")
      .def_static(
          "from_bytes",
          [](const py::bytes& bytes) { return loaded(decode_model(std::string(bytes), "the model bytes")); },
          py::arg("data"), "A model from the bytes of a .snm file (Model.to_bytes).")
      .def("build",
           [](py::object self, const py::iterable& sample_shape) {
             ModelHandle& h = self.cast<ModelHandle&>();
             auto lock = h.lock();
             if (h.built()) return;
             if (h.from_config) throw_usage("a model from a config is built by its first fit");
             std::vector<std::size_t> dims;
             for (py::handle d : sample_shape) dims.push_back(d.cast<std::size_t>());
             const py::array probe = py::module_::import("numpy").attr("zeros")(
                 py::tuple(py::cast(std::vector<std::size_t>{1})) + py::tuple(py::cast(dims)), "dtype"_a = "float32");
             h.build(shape_of(probe, "input_shape").without_batch(),
                     h.loss_choice == "mse" ? Task::kRegression : Task::kClassification, self);
           },
           py::arg("input_shape"), "Builds the network of Model(layers) for samples of this shape.")
      .def("fit", &fit, py::arg("X"), py::arg("y"), R"(Train the model on (X, y); returns the history.

The library's trainer does it, as ``scratchnet train`` would: shuffled
mini-batches (the remainder batch kept), the optimizer and settings of the
model (or given here), the seed's random streams, early stopping, the
learning-rate schedule. A model from a config is built and initialised at its
first fit, and its scaler (``scale``, standard by default for tables) fitted
on these rows; later fits continue from the current weights.

Parameters
----------
X : array_like, shape (N, features) or (N, C, H, W)
    float32 C-contiguous arrays are read without a copy (read-only ones
    too); others are converted once. NaN and infinities are ValueErrors.
y : array_like, shape (N,) or (N, K)
    Class labels -- integers 0..K-1 (class ids) or names (strings, sorted as
    the CLI sorts them) -- or float regression targets.
validation_data : (X_val, y_val), optional
    Evaluated after every epoch (``val_loss``, ``val_accuracy``) and watched
    by early stopping. Without it, ``validation_fraction=F`` carves a
    stratified share of the training rows.
callbacks : list, optional
    Called after every epoch with a dict of that epoch's metrics (epoch,
    iteration, train_loss, train_accuracy or running_train_accuracy, val_loss, val_accuracy, lr,
    l2_penalty, seconds): a callable ``f(metrics)`` or an object with
    ``on_epoch_end(metrics)``. Returning True stops training.
class_names : list of str, optional
    Names of the class ids of integer labels.
verbose : bool, default False
    Print one line per epoch.
evaluate_train : bool, optional
    True: evaluate the whole training set after every epoch, in eval mode
    (``train_accuracy``); False: the running accuracy over the epoch's
    mini-batches (``running_train_accuracy``, free). Default: the setting
    ``train_metrics`` ("running").
l2_sum : float, optional
    An L2 penalty on the *summed* batch loss (scikit-learn's alpha): each
    step's weight decay is l2_sum / that batch's size.
**settings
    Training settings for this fit (``epochs=5``, ``batch_size=64``,
    ``optimizer="sgd"``, ``lr=0.1``, ``early_stopping=5``, ...).

Returns
-------
History
    A dict of per-epoch lists (``history["val_loss"]``), with
    ``history.step_losses`` (the loss of every step), ``to_pandas()`` and
    ``plot()``; also kept as ``model.history``.

Raises
------
KeyboardInterrupt
    Ctrl-C (or a callback raising it): training stops after the step in
    progress; the model keeps the weights of that last completed step.
scratchnet.DivergenceError
    A non-finite loss: the model keeps the weights of the last completed epoch.)")
      .def("predict", &predict, py::arg("X"),
           "Class labels (classification) or outputs (regression, shape (N, K)) for the rows of X, scaled as in "
           "training.")
      .def("predict_proba", &predict_proba, py::arg("X"), "Class probabilities, shape (N, classes).")
      .def(
          "_library_predict_seconds",
          [](py::object self, py::handle x, std::size_t repeats) {
            // bench/python_overhead.py: the library's part of predict (the rows
            // as a data set, predict_dataset), timed in C++ without Python.
            ModelHandle& h = self.cast<ModelHandle&>();
            const FloatArray array = features_array(x, "X");
            auto lock = h.lock();
            rows_for(h, array, self);
            const auto start = Clock::now();
            for (std::size_t i = 0; i < repeats; ++i) predict_rows(h, rows_for(h, array, self));
            return std::chrono::duration<double>(Clock::now() - start).count() / static_cast<double>(repeats);
          },
          py::arg("X"), py::arg("repeats"))
      .def("evaluate", &evaluate, py::arg("X"), py::arg("y"),
           "Accuracy, balanced accuracy, macro F1, per-class precision/recall/F1 and the confusion matrix "
           "(classification), or MSE and RMSE (regression), as `scratchnet eval` reports them.")
      .def(
          "save",
          [](py::object self, py::handle file) {
             ModelHandle& h = ready(self);
            const std::string path = path_text(file);
            auto lock = h.lock();
            const Model& model = h.model;
            h.network();
            py::gil_scoped_release release;
            save_model(model, path);
          },
          py::arg("path"), "Writes the model as a .snm file (what `scratchnet predict/eval/info` read).")
      .def(
          "to_bytes",
          [](py::object self) {
             ModelHandle& h = ready(self);
            auto lock = h.lock();
            h.network();
            return py::bytes(encode_model(h.model));
          },
          "The bytes of the model's .snm file.")
      .def("get_weights",
           [](py::object self) {
             ModelHandle& h = ready(self);
             auto lock = h.lock();
             py::list out;
             for (const Tensor& t : h.network().snapshot()) out.append(to_numpy(t));
             return out;
           },
           "Copies of every parameter and buffer (batch-norm running statistics), in order.")
      .def("set_weights",
           [](py::object self, const py::list& weights) {
             ModelHandle& h = ready(self);
             auto lock = h.lock();
             std::vector<Tensor> snapshot = h.network().snapshot();
             if (weights.size() != snapshot.size())
               throw_usage("set_weights: {} arrays given, the model holds {}", weights.size(), snapshot.size());
             for (std::size_t i = 0; i < snapshot.size(); ++i) {
               const FloatArray a = float_array(weights[i], "a weight");
               if (static_cast<std::size_t>(a.size()) != snapshot[i].size())
                 throw_usage("set_weights: array {} holds {} values, the model's {}", i, a.size(), snapshot[i].size());
               std::memcpy(snapshot[i].data(), a.data(), snapshot[i].size() * sizeof(float));
             }
             h.network().restore(snapshot);
           },
           py::arg("weights"), "Sets every parameter and buffer from get_weights()-shaped arrays.")
      .def_property_readonly("network",
                             [](py::object self) -> py::object {
                               ModelHandle& h = ready(self);
                               return h.built() ? py::cast(NetworkView(self)) : py::none();
                             })
      .def_property_readonly("params",
                             [](py::object self) { return named_list(parameter_list(ready(self), self)); })
      .def_property_readonly("built", &ModelHandle::built)
      .def_property_readonly("task",
                             [](py::object self) -> py::object {
             ModelHandle& h = ready(self);
                               return h.built() ? py::object(py::str(task_name(h.model.task))) : py::none();
                             })
      .def_property_readonly("loss", [](py::object self) -> py::object {
             ModelHandle& h = ready(self);
        return h.built() ? py::object(py::str(h.model.loss)) : py::none();
      })
      .def_property_readonly("class_names", [](py::object self) {
             ModelHandle& h = ready(self); return h.model.class_names; })
      .def_property_readonly("classes", [](py::object self) -> py::object {
             ModelHandle& h = ready(self);
        return h.model.class_names.empty() ? py::none() : h.classes();
      })
      .def_property_readonly("feature_names", [](py::object self) {
             ModelHandle& h = ready(self); return h.model.feature_names; })
      .def_property_readonly("scaler",
                             [](py::object self) {
             ModelHandle& h = ready(self);
                               py::dict d;
                               d["kind"] = to_string(h.model.scaler.kind());
                               d["offset"] = h.model.scaler.offset();
                               d["factor"] = h.model.scaler.factor();
                               return d;
                             })
      .def_property_readonly("settings", [](py::object self) {
             ModelHandle& h = ready(self); return h.config.to_toml(); },
                             "The training settings fit starts from, as TOML.")
      .def_property_readonly("config_toml", [](py::object self) {
             ModelHandle& h = ready(self); return h.model.config_toml; },
                             "The settings the model was last trained with, as TOML (a run's config.toml).")
      .def_property_readonly("history", [](py::object self) {
             ModelHandle& h = ready(self); return h.history; })
      .def_property_readonly("input_shape", [](py::object self) -> py::object {
             ModelHandle& h = ready(self);
        return h.built() ? py::object(shape_tuple(h.model.network->input_shape())) : py::none();
      })
      .def_property_readonly("parameter_count",
                             [](py::object self) {
             ModelHandle& h = ready(self); return h.built() ? h.model.network->parameter_count() : 0; })
      .def("summary", [](py::object self) {
             ModelHandle& h = ready(self); return h.network().summary(); })
      .def("__repr__",
           [](py::object self) {
             ModelHandle& h = ready(self);
             if (!h.built()) return std::string(h.from_config ? "Model(from a config, not trained yet)" : "Model(not built)");
             return fmt::format("Model({}, {} parameters, input {}, {})", task_name(h.model.task),
                                h.model.network->parameter_count(), h.model.network->input_shape().str(), h.model.loss);
           })
      .def(py::pickle(
          [](ModelHandle& h) {
            auto lock = h.lock();
            py::object bytes = h.built() ? py::object(py::bytes(encode_model(h.model))) : py::object(py::none());
            py::list layers;
            if (!h.built())
              for (const auto& l : h.layer_objects) layers.append(l);
            return py::make_tuple(1, bytes, h.config.to_toml(), h.from_config, h.loss_choice, h.init, layers,
                                  h.history);
          },
          [](const py::tuple& t) {
            if (t.size() != 8 || t[0].cast<int>() != 1) throw_data("not a pickled scratchnet Model");
            std::unique_ptr<ModelHandle> h;
            if (!t[1].is_none()) {
              h = loaded(decode_model(t[1].cast<std::string>(), "the pickled model"));
            } else {
              h = std::make_unique<ModelHandle>();
              for (py::handle l : t[6].cast<py::list>()) h->layer_objects.push_back(py::reinterpret_borrow<py::object>(l));
            }
            h->config = TrainConfig();
            h->config.load_toml_text(t[2].cast<std::string>(), "the pickled settings", {"experiment"});
            h->from_config = t[3].cast<bool>();
            h->loss_choice = t[4].cast<std::string>();
            h->init = t[5].cast<std::string>();
            h->history = t[7];
            return h;
          }));
}

}  // namespace scratchnet::python
