#include "scratchnet/data/arem.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "scratchnet/core/error.h"
#include "scratchnet/data/csv.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kAremColumns = {"time",      "avg_rss12", "var_rss12", "avg_rss13",
                                               "var_rss13", "avg_rss23", "var_rss23"};

// The N of "datasetN.csv", or nothing for any other name.
std::optional<unsigned long> arem_file_number(const std::string& name) {
  const std::string prefix = "dataset", suffix = ".csv";
  if (name.size() <= prefix.size() + suffix.size()) return std::nullopt;
  if (name.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size() - suffix.size();
  unsigned long n = 0;
  auto [ptr, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return n;
}

// Subdirectories of `directory`, sorted by name.
std::vector<fs::path> sorted_subdirectories(const fs::path& directory) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    throw_data("cannot open AReM directory '{}': {} (set SCRATCHNET_DATA_DIR to the data folder)",
               directory.string(),
               fs::exists(directory, ec) ? "Not a directory" : "No such file or directory");
  }
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  if (ec) throw_data("cannot list '{}': {}", directory.string(), ec.message());
  std::sort(folders.begin(), folders.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return folders;
}

// The datasetN.csv files of `folder`, sorted by N.
std::vector<fs::path> arem_files(const fs::path& folder) {
  std::vector<std::pair<unsigned long, fs::path>> numbered;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (!entry.is_regular_file()) continue;
    if (auto n = arem_file_number(entry.path().filename().string())) {
      numbered.emplace_back(*n, entry.path());
    }
  }
  if (ec) throw_data("cannot list '{}': {}", folder.string(), ec.message());
  std::sort(numbered.begin(), numbered.end());
  std::vector<fs::path> files;
  for (auto& item : numbered) files.push_back(std::move(item.second));
  return files;
}

}  // namespace

Dataset load_arem(const std::string& directory, int classes, bool keep_duplicates) {
  if (classes != 6 && classes != 7) {
    throw_usage("AReM has 6 classes (bending1 and bending2 merged) or 7, not {}", classes);
  }

  const std::vector<fs::path> folders = sorted_subdirectories(directory);
  // Class name per folder; with 6 classes the two bending postures merge.
  std::vector<std::string> folder_class;
  std::vector<std::string> class_names;
  for (const auto& folder : folders) {
    std::string name = folder.filename().string();
    if (classes == 6 && (name == "bending1" || name == "bending2")) name = "bending";
    folder_class.push_back(name);
    class_names.push_back(name);
  }
  std::sort(class_names.begin(), class_names.end());
  class_names.erase(std::unique(class_names.begin(), class_names.end()), class_names.end());
  if (class_names.size() != static_cast<std::size_t>(classes)) {
    std::string found;
    for (const auto& folder : folders) {
      found += (found.empty() ? "" : ", ") + folder.filename().string();
    }
    throw_data("'{}': expected the 7 AReM class folders, found {} ({})", directory, folders.size(),
               found.empty() ? "none" : found);
  }

  Dataset data;
  data.name = "arem";
  data.task = Task::kClassification;
  data.sample_shape = Shape{kAremColumns.size() - 1};
  data.feature_names.assign(kAremColumns.begin() + 1, kAremColumns.end());
  data.class_names = class_names;

  // Each file: comment lines, no header, the delimiter detected per file
  // (bending2/dataset4.csv is space-separated). The time column becomes a
  // (discarded) numeric target, so every cell is checked and named.
  CsvOptions csv;
  csv.header = HeaderMode::kNo;
  csv.label = "time";
  csv.task = TaskMode::kRegression;

  std::unordered_map<std::string, std::string> seen;  // file bytes -> first path
  for (std::size_t f = 0; f < folders.size(); ++f) {
    const auto class_it = std::lower_bound(class_names.begin(), class_names.end(), folder_class[f]);
    const auto label = static_cast<std::int32_t>(class_it - class_names.begin());
    const std::vector<fs::path> files = arem_files(folders[f]);
    if (files.empty()) throw_data("'{}': no datasetN.csv files", folders[f].string());
    for (const auto& file : files) {
      const std::string path = file.string();
      std::string text = read_text_file(path);
      if (!keep_duplicates) {
        if (seen.count(text)) continue;
      }
      CsvTable table = parse_csv_table(text, path, csv);
      // All rows have the first row's width (parse_csv_table checks that).
      if (table.rows.front().size() != kAremColumns.size()) {
        throw_data("{}:{}: expected {} fields (time + 6 features), found {}", path,
                   table.line_numbers.front(), kAremColumns.size(), table.rows.front().size());
      }
      table.header = kAremColumns;
      const Dataset part = table_to_dataset(table, path, csv);
      data.features.insert(data.features.end(), part.features.begin(), part.features.end());
      data.labels.insert(data.labels.end(), part.size(), label);
      if (!keep_duplicates) seen.emplace(std::move(text), path);
    }
  }
  return data;
}

}  // namespace scratchnet
