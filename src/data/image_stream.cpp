#include "scratchnet/data/image_stream.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>

#include "scratchnet/core/error.h"
#include "scratchnet/data/image_dataset.h"

namespace scratchnet {
namespace {

constexpr std::size_t kNoError = std::numeric_limits<std::size_t>::max();

// One batch on its way: its bytes fill in as the pool decodes its images.
struct Batch {
  std::vector<std::size_t> indices;
  std::vector<std::uint8_t> pixels;       // (B, C, H, W)
  std::size_t remaining = 0;              // images not decoded yet
  std::size_t error_position = kNoError;  // the first failed image, by position
  std::string error;
  bool dropped = false;  // no longer wanted: its images are skipped
};

struct Job {
  std::shared_ptr<Batch> batch;
  std::size_t position = 0;
};

}  // namespace

struct ImageStream::State {
  std::vector<std::string> files;
  std::vector<std::int32_t> labels;
  Shape sample_shape;
  float pixel_scale = 1.0f;
  DecodeLimits limits;
  ShrinkHint hint;
  std::size_t sample_bytes = 0;

  std::mutex mutex;
  std::condition_variable work_ready, batch_done;
  std::deque<Job> jobs;
  std::deque<std::shared_ptr<Batch>> prefetched;  // oldest first
  bool stopping = false;
  Stats stats;
  std::vector<std::thread> threads;

  // Under `mutex`: a batch with a job per image, queued for the pool.
  std::shared_ptr<Batch> enqueue(std::span<const std::size_t> indices) {
    auto batch = std::make_shared<Batch>();
    batch->indices.assign(indices.begin(), indices.end());
    for (std::size_t i : batch->indices)
      SCRATCHNET_CHECK(i < files.size(), "batch index {} out of range for {} images", i,
                       files.size());
    batch->pixels.resize(indices.size() * sample_bytes);
    batch->remaining = indices.size();
    for (std::size_t p = 0; p < indices.size(); ++p) jobs.push_back({batch, p});
    work_ready.notify_all();
    return batch;
  }

  void work() {
    std::vector<std::uint8_t> bytes, resized;
    DecodedImage image;
    const auto channels = static_cast<int>(sample_shape[0]);
    while (true) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex);
        work_ready.wait(lock, [&] { return stopping || !jobs.empty(); });
        if (stopping) return;
        job = std::move(jobs.front());
        jobs.pop_front();
        if (job.batch->dropped) continue;
      }
      Batch& batch = *job.batch;
      const std::string& path = files[batch.indices[job.position]];
      std::string error;
      try {
        read_file_bytes(path, bytes);
        decode_image(bytes, path, channels, limits, image, hint);
        image_to_planes(image, sample_shape[1], sample_shape[2], sample_shape[0],
                        batch.pixels.data() + job.position * sample_bytes, resized);
      } catch (const std::exception& e) {
        error = e.what();
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (!error.empty() && job.position < batch.error_position) {
        batch.error_position = job.position;
        batch.error = std::move(error);
      }
      ++stats.images;
      if (--batch.remaining == 0) batch_done.notify_all();
    }
  }
};

ImageStream::ImageStream(std::vector<std::string> files, std::vector<std::int32_t> labels,
                         const Shape& sample_shape, float pixel_scale, int workers,
                         const DecodeLimits& limits, bool jpeg_shrink)
    : state_(std::make_unique<State>()) {
  if (files.size() != labels.size())
    throw_usage("image stream: {} files but {} labels", files.size(), labels.size());
  if (sample_shape.rank() != 3 || (sample_shape[0] != 1 && sample_shape[0] != 3) ||
      sample_shape.elements() == 0)
    throw_usage("image stream: the sample shape must be (1 or 3, H, W), not {}",
                sample_shape.str());
  State& s = *state_;
  s.files = std::move(files);
  s.labels = std::move(labels);
  s.sample_shape = sample_shape;
  s.pixel_scale = pixel_scale;
  s.limits = limits;
  if (jpeg_shrink) s.hint = {sample_shape[1], sample_shape[2]};
  s.sample_bytes = sample_shape.elements();
  const unsigned threads = workers > 0 ? static_cast<unsigned>(workers)
                                       : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned t = 0; t < threads; ++t) s.threads.emplace_back([&s] { s.work(); });
}

ImageStream::~ImageStream() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stopping = true;
  }
  state_->work_ready.notify_all();
  for (auto& t : state_->threads) t.join();
}

std::size_t ImageStream::size() const { return state_->files.size(); }

void ImageStream::prefetch(std::span<const std::size_t> indices) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->prefetched.push_back(state_->enqueue(indices));
}

void ImageStream::gather(std::span<const std::size_t> indices, Tensor& x,
                         std::vector<std::int32_t>& labels) {
  State& s = *state_;
  std::shared_ptr<Batch> batch;
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    const bool expected = !s.prefetched.empty() && std::equal(indices.begin(), indices.end(),
                                                              s.prefetched.front()->indices.begin(),
                                                              s.prefetched.front()->indices.end());
    if (expected) {
      batch = std::move(s.prefetched.front());
      s.prefetched.pop_front();
    } else {
      // Another order than announced: what was prefetched is of no use.
      for (auto& b : s.prefetched) b->dropped = true;
      s.prefetched.clear();
      batch = s.enqueue(indices);
    }
    const auto start = std::chrono::steady_clock::now();
    s.batch_done.wait(lock, [&] { return batch->remaining == 0; });
    s.stats.wait_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  if (batch->error_position != kNoError) throw Error(ErrorKind::kData, batch->error);

  const std::size_t b = indices.size();
  x.resize(s.sample_shape.with_batch(b));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(batch->pixels[i]) * s.pixel_scale;
  labels.resize(b);
  for (std::size_t i = 0; i < b; ++i) labels[i] = s.labels[indices[i]];
}

ImageStream::Stats ImageStream::stats() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->stats;
}

}  // namespace scratchnet
