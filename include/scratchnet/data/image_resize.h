#pragma once
// Image resizing on bytes, each axis on its own (separable):
//   shrinking  area filter: an output pixel is the mean of the input area it
//              covers, partly covered input pixels weighted by the covered
//              fraction (Pillow's BOX filter, OpenCV's INTER_AREA)
//   enlarging  bilinear between the two nearest input pixels, pixel centres
//              at (i + 0.5) (align_corners = false), edges repeated
//   same size  copied
// Example (one axis): 3 -> 2 pixels [0, 30, 60] gives [(0 + 30/2) / 1.5,
// (30/2 + 60) / 1.5] = [10, 50]; 2 -> 4 pixels [0, 100] samples at
// -0.25, 0.25, 0.75, 1.25 (clamped to 0 and 1): [0, 25, 75, 100].
//
// Images are interleaved, row-major: (height, width, channels), any channel
// count. Sums are float, rounded to the nearest byte at the end.

#include <cstddef>
#include <cstdint>

#include "scratchnet/core/export.h"

namespace scratchnet {

// Requires non-zero sizes and `out` holding out_height * out_width * channels
// bytes (not overlapping `in`). Thread-safe (scratch memory is per thread).
SCRATCHNET_API void resize_image(const std::uint8_t* in, std::size_t in_height,
                                 std::size_t in_width, std::size_t channels, std::uint8_t* out,
                                 std::size_t out_height, std::size_t out_width);

}  // namespace scratchnet
