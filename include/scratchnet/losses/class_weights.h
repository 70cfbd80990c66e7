#pragma once
// Class weights for the softmax cross-entropy loss (--class-weight): a
// weight per class id, so that a rare class counts as much as a common one.
//
//   balanced        w_c = n_samples / (n_classes * count_c), scikit-learn's
//                   compute_class_weight("balanced"); a class without
//                   training samples (it never reaches the loss) gets 1
//   NAME=W,NAME=W   the named classes get W (a finite number > 0), the
//                   others 1
//
// The weighted loss is PyTorch's CrossEntropyLoss(weight=w) with mean
// reduction: sum_i w[y_i] * l_i / sum_i w[y_i] (losses/softmax_cross_entropy.h).

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/losses/loss.h"

namespace scratchnet {

SCRATCHNET_API std::vector<double> balanced_class_weights(std::span<const std::size_t> counts);

// Parses the text form for the classes `class_names` with training counts
// `counts` (used by "balanced"). Usage errors name an unknown class (listing
// the classes), a class given twice, or a weight that is not a finite
// number > 0.
SCRATCHNET_API std::vector<double> parse_class_weights(const std::string& text,
                                                       const std::vector<std::string>& class_names,
                                                       std::span<const std::size_t> counts);

// Sets the weights on a softmax cross-entropy loss; a usage error for any
// other loss (class weights need classes).
template <class T>
SCRATCHNET_API void set_class_weights(Loss<T>& loss, const std::vector<double>& weights);

}  // namespace scratchnet
