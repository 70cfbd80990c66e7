#pragma once
// IDX files: the format of MNIST and Fashion-MNIST (LeCun et al.,
// http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE").
//
// A file is a big-endian header followed by unsigned bytes:
//   images  magic 0x00000803, then u32 N, rows, cols; then N*rows*cols pixels
//           (row-major, one image after another)
//   labels  magic 0x00000801, then u32 N; then N labels
// Files ending in ".gz" are decompressed (zlib). The header is checked before
// anything is allocated for the data: the magic number, non-zero dimensions,
// N <= 100 million, rows * cols <= 4096 * 4096, and a file length that is
// exactly the header plus the declared data. Every error is a data error
// naming the file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet {

struct SCRATCHNET_API IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols
};

SCRATCHNET_API IdxImages read_idx_images(const std::string& path);
SCRATCHNET_API std::vector<std::uint8_t> read_idx_labels(const std::string& path);
// The same, from the bytes of a file already in memory (decompressed);
// `source` names it in error messages. The file readers call these.
SCRATCHNET_API IdxImages parse_idx_images(std::string_view bytes, const std::string& source);
SCRATCHNET_API std::vector<std::uint8_t> parse_idx_labels(std::string_view bytes,
                                                          const std::string& source);

// A classification data set of the images in `images` labelled by `labels`:
// sample_shape (1, rows, cols), features held as bytes in Dataset::pixels
// (scale 1/255, so values lie in [0, 1]). Requires as many labels as images
// and every label < class_names.size(); with empty `class_names` the classes
// are named "0" .. "L", L the largest label. Data errors otherwise.
SCRATCHNET_API Dataset load_idx(const std::string& images, const std::string& labels,
                                const std::vector<std::string>& class_names);

}  // namespace scratchnet
