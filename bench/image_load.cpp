// scratchnet's side of bench/image_decode.py: loads an image folder with
// load_image_folder (read, decode, resize to H x W, RGB planes) on WORKERS
// threads, REPEATS times, and prints the best time as one JSON line, with
// the process's CPU seconds of that run (a figure that a busy machine
// disturbs less than the wall-clock one).
//   image_load DIR HEIGHT WIDTH WORKERS [REPEATS]

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scratchnet/core/error.h"
#include "scratchnet/data/image_dataset.h"

using namespace scratchnet;

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: image_load DIR HEIGHT WIDTH WORKERS [REPEATS]\n");
    return 2;
  }
  ImageFolderOptions options;
  options.height = std::strtoul(argv[2], nullptr, 10);
  options.width = std::strtoul(argv[3], nullptr, 10);
  options.workers = std::atoi(argv[4]);
  options.channels = 3;
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 3;
  try {
    const ImageFolderScan scan = scan_image_folder(argv[1]);
    double best = 1e30, best_cpu = 0.0;
    std::size_t images = 0;
    for (int r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = cpu_seconds();
      const ImageFolderData data = load_image_folder(scan, options);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      images = data.train.size() + data.test.size();
      if (seconds < best) {
        best = seconds;
        best_cpu = cpu_seconds() - cpu_start;
      }
    }
    std::printf(
        "{\"images\": %zu, \"seconds\": %.4f, \"cpu_seconds\": %.4f, \"images_per_second\": "
        "%.1f}\n",
        images, best, best_cpu, static_cast<double>(images) / best);
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "image_load: %s\n", e.what());
    return 1;
  }
}
