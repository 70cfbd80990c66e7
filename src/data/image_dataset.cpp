#include "scratchnet/data/image_dataset.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <thread>

#include "scratchnet/core/error.h"
#include "scratchnet/core/interrupt.h"
#include "scratchnet/data/image_resize.h"

namespace scratchnet {
namespace {

constexpr auto kProgressInterval = std::chrono::milliseconds(50);

// What a worker keeps between files: the file's bytes, the decoded image,
// the resized one.
struct Scratch {
  std::vector<std::uint8_t> bytes;
  DecodedImage image;
  std::vector<std::uint8_t> resized;
};

int resolve_workers(int requested, std::size_t count) {
  std::size_t n = requested > 0 ? static_cast<std::size_t>(requested)
                                : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::clamp<std::size_t>(n, 1, std::max<std::size_t>(count, 1)));
}

// Calls body(i, scratch) for i = 0 .. count-1 on `workers` threads, which
// claim indices in increasing order; stops handing out indices once body
// returns false or an interrupt is requested (so every index below the one
// that stopped has run). The calling thread reports progress meanwhile. An
// exception escaping body is rethrown here after all threads have ended.
template <class Body>
void for_each_index(std::size_t count, int workers,
                    const std::function<void(std::size_t, std::size_t)>& progress, Body body) {
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable finished;
  int running = workers;
  std::exception_ptr escaped;

  auto work = [&](Scratch& scratch) {
    try {
      while (!stop.load(std::memory_order_relaxed) && !interrupt_requested()) {
        const std::size_t i = next.fetch_add(1);
        if (i >= count) break;
        if (!body(i, scratch)) stop = true;
        done.fetch_add(1);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!escaped) escaped = std::current_exception();
      stop = true;
    }
    std::lock_guard<std::mutex> lock(mutex);
    --running;
    finished.notify_all();
  };

  std::vector<Scratch> scratch(static_cast<std::size_t>(workers));
  {
    // Joined on every way out, a throwing progress callback included.
    struct Threads {
      std::atomic<bool>& stop;
      std::vector<std::thread> threads;
      ~Threads() {
        stop = true;
        for (auto& t : threads) t.join();
      }
    } pool{stop, {}};
    for (int w = 0; w < workers; ++w)
      pool.threads.emplace_back(work, std::ref(scratch[static_cast<std::size_t>(w)]));
    std::size_t reported = static_cast<std::size_t>(-1);
    std::unique_lock<std::mutex> lock(mutex);
    while (running > 0) {
      finished.wait_for(lock, kProgressInterval);
      const std::size_t now = done.load();
      if (progress && now != reported && running > 0) {
        lock.unlock();
        progress(now, count);
        lock.lock();
        reported = now;
      }
    }
  }
  if (escaped) std::rethrow_exception(escaped);
  if (interrupt_requested())
    throw Error(ErrorKind::kInterrupted, "interrupted while loading images");
  if (progress) progress(done.load(), count);
}

enum class Status : std::uint8_t { kOk, kBad, kWrongSize };

}  // namespace

ImageCache parse_image_cache(const std::string& text) {
  if (text == "memory") return ImageCache::kMemory;
  if (text == "none") return ImageCache::kNone;
  throw_usage(
      "data.cache = \"{}\": use \"memory\" (decode once, keep the images) or \"none\" "
      "(decode every epoch)",
      text);
}

std::string to_string(ImageCache cache) { return cache == ImageCache::kMemory ? "memory" : "none"; }

void image_to_planes(const DecodedImage& image, std::size_t height, std::size_t width,
                     std::size_t channels, std::uint8_t* out, std::vector<std::uint8_t>& scratch) {
  const auto in_channels = static_cast<std::size_t>(image.channels);
  const std::uint8_t* src = image.pixels.data();
  if (image.height != height || image.width != width) {
    scratch.resize(height * width * in_channels);
    resize_image(src, image.height, image.width, in_channels, scratch.data(), height, width);
    src = scratch.data();
  }
  const std::size_t plane = height * width;
  if (in_channels == channels) {
    // Interleaved (H, W, C) to planes (C, H, W).
    for (std::size_t c = 0; c < channels; ++c)
      for (std::size_t p = 0; p < plane; ++p) out[c * plane + p] = src[p * channels + c];
  } else if (in_channels == 1) {
    for (std::size_t c = 0; c < channels; ++c) std::copy_n(src, plane, out + c * plane);
  } else {
    SCRATCHNET_CHECK(in_channels == 3 && channels == 1, "planes of {} channels from {}", channels,
                     in_channels);
    rgb_to_gray(src, plane, out);
  }
}

