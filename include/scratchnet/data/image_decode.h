#pragma once
// Decoding of image files to 8-bit pixels, through well-kept libraries:
//   PNG            libspng (any colour type and bit depth; 16-bit is scaled
//                  to 8, palettes expanded, alpha dropped, no gamma applied)
//   JPEG           libjpeg-turbo's TurboJPEG API (baseline and progressive;
//                  CMYK/YCCK files are refused)
//   BMP, PPM/PGM   TurboJPEG's tjLoadImage (BMP 8/24/32-bit uncompressed,
//                  PGM/PPM binary and ASCII, up to 16-bit, scaled to 8)
// The format is told by the file's first bytes (its magic number), not by its
// name. No decoder is written here.
//
// Untrusted input: the declared width and height are checked against
// DecodeLimits before any pixel memory is allocated (a PNG declaring
// 100000x100000 is refused from its header); libspng's chunk sizes are
// capped; progressive JPEGs with more than 500 scans are refused
// (TJFLAG_LIMITSCANS); a libjpeg warning (a truncated JPEG, corrupt data) is
// an error, not a grey-filled image. Every failure is a data error
// "<source>: cannot decode <FORMAT>: <what the decoder said>".
//
// Pixels come back interleaved, row-major: (height, width, channels), as the
// libraries produce them. The colour type of the file (gray or colour; gray +
// alpha counts as gray, a palette as colour) is reported whatever channels
// were asked for, so a caller can choose the channels of a whole folder.
// Colour to gray uses the ITU-R 601-2 luma weights (0.299, 0.587, 0.114 in
// 16-bit fixed point, as Pillow's convert("L")); gray to colour repeats the
// value. The functions are thread-safe (TurboJPEG handles are per thread).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

enum class ImageFormat { kUnknown, kPng, kJpeg, kBmp, kPnm };
enum class ImageColor { kGray, kColor };

SCRATCHNET_API std::string to_string(
    ImageFormat format);  // "PNG", "JPEG", "BMP", "PPM/PGM", "unknown"
// The format announced by the first bytes of a file.
SCRATCHNET_API ImageFormat sniff_image_format(std::span<const std::uint8_t> bytes);

// Limits on the declared size of an image, checked before decoding.
struct SCRATCHNET_API DecodeLimits {
  std::uint32_t max_side = 32768;         // pixels per side
  std::uint64_t max_pixels = 1ull << 26;  // width * height (64 Mi, e.g. 8192 x 8192)
};

struct SCRATCHNET_API DecodedImage {
  std::size_t width = 0, height = 0;
  int channels = 0;                      // 1 (gray) or 3 (RGB), as asked for
  ImageColor color = ImageColor::kGray;  // what the file holds
  ImageFormat format = ImageFormat::kUnknown;
  std::vector<std::uint8_t> pixels;  // height * width * channels, interleaved
};

// The size an image will be shrunk to after decoding (0 = unknown). A JPEG
// of at least twice that size on both axes is then decoded at 1/2, 1/4 or
// 1/8 of its size (the smallest that stays at least min_height x
// min_width), by libjpeg-turbo's scaled inverse DCT: an average over 2x2,
// 4x4 or 8x8 pixels done in the frequency domain, several times faster than
// decoding every pixel and averaging them afterwards. Other formats ignore it.
struct SCRATCHNET_API ShrinkHint {
  std::size_t min_height = 0, min_width = 0;
};

// Decodes the bytes of an image file. `channels`: 0 = as the file holds them
// (1 for gray, 3 for colour), 1 = gray, 3 = RGB. `source` names the file in
// messages. The overload with `out` reuses its capacity.
SCRATCHNET_API DecodedImage decode_image(std::span<const std::uint8_t> bytes,
                                         const std::string& source, int channels = 0,
                                         const DecodeLimits& limits = {});
SCRATCHNET_API void decode_image(std::span<const std::uint8_t> bytes, const std::string& source,
                                 int channels, const DecodeLimits& limits, DecodedImage& out,
                                 const ShrinkHint& hint = {});

// Reads the file at `path` (a data error naming it if it cannot) and decodes it.
SCRATCHNET_API DecodedImage read_image(const std::string& path, int channels = 0,
                                       const DecodeLimits& limits = {});
// The whole file as bytes, reusing `out`'s capacity; a data error naming it if unreadable.
SCRATCHNET_API void read_file_bytes(const std::string& path, std::vector<std::uint8_t>& out);

// The file-name extensions of images scratchnet decodes, lower case with the
// dot: .png .jpg .jpeg .bmp .ppm .pgm. `has_image_extension` compares
// case-insensitively ("photo.JPG" is an image).
SCRATCHNET_API const std::vector<std::string>& image_extensions();
SCRATCHNET_API bool has_image_extension(std::string_view filename);

// Colour conversions on interleaved pixels (count = width * height).
SCRATCHNET_API void rgb_to_gray(const std::uint8_t* rgb, std::size_t count, std::uint8_t* gray);
SCRATCHNET_API void gray_to_rgb(const std::uint8_t* gray, std::size_t count, std::uint8_t* rgb);

}  // namespace scratchnet
