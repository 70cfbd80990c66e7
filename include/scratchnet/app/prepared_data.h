#pragma once
// The data of a run, as a config describes it: loaded, split (seeded,
// stratified: the test part, then a validation part carved from the training
// part), limited, and scaled with a scaler fitted on the training part only.
//
// CSV tables go through the table pipeline (data/tabular_split.h): rows
// split first, then missing values, categories and scaling fitted on the
// training rows only. Image data keep their pixels as bytes; scaling
// "standard" is a per-channel normalisation applied as batches are made.

#include <memory>
#include <optional>

#include "scratchnet/core/export.h"
#include "scratchnet/data/builtin.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/data/tabular_split.h"
#include "scratchnet/train/config.h"
#include "scratchnet/train/model.h"

namespace scratchnet {

struct SCRATCHNET_API PreparedData {
  Dataset train;
  Dataset test;
  Dataset validation;  // empty without data.validation_fraction
  Scaler scaler;
  // CSV tables: the pipeline fitted on the training rows, the labelled table
  // and its training rows (for cross-validation folds), and the test and
  // validation cells whose category the training rows did not have.
  std::optional<TabularPipeline> tabular;
  std::shared_ptr<const LabelledTable> table;
  std::vector<std::size_t> train_rows, test_rows;
  std::size_t unseen_cells = 0;
  std::string unseen_summary;
  // Image data: what the model keeps (size, channels, normalisation), and for
  // image folders what loading found.
  std::optional<ImageSettings> image;
  std::optional<ImageFolderReport> image_report;
};

// The data-loading options a config describes.
SCRATCHNET_API DataOptions data_options(const TrainConfig& config);
// Loads the configured data set and splits it; nothing is scaled and
// `scaler` is left empty.
SCRATCHNET_API PreparedData load_and_split(const TrainConfig& config);
// Fits a scaler of `kind` on data.train and applies it to every part (tables:
// the pipeline's numeric columns only; images with kStandard: per channel).
SCRATCHNET_API void fit_scaler(PreparedData& data, ScalerKind kind);
// load_and_split, then scaling as the config says (data.scale "auto":
// standard for tables, none for images).
SCRATCHNET_API PreparedData prepare_data(const TrainConfig& config);

// The random stream of a run for one purpose: independent streams, so that
// e.g. changing the network does not change the data split.
enum class RunStream : std::uint64_t { kSplit = 1, kInit = 2, kShuffle = 3, kLayers = 4, kFolds = 5 };
SCRATCHNET_API Rng run_stream(std::uint64_t seed, RunStream stream);

}  // namespace scratchnet
