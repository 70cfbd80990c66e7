#pragma once
// Predicting with a saved model, as `scratchnet predict` does.
//
// A table: the feature columns are found by the header names the model was
// trained with (extra columns are ignored), else, without such a header, all
// columns are read in order when their number matches. A data-set sample:
// sample `index` of the test or training part of a data set, as the model's
// training run split it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/train/model.h"

namespace scratchnet {

// What a model predicts for a set of rows.
struct SCRATCHNET_API Predictions {
  Task task = Task::kClassification;
  std::vector<std::string> class_names;  // classification
  Tensor outputs;                        // (N, K): class probabilities, or regression outputs
  std::vector<std::int32_t> predicted;   // classification: the most probable class per row
  // Table models: cells whose category the training rows did not have
  // (encoded as all zeros), for a warning.
  std::size_t unseen_cells = 0;
  std::string unseen_summary;  // "color: 2, city: 1"
};

// The model's predictions for the raw rows of `table` (read from `source`).
SCRATCHNET_API Predictions predict_table(const Model& model, const CsvTable& table,
                                         const std::string& source);
// The model's predictions for a raw data set (its labels, if any, are ignored).
SCRATCHNET_API Predictions predict_dataset(const Model& model, Dataset data);
// `predicted,p_<class>...` (classification) or `prediction[_k]...` rows, as CSV text.
SCRATCHNET_API std::string predictions_csv(const Predictions& predictions);

// An image model's predictions for image files (PNG, JPEG, BMP, PPM/PGM):
// each decoded, converted to the model's channels, resized to its size
// (area filter when shrinking, bilinear when enlarging) and normalised as in
// training. A file that cannot be decoded is a data error naming it. With
// `images`, the converted images are kept (for previews).
SCRATCHNET_API Predictions predict_images(const Model& model, const std::vector<std::string>& paths,
                                          Dataset* images = nullptr);
// The image files `input` names: the file itself, or every image of a
// folder, found by a sorted recursive walk (as image folders are read).
SCRATCHNET_API std::vector<std::string> image_inputs(const std::string& input);
// Whether `path` names an image file by its extension.
SCRATCHNET_API bool is_image_path(const std::string& path);

// One sample of a data set, with its true class (classification models).
struct SCRATCHNET_API SamplePrediction {
  std::string dataset;   // the data set's name
  Dataset sample;        // the raw sample (features as loaded)
  std::string truth;     // its class
  Predictions prediction;
};
// Sample `index` of the `split` ("test" or "train") part of `source` (empty:
// the model's own data set), split as the model's training run split it.
SCRATCHNET_API SamplePrediction predict_sample(const Model& model, const std::string& source,
                                               const std::string& split, std::size_t index);

}  // namespace scratchnet
