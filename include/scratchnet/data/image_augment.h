#pragma once
// Augmentation of training image batches (never of validation or test ones),
// configured as a list such as data.augment = ["crop:4", "flip", "jitter:0.1"]:
//   crop:P    pad each side with P zero pixels, then crop a window of the
//             original size at a random offset (0..2P on each axis): the
//             image moves by up to P pixels, the uncovered border is 0
//   flip      mirror left-right with probability 1/2
//   jitter:J  brightness factor b and contrast factor c, each uniform in
//             [1 - J, 1 + J]: x <- b x, then x <- (x - m) c + m with m the
//             image's mean (all channels), clipped to [0, 1]
// Applied in that order, per sample, on float batches (B, C, H, W) whose
// values lie in [0, 1] (before any mean/std standardisation). Every random
// choice comes from the augmenter's Rng, drawn in sample order, so the same
// seed gives the same batches.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/core/tensor.h"

namespace scratchnet {

struct SCRATCHNET_API ImageAugmentOptions {
  std::size_t crop_padding = 0;  // crop:P (0 = no crop)
  bool flip = false;             // flip
  float jitter = 0.0f;           // jitter:J (0 = none), 0 <= J < 1
  bool active() const { return crop_padding > 0 || flip || jitter > 0.0f; }
};

// Parses the list form; a usage error naming the bad item and the accepted forms.
SCRATCHNET_API ImageAugmentOptions parse_image_augment(const std::vector<std::string>& items);
// The list form again (for run headers and model files): parse(format(o)) == o.
SCRATCHNET_API std::vector<std::string> format_image_augment(const ImageAugmentOptions& options);

class SCRATCHNET_API ImageAugmenter {
 public:
  ImageAugmenter(const ImageAugmentOptions& options, std::uint64_t seed);

  // Augments x (B, C, H, W) in place. Requires a rank-4 batch.
  void apply(Tensor& x);

  const ImageAugmentOptions& options() const { return options_; }
  // The generator, for checkpoints (state/set_state).
  Rng& rng() { return rng_; }

 private:
  ImageAugmentOptions options_;
  Rng rng_;
  std::vector<float> scratch_;  // one image
};

}  // namespace scratchnet
