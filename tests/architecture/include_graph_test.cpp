// The layers of the design, checked on the source tree: which area may
// include which (read from the #include lines of include/scratchnet/<area>
// and src/<area>), no cycle between areas, and files short enough to read.
//
//   core <- init, losses, optim, data <- layers <- train <- io <- app <- experiments <- cli
// (optimizers see parameters, never layers; train never includes io.)

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = SCRATCHNET_SOURCE_TREE;

// area -> area it includes -> one file that does it.
using Graph = std::map<std::string, std::map<std::string, std::string>>;

std::vector<fs::path> library_files() {
  std::vector<fs::path> files;
  for (const fs::path& base : {kRoot / "include" / "scratchnet", kRoot / "src"})
    for (const auto& entry : fs::recursive_directory_iterator(base))
      if (entry.is_regular_file() && (entry.path().extension() == ".h" || entry.path().extension() == ".cpp"))
        files.push_back(entry.path());
  return files;
}

// The area of a library file: the folder under include/scratchnet or src.
std::string area_of(const fs::path& file) {
  const fs::path rel = fs::relative(file, kRoot);
  auto it = rel.begin();
  if (*it == "include") ++it;  // include/scratchnet/<area>/...
  ++it;                        // skip "scratchnet" or "src"
  return it->string();
}

// The area named by a `#include "scratchnet/<area>/..."` line, or "".
// (Parsed by hand: GCC 12's <regex> trips -Werror=maybe-uninitialized.)
std::string included_area(const std::string& line) {
  std::size_t i = line.find_first_not_of(" \t");
  if (i == std::string::npos || line[i] != '#') return "";
  i = line.find_first_not_of(" \t", i + 1);
  if (i == std::string::npos || line.compare(i, 7, "include") != 0) return "";
  i = line.find_first_not_of(" \t", i + 7);
  const std::string prefix = "\"scratchnet/";
  if (i == std::string::npos || line.compare(i, prefix.size(), prefix) != 0) return "";
  i += prefix.size();
  const std::size_t slash = line.find('/', i);
  if (slash == std::string::npos) return "";
  const std::string area = line.substr(i, slash - i);
  for (char c : area)
    if (!(c == '_' || (c >= 'a' && c <= 'z'))) return "";
  return area;
}

Graph include_graph() {
  Graph graph;
  for (const fs::path& file : library_files()) {
    const std::string from = area_of(file);
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      const std::string to = included_area(line);
      if (!to.empty() && to != from) graph[from].emplace(to, fs::relative(file, kRoot).string());
    }
  }
  return graph;
}

TEST(Architecture, OptimizersAndLowerAreasDoNotIncludeHigherOnes) {
  const Graph graph = include_graph();
  const std::map<std::string, std::set<std::string>> forbidden = {
      {"optim", {"layers", "train", "io", "app", "experiments", "cli"}},
      {"core", {"init", "losses", "optim", "data", "layers", "train", "io", "app", "experiments", "cli"}},
      {"layers", {"train", "io", "app", "experiments", "cli"}},
      {"data", {"layers", "train", "io", "app", "experiments", "cli"}},
      {"train", {"io", "app", "experiments", "cli"}},
      {"io", {"app", "experiments", "cli"}},
      {"app", {"experiments", "cli"}},
      {"experiments", {"cli"}},
  };
  for (const auto& [from, targets] : graph)
    for (const auto& [to, file] : targets)
      if (forbidden.count(from) && forbidden.at(from).count(to))
        ADD_FAILURE() << from << " must not include " << to << ": " << file;
}

TEST(Architecture, NoIncludeCycleBetweenAreas) {
  const Graph graph = include_graph();
  std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& area) {
    state[area] = 1;
    path.push_back(area);
    if (graph.count(area))
      for (const auto& [to, file] : graph.at(area)) {
        if (state[to] == 1) {
          std::string cycle;
          for (const auto& a : path) cycle += a + " -> ";
          ADD_FAILURE() << "include cycle: " << cycle << to << " (" << file << ")";
        } else if (state[to] == 0) {
          visit(to);
        }
      }
    path.pop_back();
    state[area] = 2;
  };
  for (const auto& [area, targets] : graph)
    if (state[area] == 0) visit(area);
}

TEST(Architecture, NoLibraryFileIsLongerThan500Lines) {
  std::vector<fs::path> files = library_files();
  for (const auto& entry : fs::recursive_directory_iterator(kRoot / "python" / "src"))  // the bindings too
    if (entry.is_regular_file()) files.push_back(entry.path());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    EXPECT_LE(lines, 500u) << fs::relative(file, kRoot).string() << ": split it by concern";
  }
}

}  // namespace
