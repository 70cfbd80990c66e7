// Fuzzes the TOML settings reader (TrainConfig::load_toml_text) on arbitrary
// text. A config that loads must write itself back (to_toml) as TOML that
// loads to the same settings, as a run folder's config.toml must, and must
// give a network description or a clear error.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "scratchnet/train/config.h"

using namespace scratchnet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  TrainConfig config;
  try {
    config.load_toml_text(text, "fuzz.toml");
  } catch (const Error& e) {
    fuzz::expected(e);
    return 0;
  }
  const std::string written = config.to_toml();
  TrainConfig again;
  try {
    again.load_toml_text(written, "round trip");
  } catch (const Error& e) {
    std::fprintf(stderr, "to_toml wrote a config that does not load: %s\n%s\n", e.what(),
                 written.c_str());
    std::abort();
  }
  FUZZ_REQUIRE(again.to_toml() == written);
  try {
    config.network_layers(3);
  } catch (const Error& e) {
    fuzz::expected(e);
  }
  return 0;
}
