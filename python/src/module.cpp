// scratchnet._core: the extension behind the Python package scratchnet.
// Each submodule mirrors a library area; python/scratchnet/*.py build the
// Pythonic parts (layer classes named as PyTorch's, estimators, history) on it.

#include "bindings.h"

PYBIND11_MODULE(_core, m) {
  namespace sp = scratchnet::python;
  m.doc() = "The compiled part of scratchnet (use the package scratchnet, not this module).";
  sp::bind_core(m);
  auto layers = m.def_submodule("layers", "Layers built from the layer registry");
  sp::bind_layers(layers);
  auto optim = m.def_submodule("optim", "Optimizers from the optimizer registry");
  sp::bind_optim(optim);
  auto losses = m.def_submodule("losses", "Loss functions");
  sp::bind_losses(losses);
  auto data = m.def_submodule("data", "Data sets and numpy conversions");
  sp::bind_data(data);
  sp::bind_model(m);
  auto app = m.def_submodule("app", "Training runs, comparisons and searches");
  sp::bind_app(app);
  auto gradcheck = m.def_submodule("gradcheck", "Finite-difference gradient checks");
  sp::bind_gradcheck(gradcheck);
  auto interchange = m.def_submodule("interchange", "safetensors files and the PyTorch form of a model");
  sp::bind_interchange(interchange);
}
