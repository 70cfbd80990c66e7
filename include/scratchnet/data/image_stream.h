#pragma once
// ImageStream: the batches of an image folder decoded during training
// instead of held in memory (data.cache = "none", for sets that do not fit).
// A pool of threads reads, decodes and resizes the images of the batches
// asked for ahead with prefetch(), so that gather() -- the counterpart of
// Dataset::gather -- finds them ready:
//
//   stream.prefetch(sampler.batch(0));
//   for (b = 0; b < batches; ++b) {
//     if (b + 1 < batches) stream.prefetch(sampler.batch(b + 1));
//     stream.gather(sampler.batch(b), x, labels);   // waits only if the pool is behind
//     ...
//   }
//
// Batches are served in the order they were prefetched; gather() of indices
// other than the oldest prefetched batch drops every prefetched batch and
// decodes the asked one at once (still on the pool). The values equal those
// of the in-memory path (load_image_folder with cache = kMemory, then
// Dataset::gather) bit for bit: the same decode, resize and scale.
//
// Memory: one batch of bytes per prefetched batch plus one decoded image per
// thread. A file that fails to decode (it changed since loading checked it)
// is a data error from gather() naming it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/shape.h"
#include "scratchnet/core/tensor.h"
#include "scratchnet/data/image_decode.h"

namespace scratchnet {

class SCRATCHNET_API ImageStream {
 public:
  // Sample i is files[i] with labels[i], decoded to sample_shape (C, H, W)
  // (C = 1 or 3) and scaled by pixel_scale. workers: decoding threads, 0 =
  // every core; jpeg_shrink as ImageFolderOptions::jpeg_shrink. Requires
  // files.size() == labels.size().
  ImageStream(std::vector<std::string> files, std::vector<std::int32_t> labels,
              const Shape& sample_shape, float pixel_scale = 1.0f / 255, int workers = 0,
              const DecodeLimits& limits = {}, bool jpeg_shrink = true);
  ~ImageStream();
  ImageStream(const ImageStream&) = delete;
  ImageStream& operator=(const ImageStream&) = delete;

  std::size_t size() const;
  // Queues the samples at `indices` for decoding in the background.
  void prefetch(std::span<const std::size_t> indices);
  // The batch at `indices`: x (B, C, H, W) and its labels, as Dataset::gather.
  void gather(std::span<const std::size_t> indices, Tensor& x, std::vector<std::int32_t>& labels);

  struct Stats {
    std::size_t images = 0;     // decoded so far
    double wait_seconds = 0.0;  // gather() waiting for the pool
  };
  Stats stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace scratchnet
