#include "scratchnet/app/run_folder.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace fs = std::filesystem;

std::string default_run_dir() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::string dir = fmt::format("runs/{}", stamp);
  for (int i = 2; fs::exists(dir); ++i) dir = fmt::format("runs/{}-{}", stamp, i);
  return dir;
}

RunFolder::RunFolder(std::string dir, bool active) : dir_(std::move(dir)), active_(active) {
  if (!active_) return;
  std::error_code ec;
  created_ = !fs::exists(dir_);
  fs::create_directories(dir_, ec);
  if (ec) throw_data("cannot create output folder '{}': {}", dir_, ec.message());
  remove_stale_staging();
  staging_ = (fs::path(dir_) / fmt::format(".partial-{}", ::getpid())).string();
  fs::create_directories(staging_, ec);
  if (ec) throw_data("cannot create '{}': {}", staging_, ec.message());
}

RunFolder::~RunFolder() {
  std::error_code ec;
  if (active_ && !committed_) {
    fs::remove_all(staging_, ec);
    if (created_ && fs::is_empty(dir_, ec)) fs::remove(dir_, ec);
  }
}

std::string RunFolder::staged(const std::string& name) const {
  return active_ ? (fs::path(staging_) / name).string() : "/dev/null";
}

std::string RunFolder::final_path(const std::string& name) const { return (fs::path(dir_) / name).string(); }

void RunFolder::commit() {
  if (!active_) return;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(staging_)) {
    fs::rename(entry.path(), fs::path(dir_) / entry.path().filename(), ec);
    if (ec) throw_data("cannot move '{}' into '{}': {}", entry.path().string(), dir_, ec.message());
  }
  fs::remove(staging_, ec);
  committed_ = true;
}

void RunFolder::remove_stale_staging() const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".partial-", 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + 9, nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0 && pid != ::getpid()) continue;  // alive
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace scratchnet
