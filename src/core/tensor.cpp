#include "scratchnet/core/tensor.h"

#include "scratchnet/core/error.h"

namespace scratchnet {

void throw_view_resize(std::size_t elements, std::size_t wanted) {
  throw_usage("a tensor viewing another's {} values cannot be resized to {}", elements, wanted);
}

}  // namespace scratchnet
