#include "scratchnet/app/prepared_data.h"

#include <array>
#include <numeric>

#include "scratchnet/core/error.h"
#include "scratchnet/data/channel_stats.h"
#include "scratchnet/data/split.h"

namespace scratchnet {
namespace {

// The first `limit` samples of `data` (all when limit is 0 or larger).
Dataset first_samples(const Dataset& data, std::size_t limit) {
  if (limit == 0 || limit >= data.size()) return data;
  std::vector<std::size_t> indices(limit);
  for (std::size_t i = 0; i < limit; ++i) indices[i] = i;
  return data.subset(indices);
}

}  // namespace

Rng run_stream(std::uint64_t seed, RunStream stream) {
  return Rng(seed ^ (static_cast<std::uint64_t>(stream) * 0x9e3779b97f4a7c15ULL));
}

DataOptions data_options(const TrainConfig& c) {
  DataOptions o;
  o.source = c.data;
  o.csv.label = c.label;
  o.csv.header = c.header;
  o.csv.delimiter = c.delimiter;
  o.csv.task = c.task;
  o.csv.tabular = c.tabular;
  o.arem_classes = c.arem_classes;
  o.synthetic_samples = c.samples;
  o.seed = c.seed;
  o.image.height = c.image_height;
  o.image.width = c.image_width;
  o.image.channels = c.channels;
  o.image.skip_bad_images = c.skip_bad_images;
  o.image.cache = c.cache;
  o.image.augment = parse_image_augment(c.augment);
  return o;
}

namespace {

// A CSV table: rows split first, the pipeline fitted on the training rows.
PreparedData load_table(const TrainConfig& config, const DataOptions& options, Rng& split_rng) {
  auto table = std::make_shared<LabelledTable>(read_labelled_table(options.source, options.csv));
  TabularSplit split = split_tabular(*table, options.csv.tabular, config.test_fraction,
                                     config.effective_validation_fraction(), config.train_limit, split_rng);
  PreparedData prepared;
  prepared.train = std::move(split.train.data);
  prepared.test = std::move(split.test.data);
  prepared.validation = std::move(split.validation.data);
  prepared.unseen_cells = split.test.unseen + split.validation.unseen;
  for (const std::string& s : {split.test.unseen_summary, split.validation.unseen_summary})
    if (!s.empty()) prepared.unseen_summary += (prepared.unseen_summary.empty() ? "" : ", ") + s;
  prepared.tabular = std::move(split.pipeline);
  prepared.train_rows = std::move(split.train_rows);
  prepared.test_rows = std::move(split.test_rows);
  prepared.table = std::move(table);
  return prepared;
}

}  // namespace

PreparedData load_and_split(const TrainConfig& config) {
  DataOptions options = data_options(config);
  Rng split_rng = run_stream(config.seed, RunStream::kSplit);
  const DataSourceKind kind = classify_data_source(options.source);
  if (kind == DataSourceKind::kCsv) return load_table(config, options, split_rng);
  PreparedData prepared;
  ImageFolderReport report;
  if (kind == DataSourceKind::kImageFolder) options.image.report = &report;
  if (auto given = load_predefined_split(options)) {
    // IDX sets (MNIST, Fashion-MNIST) come with their own test set.
    prepared.train = std::move(given->train);
    prepared.test = std::move(given->test);
    if (kind == DataSourceKind::kImageFolder) {
      // A folder's files come sorted by class: put the training images in a
      // seeded order once, so that data.train_limit and a validation share
      // draw from every class (training shuffles every epoch anyway).
      std::vector<std::size_t> order(prepared.train.size());
      std::iota(order.begin(), order.end(), 0);
      split_rng.shuffle(std::span<std::size_t>(order));
      prepared.train = prepared.train.subset(order);
    }
  } else {
    Dataset all = load_dataset(options);
    if (all.size() == 0) throw_data("{}: the data set is empty", all.name);
    SplitIndices split = split_dataset(all, config.test_fraction, split_rng);
    prepared.train = all.subset(split.kept);
    prepared.test = all.subset(split.held_out);
  }
  if (const double fraction = config.effective_validation_fraction(); fraction > 0) {
    // Carved from the training part only: the test part is never looked at.
    Dataset rest = std::move(prepared.train);
    SplitIndices inner = split_dataset(rest, fraction, split_rng);
    prepared.train = rest.subset(inner.kept);
    prepared.validation = rest.subset(inner.held_out);
  }
  prepared.train = first_samples(prepared.train, config.train_limit);
  if (prepared.train.size() == 0) throw_data("{}: no samples left for training", prepared.train.name);
  if (kind == DataSourceKind::kImageFolder) prepared.image_report = report;
  const Shape& shape = prepared.train.sample_shape;
  if (prepared.train.is_image() && shape.rank() == 3) prepared.image = ImageSettings{shape[1], shape[2], shape[0], {}, {}};
  return prepared;
}

void fit_scaler(PreparedData& data, ScalerKind kind) {
  const std::array<Dataset*, 3> parts = {&data.train, &data.validation, &data.test};
  if (kind == ScalerKind::kStandard && data.image) {
    // Images keep their pixels as bytes: the per-channel normalisation is
    // applied as batches are made.
    const ChannelStats stats = fit_channel_stats(data.train);
    data.image->mean = stats.mean;
    data.image->std = stats.std;
    for (Dataset* d : parts) {
      d->channel_mean = stats.mean;
      d->channel_std = stats.std;
    }
    data.scaler = Scaler();
    return;
  }
  // Other scalings of images need float features; borrowed features
  // (Python's arrays) are copied before scaling writes into them.
  if (kind != ScalerKind::kNone)
    for (Dataset* d : parts) d->materialize_features();
  data.scaler = data.tabular ? Scaler::fit(kind, data.train, data.tabular->scaled_outputs())
                             : Scaler::fit(kind, data.train);
  if (kind == ScalerKind::kNone) return;
  data.scaler.apply(data.train);
  data.scaler.apply(data.validation);
  data.scaler.apply(data.test);
}

PreparedData prepare_data(const TrainConfig& config) {
  PreparedData prepared = load_and_split(config);
  fit_scaler(prepared, config.resolved(prepared.train.is_image()).scaler_kind());
  return prepared;
}

}  // namespace scratchnet
