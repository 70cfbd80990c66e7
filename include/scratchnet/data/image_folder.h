#pragma once
// Image folders: the files of a directory with one subfolder per class,
// found by the convention of torchvision's ImageFolder, so that the same
// folder gives the same classes and the same sample order:
//   - class names are the names of the subfolders, sorted (by byte, which for
//     UTF-8 is Python's code-point order); class id = position in that list;
//   - each class folder is walked recursively, following symbolic links:
//     its folders in sorted order of their full path, as Python's
//     sorted(os.walk(...)), the files of each folder sorted by name;
//   - a file is an image when its extension is one of image_extensions()
//     (.png .jpg .jpeg .bmp .ppm .pgm), compared case-insensitively.
// Unlike torchvision, names starting with '.' (".ipynb_checkpoints",
// ".DS_Store") are ignored, and other files are counted rather than silently
// dropped; a class folder without images is a warning, not an error.
//
// When DIR/train and DIR/test are both folders they are the split: classes
// come from DIR/train; each folder of DIR/test must be one of them.
// Otherwise DIR's subfolders are the classes and the caller splits.
//
// Errors (data errors naming the folder): DIR is not a folder, has no class
// subfolders, or only one class; a test class unknown to train.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

struct SCRATCHNET_API ImageFile {
  std::string path;
  std::int32_t label = 0;
};

struct SCRATCHNET_API ImageFolderScan {
  std::string root;
  std::vector<std::string> class_names;  // sorted
  std::vector<ImageFile> train;          // every image when there is no predefined split
  std::vector<ImageFile> test;           // DIR/test's images (predefined split only)
  bool predefined_split = false;
  // Files that are not images (by extension), by lower-case extension ("" for none).
  std::size_t other_files = 0;
  std::map<std::string, std::size_t> other_extensions;
  // Empty class folders, images outside any class folder: for the run header.
  std::vector<std::string> warnings;
};

SCRATCHNET_API ImageFolderScan scan_image_folder(const std::string& root);

// Whether `dir` looks like an image folder: it (or its train/ folder) has a
// subfolder holding, at any depth, a file with an image extension. Does not
// decode anything; stops at the first image found.
SCRATCHNET_API bool looks_like_image_folder(const std::string& dir);

}  // namespace scratchnet
