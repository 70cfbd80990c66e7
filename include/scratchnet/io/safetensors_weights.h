#pragma once
// A model's network weights as a safetensors file for PyTorch, and back.
//
// The tensors are the state_dict of the torch.nn.Sequential that
// io/torch_layout.h defines for the network ("0.weight" [out, in], conv
// weights [out, in, kh, kw], batch norm's running statistics...), float32
// (num_batches_tracked int64). __metadata__ holds:
//   format              "pt" (what PyTorch tools look for)
//   scratchnet_version  the version that wrote it
//   task                "classification" | "regression"
//   class_names, feature_names   JSON arrays
//   architecture, preprocessing  JSON (io/model_description.h)
//   torch_modules       the Sequential's modules as JSON (io/torch_layout.h):
//                       enough to build it without scratchnet
//   encoding            the tabular encoding, when the model has one
//
// Import copies the file's tensors into a model's network by the same names:
// every tensor the layout names must be there with its shape, as F32 (or F64,
// converted), finite; no other tensor may be there (num_batches_tracked may
// be missing, and is ignored). Everything is checked before anything is
// copied, so a failed import leaves the model as it was.

#include <cstddef>
#include <string>

#include "scratchnet/io/model_description.h"
#include "scratchnet/io/safetensors.h"
#include "scratchnet/train/model.h"

namespace scratchnet {

// The safetensors file image of `model`'s weights (see above). A usage error
// names a layer that has no PyTorch form.
std::string encode_safetensors_weights(const Model& model);
// The same with the preprocessing given (io/model_description.h input_preprocessing).
std::string encode_safetensors_weights(const Model& model, const InputPreprocessing& input);

struct WeightImport {
  std::size_t tensors = 0;  // tensors copied
  std::size_t values = 0;   // values copied
};

// Copies the tensors of `file` (read from `source`) into model.network.
// Throws a data error naming `source` and the first tensor that is missing,
// has another shape or dtype, holds a non-finite value, or has no place in
// the network.
WeightImport import_safetensors_weights(Model& model, const SafetensorsFile& file,
                                        const std::string& source);

}  // namespace scratchnet
