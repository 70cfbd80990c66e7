#pragma once
// The calls behind scratchnet.Model's methods (model.cpp), bound to Python
// with their docstrings in model_bindings.cpp. `self` is the Model object
// (its layers keep it alive); each call holds the model's mutex.

#include "model_handle.h"
#include "scratchnet/app/predict.h"

namespace scratchnet::python {

// The rows of X as the model's network takes them (building a Model(layers)
// for them if needed): a data error from Model::prepare when the feature
// count differs.
Dataset rows_for(ModelHandle& h, const FloatArray& x, py::object self);
// predict_dataset on `rows`, the GIL released for large inputs.
Predictions predict_rows(ModelHandle& h, Dataset rows);
py::object predict(py::object self, py::handle x);
py::object predict_proba(py::object self, py::handle x);
py::dict evaluate(py::object self, py::handle x, py::handle y);
// Model.fit(X, y, **kwargs): returns the History (also kept in model.history).
py::object fit(py::object self, py::handle x, py::handle y, const py::kwargs& kwargs);
// Parameters as scratchnet.layers.Params (indexed by name too).
py::object named_list(const py::list& parameters);
// The handle of `self`, built if it was waiting for nothing but that.
ModelHandle& ready(py::object self);

}  // namespace scratchnet::python
