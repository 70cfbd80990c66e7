#include "scratchnet/data/image_folder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

#include "scratchnet/core/error.h"
#include "scratchnet/data/image_decode.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

bool hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

std::string lower_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

// The entries of `dir` that are folders and those that are files (symbolic
// links followed), hidden ones left out, each sorted by name.
struct Listing {
  std::vector<fs::path> folders, files;
};

Listing list_folder(const fs::path& dir) {
  Listing out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) throw_data("cannot list '{}': {}", dir.string(), ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    if (hidden(entry.path())) continue;
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      out.folders.push_back(entry.path());
    } else {
      out.files.push_back(entry.path());  // files, and links that lead nowhere
    }
  }
  if (ec) throw_data("cannot list '{}': {}", dir.string(), ec.message());
  auto by_name = [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  };
  std::sort(out.folders.begin(), out.folders.end(), by_name);
  std::sort(out.files.begin(), out.files.end(), by_name);
  return out;
}

// Every folder under `dir` (itself included), as Python's
// sorted(os.walk(dir, followlinks=True)): sorted by full path. A symbolic link
// back to a folder on the current path (a cycle) is not followed again.
void walk_folders(const fs::path& dir, std::vector<fs::path>& chain, std::vector<fs::path>& found) {
  std::error_code ec;
  fs::path real = fs::canonical(dir, ec);
  if (ec) real = dir;
  if (std::find(chain.begin(), chain.end(), real) != chain.end()) return;
  chain.push_back(std::move(real));
  found.push_back(dir);
  for (const fs::path& sub : list_folder(dir).folders) walk_folders(sub, chain, found);
  chain.pop_back();
}

std::vector<fs::path> folders_below(const fs::path& top) {
  std::vector<fs::path> found, chain;
  walk_folders(top, chain, found);
  std::sort(found.begin(), found.end(),
            [](const fs::path& a, const fs::path& b) { return a.string() < b.string(); });
  return found;
}

// Appends the images of one class folder to `files`; counts the other files.
void collect_class(const fs::path& folder, std::int32_t label, std::vector<ImageFile>& files,
                   ImageFolderScan& scan) {
  const std::size_t before = files.size();
  for (const fs::path& dir : folders_below(folder)) {
    for (const fs::path& file : list_folder(dir).files) {
      if (has_image_extension(file.filename().string())) {
        files.push_back({file.string(), label});
      } else {
        ++scan.other_files;
        ++scan.other_extensions[lower_extension(file)];
      }
    }
  }
  if (files.size() == before)
    scan.warnings.push_back(fmt::format("class folder '{}' holds no images", folder.string()));
}

// Files lying directly in a folder whose subfolders are the classes: counted
// as other files, with a warning when some of them are images.
void count_loose_files(const fs::path& dir, ImageFolderScan& scan) {
  std::size_t images = 0;
  for (const fs::path& file : list_folder(dir).files) {
    ++scan.other_files;
    ++scan.other_extensions[lower_extension(file)];
    if (has_image_extension(file.filename().string())) ++images;
  }
  if (images > 0)
    scan.warnings.push_back(fmt::format(
        "{} image(s) directly in '{}' are skipped: images belong in a subfolder per class", images,
        dir.string()));
}

bool holds_image(const fs::path& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (hidden(it->path())) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && has_image_extension(it->path().filename().string())) return true;
  }
  return false;
}

}  // namespace

ImageFolderScan scan_image_folder(const std::string& root_text) {
  const fs::path root(root_text);
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    throw_data("image folder '{}': {}", root_text,
               fs::exists(root, ec) ? "not a folder" : "no such folder");

  ImageFolderScan scan;
  scan.root = root_text;
  scan.predefined_split =
      fs::is_directory(root / "train", ec) && fs::is_directory(root / "test", ec);
  const fs::path base = scan.predefined_split ? root / "train" : root;

  const Listing top = list_folder(base);
  for (const fs::path& folder : top.folders) scan.class_names.push_back(folder.filename().string());
  if (scan.class_names.empty())
    throw_data(
        "image folder '{}' has no class subfolders: put the images of each class in a "
        "folder named after the class ('{}/cat/1.png', '{}/dog/2.jpg', ...)",
        base.string(), base.string(), base.string());
  if (scan.class_names.size() == 1)
    throw_data(
        "image folder '{}' has a single class folder ('{}'): classification needs at "
        "least two{}",
        base.string(), scan.class_names[0],
        scan.class_names[0] == "train" || scan.class_names[0] == "test"
            ? " (a predefined split needs both a train/ and a test/ folder)"
            : "");

  count_loose_files(base, scan);
  for (std::size_t k = 0; k < top.folders.size(); ++k)
    collect_class(top.folders[k], static_cast<std::int32_t>(k), scan.train, scan);

  if (scan.predefined_split) {
    const fs::path test_dir = root / "test";
    const Listing test = list_folder(test_dir);
    count_loose_files(test_dir, scan);
    // Whatever lies next to train/ and test/ is not read.
    count_loose_files(root, scan);
    for (const fs::path& folder : list_folder(root).folders) {
      const std::string name = folder.filename().string();
      if (name != "train" && name != "test")
        scan.warnings.push_back(
            fmt::format("folder '{}' is skipped: with train/ and test/ present only they are read",
                        folder.string()));
    }
    for (const fs::path& folder : test.folders) {
      const std::string name = folder.filename().string();
      const auto it = std::lower_bound(scan.class_names.begin(), scan.class_names.end(), name);
      if (it == scan.class_names.end() || *it != name) {
        std::string known;
        for (const auto& c : scan.class_names) known += (known.empty() ? "" : ", ") + c;
        throw_data("'{}': class '{}' is not one of the training classes in '{}' ({})",
                   folder.string(), name, base.string(), known);
      }
      collect_class(folder, static_cast<std::int32_t>(it - scan.class_names.begin()), scan.test,
                    scan);
    }
  }
  return scan;
}

bool looks_like_image_folder(const std::string& dir_text) {
  const fs::path dir(dir_text);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  const fs::path base = fs::is_directory(dir / "train", ec) ? dir / "train" : dir;
  for (const fs::path& folder : list_folder(base).folders)
    if (holds_image(folder)) return true;
  return false;
}

}  // namespace scratchnet
