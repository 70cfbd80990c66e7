// Fuzzes the model file decoder (decode_model) on arbitrary bytes, twice:
// as given (the magic, version, size and checksum checks), and with the size
// and CRC-32 fields patched to match, so that mutations reach the payload
// parser instead of stopping at the checksum. A model that decodes must
// encode and decode again to the same bytes, and run a forward pass when it
// is small.

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "scratchnet/io/model_file.h"

using namespace scratchnet;

namespace {

constexpr std::size_t kHeaderBytes = 8 + 4 + 8;

void check_model(const Model& m) {
  FUZZ_REQUIRE(m.network != nullptr);
  const std::string encoded = encode_model(m);
  Model again;
  try {
    again = decode_model(encoded, "re-encoded");
  } catch (const Error& e) {
    std::fprintf(stderr, "a decoded model does not decode after encoding: %s\n", e.what());
    std::abort();
  }
  FUZZ_REQUIRE(encode_model(again) == encoded);
  // A forward pass of one zero sample, when the activations are small.
  std::size_t activations = m.network->input_shape().elements();
  for (std::size_t i = 0; i < m.network->size(); ++i)
    activations += m.network->layer(i).output_shape().elements();
  if (activations > (1u << 20) || m.network->parameter_count() > (1u << 20)) return;
  Tensor x(m.network->input_shape().with_batch(1));
  x.zero();
  const Tensor& y = m.network->forward(x, Mode::kEval);
  FUZZ_REQUIRE(y.shape() == m.network->output_shape().with_batch(1));
}

void decode(std::string_view bytes) {
  Model m;
  try {
    m = decode_model(bytes, "fuzz.snm");
  } catch (const Error& e) {
    fuzz::expected(e);
    return;
  }
  check_model(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string given(reinterpret_cast<const char*>(data), size);
  decode(given);
  if (given.size() < kHeaderBytes + 4) return 0;
  std::string bytes = given;
  const std::uint64_t payload = bytes.size() - kHeaderBytes - 4;
  std::memcpy(bytes.data() + 12, &payload, 8);
  const auto crc = static_cast<std::uint32_t>(::crc32(
      0L, reinterpret_cast<const Bytef*>(bytes.data() + kHeaderBytes), static_cast<uInt>(payload)));
  std::memcpy(bytes.data() + kHeaderBytes + payload, &crc, 4);
  if (bytes != given) decode(bytes);
  return 0;
}
