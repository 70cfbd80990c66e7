// Fuzzes the safetensors reader (io/safetensors.h) on arbitrary bytes, twice:
// as given, and with the 8-byte header length patched to end at the last '}'
// (so that mutations of the JSON reach the checks against the data buffer).
// A file that parses must hold tensors that tile its data buffer exactly with
// shape x dtype size bytes each, encode and parse again to the same tensors
// and metadata, and import into a small network (io/safetensors_weights.h)
// with at most a data error.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "scratchnet/io/safetensors.h"
#include "scratchnet/io/safetensors_weights.h"

using namespace scratchnet;

namespace {

// Dense 2 -> 3 with batch norm, then 3 -> 2: names 0.weight ... 3.bias.
Model& small_model() {
  static Model model = [] {
    Model m;
    m.task = Task::kClassification;
    m.loss = "softmax_cross_entropy";
    m.class_names = {"a", "b"};
    m.network = std::make_unique<Network<float>>(Architecture{
        Shape{2},
        {{"dense", {{"units", 3}}}, {"batch_norm", {}}, {"relu", {}}, {"dense", {{"units", 2}}}}});
    return m;
  }();
  return model;
}

void check(const SafetensorsFile& file, std::string_view bytes) {
  std::uint64_t header = 0;
  std::memcpy(&header, bytes.data(), 8);
  const char* data = bytes.data() + 8 + header;
  std::size_t end = 0;
  for (const SafetensorsTensor& t : file.tensors) {
    // Contiguous from the data buffer's start, in order, each of its shape's size.
    FUZZ_REQUIRE(t.data.data() == data + end);
    std::uint64_t expected = *safetensors_dtype_size(t.dtype);
    for (std::uint64_t d : t.shape) expected *= d;
    FUZZ_REQUIRE(expected == t.data.size());
    end += t.data.size();
  }
  FUZZ_REQUIRE(8 + header + end == bytes.size());

  const std::string again = encode_safetensors(file.tensors, file.metadata);
  SafetensorsFile reread;
  try {
    reread = parse_safetensors(again, "re-encoded");
  } catch (const Error& e) {
    std::fprintf(stderr, "a parsed file does not parse after encoding: %s\n", e.what());
    std::abort();
  }
  FUZZ_REQUIRE(reread.metadata == file.metadata);
  FUZZ_REQUIRE(reread.tensors.size() == file.tensors.size());
  for (std::size_t i = 0; i < file.tensors.size(); ++i) {
    FUZZ_REQUIRE(reread.tensors[i].name == file.tensors[i].name);
    FUZZ_REQUIRE(reread.tensors[i].dtype == file.tensors[i].dtype);
    FUZZ_REQUIRE(reread.tensors[i].shape == file.tensors[i].shape);
    FUZZ_REQUIRE(reread.tensors[i].data == file.tensors[i].data);
  }

  try {
    import_safetensors_weights(small_model(), file, "fuzz.safetensors");
  } catch (const Error& e) {
    fuzz::expected(e);
  }
}

void parse(std::string_view bytes) {
  SafetensorsFile file;
  try {
    file = parse_safetensors(bytes, "fuzz.safetensors");
  } catch (const Error& e) {
    fuzz::expected(e);
    return;
  }
  check(file, bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string given(reinterpret_cast<const char*>(data), size);
  parse(given);
  // The same bytes with the header length set to end at the last '}'.
  const std::size_t close = given.rfind('}');
  if (given.size() < 8 || close == std::string::npos || close < 8) return 0;
  std::string patched = given;
  const std::uint64_t header = close + 1 - 8;
  std::memcpy(patched.data(), &header, 8);
  if (patched != given) parse(patched);
  return 0;
}
