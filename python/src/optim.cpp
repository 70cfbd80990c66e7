// Optimizers for Python: any registered optimizer by name with its
// hyper-parameters (python/scratchnet/optim.py makes one class per registry
// entry from optimizer_types()), stepping a list of Parameter objects.

#include <fmt/format.h>

#include "bindings.h"
#include "scratchnet/core/error.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet::python {
namespace {

py::list optimizer_type_list() {
  py::list types;
  for (const OptimizerType* t : optimizer_types()) {
    py::list hyper;
    for (const HyperParameter& h : t->hyper) {
      py::dict d = schema_dict(h);
      d["default"] = h.default_value;
      hyper.append(d);
    }
    py::dict d;
    d["name"] = t->name;
    d["summary"] = t->summary;
    d["default_lr"] = t->default_lr;
    d["decoupled_decay"] = t->decoupled_decay;
    d["hyper"] = hyper;
    types.append(d);
  }
  return types;
}

std::unique_ptr<Optimizer> make(const std::string& name, std::optional<double> lr, double weight_decay,
                                const py::dict& hyper) {
  const OptimizerType& type = optimizer_type(name);
  OptimizerSettings settings;
  settings.lr = lr;
  settings.weight_decay = weight_decay;
  for (auto [key, value] : hyper) {
    const std::string k = py::str(key).cast<std::string>();
    bool known = false;
    for (const HyperParameter& h : type.hyper) known = known || k == h.name;
    if (!known) {
      std::string names;
      for (const HyperParameter& h : type.hyper) names += (names.empty() ? "" : ", ") + std::string(h.name);
      throw_usage("{} has no hyper-parameter '{}' (it takes lr, weight_decay{}{})", name, k, names.empty() ? "" : ", ",
                  names);
    }
    settings.hyper[k] = value.cast<double>();
  }
  return make_optimizer(name, settings);
}

// The library parameters of `parameters`, checked against the optimizer's
// state: the same list, in the same order, every step.
std::vector<Param<float>> checked_params(Optimizer& optimizer, const py::list& parameters) {
  std::vector<Param<float>> params = params_of(parameters);
  const auto& state = optimizer.state();
  const std::size_t slots = static_cast<std::size_t>(optimizer.state_slots());
  if (slots == 0 || state.empty()) return params;
  if (state.size() != params.size() * slots)
    throw_usage("{}: its state is kept for {} parameters, got {}: pass the same parameter list every step",
                optimizer.name(), state.size() / slots, params.size());
  for (std::size_t p = 0; p < params.size(); ++p)
    if (!(state[p * slots].shape() == params[p].value->shape()))
      throw_usage("{}: parameter {} ({}) is shaped {}, its state {}: pass the same parameter list every step",
                  optimizer.name(), p, params[p].name, params[p].value->shape().str(), state[p * slots].shape().str());
  return params;
}

}  // namespace

void bind_optim(py::module_& m) {
  m.def("optimizer_types", &optimizer_type_list,
        "Every registered optimizer: name, summary, default rate, hyper-parameters with defaults and ranges.");
  py::class_<Optimizer>(m, "Optimizer", "The library optimizer behind a scratchnet.optim object.")
      .def(py::init(&make), py::arg("name"), py::arg("lr") = py::none(), py::arg("weight_decay") = 0.0,
           py::arg("hyper") = py::dict())
      .def_property_readonly("name", &Optimizer::name)
      .def_property("lr", &Optimizer::lr, &Optimizer::set_lr)
      .def_property("weight_decay", &Optimizer::weight_decay, &Optimizer::set_weight_decay)
      .def_property("steps", &Optimizer::steps, &Optimizer::set_steps)
      .def_property_readonly("hyper_parameters",
                             [](const Optimizer& o) {
                               py::dict d;
                               for (const auto& [k, v] : o.hyper_parameters()) d[py::str(k)] = v;
                               return d;
                             })
      .def(
          "step", [](Optimizer& o, const py::list& params) { o.step(checked_params(o, params)); }, py::arg("params"))
      .def(
          "state",
          [](py::object self, const py::list& params) {
            Optimizer& o = self.cast<Optimizer&>();
            const auto checked = checked_params(o, params);
            o.init_state(checked);
            py::list out;
            const auto slots = static_cast<std::size_t>(o.state_slots());
            for (std::size_t p = 0; p < checked.size(); ++p) {
              py::list mine;
              for (std::size_t s = 0; s < slots; ++s) mine.append(numpy_view(o.state()[p * slots + s], self));
              out.append(mine);
            }
            return out;
          },
          py::arg("params"));
}

}  // namespace scratchnet::python
