#pragma once
// ModelHandle: scratchnet.Model, the library's Model (network, loss, class
// names, scaler, settings: what a .snm file holds) and how Python made it:
//   Model([layers...])     the layers the caller built; the network is built
//                          from their specs when the input shape is known
//                          (given, the first layer's, or at the first fit or
//                          predict), and takes over their parameter memory
//                          (LayerHandle::adopt), so the caller's layer objects
//                          and numpy views keep working on the model's network;
//   Model.from_toml(...)   a training config; the network (config.network_layers)
//                          is built and initialised at the first fit, as
//                          `scratchnet train` builds it (app/model_training.h);
//   Model.load / pickle    a trained model.
// Calls that use the network (fit, predict, evaluate, forward) hold the
// model's mutex, taken with the GIL released.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "layer_handle.h"
#include "scratchnet/train/config.h"
#include "scratchnet/train/model.h"

namespace scratchnet::python {

class ModelHandle final : public ParamSource {
 public:
  Model model;
  TrainConfig config;          // the settings fit starts from
  bool from_config = false;    // the network comes from config at the first fit
  std::vector<py::object> layer_objects;  // scratchnet.layers objects, one per network layer once built
  std::string loss_choice;     // Model(layers, loss=...): "" = by the task of y
  std::string init;            // Model(layers, init=...): "" = keep the layers' weights
  std::optional<Shape> pending_shape;  // Model(layers): build for it at the first use
  bool prepared = false;       // class names and scaler set (trained, loaded, or a config model built)
  py::object history = py::none();
  std::recursive_mutex mutex;
  // The network's input and upstream gradient of Model.network.forward/backward.
  Tensor net_x, net_dy;
  bool net_forwarded = false;

  bool built() const { return model.network != nullptr; }
  Network<float>& network();   // a usage error when not built
  std::size_t network_outputs() const;  // requires built()
  // Builds the network of Model(layers) for samples of shape `sample`, for
  // `task` unless a loss was chosen; `self` is this model's Python object
  // (the layers keep it alive).
  void build(const Shape& sample, Task task, py::object self);
  // build() for pending_shape, if the network is not built yet.
  void build_pending(py::object self);
  // The model's classes as numpy labels: int64 when every class name is an
  // integer, else strings (cached).
  py::object classes();
  std::vector<std::string> cached_names;
  py::object cached_classes;
  std::vector<long long> integer_classes;  // when the names are integers
  // Locks the mutex, waiting with the GIL released.
  std::unique_lock<std::recursive_mutex> lock();

  std::vector<Param<float>> source_params() override;
  std::vector<py::ssize_t> display_shape(std::size_t index) override;
  std::vector<std::string> param_names() override;
};

// The LayerHandle of a scratchnet.layers object (or of a handle itself).
LayerHandle& layer_handle(py::handle object);

// A scratchnet.Model holding `model` as a trained one (as Model.load gives).
std::unique_ptr<ModelHandle> loaded_model(Model model);
// The built model of a scratchnet.Model object (a Model(layers) waiting for
// nothing but its input shape is built first); a ValueError when it has no
// network yet.
ModelHandle& built_model(py::handle object);

}  // namespace scratchnet::python
