#include "scratchnet/io/checkpoint.h"

#include "scratchnet/core/error.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/core/binary.h"

namespace scratchnet {
namespace {

constexpr char kMagic[9] = "SCRNTCKP";

void write_tensors(ByteWriter& w, const std::vector<Tensor>& tensors) {
  w.u64(tensors.size());
  for (const auto& t : tensors) {
    w.u32(static_cast<std::uint32_t>(t.shape().rank()));
    for (int i = 0; i < t.shape().rank(); ++i) w.u64(t.shape()[i]);
    w.floats(t.span());
  }
}

std::vector<Tensor> read_tensors(ByteReader& r, const char* what) {
  const std::uint64_t n = r.count(what, 12);
  std::vector<Tensor> tensors(n);
  for (auto& t : tensors) {
    const std::uint32_t rank = r.u32("tensor rank");
    if (rank > static_cast<std::uint32_t>(Shape::kMaxRank))
      throw_data("{}: corrupt checkpoint (tensor rank {})", r.source(), rank);
    Shape shape;
    std::size_t elements = 1;
    std::size_t dims[Shape::kMaxRank] = {};
    for (std::uint32_t i = 0; i < rank; ++i) {
      dims[i] = r.u64("tensor shape");
      if (dims[i] > r.remaining()) throw_data("{}: corrupt checkpoint (dimension {})", r.source(), dims[i]);
      elements *= dims[i];
    }
    switch (rank) {
      case 1: shape = Shape{dims[0]}; break;
      case 2: shape = Shape{dims[0], dims[1]}; break;
      case 3: shape = Shape{dims[0], dims[1], dims[2]}; break;
      case 4: shape = Shape{dims[0], dims[1], dims[2], dims[3]}; break;
      default: break;
    }
    std::vector<float> values = r.floats("tensor values");
    if (values.size() != elements || rank == 0)
      throw_data("{}: corrupt checkpoint (a tensor of shape {} holds {} values)", r.source(), shape.str(),
                 values.size());
    t.resize(shape);
    std::copy(values.begin(), values.end(), t.data());
  }
  return tensors;
}

// EpochStats as a fixed list of numbers.
void write_stats(ByteWriter& w, const EpochStats& s) {
  w.u64(s.epoch);
  w.u64(static_cast<std::uint64_t>(s.iteration));
  for (double v : {s.train_loss, s.l2_penalty, s.train_accuracy, s.val_loss, s.val_accuracy,
                   s.test_loss, s.test_accuracy, s.lr, s.seconds, s.step_seconds})
    w.f64(v);
  w.u64(s.samples);
}

EpochStats read_stats(ByteReader& r) {
  EpochStats s;
  s.epoch = r.u64("epoch");
  s.iteration = static_cast<std::int64_t>(r.u64("iteration"));
  for (double* v : {&s.train_loss, &s.l2_penalty, &s.train_accuracy, &s.val_loss, &s.val_accuracy,
                    &s.test_loss, &s.test_accuracy, &s.lr, &s.seconds, &s.step_seconds})
    *v = r.f64("epoch statistics");
  s.samples = r.u64("samples");
  return s;
}

}  // namespace

std::string encode_checkpoint(const Checkpoint& c) {
  const TrainingState& s = c.state;
  ByteWriter w;
  w.str(c.config_toml);
  w.str(c.metrics_csv);
  w.u64(s.epochs_done);
  w.u64(s.history.size());
  for (const auto& e : s.history) write_stats(w, e);
  for (auto word : s.rng) w.u64(word);
  w.f64(s.lr);
  w.u64(static_cast<std::uint64_t>(s.optimizer_steps));
  write_tensors(w, s.optimizer_state);
  w.u64(s.schedule_state.size());
  for (double v : s.schedule_state) w.f64(v);
  w.f64(s.stopper.best);
  w.u64(s.stopper.best_epoch);
  w.u64(s.stopper.waited);
  write_tensors(w, s.weights);
  write_tensors(w, s.best_weights);
  return frame(kMagic, kCheckpointFormatVersion, w.bytes());
}

Checkpoint decode_checkpoint(std::string_view bytes, const std::string& source) {
  ByteReader r(unframe(bytes, kMagic, kCheckpointFormatVersion, source, "checkpoint"), source);
  Checkpoint c;
  TrainingState& s = c.state;
  c.config_toml = r.str("settings");
  c.metrics_csv = r.str("metrics");
  s.epochs_done = r.u64("epochs done");
  const std::uint64_t epochs = r.count("history", 8 * 13);
  for (std::uint64_t i = 0; i < epochs; ++i) s.history.push_back(read_stats(r));
  for (auto& word : s.rng) word = r.u64("generator state");
  s.lr = r.f64("learning rate");
  s.optimizer_steps = static_cast<std::int64_t>(r.u64("optimizer steps"));
  s.optimizer_state = read_tensors(r, "optimizer state");
  const std::uint64_t schedule = r.count("schedule state", 8);
  for (std::uint64_t i = 0; i < schedule; ++i) s.schedule_state.push_back(r.f64("schedule state"));
  s.stopper.best = r.f64("early stopping");
  s.stopper.best_epoch = r.u64("early stopping");
  s.stopper.waited = r.u64("early stopping");
  s.weights = read_tensors(r, "weights");
  s.best_weights = read_tensors(r, "best weights");
  if (r.remaining() != 0) throw_data("{}: {} unexpected bytes at the end", source, r.remaining());
  if (s.history.size() != s.epochs_done)
    throw_data("{}: corrupt checkpoint ({} epochs done, {} in the history)", source, s.epochs_done,
               s.history.size());
  return c;
}

void save_checkpoint(const Checkpoint& checkpoint, const std::string& path) {
  write_file_atomic(path, encode_checkpoint(checkpoint));
}

Checkpoint load_checkpoint(const std::string& path) {
  return decode_checkpoint(read_text_file(path), path);
}

}  // namespace scratchnet
