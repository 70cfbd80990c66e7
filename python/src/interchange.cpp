// Taking models to PyTorch and back, for scratchnet.torch (python/scratchnet/
// torch.py): the library's safetensors files (io/safetensors.h: the format,
// checked on read), a model's weights as PyTorch's state_dict with its
// modules as JSON (io/safetensors_weights.h, io/torch_layout.h: the one
// definition of the PyTorch form), the import of such weights into a model,
// and the model that imported weights go into (app/interchange.h
// model_like). torch.py builds the torch.nn modules from the JSON; the names,
// shapes and layouts are never worked out twice.

#include <fmt/format.h>

#include "model_handle.h"
#include "scratchnet/app/interchange.h"
#include "scratchnet/core/error.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/io/safetensors.h"
#include "scratchnet/io/safetensors_weights.h"
#include "scratchnet/io/torch_layout.h"

namespace scratchnet::python {
namespace {

using namespace pybind11::literals;

py::tuple shape_of_sizes(const auto& sizes) {
  py::tuple out(sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) out[i] = py::int_(static_cast<std::size_t>(sizes[i]));
  return out;
}

// The metadata of a safetensors file as a dict, in header order.
py::dict metadata_dict(const std::vector<std::pair<std::string, std::string>>& metadata) {
  py::dict out;
  for (const auto& [key, value] : metadata) out[py::str(key)] = py::str(value);
  return out;
}

}  // namespace

void bind_interchange(py::module_& m) {
  m.def("safetensors_dtypes", &safetensors_dtypes, "The dtypes of the safetensors format (\"F32\", ...).");
  m.def(
      "parse_safetensors",
      [](const py::bytes& data, const std::string& source) {
        const std::string_view bytes = data;
        const SafetensorsFile file = parse_safetensors(bytes, source);
        py::list tensors;
        for (const SafetensorsTensor& t : file.tensors) {
          const auto begin = static_cast<std::size_t>(t.data.data() - bytes.data());
          tensors.append(py::make_tuple(t.name, t.dtype, shape_of_sizes(t.shape), begin, begin + t.data.size()));
        }
        return py::make_tuple(tensors, metadata_dict(file.metadata));
      },
      py::arg("data"), py::arg("source"),
      R"(Checks the bytes of a safetensors file as the format requires (io/safetensors.h).

Returns (tensors, metadata): tensors in the order of their data, each
(name, dtype, shape, begin, end) with begin and end byte offsets into
``data``; metadata the ``__metadata__`` strings. A DataError names ``source``
and what is wrong.)");
  m.def(
      "encode_safetensors",
      [](const py::list& tensors, const py::dict& metadata) {
        // Python bytes of every tensor, kept while the file is assembled.
        std::vector<std::string> data;
        data.reserve(tensors.size());
        std::vector<SafetensorsTensor> out;
        for (py::handle item : tensors) {
          const auto entry = item.cast<py::tuple>();
          SafetensorsTensor t;
          t.name = entry[0].cast<std::string>();
          t.dtype = entry[1].cast<std::string>();
          t.shape = entry[2].cast<std::vector<std::uint64_t>>();
          data.push_back(entry[3].cast<std::string>());
          const auto size = safetensors_dtype_size(t.dtype);
          if (!size) throw_usage("tensor '{}': '{}' is not a safetensors dtype", t.name, t.dtype);
          std::uint64_t count = 1;
          for (const std::uint64_t d : t.shape) count *= d;
          if (count * *size != data.back().size())
            throw_usage("tensor '{}': {} bytes for {} values of {}", t.name, data.back().size(), count, t.dtype);
          out.push_back(std::move(t));
        }
        for (std::size_t i = 0; i < out.size(); ++i) out[i].data = data[i];
        std::vector<std::pair<std::string, std::string>> meta;
        for (auto [key, value] : metadata) meta.emplace_back(py::str(key), py::str(value));
        return py::bytes(encode_safetensors(out, meta));
      },
      py::arg("tensors"), py::arg("metadata"),
      "The bytes of a safetensors file holding tensors [(name, dtype, shape, raw little-endian bytes)] "
      "in that order, with metadata (a dict of strings) as __metadata__.");
  m.def(
      "safetensors_weights",
      [](py::handle model) {
        ModelHandle& h = built_model(model);
        auto lock = h.lock();
        return py::bytes(encode_safetensors_weights(h.model));
      },
      py::arg("model"),
      "The model's network weights as a safetensors file (what `scratchnet export --format safetensors` "
      "writes): the state_dict of its torch.nn.Sequential, with the modules (torch_modules), "
      "architecture, preprocessing and encoding as JSON in the metadata.");
  m.def(
      "torch_layout",
      [](py::handle model) {
        ModelHandle& h = built_model(model);
        auto lock = h.lock();
        const TorchLayout layout = torch_layout(h.network());
        py::list tensors;
        for (const TorchTensor& t : layout.tensors)
          tensors.append(py::dict("name"_a = t.name, "shape"_a = shape_of_sizes(t.shape), "origin"_a = t.origin,
                                  "batch_count"_a = t.layout == TorchTensor::Layout::kBatchCount));
        return py::dict("modules"_a = torch_modules_json(layout.modules), "tensors"_a = tensors);
      },
      py::arg("model"),
      "The PyTorch form of the model's network (io/torch_layout.h): {'modules': the torch_modules JSON, "
      "'tensors': [{'name', 'shape', 'origin', 'batch_count'}] in state_dict order}.");
  m.def(
      "import_weights",
      [](py::handle model, const py::bytes& data, const std::string& source) {
        ModelHandle& h = built_model(model);
        auto lock = h.lock();
        const std::string_view bytes = data;
        const WeightImport report = import_safetensors_weights(h.model, parse_safetensors(bytes, source), source);
        return py::dict("tensors"_a = report.tensors, "values"_a = report.values);
      },
      py::arg("model"), py::arg("data"), py::arg("source"),
      "Copies the tensors of a safetensors file (its bytes) into the model's network, all checked "
      "first (io/safetensors_weights.h); a DataError names `source` and the first tensor that does not fit.");
  m.def(
      "model_like",
      [](py::handle like) {
        if (py::isinstance<ModelHandle>(like)) {
          ModelHandle& h = built_model(like);
          auto lock = h.lock();
          return loaded_model(decode_model(encode_model(h.model), "the model given as like"));
        }
        if (!py::isinstance<py::str>(like) && !py::hasattr(like, "__fspath__"))
          throw_usage("like must be a scratchnet.Model, a model file (.snm) or a training config (.toml), got {}",
                      py::str(py::type::of(like)).cast<std::string>());
        const std::string path = path_text(like);
        Model model;
        {
          py::gil_scoped_release release;  // a config loads its data set
          model = model_like(path);
        }
        return loaded_model(std::move(model));
      },
      py::arg("like"),
      "A new model built like `like`: a copy of a scratchnet.Model, a model file, or the network of a "
      "training config (.toml) over the data set it names, without preprocessing (app/interchange.h).");
}

}  // namespace scratchnet::python
