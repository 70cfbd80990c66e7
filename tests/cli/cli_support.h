#pragma once
// What the command-line tests share: running the built `scratchnet` as a
// user would (exit code and output), a fresh folder per test, and readers
// for the files a run writes (metrics.csv, results.csv, summary.json) that
// know nothing of the library.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace scratchnet::cli_testing {

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line; returns its exit code (-1 if killed) and output.
inline Result run_shell(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// `scratchnet ARGS`, from the current folder.
inline Result run(const std::string& args) {
  return run_shell(std::string(SCRATCHNET_BINARY) + " " + args);
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// summary.json without the timing fields, which differ between any two runs.
inline std::string summary_metrics(const std::string& path) {
  std::ifstream in(path);
  std::string kept;
  for (std::string line; std::getline(in, line);)
    if (line.find("seconds") == std::string::npos &&
        line.find("samples_per_second") == std::string::npos &&
        line.find("inference_us") == std::string::npos)
      kept += line + "\n";
  return kept;
}

// The number of `"key": value` in a JSON text (NaN for null or a missing key).
inline double json_value(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\": ");
  if (at == std::string::npos) return std::numeric_limits<double>::quiet_NaN();
  const std::string rest = json.substr(at + key.size() + 4);
  if (rest.rfind("true", 0) == 0) return 1;
  if (rest.rfind("false", 0) == 0) return 0;
  if (rest.rfind("null", 0) == 0) return std::numeric_limits<double>::quiet_NaN();
  return std::stod(rest);
}
inline double summary_value(const std::string& run_dir, const std::string& key) {
  return json_value(slurp(run_dir + "/summary.json"), key);
}

// A CSV file with a header row, cells as text.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  explicit Csv(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (std::getline(in, line)) header = split(line);
    while (std::getline(in, line))
      if (!line.empty()) rows.push_back(split(line));
  }
  // The column `name` as numbers (NaN for empty cells); fails the test if absent.
  std::vector<double> column(const std::string& name) const {
    std::vector<double> values;
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == name) {
        for (const auto& row : rows)
          values.push_back(c < row.size() && !row[c].empty()
                               ? std::stod(row[c])
                               : std::numeric_limits<double>::quiet_NaN());
        return values;
      }
    ADD_FAILURE() << "no column '" << name << "'";
    return values;
  }
  bool has(const std::string& name) const {
    for (const auto& h : header)
      if (h == name) return true;
    return false;
  }
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
  }
};

// metrics.csv without the seconds column, which differs between any two runs.
inline std::vector<std::vector<std::string>> metrics_without_seconds(const std::string& run_dir) {
  Csv csv(run_dir + "/metrics.csv");
  std::vector<std::vector<std::string>> rows = {csv.header};
  rows.insert(rows.end(), csv.rows.begin(), csv.rows.end());
  for (auto& row : rows)
    for (std::size_t c = 0; c < csv.header.size() && c < row.size(); ++c)
      if (csv.header[c] == "seconds") row[c].clear();
  return rows;
}

// Starts `scratchnet ARGS` (stdout and stderr to `log`) in the background; returns its pid.
inline pid_t spawn(const std::string& args, const std::string& log) {
  const std::string command =
      "exec " + std::string(SCRATCHNET_BINARY) + " " + args + " > " + log + " 2>&1";
  pid_t pid = -1;
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
    return -1;
  return pid;
}

// Waits until `ready()` (polling every 2 ms) or `seconds` pass; returns ready().
inline bool wait_until(const std::function<bool()>& ready, double seconds = 120) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!ready() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return ready();
}

// Epoch rows written so far by a running training whose pid is `pid` into
// the staging folder of its run folder `out` (metrics.csv grows epoch by epoch).
inline std::size_t epochs_written(const std::string& out, pid_t pid) {
  const std::string staged = out + "/.partial-" + std::to_string(pid) + "/metrics.csv";
  std::ifstream in(staged);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines > 0 ? lines - 1 : 0;
}

// The exit status of a finished child: its code, or 128 + the signal that ended it.
inline int wait_exit_code(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A fresh, empty folder for each test, removed afterwards.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("scratchnet_cli_" + std::string(info->test_suite_name()) +
                                        "_" + info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  fs::path dir_;
};

}  // namespace scratchnet::cli_testing
