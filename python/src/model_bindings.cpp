// scratchnet.Model and scratchnet.Network for Python: the methods of
// model_calls.h with their docstrings, properties, save/load and pickle.

#include <chrono>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "model_calls.h"
#include "scratchnet/core/error.h"
#include "scratchnet/io/model_description.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/losses/loss.h"

namespace scratchnet::python {
namespace {

using namespace pybind11::literals;
using Clock = std::chrono::steady_clock;

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
    ``scale="standard"``, ``lr_schedule="cosine"``, ``label_smoothing=0.1``, ...).

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
          "load", [](py::handle path) { return loaded_model(load_model(path_text(path))); }, py::arg("path"),
          "A model from a .snm file (written by Model.save or `scratchnet train`).")
      .def_static(
          "from_bytes",
          [](const py::bytes& bytes) { return loaded_model(decode_model(std::string(bytes), "the model bytes")); },
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
              h = loaded_model(decode_model(t[1].cast<std::string>(), "the pickled model"));
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
