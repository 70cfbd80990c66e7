// Fuzzes image decoding (PNG through libspng, JPEG through TurboJPEG, BMP and
// PPM/PGM through tjLoadImage; the format is sniffed from the first bytes, as
// for real files) and the resize that follows it when loading a folder. The
// input is the whole file; its length picks the channels asked for (as the
// file, gray, RGB) and whether a ShrinkHint lets JPEGs decode at a fraction
// of their size. A successful decode must hold exactly the pixels of its
// declared size, within the limits.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "scratchnet/data/image_dataset.h"
#include "scratchnet/data/image_decode.h"

using namespace scratchnet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int kChannels[3] = {0, 1, 3};
  const int channels = kChannels[size % 3];
  DecodeLimits limits;  // small enough for libFuzzer's memory limit
  limits.max_side = 4096;
  limits.max_pixels = 1u << 22;
  try {
    DecodedImage image;
    const ShrinkHint hint = (size / 3) % 2 == 1 ? ShrinkHint{5, 7} : ShrinkHint{};
    decode_image(std::span<const std::uint8_t>(data, size), "fuzz-image", channels, limits, image,
                 hint);
    FUZZ_REQUIRE(image.width > 0 && image.height > 0);
    FUZZ_REQUIRE(image.width <= limits.max_side && image.height <= limits.max_side);
    FUZZ_REQUIRE(image.width * image.height <= limits.max_pixels);
    FUZZ_REQUIRE(image.channels == 1 || image.channels == 3);
    FUZZ_REQUIRE(channels == 0 || image.channels == channels);
    FUZZ_REQUIRE(image.pixels.size() == image.width * image.height * image.channels);
    // Shrink or enlarge to a small size, into planes of 3 channels.
    std::vector<std::uint8_t> planes(3 * 5 * 7), scratch;
    image_to_planes(image, 5, 7, 3, planes.data(), scratch);
  } catch (const Error& e) {
    fuzz::expected(e);
  }
  return 0;
}
