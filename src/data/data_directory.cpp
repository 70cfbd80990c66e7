// Where the bundled data sets (arem, digits, iris) are: data_directory() of
// scratchnet/data/builtin.h.
//
// No path of the build or source tree is compiled in, so an installed tree
// can move (a .deb unpacked anywhere, `cmake --install --prefix P`): the data
// sets are installed as <prefix>/share/scratchnet, and the file holding the
// library's code lies under that prefix (bin/scratchnet, or a program linked
// with the static library and installed there; lib/<multiarch>/ for
// libscratchnet.so). The build tree has build/share/scratchnet too, a link to
// the repository's data/ made by cmake/Install.cmake.

#include <dlfcn.h>
#include <sys/auxv.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"

// The folders this build installs the data sets into, ':'-separated: the
// configured prefix's and the .deb's (cmake/Install.cmake).
#ifndef SCRATCHNET_INSTALL_DATA_DIRS
#define SCRATCHNET_INSTALL_DATA_DIRS "/usr/share/scratchnet"
#endif

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

// The file this code was loaded from: the program itself when the static
// library is linked into it, else the shared object (libscratchnet.so, a
// Python module). Empty when the system cannot tell.
fs::path file_holding_the_library() {
  static const char anchor = 0;
  Dl_info library{};
  if (dladdr(&anchor, &library) == 0) return {};
  // For the main program dladdr names argv[0], which may be a bare name found
  // on PATH; the kernel knows the real file.
  Dl_info program{};
  const auto* program_headers = reinterpret_cast<const void*>(getauxval(AT_PHDR));
  const bool in_program = program_headers != nullptr && dladdr(program_headers, &program) != 0 &&
                          program.dli_fbase == library.dli_fbase;
  std::error_code ec;
  if (in_program) {
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe;
  }
  if (library.dli_fname == nullptr || library.dli_fname[0] == '\0') return {};
  fs::path path = fs::absolute(library.dli_fname, ec);
  return ec ? fs::path() : path;
}

// The configured install folders, for a program that is not installed under
// the prefix it was linked from (with the static library).
std::vector<fs::path> install_data_directories() {
  std::vector<fs::path> dirs;
  const std::string_view list = SCRATCHNET_INSTALL_DATA_DIRS;
  for (std::size_t begin = 0; begin <= list.size();) {
    std::size_t end = list.find(':', begin);
    if (end == std::string_view::npos) end = list.size();
    if (end > begin) dirs.emplace_back(list.substr(begin, end - begin));
    begin = end + 1;
  }
  return dirs;
}

// Where to look, in order: share/scratchnet in the folder of the library's
// file and then in each folder above it (the nearest prefix wins), then the
// folders the build was configured to install into.
std::vector<fs::path> data_directory_candidates(const fs::path& holder) {
  std::vector<fs::path> candidates;
  if (!holder.empty()) {
    for (fs::path dir = holder.parent_path(); !dir.empty(); dir = dir.parent_path()) {
      candidates.push_back(dir / "share" / "scratchnet");
      if (dir == dir.root_path()) break;
    }
  }
  for (fs::path& dir : install_data_directories()) candidates.push_back(std::move(dir));
  return candidates;
}

}  // namespace

std::string data_directory() {
  const char* env = std::getenv("SCRATCHNET_DATA_DIR");
  if (env != nullptr && env[0] != '\0') return env;
  const fs::path holder = file_holding_the_library();
  std::error_code ec;
  for (const fs::path& dir : data_directory_candidates(holder)) {
    if (fs::is_directory(dir, ec)) return dir.string();
  }
  std::string installed;
  for (const fs::path& dir : install_data_directories()) {
    installed += (installed.empty() ? "'" : " or '") + dir.string() + "'";
  }
  throw_data(
      "the bundled data sets (arem, digits, iris) are not installed: no folder share/scratchnet in "
      "'{}' or above it, nor {} (set SCRATCHNET_DATA_DIR to the folder holding arem/, "
      "digits/ and iris/)",
      holder.empty() ? std::string("?") : holder.parent_path().string(), installed);
}

}  // namespace scratchnet
