#include "scratchnet/experiments/experiment.h"

#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "scratchnet/core/error.h"
#include "scratchnet/core/interrupt.h"

namespace scratchnet {
namespace {

std::string short_key(const std::string& key) {
  const auto dot = key.find('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

}  // namespace

std::string describe(const Assignment& assignment) {
  std::string s;
  for (const auto& [key, value] : assignment) {
    if (!s.empty()) s += ' ';
    s += short_key(key) + "=" + value;
  }
  return s.empty() ? "base" : s;
}

std::string folder_name(const Assignment& assignment) {
  std::string s;
  for (const auto& [key, value] : assignment) {
    if (!s.empty()) s += '_';
    s += short_key(key) + "-" + value;
  }
  if (s.empty()) s = "base";
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '-';
  return s;
}

TrainConfig with_settings(TrainConfig config, const Assignment& assignment) {
  for (const auto& [key, value] : assignment) {
    if (key == "config")
      config.load_toml_file(value, {"experiment"});  // a whole file of settings on top
    else
      config.set(key, value);
  }
  return config;
}

RunSummary run_or_record_divergence(const TrainConfig& config, RunObserver* observer) {
  try {
    return run_training(config, observer);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kDivergence) throw;
    RunSummary s;
    s.task = config.task == TaskMode::kRegression ? Task::kRegression : Task::kClassification;
    s.diverged = true;
    s.stop_reason = e.what();
    s.out_dir = config.out;
    return s;
  }
}


void run_parallel(std::size_t count, std::size_t jobs, const std::function<void(std::size_t)>& job) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto worker = [&] {
    while (!failed && !interrupt_requested()) {
      const std::size_t i = next++;
      if (i >= count) return;
      try {
        job(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  const std::size_t threads = std::max<std::size_t>(1, std::min(jobs, count));
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (first_error) std::rethrow_exception(first_error);
  if (interrupt_requested() && next < count)
    throw Error(ErrorKind::kInterrupted, "interrupted");
}

}  // namespace scratchnet
