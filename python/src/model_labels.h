#pragma once
// The y of Model.fit and Model.evaluate as the library's Dataset takes it:
// integers are class ids (0..K-1); anything else (strings, objects) are class
// names, sorted as the CLI sorts them; float targets make a regression model
// unless the loss says otherwise. Bad labels are usage errors naming the row.

#include "model_handle.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet::python {

// What the model is trained for, before it is built: the loss, or y's type.
Task task_for(const ModelHandle& h, py::handle y);
// Fills the labels or targets of `data` from y, naming classes as the model
// does (`names`: the model's class names, or empty to take y's sorted values).
void set_labels(Dataset& data, const ModelHandle& h, py::handle y, const std::vector<std::string>& names,
                const char* what);

}  // namespace scratchnet::python