ImageFolderData load_image_folder(const std::string& root, const ImageFolderOptions& options) {
  return load_image_folder(scan_image_folder(root), options);
}

ImageFolderData load_image_folder(const ImageFolderScan& scan, const ImageFolderOptions& options) {
  if (options.channels != 0 && options.channels != 1 && options.channels != 3)
    throw_usage(
        "data.channels = {}: use 1 (gray), 3 (RGB) or leave it out (3 when any image is "
        "in colour)",
        options.channels);
  if ((options.height == 0) != (options.width == 0))
    throw_usage("data.image_size = [{}, {}]: give both the height and the width, or neither",
                options.height, options.width);

  ImageFolderData data;
  ImageFolderReport& report = data.report;
  report.root = scan.root;
  report.predefined_split = scan.predefined_split;
  report.other_files = scan.other_files;
  report.other_extensions = scan.other_extensions;
  report.warnings = scan.warnings;
  // The caller's copy of the report, also when loading throws.
  struct Publish {
    const ImageFolderReport& report;
    ImageFolderReport* target;
    ~Publish() {
      if (target != nullptr) *target = report;
    }
  } publish{report, options.report};

  const std::size_t n_train = scan.train.size(), n_test = scan.test.size();
  const std::size_t total = n_train + n_test;
  if (n_train == 0) {
    std::string extensions;
    for (const auto& ext : image_extensions()) extensions += (extensions.empty() ? "" : " ") + ext;
    throw_data("image folder '{}' holds no images in its class folders (extensions {}, any case)",
               scan.root, extensions);
  }
  auto file = [&](std::size_t i) -> const ImageFile& {
    return i < n_train ? scan.train[i] : scan.test[i - n_train];
  };

  // Auto channels decode to RGB and drop to gray at the end if nothing was colour.
  const int decode_channels = options.channels == 0 ? 3 : options.channels;
  const bool auto_size = options.height == 0;
  std::size_t height = options.height, width = options.width;
  std::string size_source;
  if (auto_size) {
    // The first image that decodes sets the size.
    Scratch scratch;
    for (std::size_t i = 0; i < total && height == 0; ++i) {
      try {
        read_file_bytes(file(i).path, scratch.bytes);
        decode_image(scratch.bytes, file(i).path, decode_channels, options.limits, scratch.image);
        height = scratch.image.height;
        width = scratch.image.width;
        size_source = file(i).path;
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::kData || !options.skip_bad_images) throw;
      }
    }
  }

  const bool keep = options.cache == ImageCache::kMemory;
  const std::size_t sample_bytes = static_cast<std::size_t>(decode_channels) * height * width;
  if (keep && height > 0) {
    data.train.pixels.resize(n_train * sample_bytes);
    data.test.pixels.resize(n_test * sample_bytes);
  }
  auto slot = [&](std::size_t i) {
    return i < n_train ? data.train.pixels.data() + i * sample_bytes
                       : data.test.pixels.data() + (i - n_train) * sample_bytes;
  };

  // With the size given, large JPEGs may decode straight to about that size.
  ShrinkHint hint;
  if (!auto_size && options.jpeg_shrink) hint = {height, width};
  std::vector<Status> status(total, Status::kOk);
  std::vector<std::string> reasons(total);
  std::vector<std::uint8_t> color(total, 0), resized(total, 0);
  std::vector<std::pair<std::size_t, std::size_t>> sizes(total);
  if (height > 0) {
    for_each_index(total, resolve_workers(options.workers, total), options.progress,
                   [&](std::size_t i, Scratch& s) {
                     const std::string& path = file(i).path;
                     try {
                       read_file_bytes(path, s.bytes);
                       decode_image(s.bytes, path, decode_channels, options.limits, s.image, hint);
                     } catch (const Error& e) {
                       if (e.kind() != ErrorKind::kData) throw;
                       status[i] = Status::kBad;
                       reasons[i] = e.what();
                       return options.skip_bad_images;
                     } catch (const std::bad_alloc&) {
                       status[i] = Status::kBad;
                       reasons[i] = fmt::format("{}: out of memory while decoding", path);
                       return options.skip_bad_images;
                     }
                     sizes[i] = {s.image.height, s.image.width};
                     if (auto_size && (s.image.height != height || s.image.width != width)) {
                       status[i] = Status::kWrongSize;
                       return false;
                     }
                     color[i] = s.image.color == ImageColor::kColor;
                     resized[i] = s.image.height != height || s.image.width != width;
                     if (keep)
                       image_to_planes(s.image, height, width,
                                       static_cast<std::size_t>(decode_channels), slot(i),
                                       s.resized);
                     return true;
                   });
  } else {
    // Every image failed to decode while looking for the size (skip_bad_images).
    for (std::size_t i = 0; i < total; ++i) {
      status[i] = Status::kBad;
      try {
        read_image(file(i).path, decode_channels, options.limits);
      } catch (const Error& e) {
        reasons[i] = e.what();
      }
    }
  }

  // The first failure in sample order decides, whatever the thread timing.
  for (std::size_t i = 0; i < total; ++i) {
    if (status[i] == Status::kWrongSize)
      throw_usage(
          "'{}' is {}x{} pixels (height x width) but the first image '{}' is {}x{}: set "
          "data.image_size = [height, width] to resize every image to one size",
          file(i).path, sizes[i].first, sizes[i].second, size_source, height, width);
    if (status[i] == Status::kBad) {
      if (!options.skip_bad_images)
        throw Error(ErrorKind::kData, reasons[i] + " (--skip-bad-images leaves such files out)");
      report.bad_images.push_back({file(i).path, reasons[i]});
    }
  }

  // Leave the bad images out, keeping the order.
  auto compact = [&](std::size_t begin, std::size_t end, Dataset& part,
                     std::vector<std::string>& files) {
    std::size_t kept = 0;
    for (std::size_t i = begin; i < end; ++i) {
      if (status[i] != Status::kOk) continue;
      if (keep && kept != i - begin)
        std::memmove(part.pixels.data() + kept * sample_bytes,
                     part.pixels.data() + (i - begin) * sample_bytes, sample_bytes);
      part.labels.push_back(file(i).label);
      files.push_back(file(i).path);
      ++kept;
    }
    if (keep) part.pixels.resize(kept * sample_bytes);
  };
  compact(0, n_train, data.train, data.train_files);
  compact(n_train, total, data.test, data.test_files);
  if (data.train.labels.empty())
    throw_data("none of the {} training images of '{}' could be decoded (the first: {})", n_train,
               scan.root, reasons[0]);

  std::size_t channels = static_cast<std::size_t>(decode_channels);
  for (std::size_t i = 0; i < total; ++i) {
    if (status[i] != Status::kOk) continue;
    ++report.images;
    report.color_images += color[i];
    report.resized += resized[i];
  }
  if (options.channels == 0 && report.color_images == 0) {
    // All gray: keep the first plane (R = G = B) of each image.
    channels = 1;
    const std::size_t plane = height * width;
    for (Dataset* part : {&data.train, &data.test}) {
      if (!keep) break;
      const std::size_t n = part->labels.size();
      for (std::size_t s = 0; s < n; ++s)
        std::memmove(part->pixels.data() + s * plane, part->pixels.data() + s * 3 * plane, plane);
      part->pixels.resize(n * plane);
      part->pixels.shrink_to_fit();
    }
  }

  for (Dataset* part : {&data.train, &data.test}) {
    if (part == &data.test && !scan.predefined_split) break;
    part->name = scan.root;
    part->task = Task::kClassification;
    part->sample_shape = Shape{channels, height, width};
    part->pixel_scale = 1.0f / 255;
    part->class_names = scan.class_names;
  }
  // Classes left without a training image once bad files are out (the scan
  // has already warned about class folders that hold none at all).
  std::vector<std::size_t> scanned(scan.class_names.size(), 0);
  for (const ImageFile& f : scan.train) ++scanned[static_cast<std::size_t>(f.label)];
  const std::vector<std::size_t> counts = data.train.class_counts();
  for (std::size_t k = 0; k < counts.size(); ++k)
    if (counts[k] == 0 && scanned[k] > 0)
      report.warnings.push_back(
          fmt::format("class '{}' has no readable training image (all {} "
                      "skipped)",
                      scan.class_names[k], scanned[k]));

  report.height = height;
  report.width = width;
  report.channels = channels;
  report.pixel_bytes = data.train.pixels.size() + data.test.pixels.size();
  return data;
}

}  // namespace scratchnet
