#pragma once
// Writing image sets as image folders: PNG files in one subfolder per class,
// the layout image_folder.h reads (scripts/export-image-folder writes
// Fashion-MNIST this way). PNG encoding is libspng's.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet {

// An 8-bit gray (channels 1) or RGB (channels 3) PNG of an image held as
// planes (C, H, W).
SCRATCHNET_API std::vector<std::uint8_t> encode_png(const std::uint8_t* planes,
                                                    std::size_t channels, std::size_t height,
                                                    std::size_t width);

// A class name as a folder name: '/', '\\' and control characters become
// '-', a leading '.' becomes '_' (hidden folders are not read), an empty
// name "_". ("T-shirt/top" -> "T-shirt-top".)
SCRATCHNET_API std::string class_folder_name(const std::string& class_name);

// Writes every sample of `images` (pixels as bytes, sample_shape (C, H, W),
// C = 1 or 3, classification) to dir/<class folder>/<index>.png, the index
// zero-padded so that names sort in sample order. Folders are made as
// needed; existing files are overwritten. `progress` (optional) is called
// after each file with (written, total). Data errors name the file that
// could not be written.
SCRATCHNET_API void write_image_folder(
    const Dataset& images, const std::string& dir,
    const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace scratchnet
