#include "scratchnet/app/prepared_data.h"

#include "scratchnet/core/error.h"
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
  o.arem_classes = c.arem_classes;
  o.synthetic_samples = c.samples;
  o.seed = c.seed;
  return o;
}

PreparedData load_and_split(const TrainConfig& config) {
  const DataOptions options = data_options(config);
  PreparedData prepared;
  Rng split_rng = run_stream(config.seed, RunStream::kSplit);
  if (auto given = load_predefined_split(options)) {
    // IDX sets (MNIST, Fashion-MNIST) come with their own test set.
    prepared.train = std::move(given->train);
    prepared.test = std::move(given->test);
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
  return prepared;
}

void fit_scaler(PreparedData& data, ScalerKind kind) {
  // Images keep their pixels as bytes, scaled to [0, 1] batch by batch,
  // unless another scaling needs float features; borrowed features (Python's
  // arrays) are copied before scaling writes into them.
  if (kind != ScalerKind::kNone)
    for (Dataset* d : {&data.train, &data.validation, &data.test}) d->materialize_features();
  data.scaler = Scaler::fit(kind, data.train);
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
