#pragma once
// Loading an image folder (see image_folder.h) into Datasets: every image is
// read, decoded (image_decode.h) and resized (image_resize.h) once, in
// parallel on all cores, and held as bytes at the target size in
// Dataset::pixels, sample_shape (C, H, W), pixel_scale 1/255 (so features lie
// in [0, 1], as for IDX sets). The sample order is the scan's, whatever the
// number of threads.
//
// Shape:
//   size      options.height x width; 0 x 0 = the size of the first image,
//             which every image must then have (a usage error asking for
//             data.image_size otherwise)
//   channels  1 or 3; 0 = 3 when any file decodes as colour (by its colour
//             type: gray + alpha is gray), else 1
// Broken files (unreadable, truncated, corrupt, not an image, over the
// DecodeLimits): without skip_bad_images the first of them in sample order is
// a data error naming its path and what the decoder said, and nothing is
// returned; with it they are left out and listed in the report.
//
// Memory: the pixels of the loaded set (N * C * H * W bytes) plus one decoded
// image per thread; with channels = 0 the pixels are first held as RGB and
// reduced to one channel at the end when every image is gray (3x the final
// bytes at the peak for gray sets). With cache = kNone nothing is kept: every
// file is still decoded once, to check it and to settle the shape, and
// ImageStream (image_stream.h) decodes the batches during training.

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/image_augment.h"
#include "scratchnet/data/image_decode.h"
#include "scratchnet/data/image_folder.h"

namespace scratchnet {

// data.cache: "memory" keeps the decoded images, "none" decodes per epoch.
enum class ImageCache { kMemory, kNone };
// Parses data.cache; an unknown value is a usage error naming it.
SCRATCHNET_API ImageCache parse_image_cache(const std::string& text);
SCRATCHNET_API std::string to_string(ImageCache cache);

struct SCRATCHNET_API BadImage {
  std::string path, reason;  // reason: the decoder's message
};

// What loading found, for the run header and summary.json.
struct SCRATCHNET_API ImageFolderReport {
  std::string root;
  bool predefined_split = false;
  std::size_t height = 0, width = 0, channels = 0;  // as loaded
  std::size_t images = 0;                           // loaded, train + test
  std::size_t color_images = 0;                     // of them, colour files
  std::size_t resized = 0;                          // of them, not already height x width
  std::size_t other_files = 0;                      // not images (see ImageFolderScan)
  std::map<std::string, std::size_t> other_extensions;
  std::vector<std::string> warnings;  // empty class folders, ...
  std::vector<BadImage> bad_images;   // skipped (skip_bad_images only)
  std::size_t pixel_bytes = 0;        // held in memory (0 with cache = kNone)
};

struct SCRATCHNET_API ImageFolderOptions {
  std::size_t height = 0, width = 0;       // data.image_size = [H, W]; 0, 0 = first image's size
  int channels = 0;                        // data.channels: 1, 3, or 0 = auto
  bool skip_bad_images = false;            // --skip-bad-images
  ImageCache cache = ImageCache::kMemory;  // data.cache
  ImageAugmentOptions augment;             // data.augment: for the trainer (training batches only)
  int workers = 0;                         // decoding threads; 0 = every core
  DecodeLimits limits;                     // refuse larger declared sizes
  // Decode JPEGs of at least twice the size at 1/2, 1/4 or 1/8 scale
  // (ShrinkHint in image_decode.h); off: every pixel, then the area filter.
  bool jpeg_shrink = true;
  // Called on the calling thread while images are decoded (about 20 times a
  // second, and once at the end with done == total), e.g. for a progress bar.
  std::function<void(std::size_t done, std::size_t total)> progress;
  // When set, filled with what loading found (also when it throws after the scan).
  ImageFolderReport* report = nullptr;
};

struct SCRATCHNET_API ImageFolderData {
  Dataset train;  // every image when there is no predefined split
  Dataset test;   // DIR/test's images (predefined split), else empty
  // The file of each sample of train and test, in the same order.
  std::vector<std::string> train_files, test_files;
  ImageFolderReport report;
};

// Scans and loads the image folder `root`. With cache = kNone the Datasets
// hold labels, classes and sample_shape but no pixels (see ImageStream).
SCRATCHNET_API ImageFolderData load_image_folder(const std::string& root,
                                                 const ImageFolderOptions& options);
// The same from a scan already made.
SCRATCHNET_API ImageFolderData load_image_folder(const ImageFolderScan& scan,
                                                 const ImageFolderOptions& options);

// Writes one decoded image, resized to height x width, as planes (C, H, W)
// with `channels` channels (1 or 3, converting gray <-> colour) into `out`.
// `scratch` holds the resized interleaved image between calls.
SCRATCHNET_API void image_to_planes(const DecodedImage& image, std::size_t height,
                                    std::size_t width, std::size_t channels, std::uint8_t* out,
                                    std::vector<std::uint8_t>& scratch);

}  // namespace scratchnet
