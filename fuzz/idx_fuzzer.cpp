// Fuzzes the IDX (MNIST format) parser on arbitrary bytes: the first byte
// picks an image or a label file; the rest is the file. A successful parse
// must hold exactly the pixels (labels) its header declares.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "scratchnet/data/idx.h"

using namespace scratchnet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool images = (data[0] & 1) == 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (images) {
      const IdxImages out = parse_idx_images(bytes, "fuzz-images.idx");
      FUZZ_REQUIRE(out.count > 0 && out.rows > 0 && out.cols > 0);
      FUZZ_REQUIRE(out.pixels.size() == out.count * out.rows * out.cols);
      FUZZ_REQUIRE(out.pixels.size() + 16 == bytes.size());
    } else {
      const auto labels = parse_idx_labels(bytes, "fuzz-labels.idx");
      FUZZ_REQUIRE(!labels.empty() && labels.size() + 8 == bytes.size());
    }
  } catch (const Error& e) {
    fuzz::expected(e);
  }
  return 0;
}
